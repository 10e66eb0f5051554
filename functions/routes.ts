/**
 * Every function the hub deploys, in one list: the HTTP routes, and the workers that are not routes (queue
 * consumers, log subscribers, scheduled jobs). The local hub's gateway and timers, the CDK stack (functions,
 * IAM statements, throttles, concurrency) and the OpenAPI document are all derived from this file, so a
 * function cannot exist in one and not the others, and adding a route is one entry here plus its handler and
 * use case.
 *
 * Never imported by a handler: it names every contract and every handler module, which no single Lambda
 * bundle should carry.
 */
import type * as z from 'zod/mini';
import {
  AcknowledgementReceipt,
  AcknowledgeRequest,
  AlertList,
  AlertView,
  CreateAlertRequest,
  CreateAlertResponse,
  ExtensionReceipt,
  ExtensionRequest,
  ForwardDecisionRequest,
  ForwardReceipt,
  ForwardRequest,
  ListAlertsQuery,
  RevocationReceipt,
  RevokeRequest,
} from '../contracts/alerts.js';
import { AreaList } from '../contracts/areas.js';
import { AccessHistoryQuery, AlertAccessHistory, MeetingAccessHistory } from '../contracts/audit.js';
import { Health } from '../contracts/health.js';
import {
  ActionUpdateList,
  ActionUpdateReceipt,
  ActionUpdatesQuery,
  CancelMeetingRequest,
  CancelMeetingResponse,
  Invitation,
  ListMeetingsQuery,
  MeetingList,
  MeetingResponseReceipt,
  MeetingResponseRequest,
  MeetingView,
  RecordMeetingRequest,
  RecordMeetingResponse,
  RequestMeetingRequest,
  RequestMeetingResponse,
  ScheduleMeetingRequest,
  ScheduleMeetingResponse,
  UpdateActionRequest,
} from '../contracts/meetings.js';
import type { ALERTS_TABLE, AUDIT_TABLE, MEETINGS_TABLE } from './adapters/dynamodb/tables.js';
import type { HttpFunction, WorkerFunction } from './shared/function.js';

// ---- what a function calls: infra/permissions.ts turns each need into IAM statements ----

type AlertIndex = (typeof ALERTS_TABLE.indexes)[number]['name'];
type AuditIndex = (typeof AUDIT_TABLE.indexes)[number]['name'];
type MeetingIndex = (typeof MEETINGS_TABLE.indexes)[number]['name'];

/** Which content key use: sealing needs GenerateDataKey, opening needs Decrypt. */
export type ContentKind = 'alert' | 'meeting';

/** Beyond writing its own log group and X-Ray segments, which every function gets. */
export type Need =
  | { readonly kind: 'alerts'; readonly actions: readonly string[]; readonly indexes?: readonly AlertIndex[] }
  | { readonly kind: 'audit'; readonly actions: readonly string[]; readonly indexes?: readonly AuditIndex[]; readonly table?: boolean }
  | { readonly kind: 'meetings'; readonly actions: readonly string[]; readonly indexes?: readonly MeetingIndex[] }
  | { readonly kind: 'idempotency' }
  /** The console's sessions table. */
  | { readonly kind: 'sessions' }
  /** Appends a failed message to a share or meeting: UpdateItem of those attributes only. */
  | { readonly kind: 'recordDeliveryFailures' }
  | { readonly kind: 'content'; readonly of: ContentKind; readonly use: 'seal' | 'open' }
  | { readonly kind: 'sendAuditEvents' }
  | { readonly kind: 'receiveAuditEvents' }
  | { readonly kind: 'refusalsDeadLetter' }
  /** The notifications table: the sender's claim per intent. */
  | { readonly kind: 'notifications' }
  | { readonly kind: 'sendNotifications' }
  /** Receiving, and putting off a failed message's next delivery (the backoff). */
  | { readonly kind: 'receiveNotifications' }
  /** Reading GOV.UK Notify's API key from Secrets Manager: the sender alone. */
  | { readonly kind: 'notifyApiKey' };

/** A Lambda function's size and its cap on the account's concurrency (the README sums them). */
export type Sizing = { readonly timeoutSeconds: number; readonly memoryMb: number; readonly reservedConcurrency: number };

