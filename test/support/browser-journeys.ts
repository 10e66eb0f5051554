/**
 * The console's main journeys, written once and run both with JavaScript and without it
 * (test/browser/alert-journey.test.ts, test/browser/no-javascript.test.ts): Northumberland police sends an
 * alert to North Tyneside and Newcastle with different scopes, and North Tyneside's coordinator finds it,
 * reads what their area was given, and acknowledges it. Every page goes through the Visitor's checks.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import {
  CHAIR_NORTHUMBERLAND,
  COORDINATOR_NORTH_TYNESIDE,
  deadlinesBetween,
  POLICE_NORTHUMBERLAND,
  shown,
  type Visitor,
} from './browser.js';

/** The page's document, inside `page.evaluate` (the project compiles without the DOM library). */
declare const document: any;

/** What the police officer types. Synthetic, and distinctive enough to look for on the pages. */
export const TYPED = {
  purpose: 'Test purpose: the child is moving to live with a relative across the boundary',
  consentReason: 'Test reason: seeking consent would increase the risk to the child',
  given: 'Test',
  family: 'Child-Alpha',
  dateOfBirth: '2011-01-01',
  alias: 'Test Alias-Alpha',
  movementOn: '2026-12-01',
  movementDetails: 'Test details: moving to a relative in North Tyneside',
  riskSummary: 'Test summary: synthetic concerns about criminal exploitation',
  perpetratorName: 'Test Perpetrator-Bravo',
  location: 'Test location: a synthetic car park',
  disruptionPlan: 'Test plan: synthetic disruption activity agreed at MSET',
  voice: 'Test voice: I want to stay at my school',
  ackNote: 'Test note: known to our front door, allocated today',
} as const;

export const NORTH_TYNESIDE_SCOPES = ['IDENTITY', 'MOVEMENT', 'RISK', 'VOICE'] as const;
export const NEWCASTLE_SCOPES = ['MOVEMENT', 'RISK', 'PERPETRATORS', 'LOCATIONS', 'DISRUPTION_PLAN'] as const;

export type SentAlert = { readonly alertId: string; readonly sentAfter: Date; readonly sentBefore: Date };

const field = (page: Page, name: string) => page.locator(`[name="${name}"]`);
const choice = (page: Page, name: string, value: string) => page.locator(`input[name="${name}"][value="${value}"]`);

/** The links of the GOV.UK error summary, as [href, text]. */
export async function errorSummaryLinks(page: Page): Promise<string[][]> {
  const summary = page.locator('.govuk-error-summary');
  expect(await shown(summary.locator('.govuk-error-summary__title'))).toBe('There is a problem');
  return summary
    .locator('a')
    .evaluateAll((links) => links.map((link) => [link.getAttribute('href') ?? '', (link.textContent ?? '').trim()]));
}

/** Each error summary link points at a form field of the page, which shows the same message beside it. */
export async function expectLinksToFields(page: Page, links: string[][]): Promise<void> {
  for (const [href, text] of links) {
    const target = page.locator(href as string);
    expect(await target.count(), `${href} is on the page`).toBe(1);
    expect(await target.evaluate((element) => element.tagName), `${href} is a field`).toMatch(/^(INPUT|SELECT|TEXTAREA)$/);
    expect(await shown(page.locator(`${href}-error`))).toContain(text);
  }
}

/**
 * Journey 1: the officer signs in from the start page, makes a mistake (no lawful basis, no date of birth),
 * is shown the error summary, corrects it, adds Newcastle with "Add another area" (a plain form button),
 * a perpetrator and a location the same way, checks the answers and sends.
 */
