/**
 * Bundles every handler module in functions/handlers/ the way the CDK stack's NodejsFunction does for
 * Lambda (esbuild, ESM, minified, node24), then measures each bundle's size and its import time in a fresh
 * Node process, the closest offline proxy for a cold start's init phase.
 *
 * Beside each function it builds a baseline: a bundle holding only the AWS clients the function carries
 * (found in esbuild's metafile), held as the function holds them (imported, or behind an import()), with the
 * same options. The two are
 * imported alternately, the same number of times, so the ratio of their medians says what the hub's own code
 * (zod contracts, middleware, use cases) adds to a cold start over the SDK it cannot do without, on a machine
 * whose load comes and goes.
 *
 * The console's bundle is then rebuilt as the stack rebuilds it, split into chunks with its compiled templates
 * and built assets beside it (buildConsoleFunction), so the bundle under test is the package Lambda runs.
 *
 * `npm run bundle [-- <outDir>]` prints a table; the benchmark and the bundle budget test call
 * bundleFunctions().
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { buildConsoleBundleFiles } from './build-console.js';
import { pinnedCpu, runNodeJson } from './node-process.js';

export type FunctionBundle = {
  /** The handler module's name, e.g. `create-alert`. */
  readonly name: string;
  /**
   * Size in bytes of the minified `.mjs` (the external source map is not counted); for the console, split into
   * chunks (buildConsoleFunction), its `index.mjs` and the chunks that imports statically: what a cold start reads.
   */
  readonly bytes: number;
  /** Median over IMPORT_RUNS fresh processes of the time `await import(bundle)` took. */
  readonly importMs: number;
  /**
   * Median CPU time (user and system, all of the process's threads) the same imports used: the figure a
   * busy machine disturbs least, where other processes stretch the wall time of one and not the other.
   */
  readonly importCpuMs: number;
  /** Every source file esbuild put in the bundle, relative to the repository root. */
  readonly inputs: readonly string[];
  /** The AWS-clients-only bundle to compare with; null for a function that imports no AWS client. */
  readonly baseline: Baseline | null;
};

export type Baseline = {
  /** The client classes it holds, e.g. `DynamoDBClient`. */
  readonly clients: readonly string[];
  readonly bytes: number;
  /** Median over the same number of runs as the function's, taken alternately with them. */
  readonly importMs: number;
  readonly importCpuMs: number;
};

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HANDLERS_DIR = join(ROOT, 'functions', 'handlers');
/**
 * Odd, so the median is a run. With five the wall-time ratio of one function moved by up to 0.1x between
 * two runs on an idle machine (a few imports caught by a background task decide a median of five); with
 * nine, pinned to one CPU, one run in five still read the console 0.05x higher than the others did.
 */
export const IMPORT_RUNS = 15;

/**
 * The AWS SDK packages a handler may import and the class a baseline bundle keeps of each: the client
 * (its middleware stack, serde, endpoint rules, credential chain), the part every call needs. Commands are
 * the function's own, like its use cases.
 */
const AWS_CLIENT_CLASSES: Readonly<Record<string, string>> = {
  '@aws-sdk/client-dynamodb': 'DynamoDBClient',
  '@aws-sdk/lib-dynamodb': 'DynamoDBDocumentClient',
  '@aws-sdk/client-kms': 'KMSClient',
  '@aws-sdk/client-sqs': 'SQSClient',
  '@aws-sdk/client-secrets-manager': 'SecretsManagerClient',
};

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

/**
 * The links of the SDK's default credential chain (@aws-sdk/credential-provider-node) that a Lambda
 * function never reaches. Lambda hands the function its role's credentials in AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, which the chain's first link (fromEnv, bundled) takes; every
 * later link (SSO, the shared ini files with their role assumption, an external process, a web identity
 * token, the container and instance metadata endpoints) is loaded by a dynamic import() only when the ones
 * before it found nothing. esbuild bundles such an import all the same, with the SSO, STS and sign-in clients
 * behind it (about 90 KB minified), so they are left out. Were one ever reached (no credentials in the
 * environment), its import would fail and the call with it, naming the package: no less safe than finding
 * no credentials. A deployment that moves to SnapStart or Lambda Managed Instances, which serve credentials
 * from a container endpoint instead, must bundle @aws-sdk/credential-provider-http and
 * @smithy/credential-provider-imds again. The local hub and `npm run migrate` run unbundled, with the whole chain.
 */
