/**
 * Cross-boundary meetings: the area's invitations and requests, a meeting, and each step of one (request,
 * answer, schedule, cancel, record, update an action), its calendar invitation and its access history.
 * Every step calls the API's own use case in process: who may do what, and when, is the use case's rule.
 * The pages only decide which links to offer, and turn London dates and times into the instants the
 * contracts take.
 */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns/format';
import type { z } from 'zod/mini';
import type { AuditAction } from '../../../contracts/audit.js';
import { AGENCIES } from '../../../contracts/identity.js';
import {
  ActionUpdatesQuery,
  CancelMeetingRequest,
  ListMeetingsQuery,
  MEETING_FORMATS,
  MEETING_STATUSES,
  MeetingResponseRequest,
  type MeetingSummary,
  type MeetingView,
  RecordMeetingRequest,
  RequestMeetingRequest,
  type RequestMeetingResponse,
  ScheduleMeetingRequest,
  UpdateActionRequest,
} from '../../../contracts/meetings.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { listActionUpdates } from '../../core/meetings/action-updates.js';
import { cancelMeeting } from '../../core/meetings/cancel-meeting.js';
import { getMeeting } from '../../core/meetings/get-meeting.js';
import { getMeetingAudit } from '../../core/meetings/get-meeting-audit.js';
import { listMeetings } from '../../core/meetings/list-meetings.js';
import { hasMeetingRight } from '../../core/meetings/permissions.js';
import { recordMeeting } from '../../core/meetings/record-meeting.js';
import { requestMeeting } from '../../core/meetings/request-meeting.js';
import { respondToMeeting } from '../../core/meetings/respond-to-meeting.js';
import { scheduleMeeting } from '../../core/meetings/schedule-meeting.js';
import { updateAction } from '../../core/meetings/update-action.js';
import { parseInput } from '../../shared/http/input.js';
import { type PageContext, type PageRoutes, pageHeaders, type View } from '../app.js';
import { date, dateTime, when } from '../format.js';
import type { ConsoleResponse } from '../http.js';
import { LABELS } from '../labels.js';
import { cleaned, type FormErrors, fieldId, formErrors, newFormId, readForm } from './forms.js';
import { historyPage } from './history.js';

const LONDON = 'Europe/London';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The most slots a request proposes and actions a record holds (the contract's limits). */
const MAX_SLOTS = 5;
const MAX_ACTIONS = 50;

type Values = Record<string, unknown>;
type Side = 'requester' | 'invited';

const areaName = (page: PageContext, id: string) => page.deps.areas.get(id)?.name ?? id;
/** The reference the calendar invitation uses too: enough to find the meeting, nothing of the child. */
const reference = (meetingId: string) => `MSET-${meetingId.slice(0, 8).toUpperCase()}`;
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
const record = (value: unknown): Values => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Values) : {});
/** Rows of a repeated group, as the form sends them (an array, or an object keyed by index). */
const rows = (value: unknown): Values[] =>
  (Array.isArray(value) ? value : value !== null && typeof value === 'object' ? Object.values(value) : []).map(record);
/** Checkbox values: one, several or none. */
const chosen = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((item): item is string => typeof item === 'string');
/** "Enter ..." for a field left empty; otherwise the only other way a text field fails: too long. */
const need = (value: unknown, missing: string, tooLong: string) => (cleaned(value) === undefined ? missing : tooLong);
const sideOf = (page: PageContext, meeting: Pick<MeetingView, 'requestingArea'>): Side =>
  meeting.requestingArea === page.context.caller.area ? 'requester' : 'invited';

// ---- London times ----

/**
 * A London date (YYYY-MM-DD) and time (HH:MM) as the instant the contract takes. This converts; it does
 * not check: text that names no London time (a 30 February, an hour the clocks skip) goes through as typed,
 * so the contract's own schema reports it, as it would to an API client.
 */
export function londonInstant(day: unknown, time: unknown): unknown {
  const d = typeof day === 'string' ? day.trim() : '';
  const t = typeof time === 'string' ? time.trim() : '';
  if (d === '' && t === '') return undefined;
  const dayParts = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(d);
  const timeParts = /^(\d{1,2})[:.](\d{2})$/.exec(t);
  if (dayParts !== null && timeParts !== null) {
    const [year, month, dayOfMonth, hours, minutes] = [...dayParts.slice(1), ...timeParts.slice(1)].map(Number) as [
      number,
      number,
      number,
      number,
      number,
    ];
    const at = new TZDate(year, month - 1, dayOfMonth, hours, minutes, LONDON);
    const same =
      at.getFullYear() === year &&
      at.getMonth() === month - 1 &&
      at.getDate() === dayOfMonth &&
      at.getHours() === hours &&
      at.getMinutes() === minutes;
    if (same) return new Date(at.getTime()).toISOString();
  }
  return `${d} ${t}`.trim();
}

/** Whole minutes as a number; anything else as typed, for the contract to report. */
const minutesOf = (value: unknown) => (typeof value === 'string' && /^\s*\d{1,4}\s*$/.test(value) ? Number(value) : cleaned(value));

function duration(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const parts: string[] = [];
  if (hours > 0) parts.push(`${hours} ${hours === 1 ? 'hour' : 'hours'}`);
  if (rest > 0) parts.push(`${rest} minutes`);
  return parts.join(' ');
}

/** "Monday 30 November 2026, 14:00 to 15:00" in London time (and the end's day, past midnight). */
function slotWords(start: string, minutes: number): string {
  const from = new TZDate(new Date(start).getTime(), LONDON);
  const to = new TZDate(new Date(start).getTime() + minutes * 60_000, LONDON);
  const sameDay = format(from, 'yyyy-MM-dd') === format(to, 'yyyy-MM-dd');
  return `${format(from, 'EEEE d MMMM yyyy')}, ${format(from, 'HH:mm')} to ${format(to, 'HH:mm')}${sameDay ? '' : ` on ${format(to, 'EEEE d MMMM')}`}`;
}

// ---- tags ----

function meetingTag(status: MeetingView['status']) {
  const classes = { REQUESTED: 'govuk-tag--yellow', SCHEDULED: 'govuk-tag--blue', HELD: 'govuk-tag--green', CANCELLED: 'govuk-tag--grey' };
  return { text: LABELS.meetingStatus[status], classes: classes[status] };
}

function answerTag(response: keyof typeof LABELS.meetingResponse) {
  const classes = { PENDING: 'govuk-tag--grey', ACCEPT: 'govuk-tag--green', DECLINE: 'govuk-tag--red', PROPOSE: 'govuk-tag--light-blue' };
  return { text: LABELS.meetingResponse[response], classes: classes[response] };
}

