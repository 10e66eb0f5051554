/**
 * What each function may do, written out statement by statement: no `grant*` helper, because those add KMS
 * rights broader than the code uses (e.g. `kms:Encrypt` and `kms:ReEncrypt*` on every table grant) and
 * hide what a role can do from a reviewer. The actions below are the ones the adapters call:
 *
 * - alert-store (functions/adapters/dynamodb/alert-store.ts): GetItem (getAlert, getShare), PutItem
 *   (create, conditional), BatchWriteItem (create's shares, remove's deletes), BatchGetItem (getShares),
 *   UpdateItem (acknowledge, revertAcknowledgement), Query on the `inbox` and `outbox` indexes.
 * - audit-store: PutItem (put), Query on the table and on `byResourceArea` (listForResource).
 * - idempotency-store: PutItem (claim), GetItem (claim), UpdateItem (complete), DeleteItem (release).
 * - meeting-store: PutItem (create, conditional; save, conditional on the version), BatchWriteItem (create's
 *   listing rows), GetItem (get), Query on the `byArea` index and BatchGetItem (list).
 * - sqs-audit-trail: SendMessage. kms-key-service: GenerateDataKey (seal), Decrypt (open).
 *
 * and each handler (functions/handlers/*.ts) reaches only the store methods its use case calls. The
 * storage key is usable only through DynamoDB and SQS (`kms:ViaService`); the content key only with the
 * encryption context every sealed box carries (alert id, sending area, scope).
 */
import { Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ALERTS_TABLE, AUDIT_TABLE, MEETINGS_TABLE } from '../functions/adapters/dynamodb/tables.js';

/** The ARNs a policy may name. */
export type HubResources = {
  readonly alertsTableArn: string;
  readonly auditTableArn: string;
  readonly idempotencyTableArn: string;
  readonly meetingsTableArn: string;
  readonly auditQueueArn: string;
  readonly refusalsDeadLetterQueueArn: string;
  readonly storageKeyArn: string;
  readonly contentKeyArn: string;
};

/** Every function the stack deploys: the route handlers of functions/routes.ts and the two that are not routes. */
export type FunctionName =
  | 'health'
  | 'not-found'
  | 'list-areas'
  | 'create-alert'
  | 'list-alerts'
  | 'get-alert'
  | 'acknowledge-alert'
  | 'get-alert-audit'
  | 'request-meeting'
  | 'list-meetings'
  | 'get-meeting'
  | 'respond-to-meeting'
  | 'schedule-meeting'
  | 'cancel-meeting'
  | 'get-meeting-invitation'
  | 'record-meeting'
  | 'update-meeting-action'
  | 'get-meeting-audit'
  | 'audit-consumer'
  | 'authorizer-refusals';

/**
 * The encryption context keys every sealed box is bound to: functions/core/alerts/content.ts for an
 * alert's content, functions/core/meetings/content.ts for a meeting's.
 */
export const CONTENT_CONTEXT_KEYS = {
  alert: ['alertId', 'sendingArea', 'scope'],
  meeting: ['meetingId', 'requestingArea', 'scope'],
} as const;
type ContentKind = keyof typeof CONTENT_CONTEXT_KEYS;

type Need =
  | { readonly kind: 'alerts'; readonly actions: readonly string[]; readonly indexes?: readonly AlertIndex[] }
  | { readonly kind: 'audit'; readonly actions: readonly string[]; readonly indexes?: readonly AuditIndex[]; readonly table?: boolean }
  | { readonly kind: 'meetings'; readonly actions: readonly string[]; readonly indexes?: readonly MeetingIndex[] }
  | { readonly kind: 'idempotency' }
  | { readonly kind: 'content'; readonly of: ContentKind; readonly use: 'seal' | 'open' }
  | { readonly kind: 'sendAuditEvents' }
  | { readonly kind: 'receiveAuditEvents' }
  | { readonly kind: 'refusalsDeadLetter' };

type AlertIndex = (typeof ALERTS_TABLE.indexes)[number]['name'];
type AuditIndex = (typeof AUDIT_TABLE.indexes)[number]['name'];
type MeetingIndex = (typeof MEETINGS_TABLE.indexes)[number]['name'];

