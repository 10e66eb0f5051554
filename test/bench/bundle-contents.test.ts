/**
 * What the Lambda bundles carry, by content (never by time: timing is `npm run bundle` and `npm run bench`).
 *
 * Schemas: each contract schema is declared behind a pure-annotated schema() call (contracts/schema.ts), so
 * esbuild leaves out those a function's code never reaches. A route's function carries its own request and
 * query schemas and no other route's, and no function carries a response schema: responses are checked by
 * the tests (test/support/contract.ts), not parsed at run time. The console, which serves every route's
 * form, is the exception. Read from bundles built unminified, where each kept declaration keeps its name
 * (esbuild may add a digit to tell two apart).
 *
 * HTTP client: no bundle carries axios. The notification sender's Notify client sends through a transport on
 * Node's fetch, and its bundle holds a stub where the client's default transport (axios) was (scripts/bundle.ts,
 * NOTIFY_DEFAULT_TRANSPORT_UNUSED); test/bench/sender-bundle.test.ts sends through it.
 *
 * Credentials: the bundles leave out every link of the SDK's default credential chain after the first
 * (scripts/bundle.ts, CREDENTIAL_PROVIDERS_UNUSED_ON_LAMBDA): no SSO, ini, process, web identity, container
 * or instance metadata provider, nor the SSO, STS and sign-in clients behind them. A client bundled so
 * still takes Lambda's credentials from the environment, which is run here, as is what it does without them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as alerts from '../../contracts/alerts.js';
import * as areas from '../../contracts/areas.js';
import * as audit from '../../contracts/audit.js';
import * as health from '../../contracts/health.js';
import * as meetings from '../../contracts/meetings.js';
import { ROUTE_LIST, WORKER_LIST } from '../../functions/routes.js';
import { aliasesOf, CONSOLE_FUNCTION, externalPackagesOf, IMPORT_ENV, lambdaBuildOptions } from '../../scripts/bundle.js';
import { runNodeJson } from '../../scripts/node-process.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FUNCTIONS = [...ROUTE_LIST.map((route) => route.handler), ...WORKER_LIST.map((worker) => worker.name)].sort();

/** The exported name of a contract schema, found by identity (comparing touches nothing, so builds nothing). */
const EXPORTS = Object.entries({ ...alerts, ...areas, ...audit, ...health, ...meetings });
function nameOf(schema: unknown): string {
  const found = EXPORTS.find(([, value]) => value === schema);
  if (found === undefined) throw new Error('a route names a schema that no contracts module exports');
  return found[0];
}

/** Per function: its own request and query schemas, and its success schema. */
const ROUTE_SCHEMAS = new Map<string, { readonly own: readonly string[]; readonly response: string }>(
  ROUTE_LIST.flatMap(({ handler, operation }) =>
    operation === null
      ? []
      : [
          [
            handler,
            {
              own: [operation.request, operation.query].filter((schema) => schema !== undefined).map(nameOf),
              response: nameOf(operation.success.schema),
            },
          ] as const,
        ],
  ),
);
const ALL_ROUTE_SCHEMAS = new Set([...ROUTE_SCHEMAS.values()].flatMap(({ own, response }) => [...own, response]));

const UNUSED_ON_LAMBDA = [
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/credential-provider-login',
  '@smithy/credential-provider-imds',
  '@aws-sdk/nested-clients',
  '@aws-sdk/token-providers',
];

/** `inputs`: every file esbuild read; `kept`: those with code in the bundle (tree shaking drops the rest). */
type Built = { readonly code: string; readonly inputs: readonly string[]; readonly kept: readonly string[] };
const built = new Map<string, Built>();
let clientDir: string;

beforeAll(async () => {
  // Unminified, as the stack builds them otherwise: a kept top-level declaration is `var Name = ...`.
  for (const name of FUNCTIONS) {
    const result = await build({
      ...lambdaBuildOptions(),
      minify: false,
      sourcemap: false,
      write: false,
      metafile: true,
      entryPoints: [join(ROOT, 'functions', 'handlers', `${name}.ts`)],
      outfile: join(ROOT, '.bench', 'unused', name, 'index.mjs'),
      absWorkingDir: ROOT,
      external: externalPackagesOf(name),
      alias: aliasesOf(name),
    });
    const code = result.outputFiles.find((file) => file.path.endsWith('.mjs'))?.text ?? '';
    const output = Object.values(result.metafile.outputs).find((candidate) => candidate.entryPoint !== undefined);
    const kept = Object.entries(output?.inputs ?? {}).flatMap(([input, { bytesInOutput }]) => (bytesInOutput > 0 ? [input] : []));
    built.set(name, { code, inputs: Object.keys(result.metafile.inputs), kept });
  }
  clientDir = await mkdtemp(join(tmpdir(), 'mset-hub-credentials-'));
  await build({
    ...lambdaBuildOptions(),
    stdin: { contents: "export { DynamoDBClient } from '@aws-sdk/client-dynamodb';", resolveDir: ROOT, loader: 'js' },
    outfile: join(clientDir, 'index.mjs'),
    absWorkingDir: ROOT,
    external: externalPackagesOf('get-alert'),
  });
}, 180_000);

