/**
 * The ladder: what the hub tells whom about a share, and when, so that nobody misses an alert.
 *
 * - SHARED: the receiving MSET mailbox, at once.
 * - REMINDER: the same mailbox, at 75% of the acknowledgement window, while the share is unacknowledged.
 * - OVERDUE: at the deadline, the receiving area's duty manager and the sending MSET mailbox; for a
 *   SIGNIFICANT alert out of the receiving area's hours the sender is told to telephone its out-of-hours
 *   number (an emergency duty team is not a message service).
 * - ACKNOWLEDGED or REDIRECTED: the sending MSET mailbox, once the share is acknowledged. An
 *   acknowledgement stops the ladder: no reminder or escalation is taken after it.
 *
 * MODERATE and EMERGING steps fall in the receiving area's working time (its hours on its working days);
 * SIGNIFICANT ones go around the clock, and so does the acknowledgement notice. Where a step is late (the
 * hub was down, or an upgrade started the ladder on an old share) and a later step is also due, a reminder
 * is not sent once the escalation is due.
 *
 * Each step is taken once, whoever runs it and however often: a conditional write on the share claims it
 * (the ladder's version and the share's status as they were read), then the step is put on record with the
 * system as the actor and its notification intents are recorded, both under ids derived from the share and
 * the step (so a second recording is the same event and the same intents, which the sender sends once),
 * then a second conditional write marks it taken and sets the next step's time, which is what the index of
 * pending shares orders by. A run cut off between the two writes leaves the step claimed and due at once,
 * and the next run finishes it with the same ids and the same time.
 */
import type { NotificationIntent, RecipientRole, TemplateName } from '../../../contracts/notifications.js';
import type { AreaDirectory } from '../areas.js';
import type { AuditRecorder } from '../audit.js';
import { LONDON, type WorkingCalendars } from '../deadlines.js';
import type { NotificationQueue } from '../notifications/ports.js';
import type { Clock } from '../ports.js';
import { uuidFrom } from '../request-ids.js';
import { WorkingTime } from '../working-hours.js';
import type { AlertRepository, LadderStep, ShareLadder, StoredShare, TakenStep } from './ports.js';

export type LadderDeps = {
  readonly alerts: Pick<AlertRepository, 'getShare' | 'updateLadder' | 'endShare' | 'endAlertContent'>;
  readonly notifications: NotificationQueue;
  readonly audit: AuditRecorder;
  readonly areas: AreaDirectory;
  readonly calendars: WorkingCalendars;
  readonly clock: Clock;
};

/** Steps taken on one share in one visit: at most every step there is, then the share waits for its time. */
const MAX_STEPS_PER_VISIT = 4;
const REMINDER_AT = 0.75;

/** A short reference that means nothing outside the hub, for people to match a message to a page. */
export function alertReference(alertId: string): string {
  return `A-${alertId.slice(0, 8).toUpperCase()}`;
}

/** The recipient area's working time. */
function workingTimeOf(deps: Pick<LadderDeps, 'areas' | 'calendars'>, area: string): WorkingTime {
  return new WorkingTime(deps.calendars.for(deps.areas.get(area)?.jurisdiction), deps.areas.workingHoursFor(area));
}

/** When each of the pending ladder's steps is due, for this share. */
export function scheduleOf(
  share: Pick<StoredShare, 'createdAt' | 'ackDueBy' | 'riskLevel' | 'recipientArea'>,
  deps: Pick<LadderDeps, 'areas' | 'calendars'>,
): Readonly<Record<'SHARED' | 'REMINDER' | 'OVERDUE', string>> {
  const created = new Date(share.createdAt);
  const due = new Date(share.ackDueBy);
  if (share.riskLevel === 'SIGNIFICANT') {
    const reminder = new Date(created.getTime() + REMINDER_AT * (due.getTime() - created.getTime()));
    return { SHARED: created.toISOString(), REMINDER: reminder.toISOString(), OVERDUE: due.toISOString() };
  }
  const hours = workingTimeOf(deps, share.recipientArea);
  const reminder = hours.addWorkingMs(created, REMINDER_AT * hours.workingMsBetween(created, due));
  return {
    SHARED: hours.nextWorkingMoment(created).toISOString(),
    REMINDER: reminder.toISOString(),
    OVERDUE: hours.nextWorkingMoment(due).toISOString(),
  };
}

