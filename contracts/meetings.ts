/**
 * Cross-boundary case meetings: requests, responses, scheduling, the record and its actions.
 * The single source of truth for the meeting routes, as contracts/alerts.ts is for alerts.
 *
 * Every schema is declared `export const Name = schema(() => z...)` with esbuild's pure annotation before
 * `schema`, so that a Lambda bundle leaves out, and never builds, the schemas its function does not use
 * (contracts/schema.ts says why): wrap a new one the same way; plain constants and helper functions stay bare.
 */
import * as z from 'zod/mini';
import { Agency, AreaId } from './identity.js';
import { TemplateName } from './notifications.js';
import { schema } from './schema.js';

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const isoDate = /* @__PURE__ */ schema(() => z.iso.date());
const isoDateTime = /* @__PURE__ */ schema(() => z.iso.datetime({ offset: true }));
const distinct = <T>(items: readonly T[]) => new Set(items).size === items.length;

export const MEETING_FORMATS = ['IN_PERSON', 'ONLINE', 'HYBRID'] as const;
export const MeetingFormat = /* @__PURE__ */ schema(() => z.enum(MEETING_FORMATS));

export const MEETING_STATUSES = ['REQUESTED', 'SCHEDULED', 'HELD', 'CANCELLED'] as const;
export const MeetingStatus = /* @__PURE__ */ schema(() => z.enum(MEETING_STATUSES));
export type MeetingStatus = z.infer<typeof MeetingStatus>;

export const ACTION_STATUSES = ['OPEN', 'DONE', 'CANCELLED'] as const;
export const ActionStatus = /* @__PURE__ */ schema(() => z.enum(ACTION_STATUSES));
export type ActionStatus = z.infer<typeof ActionStatus>;

export const SlotInput = /* @__PURE__ */ schema(() =>
  z.strictObject({
    start: isoDateTime,
    durationMinutes: z.int().check(z.gte(15), z.lte(480)),
  }),
);
export type SlotInput = z.infer<typeof SlotInput>;

export const Attendee = /* @__PURE__ */ schema(() => z.strictObject({ agency: Agency, role: text(100) }));

/** The child the meeting is about: sealed like an alert's IDENTITY section. */
export const MeetingSubject = /* @__PURE__ */ schema(() =>
  z.strictObject({
    name: z.strictObject({ given: text(100), family: text(100) }),
    dateOfBirth: isoDate,
  }),
);

export const RequestMeetingRequest = /* @__PURE__ */ schema(() =>
  z.strictObject({
    invitedAreas: z.array(AreaId).check(z.minLength(1), z.maxLength(10), z.refine(distinct, 'invited areas must be distinct')),
    alertIds: z.optional(z.array(z.uuid()).check(z.maxLength(20), z.refine(distinct, 'alert ids must be distinct'))),
    subject: MeetingSubject,
    reason: text(2000),
    agenda: text(4000),
    proposedSlots: z.array(SlotInput).check(z.minLength(1), z.maxLength(5)),
    format: MeetingFormat,
  }),
);
export type RequestMeetingRequest = z.infer<typeof RequestMeetingRequest>;

const attendees = /* @__PURE__ */ schema(() => z.optional(z.array(Attendee).check(z.maxLength(20))));
export const MeetingResponseRequest = /* @__PURE__ */ schema(() =>
  z.discriminatedUnion('response', [
    z.strictObject({ response: z.literal('ACCEPT'), slotId: text(20), attendees }),
    z.strictObject({ response: z.literal('DECLINE'), reason: text(1000), attendees }),
    z.strictObject({ response: z.literal('PROPOSE'), slot: SlotInput, attendees }),
  ]),
);
export type MeetingResponseRequest = z.infer<typeof MeetingResponseRequest>;

export const ScheduleMeetingRequest = /* @__PURE__ */ schema(() =>
  z.strictObject({
    slotId: text(20),
    /** Confirms a slot no invited area has accepted. */
    force: z._default(z.boolean(), false),
  }),
);
export type ScheduleMeetingRequest = z.infer<typeof ScheduleMeetingRequest>;

export const CancelMeetingRequest = /* @__PURE__ */ schema(() => z.strictObject({ reason: text(1000) }));
export type CancelMeetingRequest = z.infer<typeof CancelMeetingRequest>;

export const RecordMeetingRequest = /* @__PURE__ */ schema(() =>
  z.strictObject({
    attendance: z.array(z.strictObject({ area: AreaId, agency: Agency })).check(z.minLength(1), z.maxLength(50)),
    decisions: text(8000),
    disruptionPlan: z.optional(text(8000)),
    reviewDate: isoDate,
    actions: z
      .array(z.strictObject({ description: text(2000), ownerArea: AreaId, ownerAgency: Agency, dueBy: isoDate }))
      .check(z.maxLength(50)),
  }),
);
export type RecordMeetingRequest = z.infer<typeof RecordMeetingRequest>;

