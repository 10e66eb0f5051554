/**
 * A fresh Node process (the Node running this one), as a Lambda cold start meets a bundle: the bundle
 * scripts, the bench and the tests that import a built function all start one this way. Only PATH and the
 * variables given are in its environment, so nothing of this machine's AWS configuration reaches it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export type NodeProcessOptions = {
  /** Besides PATH, which is always passed. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Pins it to this one CPU (Linux's `taskset`: pinnedCpu()), as a Lambda function's threads share one vCPU at most. */
  readonly cpu?: number;
};

export type NodeProcessResult = { readonly code: number | null; readonly stdout: string; readonly stderr: string };

/** Runs `node <args>` to its end and gives back its exit code and what it wrote. */
export function runNode(args: readonly string[], options: NodeProcessOptions): Promise<NodeProcessResult> {
  return new Promise((resolve, reject) => {
    const [command, commandArgs] =
      options.cpu === undefined
        ? [process.execPath, [...args]]
        : ['taskset', ['--cpu-list', String(options.cpu), process.execPath, ...args]];
    const child = spawn(command, commandArgs, {
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      env: { PATH: process.env['PATH'] ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let pinned: number | null | undefined;

/**
 * A CPU this process may run on (the last its affinity allows, read from Linux's /proc/self/status, so a
 * container's cpuset or a `taskset` the bench was started under is respected), checked once by pinning a
 * process to it; null where that fails (no Linux, no `taskset`): measurements then run unpinned and say so.
 */
export function pinnedCpu(): number | null {
  if (pinned !== undefined) return pinned;
  let cpu: number | undefined;
  try {
    const allowed = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    const last = allowed?.split(',').at(-1)?.split('-').at(-1);
    cpu = last === undefined ? undefined : Number(last);
  } catch {
    cpu = undefined;
  }
  const usable =
    cpu !== undefined &&
    Number.isInteger(cpu) &&
    spawnSync('taskset', ['--cpu-list', String(cpu), process.execPath, '-e', ''], { stdio: 'ignore' }).status === 0;
  pinned = usable ? (cpu as number) : null;
  return pinned;
}

/**
 * Runs `script` as an ES module and gives back the one JSON value it printed (jsonAnswer). The script should
 * end with process.exit(0) once its output is written (a bundle may hold sockets or timers open).
 */
export async function runNodeJson<T>(script: string, options: NodeProcessOptions & { readonly what: string }): Promise<T> {
  return jsonAnswer<T>(await runNode(['--input-type=module', '-e', script], options), options.what);
}

/** The one JSON value a process printed; else an error naming `what`, its exit code and the start of its stderr. */
export function jsonAnswer<T>({ code, stdout, stderr }: NodeProcessResult, what: string): T {
  try {
    if (code !== 0) throw new Error(`exit ${code}`);
    return JSON.parse(stdout) as T;
  } catch (error) {
    throw new Error(
      `${what} failed (${String(error)}): ${stderr.slice(0, 2000)}${stdout === '' ? '' : `; printed ${stdout.slice(0, 200)}`}`,
    );
  }
}
