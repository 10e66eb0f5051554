import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AcknowledgeRequest, CreateAlertRequest, ListAlertsQuery } from '../../../../contracts/alerts.js';
import { ValidationError } from '../../../../functions/core/errors.js';
import { parseInput } from '../../../../functions/shared/http/input.js';
import { sampleAlert } from '../../../support/hub.js';

function issuesOf(schema: Parameters<typeof parseInput>[0], value: unknown, where = 'body') {
  try {
    parseInput(schema, value, where);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return { message: (error as ValidationError).message, issues: [...(error as ValidationError).issues] };
  }
  throw new Error('expected a ValidationError');
}

describe('parseInput', () => {
  it('returns the parsed, trimmed value when it matches', () => {
    // Prepare
    const body = sampleAlert(['north-tyneside'], { voice: '  Synthetic voice  ' });

    // Act
    const parsed = parseInput(CreateAlertRequest, body, 'body');

    // Assess
    expect(parsed.voice).toBe('Synthetic voice');
    expect(parsed.recipients[0]?.area).toBe('north-tyneside');
  });

  it('names the field path of each problem, array indices included', () => {
    // Prepare
    const body = sampleAlert(['north-tyneside', 'Not An Area'], {});

    // Act
    const { message, issues } = issuesOf(CreateAlertRequest, body);

    // Assess
    expect(message).toBe('The body does not match the contract');
    expect(issues.map((issue) => issue.path)).toEqual(['recipients.1.area']);
  });

  it('reports every problem at once, with nested paths', () => {
    // Prepare
    const body = sampleAlert(['north-tyneside'], {
      child: { name: { given: '', family: 'Child-Alpha' }, dateOfBirth: '2011-02-30' },
      risk: { level: 'EXTREME', exploitation: [], summary: 'x' },
    });

    // Act
    const { issues } = issuesOf(CreateAlertRequest, body);

    // Assess
    expect(issues.map((issue) => issue.path).sort()).toEqual(['child.dateOfBirth', 'child.name.given', 'risk.exploitation', 'risk.level']);
  });

  it('reports unknown fields at the object that holds them, never by name', () => {
    // Prepare
    const body = sampleAlert(['north-tyneside'], { priority: 'high' });
    (body.child as Record<string, unknown>)['middleName'] = 'Synthetic';

    // Act
    const { issues } = issuesOf(CreateAlertRequest, body);

    // Assess
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: '', message: 'holds an unknown field' },
        { path: 'child', message: 'holds an unknown field' },
      ]),
    );
    expect(issues).toHaveLength(2);
    expect(JSON.stringify(issues)).not.toContain('priority');
    expect(JSON.stringify(issues)).not.toContain('middleName');
  });

  it('counts several unknown fields in one object as one issue', () => {
    // Prepare
    const body = sampleAlert(['north-tyneside']);
    Object.assign(body.child as Record<string, unknown>, { middleName: 'x', nickname: 'y', 'Test Child-Alpha': 'z' });

    // Act
    const { issues } = issuesOf(CreateAlertRequest, body);

    // Assess
    expect(issues).toEqual([{ path: 'child', message: 'holds 3 unknown fields' }]);
    for (const key of ['middleName', 'nickname', 'Test Child-Alpha']) expect(JSON.stringify(issues)).not.toContain(key);
  });

  it.each([
    ['that looks like a field name', 'middleName'],
    ['with spaces', 'Test Child-Alpha'],
    ['that is long', 'TestChildAlphaLivesAtTwelveMeadowLaneNewcastle'],
    ['that starts with a digit', '12MeadowLane'],
    ['with punctuation', 'child@example.test'],
  ])('does not echo an unknown key %s: it says the object holds one', (_label, key) => {
    // Prepare
    const body = sampleAlert(['north-tyneside']);
    (body.child as Record<string, unknown>)[key] = 'x';

    // Act
    const { message, issues } = issuesOf(CreateAlertRequest, body);

    // Assess
    expect(issues).toEqual([{ path: 'child', message: 'holds an unknown field' }]);
    expect(JSON.stringify({ message, issues })).not.toContain(key);
  });

  it.each([
    ['that is not a field name', 'Test Child-Alpha'],
    ['that looks like a field name', 'priority'],
  ])('does not echo an unknown top-level key %s', (_label, key) => {
    // Act
    const { message, issues } = issuesOf(AcknowledgeRequest, { outcome: 'ACCEPTED', [key]: 1 });

    // Assess
    expect(issues).toEqual([{ path: '', message: 'holds an unknown field' }]);
    expect(JSON.stringify({ message, issues })).not.toContain(key);
  });

  it.each([
    ['an enum', { outcome: 'CANARY-Child-Alpha' }],
    ['an area id', { outcome: 'REDIRECTED', redirectTo: 'CANARY Child-Alpha' }],
    ['an over-long note', { outcome: 'ACCEPTED', note: `CANARY-Child-Alpha ${'x'.repeat(4001)}` }],
    ['a wrong type', { outcome: ['CANARY-Child-Alpha'] }],
  ])('never quotes a submitted value in %s', (_label, body) => {
    // Act
    const { issues } = issuesOf(AcknowledgeRequest, body);

    // Assess
    expect(issues.length).toBeGreaterThan(0);
    expect(JSON.stringify(issues)).not.toContain('CANARY');
  });

  it('says where the input was: a query, not a body', () => {
    // Act
    const { message, issues } = issuesOf(ListAlertsQuery, { box: 'spam', limit: '0' }, 'query');

    // Assess
    expect(message).toBe('The query does not match the contract');
    expect(issues.map((issue) => issue.path).sort()).toEqual(['box', 'limit']);
  });

  it('never echoes a canary placed in any string field of an alert (fast-check)', () => {
    // Prepare: every string leaf of a valid alert, each replaced by a canary of a shape the contract refuses
    const base = sampleAlert(['north-tyneside'], {
      contacts: { police: { name: 'Synthetic Officer', email: 'officer@example.test', phone: '0000' } },
      locations: [{ description: 'Synthetic place', postcode: 'NE1 1AA' }],
    });
    const leaves: (string | number)[][] = [];
    const walk = (value: unknown, path: (string | number)[]) => {
      if (typeof value === 'string') leaves.push(path);
      else if (Array.isArray(value)) {
        for (const [index, item] of value.entries()) walk(item, [...path, index]);
      } else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) walk(item, [...path, key]);
    };
    walk(base, []);
    const canary = fc
      .tuple(fc.constantFrom('', ' ', '@', '\n', '\u0000'), fc.stringMatching(/^[A-Za-z0-9]{4,12}$/), fc.integer({ min: 0, max: 9000 }))
      .map(([separator, token, padding]) => `ZZCANARY${separator}${token}${'q'.repeat(padding)}`);

    // Act and Assess
    fc.assert(
      fc.property(fc.constantFrom(...leaves), canary, (path, value) => {
        const body = structuredClone(base) as Record<string | number, unknown>;
        let target = body;
        for (const step of path.slice(0, -1)) target = target[step] as Record<string | number, unknown>;
        target[path.at(-1) as string | number] = value;
        const result = CreateAlertRequest.safeParse(body);
        if (result.success) return true;
        const { issues } = issuesOf(CreateAlertRequest, body);
        return !JSON.stringify(issues).includes('ZZCANARY');
      }),
      { numRuns: 500 },
    );
  });
});
