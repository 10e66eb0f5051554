import { createCipheriv, hkdfSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SealError } from '../../../functions/core/errors.js';
import type { DataKey, EncryptionContext, KeyService } from '../../../functions/core/ports.js';
import type { SealedPart } from '../../../functions/core/sealed-box.js';
import { canonicalContext, OpenKeyring, withKeyring } from '../../../functions/core/sealing.js';
import { LocalKeyService } from '../../../local/local-key-service.js';

const CANARY = 'Test Child-Alpha keyring-canary-7d2e';
const context: EncryptionContext = { alertId: 'a-1', sendingArea: 'northumberland', readerArea: 'north-tyneside' };

/** Counts the key service's calls, and can ignore context (so only the additional data protects). */
class CountingKeyService implements KeyService {
  generated = 0;
  decrypted = 0;
  readonly handedOut: Uint8Array[] = [];
  constructor(private readonly inner: KeyService) {}
  async generateDataKey(c: EncryptionContext): Promise<DataKey> {
    this.generated += 1;
    const key = await this.inner.generateDataKey(c);
    this.handedOut.push(key.plaintext);
    return key;
  }
  async decryptDataKey(encrypted: Uint8Array, c: EncryptionContext): Promise<Uint8Array> {
    this.decrypted += 1;
    const key = await this.inner.decryptDataKey(encrypted, c);
    this.handedOut.push(key);
    return key;
  }
}

class ContextBlindKeyService implements KeyService {
  private readonly stored = new Map<string, Buffer>();
  async generateDataKey(): Promise<DataKey> {
    const plaintext = Buffer.alloc(32, 3 + this.stored.size);
    const encrypted = Buffer.from(`key-${this.stored.size}`);
    this.stored.set(encrypted.toString(), Buffer.from(plaintext));
    return { plaintext, encrypted };
  }
  async decryptDataKey(encrypted: Uint8Array): Promise<Uint8Array> {
    return Buffer.from(this.stored.get(Buffer.from(encrypted).toString()) ?? Buffer.alloc(32));
  }
}

