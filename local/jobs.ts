/**
 * The local hub's EventBridge Scheduler: a timer per scheduled job of the route list, running the same
 * handler Lambda would run, wired to the hub's environment. A run never overlaps the previous run of the
 * same job (a slow sweep is skipped, not stacked), and a failed run is logged by error name and tried again
 * at the next tick, as Scheduler's next invocation would.
 */
import type { Context } from 'aws-lambda';
import { WORKER_LIST, type WorkerDefinition } from '../functions/routes.js';
import type { LambdaHandler } from '../functions/shared/function.js';
import { errorNames, logger } from '../functions/shared/logger.js';
import type { HubEnvironment } from '../functions/shared/wiring.js';

export type ScheduledJob = {
  readonly name: string;
  readonly everyMinutes: number;
  readonly load: WorkerDefinition['load'];
};

export type RunningJobs = {
  /** Runs a job now and resolves with its result; rejects if the job fails. */
  run(name: string): Promise<unknown>;
  stop(): Promise<void>;
};

export type JobsOptions = {
  readonly environment: HubEnvironment;
  /** Overrides every job's schedule; 0 starts no timer (a test runs jobs by hand). */
  readonly intervalMs?: number;
  /** Overrides one job's schedule (the ladder sweep's, from configuration), unless `intervalMs` is set. */
  readonly intervals?: Readonly<Record<string, number>>;
  readonly context: (name: string) => Context;
  /** The route list's scheduled workers unless given. */
  readonly jobs?: readonly ScheduledJob[];
};

export function scheduledJobs(): ScheduledJob[] {
  return WORKER_LIST.flatMap((worker) =>
    worker.trigger.kind === 'schedule' ? [{ name: worker.name, everyMinutes: worker.trigger.everyMinutes, load: worker.load }] : [],
  );
}

export async function startJobs(options: JobsOptions): Promise<RunningJobs> {
  const jobs = options.jobs ?? scheduledJobs();
  const handlers = new Map<string, LambdaHandler>();
  for (const job of jobs) handlers.set(job.name, (await job.load()).wire(options.environment));
  const running = new Map<string, Promise<unknown>>();
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;

  const run = (name: string): Promise<unknown> => {
    const handler = handlers.get(name);
    if (handler === undefined) return Promise.reject(new Error(`No scheduled job named ${name}`));
    const current = running.get(name);
    if (current !== undefined) return current;
    const started = handler({ source: 'local-hub.scheduler', job: name }, options.context(name)).finally(() => running.delete(name));
    running.set(name, started);
    return started;
  };

  for (const job of jobs) {
    const intervalMs = options.intervalMs ?? options.intervals?.[job.name] ?? job.everyMinutes * 60_000;
    if (intervalMs <= 0) continue;
    const timer = setInterval(() => {
      if (stopped || running.has(job.name)) return;
      run(job.name).catch((error: unknown) => logger.error('scheduled job failed', { job: job.name, errors: errorNames(error) }));
    }, intervalMs);
    timer.unref();
    timers.push(timer);
  }

  return {
    run,
    stop: async () => {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled(running.values());
    },
  };
}
