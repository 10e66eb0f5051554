/**
 * A share's whole life in a real browser, with JavaScript (issue 12, "Done when"): Northumberland police
 * alerts North Tyneside from the console, choosing whether areas may pass it on; North Tyneside redirects it
 * to Newcastle; police forwards it to Newcastle from the alert's page in one step; Newcastle acknowledges
 * it; police ends North Tyneside's share behind an "Are you sure" page; North Tyneside's coordinator then
 * gets "Page not found", the page an area that never held the alert gets. Then a share near its end: the
 * warning tag, and an extension through the GOV.UK date input; and a forward that waits for the sender's
 * approval, asked and approved. Every page passes axe and the console's
 * header checks on the way (test/support/browser.ts). `npm run screenshots` saves the chain of custody.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  COORDINATOR_NEWCASTLE,
  COORDINATOR_NORTH_TYNESIDE,
  consoleSuite,
  POLICE_NORTHUMBERLAND,
  sendAlertThroughApi,
  shown,
} from '../support/browser.js';
import {
  cardRows,
  errorSummaryLinks,
  expectLinksToFields,
  policeAlertsOneArea,
  SHARE_TYPED,
  shareStatuses,
  summaryRowsAfter,
  tableRows,
} from '../support/browser-journeys.js';
import { sampleAlert } from '../support/hub.js';

const suite = consoleSuite();

describe('a share’s whole life, in the browser', () => {
  let alertId: string | undefined;
  const sent = () => {
    if (alertId === undefined) throw new Error('The alert was not sent (see the first test)');
    return alertId;
  };

  it('1. police alerts North Tyneside, saying areas may pass it on within what they were given', async () => {
    const police = await suite.visitor();
    alertId = await policeAlertsOneArea(police, 'north-tyneside');
    expect(Object.fromEntries(await summaryRowsAfter(police.page, 'North Tyneside'))['Passing it on']).toBe(
      'They may pass it on to other areas, within what they were given',
    );
  });

  it('2. North Tyneside says the alert should go to Newcastle instead', async () => {
    const coordinator = await suite.visitor();
    const page = coordinator.page;
    await coordinator.signIn(COORDINATOR_NORTH_TYNESIDE, { returnTo: `/alerts/${sent()}` });
    expect(coordinator.path()).toBe(`/alerts/${sent()}`);
    await page.getByLabel('It should go to another area', { exact: true }).check();
    await page.getByLabel('If it should go to another area, which area?').selectOption('newcastle');
    await page.getByLabel('Note (optional)').fill(SHARE_TYPED.redirectNote);
    const done = await coordinator.click('Send acknowledgement');
    expect(done.status()).toBe(200);
    expect(Object.fromEntries(await cardRows(page, 'Acknowledgement'))).toMatchObject({ Outcome: 'Redirected to Newcastle' });
    // A recipient is not offered the sender's follow-up, nor any change to a share.
    expect(await page.getByRole('button', { name: 'Forward to Newcastle' }).count()).toBe(0);
    expect(await page.getByTestId('share-actions').count()).toBe(0);
  });

  it('3. police forwards it to Newcastle from the alert page in one step, and sees the chain of custody', async () => {
    const police = await suite.visitor();
    const page = police.page;
    await police.signIn(POLICE_NORTHUMBERLAND, { returnTo: `/alerts/${sent()}` });
    // Beside the redirect, the one step: a button naming the area it was redirected to.
    expect(await shown(page.locator('main'))).toContain('North Tyneside says the alert should go to Newcastle');
    // GOV.UK's button as a link: a link to the form, with a button's role and look.
    await police.click('Forward to Newcastle');
    expect(police.path()).toBe(`/alerts/${sent()}/forward?to=newcastle&like=north-tyneside`);
    expect(await police.heading()).toBe('Forward the alert to Newcastle');
    // The sections North Tyneside was given are chosen already; the sender may grant any.
    const checked = await page
      .locator('input[name="scopes"]:checked')
      .evaluateAll((inputs) => inputs.map((input) => input.getAttribute('value')));
    expect(checked).toEqual(['IDENTITY', 'MOVEMENT', 'RISK', 'VOICE']);
    expect(await page.locator('input[name="scopes"]').count()).toBe(8);

    // Sent without a reason: the error summary links to the box, and nothing is lost
    const refused = await police.click('Forward to Newcastle');
    expect(refused.status()).toBe(422);
    expect(await page.title()).toMatch(/^Error: Forward the alert to Newcastle/);
    const links = await errorSummaryLinks(page);
    expect(links).toEqual([['#reason', 'Enter why you are passing the alert on']]);
    await expectLinksToFields(page, links);
    expect(await page.locator('input[name="scopes"]:checked').count()).toBe(4);
    await police.screenshot('forward-errors', { mobile: true });

    await page.getByLabel('Why are you passing it on?').fill(SHARE_TYPED.forwardReason);
    const done = await police.click('Forward to Newcastle');
    expect(done.status()).toBe(200);
    expect(police.path()).toBe(`/alerts/${sent()}?done=forwarded&area=newcastle`);
    expect(await shown(page.locator('.govuk-notification-banner--success'))).toContain('Alert forwarded to Newcastle');
    expect(await shareStatuses(page)).toEqual({ 'North Tyneside': 'Acknowledged', Newcastle: 'Awaiting acknowledgement' });
    expect(await page.getByRole('button', { name: 'Forward to Newcastle' }).count()).toBe(0);
    const chain = await tableRows(page, 'custody');
    expect(chain.map(([from, to, scopes, , why, status]) => [from, to, scopes, why, status])).toEqual([
      ['Northumberland', 'North Tyneside', "Identity, Movement, Risk, Child's voice", `Sent the alert: ${SHARE_TYPED.purpose}`, 'Shared'],
      ['Northumberland', 'Newcastle', "Identity, Movement, Risk, Child's voice", SHARE_TYPED.forwardReason, 'Shared'],
    ]);
    expect(chain[1]?.[3]).toMatch(/^Test Officer Northumberland \(Police, Northumberland\), \d{2}:\d{2} on \d{1,2} [A-Z][a-z]+ \d{4}$/);
  });

  it('4. Newcastle sees where its share came from, and acknowledges it', async () => {
    const coordinator = await suite.visitor();
    const page = coordinator.page;
    await coordinator.signIn(COORDINATOR_NEWCASTLE);
    await coordinator.navigate(() => page.locator(`a[href="/alerts/${sent()}"]`).first().click());
    const given = Object.fromEntries(await summaryRowsAfter(page, 'Newcastle'));
    expect(given['Came from']).toMatch(
      new RegExp(
        `^Northumberland, passed on by Test Officer Northumberland \\(Police, Northumberland\\) at .+\\. Why: ${SHARE_TYPED.forwardReason}$`,
      ),
    );
    // Its own share only: nothing of North Tyneside's, nor of the chain.
    expect(Object.keys(await shareStatuses(page))).toEqual(['Newcastle']);
    expect(await page.getByTestId('custody').count()).toBe(0);
    await page.getByLabel('We accept it').check();
    await coordinator.click('Send acknowledgement');
    expect(await shareStatuses(page)).toEqual({ Newcastle: 'Acknowledged' });
  });

  it('5. police ends North Tyneside’s share behind an "Are you sure" page that says what happens', async () => {
    const police = await suite.visitor();
    const page = police.page;
    await police.signIn(POLICE_NORTHUMBERLAND, { returnTo: `/alerts/${sent()}` });
    await police.click('End the share of North Tyneside', 'link');
    expect(police.path()).toBe(`/alerts/${sent()}/shares/north-tyneside/revoke`);
    expect(await police.heading()).toBe('Are you sure you want to end North Tyneside’s share?');
    const consequences = await page.getByTestId('consequences').locator('li').allInnerTexts();
    expect(consequences[0]).toBe('North Tyneside loses access to the alert at once: its people will get ‘Page not found’');
    expect(consequences).toContain('any share North Tyneside passed on ends too (it has passed on none)');
    await police.screenshot('revoke-confirm', { mobile: true });

    const refused = await police.click('End North Tyneside’s share');
    expect(refused.status()).toBe(422);
    const links = await errorSummaryLinks(page);
    expect(links).toEqual([['#reason', 'Enter why you are ending the share']]);
    await expectLinksToFields(page, links);

    await page.getByLabel('Why are you ending the share?').fill(SHARE_TYPED.revokeReason);
    const done = await police.click('End North Tyneside’s share');
    expect(done.status()).toBe(200);
    expect(await shown(page.locator('.govuk-notification-banner--success'))).toContain('North Tyneside’s share has ended');
    expect(await shareStatuses(page)).toEqual({ 'North Tyneside': 'Ended', Newcastle: 'Acknowledged' });
    expect(Object.fromEntries(await cardRows(page, 'Share ended'))).toMatchObject({
      How: 'Ended by the sending area',
      By: 'Test Officer Northumberland (Police, Northumberland)',
      Reason: SHARE_TYPED.revokeReason,
    });
    expect(await page.getByRole('link', { name: 'End the share of North Tyneside', exact: true }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'End the share of Newcastle', exact: true }).count()).toBe(1);
    const chain = await tableRows(page, 'custody');
    expect(chain.map((row) => `${row[1]}: ${row[5]}`)).toEqual(['North Tyneside: Ended', 'Newcastle: Shared']);
    await police.screenshot('chain-of-custody');
  });

  it('6. North Tyneside’s coordinator now gets "Page not found", exactly as an area that never held it', async () => {
    const coordinator = await suite.visitor();
    await coordinator.signIn(COORDINATOR_NORTH_TYNESIDE);
    expect(await coordinator.page.locator(`a[href="/alerts/${sent()}"]`).count()).toBe(0);
    const revoked = await coordinator.goto(`/alerts/${sent()}`);
    const revokedText = await coordinator.mainText();
    const revokedTitle = await coordinator.page.title();
    const never = await coordinator.goto(`/alerts/${randomUUID()}`);
    expect(revoked.status()).toBe(404);
    expect(never.status()).toBe(404);
    expect(await coordinator.heading()).toBe('Page not found');
    expect(revokedTitle).toBe(await coordinator.page.title());
    expect(revokedText).toBe(await coordinator.mainText());
    // Its access history too.
    expect((await coordinator.goto(`/alerts/${sent()}/history`)).status()).toBe(404);
  });

  it('7. a share a week from its end carries a red warning tag, and police extends it with the date input', async () => {
    const ends = new Date(Date.now() + 6 * 24 * 3_600_000);
    const id = await sendAlertThroughApi(
      suite.hub,
      POLICE_NORTHUMBERLAND,
      sampleAlert(['north-tyneside'], { sharing: { ...sampleAlert().sharing, expiresAt: ends.toISOString() } }),
    );
    const police = await suite.visitor();
    const page = police.page;
    await police.signIn(POLICE_NORTHUMBERLAND, { returnTo: '/alerts/sent' });
    const row = page.locator('tr', { has: page.locator(`a[href="/alerts/${id}"]`) });
    expect(await shown(row.locator('.govuk-tag.govuk-tag--red'))).toBe('Expires in 6 days');
    await police.screenshot('alerts-sent');
    await police.navigate(() => row.getByRole('link').click());
    const tag = page.locator('h3:text-is("North Tyneside") + .govuk-summary-list .govuk-tag.govuk-tag--red');
    expect(await shown(tag)).toBe('Expires in 6 days');

    await police.click('Extend the share of North Tyneside', 'link');
    expect(await police.heading()).toBe('Extend North Tyneside’s share');
    // Past the latest a share may reach: two years from when the alert was sent.
    const tooLate = new Date(Date.now() + 3 * 365 * 24 * 3_600_000);
    await page.getByLabel('Day').fill(String(tooLate.getUTCDate()));
    await page.getByLabel('Month').fill(String(tooLate.getUTCMonth() + 1));
    await page.getByLabel('Year').fill(String(tooLate.getUTCFullYear()));
    await page.getByLabel('Why does the share need to last longer?').fill(SHARE_TYPED.justification);
    const refused = await police.click('Extend the share');
    expect(refused.status()).toBe(422);
    const [[href, text]] = (await errorSummaryLinks(page)) as [[string, string]];
    expect(href).toBe('#expiresAt-day');
    expect(text).toMatch(/^The new end must be no later than \d{1,2} [A-Z][a-z]+ \d{4}, two years from when the alert was sent$/);
    // GOV.UK's date input: the link goes to its first box, and the message is the whole input's.
    expect(await page.locator('#expiresAt-day').evaluate((element) => element.tagName)).toBe('INPUT');
    expect(await shown(page.locator('#expiresAt-error'))).toContain(text);

    const later = new Date(Date.now() + 90 * 24 * 3_600_000);
    await page.getByLabel('Day').fill(String(later.getUTCDate()));
    await page.getByLabel('Month').fill(String(later.getUTCMonth() + 1));
    await page.getByLabel('Year').fill(String(later.getUTCFullYear()));
    const done = await police.click('Extend the share');
    expect(done.status()).toBe(200);
    expect(await shown(page.locator('.govuk-notification-banner--success'))).toContain('North Tyneside’s share has been extended');
    expect(await tag.count()).toBe(0);
    expect(Object.fromEntries(await summaryRowsAfter(page, 'North Tyneside'))['Extended']).toContain(`Why: ${SHARE_TYPED.justification}`);
  });

  it('8. under "only with our approval", North Tyneside asks; police approves it from the chain of custody', async () => {
    const id = await sendAlertThroughApi(
      suite.hub,
      POLICE_NORTHUMBERLAND,
      sampleAlert(['north-tyneside'], {
        sharing: { ...sampleAlert().sharing, handling: { code: 'P', onwardSharing: 'ORIGINATOR_APPROVAL' } },
      }),
    );
    const coordinator = await suite.visitor();
    const page = coordinator.page;
    await coordinator.signIn(COORDINATOR_NORTH_TYNESIDE, { returnTo: `/alerts/${id}` });
    await coordinator.click('Ask to pass this alert on to another area', 'link');
    expect(await coordinator.heading()).toBe('Pass the alert on to another area');
    // Only what North Tyneside was given may be passed on.
    const offered = await page.locator('input[name="scopes"]').evaluateAll((inputs) => inputs.map((input) => input.getAttribute('value')));
    expect(offered).toEqual(['IDENTITY', 'MOVEMENT', 'RISK', 'CONTACTS']);
    await page.getByLabel('Which area should it go to?').selectOption('newcastle');
    await page.getByLabel('Identity').check();
    await page.getByLabel('Why are you passing it on?').fill(SHARE_TYPED.forwardReason);
    const asked = await coordinator.click('Ask Northumberland to approve it');
    expect(asked.status()).toBe(200);
    expect(await coordinator.heading()).toBe('Request sent for approval');
    expect(await coordinator.mainText()).toContain('Northumberland must approve your request before Newcastle can see the alert.');

    const police = await suite.visitor();
    await police.signIn(POLICE_NORTHUMBERLAND, { returnTo: `/alerts/${id}` });
    await police.click(/^Approve or refuse/, 'link');
    expect(await police.heading()).toBe('North Tyneside asks to pass the alert on to Newcastle');
    const refused = await police.click('Send decision');
    expect(refused.status()).toBe(422);
    expect((await errorSummaryLinks(police.page)).map(([href]) => href)).toEqual(['#decision', '#reason']);
    await police.page.getByLabel('Yes, approve it').check();
    await police.page.getByLabel('Reason for your decision').fill('Test reason: agreed with North Tyneside');
    await police.click('Send decision');
    expect(await shown(police.page.locator('.govuk-notification-banner--success'))).toContain(
      'Request approved: Newcastle now holds a share',
    );
    expect((await tableRows(police.page, 'custody')).map((row) => `${row[1]}: ${row[5]}`)).toEqual([
      'North Tyneside: Shared',
      expect.stringMatching(/^Newcastle: Shared Approved by Test Officer Northumberland/),
    ]);
  });
});