function actionTag(status: MeetingView['actions'][number]['status'], overdue: boolean) {
  if (overdue) return { text: 'Overdue', classes: 'govuk-tag--red' };
  const classes = { OPEN: 'govuk-tag--blue', DONE: 'govuk-tag--green', CANCELLED: 'govuk-tag--grey' };
  return { text: LABELS.actionStatus[status], classes: classes[status] };
}

// ---- errors ----

/** Points errors the page shows at another field (an answer's slot at the answer's radios). */
function retarget(errors: FormErrors, moves: Readonly<Record<string, string>>): FormErrors {
  const byField: Record<string, string> = {};
  for (const [id, message] of Object.entries(errors.byField)) byField[moves[id] ?? id] ??= message;
  const seen = new Set<string>();
  const list = errors.list
    .map((item) => ({ ...item, href: `#${moves[item.href.slice(1)] ?? item.href.slice(1)}` }))
    .filter((item) => !seen.has(item.href) && seen.add(item.href) !== undefined);
  return { list, byField };
}

/** The summary lists errors in the order the page shows the fields: `fields` is in that order. */
function inPageOrder(errors: FormErrors, fields: readonly string[]): FormErrors {
  const ids = fields.map(fieldId);
  const rank = (href: string) => {
    const at = ids.indexOf(href.slice(1));
    return at === -1 ? ids.length : at;
  };
  return { ...errors, list: [...errors.list].sort((a, b) => rank(a.href) - rank(b.href)) };
}

/** In the summary, "Slot 2: ..." says which of several alike fields a message is about. */
function numbered(errors: FormErrors, group: string, word: string): FormErrors {
  const pattern = new RegExp(`^#${group}-(\\d+)-`);
  return {
    ...errors,
    list: errors.list.map((item) => {
      const found = pattern.exec(item.href);
      return found === null ? item : { ...item, text: `${word} ${Number(found[1]) + 1}: ${item.text}` };
    }),
  };
}

/** Issue paths of rows left out (wholly blank) back to the rows the person sees. */
function renumbered(error: ValidationError, group: string, kept: readonly number[]): ValidationError {
  const pattern = new RegExp(`^${group}\\.(\\d+)(?=\\.|$)`);
  return new ValidationError(
    error.message,
    error.issues.map((issue) => ({
      ...issue,
      path: issue.path.replace(pattern, (_match, index: string) => `${group}.${kept[Number(index)] ?? index}`),
    })),
  );
}

function readWithRows<S extends z.ZodMiniType>(
  schema: S,
  value: unknown,
  messages: Readonly<Record<string, string>>,
  fields: readonly string[],
  group: string,
  kept: readonly number[],
): { ok: true; value: z.infer<S> } | { ok: false; errors: FormErrors } {
  try {
    return { ok: true, value: parseInput(schema, value, 'form') };
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, errors: formErrors(renumbered(error, group, kept), messages, fields) };
    throw error;
  }
}

const restoredFlash = (what: string) => ({
  html: `<p class="govuk-notification-banner__heading">You were signed out before your ${what} was sent. We kept what you typed: check it and send it again.</p>`,
});

/**
 * What every meeting form's page shows alike: the id that makes sending it twice do the change once, its
 * errors in the summary and by field, and the banner when it was given back after a time-out.
 */
function formState(values: Record<string, unknown>, errors: FormErrors | undefined, restored: unknown, what: string) {
  return {
    formId: typeof values['formId'] === 'string' ? values['formId'] : newFormId(),
    errors: errors?.list,
    fieldErrors: errors?.byField ?? {},
    flash: restored === undefined ? undefined : restoredFlash(what),
  };
}

// ---- lists ----

function listRow(page: PageContext, meeting: MeetingSummary, box: 'inbox' | 'outbox') {
  const mine = meeting.responses.find((response) => response.area === page.context.caller.area);
  const time =
    meeting.scheduledStart === undefined
      ? meeting.status === 'REQUESTED'
        ? 'Not agreed yet'
        : 'Not scheduled'
      : `${meeting.status === 'CANCELLED' ? 'Was ' : ''}${when(meeting.scheduledStart, page.now)}`;
  const actions =
    meeting.status !== 'HELD'
      ? undefined
      : meeting.openActions === 0
        ? 'No open actions'
        : `${meeting.openActions} open ${meeting.openActions === 1 ? 'action' : 'actions'}${meeting.overdueActions > 0 ? `, ${meeting.overdueActions} overdue` : ''}`;
  return {
    href: `/meetings/${meeting.meetingId}`,
    reference: reference(meeting.meetingId),
    requestedBy: areaName(page, meeting.requestingArea),
    requested: when(meeting.createdAt, page.now),
    answers: meeting.responses.map((response) => ({
      area: areaName(page, response.area),
      mine: response.area === page.context.caller.area,
      answer: LABELS.meetingResponse[response.response],
    })),
    status: meetingTag(meeting.status),
    awaitingYou: box === 'inbox' && meeting.status === 'REQUESTED' && mine?.response === 'PENDING',
    allAnswered:
      box === 'outbox' && meeting.status === 'REQUESTED' && meeting.responses.every((response) => response.response !== 'PENDING'),
    time,
    format: LABELS.meetingFormat[meeting.format],
    actions,
    overdue: meeting.overdueActions > 0,
  };
}

async function meetingList(page: PageContext, box: 'inbox' | 'outbox'): Promise<View> {
  const status = page.request.query['status'];
  const query = parseInput(
    ListMeetingsQuery,
    {
      box,
      limit: '20',
      ...(status === undefined || status === '' || status === 'ALL' ? {} : { status }),
      ...(page.request.query['cursor'] === undefined ? {} : { cursor: page.request.query['cursor'] }),
    },
    'query',
  );
  const list = await listMeetings(page.deps, page.context, query);
  const base = box === 'inbox' ? '/meetings' : '/meetings/requested';
  const filter = query.status === undefined ? '' : `status=${query.status}&`;
  return {
    view: 'meetings',
    data: {
      title: box === 'inbox' ? 'Meetings your area is invited to' : 'Meetings your area requested',
      box,
      base,
      other:
        box === 'inbox'
          ? { href: '/meetings/requested', text: 'Meetings your area requested' }
          : { href: '/meetings', text: 'Meetings your area is invited to' },
      status: query.status ?? 'ALL',
      statuses: [{ value: 'ALL', text: 'All' }, ...MEETING_STATUSES.map((value) => ({ value, text: LABELS.meetingStatus[value] }))],
      rows: list.items.map((meeting) => listRow(page, meeting, box)),
      filtered: query.status !== undefined,
      next: list.nextCursor === undefined ? undefined : `${base}?${filter}cursor=${encodeURIComponent(list.nextCursor)}`,
      first: page.request.query['cursor'] === undefined ? undefined : `${base}${filter === '' ? '' : `?${filter.slice(0, -1)}`}`,
      mayRequest: hasMeetingRight(page.context.caller, 'organise'),
    },
  };
}

