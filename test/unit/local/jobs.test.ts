/**
 * The local hub's scheduler runs scheduled jobs with the same wrapper Lambda runs, on a timer, never two
 * runs of one job at once, and keeps going after a failed run.
 */
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

function countingJob(run: (now: Date) => Promise<void> = async () => undefined) {
  const seen: Date[] = [];
  const job: ScheduledJob = {
    name: 'test-sweep',
    everyMinutes: 1,
    load: async () =>
      scheduledJob('test-sweep', { clock }, async ({ deps, now }) => {
        seen.push(now);
        expect(deps.clock).toBe(environment.clock);
        await run(now);
        return { swept: seen.length };
      }),
  };
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

  it('refuses a job it does not have', async () => {
    const jobs = await startJobs({ environment, intervalMs: 0, context, jobs: [] });
    await expect(jobs.run('no-such-job')).rejects.toThrow(/No scheduled job/);
    await jobs.stop();
  });
});
