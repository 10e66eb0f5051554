/**
 * The free text of a share's life (a forward's reason, a decision's, a revocation's, an extension's
 * justification): child content as much as the alert itself, since a reason often names the child, so
 * sealed, and bound to the alert, its sending area and what the text is ("forward:<id>:reason").
 */
import type { KeyService } from '../ports.js';
import type { SealedBox } from '../sealed-box.js';
import { open, seal } from '../sealing.js';
import { contentContext } from './content.js';

export function sealNote(keys: KeyService, alertId: string, senderArea: string, name: string, text: string): Promise<SealedBox> {
  return seal(keys, contentContext(alertId, senderArea, `NOTE:${name}`), text);
}

export function openNote(keys: KeyService, alertId: string, senderArea: string, name: string, box: SealedBox): Promise<string> {
  return open<string>(keys, contentContext(alertId, senderArea, `NOTE:${name}`), box);
}

/** The names each text is sealed under. */
export const NOTE = {
  forwardReason: (forwardId: string) => `forward:${forwardId}:reason`,
  originReason: (forwardId: string, area: string) => `forward:${forwardId}:origin:${area}`,
  decisionReason: (forwardId: string) => `forward:${forwardId}:decision`,
  revocation: (area: string, eventId: string) => `revoke:${area}:${eventId}`,
  extension: (area: string, eventId: string) => `extend:${area}:${eventId}`,
} as const;
