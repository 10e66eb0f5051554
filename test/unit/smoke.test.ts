import { describe, expect, it } from 'vitest';
import { ROUTE_LIST } from '../../functions/routes.js';

describe('route table', () => {
  it('declares a catch-all route', () => {
    expect(ROUTE_LIST.some((r) => r.routeKey === '$default')).toBe(true);
  });
});
