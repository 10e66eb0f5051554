import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DependencyUnavailableError, SealError } from '../../../functions/core/errors.js';
import type { DataKey, EncryptionContext, KeyService } from '../../../functions/core/ports.js';
import type { SealedBox } from '../../../functions/core/sealed-box.js';
import { canonicalContext, open, seal } from '../../../functions/core/sealing.js';
import { LocalKeyService } from '../../../local/local-key-service.js';

const CANARY = 'Test Child-Alpha canary-5c1e9a';
const context: EncryptionContext = {
  alertId: '3f0c7c1e-0000-4000-8000-000000000001',
  sendingArea: 'northumberland',
  scope: 'IDENTITY',
};
const child = { names: [CANARY], dateOfBirth: '2011-01-01', gender: 'not recorded' };

/** Flips one byte of one base64 field, keeping the encoding valid so only the bytes change. */
function flipByte(box: SealedBox, field: 'key' | 'iv' | 'ct' | 'tag', index = 0, mask = 0x01): SealedBox {
  const bytes = Buffer.from(box[field], 'base64');
  const at = index % bytes.length;
  bytes[at] = (bytes[at] ?? 0) ^ mask;
  return { ...box, [field]: bytes.toString('base64') };
}

/** A key service that ignores the context entirely: only the GCM additional data can catch a moved box. */
class ContextBlindKeyService implements KeyService {
  readonly handedOut: Uint8Array[] = [];
  private readonly keys = new Map<string, Buffer>();
  async generateDataKey(): Promise<DataKey> {
    const plaintext = Buffer.alloc(32, 7 + this.keys.size);
    const encrypted = Buffer.from(`key-${this.keys.size}`);
    this.keys.set(encrypted.toString(), Buffer.from(plaintext));
    this.handedOut.push(plaintext);
    return { plaintext, encrypted };
  }
  async decryptDataKey(encrypted: Uint8Array): Promise<Uint8Array> {
    const key = Buffer.from(this.keys.get(Buffer.from(encrypted).toString()) ?? Buffer.alloc(32));
    this.handedOut.push(key);
    return key;
  }
}

