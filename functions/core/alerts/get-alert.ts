/**
 * Opening an alert. The sender sees everything it sent and every share; a recipient sees only the
 * sections its share grants (the rest are absent, not empty) and its own share record.
 */
// By path: the date-fns barrel costs seconds to load, on every cold start.
import { addYears } from 'date-fns/addYears';
import type { AlertView, CustodyEntry, Person, ShareRecord } from '../../../contracts/alerts.js';
import type { RequestContext } from '../audit.js';
import { CompensationFailedError } from '../errors.js';
import type { OpenKeyring } from '../sealing.js';
import { withKeyring } from '../sealing.js';
import { resolveAccess } from './access.js';
import { openCopy, openNoteForSender, type ReaderContent, readerContext, scopesIn, type TermsText } from './content.js';
import type { AlertDeps } from './deps.js';
import { forwardStatus } from './forward-alert.js';
import { EXPIRY_WARNING_DAYS, expiryWarningOf } from './ladder.js';
import { notificationsOf } from './notifications-view.js';
import { hasRight } from './permissions.js';
import type { Actor, StoredForward, StoredShare } from './ports.js';
import { NOTE, ORIGIN_PART, openNote } from './share-content.js';
import { deriveStatus } from './status.js';

export async function getAlert(
  deps: Pick<AlertDeps, 'alerts' | 'audit' | 'keys' | 'clock' | 'areas' | 'calendars'>,
  context: RequestContext,
  alertId: string,
): Promise<AlertView> {
  const access = await resolveAccess(deps, context, 'ALERT_VIEW', alertId);
  if (!hasRight(context.caller, 'read')) {
    return deps.audit.forbidden(context, 'ALERT_VIEW', 'Your role may not open alerts', alertId);
  }
  const { alert } = access;
  const now = deps.clock.now().toISOString();
  const copy = access.side === 'sender' ? alert.senderCopy : access.share.copy;
  const shares: readonly StoredShare[] = access.side === 'sender' ? access.shares : [access.share];
  // The sending area sees the whole chain of custody; a recipient only the forwards its own area made.
  const forwards =
    access.side === 'sender' ? access.forwards : access.forwards.filter((forward) => forward.fromArea === context.caller.area);
  // The caller's own copy, whichever side it is on: one Decrypt, and a context no other area's key opens.
  const opening = withKeyring(deps.keys, readerContext(alertId, alert.senderArea, context.caller.area), copy.key, (keyring) => ({
    content: openCopy(keyring, copy),
    notes: new Map(
      access.side === 'sender'
        ? access.shares.flatMap((share) => {
            const note = share.acknowledgement?.noteForSender;
            return note === undefined ? [] : [[share.recipientArea, openNoteForSender(keyring, share.recipientArea, note)] as const];
          })
        : [],
    ),
    // The sender's record of each share's life, under the same keyring; a recipient's own origin, in its copy.
    texts: access.side === 'sender' ? senderTexts(keyring, access.shares, forwards) : recipientTexts(keyring, access.share),
  }));
  // On record while the copy is opened; both are awaited before anything is released.
  const eventId = deps.audit.eventIdFor(context, 'ALERT_VIEW');
  const [opened, recorded] = await Promise.allSettled([
    opening,
    deps.audit.record(context, 'ALERT_VIEW', 'SUCCESS', {
      alertId,
      eventId,
      detail: { side: access.side, scopes: scopesIn(copy).join(' ') },
    }),
  ]);
  if (recorded.status === 'rejected') throw recorded.reason;
  if (opened.status === 'rejected') {
    // Nothing was released after all: the SUCCESS on record is corrected.
    try {
      await deps.audit.correct(context, 'ALERT_VIEW', 'FAILED', { alertId }, eventId);
    } catch (correction) {
      throw new CompensationFailedError(opened.reason, alertId, correction);
    }
    throw opened.reason;
  }
  const { content, notes, texts } = opened.value;
  const { sections } = content;
  return {
    alertId,
    fromArea: alert.senderArea,
    createdAt: alert.createdAt,
    createdBy: { name: alert.createdBy.name, agency: alert.createdBy.agency },
    ...(sections.IDENTITY === undefined ? {} : { child: sections.IDENTITY }),
    ...(sections.MOVEMENT === undefined ? {} : { movement: sections.MOVEMENT }),
    ...(sections.RISK === undefined ? {} : { risk: sections.RISK }),
    ...(sections.PERPETRATORS === undefined ? {} : { perpetrators: sections.PERPETRATORS }),
    ...(sections.LOCATIONS === undefined ? {} : { locations: sections.LOCATIONS }),
    ...(sections.DISRUPTION_PLAN === undefined ? {} : { disruptionPlan: sections.DISRUPTION_PLAN }),
    ...(sections.VOICE === undefined ? {} : { voice: sections.VOICE }),
    ...(sections.CONTACTS === undefined ? {} : { contacts: sections.CONTACTS }),
    shares: shares.map((share) =>
      toShareRecord(deps, share, now, content.terms, access.side === 'sender' ? notes.get(share.recipientArea) : noteOf(content), {
        alertCreatedAt: alert.createdAt,
        texts,
      }),
    ),
    custody: forwards.map((forward) => custodyEntry(forward, shares, now, texts)),
  };
}

/** Opened free text, by what it is: a forward's reason, a decision's, a revocation's, an extension's, an origin. */
type Texts = ReadonlyMap<string, string>;

