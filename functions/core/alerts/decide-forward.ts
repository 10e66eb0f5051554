/**
 * The sending area decides on a recipient's request to pass its alert on (where the share terms say
 * ORIGINATOR_APPROVAL). Once: the decision is a conditional write on the request, so of two concurrent
 * decisions one wins and the other is a conflict. Only an approval shares, and only while the forwarding
 * area still holds its own share.
 */
import type { ForwardDecisionRequest, ForwardReceipt } from '../../../contracts/alerts.js';
import type { NotificationIntent } from '../../../contracts/notifications.js';
import type { RequestContext } from '../audit.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { uuidFrom } from '../request-ids.js';
import type { OpenKeyring } from '../sealing.js';
import { isHeld, senderOnly } from './access.js';
import { openCopy, readerContext } from './content.js';
import {
  actorOf,
  commitOnward,
  correct,
  newShare,
  receiptOf,
  rethrowKept,
  type ShareLifeDeps,
  sealOnwardCopy,
  senderReader,
} from './forward-alert.js';
import { alertReference } from './ladder.js';
import type { StoredAlert, StoredForward, StoredShare } from './ports.js';
import { NOTE, openNote, sealNote, withKeyrings } from './share-content.js';

const ACTION = 'ALERT_FORWARD_DECIDE';

export async function decideForward(
  deps: ShareLifeDeps,
  context: RequestContext,
  alertId: string,
  forwardId: string | undefined,
  request: ForwardDecisionRequest,
): Promise<ForwardReceipt> {
  const access = await senderOnly(deps, context, ACTION, alertId);
  const { alert } = access;
  const forward = access.forwards.find((candidate) => candidate.forwardId === forwardId);
  if (forward === undefined) return deps.audit.notFound(context, ACTION, alertId);
  const changeId = deps.audit.changeIdFor(context, ACTION);
  const now = deps.clock.now().toISOString();
  const shareOf = (area: string) => access.shares.find((share) => share.recipientArea === area);
  if (forward.status !== 'AWAITING_APPROVAL') {
    // A retry of this very decision gets its answer; any other is too late.
    if (context.claim !== undefined && forward.decision?.eventId === changeId) {
      // The first try may have been cut off after the decision was stored: what it left undone is done now.
      const share = await completeApproval(deps, alert, forward, shareOf(forward.fromArea));
      await deps.notifications.enqueue([decidedIntent(deps, alert, forward)]);
      await deps.audit.replayed(context, ACTION, { alertId });
      return receiptOf(forward, share, now);
    }
    await deps.audit.record(context, ACTION, 'CONFLICT', { alertId, detail: { forwardId: forward.forwardId } });
    throw new ConflictError('This request has already been decided');
  }
  const source = shareOf(forward.fromArea);
  const approved = request.decision === 'APPROVED';
  if (approved && (source === undefined || !isHeld(source, now))) {
    await deps.audit.record(context, ACTION, 'CONFLICT', { alertId, detail: { forwardId: forward.forwardId } });
    throw new ConflictError('The area that asked no longer holds the alert');
  }
  // An area with a share, live or ended (among the holders with none: a forward cut off before its share).
  if (approved && shareOf(forward.toArea) !== undefined) {
    await deps.audit.record(context, ACTION, 'CONFLICT', { alertId, detail: { forwardId: forward.forwardId } });
    throw new ConflictError('That area already holds (or held) a share of this alert');
  }
  const eventId = changeId;
  // The sender's copy opened (the decision's reason sealed in it, and on approval the content and the
  // request's reason read from it) and, on approval, the new area's key made: side by side with the record.
  const newReader = { context: readerContext(alertId, alert.senderArea, forward.toArea) };
  const [sealed, recorded] = await Promise.allSettled([
    withKeyrings(deps.keys, approved ? [senderReader(alert), newReader] : [senderReader(alert)], ([sender, created]) => {
      const ring = sender as OpenKeyring;
      const reason = sealNote(ring, NOTE.decisionReason(forward.forwardId), request.reason);
      if (created === undefined) return { reason, copy: undefined };
      const why = openNote(ring, NOTE.forwardReason(forward.forwardId), forward.reason);
      return { reason, copy: sealOnwardCopy(created, openCopy(ring, alert.senderCopy), forward.scopes, why) };
    }),
    deps.audit.recordChange(context, ACTION, {
      alertId,
      eventId,
      detail: { forwardId: forward.forwardId, decision: request.decision, from: forward.fromArea, to: forward.toArea },
    }),
  ]);
  if (recorded.status === 'rejected') throw recorded.reason;
  if (sealed.status === 'rejected') {
    await correct(deps, context, alertId, 'FAILED', eventId, sealed.reason, ACTION);
    throw sealed.reason;
  }
  const decision: NonNullable<StoredForward['decision']> = {
    decision: request.decision,
    at: now,
    by: actorOf(context),
    reason: sealed.value.reason,
    eventId,
  };
  const decided: StoredForward = { ...forward, status: approved ? 'SHARED' : 'REFUSED', decision };
  let stored = false;
  try {
    const store = async () => {
      if ((await deps.alerts.decideForward(forward, decision)) === 'CONFLICT') {
        throw new ConflictError('This request has already been decided');
      }
      stored = true;
    };
    let share: StoredShare | undefined;
    if (sealed.value.copy !== undefined && source !== undefined) {
      share = newShare(deps, alert, source, decided, sealed.value.copy);
      await commitOnward(deps, alert, decided, share, store, 'inTurn');
    } else {
      await store();
    }
    await deps.notifications.enqueue([decidedIntent(deps, alert, decided)]);
    return receiptOf(decided, share, now);
  } catch (error) {
    if (stored) rethrowKept(error);
    const outcome = error instanceof ConflictError ? 'CONFLICT' : error instanceof NotFoundError ? 'NOT_FOUND' : 'FAILED';
    await correct(deps, context, alertId, outcome, eventId, error, ACTION);
    throw error;
  }
}

