/**
 * One run of the ladder sweep: every share with a step due now, oldest due first, read from the index of
 * pending shares by next-step time (so a run reads what is due, not what is stored), each visited once.
 * Runs may overlap (a slow run and the next tick; EventBridge Scheduler's retry): every step is taken by
 * a conditional write, so each is taken once whichever run gets there (./ladder.ts).
 */
import { type LadderDeps, takeDueSteps } from './ladder.js';
import type { AlertRepository } from './ports.js';

export type SweepDeps = LadderDeps & { readonly alerts: Pick<AlertRepository, 'dueShares' | 'getShare' | 'updateLadder'> };

export type LadderSweepResult = { readonly due: number; readonly stepsTaken: number; readonly conflicts: number; readonly failed: number };

/** Shares read per query; a run reads as many pages as are due, up to a bound that keeps it within its timeout. */
const PAGE = 100;
const MAX_PAGES = 50;

export async function sweepLadders(deps: SweepDeps, onFailure: (error: unknown) => void = () => undefined): Promise<LadderSweepResult> {
  const now = deps.clock.now().toISOString();
  let due = 0;
  let stepsTaken = 0;
  let conflicts = 0;
  let failed = 0;
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const found = await deps.alerts.dueShares(now, PAGE, cursor);
    due += found.items.length;
    for (const share of found.items) {
      try {
        const visit = await takeDueSteps(deps, share);
        stepsTaken += visit.taken;
        conflicts += visit.conflicts;
      } catch (error) {
        // One share's failure (the queue down, say) leaves it due for the next run; the others go on.
        failed += 1;
        onFailure(error);
      }
    }
    cursor = found.nextCursor;
    if (cursor === undefined) break;
  }
  return { due, stepsTaken, conflicts, failed };
}