export const CREDENTIAL_PROVIDERS_UNUSED_ON_LAMBDA = [
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@smithy/credential-provider-imds',
] as const;

/** What a function's bundle leaves out; the stack's NodejsFunction (externalModules) and bundleFunctions() agree. */
export function externalPackagesOf(name: string): string[] {
  return [...(SECRET_READERS.includes(name) ? [] : CONSOLE_ONLY_PACKAGES), ...CREDENTIAL_PROVIDERS_UNUSED_ON_LAMBDA];
}

/**
 * The module the GOV.UK Notify client require()s for its default HTTP transport, and what the notification
 * sender's bundle holds in its place. The client loads axios when it is loaded (api_client.js), and axios its
 * CommonJS build with form-data (and its 140 KB MIME table), follow-redirects and proxy-from-env: most of what
 * the Notify client added to the sender's cold start. The hub never uses that transport: the adapter hands
 * every client one on Node's own fetch (setClient; functions/adapters/notify/fetch-transport.ts) before any
 * request, in the tests and the local hub as on Lambda, so what is tested is what runs. The bundle carries
 * instead a stub that fails plainly if it is ever called (a send that fails, is retried and in the end
 * dead-lettered, naming setClient), and test/bench/sender-bundle.test.ts sends an email through the built
 * bundle to a fake Notify, which a client that reached its default transport would fail. The local hub and
 * the tests run unbundled, with axios installed as the client's own dependency, loaded and never called.
 */
export const NOTIFY_DEFAULT_TRANSPORT_UNUSED: Readonly<Record<string, string>> = {
  axios: join(ROOT, 'functions', 'adapters', 'notify', 'unused-default-transport.ts'),
};

/**
 * `semver`, which the Notify client's JWT library (jsonwebtoken) loads only to check the Node version three
 * times as it is loaded, and what the sender's bundle answers those checks with instead: semver compiles its
 * whole grammar of regular expressions as it loads. Measured on the built sender (21 imports each, pinned to
 * one CPU): 0.8 ms less to import (about 2%), 28 KB smaller. The stand-in refuses any range it does not know,
 * so a jsonwebtoken that asks something new fails at load in test/bench/sender-bundle.test.ts.
 */
export const NODE_VERSION_CHECKS: Readonly<Record<string, string>> = {
  semver: join(ROOT, 'functions', 'adapters', 'notify', 'node-version-checks.ts'),
};

/** The functions whose bundle carries the Notify client. */
const NOTIFY_SENDERS: readonly string[] = ['notification-sender'];

/**
 * The modules a function's bundle takes from another file (esbuild's alias); the stack's NodejsFunction
 * (esbuildArgs, aliasArgsOf) and bundleFunctions() agree.
 */
export function aliasesOf(name: string): Record<string, string> {
  return NOTIFY_SENDERS.includes(name) ? { ...NOTIFY_DEFAULT_TRANSPORT_UNUSED, ...NODE_VERSION_CHECKS } : {};
}

/** The same as esbuild's command line takes them, one `from=to` each (NodejsFunction's `--alias`). */
export function aliasArgsOf(name: string): string[] {
  return Object.entries(aliasesOf(name)).map(([from, to]) => `${from}=${to}`);
}

/**
 * What the console's split build takes from another file: the GOV.UK Notify client, which the console
 * reaches only through code it never runs (the composition root's Notify adapter, imported lazily; the
 * console never asks for a notifier). A single-file bundle drops that import with the unused getter; a
 * split one makes every dynamic import a chunk first, and would carry the client (about 300 KB) in a file
 * nothing loads, or, were it left out, a chunk that cannot link. With this, every chunk links (tested).
 */
export const NOTIFY_CLIENT_NOT_BUNDLED: Readonly<Record<string, string>> = {
  'notifications-node-client': join(ROOT, 'functions', 'adapters', 'notify', 'notify-client-not-bundled.ts'),
};