/** A new share's ladder: nothing taken, its first step due when the schedule says. */
export function startLadder(
  share: Pick<StoredShare, 'createdAt' | 'ackDueBy' | 'riskLevel' | 'recipientArea'>,
  deps: Pick<LadderDeps, 'areas' | 'calendars'>,
): ShareLadder {
  return { version: 0, steps: [], dueAt: scheduleOf(share, deps).SHARED };
}

export type NextStep = { readonly step: LadderStep; readonly dueAt: string };

/** The step the share's ladder takes next, and when; none once it is over (the share has ended). */
export function nextStep(share: StoredShare, now: Date, deps: Pick<LadderDeps, 'areas' | 'calendars'>): NextStep | undefined {
  if (share.ended !== undefined) return undefined;
  const ladder = share.ladder ?? { version: 0, steps: [] };
  const last = ladder.steps.at(-1);
  // Claimed and not marked taken: a run was cut off part-way; it is finished first, with its own time.
  if (last?.state === 'TAKING') return { step: last.step, dueAt: last.at };
  const acknowledgement = nextAcknowledgementStep(share, ladder, now, deps);
  const expiry = nextExpiryStep(share, ladder, now);
  if (acknowledgement === undefined) return expiry;
  return acknowledgement.dueAt <= expiry.dueAt ? acknowledgement : expiry;
}

/** The acknowledgement's steps: the notice, the reminder, the escalation, the notice of the answer. */
function nextAcknowledgementStep(
  share: StoredShare,
  ladder: ShareLadder,
  now: Date,
  deps: Pick<LadderDeps, 'areas' | 'calendars'>,
): NextStep | undefined {
  const taken = new Set(ladder.steps.map((step) => step.step));
  if (share.status === 'ACKNOWLEDGED') {
    const ack = share.acknowledgement;
    if (ack === undefined || taken.has('ACKNOWLEDGED') || taken.has('REDIRECTED')) return undefined;
    return { step: ack.outcome === 'REDIRECTED' ? 'REDIRECTED' : 'ACKNOWLEDGED', dueAt: ack.acknowledgedAt };
  }
  if (share.expiresAt <= now.toISOString()) return undefined;
  const schedule = scheduleOf(share, deps);
  if (!taken.has('SHARED')) return { step: 'SHARED', dueAt: schedule.SHARED };
  if (taken.has('OVERDUE')) return undefined;
  // A reminder once the escalation is due would only be noise before it.
  if (!taken.has('REMINDER') && schedule.OVERDUE > now.toISOString()) return { step: 'REMINDER', dueAt: schedule.REMINDER };
  return { step: 'OVERDUE', dueAt: schedule.OVERDUE };
}

const DAY_MS = 24 * 60 * 60 * 1000;
export const EXPIRY_WARNING_DAYS = { EXPIRY_WARNING_30: 30, EXPIRY_WARNING_7: 7 } as const;

/**
 * The share's end: the sending area warned 30 and 7 days before (each once per end of life, so an
 * extension re-arms them), then the EXPIRED step destroys the share's copy. A warning that would fall
 * before the share was made is not sent (a share made to last three weeks is warned once, at 7 days), nor
 * the 30-day warning once the 7-day one is due.
 */
export function nextExpiryStep(share: StoredShare, ladder: ShareLadder, now: Date): NextStep {
  const end = Date.parse(share.expiresAt);
  const warned = new Set(ladder.steps.filter((step) => step.for === share.expiresAt).map((step) => step.step));
  const created = Date.parse(share.createdAt);
  const at = (days: number) => end - days * DAY_MS;
  if (!warned.has('EXPIRY_WARNING_30') && !warned.has('EXPIRY_WARNING_7') && at(30) >= created && now.getTime() < at(7)) {
    return { step: 'EXPIRY_WARNING_30', dueAt: new Date(at(30)).toISOString() };
  }
  if (!warned.has('EXPIRY_WARNING_7') && at(7) >= created && now.getTime() < end) {
    return { step: 'EXPIRY_WARNING_7', dueAt: new Date(at(7)).toISOString() };
  }
  return { step: 'EXPIRED', dueAt: share.expiresAt };
}

