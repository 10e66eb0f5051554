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

/**
 * What one reader of an alert holds (the sending area, or one recipient area): its data key, wrapped by
 * the key service under a context that names that reader, and its parts, each sealed under a key derived
 * from it (sealing.ts, OpenKeyring). Destroying a copy destroys that reader's access and nothing else's.
 */
export type ReaderCopy = {
  /** The reader's data key as wrapped by the key service, base64. */
  readonly key: string;
  /** By part name: a scope's name, 'SHARE_TERMS', 'ACKNOWLEDGEMENT'. */
  readonly parts: Readonly<Record<string, SealedPart>>;
};
