/**
 * j. The console's cold start as a person meets it: a fresh Node process imports the console's split bundle
 * (built as the stack deploys it: scripts/bundle.ts buildConsoleFunction), wires it to a local hub's dynalite
 * and key service, and serves the first signed-in page, the "Alerts received" inbox with a few alerts: the
 * import, then the first request, which loads the /alerts section's chunk and the compiled templates and
 * reads the session and the inbox. Medians of a few processes, wall and CPU time from the start of the
 * import; the import's own time is printed beside them. Times of this machine, for comparing runs on it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCAL_TABLE_NAMES } from '../local/dynamodb.js';
import { buildConsoleFunction } from '../scripts/bundle.js';
import { buildConsoleRunner, type ConsoleRunResult, runConsoleBundle } from '../test/support/console-bundle.js';
import { ConsoleClient } from '../test/support/console-client.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Odd, so the median is a run; each is a process of about half a second. */
export const CONSOLE_COLD_RUNS = 7;
/** What the inbox lists: a few alerts, as a coordinator's first page of a morning might. */
const INBOX_ALERTS = 3;

export type ConsoleColdStart = {
  readonly runs: number;
  readonly alerts: number;
  /** `await import(index.mjs)`, medians. */
  readonly importMs: number;
  readonly importCpuMs: number;
  /** From the start of the import to the first page's response, medians. */
  readonly firstPageMs: number;
  readonly firstPageCpuMs: number;
  /** The page's size, to show it was the full inbox. */
  readonly pageBytes: number;
};

function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

export async function benchConsoleCold(progress: (message: string) => void): Promise<ConsoleColdStart> {
  const { startHub } = await import('../local/hub.js');
  const work = await mkdtemp(join(tmpdir(), 'mset-hub-console-cold-'));
  const hub = await startHub({ port: 0, dataDir: join(work, 'data'), jobIntervalMs: 0 });
  try {
    progress('j. building the console as the stack does (split, compiled templates)');
    const consoleDir = join(work, 'console');
    await buildConsoleFunction(consoleDir);
    const runner = await buildConsoleRunner(join(work, 'runner.mjs'));

    const token = await hub.identity.mint({
      area: 'northumberland',
      roles: ['police'],
      agency: 'police',
      sub: 'bench-police-northumberland',
      name: 'Bench Officer Northumberland',
    });
    // docs/examples/alert.json goes to North Tyneside, whose coordinator signs in below.
    const body = await readFile(join(ROOT, 'docs', 'examples', 'alert.json'), 'utf8');
    for (let n = 0; n < INBOX_ALERTS; n += 1) {
      const response = await fetch(`${hub.url}/v1/alerts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      });
      if (response.status !== 201) throw new Error(`POST /v1/alerts answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    }
    await hub.drainAudit();
    const person = new ConsoleClient(hub.url);
    await person.signIn({ persona: 'COORDINATOR_NORTH_TYNESIDE' });
    const sessionToken = person.cookies.get('mset-session');
    if (sessionToken === undefined) throw new Error('Signing in to the local hub gave no session');

    const once = async (): Promise<ConsoleRunResult> => {
      const result = await runConsoleBundle({
        runner,
        dynamoEndpoint: hub.dynamoEndpoint,
        consoleDir,
        dataDir: hub.dataDir,
        tables: LOCAL_TABLE_NAMES,
        sessionToken,
        requests: [{ method: 'GET', path: '/alerts' }],
      });
      const page = result.responses[0];
      const listed = page?.body.match(/href="\/alerts\/[0-9a-f-]{36}"/g)?.length ?? 0;
      if (page?.status !== 200 || listed < INBOX_ALERTS) {
        throw new Error(`The console's inbox answered ${page?.status} listing ${listed} alerts: ${page?.body.slice(0, 300)}`);
      }
      return result;
    };
    progress(`j. the console's first signed-in page in ${CONSOLE_COLD_RUNS} fresh processes`);
    // One unmeasured, so the first measured run does not also read the files from disk.
    await once();
    const runs: ConsoleRunResult[] = [];
    for (let n = 0; n < CONSOLE_COLD_RUNS; n += 1) runs.push(await once());
    const first = (result: ConsoleRunResult) => result.responses[0] as ConsoleRunResult['responses'][number];
    return {
      runs: CONSOLE_COLD_RUNS,
      alerts: INBOX_ALERTS,
      importMs: median(runs.map((result) => result.importMs)),
      importCpuMs: median(runs.map((result) => result.importCpuMs)),
      firstPageMs: median(runs.map((result) => first(result).ms)),
      firstPageCpuMs: median(runs.map((result) => first(result).cpuMs)),
      pageBytes: Buffer.byteLength(first(runs[0] as ConsoleRunResult).body),
    };
  } finally {
    await hub.stop();
    await rm(work, { recursive: true, force: true });
  }
}

export function formatConsoleCold(cold: ConsoleColdStart): string {
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  return [
    `j. the console's cold start: its split bundle imported in a fresh process, then its first signed-in page (GET /alerts, ${cold.alerts} alerts, ${cold.pageBytes} B of HTML); medians of ${cold.runs} processes`,
    `   import + first page  wall ${ms(cold.firstPageMs)}   CPU ${ms(cold.firstPageCpuMs)}`,
    `   import alone         wall ${ms(cold.importMs)}   CPU ${ms(cold.importCpuMs)}`,
  ].join('\n');
}