export async function policeSendsAlert(visitor: Visitor): Promise<SentAlert> {
  const page = visitor.page;
  await visitor.signIn(POLICE_NORTHUMBERLAND, { from: 'start' });
  expect(visitor.path()).toBe('/alerts');
  expect(await visitor.heading()).toBe('Alerts received');

  await visitor.click('Send an alert', 'link');
  expect(visitor.path()).toBe('/alerts/new');
  expect(await visitor.heading()).toBe('Send an alert');

  // Everything but the lawful basis and the date of birth
  await field(page, 'recipients[0][area]').selectOption('north-tyneside');
  for (const scope of NORTH_TYNESIDE_SCOPES) await choice(page, 'recipients[0][scopes][]', scope).check();
  await field(page, 'sharing[purpose]').fill(TYPED.purpose);
  await choice(page, 'sharing[consent][status]', 'NOT_SOUGHT').check();
  await field(page, 'sharing[consent][reason]').fill(TYPED.consentReason);
  await choice(page, 'sharing[handling][code]', 'P').check();
  await page.getByLabel('First name').fill(TYPED.given);
  await page.getByLabel('Last name').fill(TYPED.family);
  await field(page, 'child[aliases]').fill(TYPED.alias);
  await page.getByLabel('Family move').check();
  await field(page, 'movement[on]').fill(TYPED.movementOn);
  await field(page, 'movement[details]').fill(TYPED.movementDetails);
  await page.getByLabel('Significant').check();
  await page.getByLabel('Criminal exploitation').check();
  await page.getByLabel('County lines').check();
  await field(page, 'risk[summary]').fill(TYPED.riskSummary);
  await field(page, 'disruptionPlan').fill(TYPED.disruptionPlan);
  await field(page, 'voice').fill(TYPED.voice);

  const refused = await visitor.click('Continue');
  expect(refused.status()).toBe(422);
  expect(await page.title()).toMatch(/^Error: Send an alert/);
  const links = await errorSummaryLinks(page);
  expect(links).toEqual([
    ['#sharing-lawfulBasis', 'Select the lawful basis for sharing'],
    ['#child-dateOfBirth', "Enter the child's date of birth as a real date, for example 2011-03-27"],
  ]);
  await expectLinksToFields(page, links);
  // What was typed is still there.
  expect(await field(page, 'sharing[purpose]').inputValue()).toBe(TYPED.purpose);
  expect(await field(page, 'risk[summary]').inputValue()).toBe(TYPED.riskSummary);
  expect(await choice(page, 'recipients[0][scopes][]', 'VOICE').isChecked()).toBe(true);
  await visitor.screenshot('send-alert-errors');
  // A summary link takes the person to the field: GOV.UK's script moves focus there; without it, the link's target.
  await page.locator('.govuk-error-summary a[href="#sharing-lawfulBasis"]').click();
  if (visitor.javaScriptEnabled) expect(await page.evaluate(() => document.activeElement?.id)).toBe('sharing-lawfulBasis');
  else expect(new URL(page.url()).hash).toBe('#sharing-lawfulBasis');

  // Correct the mistakes, then add the second area, a perpetrator and a location, each with a form button
  await field(page, 'sharing[lawfulBasis]').selectOption('DPA2018_PART3_SCH8_PARA4');
  await field(page, 'child[dateOfBirth]').fill(TYPED.dateOfBirth);
  const added = await visitor.click('Add another area');
  expect(added.status()).toBe(200);
  expect(await page.getByRole('group', { name: 'Area 2' }).count()).toBe(1);
  expect(await page.locator('.govuk-error-summary').count()).toBe(0);
  expect(await field(page, 'sharing[lawfulBasis]').inputValue()).toBe('DPA2018_PART3_SCH8_PARA4');
  await field(page, 'recipients[1][area]').selectOption('newcastle');
  for (const scope of NEWCASTLE_SCOPES) await choice(page, 'recipients[1][scopes][]', scope).check();

  await visitor.click('Add a perpetrator');
  await field(page, 'perpetrators[0][names]').fill(TYPED.perpetratorName);
  await field(page, 'perpetrators[0][grading][source]').selectOption('2');
  await field(page, 'perpetrators[0][grading][intelligence]').selectOption('B');
  await field(page, 'perpetrators[0][grading][handling]').selectOption('P');
  await visitor.click('Add a location');
  await field(page, 'locations[0][description]').fill(TYPED.location);
  // The second area survived both round trips.
  expect(await field(page, 'recipients[1][area]').inputValue()).toBe('newcastle');

  const check = await visitor.click('Continue');
  expect(check.status()).toBe(200);
  expect(visitor.path()).toBe('/alerts/new/check');
  expect(await visitor.heading()).toBe('Check your answers before sending the alert');
  const recipients = await summaryRows(page, 'Who it goes to');
  expect(recipients).toEqual([
    ['North Tyneside', "Identity, Movement, Risk, Child's voice"],
    ['Newcastle', 'Movement, Risk, Perpetrators, Locations, Disruption plan'],
  ]);
  const child = Object.fromEntries(await summaryRows(page, 'The child'));
  expect(child).toMatchObject({ Name: `${TYPED.given} ${TYPED.family}`, 'Date of birth': '1 January 2011', 'Also known as': TYPED.alias });
  const more = Object.fromEntries(await summaryRows(page, 'More information'));
  expect(more).toMatchObject({
    'Perpetrator 1': `${TYPED.perpetratorName} (graded 2BP)`,
    'Location 1': TYPED.location,
    'Disruption plan': TYPED.disruptionPlan,
  });
  await visitor.screenshot('check-answers');

  const sentAfter = new Date();
  const sent = await visitor.click('Send alert');
  const sentBefore = new Date();
  expect(sent.status()).toBe(200);
  const alertId = /^\/alerts\/([0-9a-f-]{36})\?done=sent$/.exec(visitor.path())?.[1];
  expect(alertId, `the alert's page, not ${visitor.path()}`).toBeDefined();
  expect(await shown(page.locator('.govuk-notification-banner--success'))).toContain('Alert sent');

  // The sender sees every section, and both shares awaiting acknowledgement
  expect(await sectionHeadings(page)).toEqual([
    'The child',
    'Movement',
    'Risk',
    'Perpetrators',
    'Locations',
    'Disruption plan',
    "The child's voice",
    'Who it was shared with',
    'More',
  ]);
  const shares = await shareStatuses(page);
  expect(shares).toEqual({ 'North Tyneside': 'Awaiting acknowledgement', Newcastle: 'Awaiting acknowledgement' });
  return { alertId: alertId as string, sentAfter, sentBefore };
}

