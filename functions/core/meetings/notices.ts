/**
 * What the hub tells the areas of a meeting, and when:
 * - requested: each invited area's MSET mailbox; answered: the requesting area's; scheduled (with the
 *   calendar invitation on the meeting's page) and cancelled: each invited area that has not declined;
 * - an action due tomorrow (at the start of the owner area's last working day before it is due) or overdue
 *   (at the start of its first working day after): the owner area's MSET mailbox, while it is open.
 *
 * A change of the meeting adds its notice to the meeting item itself (`notices.pending`), in the same
 * conditional write as the change, so a notice exists exactly when its change does; the meeting then stands
 * in the index of pending notices (the meetings table's `ladder` index) at the time its next notice is due.
 * The sweep records each notice (on record, system as actor) and its messages, under ids derived from the
 * meeting and the change (or the action and its due date), then clears what it sent with a write
 * conditional on the version it read. A change made meanwhile keeps the notices it read, so a notice may be
 * recorded twice: it is the same event and the same intents, which the sender sends once.
 */

import type { AreaId } from '../../../contracts/identity.js';
import type { NotificationIntent, TemplateName } from '../../../contracts/notifications.js';
import { londonDateTime } from '../alerts/ladder.js';
import type { AreaDirectory } from '../areas.js';
import type { AuditRecorder } from '../audit.js';
import type { WorkingCalendars } from '../deadlines.js';
import type { NotificationQueue } from '../notifications/ports.js';
import type { Clock } from '../ports.js';
import { uuidFrom } from '../request-ids.js';
import { WorkingTime } from '../working-hours.js';
import { scheduledSlotOf } from './access.js';
import type { MeetingNotice, MeetingRepository, StoredMeeting } from './ports.js';

export type MeetingNoticeDeps = {
  readonly meetings: Pick<MeetingRepository, 'dueMeetings' | 'updateNotices'>;
  readonly notifications: NotificationQueue;
  readonly audit: AuditRecorder;
  readonly areas: AreaDirectory;
  readonly calendars: WorkingCalendars;
  readonly clock: Clock;
};

export function meetingReference(meetingId: string): string {
  return `M-${meetingId.slice(0, 8).toUpperCase()}`;
}

/** The notice a change of the meeting gives, if any; its id is the change's, the same for every retry of it. */
export function noticeOf(
  kind: MeetingNotice['kind'],
  meeting: StoredMeeting,
  changeId: string,
  at: string,
  from: AreaId,
  outcome?: string,
): MeetingNotice {
  const declined = (area: AreaId) => meeting.responses[area]?.response === 'DECLINE';
  const to: AreaId[] =
    kind === 'ANSWERED' ? [meeting.requestingArea] : meeting.invitedAreas.filter((area) => kind === 'REQUESTED' || !declined(area));
  return {
    noticeId: uuidFrom(`meeting:${meeting.meetingId}:${changeId}:${kind}`),
    kind,
    to,
    at,
    from,
    ...(outcome === undefined ? {} : { outcome }),
  };
}

type Reminder = {
  readonly kind: 'ACTION_DUE' | 'ACTION_OVERDUE';
  readonly actionId: string;
  readonly area: AreaId;
  readonly dueBy: string;
  readonly at: string;
};