/** Beyond writing its own log group and X-Ray segments, which every function gets. */
export const NEEDS: Readonly<Record<FunctionName, readonly Need[]>> = {
  // Public routes: no token, no data, no audit trail.
  health: [],
  'not-found': [],
  // Reference data bundled in the code; an unusable token is audited (authentication middleware).
  'list-areas': [{ kind: 'sendAuditEvents' }],
  'create-alert': [
    { kind: 'alerts', actions: ['dynamodb:PutItem', 'dynamodb:BatchWriteItem'] },
    { kind: 'idempotency' },
    { kind: 'content', of: 'alert', use: 'seal' },
    { kind: 'sendAuditEvents' },
  ],
  // A listing is a summary: no child content, so no content key at all.
  'list-alerts': [
    { kind: 'alerts', actions: ['dynamodb:BatchGetItem'], indexes: ['inbox', 'outbox'] },
    { kind: 'sendAuditEvents' },
  ],
  'get-alert': [
    { kind: 'alerts', actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'] },
    { kind: 'content', of: 'alert', use: 'open' },
    { kind: 'sendAuditEvents' },
  ],
  // Seals the acknowledgement note; opens nothing.
  'acknowledge-alert': [
    { kind: 'alerts', actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] },
    { kind: 'idempotency' },
    { kind: 'content', of: 'alert', use: 'seal' },
    { kind: 'sendAuditEvents' },
  ],
  'get-alert-audit': [
    { kind: 'alerts', actions: ['dynamodb:GetItem'] },
    { kind: 'audit', actions: ['dynamodb:Query'], table: true, indexes: ['byResourceArea'] },
    { kind: 'sendAuditEvents' },
  ],
  // Meetings (functions/core/meetings): every change is a read, then a put conditional on the version.
  // Alerts are only looked up (GetItem) to check which ones an area may link to or see linked.
  'request-meeting': [
    { kind: 'meetings', actions: ['dynamodb:PutItem', 'dynamodb:BatchWriteItem'] },
    { kind: 'alerts', actions: ['dynamodb:GetItem'] },
    { kind: 'idempotency' },
    { kind: 'content', of: 'meeting', use: 'seal' },
    { kind: 'sendAuditEvents' },
  ],
  'list-meetings': [{ kind: 'meetings', actions: ['dynamodb:BatchGetItem'], indexes: ['byArea'] }, { kind: 'sendAuditEvents' }],
  'get-meeting': [
    { kind: 'meetings', actions: ['dynamodb:GetItem'] },
    { kind: 'alerts', actions: ['dynamodb:GetItem'] },
    { kind: 'content', of: 'meeting', use: 'open' },
    { kind: 'sendAuditEvents' },
  ],
  'respond-to-meeting': [
    { kind: 'meetings', actions: ['dynamodb:GetItem', 'dynamodb:PutItem'] },
    { kind: 'idempotency' },
    { kind: 'content', of: 'meeting', use: 'seal' },
    { kind: 'sendAuditEvents' },
  ],
  'schedule-meeting': [
    { kind: 'meetings', actions: ['dynamodb:GetItem', 'dynamodb:PutItem'] },
    { kind: 'idempotency' },
    { kind: 'sendAuditEvents' },
  ],
  'cancel-meeting': [
    { kind: 'meetings', actions: ['dynamodb:GetItem', 'dynamodb:PutItem'] },
    { kind: 'idempotency' },
    { kind: 'content', of: 'meeting', use: 'seal' },
    { kind: 'sendAuditEvents' },
  ],
  // The calendar file carries times and areas, no sealed content.
  'get-meeting-invitation': [{ kind: 'meetings', actions: ['dynamodb:GetItem'] }, { kind: 'sendAuditEvents' }],
  'record-meeting': [
    { kind: 'meetings', actions: ['dynamodb:GetItem', 'dynamodb:PutItem'] },
    { kind: 'idempotency' },
    { kind: 'content', of: 'meeting', use: 'seal' },
    { kind: 'sendAuditEvents' },
  ],
  'update-meeting-action': [
    { kind: 'meetings', actions: ['dynamodb:GetItem', 'dynamodb:PutItem'] },
    { kind: 'idempotency' },
    { kind: 'content', of: 'meeting', use: 'seal' },
    { kind: 'sendAuditEvents' },
  ],
  'get-meeting-audit': [
    { kind: 'meetings', actions: ['dynamodb:GetItem'] },
    { kind: 'audit', actions: ['dynamodb:Query'], table: true, indexes: ['byResourceArea'] },
    { kind: 'sendAuditEvents' },
  ],
  // Writes audit events and nothing else: it cannot read an alert, nor the audit table.
  'audit-consumer': [{ kind: 'audit', actions: ['dynamodb:PutItem'], table: true }, { kind: 'receiveAuditEvents' }],
  'authorizer-refusals': [{ kind: 'sendAuditEvents' }, { kind: 'refusalsDeadLetter' }],
};

export const IDEMPOTENCY_ACTIONS = ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const;
export const SEND_ACTIONS = ['sqs:SendMessage'] as const;
export const RECEIVE_ACTIONS = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'] as const;

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
          statements.push(allow('AlertsIndexes', ['dynamodb:Query'], need.indexes.map((index) => `${resources.alertsTableArn}/index/${index}`)));
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
      case 'meetings':
        usesTables = true;
        if (need.actions.length > 0) statements.push(allow('MeetingsTable', need.actions, [resources.meetingsTableArn]));
        if (need.indexes !== undefined) {
          statements.push(allow('MeetingsIndexes', ['dynamodb:Query'], need.indexes.map((index) => `${resources.meetingsTableArn}/index/${index}`)));
        }
        break;
      case 'idempotency':
        usesTables = true;
        statements.push(allow('IdempotencyTable', IDEMPOTENCY_ACTIONS, [resources.idempotencyTableArn]));
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
    }
  }
  // DynamoDB decrypts its table key with the caller's rights: kms:Decrypt, and only through DynamoDB.
  if (usesTables) statements.push(viaService('StorageKeyViaDynamoDB', ['kms:Decrypt'], resources.storageKeyArn, `dynamodb.${region}.amazonaws.com`));
  // SQS encrypts a sent message under a data key and decrypts a received one, with the caller's rights.
  if (sqsKeyActions !== undefined) statements.push(viaService('StorageKeyViaSqs', sqsKeyActions, resources.storageKeyArn, `sqs.${region}.amazonaws.com`));
  return statements;
}

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
