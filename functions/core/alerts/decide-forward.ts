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
import { isHeld, senderOnly } from './access.js';
import { actorOf, correct, receiptOf, type ShareLifeDeps, shareOnward } from './forward-alert.js';
import { alertReference } from './ladder.js';
import type { StoredAlert, StoredForward } from './ports.js';
import { NOTE, openNote, sealNote } from './share-content.js';

const ACTION = 'ALERT_FORWARD_DECIDE';

export async function decideForward(
  deps: ShareLifeDeps,
  context: RequestContext,
  alertId: string,
  forwardId: string | undefined,
  request: ForwardDecisionRequest,
): Promise<ForwardReceipt> {
  const alert = await senderOnly(deps, context, ACTION, alertId);
  const forward = forwardId === undefined ? undefined : await deps.alerts.getForward(alertId, forwardId);
  if (forward === undefined) return deps.audit.notFound(context, ACTION, alertId);
  const changeId = deps.audit.changeIdFor(context, ACTION);
  const now = deps.clock.now().toISOString();
  if (forward.status !== 'AWAITING_APPROVAL') {
    // A retry of this very decision gets its answer; any other is too late.
    if (forward.decision?.eventId === changeId) {
      await deps.audit.replayed(context, ACTION, { alertId });
      return receiptOf(forward, await deps.alerts.getShare(alertId, forward.toArea), now);
    }
    await deps.audit.record(context, ACTION, 'CONFLICT', { alertId, detail: { forwardId: forward.forwardId } });
    throw new ConflictError('This request has already been decided');
  }
  const source = await deps.alerts.getShare(alertId, forward.fromArea);
  if (request.decision === 'APPROVED' && (source === undefined || !isHeld(source, now))) {
    await deps.audit.record(context, ACTION, 'CONFLICT', { alertId, detail: { forwardId: forward.forwardId } });
    throw new ConflictError('The area that asked no longer holds the alert');
  }
  const eventId = changeId;
  const decision: NonNullable<StoredForward['decision']> = {
    decision: request.decision,
    at: now,
    by: actorOf(context),
    reason: await sealNote(deps.keys, alertId, alert.senderArea, NOTE.decisionReason(forward.forwardId), request.reason),
    eventId,
  };
  await deps.audit.recordChange(context, ACTION, {
    alertId,
    eventId,
    detail: { forwardId: forward.forwardId, decision: request.decision, from: forward.fromArea, to: forward.toArea },
  });
  const decided: StoredForward = { ...forward, status: request.decision === 'APPROVED' ? 'SHARED' : 'REFUSED', decision };
  try {
    const store = async () => {
      if ((await deps.alerts.decideForward(forward, decision)) === 'CONFLICT') {
        throw new ConflictError('This request has already been decided');
      }
    };
    let share: Awaited<ReturnType<typeof shareOnward>> | undefined;
    if (request.decision === 'APPROVED' && source !== undefined) {
      // The request's own reason travels to the new area as where its share came from.
      const reason = await openNote(deps.keys, alertId, alert.senderArea, NOTE.forwardReason(forward.forwardId), forward.reason);
      share = await shareOnward(deps, alert, source, decided, reason, store);
    } else {
      await store();
    }
    await deps.notifications.enqueue([decidedIntent(deps, alert, decided)]);
    return receiptOf(decided, share, now);
  } catch (error) {
    const outcome = error instanceof ConflictError ? 'CONFLICT' : error instanceof NotFoundError ? 'NOT_FOUND' : 'FAILED';
    await correct(deps, context, alertId, outcome, eventId, error, ACTION);
    throw error;
  }
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
