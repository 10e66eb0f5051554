/**
 * Least privilege, statement by statement. Each function's role has exactly two policies: its own
 * customer-managed policy, compared here in full against a table written out by hand (not derived from
 * infra/permissions.ts, so a change there must be made twice to pass), and the shared X-Ray policy. Each
 * schedule's role has one customer-managed policy too: invoke its job's function, and nothing else.
 * No inline policy, no AWS-managed policy, no CDK default policy anywhere.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkerName } from '../../functions/routes.js';
import type { FunctionName } from '../../infra/permissions.js';
import { type SynthesizedHub, synthesizeHub } from './support.js';

let hub: SynthesizedHub;

beforeAll(() => {
  hub = synthesizeHub();
});

type Statement = { Sid: string; Action: string[]; Resource: string[]; Condition?: Record<string, unknown> };

const LOGS: Statement = { Sid: 'WriteOwnLogs', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: ['OWN_LOG_GROUP.Arn'] };
const VIA_DYNAMODB: Statement = {
  Sid: 'StorageKeyViaDynamoDB',
  Action: ['kms:Decrypt'],
  Resource: ['StorageKey.Arn'],
  Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.${AWS::Region}.amazonaws.com' } },
};
const SEND_NOTIFICATIONS: Statement = { Sid: 'SendNotifications', Action: ['sqs:SendMessage'], Resource: ['NotificationQueue.Arn'] };
const SEND_AUDIT: Statement = { Sid: 'SendAuditEvents', Action: ['sqs:SendMessage'], Resource: ['AuditQueue.Arn'] };
const VIA_SQS_SEND: Statement = {
  Sid: 'StorageKeyViaSqs',
  Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
  Resource: ['StorageKey.Arn'],
  Condition: { StringEquals: { 'kms:ViaService': 'sqs.${AWS::Region}.amazonaws.com' } },
};
const ALERT_CONTEXT = {
  'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['alertId', 'sendingArea', 'scope'] },
  Null: {
    'kms:EncryptionContext:alertId': 'false',
    'kms:EncryptionContext:sendingArea': 'false',
    'kms:EncryptionContext:scope': 'false',
  },
};
const MEETING_CONTEXT = {
  'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['meetingId', 'requestingArea', 'scope'] },
  Null: {
    'kms:EncryptionContext:meetingId': 'false',
    'kms:EncryptionContext:requestingArea': 'false',
    'kms:EncryptionContext:scope': 'false',
  },
};
const SEAL: Statement = {
  Sid: 'SealAlertContent',
  Action: ['kms:GenerateDataKey'],
  Resource: ['ContentKey.Arn'],
  Condition: ALERT_CONTEXT,
};
const OPEN: Statement = { Sid: 'OpenAlertContent', Action: ['kms:Decrypt'], Resource: ['ContentKey.Arn'], Condition: ALERT_CONTEXT };
const SEAL_MEETING: Statement = {
  Sid: 'SealMeetingContent',
  Action: ['kms:GenerateDataKey'],
  Resource: ['ContentKey.Arn'],
  Condition: MEETING_CONTEXT,
};
const OPEN_MEETING: Statement = {
  Sid: 'OpenMeetingContent',
  Action: ['kms:Decrypt'],
  Resource: ['ContentKey.Arn'],
  Condition: MEETING_CONTEXT,
};
// A meeting is read by one Query of its head; an action's history by one Query of its notes.
const GET_MEETING: Statement = { Sid: 'MeetingsTable', Action: ['dynamodb:Query'], Resource: ['MeetingsTable.Arn'] };
const CHANGE_MEETING: Statement = {
  Sid: 'MeetingsTable',
  Action: ['dynamodb:Query', 'dynamodb:PutItem'],
  Resource: ['MeetingsTable.Arn'],
};
// An answer is an update of the head (a put only to split a meeting still stored as one item).
const ANSWER_MEETING: Statement = {
  Sid: 'MeetingsTable',
  Action: ['dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:PutItem'],
  Resource: ['MeetingsTable.Arn'],
};
// A note is its own item, then an update of the action's status on the head.
const NOTE_MEETING: Statement = {
  Sid: 'MeetingsTable',
  Action: ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  Resource: ['MeetingsTable.Arn'],
};
const LOOK_UP_ALERTS: Statement = { Sid: 'AlertsTable', Action: ['dynamodb:GetItem'], Resource: ['AlertsTable.Arn'] };
const IDEMPOTENCY: Statement = {
  Sid: 'IdempotencyTable',
  Action: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  Resource: ['IdempotencyTable.Arn'],
};

const SESSIONS: Statement = {
  Sid: 'SessionsTable',
  Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  Resource: ['SessionsTable.Arn'],
};
/** The console's own boxes: a draft bound to its session, a form kept across a time-out bound to its person. */
const CONSOLE_DRAFTS: Statement = {
  Sid: 'ConsoleDrafts',
  Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
  Resource: ['ContentKey.Arn'],
  Condition: {
    StringEquals: { 'kms:EncryptionContext:purpose': 'console-draft' },
    'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['purpose', 'session'] },
    Null: { 'kms:EncryptionContext:purpose': 'false', 'kms:EncryptionContext:session': 'false' },
  },
};
const CONSOLE_KEPT_FORMS: Statement = {
  Sid: 'ConsoleKeptForms',
  Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
  Resource: ['ContentKey.Arn'],
  Condition: {
    StringEquals: { 'kms:EncryptionContext:purpose': 'console-kept-form' },
    'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['purpose', 'sub'] },
    Null: { 'kms:EncryptionContext:purpose': 'false', 'kms:EncryptionContext:sub': 'false' },
  },
};