// ---- one meeting ----

/** What the caller may be offered, from roles, area and state; the use case still decides each step. */
function offers(page: PageContext, meeting: MeetingView) {
  const caller = page.context.caller;
  const side = sideOf(page, meeting);
  const organiser = side === 'requester' && hasMeetingRight(caller, 'organise');
  const started = meeting.scheduled !== undefined && new Date(meeting.scheduled.start) <= page.now;
  return {
    respond: side === 'invited' && hasMeetingRight(caller, 'respond') && meeting.status === 'REQUESTED',
    schedule: organiser && meeting.status === 'REQUESTED',
    cancel: organiser && (meeting.status === 'REQUESTED' || (meeting.status === 'SCHEDULED' && !started)),
    record: organiser && meeting.status === 'SCHEDULED' && started,
    /** Record once it starts: said in words while it has not. */
    recordLater: organiser && meeting.status === 'SCHEDULED' && !started,
    updateActions: meeting.status === 'HELD' && hasMeetingRight(caller, 'updateAction'),
    calendar: meeting.scheduled !== undefined && meeting.status !== 'REQUESTED',
    history: hasMeetingRight(caller, 'readHistory'),
  };
}

/** Text as paragraphs, one per line typed. */
const paragraphs = (value: string | undefined) =>
  (value ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);

/** Which areas accepted (or proposed, which counts as accepting) each slot. */
function acceptances(meeting: MeetingView): Map<string, string[]> {
  const accepted = new Map<string, string[]>();
  for (const response of meeting.responses) {
    if ((response.response === 'ACCEPT' || response.response === 'PROPOSE') && 'slotId' in response && response.slotId !== undefined) {
      accepted.set(response.slotId, [...(accepted.get(response.slotId) ?? []), response.area]);
    }
  }
  return accepted;
}

function slotRows(page: PageContext, meeting: MeetingView) {
  const accepted = acceptances(meeting);
  return meeting.slots.map((slot, index) => ({
    slotId: slot.slotId,
    label: `Slot ${index + 1}`,
    when: slotWords(slot.start, slot.durationMinutes),
    length: duration(slot.durationMinutes),
    proposedBy: areaName(page, slot.proposedBy),
    acceptedBy: (accepted.get(slot.slotId) ?? []).map((area) => areaName(page, area)),
    scheduled: meeting.scheduled?.slotId === slot.slotId,
    started: new Date(slot.start) <= page.now,
  }));
}

const DONE_BANNERS: Record<string, { heading: string; body?: string }> = {
  requested: { heading: 'Meeting requested', body: 'The invited areas can now see it and answer.' },
  responded: { heading: 'Your answer has been sent', body: 'You can change it until the meeting is scheduled.' },
  scheduled: { heading: 'Meeting scheduled', body: 'Every area in the meeting can now download the calendar invitation.' },
  cancelled: { heading: 'Meeting cancelled' },
  recorded: { heading: 'Meeting record saved', body: 'Each action’s owner can now update it.' },
  action: { heading: 'Action updated' },
};

async function meetingPage(page: PageContext): Promise<View> {
  const meetingId = page.params['meetingId'] as string;
  const meeting = await getMeeting(page.deps, page.context, meetingId);
  const side = sideOf(page, meeting);
  const can = offers(page, meeting);
  const person = (p: { name: string; agency: keyof typeof LABELS.agency; area: string }) =>
    `${p.name} (${LABELS.agency[p.agency]}, ${areaName(page, p.area)})`;
  const slots = slotRows(page, meeting);
  const slotLabel = (slotId: string | undefined) => {
    const slot = slots.find((candidate) => candidate.slotId === slotId);
    return slot === undefined ? undefined : `${slot.label}: ${slot.when}`;
  };
  const attendance = new Map<string, string[]>();
  for (const entry of meeting.record?.attendance ?? []) {
    attendance.set(entry.area, [...(attendance.get(entry.area) ?? []), LABELS.agency[entry.agency]]);
  }
  const done = page.request.query['done'];
  const banner = done !== undefined && Object.hasOwn(DONE_BANNERS, done) ? DONE_BANNERS[done] : undefined;
  return {
    view: 'meeting',
    data: {
      // A message that did not reach an area: whoever is in the meeting telephones that area instead.
      undelivered: (meeting.undelivered ?? []).map(
        (failure) =>
          `A message to ${areaName(page, failure.area)} could not be delivered (${when(failure.at, page.now)}): telephone ${areaName(page, failure.area)}'s out-of-hours team on ${failure.telephone} instead.`,
      ),
      title: `Meeting requested by ${areaName(page, meeting.requestingArea)}`,
      backLink: side === 'requester' ? '/meetings/requested' : '/meetings',
      meeting: {
        id: meeting.meetingId,
        reference: reference(meeting.meetingId),
        status: meetingTag(meeting.status),
        requestedBy: person(meeting.createdBy),
        requestedAt: dateTime(meeting.createdAt),
        requestingArea: areaName(page, meeting.requestingArea),
        invited: meeting.invitedAreas.map((area) => areaName(page, area)).join(', '),
        format: LABELS.meetingFormat[meeting.format],
        scheduled:
          meeting.scheduled === undefined
            ? undefined
            : {
                when: slotWords(meeting.scheduled.start, meeting.scheduled.durationMinutes),
                by: person(meeting.scheduled.by),
                started: new Date(meeting.scheduled.start) <= page.now,
              },
        cancelled:
          meeting.cancelled === undefined
            ? undefined
            : { reason: paragraphs(meeting.cancelled.reason), at: dateTime(meeting.cancelled.at), by: person(meeting.cancelled.by) },
      },
      side,
      child: { name: `${meeting.subject.name.given} ${meeting.subject.name.family}`, dateOfBirth: date(meeting.subject.dateOfBirth) },
      reason: paragraphs(meeting.reason),
      agenda: paragraphs(meeting.agenda),
      alerts: meeting.alertIds.map((alertId) => ({ href: `/alerts/${alertId}` })),
      slots,
      answers: meeting.responses.map((response) => ({
        area: areaName(page, response.area),
        mine: response.area === page.context.caller.area,
        tag: answerTag(response.response),
        detail:
          response.response === 'PENDING' ? undefined : response.response === 'DECLINE' ? response.reason : slotLabel(response.slotId),
        attendees: response.response === 'PENDING' ? [] : (response.attendees ?? []).map((a) => `${a.role} (${LABELS.agency[a.agency]})`),
        by: response.response === 'PENDING' ? undefined : `${person(response.by)}, ${dateTime(response.respondedAt)}`,
      })),
      record:
        meeting.record === undefined
          ? undefined
          : {
              attendance: [...attendance.entries()].map(([area, agencies]) => ({
                area: areaName(page, area),
                agencies: agencies.join(', '),
              })),
              decisions: paragraphs(meeting.record.decisions),
              disruptionPlan: paragraphs(meeting.record.disruptionPlan),
              reviewDate: date(meeting.record.reviewDate),
              by: `${person(meeting.record.by)}, ${dateTime(meeting.record.recordedAt)}`,
            },
      actions: meeting.actions.map((item, index) => ({
        id: item.actionId,
        title: `Action ${index + 1}`,
        description: paragraphs(item.description),
        owner: `${areaName(page, item.ownerArea)}: ${LABELS.agency[item.ownerAgency]}`,
        dueBy: date(item.dueBy),
        overdue: item.overdue,
        tag: actionTag(item.status, item.overdue),
        ...latestUpdates(page, meetingId, item),
        mayUpdate: can.updateActions && item.ownerArea === page.context.caller.area,
      })),
      overdueActions: meeting.overdueActions,
      answered: meeting.responses.some((response) => response.area === page.context.caller.area && response.response !== 'PENDING'),
      can,
      flash:
        banner === undefined
          ? undefined
          : {
              success: true,
              html: `<h3 class="govuk-notification-banner__heading">${banner.heading}</h3>${banner.body === undefined ? '' : `<p class="govuk-body">${banner.body}</p>`}`,
            },
    },
  };
}