/** What the OpenAPI document says of a route. */
export type Operation = {
  readonly summary: string;
  readonly roles?: string;
  readonly request?: z.ZodMiniType;
  readonly query?: z.ZodMiniObject;
  readonly success: { readonly status: number; readonly schema: z.ZodMiniType; readonly mediaType?: string };
  /** A second success answer, e.g. 202 for a change that waits on someone else's approval. */
  readonly alsoSuccess?: { readonly status: number; readonly schema: z.ZodMiniType };
  readonly errors: readonly number[];
  readonly idempotent?: boolean;
};

export type RouteDefinition = {
  /** As API Gateway writes it: "METHOD /path/{param}", or "$default" for the catch-all. */
  readonly routeKey: string;
} & (
  | { readonly authorized: true }
  /** Without the JWT authorizer: only with a reviewed reason to be public. */
  | { readonly authorized: false; readonly publicReason: string }
) & {
    /** The handler module (functions/handlers/<name>.ts, named by this entry's key). */
    readonly load: () => Promise<HttpFunction>;
    readonly needs: readonly Need[];
    /** API Gateway's per-route throttle: requests per second, steady and burst. */
    readonly throttle: { readonly rate: number; readonly burst: number };
    readonly sizing: Sizing;
    /** What the OpenAPI document says of it; null only for the catch-all, which is no operation of the API. */
    readonly operation: Operation | null;
  };

export type WorkerDefinition = {
  /** How the function is invoked: by the audit queue, by the API's access log, or on a schedule. */
  readonly trigger:
    | { readonly kind: 'audit-queue' }
    | { readonly kind: 'notification-queue' }
    | { readonly kind: 'access-log-refusals' }
    | { readonly kind: 'schedule'; readonly everyMinutes: number };
  readonly load: () => Promise<WorkerFunction>;
  readonly needs: readonly Need[];
  readonly sizing: Sizing;
};

const CHANGE_ERRORS = [400, 401, 403, 404, 409, 413, 415, 422, 503] as const;
const STANDARD = { timeoutSeconds: 15, memoryMb: 512 } as const;
const SMALL = { timeoutSeconds: 10, memoryMb: 256 } as const;

