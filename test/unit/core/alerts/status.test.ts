import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveStatus, hasStatus, statusFilter } from '../../../../functions/core/alerts/status.js';

const NOW = '2026-03-10T10:00:00.000Z';
const STATUSES = ['PENDING', 'OVERDUE', 'ACKNOWLEDGED'] as const;

describe('deriveStatus', () => {
  it.each([
    ['PENDING', '2026-03-10T10:00:00.001Z', 'PENDING'],
    ['PENDING', NOW, 'OVERDUE'],
    ['PENDING', '2026-03-09T10:00:00.000Z', 'OVERDUE'],
    ['ACKNOWLEDGED', '2026-03-09T10:00:00.000Z', 'ACKNOWLEDGED'],
  ] as const)('derives a %s share due %s as %s', (status, ackDueBy, derived) => {
    // Act
    const result = deriveStatus({ status, ackDueBy }, NOW);

    // Assess
    expect(result).toBe(derived);
  });
});

describe('statusFilter', () => {
  it('lists an OVERDUE share as pending with its deadline passed, at the deadline included', () => {
    // Act
    const comparisons = statusFilter('OVERDUE');

    // Assess
    expect(comparisons).toEqual([
      { attribute: 'status', operator: '=', operand: { value: 'PENDING' } },
      { attribute: 'ackDueBy', operator: '<=', operand: { now: true } },
    ]);
  });

  it('filters nothing without a status', () => {
    // Act
    const comparisons = statusFilter(undefined);

    // Assess
    expect(comparisons).toEqual([]);
  });

  it('lists every share under exactly one status filter: the status deriveStatus gives it', () => {
    // Prepare
    const iso = fc
      .date({ min: new Date('2026-03-09T00:00:00Z'), max: new Date('2026-03-11T00:00:00Z'), noInvalidDate: true })
      .map((date) => date.toISOString());
    const share = fc.record({
      status: fc.constantFrom('PENDING' as const, 'ACKNOWLEDGED' as const),
      ackDueBy: fc.oneof(iso, fc.constant(NOW)),
    });

    // Act / Assess
    fc.assert(
      fc.property(share, fc.oneof(iso, fc.constant(NOW)), (candidate, now) => {
        const listedUnder = STATUSES.filter((status) => hasStatus(candidate, status, now));
        expect(listedUnder).toEqual([deriveStatus(candidate, now)]);
        expect(hasStatus(candidate, undefined, now)).toBe(true);
      }),
    );
  });
});
