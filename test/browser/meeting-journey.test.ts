/**
 * The meeting journey in a real browser, as the README's walkthrough runs it over the API (its steps 6 to
 * 10), with three areas and by clicking and typing: Northumberland's chair requests a meeting about the
 * child of an alert, from the alert's page, with North Tyneside and Newcastle (first with mistakes, so the
 * error summary shows); North Tyneside's coordinator accepts a slot; Newcastle's declines, with a reason; the
 * chair schedules it and downloads the calendar invitation; once the slot has started (the hub's clock is
 * moved on, not waited for) the chair records it with an action for North Tyneside and one for
 * Northumberland; North Tyneside's coordinator marks its action done; everyone in the meeting sees the record
 * and the actions; Northumberland's action gathers 23 updates, and "See all 23 updates" lists them, twenty
 * to a page; an area outside it gets "Page not found". The request runs once more with JavaScript off.
 * Every page passes axe and the console's header checks on the way (test/support/browser.ts).
 * `npm run screenshots` runs this file with SCREENSHOTS=1 to save docs/screenshots/meeting.png and
 * action-updates.png (and its phone-width twin).
 */
import { randomUUID } from 'node:crypto';
import type { Download, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CHAIR_NORTHUMBERLAND,
  COORDINATOR_NEWCASTLE,
  COORDINATOR_NORTH_TYNESIDE,
  consoleSuite,
  POLICE_NORTHUMBERLAND,
  personaClaims,
  sendAlertThroughApi,
  shown,
  Visitor,
} from '../support/browser.js';
import {
  cardRows,
  chairRequestsMeeting,
  errorSummaryLinks,
  expectLinksToFields,
  MEETING_TYPED,
  meetingSummary,
  type RequestedMeeting,
  sectionHeadings,
  slotStarting,
  summaryRows,
  tableRows,
} from '../support/browser-journeys.js';
import { sampleAlert } from '../support/hub.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/**
 * How far the test has moved the hub's clock on: to just after the meeting's start, before it is recorded.
 * The meeting is proposed for a few minutes ahead, so the move stays well inside the 30 idle minutes a
 * session lasts, and each person stays signed in throughout, as people would.
 */
let shiftMs = 0;
const hubNow = () => new Date(Date.now() + shiftMs);
const suite = consoleSuite({ clock: { now: hubNow } });

const CHAIR_PERSON = `${CHAIR_NORTHUMBERLAND} (Children's services, Northumberland)`;
const NT_PERSON = `${COORDINATOR_NORTH_TYNESIDE} (Children's services, North Tyneside)`;
const NEWCASTLE_PERSON = `${COORDINATOR_NEWCASTLE} (Children's services, Newcastle)`;
const CHILD = `${MEETING_TYPED.given} ${MEETING_TYPED.family}`;

/** A day `days` after the hub's now, as the form takes it (YYYY-MM-DD) and as the pages show it. */
function dayAhead(days: number): { typed: string; shown: string } {
  const at = new Date(hubNow().getTime() + days * DAY);
  return {
    typed: new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(at),
    shown: new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' }).format(at),
  };
}

