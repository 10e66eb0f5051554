import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AckDeadline } from '../../../contracts/areas.js';
import { ackDueBy, WorkingCalendar } from '../../../functions/core/deadlines.js';
import bankHolidays from '../../../functions/data/bank-holidays.json' with { type: 'json' };

const DAY_MS = 86_400_000;
const calendar = WorkingCalendar.fromBundledData();

// Independent of the code under test: Intl, not TZDate, reads London's calendar date and wall-clock time.
const londonParts = (instant: Date) => {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    date: `${get('year')}-${get('month')}-${get('day')}`,
    time: `${get('hour')}:${get('minute')}:${get('second')}.${String(instant.getUTCMilliseconds()).padStart(3, '0')}`,
  };
};
const nextDate = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

const moderate: AckDeadline = { unit: 'workingDays', value: 1 };
const emerging: AckDeadline = { unit: 'workingDays', value: 3 };
const significant: AckDeadline = { unit: 'hours', value: 4 };

/** The England and Wales rules, written out to check the file against; 2024-2028 have no one-off holidays. */
function bankHolidaysByRule(year: number): string[] {
  const iso = (month: number, day: number) => new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
  const dow = (month: number, day: number) => new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  // Anonymous Gregorian computus (Meeus/Jones/Butcher).
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const easterMonth = Math.floor((h + l - 7 * m + 114) / 31);
  const easterDay = ((h + l - 7 * m + 114) % 31) + 1;
  const firstMonday = (month: number) => 1 + ((8 - dow(month, 1)) % 7);
  const lastMonday = (month: number, days: number) => days - ((dow(month, days) + 6) % 7);
  const newYear = dow(1, 1) === 6 ? 3 : dow(1, 1) === 0 ? 2 : 1;
  const christmas = dow(12, 25) === 6 ? 27 : dow(12, 25) === 0 ? 27 : 25;
  const boxing = dow(12, 26) === 6 ? 28 : dow(12, 26) === 0 ? 28 : 26;
  return [
    iso(1, newYear),
    iso(easterMonth, easterDay - 2),
    iso(easterMonth, easterDay + 1),
    iso(5, firstMonday(5)),
    iso(5, lastMonday(5, 31)),
    iso(8, lastMonday(8, 31)),
    iso(12, christmas),
    iso(12, boxing),
  ];
}

describe('bank-holidays.json', () => {
  const dates = bankHolidays.dates;

  it('is England and Wales, sorted, unique, and every date a Monday to Friday', () => {
    // Assess
    expect(bankHolidays.division).toBe('england-and-wales');
    expect([...dates].sort()).toEqual(dates);
    expect(new Set(dates).size).toBe(dates.length);
    expect(dates.filter((d) => weekday(d) === 0 || weekday(d) === 6)).toEqual([]);
  });

  it('has eight holidays in each year 2024 to 2028, as the statutory rules give them', () => {
    for (const year of [2024, 2025, 2026, 2027, 2028]) {
      // Act
      const inYear = dates.filter((d) => d.startsWith(`${year}-`));

      // Assess
      expect(inYear, String(year)).toHaveLength(8);
      expect(inYear, String(year)).toEqual(bankHolidaysByRule(year));
    }
    expect(dates).toHaveLength(40);
  });

  it('has the substitute days and moveable feasts spot-checked', () => {
    // Assess
    expect(dates).toContain('2026-12-28'); // Boxing Day 2026 is a Saturday
    expect(dates).toContain('2027-03-26'); // Good Friday, Easter 2027-03-28
    expect(dates).toContain('2027-12-27'); // Christmas 2027 is a Saturday
    expect(dates).toContain('2027-12-28'); // Boxing Day 2027 is a Sunday
    expect(dates).toContain('2028-01-03'); // New Year's Day 2028 is a Saturday
    expect(dates).toContain('2026-08-31'); // summer bank holiday, last Monday of August
    expect(dates).not.toContain('2026-12-26');
  });
});

