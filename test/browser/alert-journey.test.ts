/**
 * The alert journeys in a real browser, with JavaScript: police sends an alert to two areas with different
 * scopes; North Tyneside acknowledges it (and, in its own test, acknowledges another from the keyboard
 * alone); an area it was not sent to gets "Page not found"; police sees the acknowledgement and who opened
 * the alert. Every page passes axe and the console's header checks on the way (test/support/browser.ts).
 * `npm run screenshots` runs this file with SCREENSHOTS=1 to save docs/screenshots/.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  COORDINATOR_NORTH_TYNESIDE,
  consoleSuite,
  focused,
  POLICE_NORTHUMBERLAND,
  sendAlertThroughApi,
  shown,
  tabTo,
} from '../support/browser.js';
import {
  cardRows,
  northTynesideAcknowledges,
  policeSendsAlert,
  type SentAlert,
  sectionHeadings,
  shareStatuses,
  TYPED,
} from '../support/browser-journeys.js';
import { sampleAlert } from '../support/hub.js';

/** The page's document, inside `page.evaluate` (the project compiles without the DOM library). */
declare const document: any;

const suite = consoleSuite();

describe('an alert from Northumberland police to North Tyneside and Newcastle, in the browser', () => {
  let alert: SentAlert | undefined;
  const sent = () => {
    if (alert === undefined) throw new Error('The alert was not sent (see the first test)');
    return alert;
  };

  it('1. police sends it: an error summary linked to the fields, "Add another area" without scripts, check answers, send', async () => {
    // Prepare
    const police = await suite.visitor();

    // Act and assess (each step checks the page it reaches)
    alert = await policeSendsAlert(police);
  });

  it("2. North Tyneside's coordinator sees its deadline both ways, only its own sections, and acknowledges it", async () => {
    // Prepare
    const coordinator = await suite.visitor();

    // Act and assess
    await northTynesideAcknowledges(coordinator, sent());
  });

  it('2 (keyboard). a coordinator acknowledges an alert with Tab, the arrow keys in a radio group, Space and Enter, no clicks', async () => {
    // Prepare: another alert for North Tyneside, sent through the API
    const alertId = await sendAlertThroughApi(
      suite.hub,
      POLICE_NORTHUMBERLAND,
      sampleAlert(['north-tyneside'], {
        risk: { level: 'SIGNIFICANT', exploitation: ['CSE'], summary: 'Synthetic summary for the keyboard' },
      }),
    );
    const coordinator = await suite.visitor();
    const page = coordinator.page;

    // Act: sign in from the start page
    await coordinator.goto('/');
    await tabTo(page, 'a.govuk-button--start', 'Sign in');
    await coordinator.navigate(() => page.keyboard.press('Enter'));
    expect(await coordinator.heading()).toBe('Who are you signing in as?');
    // The radio group takes one Tab stop; the arrow keys choose within it.
    await tabTo(page, 'input[name="person"]');
    for (let presses = 0; presses < 10 && !(await page.getByLabel(COORDINATOR_NORTH_TYNESIDE).isChecked()); presses += 1) {
      await page.keyboard.press('ArrowDown');
    }
    expect(await page.getByLabel(COORDINATOR_NORTH_TYNESIDE).isChecked(), await focused(page)).toBe(true);
    await tabTo(page, 'button[type="submit"]', 'Sign in');
    await coordinator.navigate(() => page.keyboard.press('Enter'));
    expect(await shown(page.getByTestId('person'))).toContain(`Signed in as ${COORDINATOR_NORTH_TYNESIDE}`);

    // Act: open the alert from the list
    await tabTo(page, `a[href="/alerts/${alertId}"]`);
    await coordinator.navigate(() => page.keyboard.press('Enter'));
    expect(coordinator.path()).toBe(`/alerts/${alertId}`);

    // Act: choose an outcome with Space, type a note, send with Enter
    await tabTo(page, 'input[name="outcome"][value="ACCEPTED"]');
    await page.keyboard.press('Space');
    expect(await page.getByLabel('We accept it').isChecked()).toBe(true);
    await tabTo(page, 'textarea#note');
    await page.keyboard.type('Test note typed from the keyboard');
    await tabTo(page, 'button', 'Send acknowledgement');
    const done = await coordinator.navigate(() => page.keyboard.press('Enter'));

    // Assess
    expect(done.status()).toBe(200);
    expect(coordinator.path()).toBe(`/alerts/${alertId}?done=acknowledged`);
    expect(await shown(page.locator('.govuk-notification-banner--success'))).toContain('Alert acknowledged');
    expect(await shareStatuses(page)).toEqual({ 'North Tyneside': 'Acknowledged' });
    expect(Object.fromEntries(await cardRows(page, 'Acknowledgement'))).toMatchObject({
      Outcome: 'Accepted',
      Note: 'Test note typed from the keyboard',
    });
    // The success banner takes focus, so a screen reader user hears it first.
    expect(await page.evaluate(() => document.activeElement?.classList.contains('govuk-notification-banner'))).toBe(true);
  });

  it('3. an area the alert was not sent to gets "Page not found", the same page as for an id that does not exist', async () => {
    // Prepare
    const gateshead = await suite.visitor();
    await gateshead.signIn({ name: 'Test Coordinator Gateshead', area: 'gateshead', agency: 'childrens-services', roles: ['coordinator'] });
    expect(await gateshead.page.locator(`a[href="/alerts/${sent().alertId}"]`).count()).toBe(0);

    // Act
    const real = await gateshead.goto(`/alerts/${sent().alertId}`);
    const realText = await gateshead.mainText();
    const realTitle = await gateshead.page.title();
    const madeUp = await gateshead.goto(`/alerts/${randomUUID()}`);
    const madeUpText = await gateshead.mainText();

    // Assess
    expect(real.status()).toBe(404);
    expect(madeUp.status()).toBe(404);
    expect(await gateshead.heading()).toBe('Page not found');
    expect(realTitle).toBe('Page not found – MSET Cross-Boundary Hub');
    expect(await gateshead.page.title()).toBe(realTitle);
    expect(realText).toBe(madeUpText);
    expect(realText).not.toContain(TYPED.family);
  });

  it('4. police sees the acknowledgement on the alert and who opened and acknowledged it in the access history', async () => {
    // Prepare
    const police = await suite.visitor();

    // Act
    await police.signIn(POLICE_NORTHUMBERLAND, { returnTo: `/alerts/${sent().alertId}` });

    // Assess: the alert page
    const page = police.page;
    expect(police.path()).toBe(`/alerts/${sent().alertId}`);
    expect(await sectionHeadings(page)).toContain('Who it was shared with');
    expect(await shareStatuses(page)).toEqual({ 'North Tyneside': 'Acknowledged', Newcastle: 'Awaiting acknowledgement' });
    expect(Object.fromEntries(await cardRows(page, 'Acknowledgement'))).toMatchObject({
      Outcome: 'Accepted',
      By: "Test Coordinator North Tyneside (Children's services, North Tyneside)",
      Note: TYPED.ackNote,
    });

    // Act: the access history
    await police.click('Who has seen this alert (access history)', 'link');

    // Assess
    expect(await police.heading()).toBe('Access history');
    const rows = await page
      .locator('[data-testid="history"] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())));
    const entries = rows.map(([, who, area, what, outcome]) => `${who} | ${area} | ${what} | ${outcome}`);
    expect(entries).toEqual(
      expect.arrayContaining([
        'Test Officer Northumberland | Northumberland | Sent the alert | Done',
        'Test Coordinator North Tyneside | North Tyneside | Opened the alert | Done',
        'Test Coordinator North Tyneside | North Tyneside | Acknowledged the alert | Done',
      ]),
    );
    // Newest first: the acknowledgement comes before the opening it followed.
    const acknowledged = entries.indexOf('Test Coordinator North Tyneside | North Tyneside | Acknowledged the alert | Done');
    const opened = entries.lastIndexOf('Test Coordinator North Tyneside | North Tyneside | Opened the alert | Done');
    expect(acknowledged).toBeLessThan(opened);
    for (const [when] of rows) expect(when).toMatch(/^\d{2}:\d{2} on \d{1,2} [A-Z][a-z]+ \d{4}$/);
  });
});
