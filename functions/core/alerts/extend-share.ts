/**
 * The sending area keeps a share going past its end of life, as SIS asks of an alert's issuer: to at most
 * two years from the alert's creation, with a recorded justification (sealed: it may name the child). The
 * expiry warnings are re-armed for the new end, and the alert (the sending area's own copy) is kept at
 * least as long as its longest share. A share that has ended cannot be extended: its copy is gone.
 */
// By path: the date-fns barrel costs seconds to load, on every cold start.
import { addYears } from 'date-fns/addYears';
import type { ExtensionReceipt, ExtensionRequest } from '../../../contracts/alerts.js';
import type { AreaId } from '../../../contracts/identity.js';
import type { RequestContext } from '../audit.js';
import { ConflictError, ValidationError } from '../errors.js';
import type { OpenKeyring } from '../sealing.js';
import { isHeld, senderOnly } from './access.js';
import { actorOf, correct, type ShareLifeDeps, senderReader } from './forward-alert.js';
import { nextStep } from './ladder.js';
import type { ShareExtension, ShareLadder, StoredShare } from './ports.js';
import { NOTE, sealNote, withKeyrings } from './share-content.js';

const ACTION = 'ALERT_SHARE_EXTEND';
/** As create-alert's limit: a share lasts at most two years from the alert's creation. */
const MAX_SHARE_YEARS = 2;

export async function extendShare(
  deps: Omit<ShareLifeDeps, 'notifications'>,
  context: RequestContext,
  alertId: string,
  area: AreaId | undefined,
  request: ExtensionRequest,
): Promise<ExtensionReceipt> {
  const { alert, shares } = await senderOnly(deps, context, ACTION, alertId);
  const share = shares.find((candidate) => candidate.recipientArea === area);
  if (share === undefined || area === undefined) return deps.audit.notFound(context, ACTION, alertId);
  const changeId = deps.audit.changeIdFor(context, ACTION);
  const mine = share.extensions?.find((extension) => extension.changeId === changeId);
  if (context.claim !== undefined && mine !== undefined) {
    await deps.audit.replayed(context, ACTION, { alertId });
    return receiptOf(alertId, area, mine);
  }
  const now = deps.clock.now();
  if (!isHeld(share, now)) {
    await deps.audit.record(context, ACTION, 'CONFLICT', { alertId, detail: { area } });
    throw new ConflictError('This share has ended: its content is destroyed, so it cannot be extended');
  }
  const to = new Date(request.expiresAt).toISOString();
  const latest = addYears(new Date(alert.createdAt), MAX_SHARE_YEARS).toISOString();
  if (to <= share.expiresAt) {
    throw new ValidationError('Not an extension', [{ path: 'expiresAt', message: "must be after the share's current end" }]);
  }
  if (to > latest) {
    throw new ValidationError('Too long', [
      { path: 'expiresAt', message: `must be no later than ${latest}, two years from the alert's creation` },
    ]);
  }
  const eventId = deps.audit.eventIdFor(context, ACTION);
  // The justification is the sending area's record: sealed under its keyring (one Decrypt), beside the record.
  const [sealed, recorded] = await Promise.allSettled([
    withKeyrings(deps.keys, [senderReader(alert)], ([sender]) =>
      sealNote(sender as OpenKeyring, NOTE.extension(area, eventId), request.justification),
    ),
    deps.audit.recordChange(context, ACTION, { alertId, eventId, detail: { area, previousExpiresAt: share.expiresAt, expiresAt: to } }),
  ]);
  if (recorded.status === 'rejected') throw recorded.reason;
  if (sealed.status === 'rejected') {
    await correct(deps, context, alertId, 'FAILED', eventId, sealed.reason, ACTION);
    throw sealed.reason;
  }
  const extension: ShareExtension = {
    at: now.toISOString(),
    by: actorOf(context),
    from: share.expiresAt,
    to,
    justification: sealed.value,
    eventId,
    changeId,
  };
  try {
    if ((await deps.alerts.extendShare(share, extension, rearmed(deps, share, to, now))) === 'CONFLICT') {
      throw new ConflictError('The share changed meanwhile; look at it again and retry');
    }
  } catch (error) {
    await correct(deps, context, alertId, error instanceof ConflictError ? 'CONFLICT' : 'FAILED', eventId, error, ACTION);
    throw error;
  }
  return receiptOf(alertId, area, extension);
}

/** The ladder with its next step for the new end: the expiry warnings count again from it. */
function rearmed(deps: Pick<ShareLifeDeps, 'areas' | 'calendars'>, share: StoredShare, to: string, now: Date): ShareLadder {
  const ladder = share.ladder ?? { version: 0, steps: [] };
  const next = nextStep({ ...share, expiresAt: to, ladder }, now, deps);
  const { dueAt: _old, ...rest } = ladder;
  return { ...rest, version: ladder.version + 1, ...(next === undefined ? {} : { dueAt: next.dueAt }) };
}

function receiptOf(alertId: string, area: AreaId, extension: ShareExtension): ExtensionReceipt {
  return { alertId, area, from: extension.from, expiresAt: extension.to, extendedAt: extension.at };
}