/**
 * nunjucks' runtime as the console runs it: its environment module, bundled from nunjucks' own CommonJS
 * sources like every other dependency, with a stand-in for the compiler (lexer, parser, transformer) and
 * the Express helper that module requires. The console renders only templates compiled before it starts
 * (functions/console/templates.ts), as nunjucks' slim build does; that build's one-file UMD, with a browser
 * copy of `events` and `asap` inside, took about 0.7 ms more CPU to import (measured alone, 31 runs each).
 */
export const NUNJUCKS_RUNTIME_ONLY: Plugin = {
  name: 'nunjucks-runtime-only',
  setup(pass) {
    pass.onResolve({ filter: /^\.\/(compiler|express-app)$/ }, (args) =>
      /[\\/]node_modules[\\/]nunjucks[\\/]src[\\/]environment\.js$/.test(args.importer)
        ? { path: join(ROOT, 'functions', 'console', 'nunjucks-compiler-not-bundled.ts') }
        : undefined,
    );
  },
};

/**
 * The console's code, split: what every request needs in `index.mjs`, and in chunks beside it what only
 * some need, loaded by the first request that does: each section of pages (functions/console/pages/index.ts)
 * with the use cases behind it, the sign-in's OpenID client, the form parser, the calendar file, the Secrets
 * Manager client. A cold start then reads the code of the page it serves, not of every page.
 *
 * Two passes. esbuild's code splitting makes the chunks, but it also cuts what `index.mjs` imports into a
 * dozen shared chunks (one per set of entry points that reach a module), and a cold start pays for each
 * file it links: about as much as the lazy chunks save. So the second pass bundles `index.mjs` with the
 * shared chunks it imports into one file that also exports what they exported, and each shared chunk
 * becomes a line re-exporting that from `index.mjs`. A lazy chunk, loaded after `index.mjs`, then links to
 * the very modules the function runs (one instance of each, as in one bundle). Same options as every
 * bundle; the console's files are laid beside it (scripts/build-console.ts). The stack runs this after
 * NodejsFunction's single-file build of the same entry (infra/console.ts), replacing it; bundleFunctions()
 * does the same.
 */
