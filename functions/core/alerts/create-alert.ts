/**
 * Police (or an MSET coordinator or chair) tell one or more other areas that a child is moving.
 * One share record per recipient area, each with its own scopes and acknowledgement deadline.
 */
// By path: the date-fns barrel costs seconds to load, on every cold start.
import { addYears } from 'date-fns/addYears';
import type { CreateAlertRequest, CreateAlertResponse } from '../../../contracts/alerts.js';
import { SCOPES } from '../../../contracts/alerts.js';
import type { RequestContext } from '../audit.js';
import type { AnswerKeeper, ClaimHooks } from '../creations.js';
import { ackDueBy, londonDate } from '../deadlines.js';
import type { FieldIssue } from '../errors.js';
import { ClaimHeldError, ConflictError, ValidationError } from '../errors.js';
import type { KeyService } from '../ports.js';
import { readBack } from '../read-back.js';
import { resourceIdFor } from '../request-ids.js';
import { withKeyring } from '../sealing.js';
import { type ReaderContent, readerContext, sealCopy, sectionsOf, termsTextOf } from './content.js';
import type { AlertDeps } from './deps.js';
import { startLadder } from './ladder.js';
import { hasRight } from './permissions.js';
import type { AlertFacts, StoredAlert, StoredShare } from './ports.js';
import { deriveStatus } from './status.js';

/** A share lasts at most this long; reviewing and re-sharing is a decision, not a default. */
const MAX_SHARE_YEARS = 2;

/**
 * `keepAnswer`, under an Idempotency-Key: remembers the answer for replays beside the shares. The key may
 * still be being claimed (`context.claimed`): the store writes no part of the alert before it is ours.
 */
