/**
 * The console works as HTML and CSS alone: journeys 1 and 2 (police sends an alert to two areas, North
 * Tyneside acknowledges it) again, and police following a redirect to Newcastle and ending North Tyneside's
 * share, in browser contexts with JavaScript turned off. Every page still passes
 * axe and the header checks; each page's check also confirms that no script ran on it.
 */
import { describe, expect, it } from 'vitest';
import {
  COORDINATOR_NORTH_TYNESIDE,
  consoleSuite,
  POLICE_NORTHUMBERLAND,
  personaClaims,
  sendAlertThroughApi,
  shown,
} from '../support/browser.js';
import { northTynesideAcknowledges, policeSendsAlert, type SentAlert, SHARE_TYPED, tableRows } from '../support/browser-journeys.js';
import { sampleAlert } from '../support/hub.js';

const suite = consoleSuite();

describe('without JavaScript', () => {
  let alert: SentAlert | undefined;

  it('1. police sends an alert: the error summary, "Add another area", check answers and send are all plain forms', async () => {
    // Prepare
    const police = await suite.visitor({ javaScriptEnabled: false });

    // Act and assess
    alert = await policeSendsAlert(police);
  });

  it("2. North Tyneside's coordinator finds it, reads its own sections and acknowledges it", async () => {
    // Prepare
    if (alert === undefined) throw new Error('The alert was not sent (see the first test)');
    const coordinator = await suite.visitor({ javaScriptEnabled: false });

    // Act and assess
    await northTynesideAcknowledges(coordinator, alert);
  });

  it('3. police forwards a redirected alert to Newcastle and ends North Tyneside’s share, with plain links and forms', async () => {
    // Prepare: an alert North Tyneside redirected to Newcastle, through the API
    const alertId = await sendAlertThroughApi(suite.hub, POLICE_NORTHUMBERLAND, sampleAlert(['north-tyneside']));
    const token = await suite.hub.identity.mint(personaClaims(COORDINATOR_NORTH_TYNESIDE));
    const redirected = await fetch(`${suite.hub.url}/v1/alerts/${alertId}/acknowledgements`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify({ outcome: 'REDIRECTED', redirectTo: 'newcastle' }),
    });
    expect(redirected.status).toBe(201);
    const police = await suite.visitor({ javaScriptEnabled: false });
    const page = police.page;

    // Act: the one step from the alert's page
    await police.signIn(POLICE_NORTHUMBERLAND, { returnTo: `/alerts/${alertId}` });
    await police.click('Forward to Newcastle');
    await page.getByLabel('Why are you passing it on?').fill(SHARE_TYPED.forwardReason);
    await police.click('Forward to Newcastle');
    expect(await shown(page.locator('.govuk-notification-banner--success'))).toContain('Alert forwarded to Newcastle');

    // Act: end North Tyneside's share
    await police.click('End the share of North Tyneside', 'link');
    await page.getByLabel('Why are you ending the share?').fill(SHARE_TYPED.revokeReason);
    await police.click('End North Tyneside’s share');

    // Assess
    expect(await shown(page.locator('.govuk-notification-banner--success'))).toContain('North Tyneside’s share has ended');
    expect((await tableRows(page, 'custody')).map((row) => `${row[1]}: ${row[5]}`)).toEqual(['North Tyneside: Ended', 'Newcastle: Shared']);
  });
});
