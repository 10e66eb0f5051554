import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidCiphertextError } from '../../../functions/adapters/errors.js';
import type { EncryptionContext } from '../../../functions/core/ports.js';
import { LocalKeyService } from '../../../local/local-key-service.js';

const context: EncryptionContext = {
  alertId: '3f0c7c1e-0000-4000-8000-000000000001',
  sendingArea: 'northumberland',
  scope: 'RISK',
};

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'local-kms-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('LocalKeyService', () => {
  it('generates a 32-byte data key that decrypts under the same context, in any key order', async () => {
    // Prepare
    const keys = await LocalKeyService.open(dataDir);

    // Act
    const dataKey = await keys.generateDataKey(context);
    const reordered = { scope: 'RISK', sendingArea: 'northumberland', alertId: context.alertId! };
    const decrypted = await keys.decryptDataKey(dataKey.encrypted, reordered);

    // Assess
    expect(dataKey.plaintext).toHaveLength(32);
    expect(dataKey.encrypted).toHaveLength(12 + 16 + 32);
    expect(Buffer.from(decrypted).equals(Buffer.from(dataKey.plaintext))).toBe(true);
    expect(Buffer.from(dataKey.encrypted).includes(Buffer.from(dataKey.plaintext))).toBe(false);
  });

  it.each([
    ['another alert', { ...context, alertId: '3f0c7c1e-0000-4000-8000-000000000002' }],
    ['another area', { ...context, sendingArea: 'gateshead' }],
    ['another scope', { ...context, scope: 'IDENTITY' }],
    ['no context', {}],
  ])('refuses the wrapped key under %s, as KMS would', async (_label, wrong: EncryptionContext) => {
    // Prepare
    const keys = await LocalKeyService.open(dataDir);
    const dataKey = await keys.generateDataKey(context);

    // Act
    const attempt = keys.decryptDataKey(dataKey.encrypted, wrong);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidCiphertextError);
  });

  it.each([
    ['iv', 0],
    ['tag', 12],
    ['ciphertext', 28],
  ])('refuses a wrapped key whose %s was tampered with', async (_label, offset) => {
    // Prepare
    const keys = await LocalKeyService.open(dataDir);
    const tampered = Buffer.from((await keys.generateDataKey(context)).encrypted);
    tampered[offset] = (tampered[offset] ?? 0) ^ 0x80;

    // Act / Assess
    await expect(keys.decryptDataKey(tampered, context)).rejects.toBeInstanceOf(InvalidCiphertextError);
  });

  it('refuses a wrapped key of the wrong length', async () => {
    // Prepare
    const keys = await LocalKeyService.open(dataDir);
    const wrapped = Buffer.from((await keys.generateDataKey(context)).encrypted);

    // Act / Assess
    await expect(keys.decryptDataKey(wrapped.subarray(0, 59), context)).rejects.toBeInstanceOf(InvalidCiphertextError);
    await expect(keys.decryptDataKey(Buffer.concat([wrapped, Buffer.from([0])]), context)).rejects.toBeInstanceOf(InvalidCiphertextError);
  });

  it('writes a 32-byte master key once, readable by its owner only, and leaves no temporary files', async () => {
    // Act
    await LocalKeyService.open(dataDir);

    // Assess
    const path = join(dataDir, 'kms', 'master.key');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'kms'))).mode & 0o077).toBe(0);
    expect(await readFile(path)).toHaveLength(32);
    expect(await readdir(join(dataDir, 'kms'))).toEqual(['master.key']);
  });

  it('keeps the master key across restarts, so earlier data keys still decrypt', async () => {
    // Prepare
    const first = await LocalKeyService.open(dataDir);
    const dataKey = await first.generateDataKey(context);
    const before = await readFile(join(dataDir, 'kms', 'master.key'));

    // Act
    const second = await LocalKeyService.open(dataDir);
    const decrypted = await second.decryptDataKey(dataKey.encrypted, context);

    // Assess
    expect(Buffer.from(decrypted).equals(Buffer.from(dataKey.plaintext))).toBe(true);
    expect((await readFile(join(dataDir, 'kms', 'master.key'))).equals(before)).toBe(true);
  });

  it('agrees on one master key when two processes start together on an empty directory', async () => {
    // Act
    const [a, b] = await Promise.all([LocalKeyService.open(dataDir), LocalKeyService.open(dataDir)]);
    const dataKey = await a.generateDataKey(context);

    // Assess
    await expect(b.decryptDataKey(dataKey.encrypted, context)).resolves.toEqual(dataKey.plaintext);
  });

  it('refuses data keys wrapped under another data directory', async () => {
    // Prepare
    const otherDir = await mkdtemp(join(tmpdir(), 'local-kms-other-'));
    try {
      const here = await LocalKeyService.open(dataDir);
      const there = await LocalKeyService.open(otherDir);
      const dataKey = await there.generateDataKey(context);

      // Act / Assess
      await expect(here.decryptDataKey(dataKey.encrypted, context)).rejects.toBeInstanceOf(InvalidCiphertextError);
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it('refuses to start on a corrupt master key rather than strand existing data', async () => {
    // Prepare
    await LocalKeyService.open(dataDir);
    await writeFile(join(dataDir, 'kms', 'master.key'), Buffer.alloc(16));

    // Act / Assess
    await expect(LocalKeyService.open(dataDir)).rejects.toThrow(/corrupt/);
  });
});
