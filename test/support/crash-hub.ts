/**
 * The local hub as a child process that a crash test can kill outright and start again on the same data
 * directory and port, so that tokens, keys and stored state carry over exactly as they would for an
 * operator restarting a crashed `npm start`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
/** Enough of a run's output to explain a failed start or a stack trace, without holding every request log. */
const OUTPUT_TAIL_CHARS = 64 * 1024;
const START_TIMEOUT_MS = 30_000;

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

export type HubRun = {
  readonly child: ChildProcess;
  readonly url: string;
  /** Resolves once the process has exited and let go of its pipes. */
  readonly closed: Promise<Exit>;
  output(): string;
};

export async function freePort(): Promise<number> {
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
 * Starts and stops runs of one hub (one data directory, one port). Every process it starts is remembered,
 * so a failed test can still end them all in its afterAll.
 */
export class CrashableHub {
  private readonly started: ChildProcess[] = [];
  private current: HubRun | undefined;
  /** How each run ended, in order: what a reader of a failure needs to know first. */
  readonly exits: Exit[] = [];

  constructor(
    readonly dataDir: string,
    readonly port: number,
  ) {}

  get run(): HubRun {
    if (this.current === undefined) throw new Error('The hub is not running');
    return this.current;
  }

  get url(): string {
    return this.run.url;
  }

  /**
   * One process: Node with tsx as a loader rather than the tsx CLI, so a signal reaches the hub itself
   * and SIGKILL leaves no orphaned grandchild holding the port or the database lock.
   */
  async start(): Promise<HubRun> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
      cwd: projectRoot,
      // A short lease: a killed request's key is taken over by its retry within seconds, not 35.
      env: { ...process.env, PORT: String(this.port), HUB_DATA_DIR: this.dataDir, HUB_IDEMPOTENCY_LEASE_SECONDS: '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.started.push(child);
    let output = '';
    let ready = false;
    const keep = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.length > OUTPUT_TAIL_CHARS * 2) output = output.slice(-OUTPUT_TAIL_CHARS);
    };
    const closed = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    void closed.then((exit) => this.exits.push(exit));
    const run = await new Promise<HubRun>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`The hub did not start within ${START_TIMEOUT_MS} ms:\n${output}`)),
        START_TIMEOUT_MS,
      );
      child.stderr!.on('data', keep);
      child.stdout!.on('data', (chunk: Buffer) => {
        keep(chunk);
        // main.ts prints its tokens last, so this line means the gateway is already listening.
        if (ready || !output.includes('Mint another')) return;
        const url = /open (\S+) in a browser/.exec(output)?.[1];
        if (url === undefined) return;
        ready = true;
        clearTimeout(timer);
        resolve({ child, url, closed, output: () => output });
      });
      void closed.then((exit) => {
        clearTimeout(timer);
        if (!ready) reject(new Error(`The hub exited (${JSON.stringify(exit)}) before it was ready:\n${output}`));
      });
    });
    this.current = run;
    return run;
  }

  /** A crash: no handler runs, nothing is drained or flushed. */
  async kill(): Promise<Exit> {
    const run = this.run;
    this.current = undefined;
    run.child.kill('SIGKILL');
    return run.closed;
  }

  /** Ctrl-C: the hub drains its audit queue and closes its database before it exits. */
  async stop(): Promise<Exit> {
    const run = this.run;
    this.current = undefined;
    run.child.kill('SIGINT');
    return run.closed;
  }

  /** Ends whatever is still running, however the test ended: SIGKILL, since a drain is no longer wanted. */
  async cleanup(): Promise<void> {
    this.current = undefined;
    await Promise.all(
      this.started.map((child) => {
        if (child.exitCode !== null || child.signalCode !== null) return undefined;
        const gone = new Promise((resolve) => child.once('close', resolve));
        child.kill('SIGKILL');
        return gone;
      }),
    );
  }
}