export async function buildConsoleFunction(outDir: string): Promise<{ readonly startBytes: number; readonly allBytes: number }> {
  const dir = resolve(outDir);
  const split = await mkdtemp(join(tmpdir(), 'mset-console-split-'));
  try {
    const { metafile } = await build({
      ...lambdaBuildOptions(),
      // The second pass makes the source map, from this pass's.
      sourcemap: 'linked',
      // No banner here: the second pass gives index.mjs the one `require` the bundle needs.
      banner: {},
      entryPoints: { index: join(HANDLERS_DIR, `${CONSOLE_FUNCTION}.ts`) },
      outdir: split,
      splitting: true,
      // Beside index.mjs, so an import of one chunk from another or from index.mjs reads the same ("./x.mjs").
      chunkNames: '[name]-[hash]',
      absWorkingDir: ROOT,
      external: externalPackagesOf(CONSOLE_FUNCTION),
      alias: NOTIFY_CLIENT_NOT_BUNDLED,
      plugins: [NUNJUCKS_RUNTIME_ONLY],
      metafile: true,
    });
    const outputs = new Map(Object.entries(metafile?.outputs ?? {}).filter(([file]) => file.endsWith('.mjs')));
    // Every lazy chunk is an entry point too: the function's own is the one named index.
    const index = [...outputs.keys()].find((file) => basename(file) === 'index.mjs');
    if (index === undefined) throw new Error('The console build wrote no index.mjs');
    // The chunks index.mjs imports statically, transitively: joined into it.
    const joined = new Set<string>();
    const pending = [index];
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      for (const imported of outputs.get(file)?.imports ?? []) {
        if (imported.kind === 'import-statement' && !imported.external && imported.path !== index && !joined.has(imported.path)) {
          joined.add(imported.path);
          pending.push(imported.path);
        }
      }
    }
    const shared = [...joined]
      .sort()
      .map((file, n) => ({ file: basename(file), exports: outputs.get(file)?.exports ?? [], prefix: `__shared${n}_` }));
    const entry = [
      "export * from './index.mjs';",
      ...shared.map(
        ({ file, exports, prefix }) => `export { ${exports.map((name) => `${name} as ${prefix}${name}`).join(', ')} } from './${file}';`,
      ),
    ].join('\n');
    // Replaces a build already there (NodejsFunction's, or an earlier one of these): its code, not the folder.
    await mkdir(dir, { recursive: true });
    for (const name of await readdir(dir)) {
      if (/\.mjs(\.map)?$/.test(name)) await rm(join(dir, name), { force: true });
    }
    await build({
      ...lambdaBuildOptions(),
      stdin: { contents: entry, resolveDir: split, sourcefile: 'console-entry.js', loader: 'js' },
      outfile: join(dir, 'index.mjs'),
      // Linked, as NodejsFunction links every other function's: kept to read a crash's stack offline.
      sourcemap: 'linked',
      absWorkingDir: ROOT,
      external: externalPackagesOf(CONSOLE_FUNCTION),
      alias: NOTIFY_CLIENT_NOT_BUNDLED,
      // The lazy chunks stay files of their own, loaded by the import() each is named in.
      plugins: [
        {
          name: 'lazy-chunks-stay-apart',
          setup(pass) {
            pass.onResolve({ filter: /^\.\/[^/]+\.mjs$/ }, (args) =>
              args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined,
            );
          },
        },
      ],
    });
    for (const [file] of outputs) {
      if (file === index) continue;
      const name = basename(file);
      const sharedChunk = shared.find((chunk) => chunk.file === name);
      if (sharedChunk === undefined) {
        await cp(resolve(ROOT, file), join(dir, name));
        await cp(resolve(ROOT, `${file}.map`), join(dir, `${name}.map`)).catch(() => undefined);
      } else {
        const names = sharedChunk.exports.map((exported) => `${sharedChunk.prefix}${exported} as ${exported}`).join(', ');
        await writeFile(join(dir, name), `export { ${names} } from './index.mjs';\n`);
      }
    }
    await relocateSourceMaps(dir, split);
  } finally {
    await rm(split, { recursive: true, force: true });
  }
  await buildConsoleBundleFiles(dir);
  const size = async (name: string) => (await stat(join(dir, name))).size;
  const files = (await readdir(dir)).filter((name) => name.endsWith('.mjs'));
  let allBytes = 0;
  for (const name of files) allBytes += await size(name);
  return { startBytes: await size('index.mjs'), allBytes };
}

/**
 * A source map names its sources relative to itself. The lazy chunks' maps were written in the staging
 * folder: their sources are renamed as seen from `dir`, where they now lie. Sources inside the staging
 * folder (the first pass's shared chunks, and the entry that joined them) are named `console-split/…`:
 * the folder's own name is random, and two builds of the same code must be the same bytes, or the asset's
 * hash changes on every synth and each deploy replaces the console for nothing.
 */