/**
 * A retry's completion of an approval: a share the approval made but did not store gets stored (sealed
 * again from the sender's copy), and the new area's hold and the source's re-reading are done again. Answers
 * the new area's share as it now stands.
 */
async function completeApproval(
  deps: ShareLifeDeps,
  alert: StoredAlert,
  forward: StoredForward,
  source: StoredShare | undefined,
): Promise<StoredShare | undefined> {
  const made = await deps.alerts.getShare(alert.alertId, forward.toArea);
  if (forward.status !== 'SHARED' || source === undefined) return made;
  if (made !== undefined && (made.origin?.forwardId !== forward.forwardId || made.ended !== undefined)) return made;
  const newReader = { context: readerContext(alert.alertId, alert.senderArea, forward.toArea) };
  const share =
    made ??
    newShare(
      deps,
      alert,
      source,
      forward,
      await withKeyrings(deps.keys, [senderReader(alert), newReader], ([sender, created]) => {
        const ring = sender as OpenKeyring;
        const why = openNote(ring, NOTE.forwardReason(forward.forwardId), forward.reason);
        return sealOnwardCopy(created as OpenKeyring, openCopy(ring, alert.senderCopy), forward.scopes, why);
      }),
    );
  await commitOnward(deps, alert, forward, share, async () => undefined, 'inTurn');
  return share;
}

/** The asking area is told the answer; the message names areas only. */
function decidedIntent(deps: Pick<ShareLifeDeps, 'areas'>, alert: StoredAlert, forward: StoredForward): NotificationIntent {
  const asking = deps.areas.get(forward.fromArea);
  return {
    intentId: uuidFrom(`notify:forward:${forward.forwardId}:decided`),
    template: 'FORWARD_DECIDED',
    to: asking?.msetMailbox ?? '',
    recipient: 'MSET_MAILBOX',
    recipientArea: forward.fromArea,
    subject: { type: 'share', alertId: alert.alertId, area: forward.fromArea },
    personalisation: {
      from_area: deps.areas.get(alert.senderArea)?.name ?? alert.senderArea,
      onward_area: deps.areas.get(forward.toArea)?.name ?? forward.toArea,
      outcome: forward.status === 'SHARED' ? 'approved' : 'refused',
      risk_level: alert.riskLevel.toLowerCase(),
      reference: alertReference(alert.alertId),
    },
    path: `/alerts/${alert.alertId}`,
    recordedAt: forward.decision?.at ?? forward.at,
  };
}
