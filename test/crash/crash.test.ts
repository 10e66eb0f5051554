/**
 * Crash safety of the local hub: local/main.ts under concurrent load (alerts created and acknowledged,
 * meetings requested and answered), killed with SIGKILL at random moments and started again on the same
 * data directory, every request the crash cut off retried with its own Idempotency-Key. Then, through the
 * API and straight from the tables: every 201 a client saw is stored with all its parts, nothing partial
 * is visible to anyone, nothing exists twice, every stored change has its audit event, and no event is
 * stored twice.
 *
 * The moments of the kills and the clients' choices come from a seed printed at the start; CRASH_SEED=<n>
 * replays the same schedule (the interleaving of requests still varies with the machine).
 */
import { randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalIdentityProvider } from '../../local/identity-provider.js';
import { evaluate, indexMismatches, knownRecords, readThroughApi, scanTables } from '../support/crash-checks.js';
import { HubGate, prng, retryUnfinished, sleep, type Tokens, Workload } from '../support/crash-client.js';
import { CrashableHub, freePort } from '../support/crash-hub.js';

const SENDER = 'northumberland';
const CLIENTS = 6;
const KILLS = 3;
/** Load before each kill and after the last restart: long enough for dozens of requests to be in flight. */
const LOAD_MS = { min: 400, max: 1200 };
/** The retries' share of the time budget; a key still held after it is reported unresolved. */
const RETRY_BUDGET_MS = 20_000;
/** At most this many examples of each violation are printed: enough to start from, few enough to read. */
const EXAMPLES = 5;

describe('the local hub killed with SIGKILL under load', () => {
  let dataDir: string | undefined;
  let hub: CrashableHub | undefined;

  afterAll(async () => {
    await hub?.cleanup();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every answered change whole, single and on the audit trail', { timeout: 90_000 }, async () => {
    // Prepare
    const seed = process.env['CRASH_SEED'] === undefined ? randomInt(2 ** 31) : Number(process.env['CRASH_SEED']);
    console.log(`crash test: seed ${seed} (CRASH_SEED=${seed} replays this schedule)`);
    const random = prng(seed);
    dataDir = await mkdtemp(join(tmpdir(), 'mset-hub-crash-'));
    hub = new CrashableHub(dataDir, await freePort());
    const gate = new HubGate();
    gate.open((await hub.start()).url);
    // The first start made the signing key; tokens minted with it stay valid across every restart.
    const identity = await LocalIdentityProvider.open(dataDir);
    const mint = (area: string, role: string) => identity.mint({ area, roles: [role], sub: `crash-${area}-${role}` });
    const directory = await fetch(`${hub.url}/v1/areas`, { headers: { authorization: `Bearer ${await mint(SENDER, 'coordinator')}` } });
    expect(directory.status).toBe(200);
    const areas: string[] = ((await directory.json()) as { items: Array<{ id: string }> }).items.map((area) => area.id);
    const tokens: Tokens = {
      police: await mint(SENDER, 'police'),
      chair: await mint(SENDER, 'chair'),
      coordinators: Object.fromEntries(await Promise.all(areas.map(async (area) => [area, await mint(area, 'coordinator')] as const))),
    };
    const workload = new Workload({
      seed,
      clients: CLIENTS,
      senderArea: SENDER,
      otherAreas: areas.filter((area) => area !== SENDER),
      tokens,
      gate,
    });

    // Act: load, with crashes in the middle of it
    const load = workload.run();
    const kills = [];
    for (let kill = 0; kill < KILLS; kill += 1) {
      await sleep(LOAD_MS.min + random() * (LOAD_MS.max - LOAD_MS.min));
      gate.close();
      kills.push(await hub.kill());
      gate.open((await hub.start()).url);
    }
    await sleep(LOAD_MS.min + random() * (LOAD_MS.max - LOAD_MS.min));
    workload.stop();
    await load;
    const retry = await retryUnfinished(hub.url, workload.requests, {
      deadline: Date.now() + RETRY_BUDGET_MS,
      maxRounds: 15,
      concurrency: 4,
      maxWaitMs: 3_000,
    });
    // A graceful stop drains the audit queue, and frees the database for this process to read.
    const drained = await hub.stop();
    const data = await scanTables(dataDir);
    const lastRun = await hub.start();
    const api = await readThroughApi(hub.url, tokens, areas, knownRecords(data, workload.requests, SENDER)).catch((error: Error) => {
      // Why the hub refused (its error lines name the dependency), which the answer alone does not say.
      const errors = lastRun
        .output()
        .split('\n')
        .filter((line) => line.includes('"level":"ERROR"'));
      throw new Error(`${error.message}\nThe restarted hub's last error lines:\n${errors.slice(-10).join('\n')}`);
    });
    const lastStop = await hub.stop();
    // Read after the last run, so that any audit event a restart recovers and delivers is counted.
    const audit = await scanTables(dataDir);
    const mismatched = await indexMismatches(dataDir);

    // Assess
    const { figures, notes, violations } = evaluate({ requests: workload.requests, senderArea: SENDER, areas, data, audit, api });
    console.log(
      `crash summary: seed=${seed} kills=${KILLS} ${Object.entries(figures)
        .map(([name, value]) => `${name}=${value}`)
        .join(' ')} retried=${retry.retried} retryAttempts=${retry.attempts} retryRounds=${retry.rounds}`,
    );
    if (notes.length > 0) console.log(`notes (${notes.length}):\n  ${notes.slice(0, EXAMPLES).join('\n  ')}`);
    for (const [invariant, lines] of Object.entries(violations)) {
      if (lines.length > 0) console.log(`${invariant} (${lines.length}):\n  ${lines.slice(0, EXAMPLES).join('\n  ')}`);
    }
    // A run that died on its own before its kill would be a crash the schedule did not choose.
    expect
      .soft(kills, 'every run before a kill was still alive to be killed')
      .toEqual(kills.map(() => ({ code: null, signal: 'SIGKILL' })));
    expect.soft([drained, lastStop], 'the hub stops cleanly on SIGINT after the crashes').toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
    expect.soft(violations.unresolved.slice(0, EXAMPLES), 'every retried request ends with a final answer').toEqual([]);
    expect.soft(violations.missing201.slice(0, EXAMPLES), 'every 201 is stored with all its parts').toEqual([]);
    expect.soft(violations.partialsVisible.slice(0, EXAMPLES), 'no partial alert or meeting is visible').toEqual([]);
    expect.soft(violations.duplicates.slice(0, EXAMPLES), 'no alert or meeting exists twice').toEqual([]);
    expect.soft(violations.countMismatch.slice(0, EXAMPLES), 'one alert or meeting per create key answered 201').toEqual([]);
    expect.soft(violations.missingAudit.slice(0, EXAMPLES), 'every stored change has its audit event').toEqual([]);
    expect.soft(violations.duplicateEvents.slice(0, EXAMPLES), 'no audit event is stored twice').toEqual([]);
    // dynalite writes an item's index entries and the item apart: what a kill left, the next start repaired.
    expect.soft(mismatched, 'every index entry agrees with its table').toBe(0);
    // The crashes happened while requests were in flight, or the test proved nothing.
    expect(figures.cutOff).toBeGreaterThan(0);
  });
});
