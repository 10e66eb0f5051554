import { describe, expect, it } from 'vitest';
import { AreaDirectory } from '../../../functions/core/areas.js';
import { WorkingCalendars } from '../../../functions/core/deadlines.js';
import { WorkingTime } from '../../../functions/core/working-hours.js';

const calendars = WorkingCalendars.fromBundledData();
const england = new WorkingTime(calendars.for('england-and-wales'));
const scotland = new WorkingTime(calendars.for('scotland'));
const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;

describe('working time', () => {
  it('is 09:00 to 17:00 London time on working days, opening included and closing excluded', () => {
    // Assess: GMT in December, BST in June
    expect(england.isWorking(at('2026-12-02T09:00:00Z'))).toBe(true);
    expect(england.isWorking(at('2026-12-02T08:59:59Z'))).toBe(false);
    expect(england.isWorking(at('2026-12-02T17:00:00Z'))).toBe(false);
    expect(england.isWorking(at('2026-06-03T08:00:00Z'))).toBe(true);
    expect(england.isWorking(at('2026-06-03T07:59:00Z'))).toBe(false);
    expect(england.isWorking(at('2026-06-03T16:00:00Z'))).toBe(false);
    // A Saturday
    expect(england.isWorking(at('2026-12-05T12:00:00Z'))).toBe(false);
  });

  it('moves past a weekend and the Christmas bank holidays to the next opening', () => {
    // Act: Thursday 24 December 2026, 18:00; 25th is Christmas Day, 28th the Boxing Day substitute
    const next = england.nextWorkingMoment(at('2026-12-24T18:00:00Z'));

    // Assess
    expect(next.toISOString()).toBe('2026-12-29T09:00:00.000Z');
  });

  it("keeps each jurisdiction's bank holidays: St Andrew's Day is a working day in England only", () => {
    // Assess: Monday 30 November 2026, 08:00
    expect(england.nextWorkingMoment(at('2026-11-30T08:00:00Z')).toISOString()).toBe('2026-11-30T09:00:00.000Z');
    expect(scotland.nextWorkingMoment(at('2026-11-30T08:00:00Z')).toISOString()).toBe('2026-12-01T09:00:00.000Z');
  });

  it('counts working time across a weekend: Friday 16:00 to Monday 16:00 is eight hours', () => {
    // Act
    const ms = england.workingMsBetween(at('2026-12-04T16:00:00Z'), at('2026-12-07T16:00:00Z'));

    // Assess
    expect(ms).toBe(8 * HOUR);
    expect(england.workingMsBetween(at('2026-12-07T16:00:00Z'), at('2026-12-04T16:00:00Z'))).toBe(0);
  });

  it('adds working time across the closing of a day and a weekend', () => {
    // Act: six working hours from Friday 16:00 is Monday 14:00
    const due = england.addWorkingMs(at('2026-12-04T16:00:00Z'), 6 * HOUR);

    // Assess
    expect(due.toISOString()).toBe('2026-12-07T14:00:00.000Z');
    expect(england.addWorkingMs(at('2026-12-05T10:00:00Z'), 0).toISOString()).toBe('2026-12-07T09:00:00.000Z');
  });

  it("follows an area's own hours", () => {
    // Prepare
    const early = new WorkingTime(calendars.for('england-and-wales'), { start: '08:30', end: '16:30' });

    // Assess
    expect(early.nextWorkingMoment(at('2026-12-02T16:45:00Z')).toISOString()).toBe('2026-12-03T08:30:00.000Z');
  });
});

describe('area contacts', () => {
  const directory = AreaDirectory.fromBundledData();

  it('gives every area an MSET mailbox, a duty manager mailbox (synthetic) and an out-of-hours telephone from the drama range', () => {
    for (const area of directory.list()) {
      expect(area.msetMailbox).toMatch(/@[a-z-]+\.example\.gov\.uk$/);
      expect(area.dutyManagerMailbox).toMatch(/@[a-z-]+\.example\.gov\.uk$/);
      expect(area.dutyManagerMailbox).not.toBe(area.msetMailbox);
      expect(area.outOfHours).toMatch(/^0191 498 0\d{3}$/);
    }
  });

  it('has default working hours, overridable per area', () => {
    // Prepare
    const base = directory.get('northumberland');
    const custom = new AreaDirectory({ areas: [{ ...base, neighbours: [], workingHours: { start: '08:00', end: '16:00' } }] });

    // Assess
    expect(directory.workingHoursFor('northumberland')).toEqual({ start: '09:00', end: '17:00' });
    expect(custom.workingHoursFor('northumberland')).toEqual({ start: '08:00', end: '16:00' });
    expect(() => new AreaDirectory({ areas: [{ ...base, neighbours: [], workingHours: { start: '17:00', end: '09:00' } }] })).toThrow();
  });
});