/** How near the share is to its end, as the sending area's view shows it. */
export function expiryWarningOf(
  share: { readonly ended?: unknown; readonly expiresAt: string },
  now: Date,
  // A list asks once per share: the caller that has the time as text already passes it.
  nowIso = now.toISOString(),
): 'NONE' | 'DUE_IN_30_DAYS' | 'DUE_IN_7_DAYS' | 'ENDED' {
  if (share.ended !== undefined || share.expiresAt <= nowIso) return 'ENDED';
  const left = Date.parse(share.expiresAt) - now.getTime();
  if (left <= 7 * DAY_MS) return 'DUE_IN_7_DAYS';
  if (left <= 30 * DAY_MS) return 'DUE_IN_30_DAYS';
  return 'NONE';
}

export type VisitResult = { readonly taken: number; readonly conflicts: number };

/**
 * Takes every step of this share's ladder that is due at `now`, each exactly once however many runs visit
 * the share at the same time, and leaves the share in the index at its next step's time (or out of it).
 */
export async function takeDueSteps(deps: LadderDeps, found: StoredShare): Promise<VisitResult> {
  let share: StoredShare | undefined = found;
  let taken = 0;
  let conflicts = 0;
  for (let visit = 0; visit < MAX_STEPS_PER_VISIT && share !== undefined; visit += 1) {
    const now = deps.clock.now();
    const ladder: ShareLadder = share.ladder ?? { version: 0, steps: [] };
    const next = nextStep(share, now, deps);
    if (next === undefined || next.dueAt > now.toISOString()) {
      // Not due: only the index is put right, if it says otherwise (an old share, or an acknowledgement).
      if (ladder.dueAt !== next?.dueAt) {
        const saved = await deps.alerts.updateLadder(share, {
          ...ladder,
          ...(next === undefined ? { dueAt: undefined } : { dueAt: next.dueAt }),
        });
        if (saved === 'CONFLICT') conflicts += 1;
      }
      return { taken, conflicts };
    }
    if (next.step === 'EXPIRED') {
      // The ladder's index is eventually consistent (on AWS): the share may have been extended since it was
      // found there. Its end as stored now decides; the store's end is conditional on it too (a race).
      const current = await deps.alerts.getShare(share.alertId, share.recipientArea);
      if (current !== undefined && current.ended === undefined && current.expiresAt > share.expiresAt) {
        share = current;
        continue;
      }
      await expire(deps, share, now);
      return { taken: taken + 1, conflicts };
    }
    let claimed: ShareLadder = ladder;
    let step = ladder.steps.at(-1);
    if (step?.state !== 'TAKING') {
      step = {
        ...describeStep(share, next.step, now, deps),
        at: now.toISOString(),
        state: 'TAKING',
        ...(next.step in EXPIRY_WARNING_DAYS ? { for: share.expiresAt } : {}),
      };
      claimed = { version: ladder.version + 1, steps: [...ladder.steps, step], dueAt: now.toISOString() };
      if ((await deps.alerts.updateLadder(share, claimed)) === 'CONFLICT') {
        // Another run took it, or the share changed (an acknowledgement): look again at what is stored now.
        conflicts += 1;
        share = await deps.alerts.getShare(share.alertId, share.recipientArea);
        continue;
      }
      share = { ...share, ladder: claimed };
    } else if (share.status === 'ACKNOWLEDGED' && (step.step === 'SHARED' || step.step === 'REMINDER' || step.step === 'OVERDUE')) {
      // A prompt to act (a reminder, an escalation) cut off part-way, and acknowledged since: it no longer
      // applies, so it is withdrawn rather than finished and shown as sent when nothing went.
      const withdrawn: ShareLadder = { version: ladder.version + 1, steps: ladder.steps.slice(0, -1), dueAt: now.toISOString() };
      if ((await deps.alerts.updateLadder(share, withdrawn)) === 'CONFLICT') {
        conflicts += 1;
        share = await deps.alerts.getShare(share.alertId, share.recipientArea);
        continue;
      }
      share = { ...share, ladder: withdrawn };
      continue;
    }
    await deps.audit.recordSystem({
      eventId: uuidFrom(`ladder:${share.alertId}:${share.recipientArea}:${step.step}${step.for === undefined ? '' : `:${step.for}`}`),
      occurredAt: step.at,
      requestId: `ladder:${share.alertId}:${share.recipientArea}`,
      action: 'ALERT_NOTIFY',
      alertId: share.alertId,
      detail: { step: step.step, area: share.recipientArea, to: step.to.join(' '), ...(step.telephone ? { telephone: 'yes' } : {}) },
    });
    await deps.notifications.enqueue(intentsFor(share, step, deps));
    const done: TakenStep = { ...step, state: 'TAKEN' };
    const after: StoredShare = { ...share, ladder: { ...claimed, steps: [...claimed.steps.slice(0, -1), done] } };
    const following = nextStep(after, now, deps);
    const finished: ShareLadder = {
      version: claimed.version + 1,
      steps: after.ladder?.steps ?? [],
      ...(following === undefined ? {} : { dueAt: following.dueAt }),
    };
    if ((await deps.alerts.updateLadder(share, finished)) === 'CONFLICT') {
      conflicts += 1;
      share = await deps.alerts.getShare(share.alertId, share.recipientArea);
      continue;
    }
    taken += 1;
    share = { ...share, ladder: finished };
  }
  return { taken, conflicts };
}