async function relocateSourceMaps(dir: string, split: string): Promise<void> {
  for (const name of (await readdir(dir)).filter((file) => file.endsWith('.mjs.map'))) {
    const path = join(dir, name);
    const map = JSON.parse(await readFile(path, 'utf8')) as { sources?: string[] };
    const from = name === 'index.mjs.map' ? dir : split;
    map.sources = (map.sources ?? []).map((source) => {
      const absolute = resolve(from, source);
      const staged = relative(split, absolute);
      const where = staged.startsWith('..') ? relative(dir, absolute) : join('console-split', staged);
      return where.split(sep).join('/');
    });
    await writeFile(path, JSON.stringify(map));
  }
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

/** Builds every handler into `outDir` (and its baseline into `outDir/.baseline/`) and returns its size and import time. */
export async function bundleFunctions(
  outDir: string,
  options: { measureImport?: boolean; consoleFiles?: boolean } = {},
): Promise<FunctionBundle[]> {
  const measureImport = options.measureImport ?? true;
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const names = await handlerNames();
  const splitConsole = options.consoleFiles ?? true;
  // One build per function, as each Lambda gets its own bundle (no shared chunks).
  const built = await Promise.all(
    names.map(async (name) => {
      const entry = join(HANDLERS_DIR, `${name}.ts`);
      const { metafile } = await build({
        ...lambdaBuildOptions(),
        entryPoints: [entry],
        outfile: join(dir, name, 'index.mjs'),
        absWorkingDir: ROOT,
        external: externalPackagesOf(name),
        alias: aliasesOf(name),
        ...(name === CONSOLE_FUNCTION ? { plugins: [NUNJUCKS_RUNTIME_ONLY] } : {}),
        metafile: true,
      });
      const inputs = metafile?.inputs ?? {};
      const output = Object.values(metafile?.outputs ?? {}).find((candidate) => candidate.entryPoint !== undefined);
      const carried = awsClientsCarriedBy(relative(ROOT, entry), inputs, output?.inputs ?? {});
      // The console's split build (buildConsoleFunction) puts what it loads by import() in chunks of their own,
      // which an import does not read: its baseline holds its static clients alone.
      const clients = name === CONSOLE_FUNCTION && splitConsole ? carried.filter(({ lazy }) => !lazy) : carried;
      if (clients.length > 0) await buildBaseline(name, clients, join(dir, BASELINE_DIR, name, 'index.mjs'));
      return { inputs: Object.keys(inputs).sort(), clients };
    }),
  );
  // As the stack does: the console's single-file bundle (whose metafile says what it carries) is replaced by its split build.
  const consoleBuild =
    splitConsole && names.includes(CONSOLE_FUNCTION) ? await buildConsoleFunction(join(dir, CONSOLE_FUNCTION)) : undefined;
  const results: FunctionBundle[] = [];
  // Sequential, so the processes do not compete for the CPU and distort each other's times.
  for (const [index, name] of names.entries()) {
    const { inputs, clients } = built[index] ?? { inputs: [], clients: [] };
    const file = join(dir, name, 'index.mjs');
    const baselineFile = clients.length > 0 ? join(dir, BASELINE_DIR, name, 'index.mjs') : undefined;
    const { size } = await stat(file);
    const unmeasured = { ms: Number.NaN, cpuMs: Number.NaN };
    const times = measureImport ? await alternateImportMs(file, baselineFile) : { own: unmeasured, baseline: unmeasured };
    results.push({
      name,
      bytes: name === CONSOLE_FUNCTION && consoleBuild !== undefined ? consoleBuild.startBytes : size,
      importMs: times.own.ms,
      importCpuMs: times.own.cpuMs,
      inputs,
      baseline:
        baselineFile === undefined
          ? null
          : {
              clients: clients.map(({ className, lazy }) => (lazy ? `${className} (by import())` : className)),
              bytes: (await stat(baselineFile)).size,
              importMs: times.baseline.ms,
              importCpuMs: times.baseline.cpuMs,
            },
    });
  }
  return results;
}

/** Beside the functions' folders, named so that no handler can be called it. */
const BASELINE_DIR = '.baseline';

/** An AWS client a function carries: its package, its class, and whether only a dynamic import() loads it. */
type CarriedClient = { readonly pkg: string; readonly className: string; readonly lazy: boolean };

/**
 * The AWS SDK clients whose code esbuild kept in the function's bundle, from its metafile: those the
 * handler's module graph imports statically, run at import; and those reached only through a dynamic
 * import(), which a single-file bundle carries all the same (parsed at import, run on first use: the
 * Secrets Manager client that reads the console's and the sender's secret). One the tree shaking dropped (a
 * port the function never wires) is not there at all.
 */
function awsClientsCarriedBy(entry: string, inputs: Metafile['inputs'], kept: Metafile['outputs'][string]['inputs']): CarriedClient[] {
  const reached = new Set<string>([entry]);
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    for (const imported of inputs[file]?.imports ?? []) {
      if (imported.external || imported.kind === 'dynamic-import' || reached.has(imported.path)) continue;
      reached.add(imported.path);
      pending.push(imported.path);
    }
  }
  const carried = (pkg: string, files: Iterable<string>) =>
    [...files].some((file) => file.includes(`node_modules/${pkg}/`) && (kept[file]?.bytesInOutput ?? 0) > 0);
  return Object.entries(AWS_CLIENT_CLASSES).flatMap(([pkg, className]): CarriedClient[] =>
    carried(pkg, reached) ? [{ pkg, className, lazy: false }] : carried(pkg, Object.keys(kept)) ? [{ pkg, className, lazy: true }] : [],
  );
}