/** Shown instead of a form the meeting's state does not allow now: what stands, and the way back. */
function notice(meeting: MeetingView, title: string, paragraphsShown: string[]): View {
  return {
    view: 'meeting-notice',
    status: 409,
    data: { title, paragraphs: paragraphsShown, backLink: `/meetings/${meeting.meetingId}`, meetingId: meeting.meetingId },
  };
}

/** Refuses, on record, a form the caller's role or side of the meeting can never send. */
async function refuse(page: PageContext, action: AuditAction, meetingId: string, message: string): Promise<never> {
  return page.deps.audit.forbidden(page.context, action, message, { meetingId });
}

const statusWords = (meeting: MeetingView) => `The meeting is ${LABELS.meetingStatus[meeting.status].toLowerCase()}.`;

// ---- requesting a meeting ----

const REQUEST_FIELDS = [
  'alertIds',
  'invitedAreas',
  'subject.name.given',
  'subject.name.family',
  'subject.dateOfBirth',
  'reason',
  'agenda',
  'format',
  'proposedSlots',
  ...Array.from({ length: MAX_SLOTS }, (_, i) => [`proposedSlots.${i}.start`, `proposedSlots.${i}.durationMinutes`]).flat(),
];

const SLOT_START = 'Enter the date as year-month-day and the time on the 24-hour clock, for example 2026-11-30 and 14:00';
const SLOT_LENGTH = 'Enter how long the meeting lasts, in whole minutes from 15 to 480';

function requestMessages(form: Values): Record<string, string> {
  const subject = record(form['subject']);
  const name = record(subject['name']);
  return {
    invitedAreas: 'Select at least one area to invite',
    alertIds: 'The linked alert could not be read. Untick it, or go back to the alert and start again',
    'subject.name.given': need(name['given'], 'Enter the child’s first name', 'The child’s first name must be 100 characters or fewer'),
    'subject.name.family': need(name['family'], 'Enter the child’s last name', 'The child’s last name must be 100 characters or fewer'),
    'subject.dateOfBirth': 'Enter the child’s date of birth as year-month-day, for example 2011-03-27',
    reason: need(form['reason'], 'Enter why the meeting is needed', 'The reason must be 2,000 characters or fewer'),
    agenda: need(form['agenda'], 'Enter the agenda', 'The agenda must be 4,000 characters or fewer'),
    format: 'Select how the meeting will be held',
    proposedSlots: `Propose between 1 and ${MAX_SLOTS} slots`,
    'proposedSlots.*.start': SLOT_START,
    'proposedSlots.*.durationMinutes': SLOT_LENGTH,
  };
}

/** What the request use case refuses, in words: the same paths as the contract's, other reasons. */
const REQUEST_RULES = {
  invitedAreas: 'Select areas from the list: your own area takes part already',
  alertIds: 'You can link only an alert your area sent or received. Untick it to request the meeting without it',
  'proposedSlots.*.start': 'The slot must be in the future',
};

const blankSlot = () => ({ durationMinutes: '60' });

function requestFrom(form: Values): unknown {
  const subject = record(form['subject']);
  const name = record(subject['name']);
  const alertIds = chosen(form['alertIds']);
  return {
    invitedAreas: chosen(form['invitedAreas']),
    ...(alertIds.length === 0 ? {} : { alertIds }),
    subject: { name: { given: cleaned(name['given']), family: cleaned(name['family']) }, dateOfBirth: cleaned(subject['dateOfBirth']) },
    reason: cleaned(form['reason']),
    agenda: cleaned(form['agenda']),
    format: cleaned(form['format']),
    proposedSlots: rows(form['proposedSlots']).map((slot) => ({
      start: londonInstant(slot['date'], slot['time']),
      durationMinutes: minutesOf(slot['durationMinutes']),
    })),
  };
}

function requestView(page: PageContext, form: Values, errors?: FormErrors, restored = false): View {
  const caller = page.context.caller;
  const slots = rows(form['proposedSlots']);
  const offered = [...new Set([...chosen(form['offeredAlertIds']), ...chosen(form['alertIds'])])].filter((id) => UUID.test(id));
  return {
    view: 'meeting-request',
    status: errors === undefined ? 200 : 422,
    data: {
      title: 'Request a cross-boundary meeting',
      backLink: offered.length === 1 ? `/alerts/${offered[0]}` : '/meetings/requested',
      form: { ...form, proposedSlots: slots.length === 0 ? [blankSlot()] : slots },
      formId: typeof form['formId'] === 'string' ? form['formId'] : newFormId(),
      areas: page.deps.areas
        .list()
        .filter((area) => area.id !== caller.area)
        .map((area) => ({ value: area.id, text: area.name })),
      formats: MEETING_FORMATS.map((value) => ({ value, text: LABELS.meetingFormat[value] })),
      // Ids only, and only well-formed ones: each is put into a link.
      alerts: offered.map((alertId) => ({
        value: alertId,
        text: 'Link this meeting to the alert you came from',
        hint: {
          html: `<a class="govuk-link" href="/alerts/${alertId}" target="_blank" rel="noreferrer noopener">View the alert (opens in new tab)</a>`,
        },
      })),
      maxSlots: MAX_SLOTS,
      errors: errors?.list,
      fieldErrors: errors?.byField ?? {},
      flash: restored ? restoredFlash('meeting request') : undefined,
    },
  };
}