/**
 * The share's end of life has come: on record (the hub as the actor, one event however often a run does
 * it), then its copy destroyed and its metadata kept (the store's `endShare`, conditional, so once), and
 * the sending area's own copy too once the alert as a whole has ended.
 */
async function expire(deps: LadderDeps, share: StoredShare, now: Date): Promise<void> {
  const eventId = uuidFrom(`expire:${share.alertId}:${share.recipientArea}:${share.expiresAt}`);
  await deps.audit.recordSystem({
    eventId,
    occurredAt: share.expiresAt,
    requestId: `ladder:${share.alertId}:${share.recipientArea}`,
    action: 'ALERT_SHARE_EXPIRE',
    alertId: share.alertId,
    detail: { area: share.recipientArea, expiresAt: share.expiresAt },
  });
  // Conditional on the end read: a share extended meanwhile is NOT_DUE, and keeps its copy and the sender's.
  const ended = await deps.alerts.endShare(share.alertId, share.recipientArea, { reason: 'EXPIRED', at: share.expiresAt, eventId });
  if (ended === 'NOT_DUE') return;
  await deps.alerts.endAlertContent(share.alertId, now.toISOString());
}

/** Who a step tells, and whether the sender is to telephone. */
function describeStep(
  share: StoredShare,
  step: LadderStep,
  now: Date,
  deps: Pick<LadderDeps, 'areas' | 'calendars'>,
): Pick<TakenStep, 'step' | 'to' | 'telephone'> {
  // The person who sent the alert, too, when their token gave an address to write to.
  const sender: RecipientRole[] = share.senderEmail === undefined ? [] : ['SENDER'];
  switch (step) {
    case 'SHARED':
    case 'REMINDER':
      return { step, to: ['MSET_MAILBOX'] };
    case 'OVERDUE': {
      const outOfHours = share.riskLevel === 'SIGNIFICANT' && !workingTimeOf(deps, share.recipientArea).isWorking(now);
      return { step, to: ['DUTY_MANAGER', 'SENDING_MSET_MAILBOX', ...sender], ...(outOfHours ? { telephone: true } : {}) };
    }
    case 'ACKNOWLEDGED':
    case 'REDIRECTED':
    case 'EXPIRY_WARNING_30':
    case 'EXPIRY_WARNING_7':
      return { step, to: ['SENDING_MSET_MAILBOX', ...sender] };
    case 'EXPIRED':
      return { step, to: [] };
  }
}

const RISK_WORDS = { SIGNIFICANT: 'significant', MODERATE: 'moderate', EMERGING: 'emerging' } as const;
const OUTCOME_WORDS = { ACCEPTED: 'they accept it', ALREADY_KNOWN: 'they already know the child', REDIRECTED: 'they say it should go to' };

/**
 * Made on first use. Intl, not date-fns' format(): that one pattern brought date-fns' every formatter and its
 * en-US locale (about 20 KB) into the bundles that send messages (issue 11, cold start).
 */
let londonFormat: Intl.DateTimeFormat | undefined;