export const UpdateActionRequest = /* @__PURE__ */ schema(() => z.strictObject({ status: ActionStatus, note: text(1000) }));
export type UpdateActionRequest = z.infer<typeof UpdateActionRequest>;

export const ActionUpdatesQuery = /* @__PURE__ */ schema(() =>
  z.strictObject({
    limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
  }),
);
export type ActionUpdatesQuery = z.infer<typeof ActionUpdatesQuery>;

export const ListMeetingsQuery = /* @__PURE__ */ schema(() =>
  z.strictObject({
    box: z._default(z.enum(['inbox', 'outbox']), 'inbox'),
    status: z.optional(MeetingStatus),
    limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
  }),
);
export type ListMeetingsQuery = z.infer<typeof ListMeetingsQuery>;

// ---- responses ----

// The hub numbers slots and actions in the order they were added to a meeting.
const SlotId = /* @__PURE__ */ schema(() => z.string().check(z.regex(/^slot-[1-9]\d*$/)));
const ActionId = /* @__PURE__ */ schema(() => z.string().check(z.regex(/^action-[1-9]\d*$/)));
const count = /* @__PURE__ */ schema(() => z.int().check(z.gte(0)));

export const Slot = /* @__PURE__ */ schema(() =>
  z.object({
    slotId: SlotId,
    start: isoDateTime,
    durationMinutes: SlotInput.shape.durationMinutes,
    proposedBy: AreaId,
  }),
);
export type Slot = z.infer<typeof Slot>;

const Person = /* @__PURE__ */ schema(() => z.object({ name: z.string(), agency: Agency, area: AreaId }));

export const RequestMeetingResponse = /* @__PURE__ */ schema(() =>
  z.object({
    meetingId: z.uuid(),
    status: z.literal('REQUESTED'),
    slots: z.array(z.pick(Slot, { slotId: true, start: true, durationMinutes: true })),
  }),
);
export type RequestMeetingResponse = z.infer<typeof RequestMeetingResponse>;

export const AREA_RESPONSES = ['ACCEPT', 'DECLINE', 'PROPOSE'] as const;
export const AreaResponseKind = /* @__PURE__ */ schema(() => z.enum(AREA_RESPONSES));

export const AreaResponse = /* @__PURE__ */ schema(() =>
  z.object({
    area: AreaId,
    response: AreaResponseKind,
    slotId: z.optional(SlotId),
    reason: z.optional(z.string()),
    attendees: z.optional(z.array(Attendee)),
    respondedAt: isoDateTime,
    by: Person,
  }),
);

/** One update of an action: `number` is its place in the action's list, 1 the first. */
export const ActionUpdate = /* @__PURE__ */ schema(() =>
  z.object({ number: z.int().check(z.gte(1)), status: ActionStatus, note: z.string(), at: isoDateTime, by: Person }),
);
export type ActionUpdate = z.infer<typeof ActionUpdate>;

/** How many of an action's updates a meeting shows: the rest are at GET .../actions/{actionId}/updates. */
export const LATEST_UPDATES_SHOWN = 3;

export const MeetingAction = /* @__PURE__ */ schema(() =>
  z.object({
    actionId: ActionId,
    description: z.string(),
    ownerArea: AreaId,
    ownerAgency: Agency,
    dueBy: isoDate,
    status: ActionStatus,
    /** Open and past its due date. */
    overdue: z.boolean(),
    /**
     * Its latest updates, newest first: at most LATEST_UPDATES_SHOWN, so a meeting reads the same after
     * years of updates; every one is at GET /v1/meetings/{meetingId}/actions/{actionId}/updates.
     */
    latestUpdates: z.array(ActionUpdate).check(z.maxLength(LATEST_UPDATES_SHOWN)),
    /** How many updates it has had in all. */
    updateCount: count,
  }),
);

export const MeetingView = /* @__PURE__ */ schema(() =>
  z.object({
    meetingId: z.uuid(),
    requestingArea: AreaId,
    invitedAreas: z.array(AreaId),
    status: MeetingStatus,
    format: MeetingFormat,
    createdAt: isoDateTime,
    createdBy: Person,
    subject: MeetingSubject,
    reason: z.string(),
    agenda: z.string(),
    /** Only the alerts the viewing area itself sent or received. */
    alertIds: z.array(z.uuid()),
    slots: z.array(Slot),
    /** One per invited area; PENDING until it answers. */
    responses: z.array(z.union([AreaResponse, z.object({ area: AreaId, response: z.literal('PENDING') })])),
    scheduled: z.optional(z.object({ slotId: SlotId, start: isoDateTime, durationMinutes: SlotInput.shape.durationMinutes, by: Person })),
    cancelled: z.optional(z.object({ reason: z.string(), at: isoDateTime, by: Person })),
    record: z.optional(
      z.object({
        attendance: z.array(z.object({ area: AreaId, agency: Agency })),
        decisions: z.string(),
        disruptionPlan: z.optional(z.string()),
        reviewDate: isoDate,
        recordedAt: isoDateTime,
        by: Person,
      }),
    ),
    actions: z.array(MeetingAction),
    overdueActions: count,
    /** Messages about the meeting that did not reach an area's MSET mailbox: telephone that area instead. */
    undelivered: z.optional(
      z.array(
        z.object({
          at: isoDateTime,
          template: TemplateName,
          area: AreaId,
          reason: z.enum(['REFUSED', 'UNDELIVERED']),
          telephone: z.string(),
        }),
      ),
    ),
  }),
);
export type MeetingView = z.infer<typeof MeetingView>;

