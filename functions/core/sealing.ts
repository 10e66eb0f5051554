/**
 * Envelope encryption of child content, AES-256-GCM, with the encryption context bound twice (by the key
 * service to the wrapped data key, and here as the GCM additional data), so a box copied to another alert,
 * area or scope does not open even under a key service that ignored context.
 *
 * Two layouts. A keyring (below) is one data key per reader, every part sealed under its own key derived
 * from it: what is written now, so a request costs one key-service call per reader whatever it holds, and
 * destroying one reader's wrapped key destroys that reader's copy and nothing else. A single box (`seal`,
 * `open`) is one data key per box: what the hub wrote before, still opened for data stored then.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { DependencyUnavailableError, SealError } from './errors.js';
import type { EncryptionContext, KeyService } from './ports.js';
import type { SealedBox, SealedPart } from './sealed-box.js';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const EXPAND_FIRST_BLOCK = Buffer.from([1]);

/**
 * Keys sorted by UTF-16 code unit and written by hand rather than through an object, because JavaScript
 * orders integer-like keys first whatever their insertion order; the same map must give the same bytes
 * here, in the local key service and wherever a box is opened.
 */
export function canonicalContext(context: EncryptionContext): string {
  const entries = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const parts = entries.map(([name, value]) => {
    if (typeof value !== 'string') {
      // KMS accepts only string values; failing here keeps the local hub as strict as AWS.
      throw new TypeError('Encryption context values must be strings');
    }
    return `${JSON.stringify(name)}:${JSON.stringify(value)}`;
  });
  return `{${parts.join(',')}}`;
}

export async function seal(keys: KeyService, context: EncryptionContext, value: unknown): Promise<SealedBox> {
  // An empty context would bind the box to nothing, letting it be moved anywhere unnoticed.
  if (Object.keys(context).length === 0) throw new TypeError('An encryption context is required');
  const aad = Buffer.from(canonicalContext(context), 'utf8');
  const plaintext = serialise(value);
  try {
    const dataKey = await keys.generateDataKey(context);
    try {
      if (dataKey.plaintext.length !== KEY_BYTES) throw new SealError('The key service returned a malformed data key');
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, dataKey.plaintext, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad);
      const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return {
        v: 1,
        key: Buffer.from(dataKey.encrypted).toString('base64'),
        iv: iv.toString('base64'),
        ct: ct.toString('base64'),
        tag: cipher.getAuthTag().toString('base64'),
      };
    } finally {
      dataKey.plaintext.fill(0);
    }
  } finally {
    plaintext.fill(0);
  }
}

/**
 * The parsed value is returned as `T` unchecked: the box proves who wrote it, not that today's schema
 * accepts it, so callers parse the result with the contract's schema.
 */
export async function open<T = unknown>(keys: KeyService, context: EncryptionContext, box: SealedBox): Promise<T> {
  const aad = Buffer.from(canonicalContext(context), 'utf8');
  const parts = decodeBox(box);

  let dataKey: Uint8Array;
  try {
    dataKey = await keys.decryptDataKey(parts.key, context);
  } catch (error) {
    // An unavailable key service is retryable and must stay a 503; any other refusal means this wrapped
    // key does not belong to this context, which is the same fact as a failed tag.
    if (error instanceof DependencyUnavailableError) throw error;
    throw new SealError('The sealed box does not open under this context', { cause: error });
  }

  let plaintext: Buffer;
  try {
    if (dataKey.length !== KEY_BYTES) throw new SealError('The key service returned a malformed data key');
    const decipher = createDecipheriv(ALGORITHM, dataKey, parts.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(parts.tag);
    plaintext = Buffer.concat([decipher.update(parts.ct), decipher.final()]);
  } catch (error) {
    if (error instanceof SealError) throw error;
    throw new SealError('The sealed box does not open under this context');
  } finally {
    dataKey.fill(0);
  }

  try {
    return JSON.parse(plaintext.toString('utf8')) as T;
  } catch {
    // Unreachable for boxes written by seal(); the parser's own message would quote the plaintext.
    throw new SealError('The sealed box holds no JSON value');
  } finally {
    plaintext.fill(0);
  }
}

function serialise(value: unknown): Buffer {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    // The serialiser's message names the offending property path, which may be content.
    throw new SealError('The value cannot be serialised');
  }
  if (json === undefined) throw new SealError('The value has no JSON form');
  return Buffer.from(json, 'utf8');
}

type BoxBytes = { key: Buffer; iv: Buffer; ct: Buffer; tag: Buffer };

function decodeBox(box: SealedBox): BoxBytes {
  if (typeof box !== 'object' || box === null || box.v !== 1) throw new SealError('The sealed box is malformed');
  const key = strictBase64(box.key);
  const iv = strictBase64(box.iv);
  const ct = strictBase64(box.ct);
  const tag = strictBase64(box.tag);
  // A short tag would be accepted by GCM and weaken authentication; lengths are part of the format.
  if (key.length === 0 || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new SealError('The sealed box is malformed');
  }
  return { key, iv, ct, tag };
}

/** Buffer.from ignores stray characters; a box must be exactly what seal() wrote. */
function strictBase64(value: unknown): Buffer {
  if (typeof value !== 'string') throw new SealError('The sealed box is malformed');
  const bytes = Buffer.from(value, 'base64');
  if (bytes.toString('base64') !== value) throw new SealError('The sealed box is malformed');
  return bytes;
}

