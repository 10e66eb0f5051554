/**
 * The audit trail. An event records who did what to which resource, when, and how it ended; it never
 * holds child content, so it may sit in a queue and a table in plaintext.
 *
 * Every schema is declared `export const Name = schema(() => z...)` with esbuild's pure annotation before
 * `schema`, so that a Lambda bundle leaves out, and never builds, the schemas its function does not use
 * (contracts/schema.ts says why): wrap a new one the same way; plain constants and helper functions stay bare.
 */
import * as z from 'zod/mini';
import { Agency, AreaId, Role } from './identity.js';
import { schema } from './schema.js';

export const AUDIT_ACTIONS = [
  'ALERT_CREATE',
  'ALERT_LIST',
  'ALERT_VIEW',
  'ALERT_ACKNOWLEDGE',
  'ALERT_AUDIT_READ',
  // A share's life: a forward (made, or asked for where the sender must approve), the sending area's
  // decision on a forward it was asked to approve, a revocation, an extension, and (actor `system`) an expiry.
  'ALERT_FORWARD',
  'ALERT_FORWARD_DECIDE',
  'ALERT_SHARE_REVOKE',
  'ALERT_SHARE_EXTEND',
  'ALERT_SHARE_EXPIRE',
  'MEETING_REQUEST',
  'MEETING_LIST',
  'MEETING_VIEW',
  'MEETING_RESPOND',
  'MEETING_SCHEDULE',
  'MEETING_CANCEL',
  'MEETING_CALENDAR',
  'MEETING_RECORD',
  'MEETING_ACTION_UPDATE',
  // Reading the whole list of an action's updates (a meeting shows only each action's latest).
  'MEETING_ACTION_UPDATES',
  'MEETING_AUDIT_READ',
  'AUTHENTICATE',
  // The console: a person signed in or out, or a form refused for want of its session's CSRF token.
  'CONSOLE_SIGN_IN',
  'CONSOLE_SIGN_OUT',
  'CONSOLE_FORM',
  // A response answered again from the idempotency record: the caller received it once more.
  'REQUEST_REPLAY',
  // The hub itself (actor `system`) told an area's mailbox about an alert or a meeting: a ladder step.
  'ALERT_NOTIFY',
  'MEETING_NOTIFY',
] as const;
export const AuditAction = /* @__PURE__ */ schema(() => z.enum(AUDIT_ACTIONS));
export type AuditAction = z.infer<typeof AuditAction>;

/** SUCCESS, or why the attempt was refused or failed. */
// FAILED corrects an earlier SUCCESS written before a change that then could not be made.
export const AUDIT_OUTCOMES = ['SUCCESS', 'FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'] as const;
export const AuditOutcome = /* @__PURE__ */ schema(() => z.enum(AUDIT_OUTCOMES));
export type AuditOutcome = z.infer<typeof AuditOutcome>;

export const AuditActor = /* @__PURE__ */ schema(() =>
  z.object({
    sub: z.string().check(z.maxLength(256)),
    name: z.optional(z.string().check(z.maxLength(256))),
    area: z.optional(AreaId),
    agency: z.optional(Agency),
    roles: z.array(Role),
  }),
);
export type AuditActor = z.infer<typeof AuditActor>;

export const AuditEvent = /* @__PURE__ */ schema(() =>
  z.strictObject({
    eventId: z.uuid(),
    occurredAt: z.iso.datetime({ offset: true }),
    requestId: z.string().check(z.maxLength(256)),
    action: AuditAction,
    outcome: AuditOutcome,
    actor: AuditActor,
    /** The resource acted on, when there is one; the alert's areas let each side read its history. */
    resource: z.optional(
      z.object({
        type: z.enum(['alert', 'meeting']),
        id: z.string().check(z.maxLength(128)),
      }),
    ),
    /** For a list: which box and how many items were released; for an acknowledgement: which share. */
    // Long enough for ten recipient area ids (64 characters each) joined: who was told is the record.
    detail: z.optional(z.record(z.string().check(z.maxLength(64)), z.union([z.string().check(z.maxLength(1024)), z.number()]))),
  }),
);
export type AuditEvent = z.infer<typeof AuditEvent>;

/** An entry of an alert's or a meeting's access history as the API shows it. */
export const AccessHistoryEntry = /* @__PURE__ */ schema(() =>
  z.object({
    occurredAt: AuditEvent.shape.occurredAt,
    action: AuditAction,
    outcome: AuditOutcome,
    actor: AuditActor,
    detail: AuditEvent.shape.detail,
  }),
);
export type AccessHistoryEntry = z.infer<typeof AccessHistoryEntry>;

const historyPage = /* @__PURE__ */ schema(() => ({ items: z.array(AccessHistoryEntry), nextCursor: z.optional(z.string()) }));

export const AlertAccessHistory = /* @__PURE__ */ schema(() => z.object({ alertId: z.uuid(), ...historyPage }));
export type AlertAccessHistory = z.infer<typeof AlertAccessHistory>;

export const MeetingAccessHistory = /* @__PURE__ */ schema(() => z.object({ meetingId: z.uuid(), ...historyPage }));
export type MeetingAccessHistory = z.infer<typeof MeetingAccessHistory>;

export const AccessHistoryQuery = /* @__PURE__ */ schema(() =>
  z.strictObject({
    limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(500)), 100),
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
  }),
);
export type AccessHistoryQuery = z.infer<typeof AccessHistoryQuery>;
