/**
 * The local hub's cache of built console assets (functions/console/assets.ts ensureConsoleAssets), as two
 * hubs in two processes meet it: each builds on an empty cache, and the one that finishes second must leave
 * the first one's folder in place, since that hub may already be serving from it.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { MANIFEST_FILE } from '../../../functions/console/render.js';

const caches: string[] = [];

afterAll(async () => {
  await Promise.all(caches.map((cache) => rm(cache, { recursive: true, force: true })));
});

/** A fresh instance of the module, as another process has: its own record of the builds it started. */
async function anotherProcess() {
  vi.resetModules();
  return import('../../../functions/console/assets.js');
}

describe('the console assets cache', () => {
  it('keeps the first finished build when two processes build on an empty cache at once', async () => {
    // Prepare
    const cache = await mkdtemp(join(tmpdir(), 'mset-console-asset-cache-'));
    caches.push(cache);
    const [one, two] = [await anotherProcess(), await anotherProcess()];
    const inodes: number[] = [];
    const ensure = (module: typeof one) =>
      module.ensureConsoleAssets(cache).then(async (dir) => {
        inodes.push((await stat(dir)).ino);
        return dir;
      });

    // Act
    const [first, second] = await Promise.all([ensure(one), ensure(two)]);

    // Assess: one folder, the one the first to finish put there, whole; nothing of the other left over
    expect(second).toBe(first);
    expect((await stat(first)).ino).toBe(inodes[0]);
    const manifest = JSON.parse(await readFile(join(first, MANIFEST_FILE), 'utf8')) as Record<string, string>;
    for (const served of Object.values(manifest)) expect((await stat(join(first, served))).isFile()).toBe(true);
    expect(await readdir(cache)).toEqual([first.slice(cache.length + 1)]);
  }, 60_000);
});
