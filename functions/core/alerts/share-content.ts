/**
 * The free text of a share's life (a forward's reason, a decision's, a revocation's, an extension's
 * justification): child content as much as the alert itself, since a reason often names the child, so
 * sealed. Each is the sending area's record, so it is sealed under the sending area's keyring, as a part
 * named for what it is (the part's name is in its key derivation and additional data, so a reason moved to
 * another forward or share does not open). A forwarded share's reader gets the forward's reason in its own
 * copy, as the part ORIGIN: where its share came from.
 */
import type { EncryptionContext, KeyService } from '../ports.js';
import type { SealedPart } from '../sealed-box.js';
import { OpenKeyring } from '../sealing.js';

/** The names each text is sealed under in the sending area's keyring. */
export const NOTE = {
  forwardReason: (forwardId: string) => `FORWARD:${forwardId}:REASON`,
  decisionReason: (forwardId: string) => `FORWARD:${forwardId}:DECISION`,
  revocation: (area: string, eventId: string) => `REVOKE:${area}:${eventId}`,
  extension: (area: string, eventId: string) => `EXTEND:${area}:${eventId}`,
} as const;

/** In a forwarded share's own copy: the forward's reason. */
export const ORIGIN_PART = 'ORIGIN';

export function sealNote(keyring: OpenKeyring, name: string, text: string): SealedPart {
  return keyring.seal(name, text);
}

export function openNote(keyring: OpenKeyring, name: string, part: SealedPart): string {
  return keyring.open<string>(name, part);
}

/**
 * Opens (a wrapped key given) or makes (none given) several readers' keyrings at once: the key-service
 * calls go side by side, not one after another; every keyring is zeroed after `use`, whatever happens.
 */
export async function withKeyrings<T>(
  keys: KeyService,
  readers: readonly { readonly context: EncryptionContext; readonly wrapped?: string }[],
  use: (keyrings: OpenKeyring[]) => T | Promise<T>,
): Promise<T> {
  const settled = await Promise.allSettled(
    readers.map((reader) =>
      reader.wrapped === undefined ? OpenKeyring.create(keys, reader.context) : OpenKeyring.open(keys, reader.context, reader.wrapped),
    ),
  );
  try {
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    return await use(settled.map((result) => (result as PromiseFulfilledResult<OpenKeyring>).value));
  } finally {
    for (const result of settled) if (result.status === 'fulfilled') result.value.close();
  }
}