let dataDir: string;
let keys: LocalKeyService;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sealing-'));
  keys = await LocalKeyService.open(dataDir);
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('seal and open', () => {
  it('round-trips a value under its context', async () => {
    // Prepare
    const box = await seal(keys, context, child);

    // Act
    const opened = await open(keys, context, box);

    // Assess
    expect(opened).toEqual(child);
    expect(box.v).toBe(1);
    expect(Buffer.from(box.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(box.tag, 'base64')).toHaveLength(16);
  });

  it('opens under the same context given in another key order', async () => {
    // Prepare
    const box = await seal(keys, context, child);
    const reordered = { scope: context.scope!, alertId: context.alertId!, sendingArea: context.sendingArea! };

    // Act
    const opened = await open(keys, reordered, box);

    // Assess
    expect(opened).toEqual(child);
  });

  it('uses a fresh data key and IV for every box', async () => {
    // Prepare / Act
    const first = await seal(keys, context, child);
    const second = await seal(keys, context, child);

    // Assess
    expect(second.key).not.toBe(first.key);
    expect(second.iv).not.toBe(first.iv);
    expect(second.ct).not.toBe(first.ct);
  });

  it('never lets the plaintext into the serialised box', async () => {
    // Prepare
    const encodings = [CANARY, Buffer.from(CANARY).toString('base64'), Buffer.from(CANARY).toString('hex')];

    // Act
    const serialised = JSON.stringify(await seal(keys, context, child));

    // Assess
    for (const encoding of encodings) expect(serialised).not.toContain(encoding);
  });

  it.each([
    ['another alert', { ...context, alertId: '3f0c7c1e-0000-4000-8000-000000000002' }],
    ['another sending area', { ...context, sendingArea: 'north-tyneside' }],
    ['another scope', { ...context, scope: 'RISK' }],
    ['an extra entry', { ...context, extra: 'x' }],
    ['a missing entry', { alertId: context.alertId!, sendingArea: context.sendingArea! }],
  ])('refuses to open under %s', async (_label, wrong) => {
    // Prepare
    const box = await seal(keys, context, child);

    // Act
    const attempt = open(keys, wrong, box);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(SealError);
  });

  it('binds the context as GCM additional data even when the key service ignores it', async () => {
    // Prepare
    const blind = new ContextBlindKeyService();
    const box = await seal(blind, context, child);

    // Act
    const moved = open(blind, { ...context, scope: 'RISK' }, box);

    // Assess
    await expect(moved).rejects.toBeInstanceOf(SealError);
    await expect(open(blind, context, box)).resolves.toEqual(child);
  });

  it.each(['key', 'iv', 'ct', 'tag'] as const)('refuses a box whose %s was tampered with', async (field) => {
    // Prepare
    const box = await seal(keys, context, child);

    // Act
    const attempt = open(keys, context, flipByte(box, field));

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(SealError);
  });

  it('refuses truncated tags, malformed base64 and unknown versions', async () => {
    // Prepare
    const box = await seal(keys, context, child);
    const tag = Buffer.from(box.tag, 'base64');
    const variants: SealedBox[] = [
      { ...box, tag: tag.subarray(0, 12).toString('base64') },
      { ...box, ct: `${box.ct}!` },
      { ...box, iv: '' },
      { ...box, v: 2 as 1 },
    ];

    // Act
    const outcomes = await Promise.allSettled(variants.map((variant) => open(keys, context, variant)));

    // Assess
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(SealError);
    }
  });

  it('says nothing about the content when a box does not open', async () => {
    // Prepare
    const box = await seal(keys, context, child);

    // Act
    const error = await open(keys, { ...context, scope: 'RISK' }, flipByte(box, 'ct')).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SealError);
    const text = `${String(error)} ${JSON.stringify(error)} ${String((error as Error).cause)}`;
    expect(text).not.toContain(CANARY);
    expect(text).not.toContain(context.alertId);
  });

  it('zeroes the plaintext data keys it was handed', async () => {
    // Prepare
    const blind = new ContextBlindKeyService();

    // Act
    await open(blind, context, await seal(blind, context, child));

    // Assess
    expect(blind.handedOut).toHaveLength(2);
    for (const key of blind.handedOut) expect(key.every((byte) => byte === 0)).toBe(true);
  });

  it('lets a key service outage through unchanged, so it stays a 503', async () => {
    // Prepare
    const outage = new DependencyUnavailableError('key-service');
    const down: KeyService = {
      generateDataKey: () => Promise.reject(outage),
      decryptDataKey: () => Promise.reject(outage),
    };
    const box = await seal(keys, context, child);

    // Act / Assess
    await expect(seal(down, context, child)).rejects.toBe(outage);
    await expect(open(down, context, box)).rejects.toBe(outage);
  });

  it('refuses an empty context and values with no JSON form', async () => {
    // Act / Assess
    await expect(seal(keys, {}, child)).rejects.toBeInstanceOf(TypeError);
    await expect(seal(keys, context, undefined)).rejects.toBeInstanceOf(SealError);
    const circular: Record<string, unknown> = { name: CANARY };
    circular.self = circular;
    const error = await seal(keys, context, circular).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SealError);
    expect(String(error)).not.toContain('self');
  });

  it('round-trips any JSON value, and any single flipped ciphertext byte is refused', async () => {
    // Prepare
    const property = fc.asyncProperty(fc.jsonValue(), fc.nat(), fc.integer({ min: 1, max: 255 }), async (value, index, mask) => {
      // Act
      const box = await seal(keys, context, value);
      const opened = await open(keys, context, box);
      const tampered = open(keys, context, flipByte(box, 'ct', index, mask));

      // Assess
      expect(opened).toEqual(JSON.parse(JSON.stringify(value)));
      await expect(tampered).rejects.toBeInstanceOf(SealError);
    });

    await fc.assert(property, { numRuns: 300 });
  });
});

describe('canonicalContext', () => {
  it('is independent of key order, including integer-like keys', () => {
    // Prepare
    const a = { b: '1', '10': 'x', a: '2', '2': 'y' };
    const b = { '2': 'y', a: '2', '10': 'x', b: '1' };

    // Act / Assess
    expect(canonicalContext(a)).toBe(canonicalContext(b));
    expect(canonicalContext(a)).toBe('{"10":"x","2":"y","a":"2","b":"1"}');
  });

  it('rejects non-string values, which KMS would also refuse', () => {
    // Act / Assess
    expect(() => canonicalContext({ n: 1 } as unknown as EncryptionContext)).toThrow(TypeError);
  });
});
