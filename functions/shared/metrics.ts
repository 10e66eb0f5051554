/**
 * One Powertools Metrics per container: CloudWatch embedded metric format written to the log, so counting
 * costs no API call. Cold starts are captured by the route middleware; use-case counts by the handlers
 * after success. Metrics carry names and counts only, never an id or content.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const metrics = new Metrics({ namespace: process.env['POWERTOOLS_METRICS_NAMESPACE'] ?? 'MsetHub', serviceName: 'mset-hub' });

export function countSuccess(name: 'AlertsCreated' | 'AlertsAcknowledged'): void {
  metrics.addMetric(name, MetricUnit.Count, 1);
}
