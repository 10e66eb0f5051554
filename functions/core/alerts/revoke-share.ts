/**
 * The sending area ends a share at once, with a reason. The share's sealed copy goes (and its wrapped
 * key with it), so nothing anyone keeps opens it again; every share forwarded from it ends too, and
 * those forwarded from them. Each ended area's MSET mailbox is told, without content, and from then on the
 * area is answered 404 for the alert, its access history included, exactly as one that never held it.
 * The sending area's own view and access history keep the record: who ended it, when and why.
 */
import type { RevocationReceipt, RevokeRequest } from '../../../contracts/alerts.js';
import type { AreaId } from '../../../contracts/identity.js';
import type { NotificationIntent } from '../../../contracts/notifications.js';
import type { RequestContext } from '../audit.js';
import { ConflictError, DependencyUnavailableError, OutcomeUnknownError } from '../errors.js';
import { uuidFrom } from '../request-ids.js';
import type { OpenKeyring } from '../sealing.js';
import { senderOnly } from './access.js';
import { actorOf, correct, type ShareLifeDeps, senderReader } from './forward-alert.js';
import { alertReference } from './ladder.js';
import type { ShareEnd, StoredAlert, StoredForward } from './ports.js';
import { NOTE, sealNote, withKeyrings } from './share-content.js';

const ACTION = 'ALERT_SHARE_REVOKE';

export async function revokeShare(
  deps: ShareLifeDeps,
  context: RequestContext,
  alertId: string,
  area: AreaId | undefined,
  request: RevokeRequest,
): Promise<RevocationReceipt> {
  const { alert, shares } = await senderOnly(deps, context, ACTION, alertId);
  const share = shares.find((candidate) => candidate.recipientArea === area);
  if (share === undefined || area === undefined) return deps.audit.notFound(context, ACTION, alertId);
  const eventId = deps.audit.eventIdFor(context, ACTION);
  const previous = share.ended;
  if (previous !== undefined) {
    // A revocation cut off after the share ended left the rest undone: whoever finds it ended finishes it
    // (each step is idempotent) before answering. An expiry ends nothing onward: each share has its own end.
    const revoked = previous.reason === 'REVOKED' ? previous : undefined;
    const onward = revoked === undefined ? [] : await finishRevocation(deps, alertId, area, revoked);
    // A retry of this very revocation gets its answer; anything else finds it ended already.
    if (previous.eventId === eventId) {
      const before = shares
        .filter((each) => each.recipientArea !== area && each.ended?.eventId === eventId)
        .map((each) => each.recipientArea);
      const ended = [...new Set([area, ...before, ...onward])];
      // Its messages may not have gone: each is sent once, however often it is asked for (its id is the same).
      await deps.notifications.enqueue(ended.map((each) => revokedIntent(deps, alert, each, eventId, previous.at)));
      return receiptOf(alertId, area, previous.at, ended);
    }
    if (revoked !== undefined && onward.length > 0) {
      await deps.notifications.enqueue(onward.map((each) => revokedIntent(deps, alert, each, revoked.eventId, revoked.at)));
    }
    await deps.audit.record(context, ACTION, 'CONFLICT', { alertId, detail: { area } });
    throw new ConflictError('This share has already ended');
  }
  const now = deps.clock.now().toISOString();
  // The reason is the sending area's record: sealed under its keyring (one Decrypt), beside the record.
  const [sealed, recorded] = await Promise.allSettled([
    withKeyrings(deps.keys, [senderReader(alert)], ([sender]) =>
      sealNote(sender as OpenKeyring, NOTE.revocation(area, eventId), request.reason),
    ),
    deps.audit.recordChange(context, ACTION, { alertId, eventId, detail: { area } }),
  ]);
  if (recorded.status === 'rejected') throw recorded.reason;
  if (sealed.status === 'rejected') {
    await correct(deps, context, alertId, 'FAILED', eventId, sealed.reason, ACTION);
    throw sealed.reason;
  }
  const end: ShareEnd = { reason: 'REVOKED', at: now, by: actorOf(context), note: sealed.value, eventId };
  let onward: AreaId[];
  let shareEnded = false;
  try {
    const result = await deps.alerts.endShare(alertId, area, end);
    if (result !== 'ENDED') throw new ConflictError('This share has already ended');
    shareEnded = true;
    // The area is told its share ended as soon as it has, while its hold ends and the shares forwarded from
    // it are found: its message depends on nothing else.
    [onward] = await Promise.all([
      finishRevocation(deps, alertId, area, end),
      deps.notifications.enqueue([revokedIntent(deps, alert, area, eventId, now)]),
    ]);
  } catch (error) {
    if (shareEnded) {
      // The share has ended: the revocation stands, and so does its SUCCESS on record. The claim is kept, so
      // the retry is this same attempt, finds the share ended by it, and finishes what is left.
      throw error instanceof DependencyUnavailableError && !(error instanceof OutcomeUnknownError)
        ? new OutcomeUnknownError(error.dependency, { cause: error })
        : error;
    }
    await correct(deps, context, alertId, error instanceof ConflictError ? 'CONFLICT' : 'FAILED', eventId, error, ACTION);
    throw error;
  }
  // Each area whose share ended with it is told so too; the record of which ones is the sender's.
  const ended = [area, ...onward];
  if (onward.length > 0) await deps.notifications.enqueue(onward.map((each) => revokedIntent(deps, alert, each, eventId, now)));
  if (ended.length > 1) {
    await deps.audit.record(context, ACTION, 'SUCCESS', { alertId, detail: { area, cascade: ended.slice(1).join(' ') } });
  }
  return receiptOf(alertId, area, now, ended);
}

