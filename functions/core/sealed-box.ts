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
