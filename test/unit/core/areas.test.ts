import { describe, expect, it } from 'vitest';
import { RISK_LEVELS } from '../../../contracts/alerts.js';
import type { Area } from '../../../contracts/areas.js';
import { AreaDirectory, DEFAULT_ACK_DEADLINES } from '../../../functions/core/areas.js';

const EXPECTED: Record<string, { name: string; policeForce: string }> = {
  northumberland: { name: 'Northumberland', policeForce: 'Northumbria Police' },
  'north-tyneside': { name: 'North Tyneside', policeForce: 'Northumbria Police' },
  newcastle: { name: 'Newcastle', policeForce: 'Northumbria Police' },
  gateshead: { name: 'Gateshead', policeForce: 'Northumbria Police' },
  'south-tyneside': { name: 'South Tyneside', policeForce: 'Northumbria Police' },
  sunderland: { name: 'Sunderland', policeForce: 'Northumbria Police' },
  'county-durham': { name: 'County Durham', policeForce: 'Durham Constabulary' },
  darlington: { name: 'Darlington', policeForce: 'Durham Constabulary' },
  hartlepool: { name: 'Hartlepool', policeForce: 'Cleveland Police' },
  middlesbrough: { name: 'Middlesbrough', policeForce: 'Cleveland Police' },
  'redcar-and-cleveland': { name: 'Redcar and Cleveland', policeForce: 'Cleveland Police' },
  'stockton-on-tees': { name: 'Stockton-on-Tees', policeForce: 'Cleveland Police' },
  cumberland: { name: 'Cumberland', policeForce: 'Cumbria Constabulary' },
  'westmorland-and-furness': { name: 'Westmorland and Furness', policeForce: 'Cumbria Constabulary' },
  'scottish-borders': { name: 'Scottish Borders', policeForce: 'Police Scotland' },
};

const area = (id: string, neighbours: string[], extra: Partial<Area> = {}): Area => ({
  id,
  name: `Test ${id}`,
  policeForce: 'Test Police',
  jurisdiction: 'england-and-wales',
  msetMailbox: `mset@${id}.example.gov.uk`,
  dutyManagerMailbox: `duty-manager@${id}.example.gov.uk`,
  outOfHours: '0191 498 0999',
  neighbours,
  ...extra,
});

describe('bundled area directory', () => {
  const directory = AreaDirectory.fromBundledData();

  it('holds the 15 North East and border areas, each once, with its name and police force', () => {
    // Act
    const areas = directory.list();

    // Assess
    expect(areas).toHaveLength(15);
    expect(new Set(areas.map((a) => a.id)).size).toBe(15);
    expect(Object.fromEntries(areas.map((a) => [a.id, { name: a.name, policeForce: a.policeForce }]))).toEqual(EXPECTED);
  });

  it('lists only known neighbours, never itself, and symmetrically', () => {
    // Prepare
    const areas = directory.list();

    // Act
    const problems = areas.flatMap((a) =>
      a.neighbours.flatMap((n) => {
        if (n === a.id) return [`${a.id} lists itself`];
        const other = directory.get(n);
        if (other === undefined) return [`${a.id} -> unknown ${n}`];
        return other.neighbours.includes(a.id) ? [] : [`${a.id} -> ${n} is one-way`];
      }),
    );

    // Assess
    expect(problems).toEqual([]);
    expect(areas.every((a) => a.neighbours.length > 0)).toBe(true);
  });

  it('joins the regions where they meet: Tyne tunnel, Tees, Pennines and the Scottish border', () => {
    // Act
    const neighboursOf = (id: string) => directory.get(id)?.neighbours ?? [];

    // Assess
    expect(neighboursOf('northumberland')).toEqual(
      expect.arrayContaining(['north-tyneside', 'newcastle', 'gateshead', 'county-durham', 'cumberland', 'scottish-borders']),
    );
    expect(neighboursOf('north-tyneside')).toEqual(expect.arrayContaining(['northumberland', 'newcastle', 'south-tyneside']));
    expect(neighboursOf('stockton-on-tees')).toEqual(expect.arrayContaining(['middlesbrough', 'darlington', 'hartlepool']));
    expect(neighboursOf('county-durham')).toContain('westmorland-and-furness');
    expect(neighboursOf('scottish-borders')).toEqual(expect.arrayContaining(['northumberland', 'cumberland']));
    expect(neighboursOf('newcastle')).not.toContain('sunderland');
  });

  it('holds no real-looking contact: example.gov.uk mailboxes and Ofcom drama-range numbers', () => {
    // Act
    const areas = directory.list();

    // Assess
    for (const a of areas) {
      expect(a.msetMailbox).toBe(`mset@${a.id}.example.gov.uk`);
      expect(a.msetMailbox.endsWith('.example.gov.uk')).toBe(true);
      // Ofcom reserves 0191 498 0000 to 0191 498 0999 for drama.
      expect(a.outOfHours).toMatch(/^0191 498 0\d{3}$/);
    }
    expect(new Set(areas.map((a) => a.outOfHours)).size).toBe(areas.length);
  });

  it('places only the Scottish Borders in Scotland', () => {
    // Act
    const scottish = directory.list().filter((a) => a.jurisdiction === 'scotland');

    // Assess
    expect(scottish.map((a) => a.id)).toEqual(['scottish-borders']);
  });

  it('answers get and has for known and unknown ids', () => {
    // Assess
    expect(directory.has('gateshead')).toBe(true);
    expect(directory.get('gateshead')?.name).toBe('Gateshead');
    expect(directory.has('atlantis')).toBe(false);
    expect(directory.get('atlantis')).toBeUndefined();
  });

  it('uses the default acknowledgement deadlines when an area sets none', () => {
    // Act
    const deadlines = RISK_LEVELS.map((level) => directory.ackDeadlineFor('sunderland', level));

    // Assess
    expect(deadlines).toEqual([
      { unit: 'workingDays', value: 3 },
      { unit: 'workingDays', value: 1 },
      { unit: 'hours', value: 4 },
    ]);
    expect(DEFAULT_ACK_DEADLINES.SIGNIFICANT).toEqual({ unit: 'hours', value: 4 });
  });

  it('cannot be changed by one caller under another', () => {
    // Prepare
    const first = directory.list()[0];

    // Act
    const mutate = () => (first as { neighbours: string[] }).neighbours.push('atlantis');

    // Assess
    expect(mutate).toThrow(TypeError);
    expect(directory.list()[0]?.neighbours).not.toContain('atlantis');
  });
});

