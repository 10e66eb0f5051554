/**
 * The outbox fold over every area (functions/handlers/outbox-fold.ts runs it every minute). An outbox page
 * reads each alert's row, which carries every share's summary, and beside it only the shares changed since
 * their summaries were last copied there: this copies those changes, and takes the shares already copied
 * out of what a page reads (the store's `foldOutbox`). The outbox shows a change at once either way; the
 * fold keeps what a page reads to its alerts and the last minutes' changes.
 */
import type { AreaDirectory } from '../areas.js';
import type { AlertRepository } from './ports.js';

/** Changed shares one read of an area takes. */
export const FOLD_PER_READ = 100;
/**
 * Changed shares a run reads in all (about 2,000 conditional writes at most: well within a minute's job).
 * An area with nothing changed costs one empty read and nothing of this.
 */
export const FOLD_MAX_PER_RUN = 1000;

export type FoldResult = {
  readonly changedSharesRead: number;
  readonly summariesWritten: number;
  readonly sharesFolded: number;
  /** Areas this run did not read to the end (its budget ran out): the next run starts one area further on. */
  readonly areasLeft: number;
};

export async function foldOutboxes(
  deps: { readonly alerts: Pick<AlertRepository, 'foldOutbox'>; readonly areas: Pick<AreaDirectory, 'list'> },
  now: Date,
): Promise<FoldResult> {
  const areas = deps.areas.list();
  // A run that cannot read everything starts one area further on than the run before (a minute earlier),
  // so a backlog in one area never keeps the areas after it waiting.
  const first = Math.floor(now.getTime() / 60_000) % areas.length;
  let read = 0;
  let summarized = 0;
  let folded = 0;
  let areasLeft = 0;
  for (let index = 0; index < areas.length; index += 1) {
    const area = areas[(first + index) % areas.length];
    if (area === undefined) continue;
    let cursor: string | undefined;
    let finished = false;
    while (!finished && read < FOLD_MAX_PER_RUN) {
      const result = await deps.alerts.foldOutbox(area.id, FOLD_PER_READ, cursor);
      read += result.read;
      summarized += result.summarized;
      folded += result.folded;
      cursor = result.nextCursor;
      finished = cursor === undefined;
    }
    if (!finished) areasLeft += 1;
  }
  return { changedSharesRead: read, summariesWritten: summarized, sharesFolded: folded, areasLeft };
}
