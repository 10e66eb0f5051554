/**
 * Sealing and opening an alert's child content, one copy per reader. The sending area's copy holds every
 * section and the share terms; each recipient area's copy holds only the sections its share grants, the
 * terms, and its own acknowledgement note. Each copy has its own data key, wrapped under a context naming
 * its reader, so a reader opens its whole copy with one key-service call, never opens another's, and a copy
 * destroyed (a share ended) is gone for every key anyone keeps.
 */
import type { AlertSections, CreateAlertRequest, Scope, Sharing } from '../../../contracts/alerts.js';
import { SCOPES } from '../../../contracts/alerts.js';
import { SealError } from '../errors.js';
import type { EncryptionContext, KeyService } from '../ports.js';
import type { ReaderCopy, SealedBox, SealedPart } from '../sealed-box.js';
import { type OpenKeyring, open } from '../sealing.js';

/** Whose copy of which alert: bound by the key service to the wrapped key, and into every part's key and additional data. */
export const readerContext = (alertId: string, sendingArea: string, readerArea: string): EncryptionContext => ({
  alertId,
  sendingArea,
  readerArea,
});

/** The share terms' free text is child content too: a purpose often names the child. */
export const TERMS_PART = 'SHARE_TERMS';
/** A recipient's own acknowledgement note, in its own copy. */
export const ACKNOWLEDGEMENT_PART = 'ACKNOWLEDGEMENT';
/** The sender's copy of a recipient's acknowledgement note, sealed under the sender's keyring. */
export const noteForSenderPart = (recipientArea: string) => `ACKNOWLEDGEMENT:${recipientArea}`;

export type TermsText = { purpose: string; consentReason?: string; conditions?: string };

/** What one reader's copy holds, in the clear, for one request. */
export type ReaderContent = { sections: AlertSections; terms: TermsText; acknowledgementNote?: string };

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

export function termsTextOf(sharing: Sharing): TermsText {
  return {
    purpose: sharing.purpose,
    ...(sharing.consent.reason === undefined ? {} : { consentReason: sharing.consent.reason }),
    ...(sharing.handling.conditions === undefined ? {} : { conditions: sharing.handling.conditions }),
  };
}

/** A reader's copy: the sections within `scopes` that are present, the terms, and the note if there is one. */
export function sealCopy(keyring: OpenKeyring, content: ReaderContent, scopes: readonly Scope[]): ReaderCopy {
  const parts: Record<string, SealedPart> = {};
  for (const scope of SCOPES) {
    const section = content.sections[scope];
    if (section !== undefined && scopes.includes(scope)) parts[scope] = keyring.seal(scope, section);
  }
  parts[TERMS_PART] = keyring.seal(TERMS_PART, content.terms);
  if (content.acknowledgementNote !== undefined)
    parts[ACKNOWLEDGEMENT_PART] = keyring.seal(ACKNOWLEDGEMENT_PART, content.acknowledgementNote);
  return { key: keyring.wrapped, parts };
}

/**
 * Everything in a reader's copy. The parts it does not know (a sender's notes from recipients live on the
 * acknowledgements, not here) are left alone; a copy without terms was not written by sealCopy.
 */
export function openCopy(keyring: OpenKeyring, copy: ReaderCopy): ReaderContent {
  const sections: Record<string, unknown> = {};
  for (const scope of SCOPES) {
    const part = copy.parts[scope];
    if (part !== undefined) sections[scope] = keyring.open(scope, part);
  }
  const termsPart = copy.parts[TERMS_PART];
  if (termsPart === undefined) throw new SealError('The copy holds no share terms');
  const notePart = copy.parts[ACKNOWLEDGEMENT_PART];
  return {
    sections: sections as AlertSections,
    terms: keyring.open<TermsText>(TERMS_PART, termsPart),
    ...(notePart === undefined ? {} : { acknowledgementNote: keyring.open<string>(ACKNOWLEDGEMENT_PART, notePart) }),
  };
}

/** The scopes a copy holds sections of: what a read released. */
export function scopesIn(copy: ReaderCopy): Scope[] {
  return SCOPES.filter((scope) => copy.parts[scope] !== undefined);
}

export function sealNoteForSender(senderKeyring: OpenKeyring, recipientArea: string, note: string): SealedPart {
  return senderKeyring.seal(noteForSenderPart(recipientArea), note);
}

export function openNoteForSender(senderKeyring: OpenKeyring, recipientArea: string, note: SealedPart): string {
  return senderKeyring.open<string>(noteForSenderPart(recipientArea), note);
}

/**
 * Stored before keyrings: one box per scope, per alert's terms and per note, each with its own data key,
 * bound to (alert, sending area, scope). Read only by the migration that reseals them per reader.
 */
export const legacyContext = (alertId: string, sendingArea: string, scope: string): EncryptionContext => ({
  alertId,
  sendingArea,
  scope,
});

export function openLegacyBox<T>(keys: KeyService, alertId: string, sendingArea: string, scope: string, box: SealedBox): Promise<T> {
  return open<T>(keys, legacyContext(alertId, sendingArea, scope), box);
}

export const legacyTermsScope = TERMS_PART;
export const legacyNoteScope = (recipientArea: string) => `ACKNOWLEDGEMENT:${recipientArea}`;
