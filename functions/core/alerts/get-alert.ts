/**
 * Opening an alert. The sender sees everything it sent and every share; a recipient sees only the
 * sections its share grants (the rest are absent, not empty) and its own share record.
 */
// By path: the date-fns barrel costs seconds to load, on every cold start.
import { addYears } from 'date-fns/addYears';
import type { AlertView, CustodyEntry, Person, Scope, ShareRecord } from '../../../contracts/alerts.js';
import { SCOPES } from '../../../contracts/alerts.js';
import type { RequestContext } from '../audit.js';
import type { KeyService } from '../ports.js';
import { resolveAccess } from './access.js';
import { openAcknowledgementNote, openSections, openTerms } from './content.js';
import type { AlertDeps } from './deps.js';
import { forwardStatus } from './forward-alert.js';
import { EXPIRY_WARNING_DAYS, expiryWarningOf } from './ladder.js';
import { notificationsOf } from './notifications-view.js';
import { hasRight } from './permissions.js';
import type { Actor, StoredAlert, StoredShare } from './ports.js';
import { NOTE, openNote } from './share-content.js';
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
  const scopes: readonly Scope[] = access.side === 'sender' ? SCOPES : access.share.scopes;
  const shares =
    access.side === 'sender' ? await deps.alerts.getShares(alert.recipients.map((area) => ({ alertId, area }))) : [access.share];
  const side = access.side;
  const [sections, shareRecords, custody] = await Promise.all([
    openSections(deps.keys, alert, scopes),
    Promise.all(shares.map((share) => toShareRecord(deps, share, now, side, alert.createdAt))),
    alert.hasForwards === true ? custodyOf(deps, alert, shares, side, context.caller.area, now) : [],
  ]);

  await deps.audit.record(context, 'ALERT_VIEW', 'SUCCESS', {
    alertId,
    detail: { side: access.side, scopes: scopes.filter((scope) => alert.sections[scope] !== undefined).join(' ') },
  });
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
    shares: shareRecords,
    custody,
  };
}

/**
 * The chain of custody: every forward for the sending area, with its reasons; for a recipient only the
 * forwards its own area made (it learns nothing of other areas' forwards), without the sealed reasons,
 * which are the sending area's record.
 */
async function custodyOf(
  deps: Pick<AlertDeps, 'alerts' | 'keys'>,
  alert: StoredAlert,
  shares: readonly StoredShare[],
  side: 'sender' | 'recipient',
  ownArea: string,
  now: string,
): Promise<CustodyEntry[]> {
  const forwards = (await deps.alerts.listForwards(alert.alertId)).filter((forward) => side === 'sender' || forward.fromArea === ownArea);
  const toShares =
    side === 'sender' ? shares : await deps.alerts.getShares(forwards.map((forward) => ({ alertId: alert.alertId, area: forward.toArea })));
  const shareOf = new Map(toShares.map((share) => [share.recipientArea, share]));
  return Promise.all(
    forwards.map(async (forward): Promise<CustodyEntry> => {
      const share = shareOf.get(forward.toArea);
      // A recipient's forward to an area whose share has since ended learns only that it ended.
      const [reason, decisionReason] =
        side === 'sender'
          ? await Promise.all([
              openNote(deps.keys, alert.alertId, alert.senderArea, NOTE.forwardReason(forward.forwardId), forward.reason),
              forward.decision === undefined
                ? undefined
                : openNote(deps.keys, alert.alertId, alert.senderArea, NOTE.decisionReason(forward.forwardId), forward.decision.reason),
            ])
          : [undefined, undefined];
      return {
        forwardId: forward.forwardId,
        fromArea: forward.fromArea,
        toArea: forward.toArea,
        scopes: [...forward.scopes],
        by: personOf(forward.by),
        at: forward.at,
        ...(reason === undefined ? {} : { reason }),
        status: forwardStatus(forward, share, now),
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
    }),
  );
}

const personOf = (actor: Actor): Person => ({ name: actor.name, agency: actor.agency, area: actor.area });

async function toShareRecord(
  deps: Pick<AlertDeps, 'keys' | 'areas' | 'calendars'>,
  share: StoredShare,
  now: string,
  side: 'sender' | 'recipient',
  alertCreatedAt: string,
): Promise<ShareRecord> {
  const keys: KeyService = deps.keys;
  const ack = share.acknowledgement;
  const { alertId, senderArea, recipientArea } = share;
  const forSender = side === 'sender';
  const [terms, note, originReason, justifications, endNote] = await Promise.all([
    openTerms(keys, share),
    ack === undefined ? undefined : openAcknowledgementNote(keys, share, ack),
    share.origin === undefined
      ? undefined
      : openNote(keys, alertId, senderArea, NOTE.originReason(share.origin.forwardId, recipientArea), share.origin.reason),
    forSender
      ? Promise.all(
          (share.extensions ?? []).map((extension) =>
            openNote(keys, alertId, senderArea, NOTE.extension(recipientArea, extension.eventId), extension.justification),
          ),
        )
      : [],
    forSender && share.ended?.note !== undefined
      ? openNote(keys, alertId, senderArea, NOTE.revocation(recipientArea, share.ended.eventId), share.ended.note)
      : undefined,
  ]);
  const ladder = share.ladder?.steps ?? [];
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
    ...(share.origin === undefined || originReason === undefined
      ? {}
      : {
          origin: {
            forwardId: share.origin.forwardId,
            fromArea: share.origin.fromArea,
            by: personOf(share.origin.by),
            at: share.origin.at,
            reason: originReason,
          },
        }),
    expiry: {
      expiresAt: share.expiresAt,
      warning: expiryWarningOf(share, new Date(now)),
      warned: ladder.flatMap((step) =>
        step.state === 'TAKEN' && step.step in EXPIRY_WARNING_DAYS
          ? [{ daysBefore: EXPIRY_WARNING_DAYS[step.step as keyof typeof EXPIRY_WARNING_DAYS], at: step.at }]
          : [],
      ),
      latestExtension: addYears(new Date(alertCreatedAt), 2).toISOString(),
      extensions: (share.extensions ?? []).map((extension, index) => ({
        at: extension.at,
        by: personOf(extension.by),
        from: extension.from,
        to: extension.to,
        ...(justifications[index] === undefined ? {} : { justification: justifications[index] }),
      })),
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