const EXPECTED: Record<FunctionName, Statement[]> = {
  health: [LOGS],
  'not-found': [LOGS],
  'list-areas': [LOGS, SEND_AUDIT, VIA_SQS_SEND],
  'create-alert': [
    LOGS,
    // The intent, the shares and the alert (the commit), the intent's removal; a retry reads what was committed.
    {
      Sid: 'AlertsTable',
      Action: ['dynamodb:PutItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:BatchGetItem'],
      Resource: ['AlertsTable.Arn'],
    },
    IDEMPOTENCY,
    SEAL,
    SEND_AUDIT,
    VIA_DYNAMODB,
    VIA_SQS_SEND,
  ],
  'list-alerts': [
    LOGS,
    { Sid: 'AlertsTable', Action: ['dynamodb:BatchGetItem'], Resource: ['AlertsTable.Arn'] },
    {
      Sid: 'AlertsIndexes',
      Action: ['dynamodb:Query'],
      Resource: [
        'AlertsTable.Arn/index/received',
        'AlertsTable.Arn/index/receivedByStatus',
        'AlertsTable.Arn/index/sent',
        'AlertsTable.Arn/index/sentSummaries',
      ],
    },
    SEND_AUDIT,
    VIA_DYNAMODB,
    VIA_SQS_SEND,
  ],
  'get-alert': [
    LOGS,
    { Sid: 'AlertsTable', Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'], Resource: ['AlertsTable.Arn'] },
    OPEN,
    SEND_AUDIT,
    VIA_DYNAMODB,
    VIA_SQS_SEND,
  ],
  'acknowledge-alert': [
    LOGS,
    { Sid: 'AlertsTable', Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query'], Resource: ['AlertsTable.Arn'] },
    IDEMPOTENCY,
    OPEN,
    SEND_AUDIT,
    VIA_DYNAMODB,
    VIA_SQS_SEND,
  ],
  'get-alert-audit': [
    LOGS,
    LOOK_UP_ALERTS,
    { Sid: 'AuditTable', Action: ['dynamodb:Query'], Resource: ['AuditTable.Arn', 'AuditTable.Arn/index/byResourceArea'] },
    SEND_AUDIT,
    VIA_DYNAMODB,
    VIA_SQS_SEND,
  ],
  // A share's life: the forward items and the shares they make, the alert's recipients and history
  // holders, the chain of custody (a Query of the alert's own partition), and the notices.
  'forward-alert': [
    LOGS,
    {
      Sid: 'AlertsTable',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
      Resource: ['AlertsTable.Arn'],
    },
    IDEMPOTENCY,
    OPEN,
    SEAL,
    SEND_NOTIFICATIONS,
    SEND_AUDIT,
    VIA_DYNAMODB,
    VIA_SQS_SEND,
  ],
  'decide-forward': [
    LOGS,
    {
      Sid: 'AlertsTable',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
      Resource: ['AlertsTable.Arn'],
    },
    IDEMPOTENCY,
    OPEN,
    SEAL,
    SEND_NOTIFICATIONS,
    SEND_AUDIT,
    VIA_DYNAMODB,
    VIA_SQS_SEND,
  ],
  'revoke-share': [
    LOGS,
    { Sid: 'AlertsTable', Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query'], Resource: ['AlertsTable.Arn'] },
    IDEMPOTENCY,
    OPEN,
    SEND_NOTIFICATIONS,
    SEND_AUDIT,
    VIA_DYNAMODB,
    VIA_SQS_SEND,
  ],
  'extend-share': [
    LOGS,
    { Sid: 'AlertsTable', Action: ['dynamodb:UpdateItem', 'dynamodb:Query'], Resource: ['AlertsTable.Arn'] },
    IDEMPOTENCY,
    OPEN,
    SEND_AUDIT,
    VIA_DYNAMODB,
    VIA_SQS_SEND,
  ],
  'request-meeting': [
    LOGS,
    // As create-alert's: the intent, the listing rows, the meeting, the intent's removal, and a retry's read.
    {
      Sid: 'MeetingsTable',
      Action: ['dynamodb:PutItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:Query'],
      Resource: ['MeetingsTable.Arn'],
    },
    LOOK_UP_ALERTS,
    IDEMPOTENCY,
    SEAL_MEETING,
    SEND_AUDIT,
    VIA_DYNAMODB,
    VIA_SQS_SEND,
  ],
  'list-meetings': [
    LOGS,
    { Sid: 'MeetingsTable', Action: ['dynamodb:BatchGetItem'], Resource: ['MeetingsTable.Arn'] },
    { Sid: 'MeetingsIndexes', Action: ['dynamodb:Query'], Resource: ['MeetingsTable.Arn/index/byArea'] },
    SEND_AUDIT,
    VIA_DYNAMODB,
    VIA_SQS_SEND,
  ],
  'get-meeting': [LOGS, GET_MEETING, LOOK_UP_ALERTS, OPEN_MEETING, SEND_AUDIT, VIA_DYNAMODB, VIA_SQS_SEND],
  // A change that seals opens the meeting's data key (one per meeting) to derive the new part's key from it.
  'respond-to-meeting': [LOGS, ANSWER_MEETING, IDEMPOTENCY, SEAL_MEETING, OPEN_MEETING, SEND_AUDIT, VIA_DYNAMODB, VIA_SQS_SEND],
  'schedule-meeting': [LOGS, CHANGE_MEETING, IDEMPOTENCY, SEND_AUDIT, VIA_DYNAMODB, VIA_SQS_SEND],
  'cancel-meeting': [LOGS, CHANGE_MEETING, IDEMPOTENCY, SEAL_MEETING, OPEN_MEETING, SEND_AUDIT, VIA_DYNAMODB, VIA_SQS_SEND],
  'get-meeting-invitation': [LOGS, GET_MEETING, SEND_AUDIT, VIA_DYNAMODB, VIA_SQS_SEND],
  'record-meeting': [LOGS, CHANGE_MEETING, IDEMPOTENCY, SEAL_MEETING, OPEN_MEETING, SEND_AUDIT, VIA_DYNAMODB, VIA_SQS_SEND],
  'update-meeting-action': [LOGS, NOTE_MEETING, IDEMPOTENCY, SEAL_MEETING, OPEN_MEETING, SEND_AUDIT, VIA_DYNAMODB, VIA_SQS_SEND],
  // A meeting's action's every update: the head, a page of notes, opened under the meeting's key.
  'list-action-updates': [LOGS, GET_MEETING, OPEN_MEETING, SEND_AUDIT, VIA_DYNAMODB, VIA_SQS_SEND],
  'get-meeting-audit': [
    LOGS,
    GET_MEETING,
    { Sid: 'AuditTable', Action: ['dynamodb:Query'], Resource: ['AuditTable.Arn', 'AuditTable.Arn/index/byResourceArea'] },
    SEND_AUDIT,
    VIA_DYNAMODB,
    VIA_SQS_SEND,
  ],
  'audit-consumer': [
    LOGS,
    { Sid: 'AuditTable', Action: ['dynamodb:PutItem'], Resource: ['AuditTable.Arn'] },
    {
      Sid: 'ReceiveAuditEvents',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      Resource: ['AuditQueue.Arn'],
    },
    VIA_DYNAMODB,
    { ...VIA_SQS_SEND, Action: ['kms:Decrypt'] },
  ],
  // Reads the intents' partition, looks each creation up, writes a committed one's missing history record,
  // and corrects the audit record of an uncommitted one before removing what it left and the intent.
  'commit-sweep': [
    LOGS,
    {
      Sid: 'AlertsTable',
      Action: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem'],
      Resource: ['AlertsTable.Arn'],
    },
    {
      Sid: 'MeetingsTable',
      Action: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem'],
      Resource: ['MeetingsTable.Arn'],
    },
    SEND_AUDIT,
    VIA_DYNAMODB,
    VIA_SQS_SEND,
  ],
  // Reads the index of pending shares, checks each share's alert is committed (keys only), re-reads a share
  // it lost a race for, and claims and marks each step conditionally; records its event and its messages.
  'ladder-sweep': [
    LOGS,
    { Sid: 'AlertsTable', Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem'], Resource: ['AlertsTable.Arn'] },
    { Sid: 'AlertsIndexes', Action: ['dynamodb:Query'], Resource: ['AlertsTable.Arn/index/ladder'] },
    { Sid: 'MeetingsTable', Action: ['dynamodb:Query', 'dynamodb:UpdateItem'], Resource: ['MeetingsTable.Arn'] },
    { Sid: 'MeetingsIndexes', Action: ['dynamodb:Query'], Resource: ['MeetingsTable.Arn/index/ladder'] },
    SEND_NOTIFICATIONS,
    SEND_AUDIT,
    VIA_DYNAMODB,
    VIA_SQS_SEND,
  ],
  // Reads each area's changed shares from the outbox's index and their alerts' summaries, and copies each
  // change into its alert's row and takes the share out of the index, conditionally: no content, no queue.
  'outbox-fold': [
    LOGS,
    { Sid: 'AlertsTable', Action: ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem'], Resource: ['AlertsTable.Arn'] },
    { Sid: 'AlertsIndexes', Action: ['dynamodb:Query'], Resource: ['AlertsTable.Arn/index/sentSummaries'] },
    VIA_DYNAMODB,
  ],
  // Claims each intent in the notifications table, reads the share or meeting to see a reminder still
  // applies, records a message refused for good on it, receives (and backs off) its queue's messages, and
  // reads Notify's key: the only function that may.
  'notification-sender': [
    LOGS,
    {
      Sid: 'NotificationsTable',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      Resource: ['NotificationsTable.Arn'],
    },
    { Sid: 'AlertsTable', Action: ['dynamodb:GetItem'], Resource: ['AlertsTable.Arn'] },
    { Sid: 'MeetingsTable', Action: ['dynamodb:Query'], Resource: ['MeetingsTable.Arn'] },
    {
      Sid: 'RecordDeliveryFailures',
      Action: ['dynamodb:UpdateItem'],
      Resource: ['AlertsTable.Arn', 'MeetingsTable.Arn'],
      Condition: {
        'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'deliveryFailures', 'failedIntents', 'version'] },
        StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE'] },
      },
    },
    {
      Sid: 'ReceiveNotifications',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'],
      Resource: ['NotificationQueue.Arn'],
    },
    {
      Sid: 'NotifyApiKey',
      Action: ['secretsmanager:GetSecretValue'],
      Resource: ['arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:mset-hub/notify-api-key-??????'],
    },
    VIA_DYNAMODB,
    { ...VIA_SQS_SEND, Action: ['kms:Decrypt'] },
  ],
  'authorizer-refusals': [
    LOGS,
    SEND_AUDIT,
    { Sid: 'RefusalsDeadLetter', Action: ['sqs:SendMessage'], Resource: ['RefusalsDeadLetterQueue.Arn'] },
    VIA_SQS_SEND,
  ],
  // Every page runs the API's use cases in process, so the console needs what they need together: create,
  // list, open and acknowledge alerts; request, list, open and change meetings; read access histories; and
  // its own sessions table and sealed boxes. No Scan; the one Query on the alerts table reads an alert's own
  // partition (its chain of custody).
  console: [
    LOGS,
    {
      Sid: 'AlertsTable',
      Action: [
        'dynamodb:PutItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:UpdateItem',
        'dynamodb:Query',
      ],
      Resource: ['AlertsTable.Arn'],
    },
    {
      Sid: 'AlertsIndexes',
      Action: ['dynamodb:Query'],
      Resource: [
        'AlertsTable.Arn/index/received',
        'AlertsTable.Arn/index/receivedByStatus',
        'AlertsTable.Arn/index/sent',
        'AlertsTable.Arn/index/sentSummaries',
      ],
    },
    {
      Sid: 'MeetingsTable',
      Action: [
        'dynamodb:PutItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ],
      Resource: ['MeetingsTable.Arn'],
    },
    { Sid: 'MeetingsIndexes', Action: ['dynamodb:Query'], Resource: ['MeetingsTable.Arn/index/byArea'] },
    { Sid: 'AuditTable', Action: ['dynamodb:Query'], Resource: ['AuditTable.Arn', 'AuditTable.Arn/index/byResourceArea'] },
    IDEMPOTENCY,
    SESSIONS,
    CONSOLE_DRAFTS,
    CONSOLE_KEPT_FORMS,
    SEAL,
    OPEN,
    SEAL_MEETING,
    OPEN_MEETING,
    SEND_NOTIFICATIONS,
    SEND_AUDIT,
    VIA_DYNAMODB,
    VIA_SQS_SEND,
  ],
};

const NAMES = Object.keys(EXPECTED) as FunctionName[];

/** Each scheduled job's schedule role: its one policy, with OWN_FUNCTION for the job's function. */
const SCHEDULE_EXPECTED: Partial<Record<WorkerName, Statement[]>> = {
  'commit-sweep': [{ Sid: 'InvokeJob', Action: ['lambda:InvokeFunction'], Resource: ['OWN_FUNCTION.Arn'] }],
  'ladder-sweep': [{ Sid: 'InvokeJob', Action: ['lambda:InvokeFunction'], Resource: ['OWN_FUNCTION.Arn'] }],
  'outbox-fold': [{ Sid: 'InvokeJob', Action: ['lambda:InvokeFunction'], Resource: ['OWN_FUNCTION.Arn'] }],
};
const SCHEDULED = Object.keys(SCHEDULE_EXPECTED) as WorkerName[];

function logicalId(construct: { node: { defaultChild?: unknown } } | object): string {
  const child = 'node' in construct ? ((construct as any).node.defaultChild ?? construct) : construct;
  return hub.stateless.getLogicalId(child as any);
}

function statementsOf(name: FunctionName): Statement[] {
  const fn = hub.stateless.functions.get(name)!;
  return renderedStatements(logicalId(fn.policy), [[logicalId(fn.logGroup), 'OWN_LOG_GROUP']]);
}

function scheduleStatementsOf(name: WorkerName): Statement[] {
  const { policy } = hub.stateless.schedules.get(name)!;
  return renderedStatements(logicalId(policy), [[logicalId(hub.stateless.functions.get(name)!.function), 'OWN_FUNCTION']]);
}

/** A managed policy's statements, rendered, with the given logical ids replaced by placeholders. */
function renderedStatements(policyId: string, placeholders: [string, string][]): Statement[] {
  const policy = hub.resources(hub.statelessTemplate, 'AWS::IAM::ManagedPolicy')[policyId]!;
  return (policy.Properties['PolicyDocument'].Statement as any[]).map((statement) => {
    const rendered = hub.render(statement) as any;
    const list = (value: unknown) => (Array.isArray(value) ? value : [value]) as string[];
    return {
      Sid: rendered.Sid,
      Action: list(rendered.Action),
      Resource: list(rendered.Resource).map((resource) =>
        placeholders.reduce((text, [id, placeholder]) => text.replace(id, placeholder), resource),
      ),
      ...(rendered.Condition === undefined ? {} : { Condition: rendered.Condition }),
      ...(rendered.Effect === 'Allow' ? {} : { Effect: rendered.Effect }),
    };
  });
}

describe('each function policy', () => {
  it('covers exactly the functions the stack deploys', () => {
    expect([...hub.stateless.functions.keys()].sort()).toEqual([...NAMES].sort());
  });

  describe.each(NAMES)('%s', (name) => {
    it('has exactly the expected statements, in order', () => {
      const actual = statementsOf(name);
      expect(actual.map((statement) => statement.Sid)).toEqual(EXPECTED[name].map((statement) => statement.Sid));
    });

    it.each(EXPECTED[name].map((statement) => [statement.Sid, statement] as const))(
      'statement %s: actions, resources, conditions',
      (sid, expected) => {
        const actual = statementsOf(name).find((statement) => statement.Sid === sid);
        expect(actual).toEqual(expected);
      },
    );

    it('is attached to its own role, which has only it and the tracing policy', () => {
      const fn = hub.stateless.functions.get(name)!;
      const roleId = logicalId(fn.role);
      const role = hub.resources(hub.statelessTemplate, 'AWS::IAM::Role')[roleId]!;
      expect(role.Properties['Policies']).toBeUndefined();
      expect(hub.render(role.Properties['ManagedPolicyArns'])).toEqual([logicalId(hub.stateless.node.findChild('TracingPolicy'))]);
      expect(hub.render(role.Properties['AssumeRolePolicyDocument'].Statement)).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
      ]);
      const attached = Object.entries(hub.resources(hub.statelessTemplate, 'AWS::IAM::ManagedPolicy'))
        .filter(([, policy]) => (hub.render(policy.Properties['Roles']) as string[] | undefined)?.includes(roleId))
        .map(([id]) => id);
      expect(attached).toEqual([logicalId(fn.policy)]);
      // The function runs as that role and waits for its policy (Lambda checks DLQ and queue access on create).
      const fnResource = hub.resources(hub.statelessTemplate, 'AWS::Lambda::Function')[logicalId(fn.function)]!;
      expect(hub.render(fnResource.Properties['Role'])).toBe(`${roleId}.Arn`);
      expect(fnResource.DependsOn).toContain(logicalId(fn.policy));
    });
  });
});

describe('each schedule role', () => {
  it('covers exactly the schedules the stack deploys', () => {
    expect([...hub.stateless.schedules.keys()].sort()).toEqual([...SCHEDULED].sort());
  });

  describe.each(SCHEDULED)('%s', (name) => {
    it("may invoke its job's function and nothing else", () => {
      expect(scheduleStatementsOf(name)).toEqual(SCHEDULE_EXPECTED[name]);
    });

    it('is assumed only by EventBridge Scheduler, for a schedule of this account, and has only that policy', () => {
      const { role, policy } = hub.stateless.schedules.get(name)!;
      const roleId = logicalId(role);
      const resource = hub.resources(hub.statelessTemplate, 'AWS::IAM::Role')[roleId]!;
      expect(resource.Properties['Policies']).toBeUndefined();
      expect(resource.Properties['ManagedPolicyArns']).toBeUndefined();
      expect(hub.render(resource.Properties['AssumeRolePolicyDocument'].Statement)).toEqual([
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: {
            StringEquals: {
              'aws:SourceAccount': '${AWS::AccountId}',
              'aws:SourceArn': 'arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule-group/default',
            },
          },
        },
      ]);
      const attached = Object.entries(hub.resources(hub.statelessTemplate, 'AWS::IAM::ManagedPolicy'))
        .filter(([, candidate]) => (hub.render(candidate.Properties['Roles']) as string[] | undefined)?.includes(roleId))
        .map(([id]) => id);
      expect(attached).toEqual([logicalId(policy)]);
    });
  });
});

describe('across all policies', () => {
  it('the content key is usable only by the functions that seal or open child content', () => {
    const users = NAMES.filter((name) => statementsOf(name).some((statement) => statement.Resource.includes('ContentKey.Arn')));
    expect(users.sort()).toEqual(
      [
        'acknowledge-alert',
        'create-alert',
        'get-alert',
        'request-meeting',
        'get-meeting',
        'list-action-updates',
        'respond-to-meeting',
        'cancel-meeting',
        'record-meeting',
        'update-meeting-action',
        'forward-alert',
        'decide-forward',
        'revoke-share',
        'extend-share',
        'console',
      ].sort(),
    );
    // Only the functions that show content may open it (the console shows what get-alert and get-meeting
    // show), those that pass it on to a new reader (a forward, an approved request), and those that add to a
    // meeting: its new pieces are parts of its one data key, which they open to derive their keys (a meeting
    // is read whole by every area in it; issue 11). Listings, histories and the consumer cannot.
    const decrypters = NAMES.filter((name) =>
      statementsOf(name).some((statement) => statement.Resource.includes('ContentKey.Arn') && statement.Action.includes('kms:Decrypt')),
    );
    // The sending area's record of a share's life (reasons, justifications) is sealed under its keyring, so
    // revoking and extending open it too; an acknowledgement's note is sealed for the sender under its key.
    expect(decrypters.sort()).toEqual(
      [
        'acknowledge-alert',
        'console',
        'decide-forward',
        'extend-share',
        'forward-alert',
        'get-alert',
        'get-meeting',
        'list-action-updates',
        'revoke-share',
        'respond-to-meeting',
        'cancel-meeting',
        'record-meeting',
        'update-meeting-action',
      ].sort(),
    );
  });

  it('the content key is usable only with an encryption context whose keys are fixed and all present', () => {
    for (const name of NAMES) {
      for (const statement of statementsOf(name).filter((candidate) => candidate.Resource.includes('ContentKey.Arn'))) {
        const condition = statement.Condition as Record<string, Record<string, unknown>> | undefined;
        const keys = condition?.['ForAllValues:StringEquals']?.['kms:EncryptionContextKeys'] as string[] | undefined;
        expect({ name, sid: statement.Sid, keys: keys?.length }).toEqual({ name, sid: statement.Sid, keys: expect.any(Number) });
        expect(Object.keys(condition?.['Null'] ?? {}).sort()).toEqual(keys!.map((key) => `kms:EncryptionContext:${key}`).sort());
      }
    }
  });

  it("only the console reaches the sessions table, and only it may use the content key with its own boxes' contexts", () => {
    const sessionUsers = NAMES.filter((name) =>
      statementsOf(name).some((statement) => statement.Resource.some((resource) => resource.startsWith('SessionsTable'))),
    );
    expect(sessionUsers).toEqual(['console']);
    const consoleBoxUsers = NAMES.filter((name) =>
      statementsOf(name).some((statement) => JSON.stringify(statement.Condition ?? {}).includes('kms:EncryptionContext:purpose')),
    );
    expect(consoleBoxUsers).toEqual(['console']);
  });

  it('the storage key is usable only through DynamoDB and SQS', () => {
    for (const name of NAMES) {
      for (const statement of statementsOf(name).filter((candidate) => candidate.Resource.includes('StorageKey.Arn'))) {
        expect(Object.keys(statement.Condition ?? {})).toEqual(['StringEquals']);
        expect(Object.keys((statement.Condition as any).StringEquals)).toEqual(['kms:ViaService']);
      }
    }
  });

  it("each policy fits IAM's 6,144-character limit for a managed policy, with ARNs as long as they get", () => {
    // What the placeholders become once deployed (a 14-character region, CloudFormation's generated names).
    const arn = (service: string, resource: string) => `"arn:aws-us-gov:${service}:ap-southeast-14:123456789012:${resource}`;
    const sizes = NAMES.map((name) => {
      const fn = hub.stateless.functions.get(name)!;
      const document = hub.resources(hub.statelessTemplate, 'AWS::IAM::ManagedPolicy')[logicalId(fn.policy)]!.Properties['PolicyDocument'];
      const deployed = JSON.stringify(hub.render(document))
        .replace(/"(\w+Table)\.Arn/g, (_match, table: string) => arn('dynamodb', `table/MsetHubStateful-${table}-ABCDEFGHIJKLM`))
        .replace(/"\w+Key\.Arn/g, arn('kms', 'key/12345678-1234-1234-1234-123456789012'))
        .replace(/"(\w+Queue)\.Arn/g, (_match, queue: string) => arn('sqs', `MsetHubStateful-${queue}-ABCDEFGHIJKLM.fifo`))
        .replace(/"\w+\.Arn/g, arn('logs', 'log-group:MsetHubStateless-RoutesUpdateMeetingActionLogsABCDEF12-ABCDEFGHIJKL:*'))
        .replaceAll('${AWS::Region}', 'ap-southeast-14');
      return { name, fits: deployed.length < 6144, size: deployed.length };
    });
    expect(sizes.filter((size) => !size.fits)).toEqual([]);
    const largest = sizes.reduce((a, b) => (a.size >= b.size ? a : b));
    console.info(`largest function policy: ${largest.name}, ~${largest.size} of 6,144 characters`);
  });

  it('nothing grants a wildcard action or resource, and nothing but X-Ray needs "*"', () => {
    for (const name of NAMES) {
      for (const statement of statementsOf(name)) {
        expect(statement.Action.filter((action) => action.includes('*'))).toEqual([]);
        expect(statement.Resource.filter((resource) => resource.includes('*'))).toEqual([]);
      }
    }
    const tracing = hub.resources(hub.statelessTemplate, 'AWS::IAM::ManagedPolicy')[
      logicalId(hub.stateless.node.findChild('TracingPolicy'))
    ]!;
    expect(tracing.Properties['PolicyDocument'].Statement).toEqual([
      { Sid: 'SendTraces', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
    ]);
  });

  it('no function can write alerts but those that create and acknowledge them, the console and the commit sweep; the consumer cannot read them', () => {
    const touchesAlerts = (name: FunctionName) =>
      statementsOf(name).filter((statement) => statement.Resource.some((r) => r.startsWith('AlertsTable')));
    expect(touchesAlerts('audit-consumer')).toEqual([]);
    expect(touchesAlerts('authorizer-refusals')).toEqual([]);
    const writers = NAMES.filter((name) =>
      touchesAlerts(name).some((statement) => statement.Action.some((action) => /Put|Write|Update|Delete/.test(action))),
    );
    // The sweep's only puts are history records of committed alerts, conditional on there being none; the
    // console writes only through create-alert's and acknowledge-alert's use cases, run in process; the
    // notification sender only adds a failed message to a share (UpdateItem), the ladder sweep only
    // takes steps (UpdateItem, conditional on the step it read), and the outbox fold only copies summaries. A share's life: forwards add a share and a
    // forward item (PutItem, conditional on none), revocations and extensions change a share (UpdateItem,
    // conditional on it not having ended).
    expect(writers.sort()).toEqual(
      [
        'acknowledge-alert',
        'commit-sweep',
        'console',
        'create-alert',
        'decide-forward',
        'extend-share',
        'forward-alert',
        'ladder-sweep',
        'notification-sender',
        // Only summaries it copies, and a share's key in the outbox's index it takes away (UpdateItem, both conditional).
        'outbox-fold',
        'revoke-share',
      ].sort(),
    );
  });

  it("no role may invoke a function but a schedule's, and only its own job", () => {
    const invokers = Object.entries(hub.resources(hub.statelessTemplate, 'AWS::IAM::ManagedPolicy')).flatMap(([id, policy]) =>
      (policy.Properties['PolicyDocument'].Statement as any[])
        .filter((statement) => [statement.Action].flat().some((action: string) => action.startsWith('lambda:')))
        .map(() => id),
    );
    expect(invokers.sort()).toEqual(SCHEDULED.map((name) => logicalId(hub.stateless.schedules.get(name)!.policy)).sort());
  });

  it("every role in the stateless stack is a function's or a schedule's", () => {
    const roles = Object.keys(hub.resources(hub.statelessTemplate, 'AWS::IAM::Role'));
    expect(roles.sort()).toEqual(
      [
        ...[...hub.stateless.functions.values()].map((fn) => logicalId(fn.role)),
        ...[...hub.stateless.schedules.values()].map((schedule) => logicalId(schedule.role)),
      ].sort(),
    );
  });

  it('there is no inline or default policy and no AWS-managed policy in either stack', () => {
    expect(Object.keys(hub.resources(hub.statelessTemplate, 'AWS::IAM::Policy'))).toEqual([]);
    expect(Object.keys(hub.resources(hub.statefulTemplate, 'AWS::IAM::Policy'))).toEqual([]);
    expect(Object.keys(hub.resources(hub.statefulTemplate, 'AWS::IAM::Role'))).toEqual([]);
    for (const role of Object.values(hub.resources(hub.statelessTemplate, 'AWS::IAM::Role'))) {
      expect(JSON.stringify(role.Properties['ManagedPolicyArns'] ?? [])).not.toContain('arn:');
    }
  });
});
