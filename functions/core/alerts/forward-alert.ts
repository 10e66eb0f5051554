/**
 * Passing an alert on. A recipient area's coordinator or chair may forward it within its own scopes and
 * under its own share's terms, never wider; the sending area's police, coordinator or chair may forward it
 * with any scope (that is how the sender follows a REDIRECTED acknowledgement in one step). The share terms
 * (lawful basis, consent, handling code and conditions, onward sharing) travel unchanged. Where the terms
 * say ORIGINATOR_APPROVAL, a recipient's forward is only a request (202) until the sending area approves.
 *
 * The new area's copy is sealed from the forwarder's own copy, opened with one Decrypt: a recipient's copy
 * holds only its own scopes, so forwarding wider is not only refused, it is impossible. The new copy gets
 * its own data key (one GenerateDataKey); the forward's reason is the sending area's record, sealed under
 * its keyring (for a recipient's forward, one more Decrypt, side by side with the others).
 *
 * Never a forward surviving its source: the forward and the new share are both stored before the source
 * share is read again. A revocation ends the source first and then every share forwarded from it, so
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
import type { ReaderCopy } from '../sealed-box.js';
import type { OpenKeyring } from '../sealing.js';
import { type AlertAccess, isHeld, resolveAccess } from './access.js';
import { openCopy, type ReaderContent, readerContext, sealCopy } from './content.js';
import type { AlertDeps } from './deps.js';
import { alertReference, startLadder } from './ladder.js';
import { hasRight } from './permissions.js';
import type { Actor, StoredAlert, StoredForward, StoredShare } from './ports.js';
import { NOTE, ORIGIN_PART, sealNote, withKeyrings } from './share-content.js';
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
  const earlier = access.forwards.find((forward) => forward.forwardId === forwardId && forward.by.sub === caller.sub);
  if (context.claim !== undefined && earlier !== undefined) {
    await deps.audit.replayed(context, ACTION, { alertId });
    return receiptOf(earlier, await deps.alerts.getShare(alertId, earlier.toArea), deps.clock.now().toISOString());
  }
  // What the forwarding area holds: the sender everything, a recipient its own share's scopes and terms.
  const source = access.side === 'recipient' ? access.share : access.shares[0];
  if (source === undefined) return deps.audit.notFound(context, ACTION, alertId);
  validate(deps, alert, caller.area, request, access.side === 'sender' ? SCOPES : access.share.scopes);
  // Every area that holds or ever held a share is among the recipients: one share per area, ever.
  if (alert.recipients.includes(request.area)) {
    await deps.audit.record(context, ACTION, 'CONFLICT', { alertId, detail: { to: request.area } });
    throw new ConflictError('That area already holds (or held) a share of this alert');
  }

  const now = deps.clock.now().toISOString();
  const awaitsApproval = access.side === 'recipient' && source.terms.onwardSharing === 'ORIGINATOR_APPROVAL';
  const scopes = SCOPES.filter((scope) => request.scopes.includes(scope));
  const eventId = deps.audit.eventIdFor(context, ACTION);
  // The keys and the record side by side; both are awaited before anything is stored.
  const [sealed, recorded] = await Promise.allSettled([
    awaitsApproval
      ? withKeyrings(deps.keys, [senderReader(alert)], ([sender]) => ({
          reason: sealNote(sender as OpenKeyring, NOTE.forwardReason(forwardId), request.reason),
          copy: undefined,
        }))
      : sealForward(deps, access, request.area, scopes, forwardId, request.reason),
    deps.audit.recordChange(context, ACTION, {
      alertId,
      eventId,
      detail: {
        forwardId,
        from: caller.area,
        to: request.area,
        scopes: scopes.join(' '),
        status: awaitsApproval ? 'AWAITING_APPROVAL' : 'SHARED',
      },
    }),
  ]);
  if (recorded.status === 'rejected') throw recorded.reason;
  if (sealed.status === 'rejected') {
    await correct(deps, context, alertId, 'FAILED', eventId, sealed.reason);
    throw sealed.reason;
  }
  const forward: StoredForward = {
    alertId,
    forwardId,
    senderArea: alert.senderArea,
    fromArea: caller.area,
    toArea: request.area,
    scopes,
    by: actorOf(context),
    at: now,
    reason: sealed.value.reason,
    status: awaitsApproval ? 'AWAITING_APPROVAL' : 'SHARED',
    eventId,
  };
  try {
    if (sealed.value.copy === undefined) {
      await deps.alerts.putForward(forward);
      await deps.notifications.enqueue([forwardRequestedIntent(deps, alert, forward)]);
      return receiptOf(forward, undefined, now);
    }
    const share = newShare(deps, alert, source, forward, sealed.value.copy);
    await commitOnward(deps, alert, forward, share, () => deps.alerts.putForward(forward), 'together');
    return receiptOf(forward, share, now);
  } catch (error) {
    const outcome = error instanceof ConflictError ? 'CONFLICT' : error instanceof NotFoundError ? 'NOT_FOUND' : 'FAILED';
    await correct(deps, context, alertId, outcome, eventId, error);
    throw error;
  }
}

/** The sending area's keyring: where the sender's record of a share's life is sealed. */
export function senderReader(alert: StoredAlert) {
  return { context: readerContext(alert.alertId, alert.senderArea, alert.senderArea), wrapped: alert.senderCopy.key };
}

