/**
 * Passing an alert on. A recipient area's coordinator or chair may forward it within its own scopes and
 * under its own share's terms, never wider; the sending area's police, coordinator or chair may forward it
 * with any scope (that is how the sender follows a REDIRECTED acknowledgement in one step). The share terms
 * (lawful basis, consent, handling code and conditions, onward sharing) travel unchanged. Where the terms
 * say ORIGINATOR_APPROVAL, a recipient's forward is only a request (202) until the sending area approves.
 *
 * Never a forward surviving its source: the forward is stored before the new share, and the source share
 * is read again after it. A revocation ends the source first and then every share forwarded from it, so
 * whichever comes first, one of the two sees the other and the forwarded share ends.
 */
import type { ForwardReceipt, ForwardRequest, Scope } from '../../../contracts/alerts.js';
import { SCOPES } from '../../../contracts/alerts.js';
import type { NotificationIntent } from '../../../contracts/notifications.js';
import type { RequestContext } from '../audit.js';
import { ackDueBy } from '../deadlines.js';
import { CompensationFailedError, ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { HistoryRecords } from '../history.js';
import type { NotificationQueue } from '../notifications/ports.js';
import { uuidFrom } from '../request-ids.js';
import { isHeld, resolveAccess } from './access.js';
import type { AlertDeps } from './deps.js';
import { alertReference, startLadder } from './ladder.js';
import { hasRight } from './permissions.js';
import type { Actor, StoredAlert, StoredForward, StoredShare } from './ports.js';
import { NOTE, sealNote } from './share-content.js';
import { deriveStatus } from './status.js';

export type ShareLifeDeps = Pick<AlertDeps, 'alerts' | 'audit' | 'keys' | 'clock' | 'ids' | 'areas' | 'calendars'> & {
  readonly history: HistoryRecords;
  readonly notifications: NotificationQueue;
};

const ACTION = 'ALERT_FORWARD';

export async function forwardAlert(
  deps: ShareLifeDeps,
  context: RequestContext,
  alertId: string,
  request: ForwardRequest,
): Promise<ForwardReceipt> {
  const { caller } = context;
  const access = await resolveAccess(deps, context, ACTION, alertId);
  const { alert } = access;
  if (!hasRight(caller, access.side === 'sender' ? 'manageShares' : 'forward')) {
    return deps.audit.forbidden(context, ACTION, 'Your role may not pass this alert on', alertId);
  }
  // A retry under the same claim names the same forward: it gets the answer the first try would have had.
  const forwardId = deps.audit.changeIdFor(context, ACTION);
  if (context.claim !== undefined) {
    const earlier = await deps.alerts.getForward(alertId, forwardId);
    if (earlier !== undefined && earlier.by.sub === caller.sub) {
      await deps.audit.replayed(context, ACTION, { alertId });
      return receiptOf(earlier, await deps.alerts.getShare(alertId, earlier.toArea), deps.clock.now().toISOString());
    }
  }
  // What the forwarding area holds: the sender everything, a recipient its own share's scopes and terms.
  const source = access.side === 'recipient' ? access.share : await termsOf(deps, alert);
  const allowed: readonly Scope[] = access.side === 'sender' ? SCOPES : access.share.scopes;
  validate(deps, alert, caller.area, request, allowed);
  if ((await deps.alerts.getShare(alertId, request.area)) !== undefined) {
    await deps.audit.record(context, ACTION, 'CONFLICT', { alertId, detail: { to: request.area } });
    throw new ConflictError('That area already holds (or held) a share of this alert');
  }

  const now = deps.clock.now().toISOString();
  const awaitsApproval = access.side === 'recipient' && source.terms.onwardSharing === 'ORIGINATOR_APPROVAL';
  const eventId = deps.audit.eventIdFor(context, ACTION);
  const forward: StoredForward = {
    alertId,
    forwardId,
    senderArea: alert.senderArea,
    fromArea: caller.area,
    toArea: request.area,
    scopes: SCOPES.filter((scope) => request.scopes.includes(scope)),
    by: actorOf(context),
    at: now,
    reason: await sealNote(deps.keys, alertId, alert.senderArea, NOTE.forwardReason(forwardId), request.reason),
    status: awaitsApproval ? 'AWAITING_APPROVAL' : 'SHARED',
    eventId,
  };
  await deps.audit.recordChange(context, ACTION, {
    alertId,
    eventId,
    detail: { forwardId, from: forward.fromArea, to: forward.toArea, scopes: forward.scopes.join(' '), status: forward.status },
  });
  try {
    if (awaitsApproval) {
      await deps.alerts.putForward(forward);
      await deps.alerts.markForwarded(alertId);
      await deps.notifications.enqueue([forwardRequestedIntent(deps, alert, forward)]);
      return receiptOf(forward, undefined, now);
    }
    const share = await shareOnward(deps, alert, source, forward, request.reason, () => deps.alerts.putForward(forward));
    return receiptOf(forward, share, now);
  } catch (error) {
    await correct(
      deps,
      context,
      alertId,
      error instanceof ConflictError ? 'CONFLICT' : error instanceof NotFoundError ? 'NOT_FOUND' : 'FAILED',
      eventId,
      error,
    );
    throw error;
  }
}

/**
 * Makes the forward's share: the forward stored first (by `store`), then the new area's share, then the
 * source share read again; if it ended meanwhile (revoked), the new share ends too, and the caller is told
 * the alert is gone, as it now is for them. The sending area forwards from no share.
 */
export async function shareOnward(
  deps: ShareLifeDeps,
  alert: StoredAlert,
  source: StoredShare,
  forward: StoredForward,
  reason: string,
  store: () => Promise<unknown>,
): Promise<StoredShare> {
  const share = await newShare(deps, alert, source, forward, reason);
  await store();
  if ((await deps.alerts.addShare(share)) === 'EXISTS') {
    const current = await deps.alerts.getShare(alert.alertId, forward.toArea);
    if (current?.origin?.forwardId !== forward.forwardId)
      throw new ConflictError('That area already holds (or held) a share of this alert');
  }
  if (forward.fromArea !== alert.senderArea) {
    const now = deps.clock.now();
    const after = await deps.alerts.getShare(alert.alertId, forward.fromArea);
    if (after === undefined || !isHeld(after, now)) {
      await deps.alerts.endShare(alert.alertId, forward.toArea, {
        reason: 'REVOKED',
        at: now.toISOString(),
        cascadeFrom: forward.fromArea,
        eventId: forward.eventId,
      });
      throw new NotFoundError('No such alert');
    }
  }
  return share;
}

/** The new area's share: its own deadline and ladder, the source's terms unchanged, where it came from. */
async function newShare(
  deps: ShareLifeDeps,
  alert: StoredAlert,
  source: StoredShare,
  forward: StoredForward,
  reason: string,
): Promise<StoredShare> {
  const now = deps.clock.now();
  const share: StoredShare = {
    alertId: alert.alertId,
    senderArea: alert.senderArea,
    recipientArea: forward.toArea,
    scopes: forward.scopes,
    status: 'PENDING',
    ackDueBy: ackDueBy(
      now,
      deps.areas.ackDeadlineFor(forward.toArea, alert.riskLevel),
      deps.calendars.for(deps.areas.get(forward.toArea)?.jurisdiction),
    ).toISOString(),
    createdAt: now.toISOString(),
    // Never longer than the share it came from.
    expiresAt: source.expiresAt,
    riskLevel: alert.riskLevel,
    exploitation: alert.exploitation,
    terms: { ...source.terms, onwardSharing: source.terms.onwardSharing ?? 'PERMITTED' },
    termsText: source.termsText,
    ...(source.senderEmail === undefined ? {} : { senderEmail: source.senderEmail }),
    origin: {
      forwardId: forward.forwardId,
      fromArea: forward.fromArea,
      by: forward.by,
      at: forward.at,
      reason: await sealNote(deps.keys, alert.alertId, alert.senderArea, NOTE.originReason(forward.forwardId, forward.toArea), reason),
    },
  };
  return { ...share, ladder: startLadder(share, deps) };
}

/**
 * The terms the sending area's own forward carries: those of its alert's shares (one set of terms per
 * alert), read from the first original recipient's share.
 */
async function termsOf(deps: Pick<AlertDeps, 'alerts'>, alert: StoredAlert): Promise<StoredShare> {
  const first = alert.recipients[0];
  const share = first === undefined ? undefined : await deps.alerts.getShare(alert.alertId, first);
  if (share === undefined) throw new NotFoundError('No such alert');
  return share;
}

function validate(
  deps: Pick<AlertDeps, 'areas'>,
  alert: StoredAlert,
  ownArea: string,
  request: ForwardRequest,
  allowed: readonly Scope[],
): void {
  if (!deps.areas.has(request.area)) {
    throw new ValidationError('Unknown area', [{ path: 'area', message: 'not an area in the directory' }]);
  }
  if (request.area === ownArea || request.area === alert.senderArea) {
    throw new ValidationError('Cannot forward there', [{ path: 'area', message: 'must be an area other than yours and the sender' }]);
  }
  const wider = request.scopes.filter((scope) => !allowed.includes(scope));
  if (wider.length > 0) {
    throw new ValidationError('Scopes wider than your own', [
      { path: 'scopes', message: 'you may pass on only the scopes your own share grants' },
    ]);
  }
}

export function actorOf(context: RequestContext): Actor {
  const { caller } = context;
  return { sub: caller.sub, name: caller.name, agency: caller.agency, area: caller.area };
}

/** Where a forward stands: a SHARED forward whose share has ended (or never came to be) has ENDED. */
export function forwardStatus(forward: StoredForward, share: StoredShare | undefined, now: string): ForwardReceipt['status'] {
  if (forward.status !== 'SHARED') return forward.status;
  return share?.origin?.forwardId === forward.forwardId && isHeld(share, now) ? 'SHARED' : 'ENDED';
}

export function receiptOf(forward: StoredForward, share: StoredShare | undefined, now: string): ForwardReceipt {
  const status = forwardStatus(forward, share, now);
  return {
    alertId: forward.alertId,
    forwardId: forward.forwardId,
    fromArea: forward.fromArea,
    toArea: forward.toArea,
    scopes: [...forward.scopes],
    status,
    at: forward.at,
    ...(status === 'SHARED' && share !== undefined
      ? { share: { area: share.recipientArea, scopes: [...share.scopes], status: deriveStatus(share, now), ackDueBy: share.ackDueBy } }
      : {}),
  };
}

/** The sending area's mailbox is asked to decide; the message names areas only. */
function forwardRequestedIntent(deps: Pick<AlertDeps, 'areas'>, alert: StoredAlert, forward: StoredForward): NotificationIntent {
  const sender = deps.areas.get(alert.senderArea);
  return {
    intentId: uuidFrom(`notify:forward:${forward.forwardId}:requested`),
    template: 'FORWARD_REQUESTED',
    to: sender?.msetMailbox ?? '',
    recipient: 'SENDING_MSET_MAILBOX',
    recipientArea: alert.senderArea,
    subject: { type: 'share', alertId: alert.alertId, area: forward.fromArea },
    personalisation: {
      to_area: deps.areas.get(forward.fromArea)?.name ?? forward.fromArea,
      onward_area: deps.areas.get(forward.toArea)?.name ?? forward.toArea,
      risk_level: alert.riskLevel.toLowerCase(),
      reference: alertReference(alert.alertId),
    },
    path: `/alerts/${alert.alertId}`,
    recordedAt: forward.at,
  };
}

/** Corrects the SUCCESS already on record when the change was not made after all. */
export async function correct(
  deps: Pick<AlertDeps, 'audit'>,
  context: RequestContext,
  alertId: string,
  outcome: 'FAILED' | 'CONFLICT' | 'NOT_FOUND',
  corrects: string,
  original: unknown,
  action: 'ALERT_FORWARD' | 'ALERT_FORWARD_DECIDE' | 'ALERT_SHARE_REVOKE' | 'ALERT_SHARE_EXTEND' = ACTION,
): Promise<void> {
  try {
    await deps.audit.correct(context, action, outcome, { alertId }, corrects);
  } catch (correction) {
    throw new CompensationFailedError(original, alertId, correction);
  }
}
