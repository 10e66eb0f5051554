/**
 * An MSET chair or coordinator asks other areas to a case-focussed cross-boundary meeting about a child,
 * proposing slots. The alerts it links must be ones the requesting area sent or received; linking them
 * shares nothing with an invited area that did not already have them.
 */
import { addYears } from 'date-fns/addYears';
import type { RequestMeetingRequest, RequestMeetingResponse } from '../../../contracts/meetings.js';
import type { RequestContext } from '../audit.js';
import type { AnswerKeeper, ClaimHooks } from '../creations.js';
import { ClaimHeldError, ConflictError, type FieldIssue, ValidationError } from '../errors.js';
import { readBack } from '../read-back.js';
import { resourceIdFor } from '../request-ids.js';
import { personOf } from './access.js';
import { PARTS, type RequestText, sealFor } from './content.js';
import type { MeetingDeps } from './deps.js';
import { noticeOf, withNotice } from './notices.js';
import { hasMeetingRight } from './permissions.js';
import type { StoredMeeting } from './ports.js';
import { mayLinkAlert } from './visibility.js';

/**
 * How long a meeting (the child's identity, the decisions, the actions) is kept: long enough to see a
 * plan through and review it, and then no longer. A partnership's retention schedule may set another.
 */
export const MEETING_RETENTION_YEARS = 2;

/**
 * `keepAnswer`, under an Idempotency-Key: remembers the answer for replays beside the parts. The key may
 * still be being claimed (`context.claimed`): the store writes no part of the meeting before it is ours.
 */
export async function requestMeeting(
  deps: Pick<MeetingDeps, 'meetings' | 'alerts' | 'audit' | 'keys' | 'clock' | 'ids' | 'areas' | 'calendars'>,
  context: RequestContext,
  request: RequestMeetingRequest,
  keepAnswer?: AnswerKeeper<RequestMeetingResponse>,
): Promise<RequestMeetingResponse> {
  const { caller } = context;
  if (!hasMeetingRight(caller, 'organise')) {
    // Under a key still being claimed, a refusal goes on record only once the claim is this request's: a
    // racing request with the key, or a retry that takes the claim over, would otherwise put it there twice.
    await context.claimed;
    return deps.audit.forbidden(context, 'MEETING_REQUEST', 'Your role may not request meetings');
  }
  // A retry under the same claim names the same meeting: if an earlier try committed it, answer as it would
  // have, before anything that may have changed since (a slot now past) can refuse the retry.
  const meetingId = resourceIdFor(context.claim, deps.ids, 'meeting');
  // (A fresh claim's id is new: nothing can be committed under it, and the store's own check covers the rest.)
  if (context.claim !== undefined && context.claimIsNew !== true) {
    const committed = await replayOf(deps, meetingId, context);
    if (committed !== undefined) {
      await deps.audit.replayed(context, 'MEETING_REQUEST', { meetingId });
      return committed;
    }
  }
  const now = deps.clock.now();
  await validate(deps, context, request, now);
  const facts = {
    meetingId,
    version: 1,
    requestingArea: caller.area,
    invitedAreas: request.invitedAreas,
    status: 'REQUESTED' as const,
    format: request.format,
    createdAt: now.toISOString(),
    expiresAt: addYears(now, MEETING_RETENTION_YEARS).toISOString(),
    createdBy: personOf(context),
    alertIds: request.alertIds ?? [],
    slots: request.proposedSlots.map((slot, index) => ({
      slotId: `slot-${index + 1}`,
      start: new Date(slot.start).toISOString(),
      durationMinutes: slot.durationMinutes,
      proposedBy: caller.area,
    })),
    responses: {},
    actions: [],
  };
  // Sealed under the meeting's one data key (everything it will hold is sealed under keys derived from it)
  // while the store writes the creation's intent and the audit trail takes its SUCCESS: the store awaits it
  // before it writes the meeting; abandoned with the creation, never an unhandled rejection.
  const sealing = sealFor(deps.keys, { meetingId, requestingArea: caller.area }, (seal) => ({
    subject: seal(PARTS.subject, request.subject),
    request: seal(PARTS.request, { reason: request.reason, agenda: request.agenda } satisfies RequestText),
  })).then(({ keyring, sealed }): StoredMeeting => {
    const requested: StoredMeeting = { ...facts, keyring, subject: sealed.subject, request: sealed.request };
    // Its invitation goes with it: due once the meeting is committed (./notices.ts).
    return withNotice(requested, noticeOf('REQUESTED', requested, meetingId, requested.createdAt, caller.area), deps);
  });
  sealing.catch(() => undefined);

  const detail = { invited: request.invitedAreas.join(' ') };
  const receipt = receiptOf(facts);
  const claim: ClaimHooks = {
    ...(context.claimed === undefined ? {} : { claimed: context.claimed }),
    ...(context.claim === undefined || context.claimIsNew === true ? { idIsFresh: true as const } : {}),
    ...(keepAnswer === undefined ? {} : { answerWithCommit: (proof) => keepAnswer(receipt, proof) }),
  };
  let replayed: RequestMeetingResponse | undefined;
  await deps.audit.recordCreation(context, 'MEETING_REQUEST', { meetingId }, detail, async (record, putOnRecord) => {
    let outcome: 'CREATED' | 'EXISTS';
    try {
      outcome = await deps.meetings.createWhileSealing(facts, sealing, record, putOnRecord, claim);
    } catch (error) {
      // The key was another try's: nothing of the meeting was written, and nothing put on record.
      if (error instanceof ClaimHeldError) throw error;
      // The commit may have happened though its answer was lost: only what is not stored is corrected.
      if ((await readBack(() => deps.meetings.get(meetingId), error))?.createdAt === facts.createdAt) return;
      throw error;
    }
    if (outcome === 'CREATED') return;
    // Committed by an earlier try of this claim; thrown inside, so that anything else is corrected on record.
    replayed = await replayOf(deps, meetingId, context);
    if (replayed === undefined) {
      // The id names another's meeting: a refusal, on record like every other.
      await deps.audit.record(context, 'MEETING_REQUEST', 'CONFLICT', { meetingId });
      throw new ConflictError('The meeting could not be requested; send it again with a new Idempotency-Key');
    }
    await deps.audit.replayed(context, 'MEETING_REQUEST', { meetingId });
  });
  return replayed ?? receipt;
}

