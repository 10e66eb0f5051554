import { describe, expect, it } from 'vitest';
import { conditionOf, liveCondition, namesOf } from '../../../../functions/adapters/dynamodb/conditions.js';
import { statusFilter } from '../../../../functions/core/alerts/status.js';
import { LIVE } from '../../../../functions/core/expiry.js';

const NOW = '2026-03-10T10:00:00.000Z';

describe('conditionOf', () => {
  it('writes the live rule as expiresAt > :now, with no name placeholder', () => {
    // Act
    const condition = liveCondition(NOW);

    // Assess
    expect(condition).toEqual({ expression: 'expiresAt > :now', names: {}, values: { ':now': NOW } });
    expect(namesOf(condition)).toEqual({});
  });

  it.each([
    ['PENDING', 'expiresAt > :now AND #status = :pending AND ackDueBy > :now', { ':now': NOW, ':pending': 'PENDING' }],
    ['OVERDUE', 'expiresAt > :now AND #status = :pending AND ackDueBy <= :now', { ':now': NOW, ':pending': 'PENDING' }],
    ['ACKNOWLEDGED', 'expiresAt > :now AND #status = :acknowledged', { ':now': NOW, ':acknowledged': 'ACKNOWLEDGED' }],
  ] as const)('writes the %s inbox filter with the reserved word status behind a placeholder', (status, expression, values) => {
    // Act
    const condition = conditionOf([LIVE, ...statusFilter(status)], NOW);

    // Assess
    expect(condition).toEqual({ expression, names: { '#status': 'status' }, values });
    expect(namesOf(condition)).toEqual({ ExpressionAttributeNames: { '#status': 'status' } });
  });

  it('refuses a fixed value that cannot be its own placeholder', () => {
    // Act
    const attempt = () => conditionOf([{ attribute: 'status', operator: '=', operand: { value: 'NOT A WORD' } }], NOW);

    // Assess
    expect(attempt).toThrow(RangeError);
  });
});
