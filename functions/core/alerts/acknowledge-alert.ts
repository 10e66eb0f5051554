/**
 * The receiving MSET confirms it has the alert and says what happens next. Once per share: the
 * conditional write lets exactly one of any number of concurrent acknowledgements win.
 */
import type { AcknowledgementReceipt, AcknowledgeRequest } from '../../../contracts/alerts.js';
import type { RequestContext } from '../audit.js';
import { CompensationFailedError, ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { readBack } from '../read-back.js';
import type { ReaderCopy, SealedPart } from '../sealed-box.js';
import { withKeyring } from '../sealing.js';
import { resolveAccess } from './access.js';
import { ACKNOWLEDGEMENT_PART, readerContext, sealNoteForSender } from './content.js';
import type { AlertDeps } from './deps.js';
import { hasRight } from './permissions.js';
import type { StoredAcknowledgement, StoredAlert, StoredShare } from './ports.js';

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
  const detail = { outcome: request.outcome, ...(request.redirectTo === undefined ? {} : { redirectTo: request.redirectTo }) };
  // On record before it is stored, as every change is, while the note is sealed: a crash between the
  // record and the store leaves the record ahead of the store, which a retry under the same claim
  // completes, never a change nobody recorded.
  const [sealedNotes, recorded] = await Promise.allSettled([
    request.note === undefined ? undefined : sealNotes(deps, access.alert, share, request.note),
    deps.audit.recordChange(context, 'ALERT_ACKNOWLEDGE', { alertId, eventId, detail }),
  ]);
  if (recorded.status === 'rejected') throw recorded.reason;
  if (sealedNotes.status === 'rejected') {
    await correct(deps, context, alertId, 'FAILED', eventId, sealedNotes.reason);
    throw sealedNotes.reason;
  }
  const notes = sealedNotes.value;
  const acknowledgement: StoredAcknowledgement = {
    outcome: request.outcome,
    acknowledgedAt: now,
    by: { sub: caller.sub, name: caller.name, agency: caller.agency, area: caller.area },
    ...(request.redirectTo === undefined ? {} : { redirectTo: request.redirectTo }),
    ...(notes === undefined ? {} : { noteForSender: notes.forSender }),
    eventId,
    ...(changeId === undefined ? {} : { changeId }),
  };
  let result: Awaited<ReturnType<AlertDeps['alerts']['acknowledge']>>;
  try {
    result = await deps.alerts.acknowledge(alertId, caller.area, acknowledgement, now, notes?.forRecipient);
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

/**
 * The note twice: into the recipient's own copy, and into the sender's under the sender's keyring, so each
 * opens everything it holds with one Decrypt. The sender's key is opened here only to seal this one part.
 */
async function sealNotes(
  deps: Pick<AlertDeps, 'keys'>,
  alert: StoredAlert,
  share: StoredShare & { readonly copy: ReaderCopy },
  note: string,
): Promise<{ forRecipient: SealedPart; forSender: SealedPart }> {
  const [forRecipient, forSender] = await Promise.all([
    withKeyring(deps.keys, readerContext(alert.alertId, alert.senderArea, share.recipientArea), share.copy.key, (keyring) =>
      keyring.seal(ACKNOWLEDGEMENT_PART, note),
    ),
    withKeyring(deps.keys, readerContext(alert.alertId, alert.senderArea, alert.senderArea), alert.senderCopy.key, (keyring) =>
      sealNoteForSender(keyring, share.recipientArea, note),
    ),
  ]);
  return { forRecipient, forSender };
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