async function newMeeting(page: PageContext): Promise<View> {
  if (!hasMeetingRight(page.context.caller, 'organise')) {
    await page.deps.audit.forbidden(page.context, 'MEETING_REQUEST', 'Your role may not request meetings');
  }
  const restored = await page.restored();
  if (restored !== undefined) return requestView(page, restored, undefined, true);
  const alertId = page.request.query['alertId'];
  const linked = alertId !== undefined && UUID.test(alertId) ? [alertId] : [];
  return requestView(page, { alertIds: linked, offeredAlertIds: linked, proposedSlots: [blankSlot()] });
}

async function submitRequest(page: PageContext): Promise<View | ConsoleResponse> {
  const form = page.form();
  const action = text(form['action']) ?? 'send';
  const slots = rows(form['proposedSlots']);
  // "Add another slot" and "Remove" work without JavaScript: the form comes back changed, nothing is sent.
  if (action === 'add-slot') {
    return requestView(page, { ...form, proposedSlots: slots.length >= MAX_SLOTS ? slots : [...slots, blankSlot()] });
  }
  const removing = /^remove-slot-(\d+)$/.exec(action);
  if (removing !== null) return requestView(page, { ...form, proposedSlots: slots.filter((_slot, i) => i !== Number(removing[1])) });
  const messages = requestMessages(form);
  const read = readForm(RequestMeetingRequest, requestFrom(form), messages, REQUEST_FIELDS);
  if (!read.ok) return requestView(page, form, numbered(inPageOrder(read.errors, REQUEST_FIELDS), 'proposedSlots', 'Slot'));
  try {
    const requested = (meetingId: string) => `/meetings/${meetingId}?done=requested`;
    return await page.once(form, 'request-meeting', async (context, keep) => {
      const created = await requestMeeting(
        page.deps,
        context,
        read.value,
        keep<RequestMeetingResponse>((receipt) => requested(receipt.meetingId)),
      );
      return { location: requested(created.meetingId), answer: created };
    });
  } catch (error) {
    if (error instanceof ValidationError) {
      return requestView(
        page,
        form,
        numbered(
          inPageOrder(formErrors(error, { ...messages, ...REQUEST_RULES }, REQUEST_FIELDS), REQUEST_FIELDS),
          'proposedSlots',
          'Slot',
        ),
      );
    }
    throw error;
  }
}

// ---- answering an invitation ----

const RESPOND_FIELDS = ['response', 'reason', 'slot.start', 'slot.durationMinutes'];

function respondMessages(form: Values): Record<string, string> {
  return {
    response: 'Select your area’s answer',
    slotId: 'Select a slot to accept',
    reason: need(form['reason'], 'Enter why your area cannot attend', 'The reason must be 1,000 characters or fewer'),
    'slot.start': SLOT_START,
    'slot.durationMinutes': SLOT_LENGTH,
    slot: 'No more slots can be proposed for this meeting',
  };
}

const RESPOND_RULES = {
  slotId: 'That slot has already started. Select another, or propose a new one',
  'slot.start': 'The slot you propose must be in the future',
  slot: 'No more slots can be proposed for this meeting: accept one of those proposed, or decline',
};

/** The answer's radios carry the slot accepted, so a slot's error is shown at the radios. */
const RESPOND_MOVES = { slotId: 'response', slot: 'slot-start' };

function answerFrom(form: Values): unknown {
  const answer = text(form['answer']);
  if (answer === 'DECLINE') return { response: 'DECLINE', reason: cleaned(form['reason']) };
  if (answer === 'PROPOSE') {
    const slot = record(form['slot']);
    return {
      response: 'PROPOSE',
      slot: { start: londonInstant(slot['date'], slot['time']), durationMinutes: minutesOf(slot['durationMinutes']) },
    };
  }
  if (answer?.startsWith('slot-') === true) return { response: 'ACCEPT', slotId: answer };
  return { response: cleaned(answer) };
}

async function respondPage(page: PageContext, form?: Values, errors?: FormErrors): Promise<View> {
  const meetingId = page.params['meetingId'] as string;
  const meeting = await getMeeting(page.deps, page.context, meetingId);
  if (sideOf(page, meeting) !== 'invited') {
    return refuse(page, 'MEETING_RESPOND', meetingId, 'Only an invited area responds to a meeting request');
  }
  if (!hasMeetingRight(page.context.caller, 'respond')) {
    return refuse(page, 'MEETING_RESPOND', meetingId, 'Your role may not respond to meeting requests');
  }
  if (meeting.status !== 'REQUESTED') {
    return notice(meeting, 'The invitation can no longer be answered', [
      `${statusWords(meeting)} Answers close once a meeting is scheduled.`,
    ]);
  }
  const restored = form === undefined ? await page.restored() : undefined;
  const mine = meeting.responses.find((response) => response.area === page.context.caller.area);
  const current: Values =
    mine === undefined || mine.response === 'PENDING'
      ? {}
      : mine.response === 'ACCEPT'
        ? { answer: mine.slotId }
        : mine.response === 'DECLINE'
          ? { answer: 'DECLINE', reason: mine.reason }
          : {};
  const values = form ?? restored ?? current;
  const slots = slotRows(page, meeting);
  return {
    view: 'meeting-respond',
    status: errors === undefined ? 200 : 422,
    data: {
      title: 'Answer the meeting invitation',
      backLink: `/meetings/${meetingId}`,
      meetingId,
      requestedBy: areaName(page, meeting.requestingArea),
      format: LABELS.meetingFormat[meeting.format],
      form: { ...values, slot: { durationMinutes: '60', ...record(values['slot']) } },
      slots: slots.filter((slot) => !slot.started),
      pastSlots: slots.filter((slot) => slot.started).length,
      current:
        mine === undefined || mine.response === 'PENDING'
          ? undefined
          : `${LABELS.meetingResponse[mine.response]}${mine.response === 'DECLINE' ? '' : `: ${slots.find((slot) => slot.slotId === mine.slotId)?.when ?? ''}`}`,
      ...formState(values, errors, restored, 'answer'),
    },
  };
}

