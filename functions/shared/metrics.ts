/**
 * One Powertools Metrics per container: CloudWatch embedded metric format written to the log, so counting
 * costs no API call. Cold starts are captured by the route middleware; use-case counts by the handlers
 * after success. Metrics carry names and counts only, never an id or content.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger } from './logger.js';

/**
 * Most requests count nothing but the cold start, and Powertools warns about every such request; that
 * warning goes to debug so real warnings stand out. Everything else goes to the hub's logger.
 */
const metricsLogger = {
  debug: (...content: unknown[]) => logger.debug(String(content[0] ?? '')),
  info: (...content: unknown[]) => logger.info(String(content[0] ?? '')),
  warn: (...content: unknown[]) => {
    const message = String(content[0] ?? '');
    if (message.startsWith('No application metrics to publish')) logger.debug(message);
    else logger.warn(message);
  },
  error: (...content: unknown[]) => logger.error(String(content[0] ?? '')),
};

export const metrics = new Metrics({
  namespace: process.env['POWERTOOLS_METRICS_NAMESPACE'] ?? 'MsetHub',
  serviceName: 'mset-hub',
  logger: metricsLogger,
});

export function countSuccess(name: 'AlertsCreated' | 'AlertsAcknowledged'): void {
  metrics.addMetric(name, MetricUnit.Count, 1);
}