/**
 * A bundle that holds the given clients and nothing else, built as the function is (same options, same
 * externals, same file layout): a client the function imports statically is imported, one it loads by
 * import() is behind an import() here too, so each is parsed, and only the first run, at import, in both.
 */
async function buildBaseline(name: string, clients: readonly CarriedClient[], outfile: string): Promise<void> {
  await build({
    ...lambdaBuildOptions(),
    stdin: {
      contents: clients
        .map(({ pkg, className, lazy }) =>
          lazy
            ? `export const load${className} = () => import('${LAZY_CLIENT}${pkg}#${className}').then((loaded) => loaded.${className});`
            : `export { ${className} } from '${pkg}';`,
        )
        .join('\n'),
      resolveDir: ROOT,
      sourcefile: `${name}-baseline.js`,
      loader: 'js',
    },
    outfile,
    absWorkingDir: ROOT,
    external: externalPackagesOf(name),
    plugins: [
      {
        // esbuild keeps the whole of a module an import() names: the lazy client is imported by a module of
        // its own that names the client class alone, so the baseline keeps what the function keeps of it.
        name: 'lazy-client',
        setup(pass) {
          pass.onResolve({ filter: new RegExp(`^${LAZY_CLIENT}`) }, (args) => ({
            path: args.path.slice(LAZY_CLIENT.length),
            namespace: 'lazy-client',
          }));
          pass.onLoad({ filter: /.*/, namespace: 'lazy-client' }, (args) => {
            const [pkg, className] = args.path.split('#');
            return { contents: `export { ${className} } from '${pkg}';`, resolveDir: ROOT, loader: 'js' };
          });
        },
      },
    ],
  });
}

/** How a baseline names, for its import(), a module holding one client class: `lazy-client:<package>#<class>`. */
const LAZY_CLIENT = 'lazy-client:';

type ImportTime = { readonly ms: number; readonly cpuMs: number };