/**
 * One reader's key, open in memory for one request. Each part gets its own key, derived with HKDF-SHA256
 * from the data key and the context with the part's name (also the GCM additional data): a part moved to
 * another name, reader or alert does not open, and sealing any number of parts costs no key-service call.
 */
export class OpenKeyring {
  /**
   * HKDF-SHA256's extract step of the data key (RFC 5869, no salt), done once: each part's key is then one
   * HMAC (the expand step, a single block), the same bytes `hkdfSync` gives at about half the cost, which
   * counts when a meeting opens a hundred notes.
   */
  #prk: Buffer | undefined;

  private constructor(
    readonly context: EncryptionContext,
    /** The data key as wrapped by the key service (base64): what is stored beside the parts. */
    readonly wrapped: string,
    dataKey: Uint8Array,
  ) {
    if (dataKey.length !== KEY_BYTES) throw new SealError('The key service returned a malformed data key');
    this.#prk = createHmac('sha256', Buffer.alloc(KEY_BYTES)).update(dataKey).digest();
  }

  /** A new reader's key: one GenerateDataKey. */
  static async create(keys: KeyService, context: EncryptionContext): Promise<OpenKeyring> {
    requireContext(context);
    const dataKey = await keys.generateDataKey(context);
    try {
      return new OpenKeyring(context, Buffer.from(dataKey.encrypted).toString('base64'), dataKey.plaintext);
    } finally {
      dataKey.plaintext.fill(0);
    }
  }

  /** A stored reader's key: one Decrypt. A key that does not belong to this context is a SealError. */
  static async open(keys: KeyService, context: EncryptionContext, wrapped: string): Promise<OpenKeyring> {
    requireContext(context);
    const encrypted = strictBase64(wrapped);
    if (encrypted.length === 0) throw new SealError('The sealed box is malformed');
    let dataKey: Uint8Array;
    try {
      dataKey = await keys.decryptDataKey(encrypted, context);
    } catch (error) {
      if (error instanceof DependencyUnavailableError) throw error;
      throw new SealError('The sealed box does not open under this context', { cause: error });
    }
    try {
      return new OpenKeyring(context, wrapped, dataKey);
    } finally {
      dataKey.fill(0);
    }
  }

  seal(part: string, value: unknown): SealedPart {
    const plaintext = serialise(value);
    const { key, aad } = this.#derive(part);
    try {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad);
      const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return { iv: iv.toString('base64'), ct: ct.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
    } finally {
      key.fill(0);
      plaintext.fill(0);
    }
  }

  /** As `open`: the value is unchecked, and callers parse it with the contract's schema. */
  open<T = unknown>(part: string, box: SealedPart): T {
    const bytes = decodePart(box);
    const { key, aad } = this.#derive(part);
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv(ALGORITHM, key, bytes.iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad);
      decipher.setAuthTag(bytes.tag);
      plaintext = Buffer.concat([decipher.update(bytes.ct), decipher.final()]);
    } catch {
      throw new SealError('The sealed box does not open under this context');
    } finally {
      key.fill(0);
    }
    try {
      return JSON.parse(plaintext.toString('utf8')) as T;
    } catch {
      throw new SealError('The sealed box holds no JSON value');
    } finally {
      plaintext.fill(0);
    }
  }

  /** Zeroes the data key; the keyring seals and opens nothing after. */
  close(): void {
    this.#prk?.fill(0);
    this.#prk = undefined;
  }

  #derive(part: string): { key: Buffer; aad: Buffer } {
    if (this.#prk === undefined) throw new SealError('The keyring is closed');
    if (part.length === 0) throw new TypeError('A part needs a name');
    const aad = Buffer.from(canonicalContext({ ...this.context, part }), 'utf8');
    // HKDF-Expand for one 32-byte block: T(1) = HMAC(PRK, info || 0x01).
    const key = createHmac('sha256', this.#prk).update(aad).update(EXPAND_FIRST_BLOCK).digest();
    return { key, aad };
  }
}

/** Opens a keyring, runs `use`, and zeroes the key whatever happens. */
export async function withKeyring<T>(
  keys: KeyService,
  context: EncryptionContext,
  wrapped: string | undefined,
  use: (keyring: OpenKeyring) => T | Promise<T>,
): Promise<T> {
  const keyring = wrapped === undefined ? await OpenKeyring.create(keys, context) : await OpenKeyring.open(keys, context, wrapped);
  try {
    return await use(keyring);
  } finally {
    keyring.close();
  }
}

function requireContext(context: EncryptionContext): void {
  // An empty context would bind the key to nothing, letting it be moved anywhere unnoticed.
  if (Object.keys(context).length === 0) throw new TypeError('An encryption context is required');
  if ('part' in context) throw new TypeError('"part" is reserved for the part a key is derived for');
}

function decodePart(box: SealedPart): { iv: Buffer; ct: Buffer; tag: Buffer } {
  if (typeof box !== 'object' || box === null) throw new SealError('The sealed box is malformed');
  const iv = strictBase64(box.iv);
  const ct = strictBase64(box.ct);
  const tag = strictBase64(box.tag);
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SealError('The sealed box is malformed');
  return { iv, ct, tag };
}