/** The reminders of the meeting's open actions, each at the start of a working day of its owner area. */
export function remindersOf(meeting: StoredMeeting, deps: Pick<MeetingNoticeDeps, 'areas' | 'calendars'>): Reminder[] {
  if (meeting.status !== 'HELD') return [];
  return meeting.actions.flatMap((action) => {
    if (action.status !== 'OPEN' || !deps.areas.has(action.ownerArea)) return [];
    const calendar = deps.calendars.for(deps.areas.get(action.ownerArea)?.jurisdiction);
    const hours = new WorkingTime(calendar, deps.areas.workingHoursFor(action.ownerArea));
    // Midnight UTC of a date is before any area's opening time on it, in GMT and in BST alike.
    const opening = (date: string) => hours.nextWorkingMoment(new Date(`${date}T00:00:00Z`));
    const step = (date: string, days: number) => new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
    let before = step(action.dueBy, -1);
    for (let i = 0; i < 14 && !calendar.isWorkingDay(before); i += 1) before = step(before, -1);
    const dueDay = opening(before);
    const overdue = opening(step(action.dueBy, 1));
    const base = { actionId: action.actionId, area: action.ownerArea, dueBy: action.dueBy };
    return [
      { ...base, kind: 'ACTION_DUE' as const, at: dueDay.toISOString() },
      { ...base, kind: 'ACTION_OVERDUE' as const, at: overdue.toISOString() },
    ];
  });
}

/** When the meeting's next notice is due: its oldest pending notice, or its next reminder not yet sent. */
export function noticesDueAt(meeting: StoredMeeting, deps: Pick<MeetingNoticeDeps, 'areas' | 'calendars'>): string | undefined {
  const pending = (meeting.notices?.pending ?? []).map((notice) => notice.at);
  const through = meeting.notices?.remindedThrough ?? meeting.record?.recordedAt ?? '';
  const reminders = remindersOf(meeting, deps)
    .map((reminder) => reminder.at)
    .filter((at) => at > through);
  return [...pending, ...reminders].sort()[0];
}

/** The meeting with `notice` pending (and its place in the index set). */
export function withNotice(
  meeting: StoredMeeting,
  notice: MeetingNotice | undefined,
  deps: Pick<MeetingNoticeDeps, 'areas' | 'calendars'>,
): StoredMeeting {
  const pending = [...(meeting.notices?.pending ?? []), ...(notice === undefined ? [] : [notice])];
  const notices = { ...meeting.notices, pending };
  const next = { ...meeting, notices };
  const dueAt = noticesDueAt(next, deps);
  return { ...next, notices: { ...notices, ...(dueAt === undefined ? { dueAt: undefined } : { dueAt }) } };
}

export type MeetingSweepResult = { readonly meetingsDue: number; readonly meetingNotices: number; readonly meetingsFailed: number };

/**
 * Records every notice and reminder due now, for every meeting the index says has one. One meeting's
 * failure (the queue down, a conflicting change) leaves it due for the next run; the others go on.
 */
export async function sweepMeetingNotices(
  deps: MeetingNoticeDeps,
  onFailure: (error: unknown) => void = () => undefined,
): Promise<MeetingSweepResult> {
  const now = deps.clock.now().toISOString();
  let meetingsDue = 0;
  let meetingNotices = 0;
  let meetingsFailed = 0;
  let cursor: string | undefined;
  for (let page = 0; page < 50; page += 1) {
    const found = await deps.meetings.dueMeetings(now, 100, cursor);
    meetingsDue += found.items.length;
    for (const meeting of found.items) {
      try {
        meetingNotices += await sendDue(deps, meeting, now);
      } catch (error) {
        meetingsFailed += 1;
        onFailure(error);
      }
    }
    cursor = found.nextCursor;
    if (cursor === undefined) break;
  }
  return { meetingsDue, meetingNotices, meetingsFailed };
}

