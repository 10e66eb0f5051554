/**
 * The receiving MSET confirms it has the alert and says what happens next. Once per share: the
 * conditional write lets exactly one of any number of concurrent acknowledgements win.
 */
import type { AcknowledgementReceipt, AcknowledgeRequest } from '../../../contracts/alerts.js';
import type { RequestContext } from '../audit.js';
import { CompensationFailedError, ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { readBack } from '../read-back.js';
import { resolveAccess } from './access.js';
import { sealAcknowledgementNote } from './content.js';
import type { AlertDeps } from './deps.js';
import { hasRight } from './permissions.js';
import type { StoredAcknowledgement } from './ports.js';

export async function acknowledgeAlert(
  deps: Pick<AlertDeps, 'alerts' | 'audit' | 'keys' | 'clock' | 'ids' | 'areas'>,
  context: RequestContext,
  alertId: string,
  request: AcknowledgeRequest,
): Promise<AcknowledgementReceipt> {
  const { caller } = context;
  const access = await resolveAccess(deps, context, 'ALERT_ACKNOWLEDGE', alertId);
  if (access.side === 'sender') {
    return deps.audit.forbidden(context, 'ALERT_ACKNOWLEDGE', 'Only a receiving area acknowledges an alert', alertId);
  }
  const { share } = access;
  // A retry under the same claim finds its own acknowledgement if an earlier try stored it and its answer
  // was lost: it gets that answer before anything that may have changed since (roles, the directory).
  const eventId = deps.audit.eventIdFor(context, 'ALERT_ACKNOWLEDGE');
  const changeId = context.claim === undefined ? undefined : deps.audit.changeIdFor(context, 'ALERT_ACKNOWLEDGE');
  const ours = (stored: StoredAcknowledgement | undefined): stored is StoredAcknowledgement =>
    changeId !== undefined && stored?.changeId === changeId;
  if (ours(share.acknowledgement)) return replay(deps, context, alertId, share.acknowledgement);
  if (!hasRight(caller, 'acknowledge')) {
    return deps.audit.forbidden(context, 'ALERT_ACKNOWLEDGE', 'Your role may not acknowledge alerts', alertId);
  }
  if (request.redirectTo !== undefined) {
    if (!deps.areas.has(request.redirectTo)) {
      throw new ValidationError('Unknown area', [{ path: 'redirectTo', message: 'not an area in the directory' }]);
    }
    if (request.redirectTo === caller.area || request.redirectTo === access.alert.senderArea) {
      throw new ValidationError('Cannot redirect there', [
        { path: 'redirectTo', message: 'must be an area other than yours and the sender' },
      ]);
    }
  }
  if (share.status === 'ACKNOWLEDGED') return conflict(deps, context, alertId);

  const now = deps.clock.now().toISOString();
  const acknowledgement: StoredAcknowledgement = {
    outcome: request.outcome,
    acknowledgedAt: now,
    by: { sub: caller.sub, name: caller.name, agency: caller.agency, area: caller.area },
    ...(request.redirectTo === undefined ? {} : { redirectTo: request.redirectTo }),
    ...(request.note === undefined ? {} : { note: await sealAcknowledgementNote(deps.keys, share, request.note) }),
    eventId,
    ...(changeId === undefined ? {} : { changeId }),
  };
  // On record before it is stored, as every change is: a crash between the two leaves the record ahead
  // of the store, which a retry under the same claim completes, never a change nobody recorded.
  await deps.audit.recordChange(context, 'ALERT_ACKNOWLEDGE', {
    alertId,
    eventId,
    detail: { outcome: request.outcome, ...(request.redirectTo === undefined ? {} : { redirectTo: request.redirectTo }) },
  });
  let result: Awaited<ReturnType<AlertDeps['alerts']['acknowledge']>>;
  try {
    result = await deps.alerts.acknowledge(alertId, caller.area, acknowledgement, now);
  } catch (error) {
    // The write may have happened though its answer was lost: only what is not stored is corrected.
    const current = await readBack(() => deps.alerts.getShare(alertId, caller.area), error);
    if (current?.acknowledgement?.eventId === eventId) return receiptOf(alertId, current.acknowledgement);
    await correct(deps, context, alertId, 'FAILED', eventId, error);
    throw error;
  }
  if (result === 'ALREADY_ACKNOWLEDGED') {
    // Ours (an SDK retry of our applied write), or another's: until it is read, nobody may say which.
    const current = await readBack(() => deps.alerts.getShare(alertId, caller.area), 'already acknowledged');
    if (current?.acknowledgement?.eventId === eventId) return receiptOf(alertId, current.acknowledgement);
    if (ours(current?.acknowledgement)) return replay(deps, context, alertId, current.acknowledgement);
    await correct(deps, context, alertId, 'CONFLICT', eventId);
    throw new ConflictError('This share has already been acknowledged');
  }
  if (result === 'GONE') {
    await correct(deps, context, alertId, 'NOT_FOUND', eventId);
    throw new NotFoundError('No such alert');
  }
  return receiptOf(alertId, acknowledgement);
}

async function replay(
  deps: Pick<AlertDeps, 'audit'>,
  context: RequestContext,
  alertId: string,
  acknowledgement: StoredAcknowledgement,
): Promise<AcknowledgementReceipt> {
  await deps.audit.replayed(context, 'ALERT_ACKNOWLEDGE', { alertId });
  return receiptOf(alertId, acknowledgement);
}

function receiptOf(alertId: string, acknowledgement: StoredAcknowledgement): AcknowledgementReceipt {
  return {
    alertId,
    area: acknowledgement.by.area,
    outcome: acknowledgement.outcome,
    acknowledgedAt: acknowledgement.acknowledgedAt,
    ...(acknowledgement.redirectTo === undefined ? {} : { redirectTo: acknowledgement.redirectTo }),
  };
}

/** Corrects the SUCCESS already on record when the acknowledgement was not stored after all. */
async function correct(
  deps: Pick<AlertDeps, 'audit'>,
  context: RequestContext,
  alertId: string,
  outcome: 'FAILED' | 'CONFLICT' | 'NOT_FOUND',
  corrects: string,
  original?: unknown,
): Promise<void> {
  try {
    await deps.audit.correct(context, 'ALERT_ACKNOWLEDGE', outcome, { alertId }, corrects);
  } catch (correction) {
    throw new CompensationFailedError(original ?? new ConflictError('not acknowledged'), alertId, correction);
  }
}

async function conflict(deps: Pick<AlertDeps, 'audit'>, context: RequestContext, alertId: string): Promise<never> {
  await deps.audit.record(context, 'ALERT_ACKNOWLEDGE', 'CONFLICT', { alertId });
  throw new ConflictError('This share has already been acknowledged');
}