/**
 * The forwarder's copy opened, the new area's copy sealed from it (its scopes only, with the forward's
 * reason as where it came from), and the reason sealed for the sender: one Decrypt per copy opened, one
 * GenerateDataKey, side by side.
 */
async function sealForward(
  deps: Pick<ShareLifeDeps, 'keys'>,
  access: AlertAccess,
  toArea: string,
  scopes: readonly Scope[],
  forwardId: string,
  reason: string,
): Promise<{ reason: StoredForward['reason']; copy: ReaderCopy }> {
  const { alert } = access;
  const newReader = { context: readerContext(alert.alertId, alert.senderArea, toArea) };
  if (access.side === 'sender') {
    return withKeyrings(deps.keys, [senderReader(alert), newReader], ([sender, created]) => ({
      reason: sealNote(sender as OpenKeyring, NOTE.forwardReason(forwardId), reason),
      copy: sealOnwardCopy(created as OpenKeyring, openCopy(sender as OpenKeyring, alert.senderCopy), scopes, reason),
    }));
  }
  const own = { context: readerContext(alert.alertId, alert.senderArea, access.share.recipientArea), wrapped: access.share.copy.key };
  return withKeyrings(deps.keys, [own, senderReader(alert), newReader], ([mine, sender, created]) => ({
    reason: sealNote(sender as OpenKeyring, NOTE.forwardReason(forwardId), reason),
    copy: sealOnwardCopy(created as OpenKeyring, openCopy(mine as OpenKeyring, access.share.copy), scopes, reason),
  }));
}

/** A new reader's copy: the sections within `scopes` that the source holds, the terms, and where it came from. */
export function sealOnwardCopy(keyring: OpenKeyring, source: ReaderContent, scopes: readonly Scope[], reason: string): ReaderCopy {
  const copy = sealCopy(keyring, { sections: source.sections, terms: source.terms }, scopes);
  return { ...copy, parts: { ...copy.parts, [ORIGIN_PART]: sealNote(keyring, ORIGIN_PART, reason) } };
}

/**
 * Stores the forward (by `store`) and the new area's share, then reads the source share again; if it ended
 * meanwhile (revoked), the new share ends too and the caller is told the alert is gone, as it now is for
 * them. `together`: the two writes side by side (a new forward); `inTurn`: the forward first (a decision,
 * whose conditional write must win before any share exists). The sending area forwards from no share.
 */
export async function commitOnward(
  deps: ShareLifeDeps,
  alert: StoredAlert,
  forward: StoredForward,
  share: StoredShare,
  store: () => Promise<unknown>,
  order: 'together' | 'inTurn',
): Promise<void> {
  const added =
    order === 'together'
      ? (await Promise.all([store(), deps.alerts.addShare(share)]))[1]
      : await store().then(() => deps.alerts.addShare(share));
  if (added === 'EXISTS') throw new ConflictError('That area already holds (or held) a share of this alert');
  // The new area joins the alert's holders while the source is read again (the sender forwards from none).
  const fromSender = forward.fromArea === alert.senderArea;
  const [, after] = await Promise.all([
    deps.alerts.addHolder(alert.alertId, forward.toArea),
    fromSender ? undefined : deps.alerts.getShare(alert.alertId, forward.fromArea),
  ]);
  if (fromSender) return;
  const now = deps.clock.now();
  if (after === undefined || !isHeld(after, now)) {
    await deps.alerts.endShare(alert.alertId, forward.toArea, {
      reason: 'REVOKED',
      at: now.toISOString(),
      cascadeFrom: forward.fromArea,
      eventId: forward.eventId,
    });
    await deps.alerts.forgetHolder(alert.alertId, forward.toArea);
    throw new NotFoundError('No such alert');
  }
}

/** The new area's share: its own deadline and ladder, the source's terms unchanged, where it came from. */
export function newShare(
  deps: Pick<ShareLifeDeps, 'areas' | 'calendars' | 'clock'>,
  alert: StoredAlert,
  source: StoredShare,
  forward: StoredForward,
  copy: ReaderCopy,
): StoredShare {
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
    copy,
    ...(source.senderEmail === undefined ? {} : { senderEmail: source.senderEmail }),
    origin: { forwardId: forward.forwardId, fromArea: forward.fromArea, by: forward.by, at: forward.at },
  };
  return { ...share, ladder: startLadder(share, deps) };
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
  if (request.scopes.some((scope) => !allowed.includes(scope))) {
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