async function sendDue(deps: MeetingNoticeDeps, meeting: StoredMeeting, now: string): Promise<number> {
  const pending = (meeting.notices?.pending ?? []).filter((notice) => notice.at <= now);
  const through = meeting.notices?.remindedThrough ?? meeting.record?.recordedAt ?? '';
  const reminders = remindersOf(meeting, deps).filter((reminder) => reminder.at > through && reminder.at <= now);
  for (const notice of pending) {
    const intents = noticeIntents(meeting, notice, deps);
    await deps.audit.recordSystem({
      eventId: uuidFrom(`notice:${notice.noticeId}`),
      occurredAt: notice.at,
      requestId: `notice:${meeting.meetingId}`,
      action: 'MEETING_NOTIFY',
      meetingId: meeting.meetingId,
      detail: { notice: notice.kind, to: notice.to.join(' ') },
    });
    await deps.notifications.enqueue(intents);
  }
  for (const reminder of reminders) {
    await deps.audit.recordSystem({
      eventId: uuidFrom(`reminder:${meeting.meetingId}:${reminder.actionId}:${reminder.kind}:${reminder.dueBy}`),
      occurredAt: reminder.at,
      requestId: `notice:${meeting.meetingId}`,
      action: 'MEETING_NOTIFY',
      meetingId: meeting.meetingId,
      detail: { notice: reminder.kind, to: reminder.area, actionId: reminder.actionId },
    });
    await deps.notifications.enqueue(reminderIntents(meeting, reminder, deps));
  }
  const rest = (meeting.notices?.pending ?? []).filter((notice) => notice.at > now);
  const cleared: StoredMeeting = { ...meeting, notices: { pending: rest, remindedThrough: now } };
  const dueAt = noticesDueAt(cleared, deps);
  // On the version read: a change made since keeps what it read, and the next run sends it again (the
  // same intents, which the sender sends once).
  await deps.meetings.updateNotices(meeting, { pending: rest, remindedThrough: now, ...(dueAt === undefined ? {} : { dueAt }) });
  return pending.length + reminders.length;
}

const NOTICE_TEMPLATES: Readonly<Record<MeetingNotice['kind'], TemplateName>> = {
  REQUESTED: 'MEETING_REQUESTED',
  ANSWERED: 'MEETING_ANSWERED',
  SCHEDULED: 'MEETING_SCHEDULED',
  CANCELLED: 'MEETING_CANCELLED',
};

function noticeIntents(meeting: StoredMeeting, notice: MeetingNotice, deps: Pick<MeetingNoticeDeps, 'areas'>): NotificationIntent[] {
  const from = deps.areas.get(notice.from);
  const start = scheduledSlotOf(meeting)?.start;
  return notice.to.flatMap((areaId) => {
    const area = deps.areas.get(areaId);
    if (area === undefined || from === undefined) return [];
    return [
      {
        intentId: uuidFrom(`notify:${notice.noticeId}:${areaId}`),
        template: NOTICE_TEMPLATES[notice.kind],
        to: area.msetMailbox,
        recipient: 'MSET_MAILBOX' as const,
        recipientArea: areaId,
        subject: { type: 'meeting' as const, meetingId: meeting.meetingId },
        personalisation: {
          from_area: from.name,
          to_area: area.name,
          reference: meetingReference(meeting.meetingId),
          ...(notice.outcome === undefined ? {} : { outcome: notice.outcome }),
          ...(start === undefined ? {} : { when: londonDateTime(start) }),
        },
        path: `/meetings/${meeting.meetingId}`,
        recordedAt: notice.at,
      },
    ];
  });
}

function reminderIntents(meeting: StoredMeeting, reminder: Reminder, deps: Pick<MeetingNoticeDeps, 'areas'>): NotificationIntent[] {
  const area = deps.areas.get(reminder.area);
  if (area === undefined) return [];
  const [year, month, day] = reminder.dueBy.split('-').map(Number) as [number, number, number];
  const dueWords = new Date(Date.UTC(year, month - 1, day)).toLocaleDateString('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  return [
    {
      intentId: uuidFrom(`notify:reminder:${meeting.meetingId}:${reminder.actionId}:${reminder.kind}:${reminder.dueBy}`),
      template: reminder.kind,
      to: area.msetMailbox,
      recipient: 'MSET_MAILBOX',
      recipientArea: reminder.area,
      subject: { type: 'action', meetingId: meeting.meetingId, actionId: reminder.actionId },
      personalisation: { to_area: area.name, when: `on ${dueWords}`, reference: meetingReference(meeting.meetingId) },
      path: `/meetings/${meeting.meetingId}`,
      onlyWhile: 'ACTION_OPEN',
      recordedAt: reminder.at,
    },
  ];
}
