/**
 * `npm run bench`: performance as ratios measured in one run against one local hub (measure, don't time).
 * Absolute milliseconds depend on the machine; the ratios say what our code adds:
 *
 *  a. create-alert through HTTP (gateway, JWT check, validation, envelope encryption, audit enqueue, two
 *     DynamoDB writes) against one raw PutItem of an item as large as what create-alert stores;
 *  b. meeting creation (POST /v1/meetings: validation, a lookup of the linked alert, two sealed boxes,
 *     audit enqueue, the meeting item and its listing rows) against the same raw PutItem;
 *  c. the inbox's first page with 10,000 shares stored for the area against 100 (both areas in the same
 *     table, measured interleaved);
 *  d. each function's bundle size and import time in a fresh process (scripts/bundle.ts);
 *  e. the console's "Alerts received" page (sign-in session, the same use case, rendered as GOV.UK HTML)
 *     against GET /v1/alerts for the same 10,000-share inbox, interleaved;
 *  f. the ladder sweep (every share due a step: read from the index of pending shares, the step claimed,
 *     recorded and marked) with 10,000 pending shares of which 100 are due, against 100 of which 100 are
 *     due: the sweep's cost must follow what is due, not what is stored;
 *  h. the outbox's first page (GET /v1/alerts?box=outbox&limit=20): 10,000 alerts stored by the sending
 *     area against 100 (two recipients each, as the first page of c's seeding), and 100 alerts of ten
 *     recipients each against 100 of one (interleaved): a page reads its alerts, each with its shares'
 *     summaries, not the area's history; then the same two with every share changed since the outbox fold
 *     (its first ladder step taken), what a page reads when the fold has not run;
 *  g. calls to AWS per route: every call the adapters make to DynamoDB, the key service and the queues,
 *     counted at the adapter boundary (local/call-meter.ts, on a hub of its own), the longest chain of calls
 *     made one after another, and the p50 with each call delayed by a latency profile (low, mid, high)
 *     beside the unmodelled local p50: what the local hub cannot show, the round trips AWS would charge;
 *  i. meetings that do not grow: GET /v1/meetings/{id} of a meeting whose action has 100 notes against a
 *     newly recorded one (interleaved, on a hub of its own; the meeting shows each action's latest three
 *     notes, the rest are at the action's own route), and the bytes an action update writes (its note item
 *     and the head it updates, as DynamoDB sizes them: what it bills) after 1 and after 100 updates;
 *  j. the console's cold start as a person meets it: its split bundle imported in fresh processes, each then
 *     serving the first signed-in page (the alerts inbox), against the import alone (bench/console-cold.ts).
 *
 * Prints a plain-text report and writes it as JSON to .bench/latest.json. Synthetic data only.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AreaId } from '../contracts/identity.js';
import { DynamoAlertStore } from '../functions/adapters/dynamodb/alert-store.js';
import type { StoredAlert, StoredShare } from '../functions/core/alerts/ports.js';
import type { ReaderCopy, SealedBox } from '../functions/core/sealed-box.js';
import { CallMeter, type CallSummary, PROFILES, summarize } from '../local/call-meter.js';
import { LOCAL_TABLE_NAMES, localDynamoClient } from '../local/dynamodb.js';
import {
  bundleFunctions,
  type FunctionBundle,
  formatBundleTable,
  IMPORT_RUNS,
  importCpuRatio,
  importRatio,
  pinning,
} from '../scripts/bundle.js';
import { callScenarios, movableClock } from '../test/support/call-scenarios.js';
import { ConsoleClient } from '../test/support/console-client.js';
import { benchConsoleCold, formatConsoleCold } from './console-cold.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const CREATE_WARMUP = 50;
const CREATE_RUNS = 500;
const PUT_WARMUP = 50;
const PUT_RUNS = 500;
const MEETING_WARMUP = 30;
const MEETING_RUNS = 300;
const INBOX_WARMUP = 20;
const INBOX_RUNS = 200;
const SMALL_INBOX = { area: 'sunderland', alerts: 100 } as const;
const LARGE_INBOX = { area: 'gateshead', alerts: 10_000 } as const;
/** Not a recipient of either inbox area, and not north-tyneside, which part (a) fills. */
const SEED_SENDER = 'county-durham';
const SEED_CONCURRENCY = 16;
/** h: the small outbox of the same shape as c's 10,000 (county-durham's), and the two of ten and one recipients. */
const SMALL_OUTBOX = { sender: 'darlington', alerts: 100, recipients: ['gateshead', 'sunderland'] } as const;
const TEN_RECIPIENTS = {
  sender: 'hartlepool',
  alerts: 100,
  recipients: [
    'northumberland',
    'north-tyneside',
    'newcastle',
    'south-tyneside',
    'middlesbrough',
    'redcar-and-cleveland',
    'stockton-on-tees',
    'cumberland',
    'westmorland-and-furness',
    'scottish-borders',
  ],
} as const;
const ONE_RECIPIENT = { sender: 'stockton-on-tees', alerts: 100, recipients: ['middlesbrough'] } as const;
/** h under the mid latency model: every request waits on its modelled calls, so fewer give a steady p50. */
const MODELLED_WARMUP = 5;
const MODELLED_RUNS = 60;
const SWEEP_LARGE = 10_000;
const SWEEP_DUE = 100;
const SWEEP_RUNS = 10;
/**
 * Per route and per profile (and unmodelled). The modelled delays are fixed, so the spread is the local
 * hub's own time; with 12 runs a route's mid p50 moved by up to 2 ms from one bench to the next.
 */
const CALLS_WARMUP = 1;
const CALLS_RUNS = 20;
const CALLS_PREPARE_CONCURRENCY = 8;
const GROWTH_UPDATES = 100;
const GROWTH_WARMUP = 20;
const GROWTH_RUNS = 200;

type Percentiles = { p50: number; p99: number; mean: number; n: number };

function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  // Nearest rank: the smallest sample with at least p% of samples at or below it.
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
  return { p50: rank(50), p99: rank(99), mean: sorted.reduce((sum, x) => sum + x, 0) / sorted.length, n: sorted.length };
}

