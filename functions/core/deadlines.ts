/**
 * When a receiving area must acknowledge an alert.
 *
 * Rules:
 * - `hours`: createdAt + N hours, an absolute interval that ignores weekends and bank holidays, because a
 *   significant risk to a child does not wait for Monday.
 * - `workingDays`: counted in Europe/London wall-clock time (GMT or BST as the date requires), in Scotland
 *   as in England and Wales, against the bank holidays of the receiving area's jurisdiction.
 *   1. If createdAt falls on a non-working day (Saturday, Sunday or a bank holiday in that jurisdiction),
 *      the clock starts at 09:00 London time on the next working day; otherwise it starts at createdAt.
 *   2. Step forward N working days from the start day, skipping non-working days, keeping the start's
 *      London wall-clock time.
 *   3. Return that London date and time as an instant.
 *   UK clocks change on Sundays, which are never working days, so the due time always exists and is
 *   unambiguous on the due day.
 * - Outside the years the bank-holiday file covers, only weekends are non-working. Nothing throws for
 *   that: a deadline must always be computed, and `coversYear` lets a caller see the approximation.
 */
import { TZDate } from '@date-fns/tz';
import * as z from 'zod/mini';
import { type AckDeadline, Area } from '../../contracts/areas.js';
import { schema } from '../../contracts/schema.js';
// A static import, not a read from disk, so esbuild inlines the calendars into each Lambda bundle.
import bundledBankHolidays from '../data/bank-holidays.json' with { type: 'json' };

export const LONDON = 'Europe/London';

export type Jurisdiction = Area['jurisdiction'];

const HolidayDates = /* @__PURE__ */ schema(() => z.array(z.iso.date()));
/** One list of dates per jurisdiction: a record keyed by the contract's enum requires every one, and no other. */
const BankHolidayFile = /* @__PURE__ */ schema(() => z.strictObject({ divisions: z.record(Area.shape.jurisdiction, HolidayDates) }));
export type BankHolidayFile = z.infer<typeof BankHolidayFile>;

const HOUR_MS = 3_600_000;
const CLOCK_START_HOUR = 9;

type CivilDate = { readonly year: number; readonly month: number; readonly day: number };

/** One division's working days: Monday to Friday, less its bank holidays. */
export class WorkingCalendar {
  private readonly holidays: ReadonlySet<string>;
  private readonly years: ReadonlySet<number>;

  /** @param dates the division's bank holidays, YYYY-MM-DD; untrusted until parsed. */
  constructor(dates: unknown) {
    const parsed = HolidayDates.parse(dates);
    this.holidays = new Set(parsed);
    this.years = new Set(parsed.map((date) => Number(date.slice(0, 4))));
  }

  /** Whether the file lists bank holidays for this year; if not, only weekends count as non-working. */
  coversYear(year: number): boolean {
    return this.years.has(year);
  }

  /** @param date a London calendar date, YYYY-MM-DD. */
  isWorkingDay(date: string): boolean {
    const civil = parseCivilDate(date);
    const weekday = new Date(Date.UTC(civil.year, civil.month - 1, civil.day)).getUTCDay();
    if (weekday === 0 || weekday === 6) return false;
    return !this.holidays.has(formatCivilDate(civil));
  }
}

/** Every jurisdiction's calendar, from ../data/bank-holidays.json. */
export class WorkingCalendars {
  private readonly byJurisdiction: ReadonlyMap<Jurisdiction, WorkingCalendar>;

  /** @param file untrusted until parsed: a JSON import is typed too loosely to vouch for it. */
  constructor(file: unknown) {
    const { divisions } = BankHolidayFile.parse(file);
    this.byJurisdiction = new Map(
      Area.shape.jurisdiction.options.map((jurisdiction) => [jurisdiction, new WorkingCalendar(divisions[jurisdiction])]),
    );
  }

  static fromBundledData(): WorkingCalendars {
    return new WorkingCalendars(bundledBankHolidays);
  }

  /**
   * Throws for undefined (an area missing from the directory): callers check recipients first, so reaching
   * here without a jurisdiction is a bug, and a silent England and Wales default would hide it.
   */
  for(jurisdiction: Jurisdiction | undefined): WorkingCalendar {
    const calendar = jurisdiction === undefined ? undefined : this.byJurisdiction.get(jurisdiction);
    if (calendar === undefined) throw new RangeError(`WorkingCalendars: no calendar for jurisdiction "${jurisdiction}"`);
    return calendar;
  }

  /** Whether every jurisdiction's calendar lists bank holidays for this year. */
  coversYear(year: number): boolean {
    return [...this.byJurisdiction.values()].every((calendar) => calendar.coversYear(year));
  }
}

/** Today's date in London (YYYY-MM-DD): what "today" means to the people using the hub. */
export function londonDate(instant: Date): string {
  const local = new TZDate(instant.getTime(), LONDON);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}`;
}

export function ackDueBy(createdAt: Date, deadline: AckDeadline, calendar: WorkingCalendar): Date {
  if (Number.isNaN(createdAt.getTime())) throw new RangeError('ackDueBy: createdAt is not a valid date');
  if (deadline.unit === 'hours') return new Date(createdAt.getTime() + deadline.value * HOUR_MS);

  const london = new TZDate(createdAt.getTime(), LONDON);
  let day: CivilDate = { year: london.getFullYear(), month: london.getMonth() + 1, day: london.getDate() };
  let time = {
    hours: london.getHours(),
    minutes: london.getMinutes(),
    seconds: london.getSeconds(),
    ms: london.getMilliseconds(),
  };
  if (!calendar.isWorkingDay(formatCivilDate(day))) {
    day = nextWorkingDay(day, calendar);
    time = { hours: CLOCK_START_HOUR, minutes: 0, seconds: 0, ms: 0 };
  }
  for (let i = 0; i < deadline.value; i += 1) day = nextWorkingDay(day, calendar);

  const due = new TZDate(day.year, day.month - 1, day.day, time.hours, time.minutes, time.seconds, time.ms, LONDON);
  return new Date(due.getTime());
}

function nextWorkingDay(from: CivilDate, calendar: WorkingCalendar): CivilDate {
  let day = addOneDay(from);
  while (!calendar.isWorkingDay(formatCivilDate(day))) day = addOneDay(day);
  return day;
}

// Calendar dates are stepped in UTC arithmetic so no time zone or clock change can skip or repeat a day.
function addOneDay({ year, month, day }: CivilDate): CivilDate {
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

function parseCivilDate(date: string): CivilDate {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const civil = match && { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  const check = civil && new Date(Date.UTC(civil.year, civil.month - 1, civil.day));
  if (
    !civil ||
    !check ||
    check.getUTCFullYear() !== civil.year ||
    check.getUTCMonth() !== civil.month - 1 ||
    check.getUTCDate() !== civil.day
  ) {
    throw new RangeError(`WorkingCalendar: "${date}" is not a YYYY-MM-DD calendar date`);
  }
  return civil;
}

function formatCivilDate({ year, month, day }: CivilDate): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
