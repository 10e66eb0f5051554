/**
 * The local hub's scheduler runs scheduled jobs with the same wrapper Lambda runs, on a timer, never two
 * runs of one job at once, and keeps going after a failed run.
 */
import { inspect } from 'node:util';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { scheduledJob } from '../../../functions/shared/function.js';
import { randomIds } from '../../../functions/shared/lambda-environment.js';
import { clock, type HubEnvironment } from '../../../functions/shared/wiring.js';
import { type ScheduledJob, startJobs } from '../../../local/jobs.js';
import { lambdaContext } from '../../support/apigw.js';

const environment: HubEnvironment = {
  config: { region: 'eu-west-2', tables: { alerts: 'a', audit: 'b', idempotency: 'c', meetings: 'd' } },
  clock: { now: () => new Date('2026-12-01T09:00:00Z') },
  ids: randomIds,
};

/** The job the tests run, every minute, as the route list declares one. */
function testJob(load: ScheduledJob['load']): ScheduledJob {
  return { name: 'test-sweep', everyMinutes: 1, load };
}

function countingJob(run: (now: Date) => Promise<void> = async () => undefined) {
  const seen: Date[] = [];
  const job = testJob(async () =>
    scheduledJob(
      'test-sweep',
      { clock },
      async ({ deps, now }) => {
        seen.push(now);
        expect(deps.clock).toBe(environment.clock);
        await run(now);
        return { swept: seen.length };
      },
      () => 0,
    ),
  );
  return { job, seen };
}

const context = (): Context => lambdaContext();

afterEach(() => {
  vi.useRealTimers();
});

describe('startJobs', () => {
  it('runs a job now with the environment clock, and reports its counts', async () => {
    // Prepare
    const { job, seen } = countingJob();
    const jobs = await startJobs({ environment, intervalMs: 0, context, jobs: [job] });

    // Act
    const result = await jobs.run('test-sweep');
    await jobs.stop();

    // Assess
    expect(result).toEqual({ swept: 1 });
    expect(seen).toEqual([new Date('2026-12-01T09:00:00Z')]);
  });

  it('never starts a second run of a job while one is running', async () => {
    // Prepare
    let release: () => void = () => undefined;
    const { job, seen } = countingJob(() => new Promise<void>((resolve) => (release = resolve)));
    const jobs = await startJobs({ environment, intervalMs: 0, context, jobs: [job] });

    // Act
    const one = jobs.run('test-sweep');
    const two = jobs.run('test-sweep');
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    release();
    await Promise.all([one, two]);
    await jobs.stop();

    // Assess
    expect(seen).toHaveLength(1);
  });

  it('runs on its timer, and a failed run does not stop the next', async () => {
    // Prepare
    vi.useFakeTimers();
    let calls = 0;
    const { job, seen } = countingJob(async () => {
      calls += 1;
      if (calls === 1) throw new Error('the first run fails');
    });
    const jobs = await startJobs({ environment, context, jobs: [job] });

    // Act
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    await jobs.stop();

    // Assess: one run a minute, the first failed and the later two ran.
    expect(seen).toHaveLength(3);
  });

  it('logs and counts the items a run left undone, and counts none for a run that did all', async () => {
    // Prepare
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => out.push(String(chunk)) > 0);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => err.push(String(chunk)) > 0);
    let failed = 2;
    const job = testJob(async () =>
      scheduledJob(
        'test-sweep',
        { clock },
        async () => ({ taken: 3, failed }),
        (result) => result.failed,
      ),
    );
    const jobs = await startJobs({ environment, intervalMs: 0, context, jobs: [job] });

    // Act
    await jobs.run('test-sweep');
    failed = 0;
    await jobs.run('test-sweep');
    await jobs.stop();
    vi.restoreAllMocks();
    vi.unstubAllEnvs();

    // Assess: the run that left two undone says so as an error; each run writes its count, none included.
    const lines = [...out, ...err].map((line) => JSON.parse(line) as Record<string, unknown>);
    const records = lines.filter((line) => line['_aws'] !== undefined);
    expect(records.map((record) => [record['job'], record['service'], record['JobItemsUndone']])).toEqual([
      ['test-sweep', 'mset-hub', 2],
      ['test-sweep', 'mset-hub', 0],
    ]);
    expect(records[0]?.['_aws']).toMatchObject({
      CloudWatchMetrics: [{ Namespace: 'MsetHub', Dimensions: [['service', 'job']], Metrics: [{ Name: 'JobItemsUndone', Unit: 'Count' }] }],
    });
    // The run that did all says so at INFO, below the tests' log level: only the first is an error.
    const said = lines.filter((line) => line['job'] === 'test-sweep' && line['_aws'] === undefined);
    expect(said.map((line) => [line['level'], line['message'], line['undone'], line['taken']])).toEqual([
      ['ERROR', 'job left items undone', 2, 3],
    ]);
  });

  it('fails a run that throws with an error naming the job alone, its own error logged and kept by name only', async () => {
    // Prepare
    const err: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => err.push(String(chunk)) > 0);
    const cause = Object.assign(new Error('Synthetic: a message quoting Test Child-Alpha'), { name: 'DependencyUnavailableError' });
    const handler = scheduledJob(
      'test-sweep',
      { clock },
      async () => {
        throw cause;
      },
      () => 0,
    ).wire(environment);

    // Act
    const failure = await handler({}, context()).catch((error: unknown) => error);
    vi.restoreAllMocks();

    // Assess
    expect(failure).toMatchObject({
      name: 'JobFailedError',
      message: 'The scheduled job test-sweep failed',
      causes: ['DependencyUnavailableError'],
    });
    expect((failure as Error).cause).toBeUndefined();
    expect(inspect(failure, { depth: 10 })).not.toContain('Test Child-Alpha');
    const lines = err.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({ level: 'ERROR', message: 'job failed', job: 'test-sweep', errors: ['DependencyUnavailableError'] }),
    ]);
    expect(err.join('')).not.toContain('Test Child-Alpha');
  });

  it('refuses a job it does not have', async () => {
    const jobs = await startJobs({ environment, intervalMs: 0, context, jobs: [] });
    await expect(jobs.run('no-such-job')).rejects.toThrow(/No scheduled job/);
    await jobs.stop();
  });
});
