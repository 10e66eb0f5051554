import { describe, expect, it } from 'vitest';
import { isLive } from '../../../functions/core/expiry.js';

const NOW = '2026-03-10T10:00:00.000Z';

describe('isLive', () => {
  it.each([
    ['a second before its end of life', '2026-03-10T10:00:01.000Z', true],
    ['at its end of life', NOW, false],
    ['after its end of life', '2026-03-10T09:59:59.999Z', false],
  ])('decides a record %s', (_label, expiresAt, live) => {
    // Act
    const decided = isLive({ expiresAt }, NOW);

    // Assess
    expect(decided).toBe(live);
  });

  it('takes the time as a Date or as its ISO string alike', () => {
    // Prepare
    const record = { expiresAt: '2026-03-10T10:00:00.001Z' };

    // Act
    const decisions = [isLive(record, NOW), isLive(record, new Date(NOW)), isLive(record, new Date('2026-03-10T10:00:00.001Z'))];

    // Assess
    expect(decisions).toEqual([true, true, false]);
  });

  it('answers false for no record', () => {
    // Act
    const decided = isLive(undefined, NOW);

    // Assess
    expect(decided).toBe(false);
  });
});