describe('WorkingCalendar', () => {
  it('counts weekdays as working and weekends and bank holidays as not', () => {
    // Assess
    expect(calendar.isWorkingDay('2026-04-02')).toBe(true); // Maundy Thursday
    expect(calendar.isWorkingDay('2026-04-03')).toBe(false); // Good Friday
    expect(calendar.isWorkingDay('2026-04-04')).toBe(false); // Saturday
    expect(calendar.isWorkingDay('2026-04-05')).toBe(false); // Sunday
    expect(calendar.isWorkingDay('2026-04-06')).toBe(false); // Easter Monday
    expect(calendar.isWorkingDay('2026-04-07')).toBe(true);
  });

  it('falls back to weekends only outside the covered years, and says so', () => {
    // Assess
    expect(calendar.coversYear(2024)).toBe(true);
    expect(calendar.coversYear(2028)).toBe(true);
    expect(calendar.coversYear(2023)).toBe(false);
    expect(calendar.coversYear(2030)).toBe(false);
    expect(calendar.isWorkingDay('2030-12-25')).toBe(true); // a Wednesday in an uncovered year
    expect(calendar.isWorkingDay('2030-12-28')).toBe(false); // a Saturday
    expect(ackDueBy(new Date('2030-12-24T10:00:00Z'), moderate, calendar).toISOString()).toBe(
      '2030-12-25T10:00:00.000Z',
    );
  });

  it('rejects malformed dates and files', () => {
    // Assess
    expect(() => calendar.isWorkingDay('2026-02-30')).toThrow(RangeError);
    expect(() => calendar.isWorkingDay('26-04-07')).toThrow(RangeError);
    expect(() => new WorkingCalendar({ division: 'scotland', dates: [] })).toThrow();
    expect(() => new WorkingCalendar({ division: 'england-and-wales', dates: ['2026-13-01'] })).toThrow();
  });
});

