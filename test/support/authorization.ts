/**
 * What the authorization matrices over HTTP share: the role sets every route is tried with, the case list
 * (route × area × role set, each with the status the rules give), and the tokens the gateway refuses.
 */
import { expect } from 'vitest';
import { ROLES, type Role } from '../../contracts/identity.js';
import type { TestHub, TestResponse } from './hub.js';

/** Each role alone, two pairs (the second one given), and no role at all. */
export function roleSets(pair: readonly Role[]): ReadonlyArray<readonly Role[]> {
  return [...ROLES.map((role) => [role]), ['practitioner', 'auditor'], pair, []];
}

export const roleLabel = (roles: readonly Role[]) => (roles.length === 0 ? '(no role)' : roles.join('+'));

/** Whether any of the roles holds the right, by the table of rights `may`. */
export function rightsOf<Right extends string>(table: Record<Right, readonly Role[]>) {
  return (roles: readonly Role[], right: Right) => roles.some((role) => table[right].includes(role));
}

export type Case<Relation extends string> = {
  routeKey: string;
  area: string;
  relation: Relation;
  roles: readonly Role[];
  label: string;
  expected: number;
};

/** Every route × area × role set, each with the status `expectedStatus` gives it. */
export function matrixCases<Relation extends string>(
  routeKeys: readonly string[],
  areas: ReadonlyArray<{ area: string; relation: Relation }>,
  sets: ReadonlyArray<readonly Role[]>,
  expectedStatus: (routeKey: string, area: string, relation: Relation, roles: readonly Role[]) => number,
): Case<Relation>[] {
  return routeKeys.flatMap((routeKey) =>
    areas.flatMap(({ area, relation }) =>
      sets.map((roles) => ({
        routeKey,
        area,
        relation,
        roles,
        label: roleLabel(roles),
        expected: expectedStatus(routeKey, area, relation, roles),
      })),
    ),
  );
}

/** A token from the hub's own identity provider that expired a minute ago. */
export function expiredToken(hub: TestHub, area: string, roles: Role[]): Promise<string> {
  return hub.identity.mint({ area, roles }, { expiresInSeconds: -60 });
}

/** The gateway's own 401: API Gateway's `{"message"}` body, with a Bearer challenge. */
export function expectGatewayRefusal(response: TestResponse): void {
  expect(response.status).toBe(401);
  expect(response.json).toEqual({ message: 'Unauthorized' });
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
}
