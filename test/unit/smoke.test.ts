import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes.js';
describe('route table', () => {
  it('declares a catch-all route', () => {
    expect(ROUTES.some((r) => r.routeKey === '$default')).toBe(true);
  });
});
