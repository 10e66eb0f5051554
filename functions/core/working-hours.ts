/**
 * An area's working time: its working days (./deadlines.ts: Monday to Friday less its jurisdiction's bank
 * holidays) between its opening and closing times, in London wall-clock time. MODERATE and EMERGING
 * notifications to an area fall inside it; SIGNIFICANT ones go at any hour.
 *
 * Days are stepped as civil dates and each day's opening and closing are turned into instants in London
 * time, so a clock change (always on a Sunday, never a working day) can neither skip nor repeat an hour of
 * working time.
 */
import { TZDate } from '@date-fns/tz';
import type { WorkingHours } from '../../contracts/areas.js';
import { LONDON, londonDate, type WorkingCalendar } from './deadlines.js';

/** When an area has not set its own hours. */
export const DEFAULT_WORKING_HOURS: WorkingHours = Object.freeze({ start: '09:00', end: '17:00' });

/** Further ahead than any deadline reaches: a calendar with no working day in it is a broken file. */
const MAX_DAYS = 400;

export class WorkingTime {
  private readonly start: { readonly hours: number; readonly minutes: number };
  private readonly end: { readonly hours: number; readonly minutes: number };

  constructor(
    private readonly calendar: WorkingCalendar,
    hours: WorkingHours = DEFAULT_WORKING_HOURS,
  ) {
    this.start = timeOf(hours.start);
    this.end = timeOf(hours.end);
  }

  /** Whether `instant` falls inside working time (opening included, closing excluded). */
  isWorking(instant: Date): boolean {
    return this.nextWorkingMoment(instant).getTime() === instant.getTime();
  }

  /** `instant` itself if it is working time, else the next opening. */
  nextWorkingMoment(instant: Date): Date {
    let day = londonDate(instant);
    for (let i = 0; i < MAX_DAYS; i += 1, day = nextDay(day)) {
      if (!this.calendar.isWorkingDay(day)) continue;
      const { opens, closes } = this.window(day);
      if (instant.getTime() < opens.getTime()) return opens;
      if (instant.getTime() < closes.getTime()) return instant;
    }
    throw new RangeError('WorkingTime: no working day within a year');
  }

  /** Milliseconds of working time in [from, to); zero when `to` is not after `from`. */
  workingMsBetween(from: Date, to: Date): number {
    if (to.getTime() <= from.getTime()) return 0;
    let total = 0;
    let day = londonDate(from);
    const last = londonDate(to);
    for (let i = 0; i < MAX_DAYS && day <= last; i += 1, day = nextDay(day)) {
      if (!this.calendar.isWorkingDay(day)) continue;
      const { opens, closes } = this.window(day);
      const a = Math.max(from.getTime(), opens.getTime());
      const b = Math.min(to.getTime(), closes.getTime());
      if (b > a) total += b - a;
    }
    return total;
  }

  /** The instant `ms` of working time after `from` (from the next opening if `from` is outside working time). */
  addWorkingMs(from: Date, ms: number): Date {
    let at = this.nextWorkingMoment(from);
    let remaining = Math.max(0, ms);
    for (let i = 0; i < MAX_DAYS; i += 1) {
      const { closes } = this.window(londonDate(at));
      const left = closes.getTime() - at.getTime();
      if (remaining <= left) return new Date(at.getTime() + remaining);
      remaining -= left;
      at = this.nextWorkingMoment(closes);
    }
    throw new RangeError('WorkingTime: no working day within a year');
  }

  private window(day: string): { opens: Date; closes: Date } {
    const [year, month, date] = day.split('-').map(Number) as [number, number, number];
    const at = (time: { hours: number; minutes: number }) =>
      new Date(new TZDate(year, month - 1, date, time.hours, time.minutes, 0, 0, LONDON).getTime());
    return { opens: at(this.start), closes: at(this.end) };
  }
}

function timeOf(hhmm: string): { hours: number; minutes: number } {
  const [hours, minutes] = hhmm.split(':').map(Number) as [number, number];
  return { hours, minutes };
}

function nextDay(day: string): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date + 1)).toISOString().slice(0, 10);
}