/**
 * Journey 2: North Tyneside's coordinator finds the alert in "Alerts received" with its deadline in words
 * and as a time, opens it, sees only the sections shared with North Tyneside, forgets to choose an outcome,
 * then acknowledges it.
 */
export async function northTynesideAcknowledges(visitor: Visitor, alert: SentAlert): Promise<void> {
  const page = visitor.page;
  await visitor.signIn(COORDINATOR_NORTH_TYNESIDE, { from: 'start' });
  expect(await visitor.heading()).toBe('Alerts received');
  const row = page.locator('tr', { has: page.locator(`a[href="/alerts/${alert.alertId}"]`) });
  const text = await shown(row);
  expect(text).toContain('Northumberland');
  expect(text).toContain('Significant');
  expect(text).toContain('Criminal exploitation, County lines');
  expect(text).toContain('Awaiting acknowledgement');
  // Significant: four hours to acknowledge, shown both ways
  expect(text).toMatch(/Due in (3 hours( \d+ minutes?)?|4 hours)\b/);
  const expected = deadlinesBetween(alert.sentAfter, alert.sentBefore, 4);
  expect(
    expected.some((deadline) => text.includes(deadline)),
    `one of ${expected.join(' / ')} in ${text}`,
  ).toBe(true);
  await visitor.screenshot('alerts-received');

  await visitor.navigate(() => row.getByRole('link').click());
  expect(visitor.path()).toBe(`/alerts/${alert.alertId}`);
  expect(await visitor.heading()).toBe('Alert from Northumberland');
  // Only the scopes shared with North Tyneside, and only North Tyneside's share
  expect(await sectionHeadings(page)).toEqual(['The child', 'Movement', 'Risk', "The child's voice", 'What your area was given', 'More']);
  const main = await visitor.mainText();
  for (const shown of [TYPED.family, TYPED.movementDetails, TYPED.riskSummary, TYPED.voice]) expect(main).toContain(shown);
  for (const hidden of [TYPED.perpetratorName, TYPED.location, TYPED.disruptionPlan]) expect(main).not.toContain(hidden);
  expect(Object.keys(await shareStatuses(page))).toEqual(['North Tyneside']);
  // The deadline is said at the top, and the form to acknowledge follows the alert
  const inset = await shown(page.locator('main .govuk-inset-text'));
  expect(inset).toMatch(
    /^Your area needs to acknowledge this alert, by \d{2}:\d{2} (today|tomorrow) \(due in .+\)\. Acknowledge it once you have read it\.$/,
  );
  expect(expected.some((deadline) => inset.includes(deadline))).toBe(true);
  expect(await page.locator('#acknowledge').count()).toBe(1);
  const given = Object.fromEntries(await summaryRowsAfter(page, 'North Tyneside'));
  expect(given['Sections shared']).toBe("Identity, Movement, Risk, Child's voice");
  await visitor.screenshot('alert');

  // Sent without choosing what happens next: the error links to the first radio
  const refused = await visitor.click('Send acknowledgement');
  expect(refused.status()).toBe(422);
  const links = await errorSummaryLinks(page);
  expect(links).toEqual([['#outcome', 'Select what you are doing with this alert']]);
  await expectLinksToFields(page, links);

  await page.getByLabel('We accept it').check();
  await page.getByLabel('Note (optional)').fill(TYPED.ackNote);
  const done = await visitor.click('Send acknowledgement');
  expect(done.status()).toBe(200);
  expect(visitor.path()).toBe(`/alerts/${alert.alertId}?done=acknowledged`);
  expect(await shown(page.locator('.govuk-notification-banner--success'))).toContain('Alert acknowledged');
  expect(await shareStatuses(page)).toEqual({ 'North Tyneside': 'Acknowledged' });
  expect(await page.getByRole('button', { name: 'Send acknowledgement' }).count()).toBe(0);
  const acknowledgement = Object.fromEntries(await cardRows(page, 'Acknowledgement'));
  expect(acknowledgement).toMatchObject({
    Outcome: 'Accepted',
    By: "Test Coordinator North Tyneside (Children's services, North Tyneside)",
    Note: TYPED.ackNote,
  });

  await visitor.click('Alerts received', 'link');
  expect(await shown(page.locator('tr', { has: page.locator(`a[href="/alerts/${alert.alertId}"]`) }))).toMatch(
    /Acknowledged\s*\(Accepted\)/,
  );
}