export async function createAlert(
  deps: Pick<AlertDeps, 'alerts' | 'audit' | 'keys' | 'clock' | 'ids' | 'areas' | 'calendars'>,
  context: RequestContext,
  request: CreateAlertRequest,
  keepAnswer?: AnswerKeeper<CreateAlertResponse>,
): Promise<CreateAlertResponse> {
  const { caller } = context;
  if (!hasRight(caller, 'create')) {
    // Under a key still being claimed, a refusal goes on record only once the claim is this request's: a
    // racing request with the key, or a retry that takes the claim over, would otherwise put it there twice.
    await context.claimed;
    return deps.audit.forbidden(context, 'ALERT_CREATE', 'Your role may not create alerts');
  }
  // A retry under the same claim names the same alert: if an earlier try committed it, answer as it would
  // have, before anything that may have changed since (the clock, the directory) can refuse the retry.
  const alertId = resourceIdFor(context.claim, deps.ids, 'alert');
  // (A fresh claim's id is new: nothing can be committed under it, and the store's own check covers the rest.)
  if (context.claim !== undefined && context.claimIsNew !== true) {
    const found = await findCommitted(deps, alertId, context);
    if (found === 'ANOTHERS') {
      // The id names another's alert: a refusal, on record like every other, before anything is.
      await deps.audit.record(context, 'ALERT_CREATE', 'CONFLICT', { alertId });
      throw new ConflictError('The alert could not be created; send it again with a new Idempotency-Key');
    }
    if (found !== undefined) {
      await deps.audit.replayed(context, 'ALERT_CREATE', { alertId });
      return found;
    }
  }
  validateAgainstDirectory(deps, context, request);
  const now = deps.clock.now();
  const expiresAt = resolveExpiry(request, now);
  const createdAt = now.toISOString();

  const drafts: Omit<StoredShare, 'copy'>[] = request.recipients.map((recipient) =>
    withLadder(deps, {
      alertId,
      senderArea: caller.area,
      recipientArea: recipient.area,
      scopes: recipient.scopes,
      status: 'PENDING',
      // Working days are the recipient's: a Scottish area keeps Scotland's bank holidays.
      ackDueBy: ackDueBy(
        now,
        deps.areas.ackDeadlineFor(recipient.area, request.risk.level),
        deps.calendars.for(deps.areas.get(recipient.area)?.jurisdiction),
      ).toISOString(),
      createdAt,
      expiresAt,
      riskLevel: request.risk.level,
      exploitation: request.risk.exploitation,
      terms: {
        lawfulBasis: request.sharing.lawfulBasis,
        consentStatus: request.sharing.consent.status,
        handlingCode: request.sharing.handling.code,
        onwardSharing: request.sharing.handling.onwardSharing,
      },
      ...(caller.email === undefined ? {} : { senderEmail: caller.email }),
    }),
  );
  const facts: AlertFacts = {
    alertId,
    senderArea: caller.area,
    createdAt,
    createdBy: { sub: caller.sub, name: caller.name, agency: caller.agency },
    expiresAt,
    riskLevel: request.risk.level,
    exploitation: request.risk.exploitation,
    recipients: request.recipients.map((recipient) => recipient.area),
  };
  // Sealed while the store writes the creation's intent and the audit trail takes its SUCCESS (under a key
  // still being claimed, while the claim is made): the store awaits it before it writes any content.
  const sealed = sealCopies(deps.keys, facts, drafts, { sections: sectionsOf(request), terms: termsTextOf(request.sharing) });
  // Awaited by the store, or abandoned with the creation: never an unhandled rejection.
  sealed.catch(() => undefined);

  const detail = { recipients: facts.recipients.join(' '), riskLevel: request.risk.level };
  const receipt = creationReceipt(facts, drafts);
  const claim: ClaimHooks = {
    ...(context.claimed === undefined ? {} : { claimed: context.claimed }),
    ...(context.claim === undefined || context.claimIsNew === true ? { idIsFresh: true as const } : {}),
    ...(keepAnswer === undefined ? {} : { answerWithCommit: (proof) => keepAnswer(receipt, proof) }),
  };
  let replayed: CreateAlertResponse | undefined;
  await deps.audit.recordCreation(context, 'ALERT_CREATE', { alertId }, detail, async (record, putOnRecord) => {
    let outcome: 'CREATED' | 'EXISTS';
    try {
      outcome = await deps.alerts.createWhileSealing(facts, sealed, record, putOnRecord, claim);
    } catch (error) {
      // The key was another try's: nothing of the alert was written, and nothing put on record.
      if (error instanceof ClaimHeldError) throw error;
      // The commit may have happened though its answer was lost: only what is not stored is corrected.
      if ((await readBack(() => deps.alerts.getAlert(alertId), error))?.createdAt === createdAt) return;
      throw error;
    }
    if (outcome === 'CREATED') return;
    // Committed by an earlier try of this claim; thrown inside, so that anything else is corrected on record.
    const found = await findCommitted(deps, alertId, context);
    replayed = found === 'ANOTHERS' ? undefined : found;
    if (replayed === undefined) {
      // The id names another's alert: a refusal, on record like every other.
      await deps.audit.record(context, 'ALERT_CREATE', 'CONFLICT', { alertId });
      throw new ConflictError('The alert could not be created; send it again with a new Idempotency-Key');
    }
    await deps.audit.replayed(context, 'ALERT_CREATE', { alertId });
  });
  return replayed ?? receipt;
}

/** What the sender is told of a creation: the same whether it is answered now or on a retry. */
function creationReceipt(alert: AlertFacts, shares: readonly Omit<StoredShare, 'copy'>[]): CreateAlertResponse {
  return {
    alertId: alert.alertId,
    createdAt: alert.createdAt,
    shares: shares.map((share) => ({
      area: share.recipientArea,
      scopes: [...share.scopes],
      status: deriveStatus(share, alert.createdAt),
      ackDueBy: share.ackDueBy,
    })),
  };
}

/**
 * The receipt of an alert this caller's claim already committed, as it was at creation; ANOTHERS when the
 * id names someone else's alert; undefined when nothing is committed under it.
 */
