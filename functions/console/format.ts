/**
 * Words and times as the console shows them: London time, plain English, and every code the API uses
 * turned into what a practitioner would say.
 */
import { TZDate } from '@date-fns/tz';
import { differenceInCalendarDays } from 'date-fns/differenceInCalendarDays';
import { format } from 'date-fns/format';

const LONDON = 'Europe/London';

const london = (iso: string | Date) => new TZDate(new Date(iso).getTime(), LONDON);

/** "14:30 on 30 November 2026" */
export function dateTime(iso: string): string {
  return format(london(iso), "HH:mm 'on' d MMMM yyyy");
}

/** "30 November 2026" */
export function date(iso: string): string {
  return format(london(iso.length === 10 ? `${iso}T12:00:00Z` : iso), 'd MMMM yyyy');
}

/** "14:30 today", "09:00 tomorrow", "09:00 on Tuesday 1 December" */
export function when(iso: string, now: Date): string {
  const at = london(iso);
  const days = differenceInCalendarDays(at, london(now));
  const time = format(at, 'HH:mm');
  if (days === 0) return `${time} today`;
  if (days === 1) return `${time} tomorrow`;
  if (days === -1) return `${time} yesterday`;
  return `${time} on ${format(at, 'EEEE d MMMM')}`;
}

function span(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts: string[] = [];
  if (days > 0) parts.push(`${days} ${days === 1 ? 'day' : 'days'}`);
  if (hours > 0) parts.push(`${hours} ${hours === 1 ? 'hour' : 'hours'}`);
  if (rest > 0 && days === 0) parts.push(`${rest} ${rest === 1 ? 'minute' : 'minutes'}`);
  return parts.join(' ');
}

export type Deadline = { readonly overdue: boolean; readonly relative: string; readonly absolute: string };

/** "due in 3 hours 10 minutes" and "by 14:30 today"; past it, "overdue by 20 minutes", in words, not colour. */
export function deadline(iso: string, now: Date): Deadline {
  const left = new Date(iso).getTime() - now.getTime();
  const overdue = left <= 0;
  return {
    overdue,
    relative: overdue ? `overdue by ${span(-left)}` : `due in ${span(left)}`,
    absolute: `by ${when(iso, now)}`,
  };
}

/** The GOV.UK tag colour for a forward: grey once it ended or was refused. */
export function forwardTagClass(status: string): string {
  if (status === 'SHARED') return 'govuk-tag--green';
  if (status === 'AWAITING_APPROVAL') return 'govuk-tag--yellow';
  return 'govuk-tag--grey';
}

/**
 * How near a share is to its end, as a tag: none until 30 days before, then "Expires in 12 days" (yellow,
 * red from 7 days), and "Ended" (grey) after. The words say it; the colour only repeats them.
 */
export function expiryTag(warning: string, expiresAt: string, now: Date): { text: string; classes: string } | undefined {
  if (warning === 'NONE') return undefined;
  if (warning === 'ENDED') return { text: 'Ended', classes: 'govuk-tag--grey' };
  const days = Math.max(0, differenceInCalendarDays(london(expiresAt), london(now)));
  const text = days === 0 ? 'Expires today' : days === 1 ? 'Expires tomorrow' : `Expires in ${days} days`;
  return { text, classes: warning === 'DUE_IN_7_DAYS' ? 'govuk-tag--red' : 'govuk-tag--yellow' };
}

/** The GOV.UK tag colour for a share status: red for overdue, which the words say too. */
export function statusTagClass(status: string): string {
  if (status === 'OVERDUE') return 'govuk-tag--red';
  if (status === 'ACKNOWLEDGED') return 'govuk-tag--green';
  return 'govuk-tag--yellow';
}

export function riskTagClass(level: string): string {
  if (level === 'SIGNIFICANT') return 'govuk-tag--red';
  if (level === 'MODERATE') return 'govuk-tag--orange';
  return 'govuk-tag--blue';
}