// ---- reading GOV.UK components ----

/** The h2 headings of the page's main content, without GOV.UK's banners and summaries. */
export function sectionHeadings(page: Page): Promise<string[]> {
  return page
    .locator('main h2:not(.govuk-notification-banner__title):not(.govuk-error-summary__title):not(.govuk-summary-card__title)')
    .allInnerTexts();
}

/** The rows of the summary list after the heading with this text, as [key, value]. */
export async function summaryRows(page: Page, heading: string): Promise<string[][]> {
  const list = page.locator(`h2:text-is("${heading}") + .govuk-summary-list`);
  return rowsOf(list);
}

/** The rows of the summary list after an h3 (a share's area). */
export async function summaryRowsAfter(page: Page, heading: string): Promise<string[][]> {
  return rowsOf(page.locator(`h3:text-is("${heading}") + .govuk-summary-list`));
}

/** The rows of every summary card with this title (the last one wins a key). */
export async function cardRows(page: Page, title: string): Promise<string[][]> {
  return rowsOf(page.locator('.govuk-summary-card', { has: page.locator(`.govuk-summary-card__title:text-is("${title}")`) }));
}

async function rowsOf(list: ReturnType<Page['locator']>): Promise<string[][]> {
  return list
    .locator('.govuk-summary-list__row')
    .evaluateAll((rows) =>
      rows.map((row) => [
        (row.querySelector('.govuk-summary-list__key')?.textContent ?? '').trim(),
        (row.querySelector('.govuk-summary-list__value')?.textContent ?? '').trim().replace(/\s+/g, ' '),
      ]),
    );
}

/** Each share's area and status, from the alert page. */
export async function shareStatuses(page: Page): Promise<Record<string, string>> {
  const areas = await page.locator('main h3.govuk-heading-s').allInnerTexts();
  const statuses: Record<string, string> = {};
  for (const area of areas) {
    if (/^Perpetrator \d+$/.test(area)) continue;
    const rows = Object.fromEntries(await summaryRowsAfter(page, area));
    statuses[area] = (await shown(page.locator(`h3:text-is("${area}") + .govuk-summary-list .govuk-tag`).first())).trim();
    expect(rows['Status']).toContain(statuses[area]);
  }
  return statuses;
}

// ---- meetings ----

/** What the chair and the coordinators type about the meeting. Synthetic, like the alert's. */
export const MEETING_TYPED = {
  given: 'Test',
  family: 'Child-Alpha',
  dateOfBirth: '2011-01-01',
  reason: 'Test reason: missing episodes in both areas',
  agenda: 'Test agenda: share what each area knows\nTest agenda: agree a disruption plan',
  /** The mistake: a date as people often write it, day first, which the form does not take. */
  dayFirstDate: '31/12/2026',
  declineReason: 'Test reason: not known to Newcastle MSET',
  decisions: 'Test decisions: joint disruption plan agreed',
  meetingPlan: 'Test plan: patrols at the synthetic car park, shared with North Tyneside',
  interview: 'Test action: hold a return home interview',
  patrolPlan: 'Test action: share the patrol plan',
  actionNote: 'Test note: interview held, nothing new disclosed',
} as const;

