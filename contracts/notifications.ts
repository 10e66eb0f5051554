/**
 * Notifications: the GOV.UK Notify templates the hub sends through, and the intent a use case records for
 * each message (the notifications queue's message body). The single source of truth for both: the sender
 * validates every intent with these schemas, the local mail outbox renders these templates as Notify would,
 * and a deployment creates the same templates in its Notify service (README, "Notifications").
 *
 * No message ever carries child content. What a message may say is fixed here: area names, a risk level,
 * a deadline, a short reference that means nothing outside the hub, what to do, and a link to the console
 * page, behind sign-in (Notify's advice for sensitive services). Every personalisation value is built by the
 * hub from routing metadata, never from anything a person typed.
 *
 * Every schema is declared `export const Name = schema(() => z...)` with esbuild's pure annotation before
 * `schema`, so that a Lambda bundle leaves out, and never builds, the schemas its function does not use
 * (contracts/schema.ts says why): wrap a new one the same way; plain constants and helper functions stay bare.
 */
import * as z from 'zod/mini';
import { AreaId } from './identity.js';
import { schema } from './schema.js';

export const TEMPLATE_NAMES = [
  'ALERT_SHARED',
  'ALERT_REMINDER',
  'ALERT_OVERDUE_DUTY_MANAGER',
  'ALERT_OVERDUE_SENDER',
  'ALERT_ACKNOWLEDGED',
  'SHARE_EXPIRING',
  'SHARE_REVOKED',
  'FORWARD_REQUESTED',
  'FORWARD_DECIDED',
  'MEETING_REQUESTED',
  'MEETING_ANSWERED',
  'MEETING_SCHEDULED',
  'MEETING_CANCELLED',
  'ACTION_DUE',
  'ACTION_OVERDUE',
] as const;
export const TemplateName = /* @__PURE__ */ schema(() => z.enum(TEMPLATE_NAMES));
export type TemplateName = z.infer<typeof TemplateName>;

/** Who a message is for, as the console names them ("escalated to the duty manager"). */
export const RECIPIENT_ROLES = ['MSET_MAILBOX', 'DUTY_MANAGER', 'SENDING_MSET_MAILBOX', 'SENDER'] as const;
export const RecipientRole = /* @__PURE__ */ schema(() => z.enum(RECIPIENT_ROLES));
export type RecipientRole = z.infer<typeof RecipientRole>;

/**
 * A template as Notify holds it: ((name)) placeholders, filled from the personalisation. The text is the
 * one to paste into Notify when the service is set up; the local hub renders it exactly so.
 */
export type Template = { readonly subject: string; readonly body: string };

const SIGN_IN = 'Sign in to the MSET Cross-Boundary Hub to see it:\n((link))';

export const TEMPLATES: Readonly<Record<TemplateName, Template>> = {
  ALERT_SHARED: {
    subject: 'A ((risk_level)) alert from ((from_area)) needs acknowledging',
    body: `((from_area)) has shared a ((risk_level)) child-movement alert with ((to_area)).\n\nAcknowledge it by ((deadline)).\n\nReference: ((reference))\n\n${SIGN_IN}`,
  },
  ALERT_REMINDER: {
    subject: 'Reminder: a ((risk_level)) alert from ((from_area)) is due by ((deadline))',
    body: `((to_area)) has not yet acknowledged a ((risk_level)) alert from ((from_area)). It is due by ((deadline)).\n\nReference: ((reference))\n\n${SIGN_IN}`,
  },
  ALERT_OVERDUE_DUTY_MANAGER: {
    subject: 'Escalation: a ((risk_level)) alert to ((to_area)) is overdue',
    body: `A ((risk_level)) alert from ((from_area)) to ((to_area)) was due to be acknowledged by ((deadline)) and has not been.\n\nYou are the duty manager for ((to_area)): make sure it is picked up now.\n\nReference: ((reference))\n\n${SIGN_IN}`,
  },
  ALERT_OVERDUE_SENDER: {
    subject: 'Not yet acknowledged: your ((risk_level)) alert to ((to_area))',
    body: `((to_area)) has not acknowledged your ((risk_level)) alert, due by ((deadline)). Its duty manager has been told.\n\n((action))\n\nReference: ((reference))\n\n${SIGN_IN}`,
  },
  ALERT_ACKNOWLEDGED: {
    subject: '((to_area)) has acknowledged your ((risk_level)) alert',
    body: `((to_area)) acknowledged your ((risk_level)) alert: ((outcome)).\n\nReference: ((reference))\n\n${SIGN_IN}`,
  },
  SHARE_EXPIRING: {
    subject: 'Your alert to ((to_area)) ends ((when))',
    body: `The share of your ((risk_level)) alert with ((to_area)) ends ((when)). After that ((to_area)) can no longer open it.\n\nTo keep it shared, extend it with a reason; otherwise it ends by itself.\n\nReference: ((reference))\n\n${SIGN_IN}`,
  },
  SHARE_REVOKED: {
    subject: '((from_area)) has withdrawn an alert shared with ((to_area))',
    body: `((from_area)) has ended the share of a ((risk_level)) alert with ((to_area)). It can no longer be opened.\n\nIf you need to know more, contact ((from_area))'s MSET.\n\nReference: ((reference))`,
  },
  FORWARD_REQUESTED: {
    subject: '((to_area)) asks to pass on your ((risk_level)) alert',
    body: `((to_area)) asks to pass your ((risk_level)) alert on to ((onward_area)). Your share terms ask for your approval first: approve or refuse it.\n\nReference: ((reference))\n\n${SIGN_IN}`,
  },
  FORWARD_DECIDED: {
    subject: '((from_area)) has answered your request to pass on an alert',
    body: `((from_area)) has ((outcome)) your request to pass its ((risk_level)) alert on to ((onward_area)).\n\nReference: ((reference))\n\n${SIGN_IN}`,
  },
  MEETING_REQUESTED: {
    subject: '((from_area)) asks ((to_area)) to a cross-boundary meeting',
    body: `((from_area)) has asked ((to_area)) to a case-focussed cross-boundary MSET meeting. Please answer: accept a time, propose another, or decline.\n\nReference: ((reference))\n\n${SIGN_IN}`,
  },
  MEETING_ANSWERED: {
    subject: '((from_area)) has answered your meeting request',
    body: `((from_area)) has answered your request for a cross-boundary meeting: ((outcome)).\n\nReference: ((reference))\n\n${SIGN_IN}`,
  },
  MEETING_SCHEDULED: {
    subject: 'Cross-boundary meeting arranged for ((when))',
    body: `((from_area)) has arranged the cross-boundary meeting for ((when)).\n\nDownload the calendar invitation from the meeting's page.\n\nReference: ((reference))\n\n${SIGN_IN}`,
  },
  MEETING_CANCELLED: {
    subject: 'Cross-boundary meeting cancelled',
    body: `((from_area)) has cancelled the cross-boundary meeting.\n\nReference: ((reference))\n\n${SIGN_IN}`,
  },
  ACTION_DUE: {
    subject: 'An action for ((to_area)) is due ((when))',
    body: `An action from a cross-boundary meeting, owned by ((to_area)), is due ((when)).\n\nReference: ((reference))\n\n${SIGN_IN}`,
  },
  ACTION_OVERDUE: {
    subject: 'An action for ((to_area)) is overdue',
    body: `An action from a cross-boundary meeting, owned by ((to_area)), was due ((when)) and is still open.\n\nReference: ((reference))\n\n${SIGN_IN}`,
  },
};

