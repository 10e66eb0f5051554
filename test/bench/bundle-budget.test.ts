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
 * which nunjucks' runtime renders from the compiled views and GOV.UK Frontend templates. Then, signed in
 * against a local hub's data, it is asked for the first pages of every section of pages, each section in a
 * process of its own as a cold container meets it: a section is a chunk loaded by the first request under its
 * path (functions/console/pages/index.ts), so only a signed-in request shows that every chunk links.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_LIST, WORKER_LIST } from '../../functions/routes.js';
import { type FunctionName, NEEDS } from '../../infra/permissions.js';
import { LOCAL_TABLE_NAMES } from '../../local/dynamodb.js';
import {
  buildConsoleFunction,
  bundleFunctions,
  CONSOLE_FUNCTION,
  ESM_REQUIRE_BANNER,
  type FunctionBundle,
  IMPORT_ENV,
  SECRET_READERS,
} from '../../scripts/bundle.js';
import { runNodeJson } from '../../scripts/node-process.js';
import { buildConsoleRunner, type ConsoleCall, type ConsoleRunResult, runConsoleBundle } from '../support/console-bundle.js';
import { ConsoleClient } from '../support/console-client.js';
import { sampleAlert, sampleMeeting, startTestHub, type TestHub } from '../support/hub.js';

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

  it("console carries nunjucks' runtime without its compiler: it renders only templates compiled before it starts", async () => {
    const bundle = bundles.find((candidate) => candidate.name === CONSOLE_FUNCTION)!;
    const nunjucks = bundle.inputs.filter((input) => input.includes('node_modules/nunjucks/'));
    expect(nunjucks.some((input) => input.endsWith('node_modules/nunjucks/src/environment.js'))).toBe(true);
    expect(nunjucks.filter((input) => /\/(compiler|lexer|parser|transformer|nodes)\.js$/.test(input))).toEqual([]);
    // The split build, as deployed: the stand-in's refusal is there, and nothing only the compiler says.
    const dir = join(outDir, CONSOLE_FUNCTION);
    const code = (
      await Promise.all((await readdir(dir)).filter((file) => file.endsWith('.mjs')).map((file) => readFile(join(dir, file), 'utf8')))
    ).join('\n');
    expect(code).toContain("nunjucks' compiler is not in its bundle");
    expect(code).not.toContain('Cannot compile node');
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
    return runNodeJson<Response[]>(script, {
      cwd: tmpdir(),
      what: 'The console bundle',
      env: {
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

describe("the console's split build", () => {
  it('links in every file: each chunk, the lazy ones no test page loads (sign-in, the secret) among them, imports in a fresh process', async () => {
    const dir = join(outDir, CONSOLE_FUNCTION);
    const chunks = (await readdir(dir)).filter((file) => file.endsWith('.mjs')).sort();
    expect(chunks.length).toBeGreaterThan(10);
    const script = `
      const failed = [];
      for (const file of ${JSON.stringify(chunks)}) {
        try { await import(${JSON.stringify(pathToFileURL(dir).href)} + '/' + file); }
        catch (error) { failed.push(file + ': ' + String(error?.message ?? error).slice(0, 300)); }
      }
      process.stdout.write(JSON.stringify(failed), () => process.exit(0));`;
    const failed = await runNodeJson<string[]>(script, { cwd: tmpdir(), env: IMPORT_ENV, what: 'Importing every chunk' });
    expect(failed).toEqual([]);
  }, 60_000);

  it('makes its CommonJS require once, in index.mjs: no chunk brings a banner of its own to run at import', async () => {
    const dir = join(outDir, CONSOLE_FUNCTION);
    const code = await readFile(join(dir, 'index.mjs'), 'utf8');
    expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    // The banner's, and render.ts's own (it loads the compiled templates): each chunk joined into index.mjs
    // with a banner of its own would add one more (17 in all when they did).
    expect(code.match(/\(import\.meta\.url\)/g)?.length).toBe(2);
    // Nor may a chunk call require itself: only index.mjs has one. A CommonJS module in a chunk requires
    // through esbuild's helper, which the chunks share with index.mjs and so runs under its banner.
    const chunks = (await readdir(dir)).filter((file) => file.endsWith('.mjs') && file !== 'index.mjs');
    const requiring: string[] = [];
    for (const chunk of chunks) if (/import\.meta\.url|\brequire\b/.test(await readFile(join(dir, chunk), 'utf8'))) requiring.push(chunk);
    expect(requiring).toEqual([]);
  });

  it('links its source map, as every other function does, each map naming sources that are there from where it lies', async () => {
    const dir = join(outDir, CONSOLE_FUNCTION);
    const code = await readFile(join(dir, 'index.mjs'), 'utf8');
    expect(code.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map')).toBe(true);
    const map = JSON.parse(await readFile(join(dir, 'index.mjs.map'), 'utf8')) as { sources: string[] };
    expect(map.sources.some((source) => source.endsWith('functions/console/app.ts'))).toBe(true);
    // The lazy chunks' maps were made in a staging folder: read from here, the hub's own sources must still
    // resolve. (A package's sources come from the package's own map, and npm does not ship every one.)
    const maps = (await readdir(dir)).filter((file) => file.endsWith('.mjs.map'));
    expect(maps.length).toBeGreaterThan(5);
    const own: string[] = [];
    const missing: string[] = [];
    for (const file of maps) {
      const { sources } = JSON.parse(await readFile(join(dir, file), 'utf8')) as { sources: string[] };
      for (const source of sources.filter((name) => !name.includes('node_modules/') && !name.startsWith('console-split/'))) {
        own.push(source);
        if (!existsSync(resolve(dir, source))) missing.push(`${file}: ${source}`);
      }
    }
    expect(own.length).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });

  it('builds the same bytes twice (else the asset hash changes on every synth, and each deploy replaces the console)', async () => {
    const again = join(outDir, '.console-again');
    await buildConsoleFunction(again);
    const contents = async (root: string) => {
      const files = (await readdir(root, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
      const hashed = await Promise.all(
        files.map(async (entry) => {
          const path = join(entry.parentPath, entry.name);
          return [
            relative(root, path),
            createHash('sha256')
              .update(await readFile(path))
              .digest('hex'),
          ] as const;
        }),
      );
      return Object.fromEntries(hashed.sort(([a], [b]) => (a < b ? -1 : 1)));
    };
    const first = await contents(join(outDir, CONSOLE_FUNCTION));
    expect(Object.keys(first).length).toBeGreaterThan(20);
    expect(await contents(again)).toEqual(first);
  }, 60_000);
});

describe("the console bundle's sections, signed in, each the first request of a fresh process", () => {
  /** The synthetic child of every alert and meeting here: what a page may show only where its person may read it. */
  const CHILD = 'Test Child-Alpha';
  const NEVER_ALERT = '00000000-0000-4000-8000-000000000000';
  let hub: TestHub;
  let runner: string;
  let sessionToken: string;
  let csrfToken: string;
  let alertId: string;
  let meetingId: string;

  beforeAll(async () => {
    hub = await startTestHub();
    runner = await buildConsoleRunner(join(outDir, '.console-runner', 'runner.mjs'));
    const [police, chair, coordinator] = await Promise.all([
      hub.token('northumberland', 'police'),
      hub.token('northumberland', 'chair'),
      hub.token('north-tyneside', 'coordinator'),
    ]);
    // Significant, so its first step tells North Tyneside's mailbox at once: the mail outbox has a message.
    const significant = sampleAlert(['north-tyneside'], {
      risk: { level: 'SIGNIFICANT', exploitation: ['CCE'], summary: 'Synthetic summary' },
    });
    const created = await hub.call('POST', '/v1/alerts', { token: police, body: significant });
    expect(created.status).toBe(201);
    alertId = created.json.alertId;
    // A scheduled meeting, so its calendar file (a chunk of its own, the iCalendar writer) is there to download.
    const requested = await hub.call('POST', '/v1/meetings', { token: chair, body: sampleMeeting(['north-tyneside']) });
    expect(requested.status).toBe(201);
    meetingId = requested.json.meetingId;
    const accepted = await hub.call('POST', `/v1/meetings/${meetingId}/responses`, {
      token: coordinator,
      body: { response: 'ACCEPT', slotId: 'slot-1', attendees: [{ agency: 'childrens-services', role: 'MSET coordinator' }] },
    });
    expect(accepted.status).toBe(201);
    expect((await hub.call('POST', `/v1/meetings/${meetingId}/schedule`, { token: chair, body: { slotId: 'slot-1' } })).status).toBe(200);
    await hub.runJob('ladder-sweep');
    await hub.drainNotifications();
    await hub.drainAudit();
    // The session is the hub's (its sessions table), signed in through its local provider; the bundle reads it.
    const person = new ConsoleClient(hub.url);
    await person.signIn({ persona: 'COORDINATOR_NORTH_TYNESIDE' });
    sessionToken = person.cookies.get('mset-session') as string;
    csrfToken = (await person.csrfToken()) as string;
    expect(csrfToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  }, 120_000);

  afterAll(async () => {
    await hub?.stop();
  });

  const run = (requests: readonly ConsoleCall[]): Promise<ConsoleRunResult> =>
    runConsoleBundle({
      runner,
      dynamoEndpoint: hub.dynamoEndpoint,
      consoleDir: join(outDir, CONSOLE_FUNCTION),
      dataDir: hub.dataDir,
      tables: LOCAL_TABLE_NAMES,
      sessionToken,
      sentMail: hub.mailOutbox.list(),
      requests,
    });

  /** The visible text of a page's <h1>. */
  const heading = (body: string) => (/<h1[^>]*>([\s\S]*?)<\/h1>/.exec(body)?.[1] ?? '').replace(/<[^>]+>/g, '').trim();

  /** Every page here is a GOV.UK page of the signed-in person, and nothing the bundle sent names the child. */
  function expectSignedInPages(result: ConsoleRunResult, childShownOn: readonly number[] = []): void {
    for (const [n, response] of result.responses.entries()) {
      if (response.headers['content-type']?.startsWith('text/html')) {
        expect(response.body).toContain('govuk-template');
        expect(response.body).toContain('Test Coordinator North Tyneside');
      }
      expect(JSON.stringify([response.headers, response.cookies])).not.toContain('Child-Alpha');
      if (!childShownOn.includes(n)) expect(response.body).not.toContain('Child-Alpha');
    }
    expect(result.audited.join('\n')).not.toContain('Child-Alpha');
  }

  it('/alerts: the inbox, the outbox, an alert opened with the hub’s key, its forward page (the shares’ chunk), and 404 for an unknown one', async () => {
    const result = await run([
      { method: 'GET', path: '/alerts' },
      { method: 'GET', path: '/alerts/sent' },
      { method: 'GET', path: `/alerts/${alertId}` },
      { method: 'GET', path: `/alerts/${alertId}/forward` },
      { method: 'GET', path: `/alerts/${alertId}/history` },
      { method: 'GET', path: `/alerts/${NEVER_ALERT}` },
    ]);
    const [inbox, sent, alert, forward, history, never] = result.responses;

    expect([inbox, sent, alert, forward, history, never].map((page) => page?.status)).toEqual([200, 200, 200, 200, 200, 404]);
    expect(heading(inbox!.body)).toBe('Alerts received');
    expect(inbox!.body).toContain(`href="/alerts/${alertId}"`);
    expect(heading(sent!.body)).toBe('Alerts sent');
    expect(heading(alert!.body)).toBe('Alert from Northumberland');
    // Its boxes opened in the bundle (its sealing, its DynamoDB client) with the key the hub sealed them with.
    expect(alert!.body).toContain(CHILD);
    expect(heading(forward!.body)).toBe('Pass the alert on to another area');
    expect(history!.body).toContain('data-testid="history"');
    // A NotFoundError thrown in the section's chunk is the class the function maps to 404: one instance of each module.
    expect(heading(never!.body)).toBe('Page not found');
    expectSignedInPages(result, [2]);
  }, 60_000);

  it('a form as the first request: the form parser (its own chunk) reads it, and an empty alert comes back with an error summary', async () => {
    const result = await run([{ method: 'POST', path: '/alerts/new', form: { csrfToken } }]);
    const [page] = result.responses;

    expect(page!.status).toBe(422);
    expect(heading(page!.body)).toBe('Send an alert');
    expect(page!.body).toMatch(/<div class="govuk-error-summary"[\s\S]*?<a href="#[^"]+">/);
    expectSignedInPages(result);
  }, 60_000);

  it('/meetings: the list, a meeting, and its calendar file (the iCalendar writer, a chunk of its own)', async () => {
    const result = await run([
      { method: 'GET', path: '/meetings' },
      { method: 'GET', path: `/meetings/${meetingId}` },
      { method: 'GET', path: `/meetings/${meetingId}/calendar.ics` },
    ]);
    const [list, meeting, calendar] = result.responses;

    expect([list, meeting, calendar].map((page) => page?.status)).toEqual([200, 200, 200]);
    expect(heading(list!.body)).toBe('Meetings your area is invited to');
    expect(list!.body).toContain(`href="/meetings/${meetingId}"`);
    expect(heading(meeting!.body)).toBe('Meeting requested by Northumberland');
    expect(meeting!.body).toContain(CHILD);
    expect(calendar!.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(calendar!.body).toMatch(/^BEGIN:VCALENDAR/);
    expectSignedInPages(result, [1]);
  }, 60_000);

  it('/areas, /outbox and /history, each a section of its own', async () => {
    const [areas, outbox, history] = await Promise.all([
      run([{ method: 'GET', path: '/areas' }]),
      run([{ method: 'GET', path: '/outbox' }]),
      run([
        { method: 'GET', path: '/history' },
        { method: 'GET', path: `/history?type=alert&reference=${alertId}` },
      ]),
    ]);

    expect(areas.responses[0]!.status).toBe(200);
    expect(heading(areas.responses[0]!.body)).toBe('Areas');
    expect(areas.responses[0]!.body).toContain('Northumberland');
    expect(outbox.responses[0]!.status).toBe(200);
    expect(heading(outbox.responses[0]!.body)).toBe('Mail outbox');
    expect(outbox.responses[0]!.body).toMatch(/<p class="govuk-body">[1-9]\d* messages?\.<\/p>/);
    expect(history.responses.map((page) => page.status)).toEqual([200, 303]);
    expect(heading(history.responses[0]!.body)).toBe('Find an access history');
    // The lookup form, sent: it checks the reference and sends the person to that alert's history (an /alerts page).
    expect(history.responses[1]!.headers['location']).toBe(`/alerts/${alertId}/history`);
    for (const result of [areas, outbox, history]) expectSignedInPages(result);
  }, 60_000);
});
