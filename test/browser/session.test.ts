/**
 * Sessions in a real browser: signing out ends the session on the server; 30 idle minutes end it too, and
 * a form sent after that is kept for the same person (and nobody else) to finish after signing in again;
 * with JavaScript, a warning two minutes before the end lets the person stay signed in; a form without this
 * session's CSRF token is refused and the refusal audited.
 *
 * The hub's clock is moved forward by the tests (`shift`); the browser's timers by Playwright's clock.
 */
import { describe, expect, it } from 'vitest';
import {
  auditEntries,
  CHAIR_NORTHUMBERLAND,
  consoleSuite,
  expectAccessible,
  POLICE_NORTHUMBERLAND,
  personaClaims,
  shown,
  type Visitor,
} from '../support/browser.js';

/** The page's document, inside `page.evaluate` (the project compiles without the DOM library). */
declare const document: any;

const MINUTE = 60_000;
let shiftMs = 0;
const suite = consoleSuite({ clock: { now: () => new Date(Date.now() + shiftMs) } });

const TYPED = {
  purpose: 'Test purpose typed before the time-out',
  given: 'Test',
  family: 'Child-Alpha',
  summary: 'Test summary typed before the time-out',
};

/** Signs the officer in and starts an alert, typing into a few of its fields. */
async function startAlert(visitor: Visitor): Promise<void> {
  await visitor.signIn(POLICE_NORTHUMBERLAND, { returnTo: '/alerts/new' });
  expect(await visitor.heading()).toBe('Send an alert');
  const page = visitor.page;
  await page.locator('[name="sharing[purpose]"]').fill(TYPED.purpose);
  await page.getByLabel('First name').fill(TYPED.given);
  await page.getByLabel('Last name').fill(TYPED.family);
  await page.locator('[name="risk[summary]"]').fill(TYPED.summary);
}

