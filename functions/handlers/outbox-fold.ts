/**
 * Scheduled every minute: the outbox fold. An outbox page reads each alert's row, which carries every
 * share's summary, and beside it only the shares changed since this last ran (an acknowledgement, a ladder
 * step, a failed message, an end, an extension, a forward): this copies those changes into their alerts'
 * rows (functions/adapters/dynamodb/alert-store.ts, foldOutbox). The outbox shows a change at once either
 * way; the fold only keeps what a page reads to its alerts and the last minute's changes.
 */
import { scheduledJob } from '../shared/function.js';
import { alertRepository, areaDirectory } from '../shared/wiring.js';

/** Shares one read of an area takes; a run reads on while the area has more, up to MAX_PER_RUN in all. */
const PER_READ = 100;
/** About 2,000 conditional writes: well within the job's minute, with room for a partnership's busiest hour. */
const MAX_PER_RUN = 1000;

export const { handler, wire } = scheduledJob('outbox-fold', { alerts: alertRepository, areas: areaDirectory }, async ({ deps }) => {
  let folded = 0;
  let read = 0;
  let areasLeft = 0;
  for (const area of deps.areas.list()) {
    let more = true;
    while (more && read < MAX_PER_RUN) {
      const result = await deps.alerts.foldOutbox(area.id, PER_READ);
      read += PER_READ;
      folded += result.folded;
      more = result.more;
      // Nothing folded in a full read: what is left waits for its alert's migration; the next run tries again.
      if (result.folded === 0) break;
    }
    if (more) areasLeft += 1;
  }
  return { sharesFolded: folded, areasLeft };
});