/** Medians of IMPORT_RUNS imports of each file, one of each in turn, so a spell of load on the machine falls on both. */
async function alternateImportMs(file: string, baselineFile: string | undefined): Promise<{ own: ImportTime; baseline: ImportTime }> {
  const own: ImportTime[] = [];
  const baseline: ImportTime[] = [];
  for (let run = 0; run < IMPORT_RUNS; run += 1) {
    own.push(await importMsInFreshProcess(file));
    if (baselineFile !== undefined) baseline.push(await importMsInFreshProcess(baselineFile));
  }
  const medians = (samples: ImportTime[]): ImportTime =>
    samples.length === 0
      ? { ms: Number.NaN, cpuMs: Number.NaN }
      : { ms: median(samples.map((sample) => sample.ms)), cpuMs: median(samples.map((sample) => sample.cpuMs)) };
  return { own: medians(own), baseline: medians(baseline) };
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** The function's import time over its baseline's; NaN without a baseline or without times. */
export function importRatio(bundle: FunctionBundle): number {
  return bundle.baseline === null ? Number.NaN : bundle.importMs / bundle.baseline.importMs;
}

/** The same for the CPU time the imports used. */
export function importCpuRatio(bundle: FunctionBundle): number {
  return bundle.baseline === null ? Number.NaN : bundle.importCpuMs / bundle.baseline.importCpuMs;
}

/**
 * Each import is pinned to one CPU (pinnedCpu), as a function's threads share at most one on Lambda: every
 * function here has 1,024 MB or less, and Lambda gives a function CPU in proportion to its memory, a full
 * vCPU only at 1,769 MB. Unpinned on a machine of two CPUs or more, V8's helper threads (its compiler and
 * garbage collector) run beside the main thread without lengthening the import, which they would on Lambda.
 * That shortens the baseline's wall time, mostly SDK code those threads help with, more than a function's,
 * whose own code runs on the main thread: in runs of 31 and 41 imports each, alternated, the console's wall
 * ratio read 1.29x to 1.30x unpinned while its CPU ratio read 1.21x to 1.23x; pinned, both read 1.19x, with
 * a narrower spread. Other processes may still share that CPU: the imports alternate, so both sides meet them.
 */
function importMsInFreshProcess(file: string): Promise<ImportTime> {
  const cpu = pinnedCpu();
  const script = [
    `const url = ${JSON.stringify(pathToFileURL(file).href)};`,
    'const cpu = process.cpuUsage();',
    'const start = performance.now();',
    'await import(url);',
    'const ms = performance.now() - start;',
    'const used = process.cpuUsage(cpu);',
    'process.stdout.write(JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000 }));',
    // Handlers may hold sockets or timers open; the measurement is done.
    'process.exit(0);',
  ].join('\n');
  return runNodeJson<ImportTime>(script, {
    env: IMPORT_ENV,
    what: `Importing ${basename(dirname(file))}`,
    ...(cpu === null ? {} : { cpu }),
  });
}

/** How the imports were run, for a table's header. */
export function pinning(): string {
  const cpu = pinnedCpu();
  return cpu === null ? 'each on any CPU (it could not be pinned to one here)' : `each pinned to CPU ${cpu}`;
}

/** The ratio the cold-start budget holds each function to (issue 11): its import over its AWS clients' alone. */
export const IMPORT_RATIO_BUDGET = 1.25;

export function formatBundleTable(bundles: readonly FunctionBundle[]): string {
  const ms = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? '-' : value.toFixed(1));
  const rows = bundles.map((b) => [
    b.name,
    (b.bytes / 1024).toFixed(1),
    ms(b.importMs),
    b.baseline === null ? '-' : (b.baseline.bytes / 1024).toFixed(1),
    ms(b.baseline?.importMs),
    Number.isNaN(importRatio(b)) ? '-' : `${importRatio(b).toFixed(2)}x`,
    Number.isNaN(importCpuRatio(b)) ? '-' : `${importCpuRatio(b).toFixed(2)}x`,
    b.baseline === null ? '(no AWS client)' : b.baseline.clients.join(' '),
  ]);
  const header = ['function', 'size KB', 'import ms', 'baseline KB', 'baseline ms', 'ratio', 'cpu ratio', 'baseline: AWS clients only'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column === 0 || column === cells.length - 1 ? cell.padEnd(widths[column] as number) : cell.padStart(widths[column] as number),
      )
      .join('  ')
      .trimEnd();
  const ratioSummary = (label: string, ratioOf: (bundle: FunctionBundle) => number): string[] => {
    const ratios = bundles.map(ratioOf).filter((ratio) => !Number.isNaN(ratio));
    if (ratios.length === 0) return [];
    const over = bundles.filter((b) => ratioOf(b) > IMPORT_RATIO_BUDGET).map((b) => b.name);
    return [
      `${label} over baseline: ${Math.min(...ratios).toFixed(2)}x to ${Math.max(...ratios).toFixed(2)}x; ` +
        (over.length === 0 ? `every function within ${IMPORT_RATIO_BUDGET}x` : `over ${IMPORT_RATIO_BUDGET}x: ${over.join(', ')}`),
    ];
  };
  const ratioLines = [...ratioSummary('import time', importRatio), ...ratioSummary('import CPU time', importCpuRatio)];
  const summary =
    ratioLines.length === 0
      ? []
      : ['', `medians of ${IMPORT_RUNS} imports each, function and baseline alternated, ${pinning()}:`, ...ratioLines];
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line), ...summary].join('\n');
}

async function main(): Promise<void> {
  if (process.argv[2] === '--console' && process.argv[3] !== undefined) {
    await buildConsoleFunction(process.argv[3]);
    console.log(`console function (split, with its files) written to ${process.argv[3]}`);
    return;
  }
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
