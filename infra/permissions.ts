/**
 * What each function may do, written out statement by statement: no `grant*` helper, because those add KMS
 * rights broader than the code uses (e.g. `kms:Encrypt` and `kms:ReEncrypt*` on every table grant) and
 * hide what a role can do from a reviewer. The actions below are the ones the adapters call:
 *
 * - alert-store (functions/adapters/dynamodb/alert-store.ts): GetItem (getAlert, getShare; create's
 *   read-first), PutItem (create's intent, commit, mark and history record), BatchWriteItem (create's shares),
 *   DeleteItem (create's intent once committed), BatchGetItem (getShares; the inbox's commit check),
 *   UpdateItem (acknowledge; the outbox fold's summaries), Query on the listing indexes (`received`, `receivedByStatus`,
 *   `sentSummaries`), and on the table for the intents (the commit sweep, which also deletes what it finds abandoned).
 * - audit-store: PutItem (put), Query on the table and on `byResourceArea` (listForResource).
 * - idempotency-store: PutItem (claim), GetItem (claim), UpdateItem (takeover, complete, release); and, for
 *   a replay of an answer written beside its commit, GetItem of that committing item in the route's own
 *   table (create-alert's alerts, request-meeting's meetings: both already read their committing item).
 * - meeting-store: as the alert store for creation and its sweep; Query on the table (get: the meeting's
 *   head and notes), PutItem (a change of the head, conditional on the version; a note; splitting a
 *   meeting stored as one item), UpdateItem (an answer; a note's status on the head), Query on the `byArea`
 *   index and BatchGetItem (list, the heads' summary attributes).
 * - history records: GetItem (the access histories).
 * - session-store (the console's sessions table): GetItem (a session), PutItem (create, keep a form, start a
 *   sign-in), UpdateItem (touch, save a draft), DeleteItem (end; take a kept form or a sign-in, once).
 * - sqs-queue (the audit trail's queue): SendMessage. kms-key-service: GenerateDataKey (seal), Decrypt (open).
 * - the notifications queue: SendMessage (ladder steps); ReceiveMessage, DeleteMessage, GetQueueAttributes
 *   and ChangeMessageVisibility (the sender's backoff). delivery-records (the notifications table): GetItem,
 *   PutItem (claim), UpdateItem (finish). The share or meeting a failed message was about: UpdateItem.
 *
 * and each handler (functions/handlers/*.ts) reaches only the store methods its use case calls; its needs
 * are declared beside its route in functions/routes.ts. The storage key is usable only through DynamoDB
 * and SQS (`kms:ViaService`); the content key only with the encryption context every sealed box carries
 * (alert id, sending area, scope), or for the console's own boxes (functions/console/app.ts: a draft bound
 * to its session, a form kept across a time-out bound to its person) only with exactly their contexts.
 *
 * The `sessions` need is the console's: its sessions table, its own sealed boxes, and, when the deployment
 * gives the console a confidential client's secret, reading that one secret.
 */
import { Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { type FunctionName, type Need, needsOf, ROUTE_LIST, WORKER_LIST } from '../functions/routes.js';

export type { FunctionName };

/** The ARNs a policy may name. */
export type HubResources = {
  readonly alertsTableArn: string;
  readonly auditTableArn: string;
  readonly idempotencyTableArn: string;
  readonly meetingsTableArn: string;
  readonly sessionsTableArn: string;
  readonly auditQueueArn: string;
  readonly refusalsDeadLetterQueueArn: string;
  readonly notificationsTableArn: string;
  readonly notificationQueueArn: string;
  /** GOV.UK Notify's API key in Secrets Manager: the notification sender alone reads it. */
  readonly notifyApiKeySecretArn: string;
  readonly storageKeyArn: string;
  readonly contentKeyArn: string;
  /** The console's OpenID Connect client secret in Secrets Manager, when it is a confidential client. */
  readonly consoleClientSecretArn?: string;
};

/**
 * The encryption context keys every sealed box is bound to: functions/core/alerts/content.ts for an
 * alert's content, functions/core/meetings/content.ts for a meeting's.
 */
export const CONTENT_CONTEXT_KEYS = {
  alert: ['alertId', 'sendingArea', 'scope'],
  meeting: ['meetingId', 'requestingArea', 'scope'],
} as const;

/**
 * The console's own sealed boxes (functions/console/app.ts): the content key with exactly these context
 * keys, and `purpose` exactly this value, so neither kind of box can be opened as the other, nor as an
 * alert's or a meeting's content.
 */
export const CONSOLE_BOX_CONTEXTS = {
  ConsoleDrafts: { purpose: 'console-draft', keys: ['purpose', 'session'] },
  ConsoleKeptForms: { purpose: 'console-kept-form', keys: ['purpose', 'sub'] },
} as const;

/** What each function needs, read from the route list: one entry per function, beside its route. */
export const NEEDS: Readonly<Record<FunctionName, readonly Need[]>> = Object.fromEntries(
  [...ROUTE_LIST.map((route) => route.handler), ...WORKER_LIST.map((worker) => worker.name)].map((name) => [name, needsOf(name)]),
) as Record<FunctionName, readonly Need[]>;

export const IDEMPOTENCY_ACTIONS = ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const;
export const SESSIONS_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const;
export const SEND_ACTIONS = ['sqs:SendMessage'] as const;
export const RECEIVE_ACTIONS = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'] as const;
/** The sender also puts off a failed message's next delivery: its backoff. */
export const RECEIVE_NOTIFICATION_ACTIONS = [...RECEIVE_ACTIONS, 'sqs:ChangeMessageVisibility'] as const;
/** The sender's claim per intent: read, claim (conditional put), finish (update). */
export const NOTIFICATIONS_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;

/** The statements of one function's policy, in a fixed order, each with a Sid naming what it is for. */
export function statementsFor(scope: Construct, name: FunctionName, resources: HubResources): PolicyStatement[] {
  const { region } = Stack.of(scope);
  const needs = NEEDS[name];
  const statements: PolicyStatement[] = [];
  let usesTables = false;
  let sqsKeyActions: string[] | undefined;

  for (const need of needs) {
    switch (need.kind) {
      case 'alerts':
        usesTables = true;
        if (need.actions.length > 0) statements.push(allow('AlertsTable', need.actions, [resources.alertsTableArn]));
        if (need.indexes !== undefined) {
          statements.push(
            allow(
              'AlertsIndexes',
              ['dynamodb:Query'],
              need.indexes.map((index) => `${resources.alertsTableArn}/index/${index}`),
            ),
          );
        }
        break;
      case 'audit':
        usesTables = true;
        statements.push(
          allow('AuditTable', need.actions, [
            ...(need.table === true ? [resources.auditTableArn] : []),
            ...(need.indexes ?? []).map((index) => `${resources.auditTableArn}/index/${index}`),
          ]),
        );
        break;
      case 'recordDeliveryFailures':
        usesTables = true;
        statements.push(
          new PolicyStatement({
            sid: 'RecordDeliveryFailures',
            actions: ['dynamodb:UpdateItem'],
            resources: [resources.alertsTableArn, resources.meetingsTableArn],
            // Only the failure list, its index of intents and a meeting's version: never a share's status,
            // an acknowledgement or sealed content, and nothing read back.
            conditions: {
              'ForAllValues:StringEquals': { 'dynamodb:Attributes': DELIVERY_FAILURE_ATTRIBUTES },
              StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE'] },
            },
          }),
        );
        break;
      case 'meetings':
        usesTables = true;
        if (need.actions.length > 0) statements.push(allow('MeetingsTable', need.actions, [resources.meetingsTableArn]));
        if (need.indexes !== undefined) {
          statements.push(
            allow(
              'MeetingsIndexes',
              ['dynamodb:Query'],
              need.indexes.map((index) => `${resources.meetingsTableArn}/index/${index}`),
            ),
          );
        }
        break;
      case 'idempotency':
        usesTables = true;
        statements.push(allow('IdempotencyTable', IDEMPOTENCY_ACTIONS, [resources.idempotencyTableArn]));
        break;
      case 'sessions':
        usesTables = true;
        statements.push(allow('SessionsTable', SESSIONS_ACTIONS, [resources.sessionsTableArn]));
        for (const [sid, { purpose, keys }] of Object.entries(CONSOLE_BOX_CONTEXTS)) {
          statements.push(
            new PolicyStatement({
              sid,
              // The console seals these boxes and opens them again.
              actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
              resources: [resources.contentKeyArn],
              conditions: {
                StringEquals: { 'kms:EncryptionContext:purpose': purpose },
                'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [...keys] },
                Null: Object.fromEntries(keys.map((key) => [`kms:EncryptionContext:${key}`, 'false'])),
              },
            }),
          );
        }
        if (resources.consoleClientSecretArn !== undefined) {
          statements.push(allow('ConsoleClientSecret', ['secretsmanager:GetSecretValue'], [resources.consoleClientSecretArn]));
        }
        break;
      case 'content': {
        const keys = CONTENT_CONTEXT_KEYS[need.of];
        const subject = need.of === 'alert' ? 'Alert' : 'Meeting';
        statements.push(
          new PolicyStatement({
            sid: need.use === 'seal' ? `Seal${subject}Content` : `Open${subject}Content`,
            actions: [need.use === 'seal' ? 'kms:GenerateDataKey' : 'kms:Decrypt'],
            resources: [resources.contentKeyArn],
            conditions: {
              // Only the context keys the code binds, and each of them present: no context-free data keys.
              'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [...keys] },
              Null: Object.fromEntries(keys.map((key) => [`kms:EncryptionContext:${key}`, 'false'])),
            },
          }),
        );
        break;
      }
      case 'sendAuditEvents':
        statements.push(allow('SendAuditEvents', SEND_ACTIONS, [resources.auditQueueArn]));
        sqsKeyActions = ['kms:GenerateDataKey', 'kms:Decrypt'];
        break;
      case 'receiveAuditEvents':
        statements.push(allow('ReceiveAuditEvents', RECEIVE_ACTIONS, [resources.auditQueueArn]));
        sqsKeyActions ??= ['kms:Decrypt'];
        break;
      case 'refusalsDeadLetter':
        statements.push(allow('RefusalsDeadLetter', SEND_ACTIONS, [resources.refusalsDeadLetterQueueArn]));
        sqsKeyActions = ['kms:GenerateDataKey', 'kms:Decrypt'];
        break;
      case 'notifications':
        usesTables = true;
        statements.push(allow('NotificationsTable', NOTIFICATIONS_ACTIONS, [resources.notificationsTableArn]));
        break;
      case 'sendNotifications':
        statements.push(allow('SendNotifications', SEND_ACTIONS, [resources.notificationQueueArn]));
        sqsKeyActions = ['kms:GenerateDataKey', 'kms:Decrypt'];
        break;
      case 'receiveNotifications':
        statements.push(allow('ReceiveNotifications', RECEIVE_NOTIFICATION_ACTIONS, [resources.notificationQueueArn]));
        sqsKeyActions ??= ['kms:Decrypt'];
        break;
      case 'notifyApiKey':
        statements.push(allow('NotifyApiKey', ['secretsmanager:GetSecretValue'], [resources.notifyApiKeySecretArn]));
        break;
    }
  }
  // DynamoDB decrypts its table key with the caller's rights: kms:Decrypt, and only through DynamoDB.
  if (usesTables)
    statements.push(viaService('StorageKeyViaDynamoDB', ['kms:Decrypt'], resources.storageKeyArn, `dynamodb.${region}.amazonaws.com`));
  // SQS encrypts a sent message under a data key and decrypts a received one, with the caller's rights.
  if (sqsKeyActions !== undefined)
    statements.push(viaService('StorageKeyViaSqs', sqsKeyActions, resources.storageKeyArn, `sqs.${region}.amazonaws.com`));
  return statements;
}

/** What recording a failed message touches (functions/adapters/dynamodb/delivery-failures.ts), keys included. */
const DELIVERY_FAILURE_ATTRIBUTES = ['pk', 'sk', 'deliveryFailures', 'failedIntents', 'version'];

function allow(sid: string, actions: readonly string[], resources: readonly string[]): PolicyStatement {
  return new PolicyStatement({ sid, actions: [...actions], resources: [...resources] });
}

function viaService(sid: string, actions: readonly string[], keyArn: string, service: string): PolicyStatement {
  return new PolicyStatement({
    sid,
    actions: [...actions],
    resources: [keyArn],
    conditions: { StringEquals: { 'kms:ViaService': service } },
  });
}
