import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AckDeadline, Area } from '../../../contracts/areas.js';
import { ackDueBy, type Jurisdiction, WorkingCalendar, WorkingCalendars } from '../../../functions/core/deadlines.js';
import bankHolidays from '../../../functions/data/bank-holidays.json' with { type: 'json' };

const DAY_MS = 86_400_000;
const calendars = WorkingCalendars.fromBundledData();
const calendar = calendars.for('england-and-wales');
const scotland = calendars.for('scotland');
const JURISDICTIONS = Area.shape.jurisdiction.options;
const YEARS = [2024, 2025, 2026, 2027, 2028];

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

/** Easter Sunday as [month, day]: the anonymous Gregorian computus (Meeus/Jones/Butcher). */
function easterSunday(year: number): [number, number] {
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
  return [Math.floor((h + l - 7 * m + 114) / 31), ((h + l - 7 * m + 114) % 31) + 1];
}

/** The England and Wales rules, written out to check the file against; 2024-2028 have no one-off holidays. */
function bankHolidaysByRule(year: number): string[] {
  const iso = (month: number, day: number) => new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
  const dow = (month: number, day: number) => new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  const [easterMonth, easterDay] = easterSunday(year);
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

/**
 * The Scotland rules (Banking and Financial Dealings Act 1971 Sch. 1, St Andrew's Day Bank Holiday
 * (Scotland) Act 2007, and the royal proclamations that fix the substitutes), written out the other way
 * round from the England and Wales ones: no table of substitute dates, but the rule that a fixed holiday
 * on a Saturday or Sunday moves to the next weekday that is not already a holiday. 2 January and
 * St Andrew's Day replace Easter Monday, and the summer holiday is the first Monday of August.
 */
function scottishBankHolidaysByRule(year: number): string[] {
  const date = (month: number, day: number) => new Date(Date.UTC(year, month - 1, day));
  const iso = (instant: Date) => instant.toISOString().slice(0, 10);
  const isWeekend = (instant: Date) => instant.getUTCDay() === 0 || instant.getUTCDay() === 6;
  const mondayOnOrAfter = (month: number, day: number) => {
    const start = date(month, day);
    return new Date(start.getTime() + ((8 - start.getUTCDay()) % 7) * DAY_MS);
  };
  const [easterMonth, easterDay] = easterSunday(year);

  const fixed = [date(1, 1), date(1, 2), date(11, 30), date(12, 25), date(12, 26)];
  const taken = new Set(fixed.filter((day) => !isWeekend(day)).map(iso));
  for (const day of fixed.filter(isWeekend)) {
    let substitute = new Date(day.getTime() + DAY_MS);
    while (isWeekend(substitute) || taken.has(iso(substitute))) substitute = new Date(substitute.getTime() + DAY_MS);
    taken.add(iso(substitute));
  }
  taken.add(iso(date(easterMonth, easterDay - 2))); // Good Friday
  taken.add(iso(mondayOnOrAfter(5, 1))); // early May
  taken.add(iso(mondayOnOrAfter(5, 25))); // spring: the last Monday of May
  taken.add(iso(mondayOnOrAfter(8, 1))); // summer: the first Monday of August
  return [...taken].sort();
}

describe('bank-holidays.json', () => {
  const dates = bankHolidays.divisions['england-and-wales'];
  const scottish = bankHolidays.divisions.scotland;

  it('has one division per jurisdiction in the area contract, and no other', () => {
    // Assess
    expect(Object.keys(bankHolidays).sort()).toEqual(['divisions']);
    expect(Object.keys(bankHolidays.divisions).sort()).toEqual([...JURISDICTIONS].sort());
  });

  it.each(JURISDICTIONS)('lists %s sorted, unique, and every date a Monday to Friday', (jurisdiction) => {
    // Prepare
    const list = bankHolidays.divisions[jurisdiction];

    // Assess
    expect([...list].sort()).toEqual(list);
    expect(new Set(list).size).toBe(list.length);
    expect(list.filter((d) => weekday(d) === 0 || weekday(d) === 6)).toEqual([]);
  });

  it('has eight England and Wales holidays in each year 2024 to 2028, as the statutory rules give them', () => {
    for (const year of YEARS) {
      // Act
      const inYear = dates.filter((d) => d.startsWith(`${year}-`));

      // Assess
      expect(inYear, String(year)).toHaveLength(8);
      expect(inYear, String(year)).toEqual(bankHolidaysByRule(year));
    }
    expect(dates).toHaveLength(40);
  });

  it('has nine Scottish holidays in each year 2024 to 2028, as the statutory rules give them', () => {
    for (const year of YEARS) {
      // Act
      const inYear = scottish.filter((d) => d.startsWith(`${year}-`));

      // Assess
      expect(inYear, String(year)).toHaveLength(9);
      expect(inYear, String(year)).toEqual(scottishBankHolidaysByRule(year));
    }
    expect(scottish).toHaveLength(45);
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

  it('has the Scottish substitute days and differences from England and Wales spot-checked', () => {
    // Assess
    expect(scottish).toContain('2026-11-30'); // St Andrew's Day 2026 is a Monday
    expect(scottish).toContain('2024-12-02'); // St Andrew's Day 2024 is a Saturday
    expect(scottish).toContain('2025-12-01'); // St Andrew's Day 2025 is a Sunday
    expect(scottish).toContain('2026-01-02'); // 2 January
    expect(scottish).toContain('2027-01-04'); // 2 January 2027 is a Saturday
    expect(scottish).toContain('2028-01-03'); // New Year's Day 2028 is a Saturday...
    expect(scottish).toContain('2028-01-04'); // ...and 2 January a Sunday
    expect(scottish).toContain('2026-08-03'); // summer bank holiday, first Monday of August
    expect(scottish).toContain('2026-04-03'); // Good Friday
    expect(scottish).not.toContain('2026-04-06'); // no Easter Monday in Scotland
    expect(scottish).not.toContain('2026-08-31');
    expect(dates).not.toContain('2026-11-30');
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

  it("counts Scotland's bank holidays, not England and Wales's, in Scotland", () => {
    // Assess
    expect(scotland.isWorkingDay('2026-04-03')).toBe(false); // Good Friday
    expect(scotland.isWorkingDay('2026-04-06')).toBe(true); // Easter Monday is not a holiday in Scotland
    expect(scotland.isWorkingDay('2026-11-30')).toBe(false); // St Andrew's Day
    expect(calendar.isWorkingDay('2026-11-30')).toBe(true);
    expect(scotland.isWorkingDay('2026-08-03')).toBe(false);
    expect(scotland.isWorkingDay('2026-08-31')).toBe(true);
    expect(scotland.isWorkingDay('2027-01-04')).toBe(false);
    expect(calendar.isWorkingDay('2027-01-04')).toBe(true);
  });

  it('falls back to weekends only outside the covered years, and says so', () => {
    // Assess
    expect(calendar.coversYear(2024)).toBe(true);
    expect(calendar.coversYear(2028)).toBe(true);
    expect(calendar.coversYear(2023)).toBe(false);
    expect(calendar.coversYear(2030)).toBe(false);
    expect(calendar.isWorkingDay('2030-12-25')).toBe(true); // a Wednesday in an uncovered year
    expect(calendar.isWorkingDay('2030-12-28')).toBe(false); // a Saturday
    expect(ackDueBy(new Date('2030-12-24T10:00:00Z'), moderate, calendar).toISOString()).toBe('2030-12-25T10:00:00.000Z');
  });

  it('rejects malformed dates and lists', () => {
    // Assess
    expect(() => calendar.isWorkingDay('2026-02-30')).toThrow(RangeError);
    expect(() => calendar.isWorkingDay('26-04-07')).toThrow(RangeError);
    expect(() => new WorkingCalendar({ division: 'scotland', dates: [] })).toThrow();
    expect(() => new WorkingCalendar(['2026-13-01'])).toThrow();
    expect(new WorkingCalendar([]).isWorkingDay('2026-12-25')).toBe(true);
  });
});

describe('WorkingCalendars', () => {
  const both = (englandAndWales: string[], scotland: string[]) =>
    new WorkingCalendars({ divisions: { 'england-and-wales': englandAndWales, scotland } });

  it('gives each jurisdiction its own calendar and refuses an area with none', () => {
    // Prepare
    const calendars = both(['2026-04-06'], ['2026-11-30']);

    // Assess
    expect(calendars.for('england-and-wales').isWorkingDay('2026-04-06')).toBe(false);
    expect(calendars.for('scotland').isWorkingDay('2026-04-06')).toBe(true);
    expect(calendars.for('scotland').isWorkingDay('2026-11-30')).toBe(false);
    expect(() => calendars.for(undefined)).toThrow(RangeError);
    expect(() => calendars.for('wales' as Jurisdiction)).toThrow(RangeError);
  });

  it('covers a year only when every jurisdiction does', () => {
    // Prepare
    const calendars = both(['2029-01-01', '2030-01-01'], ['2029-01-01']);

    // Assess
    expect(calendars.coversYear(2029)).toBe(true);
    expect(calendars.coversYear(2030)).toBe(false);
    expect(WorkingCalendars.fromBundledData().coversYear(2024)).toBe(true);
    expect(WorkingCalendars.fromBundledData().coversYear(2028)).toBe(true);
    expect(WorkingCalendars.fromBundledData().coversYear(2029)).toBe(false);
  });

  it('refuses a file missing a jurisdiction, naming an unknown one, or in the old one-division shape', () => {
    // Assess
    expect(() => new WorkingCalendars({ divisions: { 'england-and-wales': [] } })).toThrow();
    expect(() => new WorkingCalendars({ divisions: { 'england-and-wales': [], scotland: [], wales: [] } })).toThrow();
    expect(() => new WorkingCalendars({ division: 'england-and-wales', dates: [] })).toThrow();
    expect(() => both([], ['2026-11-31'])).toThrow();
  });

  it('covers this year and next, by the real clock: else extend functions/data/bank-holidays.json', () => {
    // Prepare: deliberately the real clock, so this fails in time for someone to act.
    const thisYear = new Date().getFullYear();
    const missing = JURISDICTIONS.flatMap((jurisdiction) =>
      [thisYear, thisYear + 1].filter((year) => !calendars.for(jurisdiction).coversYear(year)).map((year) => `${jurisdiction} ${year}`),
    );

    // Assess
    expect(
      missing,
      `Acknowledgement deadlines will ignore bank holidays for: ${missing.join(', ')}. ` +
        'Extend functions/data/bank-holidays.json (every division, from https://www.gov.uk/bank-holidays) ' +
        'and the year ranges its tests check.',
    ).toEqual([]);
    expect(calendars.coversYear(thisYear) && calendars.coversYear(thisYear + 1)).toBe(true);
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

  it("skips St Andrew's Day in Scotland only, for a MODERATE alert on Friday 27 November 2026", () => {
    // Prepare
    const friday = new Date('2026-11-27T10:00:00Z'); // GMT

    // Act
    const scottishDue = ackDueBy(friday, moderate, scotland);
    const englishDue = ackDueBy(friday, moderate, calendar);

    // Assess
    expect(scottishDue.toISOString()).toBe('2026-12-01T10:00:00.000Z');
    expect(englishDue.toISOString()).toBe('2026-11-30T10:00:00.000Z');
  });

  it('counts Easter Monday as a working day in Scotland', () => {
    // Prepare
    const thursday = new Date('2026-04-02T09:00:00Z'); // 10:00 BST

    // Act
    const due = ackDueBy(thursday, moderate, scotland);

    // Assess: skips Good Friday and the weekend, not Easter Monday.
    expect(londonParts(due)).toEqual({ date: '2026-04-06', time: '10:00:00.000' });
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

  it('holds the deadline invariants for any instant 2024-2028, any deadline and either jurisdiction', () => {
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
      fc.property(instants, deadlines, fc.constantFrom(...JURISDICTIONS), (createdAt, deadline, jurisdiction) => {
        const calendar = calendars.for(jurisdiction);
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
