/**
 * Runs a built console bundle (scripts/bundle.ts buildConsoleFunction: index.mjs, its lazy chunks, its
 * compiled templates and assets) in a fresh Node process, signed in, against a local hub's data: what a cold
 * Lambda container does with a person's first requests. A section's pages are a chunk loaded by the first
 * request under its path, and only a signed-in request gets that far, so this is how a chunk that does not
 * link (a file missing, a second instance of a module, the templates not where the function looks) shows
 * before AWS. Free of vitest, so the bench can use it too.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { TableNames } from '../../functions/adapters/dynamodb/tables.js';
import type { SentMessage } from '../../functions/console/ports.js';
import { IMPORT_ENV } from '../../scripts/bundle.js';
import { jsonAnswer, runNode } from '../../scripts/node-process.js';

const RUNNER_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'console-bundle-runner.ts');

export type ConsoleCall = {
  readonly method: 'GET' | 'POST';
  /** The path, with a query if any. */
  readonly path: string;
  /** A POST's fields, sent as a form. */
  readonly form?: Readonly<Record<string, string>>;
};

/** What the runner is given (as JSON in its environment). */
export type ConsoleRun = {
  /** File URL of the bundle's index.mjs. */
  readonly bundle: string;
  /** The function's folder, as Lambda unpacks it (LAMBDA_TASK_ROOT). */
  readonly consoleDir: string;
  /** The hub's data directory, for its key service's master key. */
  readonly dataDir: string;
  readonly tables: TableNames;
  /** The session cookie's value, from a sign-in against the hub. */
  readonly sessionToken: string;
  readonly requests: readonly ConsoleCall[];
  /** The local hub's mail outbox, for the /outbox page; without it that page is not found, as on AWS. */
  readonly sentMail?: readonly SentMessage[];
};

export type ConsoleRunResult = {
  /** Wall and CPU time of `await import(index.mjs)`. */
  readonly importMs: number;
  readonly importCpuMs: number;
  /** Each response, with the wall and CPU time from the start of the import to its end. */
  readonly responses: readonly {
    readonly status: number;
    readonly headers: Readonly<Record<string, string>>;
    readonly cookies: readonly string[];
    readonly body: string;
    readonly ms: number;
    readonly cpuMs: number;
  }[];
  /** The audit messages the pages sent. */
  readonly audited: readonly string[];
};

/** Builds the runner into one self-contained file (Node builtins only), so the process under test loads no TypeScript loader. */
export async function buildConsoleRunner(outFile: string): Promise<string> {
  await build({
    entryPoints: [RUNNER_SOURCE],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    logLevel: 'silent',
  });
  return resolve(outFile);
}

export type ConsoleBundleRun = Omit<ConsoleRun, 'bundle'> & { readonly runner: string; readonly dynamoEndpoint: string };

/** Imports the console bundle in `consoleDir` in a fresh process and hands it the requests, one after another. */
export async function runConsoleBundle(options: ConsoleBundleRun): Promise<ConsoleRunResult> {
  const { runner, dynamoEndpoint, ...rest } = options;
  const run: ConsoleRun = { ...rest, bundle: pathToFileURL(join(options.consoleDir, 'index.mjs')).href };
  const result = await runNode([runner], {
    cwd: options.consoleDir,
    env: {
      ...IMPORT_ENV,
      // The bundle's own DynamoDB client, sent to dynalite: the SDK reads this for a client given no endpoint.
      AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
      LAMBDA_TASK_ROOT: options.consoleDir,
      // Its page log lines would share stdout with the result.
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      CONSOLE_RUN: JSON.stringify(run),
    },
  });
  return jsonAnswer<ConsoleRunResult>(result, 'The console bundle');
}
