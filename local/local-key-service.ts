/**
 * The local hub's KMS: GenerateDataKey and Decrypt with an encryption context, under a master key that is
 * generated once into the data directory. A wrapped key is iv | tag | ciphertext, the context its GCM
 * additional data, so a key presented under another context is refused exactly where KMS would refuse it.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { link, mkdir, open as openFile, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidCiphertextError } from '../functions/adapters/errors.js';
import type { DataKey, EncryptionContext, KeyService } from '../functions/core/ports.js';
import { canonicalContext } from '../functions/core/sealing.js';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const WRAPPED_BYTES = IV_BYTES + TAG_BYTES + KEY_BYTES;

export class LocalKeyService implements KeyService {
  private constructor(private readonly masterKey: Buffer) {}

  /** Loads `<dataDir>/kms/master.key`, creating it (0600, in a 0700 directory) on first use. */
  static async open(dataDir: string): Promise<LocalKeyService> {
    const dir = join(dataDir, 'kms');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, 'master.key');
    const existing = await readMasterKey(path);
    if (existing) return new LocalKeyService(existing);
    return new LocalKeyService(await createMasterKey(path));
  }

  async generateDataKey(context: EncryptionContext): Promise<DataKey> {
    const plaintext = randomBytes(KEY_BYTES);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.masterKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(canonicalContext(context), 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { plaintext, encrypted: Buffer.concat([iv, cipher.getAuthTag(), ct]) };
  }

  async decryptDataKey(encrypted: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    const aad = Buffer.from(canonicalContext(context), 'utf8');
    if (encrypted.length !== WRAPPED_BYTES) throw new InvalidCiphertextError();
    const bytes = Buffer.from(encrypted);
    try {
      const decipher = createDecipheriv(ALGORITHM, this.masterKey, bytes.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(aad);
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      throw new InvalidCiphertextError();
    }
  }
}

async function readMasterKey(path: string): Promise<Buffer | undefined> {
  let key: Buffer;
  try {
    key = await readFile(path);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
  // A truncated key would silently strand every record sealed under the real one; refuse to start instead.
  if (key.length !== KEY_BYTES) throw new Error(`The local master key at ${path} is corrupt`);
  return key;
}

/**
 * Written to a private temporary file, synced, then hard-linked into place: link fails if the name exists,
 * so two processes starting together on an empty directory agree on one key and neither sees half a file.
 */
async function createMasterKey(path: string): Promise<Buffer> {
  const key = randomBytes(KEY_BYTES);
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await openFile(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(key);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temporary, path);
    return key;
  } catch (error) {
    if (!isErrno(error, 'EEXIST')) throw error;
    key.fill(0);
    const winner = await readMasterKey(path);
    if (!winner) throw error;
    return winner;
  } finally {
    await rm(temporary, { force: true });
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

/**
 * The local key service as the hub wires it: the master key is read from disk on first use, and a failed
 * read is tried again on the next request rather than remembered.
 */
export function lazyLocalKeyService(dataDir: string): KeyService {
  let opening: Promise<LocalKeyService> | undefined;
  const open = () => {
    opening ??= LocalKeyService.open(dataDir).catch((error: unknown) => {
      opening = undefined;
      throw error;
    });
    return opening;
  };
  return {
    generateDataKey: async (context: EncryptionContext) => (await open()).generateDataKey(context),
    decryptDataKey: async (encrypted: Uint8Array, context: EncryptionContext) => (await open()).decryptDataKey(encrypted, context),
  };
}