async function respond(page: PageContext): Promise<View | ConsoleResponse> {
  const meetingId = page.params['meetingId'] as string;
  const form = page.form();
  const messages = respondMessages(form);
  const read = readForm(MeetingResponseRequest, answerFrom(form), messages, RESPOND_FIELDS);
  if (!read.ok) return respondPage(page, form, retarget(read.errors, RESPOND_MOVES));
  try {
    return await page.once(form, `respond:${meetingId}`, async (context) => {
      await respondToMeeting(page.deps, context, meetingId, read.value);
      return `/meetings/${meetingId}?done=responded`;
    });
  } catch (error) {
    if (error instanceof ValidationError) {
      return respondPage(page, form, retarget(formErrors(error, { ...messages, ...RESPOND_RULES }, RESPOND_FIELDS), RESPOND_MOVES));
    }
    throw error;
  }
}

// ---- scheduling ----

const SCHEDULE_MESSAGES = {
  slotId: 'Select the slot to hold the meeting in',
  force: 'No invited area has accepted this slot. Select a slot an area has accepted, or select ‘Schedule it anyway’',
};
const SCHEDULE_RULES = { slotId: 'That slot has already started. Select another' };

async function schedulePage(page: PageContext, form?: Values, errors?: FormErrors, read?: MeetingView): Promise<View> {
  const meetingId = page.params['meetingId'] as string;
  const meeting = read ?? (await getMeeting(page.deps, page.context, meetingId));
  await organiserOnly(page, meeting, 'MEETING_SCHEDULE', 'schedules');
  if (meeting.status !== 'REQUESTED') {
    return notice(meeting, 'The meeting cannot be scheduled', [`${statusWords(meeting)} Only a requested meeting can be scheduled.`]);
  }
  const restored = form === undefined ? await page.restored() : undefined;
  const values = form ?? restored ?? {};
  const slots = slotRows(page, meeting);
  const open = slots.filter((slot) => !slot.started);
  return {
    view: 'meeting-schedule',
    status: errors === undefined ? 200 : 422,
    data: {
      title: 'Schedule the meeting',
      backLink: `/meetings/${meetingId}`,
      meetingId,
      form: values,
      slots: open,
      pastSlots: slots.length - open.length,
      unaccepted: open.some((slot) => slot.acceptedBy.length === 0),
      pending: meeting.responses.filter((response) => response.response === 'PENDING').map((response) => areaName(page, response.area)),
      ...formState(values, errors, restored, 'choice'),
    },
  };
}

async function schedule(page: PageContext): Promise<View | ConsoleResponse> {
  const meetingId = page.params['meetingId'] as string;
  const form = page.form();
  const force = form['force'] === 'true' ? true : cleaned(form['force']);
  const read = readForm(
    ScheduleMeetingRequest,
    { slotId: cleaned(form['slotId']), ...(force === undefined ? {} : { force }) },
    SCHEDULE_MESSAGES,
    ['slotId', 'force'],
  );
  if (!read.ok) return schedulePage(page, form, read.errors);
  if (!read.value.force) {
    // Asked before the use case would refuse it, so the person is shown the box to tick, not an error page.
    const meeting = await getMeeting(page.deps, page.context, meetingId);
    const accepted = acceptances(meeting).get(read.value.slotId) ?? [];
    const known = meeting.slots.some((slot) => slot.slotId === read.value.slotId);
    if (known && accepted.length === 0 && meeting.status === 'REQUESTED') {
      const errors = { list: [{ text: SCHEDULE_MESSAGES.force, href: '#force' }], byField: { force: SCHEDULE_MESSAGES.force } };
      return schedulePage(page, form, errors, meeting);
    }
  }
  try {
    return await page.once(form, `schedule:${meetingId}`, async (context) => {
      await scheduleMeeting(page.deps, context, meetingId, read.value);
      return `/meetings/${meetingId}?done=scheduled`;
    });
  } catch (error) {
    if (error instanceof ValidationError) {
      return schedulePage(page, form, formErrors(error, { ...SCHEDULE_MESSAGES, ...SCHEDULE_RULES }, ['slotId', 'force']));
    }
    throw error;
  }
}

/** Scheduling, cancelling and recording are the requesting area's chair's or coordinator's. */
async function organiserOnly(page: PageContext, meeting: MeetingView, action: AuditAction, verb: string): Promise<void> {
  if (sideOf(page, meeting) !== 'requester') {
    await refuse(page, action, meeting.meetingId, `Only the requesting area ${verb} its meeting`);
  }
  if (!hasMeetingRight(page.context.caller, 'organise')) {
    await refuse(page, action, meeting.meetingId, `Your role may not ${verb.replace(/s$/, '')} meetings`);
  }
}

// ---- cancelling ----

const cancelMessages = (form: Values) => ({
  reason: need(form['reason'], 'Enter why the meeting is cancelled', 'The reason must be 1,000 characters or fewer'),
});

async function cancelPage(page: PageContext, form?: Values, errors?: FormErrors): Promise<View> {
  const meetingId = page.params['meetingId'] as string;
  const meeting = await getMeeting(page.deps, page.context, meetingId);
  await organiserOnly(page, meeting, 'MEETING_CANCEL', 'cancels');
  if (!offers(page, meeting).cancel) {
    return notice(meeting, 'The meeting cannot be cancelled', [
      `${statusWords(meeting)} Only a meeting that has not yet happened can be cancelled.`,
    ]);
  }
  const restored = form === undefined ? await page.restored() : undefined;
  const values = form ?? restored ?? {};
  return {
    view: 'meeting-cancel',
    status: errors === undefined ? 200 : 422,
    data: {
      title: 'Cancel the meeting',
      backLink: `/meetings/${meetingId}`,
      meetingId,
      scheduled: meeting.scheduled === undefined ? undefined : slotWords(meeting.scheduled.start, meeting.scheduled.durationMinutes),
      invited: meeting.invitedAreas.map((area) => areaName(page, area)).join(', '),
      form: values,
      ...formState(values, errors, restored, 'cancellation'),
    },
  };
}

async function cancel(page: PageContext): Promise<View | ConsoleResponse> {
  const meetingId = page.params['meetingId'] as string;
  const form = page.form();
  const messages = cancelMessages(form);
  const read = readForm(CancelMeetingRequest, { reason: cleaned(form['reason']) }, messages, ['reason']);
  if (!read.ok) return cancelPage(page, form, read.errors);
  try {
    return await page.once(form, `cancel:${meetingId}`, async (context) => {
      await cancelMeeting(page.deps, context, meetingId, read.value);
      return `/meetings/${meetingId}?done=cancelled`;
    });
  } catch (error) {
    if (error instanceof ValidationError) return cancelPage(page, form, formErrors(error, messages, ['reason']));
    throw error;
  }
}

// ---- recording ----