describe('ackDueBy', () => {
  it('gives a SIGNIFICANT risk 4 absolute hours, even across a weekend night', () => {
    // Prepare
    const fridayNight = new Date('2026-03-06T22:00:00Z');

    // Act
    const due = ackDueBy(fridayNight, significant, calendar);

    // Assess
    expect(due.toISOString()).toBe('2026-03-07T02:00:00.000Z');
  });

  it('gives a SIGNIFICANT risk 4 absolute hours across the spring clock change', () => {
    // Prepare: 00:00 GMT on the Sunday the clocks go forward at 01:00.
    const beforeChange = new Date('2026-03-29T00:00:00Z');

    // Act
    const due = ackDueBy(beforeChange, significant, calendar);

    // Assess
    expect(due.getTime() - beforeChange.getTime()).toBe(4 * 3_600_000);
  });

  it('moves a MODERATE alert from Friday 16:00 to Monday 16:00', () => {
    // Prepare
    const friday = new Date('2026-03-06T16:00:00Z'); // GMT

    // Act
    const due = ackDueBy(friday, moderate, calendar);

    // Assess
    expect(due.toISOString()).toBe('2026-03-09T16:00:00.000Z');
  });

  it('skips Good Friday and Easter Monday for a MODERATE alert on the Thursday before Easter', () => {
    // Prepare
    const thursday = new Date('2026-04-02T09:00:00Z'); // 10:00 BST

    // Act
    const due = ackDueBy(thursday, moderate, calendar);

    // Assess
    expect(due.toISOString()).toBe('2026-04-07T09:00:00.000Z');
    expect(londonParts(due)).toEqual({ date: '2026-04-07', time: '10:00:00.000' });
  });

  it('skips Christmas and the substitute Boxing Day for an EMERGING alert on 23 December 2026', () => {
    // Prepare
    const wednesday = new Date('2026-12-23T10:00:00Z');

    // Act
    const due = ackDueBy(wednesday, emerging, calendar);

    // Assess: Thu 24th, then Tue 29th and Wed 30th, skipping Fri 25th, the weekend and Mon 28th.
    expect(due.toISOString()).toBe('2026-12-30T10:00:00.000Z');
  });

  it('starts the clock at 09:00 on Monday for an alert created on Saturday', () => {
    // Prepare
    const saturday = new Date('2026-03-07T14:30:00Z');

    // Act
    const moderateDue = ackDueBy(saturday, moderate, calendar);
    const emergingDue = ackDueBy(saturday, emerging, calendar);

    // Assess
    expect(moderateDue.toISOString()).toBe('2026-03-10T09:00:00.000Z');
    expect(emergingDue.toISOString()).toBe('2026-03-12T09:00:00.000Z');
  });

  it('starts the clock at 09:00 London time on the next working day after a bank holiday', () => {
    // Prepare
    const easterMonday = new Date('2026-04-06T14:00:00Z'); // 15:00 BST

    // Act
    const due = ackDueBy(easterMonday, moderate, calendar);

    // Assess: clock starts Tue 7th 09:00 BST, due Wed 8th 09:00 BST.
    expect(due.toISOString()).toBe('2026-04-08T08:00:00.000Z');
  });

  it('keeps London wall-clock time across the spring change: Friday 10:00 GMT to Monday 10:00 BST', () => {
    // Prepare
    const friday = new Date('2026-03-27T10:00:00Z');

    // Act
    const due = ackDueBy(friday, moderate, calendar);

    // Assess
    expect(due.toISOString()).toBe('2026-03-30T09:00:00.000Z');
  });

  it('keeps London wall-clock time across the autumn change: Friday 10:00 BST to Monday 10:00 GMT', () => {
    // Prepare
    const friday = new Date('2026-10-23T09:00:00Z');

    // Act
    const due = ackDueBy(friday, moderate, calendar);

    // Assess
    expect(due.toISOString()).toBe('2026-10-26T10:00:00.000Z');
  });

  it("uses London's calendar date, not UTC's, just after midnight in summer", () => {
    // Prepare: Sunday 23:30 UTC is Monday 00:30 BST, a working day.
    const mondayInLondon = new Date('2026-06-07T23:30:00Z');

    // Act
    const due = ackDueBy(mondayInLondon, moderate, calendar);

    // Assess
    expect(due.toISOString()).toBe('2026-06-08T23:30:00.000Z');
  });

  it('refuses an invalid createdAt', () => {
    // Assess
    expect(() => ackDueBy(new Date(Number.NaN), moderate, calendar)).toThrow(RangeError);
  });

  it('holds the deadline invariants for any instant 2024-2028 and any deadline', () => {
    // Prepare
    const instants = fc.date({
      min: new Date('2024-01-01T00:00:00.000Z'),
      max: new Date('2028-12-31T23:59:59.999Z'),
      noInvalidDate: true,
    });
    const deadlines: fc.Arbitrary<AckDeadline> = fc.oneof(
      fc.record({ unit: fc.constant('hours' as const), value: fc.integer({ min: 1, max: 168 }) }),
      fc.record({ unit: fc.constant('workingDays' as const), value: fc.integer({ min: 1, max: 20 }) }),
    );

    // Act / Assess
    fc.assert(
      fc.property(instants, deadlines, (createdAt, deadline) => {
        const due = ackDueBy(createdAt, deadline, calendar);
        expect(due.getTime()).toBeGreaterThan(createdAt.getTime());
        if (deadline.unit === 'hours') {
          expect(due.getTime() - createdAt.getTime()).toBe(deadline.value * 3_600_000);
          return;
        }
        // The anchor is the day the clock starts: createdAt's London date if a working day, else the next one.
        // Then: the due date is a working day; exactly `value` working days lie in (anchor, due]; and the
        // due wall-clock time is createdAt's, or 09:00 when the clock started on a later day.
        const created = londonParts(createdAt);
        const end = londonParts(due);
        const startedOnTime = calendar.isWorkingDay(created.date);
        let anchor = created.date;
        while (!calendar.isWorkingDay(anchor)) anchor = nextDate(anchor);
        let workingDaysAfterAnchor = 0;
        for (let day = nextDate(anchor); day <= end.date; day = nextDate(day)) {
          if (calendar.isWorkingDay(day)) workingDaysAfterAnchor += 1;
        }
        expect(calendar.isWorkingDay(end.date)).toBe(true);
        expect(workingDaysAfterAnchor).toBe(deadline.value);
        expect(end.time).toBe(startedOnTime ? created.time : '09:00:00.000');
      }),
      { numRuns: 1000 },
    );
  });
});
