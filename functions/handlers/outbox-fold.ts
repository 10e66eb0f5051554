/**
 * Scheduled every minute: the outbox fold (functions/core/alerts/fold-outbox.ts). It reads no content and
 * sends nothing: it copies what changed of shares into their alerts' summaries, which the outbox reads.
 */
import { foldOutboxes } from '../core/alerts/fold-outbox.js';
import { scheduledJob } from '../shared/function.js';
import { alertRepository, areaDirectory } from '../shared/wiring.js';

export const { handler, wire } = scheduledJob(
  'outbox-fold',
  { alerts: alertRepository, areas: areaDirectory },
  ({ deps, now }) => foldOutboxes(deps, now),
  // A fold stops on its first failure, which fails the run; areas left are for the next run, by its budget.
  () => 0,
);