function senderTexts(keyring: OpenKeyring, shares: readonly StoredShare[], forwards: readonly StoredForward[]): Texts {
  const texts = new Map<string, string>();
  for (const forward of forwards) {
    texts.set(NOTE.forwardReason(forward.forwardId), openNote(keyring, NOTE.forwardReason(forward.forwardId), forward.reason));
    if (forward.decision !== undefined) {
      const name = NOTE.decisionReason(forward.forwardId);
      texts.set(name, openNote(keyring, name, forward.decision.reason));
    }
  }
  for (const share of shares) {
    if (share.ended?.note !== undefined) {
      const name = NOTE.revocation(share.recipientArea, share.ended.eventId);
      texts.set(name, openNote(keyring, name, share.ended.note));
    }
    for (const extension of share.extensions ?? []) {
      const name = NOTE.extension(share.recipientArea, extension.eventId);
      texts.set(name, openNote(keyring, name, extension.justification));
    }
  }
  return texts;
}

function recipientTexts(keyring: OpenKeyring, share: StoredShare): Texts {
  const origin = share.copy?.parts[ORIGIN_PART];
  return new Map(origin === undefined ? [] : [[ORIGIN_PART, openNote(keyring, ORIGIN_PART, origin)]]);
}

const personOf = (actor: Actor): Person => ({ name: actor.name, agency: actor.agency, area: actor.area });

/** One link of the chain as the caller may see it; a recipient's own forwards carry no sealed reason. */
function custodyEntry(forward: StoredForward, shares: readonly StoredShare[], now: string, texts: Texts): CustodyEntry {
  const reason = texts.get(NOTE.forwardReason(forward.forwardId));
  const decisionReason = texts.get(NOTE.decisionReason(forward.forwardId));
  const share = shares.find((candidate) => candidate.recipientArea === forward.toArea);
  return {
    forwardId: forward.forwardId,
    fromArea: forward.fromArea,
    toArea: forward.toArea,
    scopes: [...forward.scopes],
    by: personOf(forward.by),
    at: forward.at,
    ...(reason === undefined ? {} : { reason }),
    // A recipient does not read other areas' shares: its forward shows as SHARED or awaiting, never more.
    status: share === undefined && forward.status === 'SHARED' ? 'SHARED' : forwardStatus(forward, share, now),
    ...(forward.decision === undefined
      ? {}
      : {
          decision: {
            decision: forward.decision.decision,
            at: forward.decision.at,
            by: personOf(forward.decision.by),
            ...(decisionReason === undefined ? {} : { reason: decisionReason }),
          },
        }),
  };
}

const noteOf = (content: ReaderContent): string | undefined => content.acknowledgementNote;

function toShareRecord(
  deps: Pick<AlertDeps, 'areas' | 'calendars'>,
  share: StoredShare,
  now: string,
  terms: TermsText,
  note: string | undefined,
  life: { readonly alertCreatedAt: string; readonly texts: Texts },
): ShareRecord {
  const ack = share.acknowledgement;
  const { texts } = life;
  const originReason = texts.get(ORIGIN_PART);
  const endNote = share.ended === undefined ? undefined : texts.get(NOTE.revocation(share.recipientArea, share.ended.eventId));
  return {
    area: share.recipientArea,
    scopes: [...share.scopes],
    status: deriveStatus(share, now),
    ackDueBy: share.ackDueBy,
    sharing: {
      purpose: terms.purpose,
      lawfulBasis: share.terms.lawfulBasis,
      consent: {
        status: share.terms.consentStatus,
        ...(terms.consentReason === undefined ? {} : { reason: terms.consentReason }),
      },
      handling: {
        code: share.terms.handlingCode,
        ...(terms.conditions === undefined ? {} : { conditions: terms.conditions }),
        onwardSharing: share.terms.onwardSharing ?? 'PERMITTED',
      },
      expiresAt: share.expiresAt,
    },
    ...(ack === undefined
      ? {}
      : {
          acknowledgement: {
            outcome: ack.outcome,
            acknowledgedAt: ack.acknowledgedAt,
            by: ack.by,
            ...(ack.redirectTo === undefined ? {} : { redirectTo: ack.redirectTo }),
            ...(note === undefined ? {} : { note }),
          },
        }),
    notifications: notificationsOf(share, new Date(now), deps),
    ...(share.origin === undefined
      ? {}
      : {
          origin: {
            forwardId: share.origin.forwardId,
            fromArea: share.origin.fromArea,
            by: personOf(share.origin.by),
            at: share.origin.at,
            // The sending area reads the reason on the forward (the chain of custody); the recipient in its copy.
            reason: originReason ?? texts.get(NOTE.forwardReason(share.origin.forwardId)) ?? '',
          },
        }),
    expiry: {
      expiresAt: share.expiresAt,
      warning: expiryWarningOf(share, new Date(now)),
      warned: (share.ladder?.steps ?? []).flatMap((step) =>
        step.state === 'TAKEN' && step.step in EXPIRY_WARNING_DAYS
          ? [{ daysBefore: EXPIRY_WARNING_DAYS[step.step as keyof typeof EXPIRY_WARNING_DAYS], at: step.at }]
          : [],
      ),
      latestExtension: addYears(new Date(life.alertCreatedAt), 2).toISOString(),
      extensions: (share.extensions ?? []).map((extension) => {
        const justification = texts.get(NOTE.extension(share.recipientArea, extension.eventId));
        return {
          at: extension.at,
          by: personOf(extension.by),
          from: extension.from,
          to: extension.to,
          ...(justification === undefined ? {} : { justification }),
        };
      }),
    },
    ...(share.ended === undefined
      ? {}
      : {
          ended: {
            reason: share.ended.reason,
            at: share.ended.at,
            ...(share.ended.by === undefined ? {} : { by: personOf(share.ended.by) }),
            ...(endNote === undefined ? {} : { note: endNote }),
          },
        }),
  };
}
