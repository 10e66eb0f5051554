/**
 * Envelope encryption of child content: one data key per sealed box, AES-256-GCM, and the encryption
 * context bound twice (by the key service to the wrapped data key, and here as the GCM additional data), so
 * a box copied to another alert, area or scope does not open even under a key service that ignored context.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DependencyUnavailableError, SealError } from './errors.js';
import type { EncryptionContext, KeyService } from './ports.js';
import type { SealedBox } from './sealed-box.js';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

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
