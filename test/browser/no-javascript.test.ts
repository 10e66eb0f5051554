/**
 * The console works as HTML and CSS alone: journeys 1 and 2 (police sends an alert to two areas, North
 * Tyneside acknowledges it) again, in browser contexts with JavaScript turned off. Every page still passes
 * axe and the header checks; each page's check also confirms that no script ran on it.
 */
import { describe, it } from 'vitest';
import { consoleSuite } from '../support/browser.js';
import { northTynesideAcknowledges, policeSendsAlert, type SentAlert } from '../support/browser-journeys.js';

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
});