export const ROUTES = {
  health: {
    routeKey: 'GET /health',
    authorized: false,
    publicReason:
      'A liveness probe for load balancers and uptime checks, which carry no token. It answers {"status":"ok"} and its function has no permission beyond writing its own log.',
    load: () => import('./handlers/health.js'),
    // Public routes: no token, no data, no audit trail.
    needs: [],
    throttle: { rate: 5, burst: 10 },
    sizing: { timeoutSeconds: 3, memoryMb: 256, reservedConcurrency: 2 },
    operation: { summary: 'Liveness', success: { status: 200, schema: Health }, errors: [] },
  },
  'list-areas': {
    routeKey: 'GET /v1/areas',
    authorized: true,
    load: () => import('./handlers/list-areas.js'),
    // Reference data bundled in the code; an unusable token is audited (authentication middleware).
    needs: [{ kind: 'sendAuditEvents' }],
    throttle: { rate: 10, burst: 20 },
    sizing: { ...SMALL, memoryMb: 512, reservedConcurrency: 5 },
    operation: { summary: 'The area directory', success: { status: 200, schema: AreaList }, errors: [401, 503] },
  },
  'create-alert': {
    routeKey: 'POST /v1/alerts',
    authorized: true,
    load: () => import('./handlers/create-alert.js'),
    needs: [
      // The intent, the shares and the alert (the commit); a retry reads what an earlier attempt committed.
      {
        kind: 'alerts',
        actions: ['dynamodb:PutItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:BatchGetItem'],
      },
      { kind: 'idempotency' },
      { kind: 'content', of: 'alert', use: 'seal' },
      { kind: 'sendAuditEvents' },
    ],
    throttle: { rate: 10, burst: 20 },
    sizing: { ...STANDARD, reservedConcurrency: 10 },
    operation: {
      summary: 'Send a child-movement alert to one or more areas',
      roles: 'police, coordinator, chair',
      request: CreateAlertRequest,
      success: { status: 201, schema: CreateAlertResponse },
      errors: [400, 401, 403, 409, 413, 415, 422, 503],
      idempotent: true,
    },
  },
  'list-alerts': {
    routeKey: 'GET /v1/alerts',
    authorized: true,
    load: () => import('./handlers/list-alerts.js'),
    // A listing is a summary: no child content, so no content key at all.
    needs: [
      // `sent` for one release more: the code before this one reads it while a deployment rolls out.
      { kind: 'alerts', actions: ['dynamodb:BatchGetItem'], indexes: ['received', 'receivedByStatus', 'sent', 'sentSummaries'] },
      { kind: 'sendAuditEvents' },
    ],
    throttle: { rate: 20, burst: 40 },
    sizing: { ...STANDARD, reservedConcurrency: 10 },
    operation: {
      summary: "The caller's area's inbox or outbox, newest first (summaries, no child identity)",
      roles: 'police, coordinator, chair, practitioner',
      query: ListAlertsQuery,
      success: { status: 200, schema: AlertList },
      errors: [401, 403, 422, 503],
    },
  },
  'get-alert': {
    routeKey: 'GET /v1/alerts/{alertId}',
    authorized: true,
    load: () => import('./handlers/get-alert.js'),
    // The chain of custody, once an alert has forwards, is a Query of the alert's own partition.
    needs: [
      { kind: 'alerts', actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] },
      { kind: 'content', of: 'alert', use: 'open' },
      { kind: 'sendAuditEvents' },
    ],
    throttle: { rate: 20, burst: 40 },
    sizing: { ...STANDARD, reservedConcurrency: 20 },
    operation: {
      summary: 'Open an alert: the sender sees all of it, a recipient the sections its share grants',
      roles: 'police, coordinator, chair, practitioner',
      success: { status: 200, schema: AlertView },
      errors: [401, 403, 404, 503],
    },
  },
  'acknowledge-alert': {
    routeKey: 'POST /v1/alerts/{alertId}/acknowledgements',
    authorized: true,
    load: () => import('./handlers/acknowledge-alert.js'),
    // Seals the acknowledgement note into the recipient's copy and the sender's (opening both keyrings:
    // Decrypt); the alert's partition is one Query.
    needs: [
      { kind: 'alerts', actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query'] },
      { kind: 'idempotency' },
      { kind: 'content', of: 'alert', use: 'open' },
      { kind: 'sendAuditEvents' },
    ],
    throttle: { rate: 10, burst: 20 },
    sizing: { ...STANDARD, reservedConcurrency: 10 },
    operation: {
      summary: 'Acknowledge a received alert, once per share',
      roles: 'coordinator, chair (of a recipient area)',
      request: AcknowledgeRequest,
      success: { status: 201, schema: AcknowledgementReceipt },
      errors: CHANGE_ERRORS,
      idempotent: true,
    },
  },
  'get-alert-audit': {
    routeKey: 'GET /v1/alerts/{alertId}/audit',
    authorized: true,
    load: () => import('./handlers/get-alert-audit.js'),
    // The history record decides access (GetItem); an alert stored before records existed stands in while stored.
    needs: [
      { kind: 'alerts', actions: ['dynamodb:GetItem'] },
      { kind: 'audit', actions: ['dynamodb:Query'], table: true, indexes: ['byResourceArea'] },
      { kind: 'sendAuditEvents' },
    ],
    throttle: { rate: 5, burst: 10 },
    sizing: { ...STANDARD, reservedConcurrency: 5 },
    operation: {
      summary: "An alert's access history, for the sending and receiving areas",
      roles: 'police, coordinator, chair, auditor',
      query: AccessHistoryQuery,
      success: { status: 200, schema: AlertAccessHistory },
      errors: [401, 403, 404, 422, 503],
    },
  },
  // A share's life. Each is a read, then conditional single-item writes; the sealed reasons go under the
  // sending area's key (one Decrypt), and a new reader's copy under its own (one GenerateDataKey).
  'forward-alert': {
    routeKey: 'POST /v1/alerts/{alertId}/forwards',
    authorized: true,
    load: () => import('./handlers/forward-alert.js'),
    needs: [
      // The alert's partition (Query: the alert, its shares, its forwards), the forward item and the new
      // share (PutItem, conditional), the alert's recipients and the history record's holders (UpdateItem),
      // the source share re-read after (GetItem).
      {
        kind: 'alerts',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
      },
      { kind: 'idempotency' },
      { kind: 'content', of: 'alert', use: 'open' },
      { kind: 'content', of: 'alert', use: 'seal' },
      { kind: 'sendNotifications' },
      { kind: 'sendAuditEvents' },
    ],
    throttle: { rate: 5, burst: 10 },
    sizing: { ...STANDARD, reservedConcurrency: 5 },
    operation: {
      summary: 'Pass an alert on to a further area, within your own scopes (the sender: any scope)',
      roles: 'coordinator, chair (of a recipient area); police, coordinator, chair (of the sending area)',
      request: ForwardRequest,
      success: { status: 201, schema: ForwardReceipt },
      alsoSuccess: { status: 202, schema: ForwardReceipt },
      errors: CHANGE_ERRORS,
      idempotent: true,
    },
  },
  'decide-forward': {
    routeKey: 'POST /v1/alerts/{alertId}/forwards/{forwardId}/decision',
    authorized: true,
    load: () => import('./handlers/decide-forward.js'),
    needs: [
      {
        kind: 'alerts',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
      },
      { kind: 'idempotency' },
      { kind: 'content', of: 'alert', use: 'open' },
      { kind: 'content', of: 'alert', use: 'seal' },
      { kind: 'sendNotifications' },
      { kind: 'sendAuditEvents' },
    ],
    throttle: { rate: 5, burst: 10 },
    sizing: { ...STANDARD, reservedConcurrency: 3 },
    operation: {
      summary: "Approve or refuse a recipient's request to pass the alert on (where the share terms ask for approval)",
      roles: 'police, coordinator, chair (of the sending area)',
      request: ForwardDecisionRequest,
      success: { status: 200, schema: ForwardReceipt },
      errors: CHANGE_ERRORS,
      idempotent: true,
    },
  },
  'revoke-share': {
    routeKey: 'POST /v1/alerts/{alertId}/shares/{area}/revoke',
    authorized: true,
    load: () => import('./handlers/revoke-share.js'),
    needs: [
      // Ends the share and those forwarded from it (UpdateItem, conditional: the copy removed, the
      // metadata kept); finds them from the forward items (Query); seals the reason under the sender's key.
      { kind: 'alerts', actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query'] },
      { kind: 'idempotency' },
      { kind: 'content', of: 'alert', use: 'open' },
      { kind: 'sendNotifications' },
      { kind: 'sendAuditEvents' },
    ],
    throttle: { rate: 5, burst: 10 },
    sizing: { ...STANDARD, reservedConcurrency: 3 },
    operation: {
      summary: "End an area's share at once (and every share forwarded from it): its copy is destroyed",
      roles: 'police, coordinator, chair (of the sending area)',
      request: RevokeRequest,
      success: { status: 200, schema: RevocationReceipt },
      errors: CHANGE_ERRORS,
      idempotent: true,
    },
  },
  'extend-share': {
    routeKey: 'POST /v1/alerts/{alertId}/shares/{area}/extension',
    authorized: true,
    load: () => import('./handlers/extend-share.js'),
    needs: [
      // The alert's partition (Query), the share's new end and re-armed ladder, the alert's and the history
      // record's end moved later (UpdateItem, conditional); the justification under the sender's keyring.
      { kind: 'alerts', actions: ['dynamodb:UpdateItem', 'dynamodb:Query'] },
      { kind: 'idempotency' },
      { kind: 'content', of: 'alert', use: 'open' },
      { kind: 'sendAuditEvents' },
    ],
    throttle: { rate: 5, burst: 10 },
    sizing: { ...STANDARD, reservedConcurrency: 3 },
    operation: {
      summary: "Extend an area's share (to at most two years from the alert's creation), with a justification",
      roles: 'police, coordinator, chair (of the sending area)',
      request: ExtensionRequest,
      success: { status: 200, schema: ExtensionReceipt },
      errors: CHANGE_ERRORS,
      idempotent: true,
    },
  },
  // Meetings: every change is a read of the meeting's head (Query), then a write conditional on what it was
  // computed from: a put of the head, an update of it (an answer), or a note's item and an update of the
  // head (an action's note); a meeting in an earlier layout is brought to the current one first. Alerts are only looked up
  // (GetItem) to check which ones an area may link to or see linked.
  'request-meeting': {
    routeKey: 'POST /v1/meetings',
    authorized: true,
    load: () => import('./handlers/request-meeting.js'),
    needs: [
      {
        kind: 'meetings',
        actions: ['dynamodb:PutItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:Query'],
      },
      { kind: 'alerts', actions: ['dynamodb:GetItem'] },
      { kind: 'idempotency' },
      { kind: 'content', of: 'meeting', use: 'seal' },
      { kind: 'sendAuditEvents' },
    ],
    throttle: { rate: 5, burst: 10 },
    sizing: { ...STANDARD, reservedConcurrency: 3 },
    operation: {
      summary: 'Request a case-focussed cross-boundary meeting about a child, proposing slots',
      roles: 'coordinator, chair',
      request: RequestMeetingRequest,
      success: { status: 201, schema: RequestMeetingResponse },
      errors: [400, 401, 403, 409, 413, 415, 422, 503],
      idempotent: true,
    },
  },
  'list-meetings': {
    routeKey: 'GET /v1/meetings',
    authorized: true,
    load: () => import('./handlers/list-meetings.js'),
    needs: [{ kind: 'meetings', actions: ['dynamodb:BatchGetItem'], indexes: ['byArea'] }, { kind: 'sendAuditEvents' }],
    throttle: { rate: 10, burst: 20 },
    sizing: { ...STANDARD, reservedConcurrency: 5 },
    operation: {
      summary: "The caller's area's requested (outbox) or invited (inbox) meetings, newest first",
      roles: 'police, coordinator, chair, practitioner',
      query: ListMeetingsQuery,
      success: { status: 200, schema: MeetingList },
      errors: [401, 403, 422, 503],
    },
  },
  'get-meeting': {
    routeKey: 'GET /v1/meetings/{meetingId}',
    authorized: true,
    load: () => import('./handlers/get-meeting.js'),
    needs: [
      { kind: 'meetings', actions: ['dynamodb:Query'] },
      { kind: 'alerts', actions: ['dynamodb:GetItem'] },
      { kind: 'content', of: 'meeting', use: 'open' },
      { kind: 'sendAuditEvents' },
    ],
    throttle: { rate: 10, burst: 20 },
    sizing: { ...STANDARD, reservedConcurrency: 5 },
    operation: {
      summary: "A meeting: slots, every area's answer, status, and once held the record and actions",
      roles: 'police, coordinator, chair, practitioner (of a participating area)',
      success: { status: 200, schema: MeetingView },
      errors: [401, 403, 404, 503],
    },
  },
  'respond-to-meeting': {
    routeKey: 'POST /v1/meetings/{meetingId}/responses',
    authorized: true,
    load: () => import('./handlers/respond-to-meeting.js'),
    needs: [
      { kind: 'meetings', actions: ['dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:PutItem'] },
      { kind: 'idempotency' },
      { kind: 'content', of: 'meeting', use: 'seal' },
      { kind: 'content', of: 'meeting', use: 'open' },
      { kind: 'sendAuditEvents' },
    ],
    throttle: { rate: 5, burst: 10 },
    sizing: { ...STANDARD, reservedConcurrency: 3 },
    operation: {
      summary: 'Accept a slot, decline with a reason, or propose another slot (until scheduled)',
      roles: 'coordinator, chair (of an invited area)',
      request: MeetingResponseRequest,
      success: { status: 201, schema: MeetingResponseReceipt },
      errors: CHANGE_ERRORS,
      idempotent: true,
    },
  },
  'schedule-meeting': {
    routeKey: 'POST /v1/meetings/{meetingId}/schedule',
    authorized: true,
    load: () => import('./handlers/schedule-meeting.js'),
    needs: [{ kind: 'meetings', actions: ['dynamodb:Query', 'dynamodb:PutItem'] }, { kind: 'idempotency' }, { kind: 'sendAuditEvents' }],
    throttle: { rate: 5, burst: 10 },
    sizing: { ...STANDARD, reservedConcurrency: 3 },
    operation: {
      summary: 'Fix the slot (force: true for a slot nobody accepted)',
      roles: 'coordinator, chair (of the requesting area)',
      request: ScheduleMeetingRequest,
      success: { status: 200, schema: ScheduleMeetingResponse },
      errors: CHANGE_ERRORS,
      idempotent: true,
    },
  },
  'cancel-meeting': {
    routeKey: 'POST /v1/meetings/{meetingId}/cancel',
    authorized: true,
    load: () => import('./handlers/cancel-meeting.js'),
    needs: [
      { kind: 'meetings', actions: ['dynamodb:Query', 'dynamodb:PutItem'] },
      { kind: 'idempotency' },
      { kind: 'content', of: 'meeting', use: 'seal' },
      { kind: 'content', of: 'meeting', use: 'open' },
      { kind: 'sendAuditEvents' },
    ],
    throttle: { rate: 5, burst: 10 },
    sizing: { ...STANDARD, reservedConcurrency: 3 },
    operation: {
      summary: 'Cancel a meeting that has not happened',
      roles: 'coordinator, chair (of the requesting area)',
      request: CancelMeetingRequest,
      success: { status: 200, schema: CancelMeetingResponse },
      errors: CHANGE_ERRORS,
      idempotent: true,
    },
  },
  'get-meeting-invitation': {
    routeKey: 'GET /v1/meetings/{meetingId}/calendar.ics',
    authorized: true,
    load: () => import('./handlers/get-meeting-invitation.js'),
    // The calendar file carries times and areas, no sealed content.
    needs: [{ kind: 'meetings', actions: ['dynamodb:Query'] }, { kind: 'sendAuditEvents' }],
    throttle: { rate: 5, burst: 10 },
    sizing: { ...SMALL, reservedConcurrency: 3 },
    operation: {
      summary: 'The RFC 5545 invitation of a scheduled meeting (no child identity in it)',
      roles: 'police, coordinator, chair, practitioner (of a participating area)',
      success: { status: 200, schema: Invitation, mediaType: 'text/calendar' },
      errors: [401, 403, 404, 409, 503],
    },
  },
  'record-meeting': {
    routeKey: 'POST /v1/meetings/{meetingId}/record',
    authorized: true,
    load: () => import('./handlers/record-meeting.js'),
    needs: [
      { kind: 'meetings', actions: ['dynamodb:Query', 'dynamodb:PutItem'] },
      { kind: 'idempotency' },
      { kind: 'content', of: 'meeting', use: 'seal' },
      { kind: 'content', of: 'meeting', use: 'open' },
      { kind: 'sendAuditEvents' },
    ],
    throttle: { rate: 5, burst: 10 },
    sizing: { ...STANDARD, reservedConcurrency: 3 },
    operation: {
      summary: 'Record attendance, decisions, the disruption plan and actions, once, after the start',
      roles: 'coordinator, chair (of the requesting area)',
      request: RecordMeetingRequest,
      success: { status: 201, schema: RecordMeetingResponse },
      errors: CHANGE_ERRORS,
      idempotent: true,
    },
  },
  'update-meeting-action': {
    routeKey: 'PATCH /v1/meetings/{meetingId}/actions/{actionId}',
    authorized: true,
    load: () => import('./handlers/update-meeting-action.js'),
    needs: [
      { kind: 'meetings', actions: ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
      { kind: 'idempotency' },
      { kind: 'content', of: 'meeting', use: 'seal' },
      { kind: 'content', of: 'meeting', use: 'open' },
      { kind: 'sendAuditEvents' },
    ],
    throttle: { rate: 5, burst: 10 },
    sizing: { ...STANDARD, reservedConcurrency: 3 },
    operation: {
      summary: "Update an action's status with a note",
      roles: 'police, coordinator, chair, practitioner (of the area that owns the action)',
      request: UpdateActionRequest,
      success: { status: 200, schema: ActionUpdateReceipt },
      errors: CHANGE_ERRORS,
      idempotent: true,
    },
  },
  'list-action-updates': {
    routeKey: 'GET /v1/meetings/{meetingId}/actions/{actionId}/updates',
    authorized: true,
    load: () => import('./handlers/list-action-updates.js'),
    // The head (who may see it, and the action's latest updates), then one page of the action's notes.
    needs: [
      { kind: 'meetings', actions: ['dynamodb:Query'] },
      { kind: 'content', of: 'meeting', use: 'open' },
      { kind: 'sendAuditEvents' },
    ],
    throttle: { rate: 10, burst: 20 },
    sizing: { ...STANDARD, reservedConcurrency: 3 },
    operation: {
      summary: "Every update of a meeting's action, newest first (the meeting shows only the latest few)",
      roles: 'police, coordinator, chair, practitioner (of a participating area)',
      query: ActionUpdatesQuery,
      success: { status: 200, schema: ActionUpdateList },
      errors: [401, 403, 404, 422, 503],
    },
  },
  'get-meeting-audit': {
    routeKey: 'GET /v1/meetings/{meetingId}/audit',
    authorized: true,
    load: () => import('./handlers/get-meeting-audit.js'),
    // As for an alert's history: the record decides access, the meeting stands in while stored.
    needs: [
      { kind: 'meetings', actions: ['dynamodb:Query'] },
      { kind: 'audit', actions: ['dynamodb:Query'], table: true, indexes: ['byResourceArea'] },
      { kind: 'sendAuditEvents' },
    ],
    throttle: { rate: 5, burst: 10 },
    sizing: { ...STANDARD, reservedConcurrency: 3 },
    operation: {
      summary: "A meeting's access history, for the participating areas",
      roles: 'police, coordinator, chair, auditor',
      query: AccessHistoryQuery,
      success: { status: 200, schema: MeetingAccessHistory },
      errors: [401, 403, 404, 422, 503],
    },
  },
  // Unknown routes get a problem response from a function rather than API Gateway's bare {"message"}.
  'not-found': {
    routeKey: 'ANY /v1/{proxy+}',
    authorized: false,
    publicReason:
      'Answers any path under /v1 that the API does not have with a 404 problem response, so unknown paths look the same with or without a token. Its function has no permission beyond writing its own log.',
    load: () => import('./handlers/not-found.js'),
    needs: [],
    throttle: { rate: 5, burst: 10 },
    sizing: { timeoutSeconds: 3, memoryMb: 256, reservedConcurrency: 2 },
    operation: null,
  },
  // Every page of the console, at the root of the API's host: the catch-all, so the API's own paths stay
  // exactly as they were. It runs the API's use cases in process, so it needs what they need together.
  console: {
    routeKey: '$default',
    authorized: false,
    publicReason:
      "The console's pages are for people in a browser, who carry a session cookie, not a bearer token: API Gateway's JWT authorizer reads only a header or the query string. The function checks its own server-side session on every page (unknown or ended sessions see only the sign-in page), and every use case it calls audits and authorizes the person exactly as the API does.",
    load: () => import('./handlers/console.js'),
    needs: [
      {
        kind: 'alerts',
        actions: [
          'dynamodb:PutItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:DeleteItem',
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:UpdateItem',
          // An alert's chain of custody: its own partition's forward items.
          'dynamodb:Query',
        ],
        // `sent` for one release more, as for list-alerts.
        indexes: ['received', 'receivedByStatus', 'sent', 'sentSummaries'],
      },
      {
        kind: 'meetings',
        actions: [
          'dynamodb:PutItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:DeleteItem',
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
        ],
        indexes: ['byArea'],
      },
      { kind: 'audit', actions: ['dynamodb:Query'], table: true, indexes: ['byResourceArea'] },
      { kind: 'idempotency' },
      { kind: 'sessions' },
      { kind: 'content', of: 'alert', use: 'seal' },
      { kind: 'content', of: 'alert', use: 'open' },
      { kind: 'content', of: 'meeting', use: 'seal' },
      { kind: 'content', of: 'meeting', use: 'open' },
      // A forward request, a decision, a revocation: each tells an area's mailbox.
      { kind: 'sendNotifications' },
      { kind: 'sendAuditEvents' },
    ],
    throttle: { rate: 20, burst: 40 },
    sizing: { timeoutSeconds: 15, memoryMb: 1024, reservedConcurrency: 10 },
    operation: null,
  },
} as const satisfies Record<string, RouteDefinition>;

export const WORKERS = {
  // Writes audit events and nothing else: it cannot read an alert, nor the audit table. A FIFO queue's
  // consumer needs few pollers; the event source's maximum concurrency equals its reservation.
  'audit-consumer': {
    trigger: { kind: 'audit-queue' },
    load: () => import('./handlers/audit-consumer.js'),
    needs: [{ kind: 'audit', actions: ['dynamodb:PutItem'], table: true }, { kind: 'receiveAuditEvents' }],
    // The audit queue's visibility timeout is six times this timeout, as AWS advises (infra/stateful-stack.ts).
    sizing: { timeoutSeconds: 30, memoryMb: 256, reservedConcurrency: 2 },
  },
  // Finishes what creations cut off part-way left: reads only the creation intents, writes the history
  // record of a committed one (PutItem), and corrects the audit record of an abandoned one.
  'commit-sweep': {
    trigger: { kind: 'schedule', everyMinutes: 60 },
    load: () => import('./handlers/commit-sweep.js'),
    needs: [
      {
        kind: 'alerts',
        actions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem'],
      },
      {
        kind: 'meetings',
        actions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem'],
      },
      { kind: 'sendAuditEvents' },
    ],
    sizing: { timeoutSeconds: 60, memoryMb: 256, reservedConcurrency: 1 },
  },
  // Takes the ladder steps that are due: reads the index of pending shares (Query on `ladder`), checks each
  // share's alert is committed (BatchGetItem, keys only), re-reads a share it lost a race for (GetItem),
  // claims and marks each step (UpdateItem, conditional), and records its event and its messages.
  'ladder-sweep': {
    trigger: { kind: 'schedule', everyMinutes: 1 },
    load: () => import('./handlers/ladder-sweep.js'),
    needs: [
      { kind: 'alerts', actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem'], indexes: ['ladder'] },
      // Meetings with a notice due (Query on `ladder`), cleared on the version read (UpdateItem).
      { kind: 'meetings', actions: ['dynamodb:Query', 'dynamodb:UpdateItem'], indexes: ['ladder'] },
      { kind: 'sendNotifications' },
      { kind: 'sendAuditEvents' },
    ],
    sizing: { timeoutSeconds: 60, memoryMb: 256, reservedConcurrency: 1 },
  },
  // The outbox fold: reads each area's changed shares (Query on `sentSummaries`) and their alerts' summaries
  // (BatchGetItem), copies each change into its alert's row and takes the share out of the index (UpdateItem,
  // conditional both). It reads no content and sends nothing.
  'outbox-fold': {
    trigger: { kind: 'schedule', everyMinutes: 1 },
    load: () => import('./handlers/outbox-fold.js'),
    needs: [{ kind: 'alerts', actions: ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem'], indexes: ['sentSummaries'] }],
    sizing: { timeoutSeconds: 60, memoryMb: 256, reservedConcurrency: 1 },
  },
  // Sends each recorded notification once: claims it in the notifications table, checks a reminder still
  // applies (reads the share or meeting), records a message refused for good on the share (UpdateItem) or
  // the meeting (UpdateItem, a new version), and reads Notify's key. It opens no content.
  'notification-sender': {
    trigger: { kind: 'notification-queue' },
    load: () => import('./handlers/notification-sender.js'),
    needs: [
      { kind: 'notifications' },
      // Reads whether a reminder still applies; writes nothing of a share or meeting but its failed messages.
      { kind: 'alerts', actions: ['dynamodb:GetItem'] },
      { kind: 'meetings', actions: ['dynamodb:Query'] },
      { kind: 'recordDeliveryFailures' },
      { kind: 'receiveNotifications' },
      { kind: 'notifyApiKey' },
    ],
    // Notify takes 3,000 messages a minute per key; two senders stay well under it.
    sizing: { timeoutSeconds: 60, memoryMb: 256, reservedConcurrency: 2 },
  },
  'authorizer-refusals': {
    trigger: { kind: 'access-log-refusals' },
    load: () => import('./handlers/authorizer-refusals.js'),
    needs: [{ kind: 'sendAuditEvents' }, { kind: 'refusalsDeadLetter' }],
    sizing: { timeoutSeconds: 30, memoryMb: 256, reservedConcurrency: 2 },
  },
} as const satisfies Record<string, WorkerDefinition>;

export type HandlerName = keyof typeof ROUTES;
export type WorkerName = keyof typeof WORKERS;
/** Every function the stack deploys; each is functions/handlers/<name>.ts. */
export type FunctionName = HandlerName | WorkerName;

export const ROUTE_LIST: ReadonlyArray<RouteDefinition & { readonly handler: HandlerName }> = (
  Object.entries(ROUTES) as [HandlerName, RouteDefinition][]
).map(([handler, route]) => ({ ...route, handler }));

export const WORKER_LIST: ReadonlyArray<WorkerDefinition & { readonly name: WorkerName }> = (
  Object.entries(WORKERS) as [WorkerName, WorkerDefinition][]
).map(([name, worker]) => ({ ...worker, name }));

export function needsOf(name: FunctionName): readonly Need[] {
  return name in ROUTES ? ROUTES[name as HandlerName].needs : WORKERS[name as WorkerName].needs;
}