async function timed(run: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/**
 * A request timed as it runs on AWS, where the audit consumer and the notification sender are other
 * Lambda functions on other machines: the hub's queues hold what it sends until it has answered, so that
 * their consumers (in this one process) do not take turns on its CPU. The caller drains them before the
 * next (drainedQueues).
 */
async function timedAlone(hub: StartedHub, run: () => Promise<void>): Promise<number> {
  const releases = [hub.auditQueue.hold(), hub.notificationQueue.hold()];
  try {
    return await timed(run);
  } finally {
    for (const release of releases) release();
  }
}

/** Resolves once the last request's audit events and notifications have been consumed. */
const drainedQueues = (hub: StartedHub) => Promise.all([hub.drainAudit(), hub.drainNotifications()]);

async function inPool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

const ms = (value: number) => `${value.toFixed(2)} ms`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

async function main(): Promise<void> {
  const benchStart = performance.now();
  // The hub's functions log every request at INFO; the report is what this run prints.
  process.env['POWERTOOLS_LOG_LEVEL'] ??= 'WARN';
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
  // CloudWatch metric lines would be work and output that AWS does elsewhere.
  process.env['POWERTOOLS_METRICS_DISABLED'] ??= 'true';
  // `npm run bench -- console-cold`: only j, the console's cold start (a hub of its own).
  if (process.argv.includes('console-cold')) {
    console.log(formatConsoleCold(await benchConsoleCold((message) => process.stderr.write(`[bench] ${message}\n`))));
    return;
  }
  const { startHub } = await import('../local/hub.js');

  const dataDir = await mkdtemp(join(tmpdir(), 'mset-hub-bench-'));
  const hub = await startHub({ port: 0, dataDir, jobIntervalMs: 0 });
  // `npm run bench -- sweep`: only f, the ladder sweep.
  if (process.argv.includes('sweep')) {
    try {
      const only = await benchSweep(
        localDynamoClient(hub.dynamoEndpoint),
        DynamoDBDocumentClient.from(localDynamoClient(hub.dynamoEndpoint)),
        (message) => process.stderr.write(`[bench] ${message}\n`),
      );
      console.log(
        `f. ladder sweep p50 ${ms(only.large.p50)} (10,000 pending, 100 due) vs ${ms(only.small.p50)} (100 pending, 100 due): ratio ${ratio(only.large.p50, only.small.p50)}`,
      );
    } finally {
      await hub.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
    return;
  }
  // `npm run bench -- listings`: only c and h, the inbox and the outbox.
  if (process.argv.includes('listings')) {
    const documents = DynamoDBDocumentClient.from(localDynamoClient(hub.dynamoEndpoint));
    const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);
    try {
      const inbox = await benchInbox(hub, documents, progress);
      const outbox = (await benchOutbox(hub, documents, progress)) as OutboxBench;
      console.log(formatListings(inbox, outbox));
    } finally {
      documents.destroy();
      await hub.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
    return;
  }
  // `npm run bench -- recipients`: only h's outboxes of ten recipients and of one.
  if (process.argv.includes('recipients')) {
    const documents = DynamoDBDocumentClient.from(localDynamoClient(hub.dynamoEndpoint));
    try {
      const outbox = await benchOutbox(hub, documents, (message) => process.stderr.write(`[bench] ${message}\n`), true);
      const modelled = await benchRecipientsModelled();
      console.log(
        `h. outbox first page, ten recipients vs one (${INBOX_RUNS} requests each, interleaved)\n${formatRecipients(outbox, modelled)}`,
      );
    } finally {
      documents.destroy();
      await hub.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
    return;
  }
  // `npm run bench -- meetings`: only i, meetings that do not grow.
  if (process.argv.includes('meetings')) {
    await hub.stop();
    await rm(dataDir, { recursive: true, force: true });
    console.log(formatGrowth(await benchMeetingGrowth((message) => process.stderr.write(`[bench] ${message}\n`))));
    return;
  }
  // `npm run bench -- calls`: only g, the calls to AWS per route.
  if (process.argv.includes('calls')) {
    await hub.stop();
    await rm(dataDir, { recursive: true, force: true });
    const only = await benchCalls((message) => process.stderr.write(`[bench] ${message}\n`));
    console.log(formatCalls(only));
    return;
  }
  const raw = localDynamoClient(hub.dynamoEndpoint);
  const documents = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  const progress = (message: string) =>
    process.stderr.write(`[bench ${((performance.now() - benchStart) / 1000).toFixed(1)} s] ${message}\n`);

  let create: Awaited<ReturnType<typeof benchCreate>>;
  let meeting: Awaited<ReturnType<typeof benchMeeting>>;
  let inbox: Awaited<ReturnType<typeof benchInbox>>;
  let inboxPage: Awaited<ReturnType<typeof benchInboxPage>>;
  let outbox: OutboxBench;
  let sweep: Awaited<ReturnType<typeof benchSweep>>;
  try {
    progress('a. create-alert through HTTP vs raw PutItem');
    create = await benchCreate(hub, documents, raw);
    await hub.drainAudit();
    progress('b. meeting creation through HTTP vs the same raw PutItem');
    meeting = await benchMeeting(hub, documents, create.rawPut);
    await hub.drainAudit();
    progress(`c. seeding ${SMALL_INBOX.alerts} + ${LARGE_INBOX.alerts} shares through DynamoAlertStore.create`);
    inbox = await benchInbox(hub, documents, progress);
    await hub.drainAudit();
    progress('e. the console inbox page against GET /v1/alerts, same data');
    inboxPage = await benchInboxPage(hub);
    await hub.drainAudit();
    progress('h. the outbox first page: 10,000 stored vs 100, ten recipients vs one');
    outbox = (await benchOutbox(hub, documents, progress)) as OutboxBench;
    await hub.drainAudit();
    progress(`f. the ladder sweep: ${SWEEP_LARGE} pending shares (${SWEEP_DUE} due) vs ${SWEEP_DUE} (all due)`);
    sweep = await benchSweep(raw, documents, progress);
  } finally {
    documents.destroy();
    await hub.stop();
    await rm(dataDir, { recursive: true, force: true });
  }

  progress(`h. the outbox of ten recipients vs one under the mid latency model (${MODELLED_RUNS} requests each)`);
  const recipientsModelled = await benchRecipientsModelled();
  outbox = { ...outbox, modelled: recipientsModelled };

  progress(`g. calls to AWS per route, local and under the latency profiles (${CALLS_RUNS} requests each)`);
  const callsStart = performance.now();
  const calls = await benchCalls(progress);
  const callsSeconds = (performance.now() - callsStart) / 1000;

  progress(`i. a meeting after ${GROWTH_UPDATES} action updates vs a new one, and the bytes each update writes`);
  const growth = await benchMeetingGrowth(progress);

  // After the hub has stopped, so the spawned imports have the CPU to themselves.
  progress('d. bundling and timing imports of every function');
  const bundleDir = await mkdtemp(join(tmpdir(), 'mset-hub-bundles-'));
  let bundles: FunctionBundle[];
  try {
    bundles = await bundleFunctions(bundleDir);
  } finally {
    await rm(bundleDir, { recursive: true, force: true });
  }
  const consoleCold = await benchConsoleCold(progress);

  const durationSeconds = (performance.now() - benchStart) / 1000;
  const report = {
    when: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    durationSeconds: Number(durationSeconds.toFixed(1)),
    createAlert: create,
    requestMeeting: meeting,
    inboxFirstPage: inbox,
    consoleInboxPage: inboxPage,
    outboxFirstPage: outbox,
    ladderSweep: sweep,
    callsPerRoute: { seconds: Number(callsSeconds.toFixed(1)), routes: calls },
    meetingGrowth: growth,
    consoleColdStart: consoleCold,
    bundles: bundles.map((b) => ({
      name: b.name,
      kb: Number((b.bytes / 1024).toFixed(1)),
      importMs: Number(b.importMs.toFixed(1)),
      baselineMs: b.baseline === null ? null : Number(b.baseline.importMs.toFixed(1)),
      ratio: b.baseline === null ? null : Number(importRatio(b).toFixed(2)),
      cpuRatio: b.baseline === null ? null : Number(importCpuRatio(b).toFixed(2)),
    })),
  };
  const text = [
    `MSET hub benchmark: node ${report.node}, ${report.cpus} CPUs, one run, ${report.durationSeconds} s in all`,
    '',
    `a. create-alert (POST /v1/alerts via HTTP, ${create.http.n} requests after ${CREATE_WARMUP} warm-up, sequential)`,
    `   request body ${create.requestBodyBytes} B JSON; stored alert item + ${create.shareItems} share item(s) ${create.storedBytes} B as JSON`,
    `   create-alert      p50 ${ms(create.http.p50)}   p99 ${ms(create.http.p99)}   mean ${ms(create.http.mean)}`,
    `   raw PutItem       p50 ${ms(create.rawPut.p50)}   p99 ${ms(create.rawPut.p99)}   mean ${ms(create.rawPut.mean)}   (one ${create.rawPutItemBytes} B item, same dynalite, ${create.rawPut.n} puts)`,
    `   ratio create/put  p50 ${ratio(create.http.p50, create.rawPut.p50)}   p99 ${ratio(create.http.p99, create.rawPut.p99)}`,
    '',
    `b. meeting creation (POST /v1/meetings via HTTP, chair, ${meeting.http.n} requests after ${MEETING_WARMUP} warm-up, sequential)`,
    `   request body ${meeting.requestBodyBytes} B JSON (2 invited areas, 1 linked alert, 2 slots); stored meeting item ${meeting.storedBytes} B as JSON + ${meeting.listingRows} listing rows`,
    `   request-meeting   p50 ${ms(meeting.http.p50)}   p99 ${ms(meeting.http.p99)}   mean ${ms(meeting.http.mean)}`,
    `   raw PutItem       p50 ${ms(create.rawPut.p50)}   p99 ${ms(create.rawPut.p99)}   (as in a.)`,
    `   ratio meeting/put p50 ${ratio(meeting.http.p50, create.rawPut.p50)}   p99 ${ratio(meeting.http.p99, create.rawPut.p99)}`,
    '',
    formatListings(inbox, outbox),
    '',
    `e. the console's "Alerts received" page (GET /alerts, signed in, HTML) vs GET /v1/alerts?box=inbox&limit=20, ${LARGE_INBOX.alerts} stored, ${INBOX_RUNS} each, interleaved`,
    `   console page      p50 ${ms(inboxPage.page.p50)}   p99 ${ms(inboxPage.page.p99)}   (${inboxPage.pageBytes} B of HTML)`,
    `   API first page    p50 ${ms(inboxPage.api.p50)}   p99 ${ms(inboxPage.api.p99)}   (${inboxPage.apiBytes} B of JSON)`,
    `   ratio page/API    p50 ${ratio(inboxPage.page.p50, inboxPage.api.p50)}   p99 ${ratio(inboxPage.page.p99, inboxPage.api.p99)}`,
    '',
    `f. the ladder sweep (one run taking the SHARED step of every due share: index query, commit check, claim, record, mark; ${SWEEP_RUNS} runs each, interleaved)`,
    `   ${String(SWEEP_LARGE).padStart(6)} pending, ${SWEEP_DUE} due  p50 ${ms(sweep.large.p50)}   p99 ${ms(sweep.large.p99)}   (${sweep.large.stepsPerRun} steps a run)`,
    `   ${String(SWEEP_DUE).padStart(6)} pending, ${SWEEP_DUE} due  p50 ${ms(sweep.small.p50)}   p99 ${ms(sweep.small.p99)}   (${sweep.small.stepsPerRun} steps a run)`,
    `   ratio 10,000/100  p50 ${ratio(sweep.large.p50, sweep.small.p50)}`,
    '',
    `g. calls to AWS per route (one request of each; ${CALLS_RUNS} requests per profile, sequential; ${callsSeconds.toFixed(1)} s)`,
    formatCalls(calls),
    '',
    formatGrowth(growth),
    '',
    `d. functions (esbuild ESM, minified, AWS SDK bundled; import = median of ${IMPORT_RUNS} fresh node processes ${pinning()}, alternated with a bundle of the function's AWS clients alone)`,
    formatBundleTable(bundles)
      .split('\n')
      .map((line) => `   ${line}`)
      .join('\n'),
    '',
    formatConsoleCold(consoleCold),
  ].join('\n');
  console.log(text);
  await mkdir(join(ROOT, '.bench'), { recursive: true });
  await writeFile(join(ROOT, '.bench', 'latest.json'), `${JSON.stringify({ ...report, text }, null, 2)}\n`);
  console.log(`\nwritten to .bench/latest.json`);
}

type StartedHub = Awaited<ReturnType<typeof import('../local/hub.js').startHub>>;

async function benchCreate(hub: StartedHub, documents: DynamoDBDocumentClient, raw: ReturnType<typeof localDynamoClient>) {
  const body = await readFile(join(ROOT, 'docs', 'examples', 'alert.json'), 'utf8');
  const requestBody = JSON.stringify(JSON.parse(body));
  const token = await hub.identity.mint({
    area: 'northumberland',
    roles: ['police'],
    agency: 'police',
    sub: 'bench-police-northumberland',
    name: 'Bench Officer Northumberland',
  });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  let lastAlertId = '';
  const post = async () => {
    const response = await fetch(`${hub.url}/v1/alerts`, { method: 'POST', headers, body: requestBody });
    const text = await response.text();
    if (response.status !== 201) throw new Error(`POST /v1/alerts answered ${response.status}: ${text.slice(0, 300)}`);
    lastAlertId = (JSON.parse(text) as { alertId: string }).alertId;
  };
  for (let i = 0; i < CREATE_WARMUP; i += 1) await post();
  const http: number[] = [];
  for (let i = 0; i < CREATE_RUNS; i += 1) http.push(await timed(post));

  // What one create stores, read back: the alert item and one share item per recipient.
  const recipients = (JSON.parse(body) as { recipients: { area: string }[] }).recipients.map((r) => r.area);
  const table = LOCAL_TABLE_NAMES.alerts;
  const stored = await Promise.all([
    documents.send(new GetCommand({ TableName: table, Key: { pk: `ALERT#${lastAlertId}`, sk: 'ALERT' } })),
    ...recipients.map((area) =>
      documents.send(new GetCommand({ TableName: table, Key: { pk: `ALERT#${lastAlertId}`, sk: `SHARE#${area}` } })),
    ),
  ]);
  if (stored.some((result) => result.Item === undefined)) throw new Error('The created alert was not found in the table');
  const storedBytes = stored.reduce((sum, result) => sum + Buffer.byteLength(JSON.stringify(result.Item)), 0);

  // The same table, a key prefix no use case reads, no index attributes: one plain write of that size.
  const filler = 'x'.repeat(
    Math.max(1, storedBytes - JSON.stringify({ pk: 'BENCH#PUT#00000000-0000-0000-0000-000000000000', sk: 'ITEM', data: '' }).length),
  );
  const rawPutItemBytes = Buffer.byteLength(JSON.stringify({ pk: `BENCH#PUT#${randomUUID()}`, sk: 'ITEM', data: filler }));
  const put = () =>
    raw
      .send(
        new PutItemCommand({ TableName: table, Item: { pk: { S: `BENCH#PUT#${randomUUID()}` }, sk: { S: 'ITEM' }, data: { S: filler } } }),
      )
      .then(() => undefined);
  for (let i = 0; i < PUT_WARMUP; i += 1) await put();
  const puts: number[] = [];
  for (let i = 0; i < PUT_RUNS; i += 1) puts.push(await timed(put));

  return {
    requestBodyBytes: Buffer.byteLength(requestBody),
    shareItems: recipients.length,
    storedBytes,
    rawPutItemBytes,
    http: percentiles(http),
    rawPut: percentiles(puts),
    ratioP50: Number((percentiles(http).p50 / percentiles(puts).p50).toFixed(2)),
    ratioP99: Number((percentiles(http).p99 / percentiles(puts).p99).toFixed(2)),
  };
}

async function benchMeeting(hub: StartedHub, documents: DynamoDBDocumentClient, rawPut: Percentiles) {
  const mint = (roles: ('police' | 'chair')[], agency: 'police' | 'childrens-services', who: string) =>
    hub.identity.mint({ area: 'northumberland', roles, agency, sub: `bench-${who}-northumberland`, name: `Bench ${who} Northumberland` });
  const [police, chair] = await Promise.all([mint(['police'], 'police', 'officer'), mint(['chair'], 'childrens-services', 'chair')]);
  // The alert the meeting is about, sent by the chair's own area, as a chair would link it.
  const alertBody = await readFile(join(ROOT, 'docs', 'examples', 'alert.json'), 'utf8');
  const alertResponse = await fetch(`${hub.url}/v1/alerts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${police}`, 'content-type': 'application/json' },
    body: alertBody,
  });
  const alertText = await alertResponse.text();
  if (alertResponse.status !== 201) throw new Error(`POST /v1/alerts answered ${alertResponse.status}: ${alertText.slice(0, 300)}`);
  const alertId = (JSON.parse(alertText) as { alertId: string }).alertId;

  const slot = (days: number) => {
    const start = new Date(Date.now() + days * 24 * 60 * 60 * 1000);
    start.setUTCHours(10, 0, 0, 0);
    return start.toISOString();
  };
  const invitedAreas = ['north-tyneside', 'newcastle'];
  const requestBody = JSON.stringify({
    invitedAreas,
    alertIds: [alertId],
    subject: { name: { given: 'Test', family: 'Child-Alpha' }, dateOfBirth: '2011-01-01' },
    reason: 'Synthetic example: repeated missing episodes in both areas, found with unexplained cash',
    agenda: 'Synthetic example: what each area knows; locations of concern; a joint disruption plan',
    proposedSlots: [
      { start: slot(7), durationMinutes: 60 },
      { start: slot(8), durationMinutes: 90 },
    ],
    format: 'HYBRID',
  });
  const headers = { authorization: `Bearer ${chair}`, 'content-type': 'application/json' };
  let lastMeetingId = '';
  const post = async () => {
    const response = await fetch(`${hub.url}/v1/meetings`, { method: 'POST', headers, body: requestBody });
    const text = await response.text();
    if (response.status !== 201) throw new Error(`POST /v1/meetings answered ${response.status}: ${text.slice(0, 300)}`);
    lastMeetingId = (JSON.parse(text) as { meetingId: string }).meetingId;
  };
  for (let i = 0; i < MEETING_WARMUP; i += 1) await post();
  const http: number[] = [];
  for (let i = 0; i < MEETING_RUNS; i += 1) http.push(await timed(post));

  const stored = await documents.send(
    new GetCommand({ TableName: LOCAL_TABLE_NAMES.meetings, Key: { pk: `MEETING#${lastMeetingId}`, sk: 'MEETING' } }),
  );
  if (stored.Item === undefined) throw new Error('The requested meeting was not found in the table');
  const stats = percentiles(http);
  return {
    requestBodyBytes: Buffer.byteLength(requestBody),
    storedBytes: Buffer.byteLength(JSON.stringify(stored.Item)),
    listingRows: invitedAreas.length + 1,
    http: stats,
    ratioP50: Number((stats.p50 / rawPut.p50).toFixed(2)),
    ratioP99: Number((stats.p99 / rawPut.p99).toFixed(2)),
  };
}

/** Listing never opens a box, so a well-formed but meaningless one is enough (and keeps items realistic in size). */
function fakeBox(): SealedBox {
  return {
    v: 1,
    key: Buffer.alloc(184, 1).toString('base64'),
    iv: Buffer.alloc(12, 2).toString('base64'),
    ct: Buffer.alloc(160, 3).toString('base64'),
    tag: Buffer.alloc(16, 4).toString('base64'),
  };
}

/** A reader's copy of the size a real one has: a wrapped key and one sealed part per name. */
function fakeCopy(box: SealedBox, parts: readonly string[]): ReaderCopy {
  return { key: box.key, parts: Object.fromEntries(parts.map((part) => [part, { iv: box.iv, ct: box.ct, tag: box.tag }])) };
}

async function benchInbox(hub: StartedHub, documents: DynamoDBDocumentClient, progress: (message: string) => void) {
  const store = new DynamoAlertStore(documents, LOCAL_TABLE_NAMES.alerts);
  const box = fakeBox();
  const now = Date.now();
  const day = 24 * 60 * 60 * 1000;
  const expiresAt = new Date(now + 365 * day).toISOString();
  const ackDueBy = new Date(now + 3 * day).toISOString();
  // The first SMALL alerts go to both areas, the rest to the large area only: 10,000 creates in all.
  const plans = Array.from({ length: LARGE_INBOX.alerts }, (_, i) => ({
    index: i,
    recipients: (i < SMALL_INBOX.alerts ? [LARGE_INBOX.area, SMALL_INBOX.area] : [LARGE_INBOX.area]) as AreaId[],
  }));
  const seedStart = performance.now();
  let done = 0;
  await inPool(plans, SEED_CONCURRENCY, async ({ index, recipients }) => {
    const alertId = randomUUID();
    // Spread over the past, a second apart, so newest-first ordering has work to do.
    const createdAt = new Date(now - (index + 1) * 1000).toISOString();
    const alert: StoredAlert = {
      alertId,
      senderArea: SEED_SENDER,
      createdAt,
      createdBy: { sub: 'bench-seed', name: 'Bench Seeder', agency: 'police' },
      expiresAt,
      riskLevel: 'MODERATE',
      exploitation: ['CSE'],
      recipients,
      senderCopy: fakeCopy(box, ['IDENTITY', 'MOVEMENT', 'RISK', 'SHARE_TERMS']),
    };
    const shares: StoredShare[] = recipients.map((recipientArea) => ({
      alertId,
      senderArea: SEED_SENDER,
      recipientArea,
      scopes: ['IDENTITY', 'MOVEMENT', 'RISK'],
      status: 'PENDING',
      ackDueBy,
      createdAt,
      expiresAt,
      riskLevel: 'MODERATE',
      exploitation: ['CSE'],
      terms: { lawfulBasis: 'DPA2018_PART3_SCH8_PARA4', consentStatus: 'NOT_SOUGHT', handlingCode: 'P' },
      copy: fakeCopy(box, ['IDENTITY', 'MOVEMENT', 'RISK', 'SHARE_TERMS']),
    }));
    await store.create(alert, shares);
    done += 1;
    if (done % 2500 === 0) progress(`   seeded ${done} alerts`);
  });
  const seedSeconds = (performance.now() - seedStart) / 1000;

  const tokenFor = (area: string) =>
    hub.identity.mint({
      area,
      roles: ['coordinator'],
      agency: 'childrens-services',
      sub: `bench-coordinator-${area}`,
      name: `Bench Coordinator ${area}`,
    });
  const [smallToken, largeToken] = await Promise.all([tokenFor(SMALL_INBOX.area), tokenFor(LARGE_INBOX.area)]);
  const firstPage = async (token: string, expected: number) => {
    const response = await fetch(`${hub.url}/v1/alerts?box=inbox&limit=20`, { headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`GET /v1/alerts answered ${response.status}: ${text.slice(0, 300)}`);
    const page = JSON.parse(text) as { items: unknown[]; nextCursor?: string };
    if (page.items.length !== expected || page.nextCursor === undefined) {
      throw new Error(
        `The inbox first page held ${page.items.length} items (cursor ${page.nextCursor === undefined ? 'absent' : 'present'})`,
      );
    }
  };
  for (let i = 0; i < INBOX_WARMUP; i += 1) {
    await firstPage(smallToken, 20);
    await firstPage(largeToken, 20);
  }
  const small: number[] = [];
  const large: number[] = [];
  // Interleaved, so drift in the machine's load falls on both sides alike.
  for (let i = 0; i < INBOX_RUNS; i += 1) {
    small.push(await timed(() => firstPage(smallToken, 20)));
    large.push(await timed(() => firstPage(largeToken, 20)));
  }
  const smallStats = percentiles(small);
  const largeStats = percentiles(large);
  return {
    seeded: { shares: SMALL_INBOX.alerts + LARGE_INBOX.alerts, seconds: Number(seedSeconds.toFixed(1)) },
    small: { area: SMALL_INBOX.area, stored: SMALL_INBOX.alerts, ...smallStats },
    large: { area: LARGE_INBOX.area, stored: LARGE_INBOX.alerts, ...largeStats },
    ratioP50: Number((largeStats.p50 / smallStats.p50).toFixed(2)),
  };
}

/** The whole of h: the 10,000 and the 100 as well as the ten and one recipients. */
type OutboxBench = Extract<Awaited<ReturnType<typeof benchOutbox>>, { large: unknown }> & { modelled?: RecipientsModelled };

function formatListings(inbox: Awaited<ReturnType<typeof benchInbox>>, outbox: OutboxBench): string {
  const line = (label: string, stats: Percentiles) => `   ${label.padEnd(34)}p50 ${ms(stats.p50)}   p99 ${ms(stats.p99)}`;
  return [
    `c. inbox first page (GET /v1/alerts?box=inbox&limit=20, coordinator, ${INBOX_RUNS} requests each, interleaved)`,
    `   seeded ${inbox.seeded.shares} shares in ${inbox.seeded.seconds} s`,
    line(`${String(LARGE_INBOX.alerts).padStart(6)} stored (${LARGE_INBOX.area})`, inbox.large),
    line(`${String(SMALL_INBOX.alerts).padStart(6)} stored (${SMALL_INBOX.area})`, inbox.small),
    `   ratio 10,000/100  p50 ${ratio(inbox.large.p50, inbox.small.p50)}   (target at most 1.20x)`,
    '',
    `h. outbox first page (GET /v1/alerts?box=outbox&limit=20, police, ${INBOX_RUNS} requests each, interleaved)`,
    `   seeded ${outbox.seeded.alerts} more alerts in ${outbox.seeded.seconds} s`,
    line(`${String(LARGE_INBOX.alerts).padStart(6)} stored (${SEED_SENDER})`, outbox.large),
    line(`${String(SMALL_OUTBOX.alerts).padStart(6)} stored (${SMALL_OUTBOX.sender})`, outbox.small),
    `   ratio 10,000/100  p50 ${ratio(outbox.large.p50, outbox.small.p50)}   (target at most 1.20x)`,
    formatRecipients(outbox, outbox.modelled),
  ].join('\n');
}

function formatRecipients(
  outbox: Pick<Awaited<ReturnType<typeof benchOutbox>>, 'ten' | 'one' | 'unfolded'>,
  modelled?: RecipientsModelled,
): string {
  const line = (label: string, stats: Percentiles) => `   ${label.padEnd(34)}p50 ${ms(stats.p50)}   p99 ${ms(stats.p99)}`;
  return [
    "   as sent, and as the outbox fold leaves them (each alert row with its shares' summaries, no share changed since):",
    line(`   10 recipients each (${TEN_RECIPIENTS.sender})`, outbox.ten),
    line(`    1 recipient each (${ONE_RECIPIENT.sender})`, outbox.one),
    `   ratio 10/1 recipients  p50 ${ratio(outbox.ten.p50, outbox.one.p50)}   (target at most 1.30x)`,
    '   every share changed since the fold (its first ladder step taken, the fold not yet run: the most a page reads):',
    line('   10 recipients each', outbox.unfolded.ten),
    line('    1 recipient each', outbox.unfolded.one),
    `   ratio 10/1 recipients  p50 ${ratio(outbox.unfolded.ten.p50, outbox.unfolded.one.p50)}   (for comparison: what the fold saves)`,
    ...(modelled === undefined
      ? []
      : [
          `   under the mid latency model (each call to DynamoDB ${PROFILES.mid.dynamodb} ms, KMS ${PROFILES.mid.kms} ms, SQS ${PROFILES.mid.audit} ms; a hub of its own, ${modelled.ten.n} requests each; for comparison, not the target's figure):`,
          `      10 recipients p50 ${ms(modelled.ten.p50)}, 1 recipient p50 ${ms(modelled.one.p50)}: ratio ${ratio(modelled.ten.p50, modelled.one.p50)}`,
        ]),
  ].join('\n');
}

type RecipientsModelled = Awaited<ReturnType<typeof benchRecipientsModelled>>;

/**
 * h's ten recipients against one under the mid latency model: on a hub of its own whose adapters a
 * CallMeter delays as AWS would (local/call-meter.ts), seeded as benchOutbox seeds them. What the local
 * ratio cannot show: beside the round trips AWS charges, how much of a page's time the rows it reads are.
 */
async function benchRecipientsModelled() {
  const { startHub } = await import('../local/hub.js');
  const meter = new CallMeter();
  const dataDir = await mkdtemp(join(tmpdir(), 'mset-hub-bench-modelled-'));
  const hub = await startHub({ port: 0, dataDir, jobIntervalMs: 0, meter });
  const documents = DynamoDBDocumentClient.from(localDynamoClient(hub.dynamoEndpoint));
  try {
    await seedOutboxes(documents, [TEN_RECIPIENTS, ONE_RECIPIENT]);
    const sides = await Promise.all(
      [TEN_RECIPIENTS, ONE_RECIPIENT].map(async (outbox) => ({
        token: await outboxToken(hub, outbox.sender),
        shares: outbox.recipients.length,
      })),
    );
    const samples: number[][] = sides.map(() => []);
    meter.setProfile(PROFILES.mid);
    for (let i = 0; i < MODELLED_WARMUP + MODELLED_RUNS; i += 1) {
      for (const [index, side] of sides.entries()) {
        await drainedQueues(hub);
        const took = await timedAlone(hub, () => outboxPage(hub, side.token, side.shares));
        if (i >= MODELLED_WARMUP) samples[index]?.push(took);
        meter.take();
      }
    }
    meter.setProfile(undefined);
    const [ten, one] = samples.map(percentiles) as [Percentiles, Percentiles];
    return { profile: 'mid', ten, one, recipientsRatioP50: Number((ten.p50 / one.p50).toFixed(2)) };
  } finally {
    documents.destroy();
    await hub.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * 100 alerts from each outbox's sender to its recipients, a second apart, newest first a second ago.
 * `created`, if given, receives each alert's shares as stored.
 */
async function seedOutboxes(
  documents: DynamoDBDocumentClient,
  outboxes: readonly { readonly sender: AreaId; readonly alerts: number; readonly recipients: readonly AreaId[] }[],
  created?: StoredShare[],
): Promise<number> {
  const store = new DynamoAlertStore(documents, LOCAL_TABLE_NAMES.alerts);
  const box = fakeBox();
  const now = Date.now();
  const plans = outboxes.flatMap((outbox) =>
    Array.from({ length: outbox.alerts }, (_, i) => ({ outbox, createdAt: new Date(now - (i + 1) * 1000).toISOString() })),
  );
  await inPool(plans, SEED_CONCURRENCY, async ({ outbox, createdAt }) => {
    const [alert, shares] = benchAlert(outbox.sender, outbox.recipients, createdAt, box);
    await store.create(alert, shares);
    created?.push(...shares);
  });
  return plans.length;
}

/**
 * Every share's first ladder step, as the ladder sweep takes it a minute after an alert is sent, written
 * through the store as the sweep writes it: each share is then among those changed since the outbox fold
 * last ran, the most a page can find unfolded (the fold, every minute, has not yet run).
 */
async function takeFirstSteps(documents: DynamoDBDocumentClient, shares: readonly StoredShare[]): Promise<void> {
  const store = new DynamoAlertStore(documents, LOCAL_TABLE_NAMES.alerts);
  await inPool(shares, SEED_CONCURRENCY, async (share) => {
    const taken = await store.updateLadder(share, {
      version: (share.ladder?.version ?? 0) + 1,
      steps: [{ step: 'SHARED', at: share.createdAt, to: ['MSET_MAILBOX'], state: 'TAKEN' }],
      dueAt: share.ackDueBy,
    });
    if (taken !== 'SAVED') throw new Error(`The first step of a bench share was not saved: ${taken}`);
  });
}

const outboxToken = (hub: StartedHub, area: string) =>
  hub.identity.mint({ area, roles: ['police'], agency: 'police', sub: `bench-police-${area}`, name: `Bench Officer ${area}` });

/** The outbox's first page of 20, checked: 20 alerts of `shares` shares each, and a cursor to the next. */
async function outboxPage(hub: StartedHub, token: string, shares: number): Promise<void> {
  const response = await fetch(`${hub.url}/v1/alerts?box=outbox&limit=20`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET /v1/alerts?box=outbox answered ${response.status}: ${text.slice(0, 300)}`);
  const page = JSON.parse(text) as { items: { shares: unknown[] }[]; nextCursor?: string };
  if (page.items.length !== 20 || page.nextCursor === undefined || page.items.some((item) => item.shares.length !== shares)) {
    throw new Error(`The outbox first page held ${page.items.length} items, not 20 of ${shares} shares each with a cursor`);
  }
}

/** A bench alert and its shares as DynamoAlertStore.create takes them: listing never opens a box. */
function benchAlert(sender: AreaId, recipients: readonly AreaId[], createdAt: string, box: SealedBox): [StoredAlert, StoredShare[]] {
  const day = 24 * 60 * 60 * 1000;
  const alertId = randomUUID();
  const expiresAt = new Date(Date.parse(createdAt) + 365 * day).toISOString();
  const ackDueBy = new Date(Date.parse(createdAt) + 3 * day).toISOString();
  const alert: StoredAlert = {
    alertId,
    senderArea: sender,
    createdAt,
    createdBy: { sub: 'bench-seed', name: 'Bench Seeder', agency: 'police' },
    expiresAt,
    riskLevel: 'MODERATE',
    exploitation: ['CSE'],
    recipients: [...recipients],
    senderCopy: copyOf(box),
  };
  const shares: StoredShare[] = recipients.map((recipientArea) => ({
    alertId,
    senderArea: sender,
    recipientArea,
    scopes: ['IDENTITY', 'MOVEMENT', 'RISK'],
    status: 'PENDING',
    ackDueBy,
    createdAt,
    expiresAt,
    riskLevel: 'MODERATE',
    exploitation: ['CSE'],
    terms: { lawfulBasis: 'DPA2018_PART3_SCH8_PARA4', consentStatus: 'NOT_SOUGHT', handlingCode: 'P' },
    copy: copyOf(box),
  }));
  return [alert, shares];
}

/** A reader's copy as large as a real one of three sections and the terms (listing never opens it). */
function copyOf(box: SealedBox): ReaderCopy {
  const part = { iv: box.iv, ct: box.ct, tag: box.tag };
  return { key: box.key, parts: { IDENTITY: part, MOVEMENT: part, RISK: part, SHARE_TERMS: part } };
}

/**
 * h. The outbox's first page. The large outbox is county-durham's, seeded by c (10,000 alerts, the newest
 * 100 to two areas); the small one has 100 alerts to the same two areas, so both first pages hold the same
 * rows. Then 100 alerts of ten recipients each against 100 of one, from two more senders.
 */
async function benchOutbox(
  hub: StartedHub,
  documents: DynamoDBDocumentClient,
  progress: (message: string) => void,
  // Only the ten-recipient and one-recipient outboxes: no 10,000 to seed first.
  recipientsOnly = false,
) {
  const seedStart = performance.now();
  const recipientShares: StoredShare[] = [];
  const seeded =
    (recipientsOnly ? 0 : await seedOutboxes(documents, [SMALL_OUTBOX])) +
    (await seedOutboxes(documents, [TEN_RECIPIENTS, ONE_RECIPIENT], recipientShares));
  const seedSeconds = (performance.now() - seedStart) / 1000;
  progress(`   seeded ${seeded} alerts in ${seedSeconds.toFixed(1)} s`);

  const senders = [SEED_SENDER, SMALL_OUTBOX.sender, TEN_RECIPIENTS.sender, ONE_RECIPIENT.sender] as const;
  const tokens: string[] = await Promise.all(senders.map((area) => outboxToken(hub, area)));
  const tokenOf = (index: number) => tokens[index] as string;
  const firstPage = (token: string, shares: number) => outboxPage(hub, token, shares);
  const sides = [
    ...(recipientsOnly
      ? []
      : [
          { token: tokenOf(0), shares: 2 },
          { token: tokenOf(1), shares: SMALL_OUTBOX.recipients.length },
        ]),
    { token: tokenOf(2), shares: TEN_RECIPIENTS.recipients.length },
    { token: tokenOf(3), shares: ONE_RECIPIENT.recipients.length },
  ];
  for (let i = 0; i < INBOX_WARMUP; i += 1) for (const side of sides) await firstPage(side.token, side.shares);
  const samples: number[][] = sides.map(() => []);
  // Interleaved, so drift in the machine's load falls on every side alike.
  for (let i = 0; i < INBOX_RUNS; i += 1) {
    for (const [index, side] of sides.entries()) samples[index]?.push(await timed(() => firstPage(side.token, side.shares)));
  }
  const stats = samples.map(percentiles);
  const [ten, one] = stats.slice(-2) as [Percentiles, Percentiles];
  // The same two pages with every share changed and not yet folded: what a page reads at most.
  progress('   every share of the ten and the one recipients changed, the fold not yet run');
  await takeFirstSteps(documents, recipientShares);
  const changedSides = sides.slice(-2);
  for (let i = 0; i < INBOX_WARMUP; i += 1) for (const side of changedSides) await firstPage(side.token, side.shares);
  const changedSamples: number[][] = changedSides.map(() => []);
  for (let i = 0; i < INBOX_RUNS; i += 1) {
    for (const [index, side] of changedSides.entries()) changedSamples[index]?.push(await timed(() => firstPage(side.token, side.shares)));
  }
  const [tenChanged, oneChanged] = changedSamples.map(percentiles) as [Percentiles, Percentiles];
  const unfolded = { ten: tenChanged, one: oneChanged, ratioP50: Number((tenChanged.p50 / oneChanged.p50).toFixed(2)) };
  if (recipientsOnly) {
    return {
      ten: { sender: TEN_RECIPIENTS.sender, recipients: TEN_RECIPIENTS.recipients.length, ...ten },
      one: { sender: ONE_RECIPIENT.sender, recipients: ONE_RECIPIENT.recipients.length, ...one },
      recipientsRatioP50: Number((ten.p50 / one.p50).toFixed(2)),
      unfolded,
    };
  }
  const [large, small] = stats as [Percentiles, Percentiles];
  return {
    seeded: { alerts: seeded, seconds: Number(seedSeconds.toFixed(1)) },
    large: { sender: SEED_SENDER, stored: LARGE_INBOX.alerts, ...large },
    small: { sender: SMALL_OUTBOX.sender, stored: SMALL_OUTBOX.alerts, ...small },
    ten: { sender: TEN_RECIPIENTS.sender, recipients: TEN_RECIPIENTS.recipients.length, ...ten },
    one: { sender: ONE_RECIPIENT.sender, recipients: ONE_RECIPIENT.recipients.length, ...one },
    ratioP50: Number((large.p50 / small.p50).toFixed(2)),
    recipientsRatioP50: Number((ten.p50 / one.p50).toFixed(2)),
    unfolded,
  };
}

/** The console's inbox page and the API's inbox for the same person's area, each a first page of 20. */
async function benchInboxPage(hub: StartedHub) {
  const person = new ConsoleClient(hub.url);
  await person.signIn({ name: 'Bench Coordinator', area: LARGE_INBOX.area, agency: 'childrens-services', roles: ['coordinator'] });
  const token = await hub.identity.mint({
    area: LARGE_INBOX.area,
    roles: ['coordinator'],
    agency: 'childrens-services',
    sub: 'bench-coordinator-page',
    name: 'Bench Coordinator',
  });
  let pageBytes = 0;
  let apiBytes = 0;
  const page = async () => {
    const response = await person.get('/alerts');
    if (response.status !== 200 || (response.text.match(/href="\/alerts\/[0-9a-f-]{36}"/g) ?? []).length !== 20) {
      throw new Error(`The console inbox answered ${response.status} without its 20 alerts`);
    }
    pageBytes = Buffer.byteLength(response.text);
  };
  const api = async () => {
    const response = await fetch(`${hub.url}/v1/alerts?box=inbox&limit=20`, { headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`GET /v1/alerts answered ${response.status}`);
    apiBytes = Buffer.byteLength(text);
  };
  for (let i = 0; i < INBOX_WARMUP; i += 1) {
    await page();
    await api();
  }
  const pages: number[] = [];
  const apis: number[] = [];
  for (let i = 0; i < INBOX_RUNS; i += 1) {
    pages.push(await timed(page));
    apis.push(await timed(api));
  }
  const pageStats = percentiles(pages);
  const apiStats = percentiles(apis);
  return { page: pageStats, api: apiStats, pageBytes, apiBytes, ratioP50: Number((pageStats.p50 / apiStats.p50).toFixed(2)) };
}

type RouteCalls = { scenario: string; route: string; calls: CallSummary; p50: Record<'local' | keyof typeof PROFILES, number> };

/**
 * g. A hub of its own, its adapters wrapped by a CallMeter: each scenario (test/support/call-scenarios.ts,
 * the same requests test/http/call-counts.test.ts counts) is prepared unmetered and undelayed, then its one
 * request is timed unmodelled and under each profile. The calls are the same in every run, or this throws.
 */
async function benchCalls(progress: (message: string) => void): Promise<RouteCalls[]> {
  const { startHub } = await import('../local/hub.js');
  const meter = new CallMeter();
  const clock = movableClock();
  const dataDir = await mkdtemp(join(tmpdir(), 'mset-hub-bench-calls-'));
  const hub = await startHub({ port: 0, dataDir, jobIntervalMs: 0, clock, meter });
  const conditions = [['local', undefined], ...Object.entries(PROFILES)] as const;
  const results: RouteCalls[] = [];
  try {
    const scenarios = await callScenarios(hub, clock);
    for (const scenario of scenarios) {
      const scenarioStart = performance.now();
      let expected: string | undefined;
      let first: { route: string; calls: CallSummary } | undefined;
      const p50: Record<string, number> = {};
      for (const [name, profile] of conditions) {
        const samples: number[] = [];
        // Prepared together, outside the timing: only the requests below are measured.
        const states: unknown[] = [];
        await inPool(
          Array.from({ length: CALLS_WARMUP + CALLS_RUNS }, (_, i) => i),
          CALLS_PREPARE_CONCURRENCY,
          async (i) => {
            states[i] = await scenario.prepare();
          },
        );
        for (const [i, state] of states.entries()) {
          // Drained before the meter is cleared, so that nothing of the last request's consumers is counted.
          await drainedQueues(hub);
          meter.take();
          meter.setProfile(profile);
          let took: number;
          try {
            took = await timedAlone(hub, () => scenario.request(state));
          } finally {
            meter.setProfile(undefined);
          }
          const [trace, ...more] = meter.take();
          if (trace === undefined || more.length > 0) throw new Error(`${scenario.name}: ${more.length + 1} requests metered, not 1`);
          const calls = summarize(trace.calls);
          const key = JSON.stringify(calls);
          expected ??= key;
          first ??= { route: trace.routeKey, calls };
          if (key !== expected) throw new Error(`${scenario.name}: calls changed between runs (${expected}, then ${key})`);
          if (i >= CALLS_WARMUP) samples.push(took);
        }
        p50[name] = percentiles(samples).p50;
      }
      if (first === undefined) throw new Error(`${scenario.name}: nothing measured`);
      progress(`   ${scenario.name}: ${((performance.now() - scenarioStart) / 1000).toFixed(1)} s`);
      results.push({ scenario: scenario.name, route: first.route, calls: first.calls, p50: p50 as RouteCalls['p50'] });
    }
    progress(`   ${results.length} routes and pages measured`);
  } finally {
    await hub.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  return results;
}

function formatCalls(routes: readonly RouteCalls[]): string {
  const width = Math.max(...routes.map((route) => route.scenario.length));
  const profiles = Object.entries(PROFILES)
    .map(([name, profile]) => `${name}: DynamoDB ${profile.dynamodb} ms, KMS ${profile.kms} ms, SQS ${profile.audit} ms`)
    .join('; ');
  const head = `   ${'route'.padEnd(width)}  ddb  kms  sqs(audit/notif)  chain   p50 local     low      mid     high`;
  const lines = routes.map((route) => {
    const { dynamodb, kms, audit, notifications, chain } = route.calls;
    const p = (value: number) => value.toFixed(1).padStart(7);
    return `   ${route.scenario.padEnd(width)}  ${String(dynamodb).padStart(3)}  ${String(kms).padStart(3)}  ${`${audit}/${notifications}`.padStart(16)}  ${String(chain).padStart(5)}  ${p(route.p50.local)} ${p(route.p50.low)}  ${p(route.p50.mid)}  ${p(route.p50.high)}`;
  });
  return [`   profiles (per call) ${profiles}; p50 in ms`, head, ...lines].join('\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

/**
 * f. Two alerts tables in the same dynalite, made like the hub's: one holding 10,000 pending shares whose
 * next step is due later and, before each run, 100 new shares due now; the other only the 100 due now. Each
 * run is one sweep with the hub's own use case and store; its messages go to a queue that counts them, its
 * events to a trail that drops them (the queues are not what is measured).
 */
async function benchSweep(
  raw: ReturnType<typeof localDynamoClient>,
  documents: DynamoDBDocumentClient,
  progress: (message: string) => void,
) {
  const { ensureTables } = await import('../local/dynamodb.js');
  const { sweepLadders } = await import('../functions/core/alerts/sweep-ladders.js');
  const { AuditRecorder } = await import('../functions/core/audit.js');
  const { AreaDirectory } = await import('../functions/core/areas.js');
  const { WorkingCalendars } = await import('../functions/core/deadlines.js');
  const tables = { large: 'bench-ladder-large', small: 'bench-ladder-small' } as const;
  for (const name of Object.values(tables)) await ensureTables(raw, { ...LOCAL_TABLE_NAMES, alerts: name });
  const stores = { large: new DynamoAlertStore(documents, tables.large), small: new DynamoAlertStore(documents, tables.small) };
  const box = fakeBox();
  const now = new Date();
  const day = 24 * 60 * 60 * 1000;
  const seed = async (store: DynamoAlertStore, count: number, dueAt: (i: number) => string): Promise<string[]> => {
    const ids: string[] = [];
    await inPool(
      Array.from({ length: count }, (_, i) => i),
      SEED_CONCURRENCY,
      async (i) => {
        const alertId = randomUUID();
        const createdAt = new Date(now.getTime() - 60_000).toISOString();
        const base = {
          alertId,
          senderArea: SEED_SENDER as AreaId,
          createdAt,
          expiresAt: new Date(now.getTime() + 365 * day).toISOString(),
          riskLevel: 'SIGNIFICANT' as const,
          exploitation: ['CSE' as const],
        };
        const share: StoredShare = {
          ...base,
          recipientArea: LARGE_INBOX.area,
          scopes: ['IDENTITY', 'RISK'],
          status: 'PENDING',
          ackDueBy: new Date(now.getTime() + 4 * 3_600_000).toISOString(),
          terms: { lawfulBasis: 'DPA2018_PART3_SCH8_PARA4', consentStatus: 'NOT_SOUGHT', handlingCode: 'P' },
          copy: fakeCopy(box, ['IDENTITY', 'RISK', 'SHARE_TERMS']),
          ladder: { version: 0, steps: [], dueAt: dueAt(i) },
        };
        await store.create(
          {
            ...base,
            createdBy: { sub: 'bench-seed', name: 'Bench Seeder', agency: 'police' },
            recipients: [LARGE_INBOX.area],
            senderCopy: fakeCopy(box, ['RISK', 'SHARE_TERMS']),
          },
          [share],
        );
        ids.push(alertId);
      },
    );
    return ids;
  };
  const seedStart = performance.now();
  // Due later: a minute apart from an hour on, so none falls due during the runs.
  await seed(stores.large, SWEEP_LARGE - SWEEP_DUE, (i) => new Date(now.getTime() + 3_600_000 + i * 60_000).toISOString());
  progress(`   seeded ${SWEEP_LARGE - SWEEP_DUE} shares due later in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  let intents = 0;
  const deps = (store: DynamoAlertStore) => ({
    alerts: store,
    notifications: {
      enqueue: async (batch: readonly unknown[]) => {
        intents += batch.length;
      },
    },
    audit: new AuditRecorder({ record: async () => undefined }, { now: () => now }, { newId: randomUUID }),
    areas: AreaDirectory.fromBundledData(),
    calendars: WorkingCalendars.fromBundledData(),
    clock: { now: () => new Date(now.getTime() + 1000) },
  });
  const run = async (side: 'large' | 'small') => {
    // Outside the timing: this run's 100 shares due now.
    const ids = await seed(stores[side], SWEEP_DUE, () => new Date(now.getTime() - 1000).toISOString());
    const before = intents;
    let result: Awaited<ReturnType<typeof sweepLadders>> | undefined;
    const took = await timed(async () => {
      result = await sweepLadders(deps(stores[side]));
    });
    if (result?.stepsTaken !== SWEEP_DUE || intents - before !== SWEEP_DUE) {
      throw new Error(`The ${side} sweep took ${result?.stepsTaken} steps and recorded ${intents - before} messages, not ${SWEEP_DUE}`);
    }
    // Outside the timing: their ladders end, so each table holds what it says at every run.
    await inPool(ids, SEED_CONCURRENCY, async (alertId) => {
      const share = await stores[side].getShare(alertId, LARGE_INBOX.area);
      if (share?.ladder !== undefined)
        await stores[side].updateLadder(share, { version: share.ladder.version + 1, steps: share.ladder.steps });
    });
    return took;
  };
  const large: number[] = [];
  const small: number[] = [];
  for (let i = 0; i < SWEEP_RUNS; i += 1) {
    large.push(await run('large'));
    small.push(await run('small'));
  }
  const largeStats = percentiles(large);
  const smallStats = percentiles(small);
  return {
    large: { stored: SWEEP_LARGE, due: SWEEP_DUE, stepsPerRun: SWEEP_DUE, ...largeStats },
    small: { stored: SWEEP_DUE, due: SWEEP_DUE, stepsPerRun: SWEEP_DUE, ...smallStats },
    ratioP50: Number((largeStats.p50 / smallStats.p50).toFixed(2)),
  };
}

type Growth = Awaited<ReturnType<typeof benchMeetingGrowth>>;

/**
 * h. Two meetings recorded alike, each with one action of North Tyneside's; one of them takes 100 notes.
 * Opening each (interleaved, so both see the same machine) and the bytes of what one update writes: its
 * note item, and the head whose action status it updates (DynamoDB bills an update by the larger of the
 * item before and after), read back after the first and the hundredth update.
 */
async function benchMeetingGrowth(progress: (message: string) => void) {
  const { startHub } = await import('../local/hub.js');
  const dataDir = await mkdtemp(join(tmpdir(), 'mset-hub-bench-growth-'));
  const clock = movableClock();
  const hub = await startHub({ port: 0, dataDir, jobIntervalMs: 0, clock });
  const documents = DynamoDBDocumentClient.from(localDynamoClient(hub.dynamoEndpoint));
  try {
    const [chair, coordinator] = await Promise.all([
      hub.identity.mint({
        area: 'northumberland',
        roles: ['chair'],
        agency: 'childrens-services',
        sub: 'bench-chair',
        name: 'Bench Chair',
      }),
      hub.identity.mint({
        area: 'north-tyneside',
        roles: ['coordinator'],
        agency: 'childrens-services',
        sub: 'bench-coordinator',
        name: 'Bench Coordinator',
      }),
    ]);
    const call = async (method: string, path: string, token: string, body?: unknown) => {
      const response = await fetch(`${hub.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
      return JSON.parse(text) as Record<string, any>;
    };
    const held = async () => {
      const start = new Date(clock.now().getTime() + 60 * 60 * 1000).toISOString();
      const { meetingId } = await call('POST', '/v1/meetings', chair, {
        invitedAreas: ['north-tyneside', 'newcastle'],
        subject: { name: { given: 'Test', family: 'Child-Alpha' }, dateOfBirth: '2011-01-01' },
        reason: 'Synthetic example: repeated missing episodes in both areas',
        agenda: 'Synthetic example: what each area knows; a joint disruption plan',
        proposedSlots: [{ start, durationMinutes: 60 }],
        format: 'HYBRID',
      });
      await call('POST', `/v1/meetings/${meetingId}/schedule`, chair, { slotId: 'slot-1', force: true });
      return String(meetingId);
    };
    const fresh = await held();
    const grown = await held();
    clock.advance(2 * 60 * 60 * 1000);
    const record = {
      attendance: [{ area: 'northumberland', agency: 'police' }],
      decisions: 'Synthetic example: joint disruption plan agreed',
      reviewDate: '2027-06-01',
      actions: [
        {
          description: 'Synthetic example: return home interview',
          ownerArea: 'north-tyneside',
          ownerAgency: 'childrens-services',
          dueBy: '2027-06-01',
        },
      ],
    };
    await call('POST', `/v1/meetings/${fresh}/record`, chair, record);
    await call('POST', `/v1/meetings/${grown}/record`, chair, record);

    const table = LOCAL_TABLE_NAMES.meetings;
    const sizeOf = async (sk: string) => {
      const found = await documents.send(new GetCommand({ TableName: table, Key: { pk: `MEETING#${grown}`, sk } }));
      if (found.Item === undefined) throw new Error(`No item ${sk} in meeting ${grown}`);
      return Buffer.byteLength(JSON.stringify(found.Item));
    };
    const written: { after: number; note: number; head: number }[] = [];
    const note = 'Synthetic progress note: visited the family, spoke with the school, next visit booked'.padEnd(200, '.');
    progress(`   ${GROWTH_UPDATES} updates of one action`);
    for (let n = 1; n <= GROWTH_UPDATES; n += 1) {
      await call('PATCH', `/v1/meetings/${grown}/actions/action-1`, coordinator, {
        status: n % 2 === 0 ? 'DONE' : 'OPEN',
        note: `${note} ${n}`,
      });
      if (n === 1 || n === GROWTH_UPDATES) {
        written.push({ after: n, note: await sizeOf(`NOTE#action-1#${String(n).padStart(6, '0')}`), head: await sizeOf('MEETING') });
      }
    }
    const get = (meetingId: string) => async () => void (await call('GET', `/v1/meetings/${meetingId}`, chair));
    for (let i = 0; i < GROWTH_WARMUP; i += 1) {
      await get(fresh)();
      await get(grown)();
    }
    const freshTimes: number[] = [];
    const grownTimes: number[] = [];
    for (let i = 0; i < GROWTH_RUNS; i += 1) {
      freshTimes.push(await timed(get(fresh)));
      grownTimes.push(await timed(get(grown)));
    }
    const view = await call('GET', `/v1/meetings/${grown}`, chair);
    const [action] = view['actions'] as { updateCount: number; latestUpdates: unknown[] }[];
    return {
      updates: action?.updateCount ?? 0,
      shown: action?.latestUpdates.length ?? 0,
      fresh: percentiles(freshTimes),
      grown: percentiles(grownTimes),
      ratioP50: Number((percentiles(grownTimes).p50 / percentiles(freshTimes).p50).toFixed(2)),
      written,
    };
  } finally {
    documents.destroy();
    await hub.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function formatGrowth(growth: Growth): string {
  return [
    `i. a meeting after ${growth.updates} action updates vs a new one (GET /v1/meetings/{id}, chair, ${growth.fresh.n} requests each, interleaved)`,
    `   ${growth.updates} notes   p50 ${ms(growth.grown.p50)}   p99 ${ms(growth.grown.p99)}   (the latest ${growth.shown} shown and opened)`,
    `   new         p50 ${ms(growth.fresh.p50)}   p99 ${ms(growth.fresh.p99)}`,
    `   ratio ${growth.updates}/new p50 ${ratio(growth.grown.p50, growth.fresh.p50)}`,
    '   bytes an action update writes (as JSON: its note item + the head it updates)',
    ...growth.written.map(
      (entry) =>
        `   after ${String(entry.after).padStart(3)} update(s)  note ${entry.note} B + head ${entry.head} B = ${entry.note + entry.head} B`,
    ),
  ].join('\n');
}
