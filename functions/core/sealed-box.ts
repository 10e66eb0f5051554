/**
 * A sealed box: how child content is stored. What is stored is every field base64; plaintext never leaves
 * memory. Its own module, so that the ports and the sealing code can both name it without importing each other.
 */
export type SealedBox = {
  readonly v: 1;
  /** The data key as wrapped by the key service. */
  readonly key: string;
  readonly iv: string;
  readonly ct: string;
  readonly tag: string;
};

/**
 * One part of a reader's copy, sealed under a key derived from that reader's data key (sealing.ts,
 * OpenKeyring): the wrapped data key is stored once beside its parts, not in each.
 */
export type SealedPart = {
  readonly iv: string;
  readonly ct: string;
  readonly tag: string;
};
