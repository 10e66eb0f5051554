/**
 * Counts in CloudWatch's embedded metric format (EMF), written to the log, so counting costs no API call.
 * Cold starts are captured by the route middleware; use-case counts by the handlers after success. Metrics
 * carry names and counts only, never an id or content.
 *
 * Written here rather than taken from Powertools' Metrics for the same reason as ./logger.ts (issue 11, cold
 * start): the hub counts a few things per request and needs none of the rest. The records are the ones
 * Powertools wrote (namespace POWERTOOLS_METRICS_NAMESPACE, a `service` dimension, a separate `ColdStart`
 * record with `service` and `function_name`), so the dashboards and alarms read the same metrics, and
 * POWERTOOLS_METRICS_DISABLED still silences them (the local hub and some tests set it).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

export type CountName = 'AlertsCreated' | 'AlertsAcknowledged';

/** The namespace the stack gives every function (POWERTOOLS_METRICS_NAMESPACE), and the default without it. */
export const METRICS_NAMESPACE = 'MsetHub';
const NAMESPACE = process.env['POWERTOOLS_METRICS_NAMESPACE'] ?? METRICS_NAMESPACE;
/** The `service` dimension of every record (infra's alarms name it too). */
export const METRICS_SERVICE = 'mset-hub';

/** One EMF record: the named counts under one set of dimensions, as one log line. */
function emfRecord(counts: ReadonlyMap<string, number>, dimensions: Readonly<Record<string, string>>): string {
  return JSON.stringify({
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: NAMESPACE,
          Dimensions: [Object.keys(dimensions)],
          Metrics: [...counts.keys()].map((name) => ({ Name: name, Unit: 'Count' })),
        },
      ],
    },
    ...dimensions,
    ...Object.fromEntries(counts),
  });
}

function disabled(): boolean {
  const value = process.env['POWERTOOLS_METRICS_DISABLED']?.trim().toLowerCase();
  return value === 'true' || value === '1';
}

/** The invocation's counts, written once when it ends; nothing when it counted nothing. */
const pending = new Map<string, number>();
let coldStart = process.env['AWS_LAMBDA_INITIALIZATION_TYPE'] !== 'provisioned-concurrency';

export function countSuccess(name: CountName): void {
  pending.set(name, (pending.get(name) ?? 0) + 1);
}

function publish(): void {
  if (pending.size > 0 && !disabled()) process.stdout.write(`${emfRecord(pending, { service: METRICS_SERVICE })}\n`);
  pending.clear();
}

/** The metric countJobRun writes, which each job's alarm reads (infra/stateless-stack.ts). */
export const JOB_ITEMS_UNDONE = 'JobItemsUndone';

/**
 * One record per run of a scheduled job: the items it could not do, under the job's name. Written for a run
 * that left none too, so that the metric reads 0 rather than nothing while the job is well.
 */
export function countJobRun(job: string, undone: number): void {
  if (disabled()) return;
  process.stdout.write(`${emfRecord(new Map([[JOB_ITEMS_UNDONE, undone]]), { service: METRICS_SERVICE, job })}\n`);
}

/** The middleware for every route: a ColdStart count on the container's first invocation, the counts at the end of each. */
export function invocationMetrics(): MiddlewareObj<unknown, unknown, Error, Context> {
  return {
    before: (request) => {
      if (!coldStart) return;
      coldStart = false;
      if (!disabled()) {
        const record = emfRecord(new Map([['ColdStart', 1]]), { service: METRICS_SERVICE, function_name: request.context.functionName });
        process.stdout.write(`${record}\n`);
      }
    },
    after: publish,
    onError: publish,
  };
}