/**
 * What follows a share's end by revocation: its area's hold on the history ends while the shares forwarded
 * from it are found and ended. Idempotent, so a revocation cut off part-way is finished by running it again.
 */
function finishRevocation(deps: Pick<ShareLifeDeps, 'alerts'>, alertId: string, area: AreaId, end: ShareEnd): Promise<AreaId[]> {
  return Promise.all([deps.alerts.forgetHolder(alertId, area), endForwardedFrom(deps, alertId, area, end)]).then(([, onward]) => onward);
}

/**
 * Ends every share forwarded from `area`'s, and theirs in turn, a level at a time: each level's forwards
 * are read after the level before it has ended, so a forward stored before a source ended is found here,
 * and one stored after finds its source ended (./forward-alert.ts). Only the share a forward made is ended
 * by it: an area's share that came from elsewhere is not this chain's to end.
 */
export async function endForwardedFrom(
  deps: Pick<ShareLifeDeps, 'alerts'>,
  alertId: string,
  area: AreaId,
  end: ShareEnd,
): Promise<AreaId[]> {
  // The reason was written about the revoked share; one ended with it carries who and when, and from where.
  const { note: _note, ...cascaded } = end;
  const ended: AreaId[] = [];
  const reached = new Set<AreaId>([area]);
  let level: AreaId[] = [area];
  while (level.length > 0) {
    const forwards = await deps.alerts.listForwards(alertId);
    const next: AreaId[] = [];
    for (const from of level) {
      const onward = forwards.filter((forward: StoredForward) => forward.fromArea === from && forward.status === 'SHARED');
      for (const forward of onward) {
        if (reached.has(forward.toArea)) continue;
        const share = await deps.alerts.getShare(alertId, forward.toArea);
        // Not yet stored (the forward finds its source ended when it reads it again), or another's share.
        if (share?.origin?.forwardId !== forward.forwardId) continue;
        const result = await deps.alerts.endShare(alertId, forward.toArea, { ...cascaded, cascadeFrom: from });
        if (result !== 'ENDED' && result !== 'ALREADY_ENDED') continue;
        if (result === 'ENDED') ended.push(forward.toArea);
        // Again when already ended: a run cut off between the two is finished here.
        await deps.alerts.forgetHolder(alertId, forward.toArea);
        reached.add(forward.toArea);
        next.push(forward.toArea);
      }
    }
    level = next;
  }
  return ended;
}

function receiptOf(alertId: string, area: AreaId, at: string, ended: AreaId[]): RevocationReceipt {
  return { alertId, area, revokedAt: at, ended };
}

function revokedIntent(
  deps: Pick<ShareLifeDeps, 'areas'>,
  alert: StoredAlert,
  area: AreaId,
  eventId: string,
  at: string,
): NotificationIntent {
  const recipient = deps.areas.get(area);
  return {
    intentId: uuidFrom(`notify:revoke:${alert.alertId}:${area}:${eventId}`),
    template: 'SHARE_REVOKED',
    to: recipient?.msetMailbox ?? '',
    recipient: 'MSET_MAILBOX',
    recipientArea: area,
    subject: { type: 'share', alertId: alert.alertId, area },
    personalisation: {
      from_area: deps.areas.get(alert.senderArea)?.name ?? alert.senderArea,
      to_area: recipient?.name ?? area,
      risk_level: alert.riskLevel.toLowerCase(),
      reference: alertReference(alert.alertId),
    },
    path: `/alerts/${alert.alertId}`,
    recordedAt: at,
  };
}