/** "14:30 on Tuesday 1 December 2026", London time: a date that reads the same whenever the message is opened. */
export function londonDateTime(iso: string): string {
  londonFormat ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: LONDON,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const { type, value } of londonFormat.formatToParts(new Date(iso))) part[type] = value;
  return `${part.hour}:${part.minute} on ${part.weekday} ${part.day} ${part.month} ${part.year}`;
}

/** The messages of a step, each with an id derived from the share, the step and who it is for. */
export function intentsFor(share: StoredShare, step: TakenStep, deps: Pick<LadderDeps, 'areas'>): NotificationIntent[] {
  const recipient = deps.areas.get(share.recipientArea);
  const sender = deps.areas.get(share.senderArea);
  if (recipient === undefined || sender === undefined) return [];
  const personalisation = {
    from_area: sender.name,
    to_area: recipient.name,
    risk_level: RISK_WORDS[share.riskLevel],
    deadline: londonDateTime(share.ackDueBy),
    reference: alertReference(share.alertId),
  };
  const intent = (template: TemplateName, role: RecipientRole, extra: Record<string, string> = {}): NotificationIntent => {
    const mailbox =
      role === 'DUTY_MANAGER'
        ? recipient.dutyManagerMailbox
        : role === 'MSET_MAILBOX'
          ? recipient.msetMailbox
          : role === 'SENDER'
            ? (share.senderEmail as string)
            : sender.msetMailbox;
    return {
      intentId: uuidFrom(
        `notify:${share.alertId}:${share.recipientArea}:${step.step}:${role}${step.for === undefined ? '' : `:${step.for}`}`,
      ),
      template,
      to: mailbox,
      recipient: role,
      recipientArea: role === 'SENDING_MSET_MAILBOX' || role === 'SENDER' ? sender.id : recipient.id,
      subject: { type: 'share', alertId: share.alertId, area: share.recipientArea },
      personalisation: { ...personalisation, ...extra },
      path: `/alerts/${share.alertId}`,
      // A notice of an acknowledgement goes whatever happens next; a prompt to act only while it applies.
      ...(step.step === 'SHARED' || step.step === 'REMINDER' || step.step === 'OVERDUE' ? { onlyWhile: 'SHARE_PENDING' as const } : {}),
      recordedAt: step.at,
    };
  };
  switch (step.step) {
    case 'SHARED':
      return [intent('ALERT_SHARED', 'MSET_MAILBOX')];
    case 'REMINDER':
      return [intent('ALERT_REMINDER', 'MSET_MAILBOX')];
    case 'OVERDUE': {
      const action =
        step.telephone === true
          ? `It is out of hours in ${recipient.name}: telephone its out-of-hours team now on ${recipient.outOfHours}. An emergency duty team is not a message service.`
          : `Contact ${recipient.name}'s MSET to make sure it is picked up; out of hours, telephone ${recipient.outOfHours}.`;
      return [
        intent('ALERT_OVERDUE_DUTY_MANAGER', 'DUTY_MANAGER'),
        intent('ALERT_OVERDUE_SENDER', 'SENDING_MSET_MAILBOX', { action }),
        ...(share.senderEmail === undefined ? [] : [intent('ALERT_OVERDUE_SENDER', 'SENDER', { action })]),
      ];
    }
    case 'ACKNOWLEDGED':
    case 'REDIRECTED': {
      const ack = share.acknowledgement;
      const outcome =
        ack?.outcome === 'REDIRECTED'
          ? `${OUTCOME_WORDS.REDIRECTED} ${deps.areas.get(ack.redirectTo ?? '')?.name ?? 'another area'}`
          : OUTCOME_WORDS[ack?.outcome ?? 'ACCEPTED'];
      return [
        intent('ALERT_ACKNOWLEDGED', 'SENDING_MSET_MAILBOX', { outcome }),
        ...(share.senderEmail === undefined ? [] : [intent('ALERT_ACKNOWLEDGED', 'SENDER', { outcome })]),
      ];
    }
    case 'EXPIRY_WARNING_30':
    case 'EXPIRY_WARNING_7': {
      const when = { when: londonDateTime(step.for ?? share.expiresAt) };
      return [
        intent('SHARE_EXPIRING', 'SENDING_MSET_MAILBOX', when),
        ...(share.senderEmail === undefined ? [] : [intent('SHARE_EXPIRING', 'SENDER', when)]),
      ];
    }
    case 'EXPIRED':
      return [];
  }
}
