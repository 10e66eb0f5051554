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
// By path: the date-fns barrel costs seconds to load, on every cold start.
import { addYears } from 'date-fns/addYears';
import type { ForwardReceipt, ForwardRequest, Scope } from '../../../contracts/alerts.js';
import { SCOPES } from '../../../contracts/alerts.js';
import type { NotificationIntent } from '../../../contracts/notifications.js';
import type { RequestContext } from '../audit.js';
import { ackDueBy } from '../deadlines.js';
import {
  CompensationFailedError,
  ConflictError,
  DependencyUnavailableError,
  NotFoundError,
  OutcomeUnknownError,
  ValidationError,
} from '../errors.js';
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
  // What the forwarding area holds: the sender everything, a recipient its own share's scopes and terms.
  // (The terms are the same on every share of an alert: set at its creation, passed on unchanged.)
  const source = access.side === 'recipient' ? access.share : access.shares[0];
  if (source === undefined) return deps.audit.notFound(context, ACTION, alertId);
  if (context.claim !== undefined && earlier !== undefined) {
    // The first try may have been cut off part-way: what it left undone is done now (each step idempotent).
    const share = await completeForward(deps, access, source, earlier, request.reason);
    await deps.audit.replayed(context, ACTION, { alertId });
    return receiptOf(earlier, share, deps.clock.now().toISOString());
  }
  validate(deps, alert, caller.area, request, access.side === 'sender' ? SCOPES : access.share.scopes);
  // One share per area, ever. The sender may know who holds its alert: an area with a share, live or ended
  // (one among the holders with none is a forward cut off before its share, which this one completes). A
  // recipient may not learn it: its forward to any holder is answered as a request awaiting the sending
  // area's decision, which refuses it (an approval is a conflict).
  const held =
    access.side === 'sender'
      ? access.shares.some((share) => share.recipientArea === request.area)
      : alert.recipients.includes(request.area);
  if (held && access.side === 'sender') {
    await deps.audit.record(context, ACTION, 'CONFLICT', { alertId, detail: { to: request.area } });
    throw new ConflictError('That area already holds (or held) a share of this alert');
  }

  const now = deps.clock.now().toISOString();
  const awaitsApproval = access.side === 'recipient' && (held || source.terms.onwardSharing === 'ORIGINATOR_APPROVAL');
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
  let stored = false;
  const store = async () => {
    await deps.alerts.putForward(forward);
    stored = true;
  };
  try {
    if (sealed.value.copy === undefined) {
      await store();
      await deps.notifications.enqueue([forwardRequestedIntent(deps, alert, forward)]);
      return receiptOf(forward, undefined, now);
    }
    const share = newShare(deps, alert, source, forward, sealed.value.copy);
    await commitOnward(deps, alert, forward, share, store, 'together');
    return receiptOf(forward, share, now);
  } catch (error) {
    if (stored) rethrowKept(error);
    const outcome = error instanceof ConflictError ? 'CONFLICT' : error instanceof NotFoundError ? 'NOT_FOUND' : 'FAILED';
    await correct(deps, context, alertId, outcome, eventId, error);
    throw error;
  }
}

/**
 * A change that stands once its first write is stored (a forward, a decision) and was cut off after it:
 * its SUCCESS stays on record, and the claim is kept (a database fault is answered 503 as an unknown
 * outcome), so the retry runs as the same attempt and completes it. A conflict or a gone alert is final
 * and is corrected on record by the caller.
 */
export function rethrowKept(error: unknown): void {
  if (error instanceof DependencyUnavailableError && !(error instanceof OutcomeUnknownError)) {
    throw new OutcomeUnknownError(error.dependency, { cause: error });
  }
}

/**
 * A retry's completion of its forward: a SHARED forward whose share is missing gets it (sealed again from
 * the forwarder's copy), and the new area's hold and the source's re-reading are done again. Answers the
 * new area's share as it now stands.
 */
async function completeForward(
  deps: ShareLifeDeps,
  access: AlertAccess,
  source: StoredShare,
  forward: StoredForward,
  reason: string,
): Promise<StoredShare | undefined> {
  const made = await deps.alerts.getShare(forward.alertId, forward.toArea);
  if (forward.status !== 'SHARED' || (made !== undefined && (made.origin?.forwardId !== forward.forwardId || made.ended !== undefined))) {
    return made;
  }
  // The retry carries the same request (its key is bound to its body): its reason is the one first given.
  const share =
    made ??
    newShare(
      deps,
      access.alert,
      source,
      forward,
      (await sealForward(deps, access, forward.toArea, forward.scopes, forward.forwardId, reason)).copy,
    );
  await commitOnward(deps, access.alert, forward, share, async () => undefined, 'inTurn');
  return share;
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
 * Stores the forward (by `store`), makes the new area a holder and stores its share, then reads the source
 * share again; if it ended meanwhile (revoked), the new share ends too and the caller is told the alert is
 * gone, as it now is for them. `together`: the forward beside the new holder (a new forward); `inTurn`: the
 * forward first (a decision, whose conditional write must win before any area becomes a holder). The
 * sending area forwards from no share. Each step is idempotent, so a retry completes one cut off.
 */
export async function commitOnward(
  deps: ShareLifeDeps,
  alert: StoredAlert,
  forward: StoredForward,
  share: StoredShare,
  store: () => Promise<unknown>,
  order: 'together' | 'inTurn',
): Promise<void> {
  // The new area joins the alert's holders before its share is stored: a share is read (seen, revoked)
  // only through that list, so one stored without it would be beyond anyone's reach.
  if (order === 'together') await Promise.all([store(), deps.alerts.addHolder(alert.alertId, forward.toArea)]);
  else await store().then(() => deps.alerts.addHolder(alert.alertId, forward.toArea));
  if ((await deps.alerts.addShare(share)) === 'EXISTS') throw new ConflictError('That area already holds (or held) a share of this alert');
  // The source read again only once the new share is stored (the sender forwards from none).
  if (forward.fromArea === alert.senderArea) return;
  const after = await deps.alerts.getShare(alert.alertId, forward.fromArea);
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
    alertCreatedAt: alert.createdAt,
    // Never longer than what it came from: a recipient's share, or the sender's own alert (its longest share,
    // never past two years from its creation), whatever became of any one share.
    expiresAt: forward.fromArea === alert.senderArea ? senderEnd(alert) : source.expiresAt,
    riskLevel: alert.riskLevel,
    exploitation: alert.exploitation,
    terms: { ...source.terms, onwardSharing: source.terms.onwardSharing ?? 'PERMITTED' },
    copy,
    ...(source.senderEmail === undefined ? {} : { senderEmail: source.senderEmail }),
    origin: { forwardId: forward.forwardId, fromArea: forward.fromArea, by: forward.by, at: forward.at },
  };
  return { ...share, ladder: startLadder(share, deps) };
}

/** As create-alert's and extend-share's limit: a share lasts at most two years from the alert's creation. */
const MAX_SHARE_YEARS = 2;

function senderEnd(alert: StoredAlert): string {
  const latest = addYears(new Date(alert.createdAt), MAX_SHARE_YEARS).getTime();
  return new Date(Math.min(Date.parse(alert.expiresAt), latest)).toISOString();
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