async function findCommitted(
  deps: Pick<AlertDeps, 'alerts'>,
  alertId: string,
  context: RequestContext,
): Promise<CreateAlertResponse | 'ANOTHERS' | undefined> {
  const stored = await deps.alerts.getAlertWithShares(alertId);
  if (stored === undefined) return undefined;
  const { alert, shares } = stored;
  if (alert.senderArea !== context.caller.area || alert.createdBy.sub !== context.caller.sub) return 'ANOTHERS';
  // As at creation: an acknowledgement made since is not part of what the creation answered.
  return creationReceipt(
    alert,
    shares.map(({ acknowledgement: _later, ...share }) => ({ ...share, status: 'PENDING' as const })),
  );
}

/** Checks the directory and the clock, which the schema cannot: every problem is reported at once. */
function validateAgainstDirectory(deps: Pick<AlertDeps, 'areas' | 'clock'>, context: RequestContext, request: CreateAlertRequest): void {
  const issues: FieldIssue[] = [];
  const knownArea = (path: string, area: string | undefined) => {
    if (area !== undefined && !deps.areas.has(area)) issues.push({ path, message: 'not an area in the directory' });
  };
  request.recipients.forEach((recipient, index) => {
    knownArea(`recipients.${index}.area`, recipient.area);
    if (recipient.area === context.caller.area) {
      issues.push({ path: `recipients.${index}.area`, message: 'an area cannot alert itself' });
    }
  });
  knownArea('movement.from', request.movement.from);
  knownArea('movement.to', request.movement.to);
  const now = deps.clock.now();
  if (request.sharing.expiresAt !== undefined) {
    const expiresAt = new Date(request.sharing.expiresAt);
    if (expiresAt <= now) issues.push({ path: 'sharing.expiresAt', message: 'must be in the future' });
    if (expiresAt > addYears(now, MAX_SHARE_YEARS)) {
      issues.push({ path: 'sharing.expiresAt', message: `must be within ${MAX_SHARE_YEARS} years` });
    }
  }
  if (request.child.dateOfBirth > londonDate(now)) {
    issues.push({ path: 'child.dateOfBirth', message: 'must not be in the future' });
  }
  if (issues.length > 0) throw new ValidationError('The alert breaks the sharing rules', issues);
}

/**
 * A share starts its ladder with it: written with the share (a part of the creation, invisible until the
 * commit like the rest), its first step due at once, or at the recipient's next working hour.
 */
function withLadder(deps: Pick<AlertDeps, 'areas' | 'calendars'>, share: Omit<StoredShare, 'ladder' | 'copy'>): Omit<StoredShare, 'copy'> {
  return { ...share, ladder: startLadder(share, deps) };
}

/**
 * One copy per reader, each under its own data key: the sender's holds every section and the terms, each
 * recipient's only its scopes and the terms. R recipients cost R + 1 GenerateDataKey, sent together.
 */
async function sealCopies(
  keys: KeyService,
  facts: AlertFacts,
  drafts: readonly Omit<StoredShare, 'copy'>[],
  content: ReaderContent,
): Promise<{ alert: StoredAlert; shares: StoredShare[] }> {
  const copyFor = (readerArea: string, scopes: readonly (typeof SCOPES)[number][]) =>
    withKeyring(keys, readerContext(facts.alertId, facts.senderArea, readerArea), undefined, (keyring) =>
      sealCopy(keyring, content, scopes),
    );
  const [senderCopy, ...copies] = await Promise.all([
    copyFor(facts.senderArea, SCOPES),
    ...drafts.map((draft) => copyFor(draft.recipientArea, draft.scopes)),
  ]);
  return {
    alert: { ...facts, senderCopy: senderCopy as StoredAlert['senderCopy'] },
    shares: drafts.map((draft, index) => ({ ...draft, copy: copies[index] as StoredAlert['senderCopy'] })),
  };
}

function resolveExpiry(request: CreateAlertRequest, now: Date): string {
  return request.sharing.expiresAt === undefined ? addYears(now, 1).toISOString() : new Date(request.sharing.expiresAt).toISOString();
}