/** Everything a download holds, as text (the browser is remote, so read through Playwright's stream). */
async function downloaded(download: Download): Promise<string> {
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** The agencies listed under "Who attended" in the meeting record, one line per area. */
const attendance = (page: Page) =>
  page
    .locator('.govuk-summary-list__row', { has: page.locator('.govuk-summary-list__key:text-is("Who attended")') })
    .locator('li')
    .allInnerTexts();

/** The "Update" link of an action's card, for its owner only. */
const updateLink = (page: Page, n: number) => page.getByRole('link', { name: new RegExp(`^Update action ${n}\\b`) });

/** How many notes Northumberland's police officer writes on action 2, so that it has more than a page (20). */
const PATROL_NOTES = 22;
const patrolNote = (n: number) => `Test note ${n}: patrols at the synthetic car park.`;
const PATROL_DONE = 'Test note: the patrol plan is shared with North Tyneside';
const POLICE_PERSON = `${POLICE_NORTHUMBERLAND} (Police, Northumberland)`;

/** Every minute between two instants, as the console says when something happened ("14:30 on 1 December 2026"). */
function shownTimesBetween(from: Date, to: Date): string[] {
  const time = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const day = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' });
  const shown = new Set<string>();
  for (let at = Math.floor(from.getTime() / MINUTE) * MINUTE; at <= to.getTime(); at += MINUTE) {
    shown.add(`${time.format(at)} on ${day.format(at)}`);
  }
  return [...shown];
}

/** The rows of the page's first summary list, as [key, value] (an action's page has one, not a card). */
const rowsOfList = (page: Page) =>
  page
    .locator('main .govuk-summary-list')
    .first()
    .locator('.govuk-summary-list__row')
    .evaluateAll((rows) =>
      rows.map((row) => [
        (row.querySelector('.govuk-summary-list__key')?.textContent ?? '').trim(),
        (row.querySelector('.govuk-summary-list__value')?.textContent ?? '').trim().replace(/\s+/g, ' '),
      ]),
    );

type UpdateListed = { number: number; status: string; note: string; by: string };

/** The updates an action's page of updates lists, in the order shown. */
const updatesListed = (page: Page): Promise<UpdateListed[]> =>
  page
    .getByTestId('action-updates')
    .locator(':scope > li')
    .evaluateAll((items) =>
      items.map((item) => {
        const text = (selector: string) => (item.querySelector(selector)?.textContent ?? '').trim().replace(/\s+/g, ' ');
        const [, number = '0', status = ''] = /^Update (\d+): (.*)$/.exec(text('h2')) ?? [];
        return { number: Number(number), status, note: text('p:nth-of-type(1)'), by: text('p:nth-of-type(2)') };
      }),
    );

/** The page's GOV.UK pagination links, as [rel, words]. */
const pagination = (page: Page) =>
  page
    .locator('main .govuk-pagination a')
    .evaluateAll((links) => links.map((link) => [link.getAttribute('rel') ?? '', (link.textContent ?? '').trim().replace(/\s+/g, ' ')]));

/** The page's document, inside `page.evaluate` (the project compiles without the DOM library). */
declare const document: { readonly documentElement: { readonly scrollWidth: number; readonly clientWidth: number } };

/** Whether the page, at this width, is wider than the screen (then back at the width it was). */
async function scrollsSideways(page: Page, width: number): Promise<boolean> {
  const size = page.viewportSize();
  await page.setViewportSize({ width, height: 812 });
  const wider = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
  if (size !== null) await page.setViewportSize(size);
  return wider;
}

/**
 * The people of the meeting, each at a browser of their own for the whole file (the suite's visitors close
 * after each test): each signs in once, the first time, and after that opens pages as someone signed in.
 */
const people = new Map<string, Visitor>();
afterAll(async () => {
  for (const visitor of people.values()) await visitor.close();
});

/** A new person at a browser of their own, kept for the file. */
async function newPerson(person: string): Promise<Visitor> {
  const visitor = await Visitor.open(suite.browser, suite.hub);
  people.set(person, visitor);
  return visitor;
}

/** The person at `path`: signing in on the way the first time, as someone following a link would. */
async function at(person: string, path: string): Promise<Visitor> {
  const known = people.get(person);
  if (known !== undefined) {
    await known.goto(path);
    return known;
  }
  const visitor = await newPerson(person);
  await visitor.signIn(person, { returnTo: path });
  return visitor;
}

/** The person, at the meeting's page. */
async function openMeeting(person: string, meetingId: string): Promise<Visitor> {
  const visitor = await at(person, `/meetings/${meetingId}`);
  expect(visitor.path()).toBe(`/meetings/${meetingId}`);
  expect(await visitor.heading()).toBe('Meeting requested by Northumberland');
  return visitor;
}

describe('a cross-boundary meeting about a child, from Northumberland with North Tyneside and Newcastle, in the browser', () => {
  let alertId: string | undefined;
  let meeting: RequestedMeeting | undefined;
  const requested = () => {
    if (meeting === undefined) throw new Error('The meeting was not requested (see the first test)');
    return meeting;
  };
  const alert = () => {
    if (alertId === undefined) throw new Error('The alert was not sent (see the first test)');
    return alertId;
  };
  const actionDue = { nt: dayAhead(40), police: dayAhead(45) };

  it('1. the chair requests it from the alert\'s page: "Add another slot", an error summary linked to the fields, then sent', async () => {
    // Prepare: Northumberland police has alerted North Tyneside (Newcastle was not sent the alert)
    alertId = await sendAlertThroughApi(suite.hub, POLICE_NORTHUMBERLAND, sampleAlert(['north-tyneside']));
    const chair = await newPerson(CHAIR_NORTHUMBERLAND);
    // Slot 1 starts ten minutes ahead (on a whole minute), so the hub's clock need move on only a little for it
    // to start; slot 2 is the same time the next day.
    const soon = new Date(Math.ceil(hubNow().getTime() / MINUTE) * MINUTE + 10 * MINUTE);
    const slots = [slotStarting(soon, 60), slotStarting(new Date(soon.getTime() + DAY), 90)] as const;

    // Act and assess (each step checks the page it reaches)
    meeting = await chairRequestsMeeting(chair, alertId, slots);
  });

  it('1 (without JavaScript). the same request works as plain forms: the added slot, the error summary and sending', async () => {
    // Prepare
    const chair = await suite.visitor({ javaScriptEnabled: false });
    const later = new Date(Math.ceil(hubNow().getTime() / MINUTE) * MINUTE + 14 * DAY);
    const slots = [slotStarting(later, 45), slotStarting(new Date(later.getTime() + DAY), 60)] as const;

    // Act and assess: the same journey; each page's check confirms that no script ran on it
    const another = await chairRequestsMeeting(chair, alert(), slots);
    expect(another.meetingId).not.toBe(requested().meetingId);
  });

  it("2. North Tyneside's coordinator finds it under Meetings and accepts slot 1; Newcastle's declines, first forgetting why", async () => {
    // Prepare
    const { meetingId, reference, slots } = requested();
    const [slot1] = slots;

    // Act: North Tyneside's coordinator signs in and finds the invitation in the area's list
    const nt = await at(COORDINATOR_NORTH_TYNESIDE, '/meetings');
    expect(nt.path()).toBe('/meetings');
    expect(await nt.heading()).toBe('Meetings your area is invited to');
    const row = nt.page.locator('tr', { has: nt.page.locator(`a[href="/meetings/${meetingId}"]`) });
    const listed = await shown(row);
    for (const text of [reference, 'Northumberland', 'Requested', 'Waiting for your answer', 'Not agreed yet', 'Online']) {
      expect(listed).toContain(text);
    }
    // The list says who is asked, and how each answered, but not who the meeting is about.
    expect(listed).toMatch(/North Tyneside \(your area\): no answer yet\s+Newcastle: no answer yet/);
    expect(await nt.mainText()).not.toContain(MEETING_TYPED.family);
    await nt.navigate(() => row.getByRole('link').click());

    // Assess: the meeting, with the alert North Tyneside received linked
    expect(nt.path()).toBe(`/meetings/${meetingId}`);
    expect(Object.fromEntries(await meetingSummary(nt.page))).toMatchObject({
      Status: 'Requested',
      'Invited areas': 'North Tyneside, Newcastle',
    });
    expect(await nt.mainText()).toContain(CHILD);
    expect(await nt.page.getByRole('link', { name: 'Open linked alert 1' }).getAttribute('href')).toBe(`/alerts/${alert()}`);
    expect(await nt.page.getByRole('button', { name: 'Schedule the meeting' }).count()).toBe(0);

    // Act: accept slot 1
    await nt.click('Answer the invitation');
    expect(await nt.heading()).toBe('Answer the meeting invitation');
    await nt.page.getByLabel(`Accept slot 1: ${slot1.words}`).check();
    const accepted = await nt.click('Send answer');

    // Assess
    expect(accepted.status()).toBe(200);
    expect(nt.path()).toBe(`/meetings/${meetingId}?done=responded`);
    expect(await shown(nt.page.locator('.govuk-notification-banner--success'))).toContain('Your answer has been sent');
    const ntAnswers = await tableRows(nt.page, 'answers');
    expect(ntAnswers[0]?.slice(0, 2)).toEqual(['North Tyneside (your area)', 'Accepted']);
    expect(ntAnswers[0]?.[2]).toContain(`Slot 1: ${slot1.words}`);
    expect(ntAnswers[0]?.[2]).toContain(NT_PERSON);
    expect((await tableRows(nt.page, 'slots'))[0]?.[3]).toBe('North Tyneside');
    expect(await nt.page.getByRole('button', { name: 'Change your answer' }).count()).toBe(1);

    // Act: Newcastle follows a link to the meeting, and declines without saying why
    const newcastle = await openMeeting(COORDINATOR_NEWCASTLE, meetingId);
    // Newcastle was not sent the alert: the meeting does not link it for Newcastle.
    expect(await sectionHeadings(newcastle.page)).not.toContain('Linked alerts');
    expect(await newcastle.page.locator(`a[href="/alerts/${alert()}"]`).count()).toBe(0);
    await newcastle.click('Answer the invitation');
    await newcastle.page.getByLabel('Decline: my area cannot attend').check();
    const refused = await newcastle.click('Send answer');

    // Assess
    expect(refused.status()).toBe(422);
    const links = await errorSummaryLinks(newcastle.page);
    expect(links).toEqual([['#reason', 'Enter why your area cannot attend']]);
    await expectLinksToFields(newcastle.page, links);
    expect(await newcastle.page.getByLabel('Decline: my area cannot attend').isChecked()).toBe(true);

    // Act: with the reason
    await newcastle.page.getByLabel('If you decline: why can your area not attend?').fill(MEETING_TYPED.declineReason);
    const declined = await newcastle.click('Send answer');

    // Assess
    expect(declined.status()).toBe(200);
    expect(newcastle.path()).toBe(`/meetings/${meetingId}?done=responded`);
    const answers = await tableRows(newcastle.page, 'answers');
    expect(answers.map(([area, answer]) => [area, answer])).toEqual([
      ['North Tyneside', 'Accepted'],
      ['Newcastle (your area)', 'Declined'],
    ]);
    expect(answers[1]?.[2]).toContain(MEETING_TYPED.declineReason);
    expect(answers[1]?.[2]).toContain(NEWCASTLE_PERSON);
  });

  it('3. the chair schedules slot 1, the one North Tyneside accepted, and downloads the calendar invitation: text/calendar, no child', async () => {
    // Prepare
    const { meetingId, reference, slots } = requested();
    const [slot1, slot2] = slots;
    const chair = await at(CHAIR_NORTHUMBERLAND, '/meetings/requested');
    const page = chair.page;
    expect(await chair.heading()).toBe('Meetings your area requested');
    const row = page.locator('tr', { has: page.locator(`a[href="/meetings/${meetingId}"]`) });
    expect(await shown(row)).toContain('Every area has answered: ready to schedule');
    await chair.navigate(() => row.getByRole('link').click());
    expect((await tableRows(page, 'answers')).map(([area, answer]) => [area, answer])).toEqual([
      ['North Tyneside', 'Accepted'],
      ['Newcastle', 'Declined'],
    ]);

    // Act
    await chair.click('Schedule the meeting');
    expect(await chair.heading()).toBe('Schedule the meeting');
    // Each slot says who accepted it; nobody is left to answer, so there is no warning about that.
    expect(await page.locator('main .govuk-inset-text').count()).toBe(0);
    expect(await shown(page.locator('.govuk-radios__item', { has: page.getByLabel(`Slot 1: ${slot1.words}`) }))).toContain(
      'Accepted by North Tyneside. Proposed by Northumberland.',
    );
    expect(await shown(page.locator('.govuk-radios__item', { has: page.getByLabel(`Slot 2: ${slot2.words}`) }))).toContain(
      'No invited area has accepted this slot',
    );
    await page.getByLabel(`Slot 1: ${slot1.words}`).check();
    const scheduled = await chair.click('Schedule the meeting');

    // Assess
    expect(scheduled.status()).toBe(200);
    expect(chair.path()).toBe(`/meetings/${meetingId}?done=scheduled`);
    expect(await shown(page.locator('.govuk-notification-banner--success'))).toContain('Meeting scheduled');
    const summary = Object.fromEntries(await meetingSummary(page));
    expect(summary['Status']).toBe('Scheduled');
    expect(summary['When']).toContain(slot1.words);
    expect(summary['When']).toContain(`Scheduled by ${CHAIR_PERSON}`);
    expect((await tableRows(page, 'slots')).map(([slot]) => slot)).toEqual(['Slot 1 Chosen', 'Slot 2']);
    // Not started yet: the chair may cancel it, and is told when it can be recorded
    expect(await page.getByRole('button', { name: 'Record the meeting' }).count()).toBe(0);
    expect(await shown(page.locator('main .govuk-inset-text'))).toBe('You can record what was decided once the meeting has started.');
    expect(await page.getByRole('button', { name: 'Cancel the meeting' }).count()).toBe(1);

    // Act: download the calendar invitation
    const [download, response] = await Promise.all([
      page.waitForEvent('download'),
      page.waitForResponse((candidate) => new URL(candidate.url()).pathname === `/meetings/${meetingId}/calendar.ics`),
      page.getByRole('link', { name: `Download the calendar invitation for meeting ${reference}` }).click(),
    ]);
    const invitation = await downloaded(download);

    // Assess: a calendar file the browser saves, naming the meeting, the areas and the time, never the child
    expect(response.status()).toBe(200);
    const headers = await response.allHeaders();
    expect(headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(headers['content-disposition']).toBe('attachment; filename="meeting.ics"');
    expect(headers['cache-control']).toBe('no-store');
    expect(download.suggestedFilename()).toBe('meeting.ics');
    expect(invitation).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(invitation).toContain('BEGIN:VEVENT');
    expect(invitation).toContain(`SUMMARY:Cross-boundary MSET meeting ${reference}`);
    const utc = (instant: Date) =>
      instant
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '');
    expect(invitation).toContain(`DTSTART:${utc(slot1.start)}`);
    expect(invitation).toContain(`DTEND:${utc(new Date(slot1.start.getTime() + slot1.minutes * MINUTE))}`);
    expect(invitation.replace(/\r\n[ \t]/g, '')).toContain('Invited: North Tyneside\\, Newcastle');
    for (const hidden of [MEETING_TYPED.family, CHILD, MEETING_TYPED.dateOfBirth, '20110101', MEETING_TYPED.reason, 'Test agenda']) {
      expect(invitation).not.toContain(hidden);
    }
    expect(chair.path()).toBe(`/meetings/${meetingId}?done=scheduled`);
  });

  it("4. once the slot has started (the hub's clock moved on), the chair records it (forgetting who attended, at first) with two actions", async () => {
    // Prepare: five minutes into the meeting, by the hub's clock
    const { meetingId, slots } = requested();
    const [slot1] = slots;
    shiftMs = slot1.start.getTime() + 5 * MINUTE - Date.now();
    const chair = await openMeeting(CHAIR_NORTHUMBERLAND, meetingId);
    const page = chair.page;
    expect(await page.locator('main .govuk-inset-text').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Cancel the meeting' }).count()).toBe(0);

    // Act: the record, with the action row the form starts with, and a second one added
    await chair.click('Record the meeting');
    expect(await chair.heading()).toBe('Record the meeting');
    expect(await chair.mainText()).toContain(`The meeting was scheduled for ${slot1.words} (London time).`);
    const attended = page.getByRole('group', { name: 'Who attended' });
    // Everything but who attended, which the chair forgets
    await page.getByLabel('Decisions').fill(MEETING_TYPED.decisions);
    await page.getByLabel('Disruption plan (optional)').fill(MEETING_TYPED.meetingPlan);
    const review = dayAhead(90);
    await page.getByLabel('Review date').fill(review.typed);
    const action = (n: number) => page.getByRole('group', { name: `Action ${n}`, exact: true });
    await action(1).getByLabel('What needs to be done').fill(MEETING_TYPED.interview);
    await action(1).getByLabel('Area that owns it').selectOption({ label: 'North Tyneside' });
    await action(1).getByLabel('Agency that owns it').selectOption({ label: "Children's services" });
    await action(1).getByLabel('Due by').fill(actionDue.nt.typed);
    await chair.click('Add another action');
    expect(await action(2).count()).toBe(1);
    expect(await action(1).getByLabel('What needs to be done').inputValue()).toBe(MEETING_TYPED.interview);
    expect(await page.getByLabel('Review date').inputValue()).toBe(review.typed);
    await action(2).getByLabel('What needs to be done').fill(MEETING_TYPED.patrolPlan);
    await action(2).getByLabel('Area that owns it').selectOption({ label: 'Northumberland' });
    await action(2).getByLabel('Agency that owns it').selectOption({ label: 'Police' });
    await action(2).getByLabel('Due by').fill(actionDue.police.typed);
    const refused = await chair.click('Save the record');

    // Assess: the error summary links to the first box of "Who attended", which the message is read with
    expect(refused.status()).toBe(422);
    const links = await errorSummaryLinks(page);
    expect(links).toEqual([['#attendance', 'Select who attended, from at least one area']]);
    await expectLinksToFields(page, links);
    expect(await attended.getAttribute('aria-describedby')).toBe('attendance-error');
    expect(await action(2).getByLabel('Area that owns it').inputValue()).toBe('northumberland');

    // Act: who attended, and save
    await attended.getByRole('group', { name: 'Northumberland' }).getByLabel('Police').check();
    await attended.getByRole('group', { name: 'Northumberland' }).getByLabel("Children's services").check();
    await attended.getByRole('group', { name: 'North Tyneside' }).getByLabel("Children's services").check();
    const saved = await chair.click('Save the record');

    // Assess
    expect(saved.status()).toBe(200);
    expect(chair.path()).toBe(`/meetings/${meetingId}?done=recorded`);
    expect(await shown(page.locator('.govuk-notification-banner--success'))).toContain('Meeting record saved');
    expect(Object.fromEntries(await meetingSummary(page))['Status']).toBe('Held');
    expect(await attendance(page)).toEqual(["Northumberland: Police, Children's services", "North Tyneside: Children's services"]);
    expect(Object.fromEntries(await cardRows(page, 'Action 1'))).toEqual({
      'What needs to be done': MEETING_TYPED.interview,
      Owner: "North Tyneside: Children's services",
      'Due by': actionDue.nt.shown,
      Status: 'Open',
      Updates: 'None yet',
    });
    expect(Object.fromEntries(await cardRows(page, 'Action 2'))).toMatchObject({ Owner: 'Northumberland: Police', Status: 'Open' });
    // Each area updates its own actions: the chair's area owns action 2, not action 1.
    expect(await updateLink(page, 1).count()).toBe(0);
    expect(await updateLink(page, 2).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Record the meeting' }).count()).toBe(0);
  });

  it("5. North Tyneside's coordinator marks its action done, with a note", async () => {
    // Prepare
    const { meetingId } = requested();
    const nt = await openMeeting(COORDINATOR_NORTH_TYNESIDE, meetingId);
    expect(await updateLink(nt.page, 2).count()).toBe(0);

    // Act
    await nt.navigate(() => updateLink(nt.page, 1).click());
    expect(nt.path()).toMatch(new RegExp(`^/meetings/${meetingId}/actions/[^/?]+$`));
    expect(await nt.heading()).toBe('Update action 1');
    expect(await nt.page.getByLabel('Still open').isChecked()).toBe(true);
    await nt.page.getByLabel('Done', { exact: true }).check();
    await nt.page.getByLabel('Note').fill(MEETING_TYPED.actionNote);
    const updated = await nt.click('Save update');

    // Assess
    expect(updated.status()).toBe(200);
    expect(nt.path()).toBe(`/meetings/${meetingId}?done=action`);
    expect(await shown(nt.page.locator('.govuk-notification-banner--success'))).toContain('Action updated');
    const card = Object.fromEntries(await cardRows(nt.page, 'Action 1'));
    expect(card['Status']).toBe('Done');
    expect(card['Updates']).toContain(`Done: ${MEETING_TYPED.actionNote}`);
    expect(card['Updates']).toContain(NT_PERSON);
  });

  it('6. everyone in the meeting, Newcastle too, sees the record and the actions, action 1 done', async () => {
    for (const person of [CHAIR_NORTHUMBERLAND, COORDINATOR_NORTH_TYNESIDE, COORDINATOR_NEWCASTLE]) {
      // Act
      const visitor = await openMeeting(person, requested().meetingId);

      // Assess
      const page = visitor.page;
      expect(await sectionHeadings(page), person).toEqual(
        expect.arrayContaining(['The child', 'Meeting record', 'Actions', 'Why the meeting is needed', 'Agenda']),
      );
      expect(Object.fromEntries(await meetingSummary(page))['Status']).toBe('Held');
      const recorded = Object.fromEntries(await summaryRows(page, 'Meeting record'));
      expect(recorded).toMatchObject({
        Decisions: MEETING_TYPED.decisions,
        'Disruption plan': MEETING_TYPED.meetingPlan,
        'Recorded by': expect.stringContaining(CHAIR_PERSON),
      });
      expect(await attendance(page)).toEqual(["Northumberland: Police, Children's services", "North Tyneside: Children's services"]);
      const first = Object.fromEntries(await cardRows(page, 'Action 1'));
      expect(first).toMatchObject({ 'What needs to be done': MEETING_TYPED.interview, Status: 'Done', 'Due by': actionDue.nt.shown });
      expect(first['Updates']).toContain(MEETING_TYPED.actionNote);
      expect(Object.fromEntries(await cardRows(page, 'Action 2'))).toMatchObject({
        'What needs to be done': MEETING_TYPED.patrolPlan,
        Status: 'Open',
        'Due by': actionDue.police.shown,
      });
      if (person === COORDINATOR_NEWCASTLE) expect(await page.getByRole('link', { name: /^Update action/ }).count()).toBe(0);
      if (person === CHAIR_NORTHUMBERLAND) await visitor.screenshot('meeting');
    }
  });

  it('7. action 2 has a long history: "See all 23 updates" lists every update newest first, twenty to a page, saying who and when', async () => {
    // Prepare: Northumberland's police officer has noted the area's own action 22 times (through the API:
    // the history is what the test is about, not the typing), and the chair is at the action's page
    const { meetingId } = requested();
    const officer = await suite.hub.identity.mint(personaClaims(POLICE_NORTHUMBERLAND));
    const notedFrom = hubNow();
    for (let n = 1; n <= PATROL_NOTES; n += 1) {
      const noted = await fetch(`${suite.hub.url}/v1/meetings/${meetingId}/actions/action-2`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${officer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'OPEN', note: patrolNote(n) }),
      });
      expect(noted.status).toBe(200);
    }
    const notedTo = hubNow();
    const chair = await openMeeting(CHAIR_NORTHUMBERLAND, meetingId);
    await chair.navigate(() => updateLink(chair.page, 2).click());
    expect(await chair.heading()).toBe('Update action 2');
    const onActionPage = Object.fromEntries(await rowsOfList(chair.page));
    expect(onActionPage['Latest updates']).toContain(patrolNote(PATROL_NOTES));
    expect(await chair.page.getByRole('link', { name: `See all ${PATROL_NOTES} updates of action 2` }).count()).toBe(1);

    // Act: the chair marks it done, the 23rd update
    await chair.page.getByLabel('Done', { exact: true }).check();
    await chair.page.getByLabel('Note').fill(PATROL_DONE);
    const savedFrom = hubNow();
    const saved = await chair.click('Save update');
    const savedTo = hubNow();

    // Assess: the meeting's card shows the latest three and the link to all 23
    expect(saved.status()).toBe(200);
    const page = chair.page;
    const card = Object.fromEntries(await cardRows(page, 'Action 2'));
    expect(card['Status']).toBe('Done');
    expect(card['Updates']).toBeUndefined();
    for (const note of [PATROL_DONE, patrolNote(22), patrolNote(21)]) expect(card['Latest updates']).toContain(note);
    expect(card['Latest updates']).not.toContain(patrolNote(20));
    const total = PATROL_NOTES + 1;

    // Act: follow "See all 23 updates"
    await chair.navigate(() => page.getByRole('link', { name: `See all ${total} updates of action 2` }).click());

    // Assess: the first page, the newest twenty, numbered, each with who wrote it and when
    expect(chair.path()).toBe(`/meetings/${meetingId}/actions/action-2/updates`);
    expect(await chair.heading()).toBe('Updates of action 2');
    expect(await page.title()).toBe('Updates of action 2 – MSET Cross-Boundary Hub');
    expect(await shown(page.locator('main .govuk-caption-l'))).toBe(`Meeting ${requested().reference}`);
    const firstPage = await updatesListed(page);
    expect(firstPage.map((update) => update.number)).toEqual(Array.from({ length: 20 }, (_, index) => total - index));
    expect(firstPage[0]).toMatchObject({ status: 'Done', note: PATROL_DONE });
    expect(shownTimesBetween(savedFrom, savedTo).map((at) => `${CHAIR_PERSON}, ${at}`)).toContain(firstPage[0]?.by);
    const officerNoted = shownTimesBetween(notedFrom, notedTo).map((at) => `${POLICE_PERSON}, ${at}`);
    for (const update of firstPage.slice(1)) {
      expect(update).toMatchObject({ status: 'Open', note: patrolNote(update.number) });
      expect(officerNoted).toContain(update.by);
    }
    const main = await chair.mainText();
    expect(main).toContain(`${total} updates, newest first`);
    expect(await pagination(page)).toEqual([['next', 'Older updates']]);
    await chair.screenshot('action-updates', { mobile: true });
    expect(await scrollsSideways(page, 375), 'the list scrolls sideways on a phone').toBe(false);

    // Act and assess: the older three, then back to the newest
    await chair.navigate(() => page.getByRole('link', { name: 'Older updates' }).click());
    expect(chair.path()).toMatch(new RegExp(`^/meetings/${meetingId}/actions/action-2/updates\\?cursor=`));
    expect(chair.path()).not.toContain('Test');
    expect((await updatesListed(page)).map((update) => [update.number, update.note])).toEqual([3, 2, 1].map((n) => [n, patrolNote(n)]));
    expect(await pagination(page)).toEqual([['prev', 'Newest updates']]);
    await chair.navigate(() => page.getByRole('link', { name: 'Newest updates' }).click());
    expect((await updatesListed(page))[0]?.number).toBe(total);

    // Act and assess: back to the meeting, at the action
    await chair.navigate(() => page.getByRole('link', { name: 'Back', exact: true }).click());
    expect(chair.path()).toBe(`/meetings/${meetingId}`);
    expect(new URL(page.url()).hash).toBe('#action-2');
    expect(await chair.heading()).toBe('Meeting requested by Northumberland');
  });

  it('8. an area outside the meeting gets "Page not found" for its address, the same page as for a meeting that does not exist', async () => {
    // Prepare: someone the picker has no persona for, in Gateshead
    const gateshead = await suite.visitor();
    await gateshead.signIn(
      { name: 'Test Coordinator Gateshead', area: 'gateshead', agency: 'childrens-services', roles: ['coordinator'] },
      { returnTo: '/meetings' },
    );
    expect(await gateshead.heading()).toBe('Meetings your area is invited to');
    expect(await gateshead.page.locator(`a[href="/meetings/${requested().meetingId}"]`).count()).toBe(0);

    // Act
    const real = await gateshead.goto(`/meetings/${requested().meetingId}`);
    const realText = await gateshead.mainText();
    const realTitle = await gateshead.page.title();
    const madeUp = await gateshead.goto(`/meetings/${randomUUID()}`);
    const madeUpText = await gateshead.mainText();
    const invitation = await gateshead.context.request.get(gateshead.url(`/meetings/${requested().meetingId}/calendar.ics`));

    // Assess
    expect(real.status()).toBe(404);
    expect(madeUp.status()).toBe(404);
    expect(await gateshead.heading()).toBe('Page not found');
    expect(realTitle).toBe('Page not found – MSET Cross-Boundary Hub');
    expect(await gateshead.page.title()).toBe(realTitle);
    expect(realText).toBe(madeUpText);
    expect(realText).not.toContain(MEETING_TYPED.family);
    expect(invitation.status()).toBe(404);
    expect(invitation.headers()['content-type']).not.toContain('text/calendar');
  });
});