/** Sends the form after 31 idle minutes: the console keeps it and asks the person to sign in again. */
async function sendAfterTimeOut(visitor: Visitor): Promise<void> {
  shiftMs += 31 * MINUTE;
  const kept = await visitor.click('Continue');
  expect(kept.status()).toBe(200);
  expect(visitor.path()).toBe('/form-kept?returnTo=%2Falerts%2Fnew');
  expect(await visitor.heading()).toBe('Sign in to finish what you were doing');
  const cookies = await visitor.context.cookies();
  expect(cookies.map((cookie) => cookie.name)).not.toContain('mset-session');
  const keptCookie = cookies.find((cookie) => cookie.name === 'mset-kept');
  expect(keptCookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
  // Nothing typed is in the page, its address or the cookie: the form is kept, sealed, on the server.
  expect(await visitor.page.content()).not.toContain(TYPED.purpose);
  expect(JSON.stringify(cookies)).not.toContain('Child-Alpha');
  await visitor.click('Sign in again');
  expect(await visitor.heading()).toBe('Who are you signing in as?');
}

describe('signing out and timing out', () => {
  it('signing out ends the session on the server: the old cookie, replayed in another browser, only leads to signing in', async () => {
    // Prepare
    const police = await suite.visitor();
    await police.signIn(POLICE_NORTHUMBERLAND);
    const stolen = (await police.context.cookies()).find((cookie) => cookie.name === 'mset-session');
    expect(stolen).toBeDefined();

    // Act
    await police.click('Sign out', 'link');

    // Assess: signed out here
    expect(police.path()).toBe('/signed-out');
    expect(await police.heading()).toBe('You have signed out');
    expect((await police.context.cookies()).map((cookie) => cookie.name)).not.toContain('mset-session');
    const signOuts = (await auditEntries(suite.hub)).filter((entry) => entry.action === 'CONSOLE_SIGN_OUT');
    expect(signOuts).toEqual([
      expect.objectContaining({ outcome: 'SUCCESS', actor: expect.objectContaining({ sub: personaClaims(POLICE_NORTHUMBERLAND).sub }) }),
    ]);

    // Act: the same cookie from another browser
    const replay = await suite.visitor({ context: { storageState: { cookies: [stolen!], origins: [] } } });
    await replay.goto('/alerts');

    // Assess: no alerts, only a way to sign in, and the dead cookie is dropped
    expect(replay.navigated.map((url) => new URL(url).pathname)).not.toContain('/alerts');
    // A session that has been ended is no session: straight to signing in, as with no cookie at all.
    expect(replay.path()).toMatch(/^\/idp\/interaction\//);
    expect(await replay.heading()).toBe('Who are you signing in as?');
    expect((await replay.context.cookies()).map((cookie) => cookie.name)).not.toContain('mset-session');
  });

  it('after 31 idle minutes the next page is "You have been signed out", and the session is gone', async () => {
    // Prepare
    const police = await suite.visitor();
    await police.signIn(POLICE_NORTHUMBERLAND);

    // Act
    shiftMs += 31 * MINUTE;
    await police.goto('/alerts/sent');

    // Assess
    expect(police.path()).toBe('/signed-out?reason=timeout&returnTo=%2Falerts%2Fsent');
    expect(await police.heading()).toBe('You have been signed out');
    expect(await police.mainText()).toContain('because you had not used the service for 30 minutes');
    expect((await police.context.cookies()).map((cookie) => cookie.name)).not.toContain('mset-session');

    // Signing in again goes back to the page the person was on
    await police.click('Sign in again');
    await police.choosePerson(POLICE_NORTHUMBERLAND);
    await police.click('Sign in');
    expect(police.path()).toBe('/alerts/sent');
    expect(await police.heading()).toBe('Alerts sent');
  });

  it('a form sent after the time-out is kept: signing in again as the same person brings it back, filled in', async () => {
    // Prepare
    const police = await suite.visitor();
    await startAlert(police);
    await sendAfterTimeOut(police);

    // Act
    await police.choosePerson(POLICE_NORTHUMBERLAND);
    const back = await police.click('Sign in');

    // Assess
    expect(back.status()).toBe(200);
    expect(police.path()).toBe('/alerts/new');
    expect(await shown(police.page.locator('.govuk-notification-banner'))).toContain(
      'You were signed out before your alert was sent. We kept what you typed',
    );
    const page = police.page;
    expect(await page.locator('[name="sharing[purpose]"]').inputValue()).toBe(TYPED.purpose);
    expect(await page.getByLabel('First name').inputValue()).toBe(TYPED.given);
    expect(await page.getByLabel('Last name').inputValue()).toBe(TYPED.family);
    expect(await page.locator('[name="risk[summary]"]').inputValue()).toBe(TYPED.summary);
    expect((await police.context.cookies()).map((cookie) => cookie.name)).not.toContain('mset-kept');
  });

  it('someone else signing in on the same browser does not get the kept form', async () => {
    // Prepare
    const police = await suite.visitor();
    await startAlert(police);
    await sendAfterTimeOut(police);

    // Act: the chair signs in at the same browser (the chair may send alerts too)
    await police.choosePerson(CHAIR_NORTHUMBERLAND);
    await police.click('Sign in');

    // Assess
    expect(police.path()).toBe('/alerts/new');
    expect(await shown(police.page.getByTestId('person'))).toContain(`Signed in as ${CHAIR_NORTHUMBERLAND}`);
    expect(await police.page.locator('.govuk-notification-banner').count()).toBe(0);
    expect(await police.page.locator('[name="sharing[purpose]"]').inputValue()).toBe('');
    expect(await police.page.getByLabel('Last name').inputValue()).toBe('');
    const html = await police.page.content();
    for (const typed of [TYPED.purpose, TYPED.summary, TYPED.family]) expect(html).not.toContain(typed);
    expect((await police.context.cookies()).map((cookie) => cookie.name)).not.toContain('mset-kept');
  });

  it('with JavaScript, a dialog warns two minutes before the time-out, and "Stay signed in" keeps the session', async () => {
    // Prepare: the browser's timers are Playwright's, so its 28 minutes pass at once
    const police = await suite.visitor();
    const page = police.page;
    await page.clock.install();
    await police.signIn(POLICE_NORTHUMBERLAND);
    const dialog = page.locator('#timeout-warning');
    expect(await dialog.isVisible()).toBe(false);

    // Act
    await page.clock.fastForward('28:01');
    await dialog.waitFor({ state: 'visible' });

    // Assess: the warning, which must be accessible too
    expect(await shown(dialog.getByRole('heading'))).toBe('You’re about to be signed out');
    expect(await shown(dialog.locator('[data-countdown]'))).toMatch(/^1 minute 5\d seconds$/);
    expect(await page.evaluate(() => document.getElementById('timeout-warning').open)).toBe(true);
    await expectAccessible(page, 'the time-out warning');

    // Act: 29 minutes later on the hub's clock, stay signed in
    shiftMs += 29 * MINUTE;
    const extended = page.waitForResponse((response) => new URL(response.url()).pathname === '/session/extend');
    await dialog.getByRole('button', { name: 'Stay signed in' }).click();

    // Assess
    expect((await extended).status()).toBe(204);
    await dialog.waitFor({ state: 'hidden' });
    // 54 minutes after signing in, 25 after staying: still signed in
    shiftMs += 25 * MINUTE;
    await police.goto('/alerts/sent');
    expect(police.path()).toBe('/alerts/sent');
    expect(await police.heading()).toBe('Alerts sent');
  });
});

describe('forms without this session’s CSRF token', () => {
  it('a form with a wrong token, or none, gets "You do not have permission" (403) and an audit record', async () => {
    // Prepare
    const police = await suite.visitor();
    await startAlert(police);
    const token = police.page.locator('input[name="csrfToken"]').first();
    await token.evaluate((input: any) => {
      input.value = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    });

    // Act
    const wrong = await police.click('Continue');
    await police.goto('/alerts/new');
    await police.page.locator('[name="risk[summary]"]').fill(TYPED.summary);
    await police.page
      .locator('input[name="csrfToken"]')
      .first()
      .evaluate((input) => input.remove());
    const missing = await police.click('Continue');

    // Assess
    for (const response of [wrong, missing]) expect(response.status()).toBe(403);
    expect(await police.heading()).toBe('You do not have permission to do this');
    expect(await police.page.content()).not.toContain(TYPED.summary);
    const refusals = (await auditEntries(suite.hub)).filter(
      (entry) => entry.action === 'CONSOLE_FORM' && entry.actor.sub === personaClaims(POLICE_NORTHUMBERLAND).sub,
    );
    expect(refusals).toEqual([
      expect.objectContaining({ outcome: 'FORBIDDEN', detail: { reason: 'csrf', path: '/alerts/new' } }),
      expect.objectContaining({ outcome: 'FORBIDDEN', detail: { reason: 'csrf', path: '/alerts/new' } }),
    ]);
    // Still signed in: a refused form is not a sign-out.
    await police.goto('/alerts/sent');
    expect(await police.heading()).toBe('Alerts sent');
  });
});