export const MeetingSummary = /* @__PURE__ */ schema(() =>
  z.object({
    meetingId: z.uuid(),
    requestingArea: AreaId,
    invitedAreas: z.array(AreaId),
    status: MeetingStatus,
    format: MeetingFormat,
    createdAt: isoDateTime,
    scheduledStart: z.optional(isoDateTime),
    responses: z.array(z.object({ area: AreaId, response: z.enum(['PENDING', ...AREA_RESPONSES]) })),
    openActions: count,
    overdueActions: count,
  }),
);
export type MeetingSummary = z.infer<typeof MeetingSummary>;

export const MeetingList = /* @__PURE__ */ schema(() => z.object({ items: z.array(MeetingSummary), nextCursor: z.optional(z.string()) }));
export type MeetingList = z.infer<typeof MeetingList>;

export const RecordMeetingResponse = /* @__PURE__ */ schema(() =>
  z.object({
    meetingId: z.uuid(),
    status: z.literal('HELD'),
    actions: z.array(z.object({ actionId: ActionId, ownerArea: AreaId, ownerAgency: Agency, dueBy: isoDate })),
  }),
);
export type RecordMeetingResponse = z.infer<typeof RecordMeetingResponse>;

/**
 * The receipt of an area's answer to a meeting request: an acceptance names the slot accepted, a proposal
 * the slot it added; a decline names none.
 */
export const MeetingResponseReceipt = /* @__PURE__ */ schema(() =>
  z.discriminatedUnion('response', [
    z.object({ meetingId: z.uuid(), area: AreaId, response: z.literal('ACCEPT'), slotId: SlotId }),
    z.object({ meetingId: z.uuid(), area: AreaId, response: z.literal('DECLINE') }),
    z.object({ meetingId: z.uuid(), area: AreaId, response: z.literal('PROPOSE'), slotId: SlotId }),
  ]),
);
export type MeetingResponseReceipt = z.infer<typeof MeetingResponseReceipt>;

export const ScheduleMeetingResponse = /* @__PURE__ */ schema(() =>
  z.object({
    meetingId: z.uuid(),
    status: z.literal('SCHEDULED'),
    slotId: SlotId,
    start: isoDateTime,
    durationMinutes: SlotInput.shape.durationMinutes,
  }),
);
export type ScheduleMeetingResponse = z.infer<typeof ScheduleMeetingResponse>;

export const CancelMeetingResponse = /* @__PURE__ */ schema(() => z.object({ meetingId: z.uuid(), status: z.literal('CANCELLED') }));
export type CancelMeetingResponse = z.infer<typeof CancelMeetingResponse>;

/** GET .../actions/{actionId}/updates: one page of an action's updates, newest first. */
export const ActionUpdateList = /* @__PURE__ */ schema(() =>
  z.object({
    meetingId: z.uuid(),
    actionId: ActionId,
    status: ActionStatus,
    updateCount: count,
    items: z.array(ActionUpdate),
    nextCursor: z.optional(z.string()),
  }),
);
export type ActionUpdateList = z.infer<typeof ActionUpdateList>;

export const ActionUpdateReceipt = /* @__PURE__ */ schema(() =>
  z.object({ meetingId: z.uuid(), actionId: ActionId, status: ActionStatus, updatedAt: isoDateTime }),
);
export type ActionUpdateReceipt = z.infer<typeof ActionUpdateReceipt>;

/** GET .../calendar.ics: an RFC 5545 calendar, as text (reference, areas, time and format; no child identity). */
// One VCALENDAR object, every content line ended by CRLF as RFC 5545 requires, the last one included.
export const Invitation = /* @__PURE__ */ schema(() =>
  z
    .string()
    .check(z.regex(/^BEGIN:VCALENDAR\r\n(?:[^\r\n]*\r\n)*END:VCALENDAR\r\n$/, 'must be one RFC 5545 VCALENDAR with CRLF line ends')),
);
export type Invitation = z.infer<typeof Invitation>;
