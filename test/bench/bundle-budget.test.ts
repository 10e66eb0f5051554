/**
 * The bundle budget, checked on the bundles scripts/bundle.ts builds (the same esbuild options the stack's
 * NodejsFunction uses). Sizes only, never times: timing lives in `npm run bench`.
 *
 * The second check proves the composition root's lazy getters keep unused AWS clients out of a bundle:
 * a function that never seals or opens child content must not carry the KMS client. Which functions those
 * are is read from infra/permissions.ts, so a function without a content-key permission in its IAM policy
 * is also one without the client that would use it.
 *
 * The console is a web application over all the use cases (nunjucks, openid-client and every client the API
 * uses), so it has a budget of its own. Its bundle is also run: imported in a fresh Node process, as Lambda
 * would, from a folder laid out as the stack lays it (split into chunks, with its compiled templates and built
 * assets beside it: scripts/bundle.ts buildConsoleFunction), and asked for its start page and a stylesheet,
 * which nunjucks' runtime renders from the compiled views and GOV.UK Frontend templates.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_LIST, WORKER_LIST } from '../../functions/routes.js';
import { type FunctionName, NEEDS } from '../../infra/permissions.js';
import { bundleFunctions, CONSOLE_FUNCTION, type FunctionBundle, IMPORT_ENV, SECRET_READERS } from '../../scripts/bundle.js';

const BUDGET_BYTES = 700 * 1024;
/** The console's: 920 KB when set, of which the Secrets Manager client (fetched once, lazily loaded) is ~35 KB. */
const CONSOLE_BUDGET_BYTES = 1100 * 1024;
/**
 * The notification sender carries GOV.UK Notify's official client (with jsonwebtoken and semver, which sign its
 * token; its default transport, axios, is a stub there: scripts/bundle.ts) and the Secrets Manager client for
 * its key, besides DynamoDB and SQS: 440 KB, about 50 KB more than a route. With axios it was 707 KB.
 */
const SENDER_BUDGET_BYTES = 550 * 1024;
const FUNCTION_NAMES = [...ROUTE_LIST.map((route) => route.handler), ...WORKER_LIST.map((worker) => worker.name)].sort();
/** Functions that change data map a failed undo to CompensationFailedError; a route with a body does. */
const WITH_ERRORS = ['create-alert', 'acknowledge-alert', 'record-meeting', 'update-meeting-action'];
const WITHOUT_KMS = (Object.keys(NEEDS) as FunctionName[]).filter((name) => !NEEDS[name].some((need) => need.kind === 'content')).sort();

let outDir: string;
let bundles: FunctionBundle[];

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'mset-hub-bundle-budget-'));
  bundles = await bundleFunctions(outDir, { measureImport: false });
}, 120_000);

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

/** All of a function's code: its `index.mjs`, and for the console (split, scripts/bundle.ts) every chunk beside it. */
async function codeOf(name: string): Promise<string> {
  const files = (await readdir(join(outDir, name))).filter((file) => file.endsWith('.mjs'));
  return (await Promise.all(files.map((file) => readFile(join(outDir, name, file), 'utf8')))).join('\n');
}

describe('function bundles', () => {
  it('exist for every function of the route list, and for nothing else', () => {
    const expected = new Set([...ROUTE_LIST.map((route) => route.handler), ...WORKER_LIST.map((worker) => worker.name)]);
    expect(new Set(bundles.map((bundle) => bundle.name))).toEqual(expected);
  });

  it.each(FUNCTION_NAMES)('%s carries no local twin: nothing from local/, no dynalite, no local credentials', async (name) => {
    const bundle = bundles.find((candidate) => candidate.name === name);
    expect(bundle?.inputs.length).toBeGreaterThan(0);
    const local = (bundle?.inputs ?? []).filter((input) => input.startsWith('local/') || input.includes('dynalite'));
    expect(local).toEqual([]);
    const code = await codeOf(name);
    // The in-process queue's sender id and the dummy credentials dynalite takes.
    expect(code).not.toContain('AIDALOCALHUBSENDER00');
    expect(code).not.toMatch(/accessKeyId:\s*"local"/);
  });

  it.each(WITH_ERRORS)('%s names its errors literally, so CompensationFailedError survives minification', async (name) => {
    const code = await codeOf(name);
    expect(code).toContain('"CompensationFailedError"');
    expect(code).toContain('"DependencyUnavailableError"');
  });

  it('are each under 700 KB minified, the console under 1,100 KB and the notification sender under 1,050 KB', () => {
    const over = bundles
      .filter(
        (bundle) =>
          bundle.bytes >=
          (bundle.name === CONSOLE_FUNCTION
            ? CONSOLE_BUDGET_BYTES
            : bundle.name === 'notification-sender'
              ? SENDER_BUDGET_BYTES
              : BUDGET_BYTES),
      )
      .map((b) => `${b.name}: ${(b.bytes / 1024).toFixed(1)} KB`);
    expect(over).toEqual([]);
  });

  it.each(FUNCTION_NAMES.filter((name) => !SECRET_READERS.includes(name)))(
    '%s does not carry the Secrets Manager client, which only the console and the notification sender use',
    async (name) => {
      const code = await codeOf(name);
      expect(code.includes('GetSecretValue')).toBe(false);
    },
  );

  it('notification-sender carries the GOV.UK Notify client and the Secrets Manager client for its key; nothing else carries Notify', async () => {
    const sender = bundles.find((candidate) => candidate.name === 'notification-sender')!;
    expect(sender.inputs.some((input) => input.includes('node_modules/notifications-node-client/'))).toBe(true);
    expect(sender.inputs.some((input) => input.includes('node_modules/@aws-sdk/client-secrets-manager/'))).toBe(true);
    // esbuild lists a module it visited among the inputs even when it shook all of it out: the code says.
    const carrying: string[] = [];
    for (const bundle of bundles) {
      if ((await codeOf(bundle.name)).includes('NOTIFY-API-NODE-CLIENT')) carrying.push(bundle.name);
    }
    expect(carrying).toEqual(['notification-sender']);
  });

  it("console carries the Secrets Manager client for its client secret, and its pages' template engine", async () => {
    const bundle = bundles.find((candidate) => candidate.name === CONSOLE_FUNCTION)!;
    expect(bundle.inputs.some((input) => input.includes('node_modules/@aws-sdk/client-secrets-manager/'))).toBe(true);
    expect(bundle.inputs.some((input) => input.includes('node_modules/nunjucks/'))).toBe(true);
  });

  it('count the listing, public, consumer and refusal functions among those without the KMS client', () => {
    expect(WITHOUT_KMS).toEqual(
      expect.arrayContaining(['list-alerts', 'list-areas', 'health', 'not-found', 'audit-consumer', 'authorizer-refusals']),
    );
  });

  it.each(WITHOUT_KMS)('%s does not carry the KMS client (no GenerateDataKey in its bundle)', async (name) => {
    const code = await codeOf(name);
    expect(code.includes('GenerateDataKey')).toBe(false);
  });
});