function receiptOf(meeting: Pick<StoredMeeting, 'meetingId' | 'slots'>): RequestMeetingResponse {
  return {
    meetingId: meeting.meetingId,
    status: 'REQUESTED',
    slots: meeting.slots.map(({ slotId, start, durationMinutes }) => ({ slotId, start, durationMinutes })),
  };
}

/** The receipt of a meeting this caller's claim already committed, as it was when requested. */
async function replayOf(
  deps: Pick<MeetingDeps, 'meetings'>,
  meetingId: string,
  context: RequestContext,
): Promise<RequestMeetingResponse | undefined> {
  const meeting = await deps.meetings.get(meetingId);
  if (meeting === undefined || meeting.requestingArea !== context.caller.area || meeting.createdBy.sub !== context.caller.sub)
    return undefined;
  // Only the slots it proposed: those other areas proposed since are not what the request answered.
  return receiptOf({ ...meeting, slots: meeting.slots.filter((slot) => slot.proposedBy === meeting.requestingArea) });
}

async function validate(
  deps: Pick<MeetingDeps, 'alerts' | 'areas'>,
  context: RequestContext,
  request: RequestMeetingRequest,
  now: Date,
): Promise<void> {
  const issues: FieldIssue[] = [];
  request.invitedAreas.forEach((area, index) => {
    if (!deps.areas.has(area)) issues.push({ path: `invitedAreas.${index}`, message: 'not an area in the directory' });
    if (area === context.caller.area) issues.push({ path: `invitedAreas.${index}`, message: 'an area cannot invite itself' });
  });
  request.proposedSlots.forEach((slot, index) => {
    if (new Date(slot.start) <= now) issues.push({ path: `proposedSlots.${index}.start`, message: 'must be in the future' });
  });
  const alertIds = request.alertIds ?? [];
  const visible = await Promise.all(alertIds.map((alertId) => mayLinkAlert(deps.alerts, alertId, context.caller.area, now)));
  visible.forEach((ok, index) => {
    // The same words for "no such alert" and "not your area's": a meeting request is no existence probe.
    if (!ok) issues.push({ path: `alertIds.${index}`, message: 'not an alert your area sent or received' });
  });
  if (issues.length > 0) throw new ValidationError('The meeting request cannot be made as it stands', issues);
}
