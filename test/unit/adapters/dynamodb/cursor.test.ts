import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../../../functions/adapters/dynamodb/cursor.js';
import { ValidationError } from '../../../../functions/core/errors.js';

const SCOPE = 'inbox:north-tyneside:ALL';
const NAMES = ['pk', 'sk', 'inboxPk', 'inboxSk'] as const;
const OWN = { inboxPk: 'INBOX#north-tyneside' };
const KEY = { pk: 'ALERT#a', sk: 'SHARE#north-tyneside', inboxPk: 'INBOX#north-tyneside', inboxSk: '2026-03-10T10:00:00.000Z#a' };

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');

function refusal(cursor: string): unknown {
  try {
    decodeCursor(cursor, SCOPE, NAMES, OWN);
    return undefined;
  } catch (error) {
    return error;
  }
}

function expectRefused(cursor: string): void {
  const error = refusal(cursor);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).issues).toEqual([{ path: 'cursor', message: 'not a cursor issued for this listing' }]);
}

describe('page cursors', () => {
  it('round-trips a key for the listing it was issued for', () => {
    // Prepare
    const cursor = encodeCursor(SCOPE, KEY);

    // Act
    const key = decodeCursor(cursor, SCOPE, NAMES, OWN);

    // Assess
    expect(key).toEqual(KEY);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('means "from the start" when absent', () => {
    // Act
    const key = decodeCursor(undefined, SCOPE, NAMES, OWN);

    // Assess
    expect(key).toBeUndefined();
  });

  it("refuses a cursor naming another area's partition, even under this listing's scope", () => {
    // Act and Assess
    expectRefused(encodeCursor(SCOPE, { ...KEY, inboxPk: 'INBOX#newcastle' }));
    expectRefused(encodeCursor('inbox:newcastle:ALL', { ...KEY, inboxPk: 'INBOX#newcastle' }));
  });

  it('refuses a cursor issued for another filter of the same inbox', () => {
    // Act and Assess
    expectRefused(encodeCursor('inbox:north-tyneside:PENDING', KEY));
  });

  it.each([
    ['garbage that is not base64 JSON', '!!!not-a-cursor!!!'],
    ['base64 of text', b64('hello')],
    ['JSON null', b64(null)],
    ['a JSON array', b64([1, 2])],
    ['another version', b64({ v: 2, scope: SCOPE, key: KEY })],
    ['an extra top-level field', b64({ v: 1, scope: SCOPE, key: KEY, admin: true })],
    ['an extra key attribute', b64({ v: 1, scope: SCOPE, key: { ...KEY, extra: 'x' } })],
    ['a missing key attribute', b64({ v: 1, scope: SCOPE, key: { pk: KEY.pk, sk: KEY.sk, inboxPk: KEY.inboxPk } })],
    ['a renamed key attribute', b64({ v: 1, scope: SCOPE, key: { pk: KEY.pk, sk: KEY.sk, inboxPk: KEY.inboxPk, outboxSk: 'x' } })],
    ['a non-string key value', b64({ v: 1, scope: SCOPE, key: { ...KEY, sk: { S: 'x' } } })],
    ['an over-long key value', b64({ v: 1, scope: SCOPE, key: { ...KEY, sk: 'x'.repeat(513) } })],
    ['a truncated cursor', encodeCursor(SCOPE, KEY).slice(0, -6)],
  ])('refuses %s with a ValidationError at path cursor', (_label, cursor) => {
    // Act and Assess
    expectRefused(cursor);
  });

  it('never echoes the cursor in the refusal', () => {
    // Prepare
    const cursor = b64({ v: 1, scope: 'Test Child-Alpha', key: KEY });

    // Act
    const error = refusal(cursor) as ValidationError;

    // Assess
    expect(JSON.stringify({ message: error.message, issues: error.issues })).not.toContain('Child-Alpha');
    expect(error.message).not.toContain(cursor);
  });

  it('decodes any string to a key or a ValidationError, never anything else (fast-check)', () => {
    // Prepare
    const anyCursor = fc.oneof(
      fc.string({ maxLength: 300 }),
      // any UTF-16 code unit, lone surrogates included (unit: 'binary' costs a second to build)
      fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 200 }),
      fc.json({ maxDepth: 2 }).map((json) => Buffer.from(json, 'utf8').toString('base64url')),
      fc
        .record(
          {
            v: fc.constantFrom(1, 2, '1'),
            scope: fc.constantFrom(SCOPE, 'x'),
            key: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer())),
          },
          { requiredKeys: [] },
        )
        .map((payload) => b64(payload)),
    );

    // Act and Assess
    fc.assert(
      fc.property(anyCursor, (cursor) => {
        const error = refusal(cursor);
        return error === undefined || error instanceof ValidationError;
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses a key with an empty value, which DynamoDB would reject as a 5xx-causing ValidationException', () => {
    // Act
    const error = refusal(encodeCursor(SCOPE, { pk: '', sk: 'x', inboxPk: OWN.inboxPk, inboxSk: 'y' }));

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
  });

  it('refuses key values DynamoDB could reject: over-long in bytes, or characters no hub key uses', () => {
    // Act
    const errors = ['😀'.repeat(256), 'a b', 'x\ud800', 'é'].map((pk) =>
      refusal(encodeCursor(SCOPE, { pk, sk: 'x', inboxPk: OWN.inboxPk, inboxSk: 'y' })),
    );

    // Assess
    for (const error of errors) expect(error).toBeInstanceOf(ValidationError);
  });

  it("round-trips arbitrary key values of the hub's key alphabet and refuses any other partition (fast-check)", () => {
    // Prepare: the characters the hub's keys are made of (ids, area ids, ISO times, '#')
    const keyValue = fc.stringMatching(/^[A-Za-z0-9#:._-]{1,100}$/);

    // Act and Assess
    fc.assert(
      fc.property(keyValue, keyValue, keyValue, (pk, sk, inboxSk) => {
        const key = { pk, sk, inboxPk: OWN.inboxPk, inboxSk };
        expect(decodeCursor(encodeCursor(SCOPE, key), SCOPE, NAMES, OWN)).toEqual(key);
        const other = refusal(encodeCursor(SCOPE, { ...key, inboxPk: `INBOX#${pk}x` }));
        expect(other).toBeInstanceOf(ValidationError);
      }),
      { numRuns: 500 },
    );
  });
});