describe('AreaDirectory construction', () => {
  it('uses an area override and falls back per level', () => {
    // Prepare
    const directory = new AreaDirectory({
      areas: [area('alpha', [], { ackDeadlines: { MODERATE: { unit: 'hours', value: 12 } } })],
    });

    // Act
    const moderate = directory.ackDeadlineFor('alpha', 'MODERATE');
    const emerging = directory.ackDeadlineFor('alpha', 'EMERGING');

    // Assess
    expect(moderate).toEqual({ unit: 'hours', value: 12 });
    expect(emerging).toEqual({ unit: 'workingDays', value: 3 });
  });

  it('throws for the deadline of an unknown area rather than guessing', () => {
    // Prepare
    const directory = new AreaDirectory({ areas: [area('alpha', [])] });

    // Act / Assess
    expect(() => directory.ackDeadlineFor('beta', 'SIGNIFICANT')).toThrow(/unknown area "beta"/);
  });

  it('rejects a file with an unknown neighbour', () => {
    // Prepare
    const file = { areas: [area('alpha', ['beta']), area('gamma', [])] };

    // Act / Assess
    expect(() => new AreaDirectory(file)).toThrow(/unknown neighbour "beta"/);
  });

  it('rejects duplicate area ids', () => {
    // Prepare
    const file = { areas: [area('alpha', []), area('alpha', [])] };

    // Act / Assess
    expect(() => new AreaDirectory(file)).toThrow(/duplicate area id "alpha"/);
  });

  it('rejects a neighbour listed twice or an area that neighbours itself', () => {
    // Prepare
    const twice = { areas: [area('alpha', ['beta', 'beta']), area('beta', ['alpha'])] };
    const itself = { areas: [area('alpha', ['alpha'])] };

    // Act / Assess
    expect(() => new AreaDirectory(twice)).toThrow(/more than once/);
    expect(() => new AreaDirectory(itself)).toThrow(/itself/);
  });

  it('rejects a file that breaks the schema', () => {
    // Prepare
    const badMailbox = { areas: [{ ...area('alpha', []), msetMailbox: 'not an address' }] };
    const badId = { areas: [area('Alpha Area', [])] };
    const extraField = { areas: [{ ...area('alpha', []), phone: '0' }] };

    // Act / Assess
    expect(() => new AreaDirectory(badMailbox)).toThrow();
    expect(() => new AreaDirectory(badId)).toThrow();
    expect(() => new AreaDirectory(extraField)).toThrow();
    expect(() => new AreaDirectory({ areas: [] })).toThrow();
  });
});