/** A slot as the chair types it (a London date and time, a length) and as the pages say it. */
export type TypedSlot = {
  readonly date: string;
  readonly time: string;
  readonly minutes: number;
  /** The instant it starts. */
  readonly start: Date;
  /** "Tuesday 8 December 2026, 10:00 to 11:00", as the meeting's pages say it. */
  readonly words: string;
};

const LONDON_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function londonParts(at: Date): Record<string, string> {
  return Object.fromEntries(LONDON_PARTS.formatToParts(at).map((part) => [part.type, part.value]));
}

/** The slot starting at `start` (on a whole minute) and lasting `minutes`, as the chair types it and the pages say it. */
export function slotStarting(start: Date, minutes: number): TypedSlot {
  expect(start.getTime() % 60_000, 'a slot starts on a whole minute').toBe(0);
  const from = londonParts(start);
  const to = londonParts(new Date(start.getTime() + minutes * 60_000));
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(start);
  const time = `${from['hour']}:${from['minute']}`;
  // A slot that ends the next day says so.
  const endDay = from['day'] === to['day'] ? '' : ` on ${to['weekday']} ${to['day']} ${to['month']}`;
  const words = `${from['weekday']} ${from['day']} ${from['month']} ${from['year']}, ${time} to ${to['hour']}:${to['minute']}${endDay}`;
  return { date, time, minutes, start, words };
}

export type RequestedMeeting = { readonly meetingId: string; readonly reference: string; readonly slots: readonly [TypedSlot, TypedSlot] };

/**
 * Each error summary link points at a form field of the page, which shows the same message beside it; in the
 * summary, a message about one of several alike groups starts with the group ("Slot 2: ..."), which the
 * message beside the field, inside that group, need not repeat.
 */
export async function expectNumberedLinksToFields(page: Page, links: string[][]): Promise<void> {
  await expectLinksToFields(
    page,
    links.map(([href, text]) => [href as string, (text as string).replace(/^(Slot|Action) \d+: /, '')]),
  );
}

/** The rows of the first summary list of the page (a meeting's status, time, format and areas). */
export function meetingSummary(page: Page): Promise<string[][]> {
  return rowsOf(page.locator('main .govuk-summary-list').first());
}

/** The rows of a table by its test id, as the cells' text (the row header first). */
export function tableRows(page: Page, testId: string): Promise<string[][]> {
  return page
    .getByTestId(testId)
    .locator('tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('th, td')].map((cell) => (cell.textContent ?? '').trim().replace(/\s+/g, ' '))),
    );
}

/**
 * The request: Northumberland's chair opens the alert, follows "Request a meeting about this child", invites
 * North Tyneside and Newcastle and proposes two slots (the second with "Add another slot", a plain form
 * button), forgetting the format and typing the second slot's date day first; the error summary lists both,
 * each linked to its field; the chair corrects them and sends. Works the same with or without JavaScript.
 */