afterAll(async () => {
  await rm(clientDir, { recursive: true, force: true });
});

function schemasIn(name: string): Set<string> {
  const code = built.get(name)?.code ?? '';
  // Wrapped or not: a schema someone declared without schema() must show here too.
  return new Set([...code.matchAll(/^var (\w+?)\d* = /gm)].map((match) => match[1] as string));
}

describe('the schemas a bundle carries', () => {
  it('are found: create-alert carries its request schema and the schemas it is made of', () => {
    expect([...schemasIn('create-alert')]).toEqual(expect.arrayContaining(['CreateAlertRequest', 'Recipient', 'Child', 'AreaId']));
  });

  it.each(FUNCTIONS.filter((name) => name !== CONSOLE_FUNCTION))(
    '%s carries its own request and query schemas, no other route’s, and no response schema',
    (name) => {
      const carried = [...schemasIn(name)].filter((schema) => ALL_ROUTE_SCHEMAS.has(schema)).sort();
      expect(carried).toEqual([...(ROUTE_SCHEMAS.get(name)?.own ?? [])].sort());
    },
  );

  it('no bundle, the console’s included, carries a response schema', () => {
    const responses = new Set([...ROUTE_SCHEMAS.values()].map(({ response }) => response));
    const carrying = FUNCTIONS.flatMap((name) =>
      [...schemasIn(name)].filter((schema) => responses.has(schema)).map((schema) => `${name}: ${schema}`),
    );
    expect(carrying).toEqual([]);
  });
});

describe('the HTTP client a bundle carries', () => {
  // axios, with form-data and its MIME table, follow-redirects and proxy-from-env, is what the Notify client
  // loads for a default transport the adapter never uses (it calls setClient first).
  it('the notification sender carries the stub for its Notify client’s default transport, and the client', () => {
    const kept = built.get('notification-sender')?.kept ?? [];
    expect(kept).toContain('functions/adapters/notify/unused-default-transport.ts');
    expect(kept).toContain('functions/adapters/notify/fetch-transport.ts');
    expect(kept.some((input) => input.includes('node_modules/notifications-node-client/'))).toBe(true);
  });

  it('the notification sender answers its JWT library’s Node version checks without semver', () => {
    const kept = built.get('notification-sender')?.kept ?? [];
    expect(kept).toContain('functions/adapters/notify/node-version-checks.ts');
    expect(kept.some((input) => input.includes('node_modules/jsonwebtoken/'))).toBe(true);
    expect(kept.filter((input) => input.includes('node_modules/semver/'))).toEqual([]);
  });

  it.each(FUNCTIONS)('%s carries no axios, nor what axios loads', (name) => {
    const kept = built.get(name)?.kept ?? [];
    expect(
      kept.filter((input) => /node_modules\/(axios|form-data|mime-db|mime-types|follow-redirects|proxy-from-env)\//.test(input)),
    ).toEqual([]);
  });
});

describe('the credential providers a bundle carries', () => {
  it.each(FUNCTIONS)('%s carries no credential provider but the environment’s', (name) => {
    const inputs = built.get(name)?.inputs ?? [];
    expect(inputs.filter((input) => UNUSED_ON_LAMBDA.some((pkg) => input.includes(`node_modules/${pkg}/`)))).toEqual([]);
    // Every function with an AWS client has the default chain's first link; health and not-found have no client.
    if (inputs.some((input) => input.includes('node_modules/@aws-sdk/client-'))) {
      expect(inputs.some((input) => input.includes('node_modules/@aws-sdk/credential-provider-env/'))).toBe(true);
    }
  });

  function resolveCredentials(env: Record<string, string>): Promise<{ accessKeyId?: string; error?: string }> {
    const script = `
      const { DynamoDBClient } = await import(${JSON.stringify(pathToFileURL(join(clientDir, 'index.mjs')).href)});
      const client = new DynamoDBClient({ region: 'eu-west-2' });
      let answer;
      try { answer = { accessKeyId: (await client.config.credentials()).accessKeyId }; }
      catch (error) { answer = { error: String(error?.message ?? error) }; }
      process.stdout.write(JSON.stringify(answer), () => process.exit(0));`;
    return runNodeJson(script, { cwd: tmpdir(), env, what: 'Resolving credentials' });
  }

  it('a client bundled so takes the credentials Lambda puts in the environment', async () => {
    expect(await resolveCredentials({ ...IMPORT_ENV, AWS_SESSION_TOKEN: 'session' })).toEqual({
      accessKeyId: IMPORT_ENV['AWS_ACCESS_KEY_ID'],
    });
  }, 30_000);

  it('without them, fails naming the provider it does not carry, rather than trying anything else', async () => {
    const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...withoutCredentials } = IMPORT_ENV;
    const answer = await resolveCredentials(withoutCredentials);
    expect(answer.accessKeyId).toBeUndefined();
    expect(answer.error).toContain('@aws-sdk/credential-provider-ini');
  }, 30_000);
});
