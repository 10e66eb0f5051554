/**
 * Opening an alert. The sender sees everything it sent and every share; a recipient sees only the
 * sections its share grants (the rest are absent, not empty) and its own share record.
 */
import type { AlertView, Scope, ShareRecord } from '../../../contracts/alerts.js';
import { SCOPES } from '../../../contracts/alerts.js';
import type { RequestContext } from '../audit.js';
import type { KeyService } from '../ports.js';
import { resolveAccess } from './access.js';
import { openAcknowledgementNote, openSections, openTerms } from './content.js';
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
  const scopes: readonly Scope[] = access.side === 'sender' ? SCOPES : access.share.scopes;
  const shares =
    access.side === 'sender' ? await deps.alerts.getShares(alert.recipients.map((area) => ({ alertId, area }))) : [access.share];
  const [sections, shareRecords] = await Promise.all([
    openSections(deps.keys, alert, scopes),
    Promise.all(shares.map((share) => toShareRecord(deps, share, now))),
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
  };
}

async function toShareRecord(deps: Pick<AlertDeps, 'keys' | 'areas' | 'calendars'>, share: StoredShare, now: string): Promise<ShareRecord> {
  const keys: KeyService = deps.keys;
  const ack = share.acknowledgement;
  const [terms, note] = await Promise.all([
    openTerms(keys, share),
    ack === undefined ? undefined : openAcknowledgementNote(keys, share, ack),
  ]);
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
