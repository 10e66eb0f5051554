/**
 * Opening an alert. The sender sees everything it sent and every share; a recipient sees only the
 * sections its share grants (the rest are absent, not empty) and its own share record.
 */
import type { AlertView, ShareRecord } from '../../../contracts/alerts.js';
import type { RequestContext } from '../audit.js';
import { CompensationFailedError } from '../errors.js';
import { withKeyring } from '../sealing.js';
import { resolveAccess } from './access.js';
import { openCopy, openNoteForSender, type ReaderContent, readerContext, scopesIn, type TermsText } from './content.js';
import type { AlertDeps } from './deps.js';
import { notificationsOf } from './notifications-view.js';
import { hasRight } from './permissions.js';
import type { StoredShare } from './ports.js';
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
  const { content, notes } = opened.value;
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
      toShareRecord(deps, share, now, content.terms, access.side === 'sender' ? notes.get(share.recipientArea) : noteOf(content)),
    ),
  };
}

const noteOf = (content: ReaderContent): string | undefined => content.acknowledgementNote;

function toShareRecord(
  deps: Pick<AlertDeps, 'areas' | 'calendars'>,
  share: StoredShare,
  now: string,
  terms: TermsText,
  note: string | undefined,
): ShareRecord {
  const ack = share.acknowledgement;
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
  };
}
