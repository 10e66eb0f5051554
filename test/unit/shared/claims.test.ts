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
  it.each([
    ['an address', 'test.officer@northumberland.example.gov.uk', 'test.officer@northumberland.example.gov.uk'],
    ['something else', 'not an address', undefined],
    ['an address with a line break', 'a@example.org\nBcc: b@example.org', undefined],
  ])('keeps an email claim only when it is %s, and signs the person in either way', (_label, email, kept) => {
    const caller = callerFromClaims({ ...validClaims, email });
    expect(caller.email).toBe(kept);
    expect(caller.area).toBe('northumberland');
  });

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

  it.each([
    ['space-separated roles', 'police coordinator', ['police', 'coordinator']],
    ['space-separated roles with runs of spaces around and between them', '  chair   auditor ', ['chair', 'auditor']],
    ['a flattened array with spaces inside its brackets', '[ police  chair ]', ['police', 'chair']],
    ['a JSON array string with spaces around its items', '[ "police" , "chair" ]', ['police', 'chair']],
  ])('accepts %s', (_label, roles, expected) => {
    // Prepare / Act
    const caller = callerFromClaims({ ...validClaims, roles });

    // Assess
    expect(caller.roles).toEqual(expected);
  });

  it.each([
    ['a comma-joined string', 'police,coordinator', []],
    ['a comma-joined flattened array', '[police,coordinator]', []],
    ['a comma-joined item in a JSON array', '["police,coordinator"]', []],
    ['a space-separated item in a JSON array', '["police coordinator"]', []],
    ['a comma and a space: the item with the comma names no role', 'police, coordinator', ['coordinator']],
    ['a semicolon-joined string', 'police;coordinator', []],
    ['tab- or newline-separated roles', 'police\tcoordinator\nchair', []],
    ['roles in other letter case', 'Police COORDINATOR', []],
  ])('grants no role for an item in an undocumented form: %s', (_label, roles, expected) => {
    // Prepare / Act
    const caller = callerFromClaims({ ...validClaims, roles });

    // Assess
    expect(caller.roles).toEqual(expected);
  });

  it('recovers any set of known roles from each documented form, and none when they are comma-joined', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom(...ROLES), { minLength: 2 }), fc.constantFrom(',', ', ', ' ,'), (roles, comma) => {
        // Prepare
        const documented = [`[${roles.join(' ')}]`, JSON.stringify(roles), roles.join(' ')];

        // Act
        const fromDocumented = documented.map((form) => callerFromClaims({ ...validClaims, roles: form }).roles);
        const fromCommas = callerFromClaims({ ...validClaims, roles: roles.join(',') }).roles;
        const fromCommaSpaced = callerFromClaims({ ...validClaims, roles: roles.join(comma) }).roles;

        // Assess
        for (const parsed of fromDocumented) expect(parsed).toEqual(roles);
        expect(fromCommas).toEqual([]);
        // Only an item a space separates from every comma names a role: the last after ', ', the first before ' ,'.
        expect(fromCommaSpaced).toEqual(comma === ', ' ? roles.slice(-1) : comma === ' ,' ? roles.slice(0, 1) : []);
      }),
      { numRuns: 200 },
    );
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

  it.each([
    ['U+FFFE', 'Synthetic\uFFFEOfficer'],
    ['U+FFFF', 'Synthetic\uFFFFOfficer'],
    ['a lone high surrogate', 'Synthetic\uD800Officer'],
    ['a lone low surrogate', 'Synthetic\uDC00Officer'],
    ['NUL', 'Synthetic\u0000Officer'],
    ['a C0 control', 'Synthetic\u0007Officer'],
    ['a tab', 'Synthetic\tOfficer'],
    ['a line feed', 'Synthetic\nOfficer'],
    ['a carriage return at the end', 'Synthetic Officer\r'],
    ['DEL', 'Synthetic\u007FOfficer'],
    ['a C1 control (NEL)', 'Synthetic\u0085Officer'],
    ['the last C1 control', 'Synthetic\u009FOfficer'],
  ])('rejects a sub or name holding %s, naming the claim without echoing it', (_label, value) => {
    for (const claim of ['sub', 'name'] as const) {
      // Prepare
      const claims = { ...validClaims, [claim]: value };

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
      expect(message).toContain(claim);
      expect(message).not.toContain('Synthetic');
      expect(message).not.toMatch(/[^\x20-\x7e]/);
    }
  });

  it.each([
    ['area', 'northumberland\uFFFE'],
    ['agency', 'police\uFFFF'],
    ['roles', '[police \uFFFEauditor]'],
    ['roles', 'police\uDFFF'],
  ])('rejects a %s claim holding a character SQS refuses', (claim, value) => {
    // Prepare / Act
    const act = () => callerFromClaims({ ...validClaims, [claim]: value });

    // Assess
    expect(act).toThrow(UnauthenticatedError);
    expect(act).toThrow(claim);
  });

  it.each([
    ['the first character after the C1 controls (no-break space)', 'Synthetic\u00A0Officer'],
    ['the last character before the surrogates', 'Synthetic\uD7FFOfficer'],
    ['the first character after the surrogates', 'Synthetic\uE000Officer'],
    ['the replacement character', 'Synthetic\uFFFDOfficer'],
    ['a surrogate pair (outside the BMP)', 'Synthetic \u{1F600} Officer'],
    ['the last code point', 'Synthetic\u{10FFFF}Officer'],
    ['accented letters and punctuation', "Siân O'Brien-Ødegård"],
  ])('accepts a sub and name holding %s', (_label, value) => {
    // Prepare / Act
    const caller = callerFromClaims({ ...validClaims, sub: value, name: value });

    // Assess
    expect(caller.sub).toBe(value);
    expect(caller.name).toBe(value);
  });

  it('accepts a tab, line feed or carriage return in roles, where SQS allows them, granting nothing by them', () => {
    // Prepare / Act
    const caller = callerFromClaims({ ...validClaims, roles: 'police\tchair\r\ncoordinator auditor' });

    // Assess
    expect(caller.roles).toEqual(['auditor']);
  });

  it('ignores what claims it does not read hold', () => {
    // Prepare / Act
    const caller = callerFromClaims({ ...validClaims, email: 'synthetic\uFFFE@example.org', nickname: '\u0000' });

    // Assess
    expect(caller.sub).toBe(validClaims.sub);
  });

  it('never gives a caller whose sub or name SQS would refuse or that holds a control character', () => {
    const notSqs = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 }), (sub, name) => {
        // Act
        let caller: ReturnType<typeof callerFromClaims> | undefined;
        try {
          caller = callerFromClaims({ ...validClaims, sub: `s${sub}`, name });
        } catch (error) {
          expect(error).toBeInstanceOf(UnauthenticatedError);
        }

        // Assess
        const bad = notSqs.test(`${sub}${name}`) || /\p{Cc}/u.test(`${sub}${name}`);
        expect(caller === undefined).toBe(bad);
        if (caller !== undefined) {
          expect(notSqs.test(caller.sub + caller.name)).toBe(false);
          expect(/\p{Cc}/u.test(caller.sub + caller.name)).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
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