const RECORD_FIELDS = [
  'attendance',
  'decisions',
  'disruptionPlan',
  'reviewDate',
  'actions',
  ...Array.from({ length: MAX_ACTIONS }, (_, i) =>
    ['description', 'ownerArea', 'ownerAgency', 'dueBy'].map((f) => `actions.${i}.${f}`),
  ).flat(),
];

function recordMessages(form: Values): Record<string, string> {
  return {
    attendance: 'Select who attended, from at least one area',
    decisions: need(form['decisions'], 'Enter what the meeting decided', 'The decisions must be 8,000 characters or fewer'),
    disruptionPlan: 'The disruption plan must be 8,000 characters or fewer',
    reviewDate: 'Enter the review date as year-month-day, for example 2027-01-31',
    actions: `Record at most ${MAX_ACTIONS} actions`,
    'actions.*.description': 'Enter what needs to be done, in 2,000 characters or fewer',
    'actions.*.ownerArea': 'Select the area that owns the action',
    'actions.*.ownerAgency': 'Select the agency that owns the action',
    'actions.*.dueBy': 'Enter the due date as year-month-day, for example 2027-01-15',
  };
}

const RECORD_RULES = {
  attendance: 'Select who attended from the areas in this meeting',
  'actions.*.ownerArea': 'Select an area that took part in the meeting',
};

const ACTION_FIELDS = ['description', 'ownerArea', 'ownerAgency', 'dueBy'] as const;

/** The record as the contract takes it, and which of the form's action rows it holds (blank rows are left out). */
function recordFrom(form: Values): { request: unknown; kept: number[] } {
  const attendance = Object.entries(record(form['attendance'])).flatMap(([area, agencies]) =>
    chosen(agencies).map((agency) => ({ area, agency })),
  );
  const kept: number[] = [];
  const actions = rows(form['actions']).flatMap((row, index) => {
    if (ACTION_FIELDS.every((field) => cleaned(row[field]) === undefined)) return [];
    kept.push(index);
    return [Object.fromEntries(ACTION_FIELDS.map((field) => [field, cleaned(row[field])]))];
  });
  const disruptionPlan = cleaned(form['disruptionPlan']);
  return {
    request: {
      attendance,
      decisions: cleaned(form['decisions']),
      ...(disruptionPlan === undefined ? {} : { disruptionPlan }),
      reviewDate: cleaned(form['reviewDate']),
      actions,
    },
    kept,
  };
}

async function recordPage(page: PageContext, form?: Values, errors?: FormErrors): Promise<View> {
  const meetingId = page.params['meetingId'] as string;
  const meeting = await getMeeting(page.deps, page.context, meetingId);
  await organiserOnly(page, meeting, 'MEETING_RECORD', 'records');
  if (!offers(page, meeting).record) {
    return notice(
      meeting,
      meeting.status === 'HELD' ? 'The meeting has already been recorded' : 'The meeting cannot be recorded yet',
      meeting.status === 'SCHEDULED' && meeting.scheduled !== undefined
        ? [
            `A meeting is recorded once it has started. This one is ${slotWords(meeting.scheduled.start, meeting.scheduled.durationMinutes)}.`,
          ]
        : [`${statusWords(meeting)} A meeting is recorded once, after it has been scheduled and has started.`],
    );
  }
  const restored = form === undefined ? await page.restored() : undefined;
  const values = form ?? restored ?? {};
  const actions = rows(values['actions']);
  const participants = [meeting.requestingArea, ...meeting.invitedAreas];
  return {
    view: 'meeting-record',
    status: errors === undefined ? 200 : 422,
    data: {
      title: 'Record the meeting',
      backLink: `/meetings/${meetingId}`,
      meetingId,
      scheduled: meeting.scheduled === undefined ? undefined : slotWords(meeting.scheduled.start, meeting.scheduled.durationMinutes),
      form: { ...values, actions: form === undefined && restored === undefined && actions.length === 0 ? [{}] : actions },
      participants: participants.map((area, index) => ({
        value: area,
        text: areaName(page, area),
        idPrefix: index === 0 ? 'attendance' : `attendance-${area}`,
        attended: chosen(record(values['attendance'])[area]),
      })),
      agencies: AGENCIES.map((value) => ({ value, text: LABELS.agency[value] })),
      maxActions: MAX_ACTIONS,
      ...formState(values, errors, restored, 'record'),
    },
  };
}

async function submitRecord(page: PageContext): Promise<View | ConsoleResponse> {
  const meetingId = page.params['meetingId'] as string;
  const form = page.form();
  const action = text(form['action']) ?? 'save';
  const actions = rows(form['actions']);
  if (action === 'add-action') {
    return recordPage(page, { ...form, actions: actions.length >= MAX_ACTIONS ? actions : [...actions, {}] });
  }
  const removing = /^remove-action-(\d+)$/.exec(action);
  if (removing !== null) return recordPage(page, { ...form, actions: actions.filter((_row, i) => i !== Number(removing[1])) });
  const messages = recordMessages(form);
  const { request, kept } = recordFrom(form);
  const read = readWithRows(RecordMeetingRequest, request, messages, RECORD_FIELDS, 'actions', kept);
  if (!read.ok) return recordPage(page, form, numbered(inPageOrder(read.errors, RECORD_FIELDS), 'actions', 'Action'));
  try {
    return await page.once(form, `record:${meetingId}`, async (context) => {
      await recordMeeting(page.deps, context, meetingId, read.value);
      return `/meetings/${meetingId}?done=recorded`;
    });
  } catch (error) {
    if (error instanceof ValidationError) {
      const errors = formErrors(renumbered(error, 'actions', kept), { ...messages, ...RECORD_RULES }, RECORD_FIELDS);
      return recordPage(page, form, numbered(inPageOrder(errors, RECORD_FIELDS), 'actions', 'Action'));
    }
    throw error;
  }
}

// ---- an action ----

type ActionShown = MeetingView['actions'][number];

/** An update as a list shows it: where the action stood, the note, and who wrote it when. */
function updateRow(page: PageContext, update: ActionShown['latestUpdates'][number]) {
  return {
    status: LABELS.actionStatus[update.status],
    note: update.note,
    by: `${update.by.name} (${LABELS.agency[update.by.agency]}, ${areaName(page, update.by.area)}), ${dateTime(update.at)}`,
  };
}

/**
 * An action's latest updates, newest first, and, when it has more than those, the link to all of them:
 * the meeting's page stays the same length however long the action's history grows.
 */
function latestUpdates(page: PageContext, meetingId: string, item: ActionShown) {
  const more = item.updateCount - item.latestUpdates.length;
  return {
    updates: item.latestUpdates.map((update) => updateRow(page, update)),
    allUpdates:
      more <= 0
        ? undefined
        : { href: `/meetings/${meetingId}/actions/${item.actionId}/updates`, text: `See all ${item.updateCount} updates` },
  };
}

