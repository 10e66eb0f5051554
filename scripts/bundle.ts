/**
 * Bundles every handler module in functions/handlers/ the way the CDK stack's NodejsFunction does for
 * Lambda (esbuild, ESM, minified, node24), then measures each bundle's size and its import time in a fresh
 * Node process, the closest offline proxy for a cold start's init phase.
 *
 * The console's bundle also gets what the stack lays beside it (views, GOV.UK Frontend's templates, built
 * assets: scripts/build-console.ts), so the bundle under test is the package Lambda runs.
 *
 * `npm run bundle [-- <outDir>]` prints a table; the benchmark and the bundle budget test call
 * bundleFunctions().
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { buildConsoleBundleFiles } from './build-console.js';

export type FunctionBundle = {
  /** The handler module's name, e.g. `create-alert`. */
  readonly name: string;
  /** Size in bytes of the minified `.mjs` (the external source map is not counted). */
  readonly bytes: number;
  /** Median over IMPORT_RUNS fresh processes of the time `await import(bundle)` took. */
  readonly importMs: number;
  /** Every source file esbuild put in the bundle, relative to the repository root. */
  readonly inputs: readonly string[];
};

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HANDLERS_DIR = join(ROOT, 'functions', 'handlers');
const IMPORT_RUNS = 3;

/** The same banner the stack gives NodejsFunction: some CommonJS dependencies call require() in an ESM bundle. */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * esbuild options matching the Lambda bundles. The AWS SDK v3 is bundled, not external: the SDK built
 * into the nodejs24.x runtime is whatever version AWS last shipped there and drifts under us, so the
 * version we test against (package-lock.json) is the version that runs.
 */
export function lambdaBuildOptions(): BuildOptions {
  return {
    platform: 'node',
    target: 'node24',
    format: 'esm',
    bundle: true,
    minify: true,
    sourcemap: 'external',
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    outExtension: { '.js': '.mjs' },
    logLevel: 'silent',
    legalComments: 'none',
  };
}

/** The one function whose bundle carries its own files beside `index.mjs` (scripts/build-console.ts). */
export const CONSOLE_FUNCTION = 'console';

/**
 * Packages only the console's bundle may carry: the Secrets Manager client, with which
 * functions/shared/lambda-environment.ts fetches the console's OpenID client secret. That module is in every
 * function, so every other bundle leaves these out (external, and never loaded: no other function has the
 * secret's variable) rather than carry some 300 KB it never runs.
 */
export const CONSOLE_ONLY_PACKAGES = ['@aws-lambda-powertools/parameters', '@aws-sdk/client-secrets-manager'] as const;

/** The functions that read a secret from Secrets Manager: the console (its OpenID client's) and the notification sender (Notify's key). */
export const SECRET_READERS: readonly string[] = [CONSOLE_FUNCTION, 'notification-sender'];

/** What a function's bundle leaves out; the stack's NodejsFunction (externalModules) and bundleFunctions() agree. */
export function externalPackagesOf(name: string): string[] {
  return SECRET_READERS.includes(name) ? [] : [...CONSOLE_ONLY_PACKAGES];
}

/** A deployed function's configuration (read on its first invocation, not at import), with harmless values. */
export const IMPORT_ENV: Readonly<Record<string, string>> = {
  ALERTS_TABLE: 'mset-hub-alerts',
  AUDIT_TABLE: 'mset-hub-audit',
  IDEMPOTENCY_TABLE: 'mset-hub-idempotency',
  MEETINGS_TABLE: 'mset-hub-meetings',
  KMS_KEY_ID: 'dummy',
  AUDIT_QUEUE_URL: 'https://sqs.eu-west-2.amazonaws.com/000000000000/x.fifo',
  AWS_REGION: 'eu-west-2',
  AWS_EC2_METADATA_DISABLED: 'true',
  // The SDK reads no credentials at import; these only make sure nothing on this machine is picked up.
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
};

export async function handlerNames(): Promise<string[]> {
  const files = await readdir(HANDLERS_DIR);
  return files
    .filter((file) => file.endsWith('.ts'))
    .map((file) => basename(file, '.ts'))
    .sort();
}

/** Builds every handler into `outDir` and returns its size and import time. */
export async function bundleFunctions(
  outDir: string,
  options: { measureImport?: boolean; consoleFiles?: boolean } = {},
): Promise<FunctionBundle[]> {
  const measureImport = options.measureImport ?? true;
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const names = await handlerNames();
  // One build per function, as each Lambda gets its own bundle (no shared chunks).
  const inputs = await Promise.all(
    names.map(async (name) => {
      const { metafile } = await build({
        ...lambdaBuildOptions(),
        entryPoints: [join(HANDLERS_DIR, `${name}.ts`)],
        outfile: join(dir, name, 'index.mjs'),
        absWorkingDir: ROOT,
        external: externalPackagesOf(name),
        metafile: true,
      });
      return Object.keys(metafile?.inputs ?? {}).sort();
    }),
  );
  if ((options.consoleFiles ?? true) && names.includes(CONSOLE_FUNCTION)) await buildConsoleBundleFiles(join(dir, CONSOLE_FUNCTION));
  const results: FunctionBundle[] = [];
  // Sequential, so the processes do not compete for the CPU and distort each other's times.
  for (const [index, name] of names.entries()) {
    const file = join(dir, name, 'index.mjs');
    const { size } = await stat(file);
    results.push({ name, bytes: size, importMs: measureImport ? await medianImportMs(file) : Number.NaN, inputs: inputs[index] ?? [] });
  }
  return results;
}

async function medianImportMs(file: string): Promise<number> {
  const samples: number[] = [];
  for (let run = 0; run < IMPORT_RUNS; run += 1) samples.push(await importMsInFreshProcess(file));
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] as number;
}

function importMsInFreshProcess(file: string): Promise<number> {
  const script = [
    `const url = ${JSON.stringify(pathToFileURL(file).href)};`,
    'const start = performance.now();',
    'await import(url);',
    'const ms = performance.now() - start;',
    'process.stdout.write(JSON.stringify({ ms }));',
    // Handlers may hold sockets or timers open; the measurement is done.
    'process.exit(0);',
  ].join('\n');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env['PATH'] ?? '', ...IMPORT_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) {
        reject(new Error(`Importing ${basename(dirname(file))} failed (exit ${code}): ${stderr.slice(0, 2000)}`));
        return;
      }
      try {
        resolvePromise((JSON.parse(stdout) as { ms: number }).ms);
      } catch {
        reject(new Error(`Importing ${basename(dirname(file))} printed no timing: ${stdout.slice(0, 200)}`));
      }
    });
  });
}

export function formatBundleTable(bundles: readonly FunctionBundle[]): string {
  const rows = bundles.map((b) => [b.name, (b.bytes / 1024).toFixed(1), Number.isNaN(b.importMs) ? '-' : b.importMs.toFixed(1)]);
  const header = ['function', 'size KB', 'import ms'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] as number) : cell.padStart(widths[column] as number)))
      .join('  ');
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const outDir = process.argv[2] ?? join(ROOT, '.bench', 'bundles');
  await rm(outDir, { recursive: true, force: true });
  const started = performance.now();
  const bundles = await bundleFunctions(outDir);
  console.log(formatBundleTable(bundles));
  console.log(`\n${bundles.length} bundles in ${outDir} (node ${process.version}, ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