/** Notify's own limit on a reference, which carries the intent id. */
const PersonalisationValue = /* @__PURE__ */ schema(() =>
  z.string().check(
    z.maxLength(500),
    z.refine((value) => ![...value].some((c) => (c < ' ' && c !== '\n') || c === '<' || c === '>'), 'must be plain text'),
  ),
);

/** What a notification is about: the sender checks it still needs sending, and records a failure on it. */
export const NotificationSubject = /* @__PURE__ */ schema(() =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('share'), alertId: z.uuid(), area: AreaId }),
    z.strictObject({ type: z.literal('meeting'), meetingId: z.uuid() }),
    z.strictObject({ type: z.literal('action'), meetingId: z.uuid(), actionId: z.string().check(z.regex(/^action-[1-9]\d*$/)) }),
  ]),
);
export type NotificationSubject = z.infer<typeof NotificationSubject>;

/**
 * One message to one mailbox: what a use case records and the notifications queue carries to the sender.
 * Its id is derived from what it is about, so recording it again (a retried sweep, two sweeps at once) is
 * the same intent, which the sender sends once.
 */
export const NotificationIntent = /* @__PURE__ */ schema(() =>
  z.strictObject({
    intentId: z.uuid(),
    template: TemplateName,
    /** The mailbox, from the area directory. */
    to: z.email().check(z.maxLength(254)),
    recipient: RecipientRole,
    /** The area whose mailbox it is. */
    recipientArea: AreaId,
    subject: NotificationSubject,
    /** Every ((placeholder)) of the template but `link`, which the sender makes from `path`. */
    personalisation: z.record(z.string().check(z.regex(/^[a-z_]{1,32}$/)), PersonalisationValue),
    /** The console page the message links to, e.g. /alerts/<id>. */
    path: z.string().check(z.regex(/^\/(alerts|meetings)\/[0-9a-f-]{36}$/)),
    /**
     * A reminder or an escalation is sent only while it still applies (the share still pending, the action
     * still open); a notice of something that happened is sent whatever happens next.
     */
    onlyWhile: z.optional(z.enum(['SHARE_PENDING', 'ACTION_OPEN'])),
    recordedAt: z.iso.datetime({ offset: true }),
  }),
);
export type NotificationIntent = z.infer<typeof NotificationIntent>;

/** Fills a template's placeholders as Notify does; a placeholder without a value stays as it is. */
export function renderTemplate(template: Template, personalisation: Readonly<Record<string, string>>): Template {
  const fill = (text: string) =>
    text.replace(/\(\(([a-z_]+)\)\)/g, (whole, name: string) => (name in personalisation ? (personalisation[name] as string) : whole));
  return { subject: fill(template.subject), body: fill(template.body) };
}

/** The placeholders of a template, each once. */
export function placeholdersOf(template: Template): string[] {
  return [...new Set([...`${template.subject}\n${template.body}`.matchAll(/\(\(([a-z_]+)\)\)/g)].map((match) => match[1] as string))];
}
