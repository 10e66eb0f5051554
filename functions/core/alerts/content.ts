/**
 * Sealing and opening an alert's child content. Each scope is its own box with its own data key, bound
 * to (alert, sending area, scope), so a recipient's view decrypts exactly the scopes its share grants.
 */
import type { AlertSections, CreateAlertRequest, Scope, Sharing } from '../../../contracts/alerts.js';
import { SCOPES } from '../../../contracts/alerts.js';
import type { EncryptionContext, KeyService } from '../ports.js';
import type { SealedBox } from '../sealed-box.js';
import { open, seal } from '../sealing.js';
import type { StoredAcknowledgement, StoredAlert, StoredShare } from './ports.js';

export const contentContext = (alertId: string, sendingArea: string, scope: string): EncryptionContext => ({
  alertId,
  sendingArea,
  scope,
});

/** The share terms' free text is child content too: a purpose often names the child. */
const TERMS_SCOPE = 'SHARE_TERMS';
const acknowledgementScope = (recipientArea: string) => `ACKNOWLEDGEMENT:${recipientArea}`;

export function sectionsOf(request: CreateAlertRequest): AlertSections {
  const sections: AlertSections = {
    IDENTITY: request.child,
    MOVEMENT: request.movement,
    RISK: request.risk,
  };
  if (request.perpetrators !== undefined) sections.PERPETRATORS = request.perpetrators;
  if (request.locations !== undefined) sections.LOCATIONS = request.locations;
  if (request.disruptionPlan !== undefined) sections.DISRUPTION_PLAN = request.disruptionPlan;
  if (request.voice !== undefined) sections.VOICE = request.voice;
  if (request.contacts !== undefined) sections.CONTACTS = request.contacts;
  return sections;
}

export async function sealSections(
  keys: KeyService,
  alertId: string,
  sendingArea: string,
  sections: AlertSections,
): Promise<Partial<Record<Scope, SealedBox>>> {
  const present = SCOPES.filter((scope) => sections[scope] !== undefined);
  const boxes = await Promise.all(present.map((scope) => seal(keys, contentContext(alertId, sendingArea, scope), sections[scope])));
  return Object.fromEntries(present.map((scope, index) => [scope, boxes[index]]));
}

export async function openSections(keys: KeyService, alert: StoredAlert, scopes: readonly Scope[]): Promise<AlertSections> {
  const present = scopes.filter((scope) => alert.sections[scope] !== undefined);
  const values = await Promise.all(
    present.map((scope) => open(keys, contentContext(alert.alertId, alert.senderArea, scope), alert.sections[scope] as SealedBox)),
  );
  return Object.fromEntries(present.map((scope, index) => [scope, values[index]])) as AlertSections;
}

export type TermsText = { purpose: string; consentReason?: string; conditions?: string };

export function sealTerms(keys: KeyService, alertId: string, sendingArea: string, sharing: Sharing) {
  const text: TermsText = {
    purpose: sharing.purpose,
    ...(sharing.consent.reason === undefined ? {} : { consentReason: sharing.consent.reason }),
    ...(sharing.handling.conditions === undefined ? {} : { conditions: sharing.handling.conditions }),
  };
  return seal(keys, contentContext(alertId, sendingArea, TERMS_SCOPE), text);
}

export function openTerms(keys: KeyService, share: StoredShare): Promise<TermsText> {
  return open<TermsText>(keys, contentContext(share.alertId, share.senderArea, TERMS_SCOPE), share.termsText);
}

export function sealAcknowledgementNote(keys: KeyService, share: StoredShare, note: string): Promise<SealedBox> {
  return seal(keys, contentContext(share.alertId, share.senderArea, acknowledgementScope(share.recipientArea)), note);
}

export function openAcknowledgementNote(
  keys: KeyService,
  share: StoredShare,
  acknowledgement: StoredAcknowledgement,
): Promise<string | undefined> {
  if (acknowledgement.note === undefined) return Promise.resolve(undefined);
  return open<string>(
    keys,
    contentContext(share.alertId, share.senderArea, acknowledgementScope(share.recipientArea)),
    acknowledgement.note,
  );
}