let dataDir: string;
let local: LocalKeyService;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'keyring-'));
  local = await LocalKeyService.open(dataDir);
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('a reader keyring', () => {
  it('seals any number of parts for one GenerateDataKey and opens them all for one Decrypt', async () => {
    const keys = new CountingKeyService(local);
    const parts = Array.from({ length: 25 }, (_, index) => `NOTE:${index}`);

    const { wrapped, sealed } = await withKeyring(keys, context, undefined, (keyring) => ({
      wrapped: keyring.wrapped,
      sealed: parts.map((part) => keyring.seal(part, { text: `${CANARY} ${part}` })),
    }));
    const opened = await withKeyring(keys, context, wrapped, (keyring) =>
      parts.map((part, index) => keyring.open(part, sealed[index] as SealedPart)),
    );

    expect(keys.generated).toBe(1);
    expect(keys.decrypted).toBe(1);
    expect(opened).toEqual(parts.map((part) => ({ text: `${CANARY} ${part}` })));
    expect(JSON.stringify(sealed)).not.toContain('keyring-canary');
  });

  it('zeroes every data key it was handed once the keyring closes', async () => {
    const keys = new CountingKeyService(local);
    const wrapped = await withKeyring(keys, context, undefined, (keyring) => keyring.wrapped);
    await withKeyring(keys, context, wrapped, () => undefined);

    expect(keys.handedOut).toHaveLength(2);
    for (const key of keys.handedOut) expect(Buffer.from(key).every((byte) => byte === 0)).toBe(true);
  });

  it('refuses to seal or open after it is closed', async () => {
    const keyring = await OpenKeyring.create(local, context);
    const box = keyring.seal('IDENTITY', CANARY);
    keyring.close();

    expect(() => keyring.seal('IDENTITY', CANARY)).toThrow(SealError);
    expect(() => keyring.open('IDENTITY', box)).toThrow(SealError);
  });

  it('does not open a part under another part name, reader or alert, even when the key service ignores context', async () => {
    const blind = new ContextBlindKeyService();
    const { wrapped, box } = await withKeyring(blind, context, undefined, (keyring) => ({
      wrapped: keyring.wrapped,
      box: keyring.seal('IDENTITY', CANARY),
    }));

    await expect(withKeyring(blind, context, wrapped, (keyring) => keyring.open('LOCATIONS', box))).rejects.toThrow(SealError);
    for (const moved of [
      { ...context, readerArea: 'newcastle' },
      { ...context, alertId: 'a-2' },
      { ...context, sendingArea: 'north-tyneside' },
    ]) {
      await expect(withKeyring(blind, moved, wrapped, (keyring) => keyring.open('IDENTITY', box))).rejects.toThrow(SealError);
    }
    await expect(withKeyring(blind, context, wrapped, (keyring) => keyring.open('IDENTITY', box))).resolves.toBe(CANARY);
  });

  it('does not open a wrapped key under another context with the real local key service', async () => {
    const wrapped = await withKeyring(local, context, undefined, (keyring) => keyring.wrapped);

    await expect(OpenKeyring.open(local, { ...context, readerArea: 'newcastle' }, wrapped)).rejects.toThrow(SealError);
  });

  it('reports any changed byte of a part as a SealError that quotes nothing', async () => {
    const keyring = await OpenKeyring.create(local, context);
    const box = keyring.seal('RISK', { summary: CANARY });
    try {
      fc.assert(
        fc.property(
          fc.constantFrom('iv', 'ct', 'tag') as fc.Arbitrary<keyof SealedPart>,
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          (field, index, mask) => {
            const bytes = Buffer.from(box[field], 'base64');
            const at = index % bytes.length;
            bytes[at] = (bytes[at] ?? 0) ^ mask;
            const changed = { ...box, [field]: bytes.toString('base64') };
            let thrown: unknown;
            try {
              keyring.open('RISK', changed);
            } catch (error) {
              thrown = error;
            }
            expect(thrown).toBeInstanceOf(SealError);
            expect(String((thrown as Error).message)).not.toContain('keyring-canary');
          },
        ),
        { numRuns: 300 },
      );
    } finally {
      keyring.close();
    }
  });

  it('refuses malformed parts and contexts', async () => {
    const keyring = await OpenKeyring.create(local, context);
    const box = keyring.seal('RISK', 1);
    try {
      expect(() => keyring.open('RISK', { ...box, iv: `${box.iv}!` })).toThrow(SealError);
      expect(() => keyring.open('RISK', { ...box, tag: box.tag.slice(0, 8) })).toThrow(SealError);
      expect(() => keyring.open('RISK', null as unknown as SealedPart)).toThrow(SealError);
      expect(() => keyring.seal('', 1)).toThrow(TypeError);
    } finally {
      keyring.close();
    }
    await expect(OpenKeyring.create(local, {})).rejects.toThrow(TypeError);
    await expect(OpenKeyring.create(local, { ...context, part: 'x' })).rejects.toThrow(TypeError);
    await expect(OpenKeyring.open(local, context, 'not base64!')).rejects.toThrow(SealError);
  });
});

describe("a part's key", () => {
  it('is HKDF-SHA256 of the data key with the context and part as info, exactly: parts sealed so still open', async () => {
    // Prepare: a data key known to the test (a key service that hands out a fixed one), and a part sealed
    // by hand under hkdfSync's key, as RFC 5869 defines it
    const fixed = Buffer.alloc(32, 7);
    const keys: KeyService = {
      generateDataKey: async () => ({ plaintext: Buffer.from(fixed), encrypted: Buffer.from('wrapped') }),
      decryptDataKey: async () => Buffer.from(fixed),
    };
    const aad = Buffer.from(canonicalContext({ ...context, part: 'NOTE:action-1:1' }), 'utf8');
    const key = Buffer.from(hkdfSync('sha256', fixed, Buffer.alloc(0), aad, 32));
    const iv = Buffer.alloc(12, 9);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    cipher.setAAD(aad);
    const ct = Buffer.concat([cipher.update(JSON.stringify({ text: CANARY })), cipher.final()]);
    const part: SealedPart = { iv: iv.toString('base64'), ct: ct.toString('base64'), tag: cipher.getAuthTag().toString('base64') };

    // Act
    const opened = await withKeyring(keys, context, Buffer.from('wrapped').toString('base64'), (keyring) =>
      keyring.open('NOTE:action-1:1', part),
    );

    // Assess
    expect(opened).toEqual({ text: CANARY });
  });
});