/** Every update of an action, newest first, a page at a time (GOV.UK pagination). */
async function actionUpdatesPage(page: PageContext): Promise<View> {
  const meetingId = page.params['meetingId'] as string;
  const actionId = page.params['actionId'] as string;
  const cursor = page.request.query['cursor'];
  const query = parseInput(ActionUpdatesQuery, { limit: '20', ...(cursor === undefined ? {} : { cursor }) }, 'query');
  const list = await listActionUpdates(page.deps, page.context, meetingId, actionId, query);
  const number = Number(actionId.slice('action-'.length));
  const base = `/meetings/${meetingId}/actions/${actionId}/updates`;
  return {
    view: 'meeting-action-updates',
    data: {
      title: `Updates of action ${number}`,
      backLink: `/meetings/${meetingId}#${actionId}`,
      meetingId,
      actionId,
      reference: reference(meetingId),
      caption: `${list.updateCount} ${list.updateCount === 1 ? 'update' : 'updates'}, newest first`,
      tag: actionTag(list.status, false),
      rows: list.items.map((update) => ({ number: update.number, ...updateRow(page, update) })),
      next: list.nextCursor === undefined ? undefined : `${base}?cursor=${encodeURIComponent(list.nextCursor)}`,
      first: cursor === undefined ? undefined : base,
    },
  };
}

const actionMessages = (form: Values) => ({
  status: 'Select where the action stands',
  note: need(form['note'], 'Enter a note about the action', 'The note must be 1,000 characters or fewer'),
});

async function actionPage(page: PageContext, form?: Values, errors?: FormErrors): Promise<View> {
  const meetingId = page.params['meetingId'] as string;
  const actionId = page.params['actionId'] as string;
  const meeting = await getMeeting(page.deps, page.context, meetingId);
  const index = meeting.actions.findIndex((candidate) => candidate.actionId === actionId);
  const item = meeting.actions[index];
  // An action id comes from the address and may name nothing: the page is not found, as any other.
  if (item === undefined) throw new NotFoundError('No such action');
  const mayUpdate = offers(page, meeting).updateActions && item.ownerArea === page.context.caller.area;
  const restored = form === undefined && mayUpdate ? await page.restored() : undefined;
  const values = form ?? restored ?? { status: item.status };
  return {
    view: 'meeting-action',
    status: errors === undefined ? 200 : 422,
    data: {
      title: `Update action ${index + 1}`,
      backLink: `/meetings/${meetingId}`,
      meetingId,
      actionId,
      action: {
        title: `Action ${index + 1}`,
        description: paragraphs(item.description),
        owner: `${areaName(page, item.ownerArea)}: ${LABELS.agency[item.ownerAgency]}`,
        dueBy: date(item.dueBy),
        overdue: item.overdue,
        tag: actionTag(item.status, item.overdue),
        ...latestUpdates(page, meetingId, item),
      },
      ownerArea: areaName(page, item.ownerArea),
      mayUpdate,
      statuses: (['OPEN', 'DONE', 'CANCELLED'] as const).map((value) => ({
        value,
        text: { OPEN: 'Still open', DONE: 'Done', CANCELLED: 'No longer needed' }[value],
      })),
      form: values,
      ...formState(values, errors, restored, 'update'),
    },
  };
}

async function submitAction(page: PageContext): Promise<View | ConsoleResponse> {
  const meetingId = page.params['meetingId'] as string;
  const actionId = page.params['actionId'] as string;
  const form = page.form();
  const messages = actionMessages(form);
  const read = readForm(UpdateActionRequest, { status: cleaned(form['status']), note: cleaned(form['note']) }, messages, [
    'status',
    'note',
  ]);
  if (!read.ok) return actionPage(page, form, read.errors);
  try {
    return await page.once(form, `action:${meetingId}:${actionId}`, async (context) => {
      await updateAction(page.deps, context, meetingId, actionId, read.value);
      return `/meetings/${meetingId}?done=action`;
    });
  } catch (error) {
    if (error instanceof ValidationError) return actionPage(page, form, formErrors(error, messages, ['status', 'note']));
    throw error;
  }
}

// ---- the calendar invitation and the access history ----

async function calendar(page: PageContext): Promise<ConsoleResponse> {
  const meetingId = page.params['meetingId'] as string;
  // The calendar file is a download a person takes once a meeting, among the console's many page views: its
  // iCalendar writer (ical-generator, some 36 KB) is loaded when asked for, not with the console (issue 11,
  // cold start). The get-meeting-invitation function, which serves nothing else, imports it statically.
  const { meetingInvitation } = await import('../../core/meetings/invitation.js');
  const invitation = await meetingInvitation(page.deps, page.context, meetingId);
  return {
    status: 200,
    headers: {
      ...pageHeaders(page.request, undefined, 'text/calendar; charset=utf-8'),
      'content-disposition': 'attachment; filename="meeting.ics"',
      'cache-control': 'no-store',
    },
    body: invitation,
  };
}

function history(page: PageContext): Promise<View> {
  const meetingId = page.params['meetingId'] as string;
  return historyPage(page, 'meeting', `/meetings/${meetingId}`, hasMeetingRight(page.context.caller, 'read'), (query) =>
    getMeetingAudit(page.deps, page.context, meetingId, query),
  );
}

export function meetingPages(routes: PageRoutes): PageRoutes {
  return routes
    .get('/meetings', (page) => meetingList(page, 'inbox'))
    .get('/meetings/requested', (page) => meetingList(page, 'outbox'))
    .get('/meetings/new', newMeeting)
    .post('/meetings/new', submitRequest)
    .get('/meetings/:meetingId', meetingPage)
    .get('/meetings/:meetingId/respond', (page) => respondPage(page))
    .post('/meetings/:meetingId/respond', respond)
    .get('/meetings/:meetingId/schedule', (page) => schedulePage(page))
    .post('/meetings/:meetingId/schedule', schedule)
    .get('/meetings/:meetingId/cancel', (page) => cancelPage(page))
    .post('/meetings/:meetingId/cancel', cancel)
    .get('/meetings/:meetingId/record', (page) => recordPage(page))
    .post('/meetings/:meetingId/record', submitRecord)
    .get('/meetings/:meetingId/actions/:actionId', (page) => actionPage(page))
    .get('/meetings/:meetingId/actions/:actionId/updates', actionUpdatesPage)
    .post('/meetings/:meetingId/actions/:actionId', submitAction)
    .get('/meetings/:meetingId/calendar.ics', calendar)
    .get('/meetings/:meetingId/history', history);
}
