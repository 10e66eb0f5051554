/**
 * What the canary tests share: capturing every byte the test process logs, making and searching for
 * canaries, recording the audit messages the queue carries, and reading back everything the hub stored
 * (every item of every table through the DynamoDB API, every file under the data directory).
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ListTablesCommand, ScanCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import { vi } from 'vitest';
import { localDynamoClient } from '../../local/dynamodb.js';
import { startTestHub, type TestHub, type TestResponse } from './hub.js';

/**
 * From now on, everything written to stdout and stderr, and every console call, goes to `logged` instead.
 * `restore` gives stdout and stderr back (vi.restoreAllMocks gives back the console).
 */
export function captureOutput(): { logged: string[]; restore(): void } {
  const logged: string[] = [];
  const originalStdout = process.stdout.write.bind(process.stdout);
  const originalStderr = process.stderr.write.bind(process.stderr);
  const capture = (chunk: unknown) => {
    logged.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logged.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
    });
  }
  return {
    logged,
    restore: () => {
      process.stdout.write = originalStdout;
      process.stderr.write = originalStderr;
    },
  };
}

/**
 * Canaries unique to this run, each remembered as it is made; `leaksIn` names every canary (and every
 * value of `alsoSearched`, and the bare prefixes) found in a text.
 */
export function canaryKit(alsoSearched: readonly string[] = []) {
  const run = randomBytes(4).toString('hex');
  const made: string[] = [];
  const keep = (value: string) => {
    made.push(value);
    return value;
  };
  return {
    run,
    /** Every canary made so far. */
    made,
    /** A canary for one field; `max` keeps it inside the field's length limit. */
    canary: (field: string, max = 100) => keep(`CANARY-${field}-${run}`.slice(0, max)),
    /** A canary of `prefix` and the run alone, for a short field. */
    shortCanary: (prefix: string, max: number) => keep(`${prefix}${run}`.slice(0, max)),
    /** For a field that takes a kebab-case id. */
    lowerCanary: (field: string) => keep(`canary-${field}-${run}`),
    leaksIn: (text: string) => [...made, ...alsoSearched, 'CANARY-', 'canary-'].filter((value) => text.includes(value)),
  };
}

/** A function that awaits a call and keeps its response under `label` in `responses`. */
export function recorder(responses: Array<{ label: string; response: TestResponse }>) {
  return async (label: string, call: Promise<TestResponse>) => {
    const response = await call;
    responses.push({ label, response });
    return response;
  };
}

/**
 * A test hub that logs at every level (every line is searched), with every message its in-process audit
 * queue is given copied, as JSON, to `queueBodies`.
 */
export async function startLoudHub(): Promise<{ hub: TestHub; queueBodies: string[] }> {
  // vitest.config.ts quiets request logs; here every level is on, because every line is searched. The
  // logger goes back to its configured level at each invocation, so the level it starts from is raised too.
  const { logger } = await import('../../functions/shared/logger.js');
  logger.setLogLevel('DEBUG');
  if (logger.getLevelName() !== 'DEBUG' || process.env['POWERTOOLS_LOG_LEVEL'] !== 'DEBUG') {
    throw new Error('Set POWERTOOLS_LOG_LEVEL=DEBUG in vi.hoisted() before the logger is imported');
  }
  const hub = await startTestHub();
  const queue = hub.auditQueue;
  const send = queue.send.bind(queue);
  const queueBodies: string[] = [];
  vi.spyOn(queue, 'send').mockImplementation(async (message) => {
    queueBodies.push(JSON.stringify(message));
    return send(message);
  });
  return { hub, queueBodies };
}

/** Every item of every table of the hub, read page by page through the DynamoDB API. */
export async function scanEveryTable(hub: TestHub): Promise<{ tables: string[]; items: Record<string, unknown[]> }> {
  const client = localDynamoClient(hub.dynamoEndpoint);
  try {
    const tables = (await client.send(new ListTablesCommand({}))).TableNames ?? [];
    const items: Record<string, unknown[]> = {};
    for (const table of tables) {
      items[table] = [];
      let startKey: ScanCommandOutput['LastEvaluatedKey'];
      do {
        const page: ScanCommandOutput = await client.send(
          new ScanCommand({ TableName: table, Limit: 25, ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }) }),
        );
        items[table]!.push(...(page.Items ?? []));
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
    }
    return { tables, items };
  } finally {
    client.destroy();
  }
}

/** Every file under `dir`, at any depth, with its raw bytes. */
export async function readFilesUnder(dir: string): Promise<Array<{ path: string; name: string; content: Buffer }>> {
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  return Promise.all(
    files.map(async (entry) => ({
      path: join(entry.parentPath, entry.name),
      name: entry.name,
      content: await readFile(join(entry.parentPath, entry.name)),
    })),
  );
}
