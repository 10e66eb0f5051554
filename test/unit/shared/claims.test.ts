import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../../contracts/identity.js';
import { UnauthenticatedError } from '../../../functions/core/errors.js';
import { callerFromClaims, flattenClaims } from '../../../functions/shared/claims.js';
import { LocalIdentityProvider } from '../../../local/identity-provider.js';

const validClaims = {
  sub: 'local|northumberland|police',
  name: 'Test Officer (northumberland)',
  area: 'northumberland',
  agency: 'police',
  roles: '[police coordinator]',
};

describe('flattenClaims', () => {
  it('keeps strings and renders numbers and booleans as API Gateway does', () => {
    // Prepare
    const payload = { sub: 'abc', exp: 1_700_000_000, ratio: 0.5, verified: true, blocked: false };

    // Act
    const flat = flattenClaims(payload);

    // Assess
    expect(flat).toEqual({ sub: 'abc', exp: '1700000000', ratio: '0.5', verified: 'true', blocked: 'false' });
  });

  it('renders arrays Go-style: brackets, items separated by single spaces', () => {
    // Prepare
    const payload = { roles: ['police', 'coordinator'], empty: [], mixed: [1, true, 'x', ['y', 'z']] };

    // Act
    const flat = flattenClaims(payload);

    // Assess
    expect(flat).toEqual({ roles: '[police coordinator]', empty: '[]', mixed: '[1 true x [y z]]' });
  });

  it('renders objects as Go maps with sorted keys, nested values flattened', () => {
    // Prepare
    const payload = { address: { zone: 'b', area: 'north', codes: [1, 2], inner: { k: null } } };

    // Act
    const flat = flattenClaims(payload);

    // Assess
    expect(flat).toEqual({ address: 'map[area:north codes:[1 2] inner:map[k:<nil>] zone:b]' });
  });

  it('omits undefined claims', () => {
    // Prepare / Act
    const flat = flattenClaims({ sub: 'abc', missing: undefined });

    // Assess
    expect(flat).toEqual({ sub: 'abc' });
  });
});

describe('callerFromClaims', () => {
  it('reads API Gateway flattened roles', () => {
    // Prepare / Act
    const caller = callerFromClaims(validClaims);

    // Assess
    expect(caller).toEqual({
      sub: 'local|northumberland|police',
      name: 'Test Officer (northumberland)',
      area: 'northumberland',
      agency: 'police',
      roles: ['police', 'coordinator'],
    });
  });

  it.each([
    ['a single bare role', 'coordinator', ['coordinator']],
    ['a JSON array string', '["police","coordinator"]', ['police', 'coordinator']],
    ['a one-item flattened array', '[chair]', ['chair']],
    ['an empty flattened array', '[]', []],
    ['unknown roles among known ones', '[admin police superuser]', ['police']],
    ['repeated roles', '[police police]', ['police']],
    ['a malformed JSON array', '["police",', []],
  ])('accepts %s', (_label, roles, expected) => {
    // Prepare / Act
    const caller = callerFromClaims({ ...validClaims, roles });

    // Assess
    expect(caller.roles).toEqual(expected);
  });

  it('gives a caller with no roles when the roles claim is absent', () => {
    // Prepare
    const { roles: _roles, ...claims } = validClaims;

    // Act
    const caller = callerFromClaims(claims);

    // Assess
    expect(caller.roles).toEqual([]);
  });

  it('defaults the name to the subject', () => {
    // Prepare
    const { name: _name, ...claims } = validClaims;

    // Act
    const caller = callerFromClaims(claims);

    // Assess
    expect(caller.name).toBe(validClaims.sub);
  });

  it.each([
    ['area', { area: undefined }],
    ['sub', { sub: undefined }],
    ['agency', { agency: undefined }],
  ])('rejects claims without %s', (claim, override) => {
    // Prepare
    const claims = Object.fromEntries(Object.entries({ ...validClaims, ...override }).filter(([, value]) => value !== undefined)) as Record<
      string,
      string
    >;

    // Act
    const act = () => callerFromClaims(claims);

    // Assess
    expect(act).toThrow(UnauthenticatedError);
    expect(act).toThrow(claim);
  });

  it('rejects an invalid agency or area without echoing the values', () => {
    // Prepare
    const claims = { ...validClaims, agency: 'secret-agency-value', area: 'Not An Area!' };

    // Act
    let thrown: unknown;
    try {
      callerFromClaims(claims);
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(UnauthenticatedError);
    const message = (thrown as Error).message;
    expect(message).toContain('agency');
    expect(message).toContain('area');
    expect(message).not.toContain('secret-agency-value');
    expect(message).not.toContain('Not An Area!');
  });

  it('rejects missing claims altogether', () => {
    // Prepare / Act / Assess
    expect(() => callerFromClaims(undefined)).toThrow(UnauthenticatedError);
    expect(() => callerFromClaims({ sub: '   ', area: 'gateshead', agency: 'police' })).toThrow(UnauthenticatedError);
  });

  it('recovers any set of known roles after API Gateway flattening', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom(...ROLES)), (roles) => {
        // Prepare
        const flat = flattenClaims({ sub: 's', area: 'sunderland', agency: 'health', roles });

        // Act
        const caller = callerFromClaims(flat);

        // Assess
        expect(caller.roles).toEqual(roles);
      }),
      { numRuns: 200 },
    );
  });

  it('fails only with UnauthenticatedError whatever strings the claims hold', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('sub', 'name', 'area', 'agency', 'roles', 'other'), fc.string()), (claims) => {
        // Act
        try {
          const caller = callerFromClaims(claims);
          // Assess
          expect(caller.roles.every((role) => (ROLES as readonly string[]).includes(role))).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(UnauthenticatedError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('claims from a minted token', () => {
  let dataDir: string;
  let provider: LocalIdentityProvider;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mset-claims-'));
    provider = await LocalIdentityProvider.open(dataDir);
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('round-trips through verification and API Gateway flattening', async () => {
    // Prepare
    const token = await provider.mint({ area: 'north-tyneside', roles: ['police', 'coordinator'] });

    // Act
    const flat = flattenClaims(await provider.verify(token));
    const caller = callerFromClaims(flat);

    // Assess
    expect(flat['roles']).toBe('[police coordinator]');
    expect(flat['exp']).toMatch(/^\d+$/);
    expect(caller).toEqual({
      sub: 'local|north-tyneside|police+coordinator',
      name: 'Test Officer (north-tyneside)',
      area: 'north-tyneside',
      agency: 'police',
      roles: ['police', 'coordinator'],
    });
  });
});