export async function chairRequestsMeeting(
  visitor: Visitor,
  alertId: string,
  slots: readonly [TypedSlot, TypedSlot],
): Promise<RequestedMeeting> {
  const page = visitor.page;
  const [first, second] = slots;
  await visitor.signIn(CHAIR_NORTHUMBERLAND, { returnTo: `/alerts/${alertId}` });
  expect(visitor.path()).toBe(`/alerts/${alertId}`);

  await visitor.click('Request a meeting about this child', 'link');
  expect(visitor.path()).toBe(`/meetings/new?alertId=${alertId}`);
  expect(await visitor.heading()).toBe('Request a cross-boundary meeting');
  // The alert it came from is linked already; the chair's own area is not offered.
  expect(await page.getByLabel('Link this meeting to the alert you came from').isChecked()).toBe(true);
  const invitable = page.getByRole('group', { name: 'Which areas are you inviting?' });
  expect(await invitable.getByLabel('Northumberland', { exact: true }).count()).toBe(0);

  // Everything but the format, and the first slot
  await invitable.getByLabel('North Tyneside', { exact: true }).check();
  await invitable.getByLabel('Newcastle', { exact: true }).check();
  await page.getByLabel('First name').fill(MEETING_TYPED.given);
  await page.getByLabel('Last name').fill(MEETING_TYPED.family);
  await page.getByLabel('Date of birth').fill(MEETING_TYPED.dateOfBirth);
  await page.getByLabel('Why is the meeting needed?').fill(MEETING_TYPED.reason);
  await page.getByLabel('Agenda').fill(MEETING_TYPED.agenda);
  const slotGroup = (n: number) => page.getByRole('group', { name: `Slot ${n}`, exact: true });
  await slotGroup(1).getByLabel('Date', { exact: true }).fill(first.date);
  await slotGroup(1).getByLabel('Start time').fill(first.time);
  await slotGroup(1).getByLabel('Length').fill(String(first.minutes));

  // A second slot: the form comes back with it, and with everything typed so far
  const added = await visitor.click('Add another slot');
  expect(added.status()).toBe(200);
  expect(await slotGroup(2).count()).toBe(1);
  expect(await page.locator('.govuk-error-summary').count()).toBe(0);
  expect(await slotGroup(1).getByLabel('Date', { exact: true }).inputValue()).toBe(first.date);
  expect(await page.getByLabel('Why is the meeting needed?').inputValue()).toBe(MEETING_TYPED.reason);
  // The new slot is an hour long unless changed
  expect(await slotGroup(2).getByLabel('Length').inputValue()).toBe('60');
  await slotGroup(2).getByLabel('Date', { exact: true }).fill(MEETING_TYPED.dayFirstDate);
  await slotGroup(2).getByLabel('Start time').fill(second.time);
  await slotGroup(2).getByLabel('Length').fill(String(second.minutes));

  const refused = await visitor.click('Send meeting request');
  expect(refused.status()).toBe(422);
  expect(await page.title()).toMatch(/^Error: Request a cross-boundary meeting/);
  const links = await errorSummaryLinks(page);
  expect(links).toEqual([
    ['#format', 'Select how the meeting will be held'],
    [
      '#proposedSlots-1-start',
      'Slot 2: Enter the date as year-month-day and the time on the 24-hour clock, for example 2026-11-30 and 14:00',
    ],
  ]);
  await expectNumberedLinksToFields(page, links);
  // What was typed is still there, the mistake included, so it can be corrected rather than typed again.
  expect(await invitable.getByLabel('North Tyneside', { exact: true }).isChecked()).toBe(true);
  expect(await invitable.getByLabel('Newcastle', { exact: true }).isChecked()).toBe(true);
  expect(await page.getByLabel('Link this meeting to the alert you came from').isChecked()).toBe(true);
  expect(await page.getByLabel('Agenda').inputValue()).toBe(MEETING_TYPED.agenda);
  expect(await slotGroup(1).getByLabel('Start time').inputValue()).toBe(first.time);
  expect(await slotGroup(2).getByLabel('Date', { exact: true }).inputValue()).toBe(MEETING_TYPED.dayFirstDate);
  // The summary link takes the chair to the second slot's date
  await page.locator('.govuk-error-summary a[href="#proposedSlots-1-start"]').click();
  if (visitor.javaScriptEnabled) expect(await page.evaluate(() => document.activeElement?.id)).toBe('proposedSlots-1-start');
  else expect(new URL(page.url()).hash).toBe('#proposedSlots-1-start');

  // Corrected
  await page.getByRole('group', { name: 'How will it be held?' }).getByLabel('Online', { exact: true }).check();
  await slotGroup(2).getByLabel('Date', { exact: true }).fill(second.date);
  const sent = await visitor.click('Send meeting request');
  expect(sent.status()).toBe(200);
  const meetingId = /^\/meetings\/([0-9a-f-]{36})\?done=requested$/.exec(visitor.path())?.[1];
  expect(meetingId, `the meeting's page, not ${visitor.path()}`).toBeDefined();
  const reference = `MSET-${(meetingId as string).slice(0, 8).toUpperCase()}`;
  expect(await shown(page.locator('.govuk-notification-banner--success'))).toContain('Meeting requested');
  expect(await visitor.heading()).toBe('Meeting requested by Northumberland');
  expect(await shown(page.locator('main .govuk-caption-l'))).toBe(`Meeting ${reference}`);
  expect(Object.fromEntries(await meetingSummary(page))).toMatchObject({
    Status: 'Requested',
    When: 'Not agreed yet: see the slots below',
    Format: 'Online',
    'Invited areas': 'North Tyneside, Newcastle',
  });
  expect(Object.fromEntries(await summaryRows(page, 'The child'))).toEqual({
    Name: `${MEETING_TYPED.given} ${MEETING_TYPED.family}`,
    'Date of birth': '1 January 2011',
  });
  // The agenda, typed one item a line, is shown a paragraph a line.
  expect(await page.locator('main h2:text-is("Agenda") + div p').allInnerTexts()).toEqual(MEETING_TYPED.agenda.split('\n'));
  expect(await page.locator(`main a[href="/alerts/${alertId}"]`).count()).toBe(1);
  expect(await tableRows(page, 'slots')).toEqual([
    ['Slot 1', first.words, 'Northumberland', 'Nobody yet'],
    ['Slot 2', second.words, 'Northumberland', 'Nobody yet'],
  ]);
  expect((await tableRows(page, 'answers')).map(([area, answer]) => [area, answer])).toEqual([
    ['North Tyneside', 'No answer yet'],
    ['Newcastle', 'No answer yet'],
  ]);
  // The chair may schedule it now (or cancel it); recording waits until it is scheduled and has started.
  expect(await page.getByRole('button', { name: 'Schedule the meeting' }).count()).toBe(1);
  expect(await page.getByRole('button', { name: 'Record the meeting' }).count()).toBe(0);
  return { meetingId: meetingId as string, reference, slots };
}

