/** The outbox fold's run over the areas: every area read to its end, within one budget, fairly. */
import { describe, expect, it } from 'vitest';
import { FOLD_MAX_PER_RUN, FOLD_PER_READ, foldOutboxes } from '../../../../functions/core/alerts/fold-outbox.js';
import type { AlertRepository } from '../../../../functions/core/alerts/ports.js';
import { AreaDirectory } from '../../../../functions/core/areas.js';

const AREAS = AreaDirectory.fromBundledData();
const IDS = AREAS.list().map((area) => area.id);
const MINUTE = 60_000;

/** A store whose areas have this many changed shares each, read `limit` at a time; records each read. */
function storeWith(changed: Readonly<Record<string, number>>) {
  const reads: { area: string; cursor?: string }[] = [];
  const left = new Map(Object.entries(changed));
  const alerts: Pick<AlertRepository, 'foldOutbox'> = {
    foldOutbox: async (area, limit, cursor) => {
      reads.push({ area, ...(cursor === undefined ? {} : { cursor }) });
      const count = Math.min(left.get(area) ?? 0, limit);
      left.set(area, (left.get(area) ?? 0) - count);
      return { read: count, summarized: count, folded: 0, ...((left.get(area) ?? 0) > 0 ? { nextCursor: `${area}:${reads.length}` } : {}) };
    },
  };
  return { alerts, reads };
}

describe('foldOutboxes', () => {
  it('reads every area of the directory, the last one too, when there is little to fold', async () => {
    // Prepare
    const last = IDS.at(-1)!;
    const { alerts, reads } = storeWith({ [last]: 3, [IDS[0]!]: 1 });

    // Act
    const result = await foldOutboxes({ alerts, areas: AREAS }, new Date(0));

    // Assess
    expect(reads.map((read) => read.area)).toEqual(IDS);
    expect(result).toEqual({ changedSharesRead: 4, summariesWritten: 4, sharesFolded: 0, areasLeft: 0 });
  });

  it('reads an area on from where its last read stopped, until its end', async () => {
    // Prepare
    const { alerts, reads } = storeWith({ [IDS[0]!]: FOLD_PER_READ * 2 + 5 });

    // Act
    await foldOutboxes({ alerts, areas: AREAS }, new Date(0));

    // Assess
    expect(reads.filter((read) => read.area === IDS[0])).toEqual([
      { area: IDS[0] },
      { area: IDS[0], cursor: `${IDS[0]}:1` },
      { area: IDS[0], cursor: `${IDS[0]}:2` },
    ]);
  });

  it('stops at its budget, says how many areas it left, and starts one area further on a minute later', async () => {
    // Prepare: the first area alone has more than a run may read
    const busy = { [IDS[0]!]: FOLD_MAX_PER_RUN * 3 };

    // Act
    const now = storeWith(busy);
    const first = await foldOutboxes({ alerts: now.alerts, areas: AREAS }, new Date(0));
    const later = storeWith(busy);
    await foldOutboxes({ alerts: later.alerts, areas: AREAS }, new Date(MINUTE));

    // Assess
    expect(first.changedSharesRead).toBe(FOLD_MAX_PER_RUN);
    expect(first.areasLeft).toBe(IDS.length);
    expect(now.reads.every((read) => read.area === IDS[0])).toBe(true);
    // A minute later the run starts at the second area and reaches every other before the busy one.
    expect([...new Set(later.reads.map((read) => read.area))]).toEqual([...IDS.slice(1), IDS[0]]);
  });
});