describe('the console bundle, run as Lambda runs it', () => {
  type Response = { statusCode: number; headers: Record<string, string>; body: string; isBase64Encoded: boolean };

  /** Imports the bundle in a fresh Node process (this one: Node 24) and hands it one GET per path. */
  function invokeConsole(paths: readonly string[]): Promise<Response[]> {
    const dir = join(outDir, CONSOLE_FUNCTION);
    const script = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)});
      const context = { functionName: 'console', functionVersion: '$LATEST', memoryLimitInMB: '1024',
        invokedFunctionArn: 'arn:aws:lambda:eu-west-2:000000000000:function:console', awsRequestId: 'bundle-test',
        getRemainingTimeInMillis: () => 15000 };
      const responses = [];
      for (const path of ${JSON.stringify(paths)}) {
        const event = { version: '2.0', routeKey: '$default', rawPath: path, rawQueryString: '',
          headers: { host: 'hub.example.invalid', 'x-forwarded-proto': 'https', accept: 'text/html' },
          requestContext: { accountId: '000000000000', apiId: 'api', domainName: 'hub.example.invalid', domainPrefix: 'hub',
            http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'bundle-test' },
            requestId: 'bundle-test', routeKey: '$default', stage: '$default', time: '', timeEpoch: 0 },
          isBase64Encoded: false };
        responses.push(await handler(event, context));
      }
      // Exit only once the output is written: a pipe may still hold it when process.exit() runs.
      process.stdout.write(JSON.stringify(responses), () => process.exit(0));`;
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        cwd: tmpdir(),
        env: {
          PATH: process.env['PATH'] ?? '',
          ...IMPORT_ENV,
          // What the stack sets on the console (infra/console.ts), and where Lambda unpacks the bundle.
          SESSIONS_TABLE: 'mset-hub-sessions',
          // A forward, a decision, a revocation from a page tells an area's mailbox through this queue.
          NOTIFICATION_QUEUE_URL: 'https://sqs.eu-west-2.amazonaws.com/000000000000/notifications',
          CONSOLE_OIDC_ISSUER: 'https://issuer.example.invalid/',
          CONSOLE_OIDC_CLIENT_ID: 'mset-hub',
          LAMBDA_TASK_ROOT: dir,
          POWERTOOLS_LOG_LEVEL: 'SILENT',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.once('error', reject);
      child.once('close', (code) => {
        try {
          if (code !== 0) throw new Error(`exit ${code}`);
          resolve(JSON.parse(stdout) as Response[]);
        } catch (error) {
          reject(new Error(`The console bundle failed (${String(error)}): ${stderr.slice(0, 2000)}`));
        }
      });
    });
  }

  it('renders the start page from the compiled views and GOV.UK Frontend templates, and serves its stylesheet', async () => {
    const manifest = JSON.parse(await readFile(join(outDir, CONSOLE_FUNCTION, 'console', 'assets', 'manifest.json'), 'utf8')) as Record<
      string,
      string
    >;
    const stylesheet = `/assets/${manifest['application.css']}`;
    const [start, css, missing] = await invokeConsole(['/', stylesheet, '/no-such-page']);

    expect(start!.statusCode).toBe(200);
    expect(start!.headers['content-type']).toBe('text/html; charset=utf-8');
    // GOV.UK Frontend's page template (govuk/template.njk), our layout and the start view, compiled beside the bundle.
    expect(start!.body).toMatch(/^<!DOCTYPE html>/);
    expect(start!.body).toContain('govuk-template');
    expect(start!.body).toContain(`href="${stylesheet}"`);
    expect(start!.body).toContain('/sign-in');

    expect(css!.statusCode).toBe(200);
    expect(css!.headers['content-type']).toMatch(/^text\/css/);
    const text = css!.isBase64Encoded ? Buffer.from(css!.body, 'base64').toString('utf8') : css!.body;
    expect(text).toContain('.govuk-button');
    expect(text).not.toContain('GDS Transport');

    // A page that needs a session sends a person without one to sign in; it never fails.
    expect(missing!.statusCode).toBeLessThan(500);
  }, 60_000);
});
