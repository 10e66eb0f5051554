import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalIdentityProvider } from '../../../local/identity-provider.js';

const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));

type Run = { code: number; stdout: string; stderr: string };

function runTokenCli(args: string[], dataDir: string): Promise<Run> {
  return new Promise((resolvePromise) => {
    execFile(
      'npx',
      ['tsx', 'local/token-cli.ts', ...args],
      { cwd: projectRoot, env: { ...process.env, HUB_DATA_DIR: dataDir }, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolvePromise({ code, stdout, stderr });
      },
    );
  });
}

describe('token CLI', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mset-token-cli-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints only a token that the identity provider on the same data directory accepts', async () => {
    // Prepare
    const args = ['--area', 'north-tyneside', '--role', 'police,coordinator', '--role', 'chair', '--expires-in', '600'];

    // Act
    const run = await runTokenCli(args, dataDir);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const provider = await LocalIdentityProvider.open(dataDir);
    const payload = await provider.verify(run.stdout.trim());
    expect(payload).toMatchObject({
      area: 'north-tyneside',
      agency: 'police',
      roles: ['police', 'coordinator', 'chair'],
    });
    expect((payload['exp'] as number) - (payload['iat'] as number)).toBe(600);
  });

  // Independent processes: run side by side to keep the suite quick.
  it.concurrent.for<[string, string[]]>([
    ['no area', ['--role', 'police']],
    ['an unknown role', ['--area', 'gateshead', '--role', 'superuser']],
    ['an unknown option', ['--area', 'gateshead', '--role', 'police', '--colour', 'blue']],
  ])('exits 2 with usage on stderr and nothing on stdout given %s', async ([_label, args], { expect }) => {
    // Act
    const run = await runTokenCli(args, dataDir);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('usage:');
  });
});