// ---- a share's life ----

/** What the people type in the share's life journey (test/browser/share-life-journey.test.ts). Synthetic. */
export const SHARE_TYPED = {
  purpose: 'Test purpose: the child has moved to live with an aunt',
  redirectNote: 'Test note: the aunt lives in Newcastle, not here',
  forwardReason: 'Test reason: North Tyneside says the child lives in Newcastle',
  revokeReason: 'Test reason: North Tyneside does not need the alert any longer',
  justification: 'Test justification: the section 47 enquiry is still open',
} as const;

/**
 * Police sends an alert to one area from the console, as briefly as the form allows: Identity, Movement,
 * Risk and the child's voice; areas may pass it on within what they were given (the choice is shown on the
 * check answers page). Returns the alert's id, on its page.
 */
export async function policeAlertsOneArea(visitor: Visitor, area: string): Promise<string> {
  const page = visitor.page;
  await visitor.signIn(POLICE_NORTHUMBERLAND, { returnTo: '/alerts/new' });
  expect(await visitor.heading()).toBe('Send an alert');
  await field(page, 'recipients[0][area]').selectOption(area);
  for (const scope of NORTH_TYNESIDE_SCOPES) await choice(page, 'recipients[0][scopes][]', scope).check();
  await field(page, 'sharing[purpose]').fill(SHARE_TYPED.purpose);
  await field(page, 'sharing[lawfulBasis]').selectOption('DPA2018_PART3_SCH8_PARA4');
  await choice(page, 'sharing[consent][status]', 'NOT_SOUGHT').check();
  await field(page, 'sharing[consent][reason]').fill(TYPED.consentReason);
  await choice(page, 'sharing[handling][code]', 'P').check();
  const onward = page.getByRole('group', { name: 'May the areas pass it on to other areas?' });
  await onward.getByLabel('Yes, within what they were given').check();
  await page.getByLabel('First name').fill(TYPED.given);
  await page.getByLabel('Last name').fill(TYPED.family);
  await field(page, 'child[dateOfBirth]').fill(TYPED.dateOfBirth);
  await page.getByLabel('Family move').check();
  await field(page, 'movement[on]').fill(TYPED.movementOn);
  await page.getByLabel('Moderate').check();
  await page.getByLabel('Criminal exploitation').check();
  await field(page, 'risk[summary]').fill(TYPED.riskSummary);
  await field(page, 'voice').fill(TYPED.voice);
  const check = await visitor.click('Continue');
  expect(check.status()).toBe(200);
  expect(Object.fromEntries(await summaryRows(page, 'Why you are sharing'))['Passing it on']).toBe(
    'They may pass it on to other areas, within what they were given',
  );
  await visitor.click('Send alert');
  const alertId = /^\/alerts\/([0-9a-f-]{36})\?done=sent$/.exec(visitor.path())?.[1];
  expect(alertId, `the alert's page, not ${visitor.path()}`).toBeDefined();
  return alertId as string;
}
