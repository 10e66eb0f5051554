/**
 * What the browser is told to do with the console's pages: the session cookie's flags, the security
 * headers of every page, long caching for fingerprinted assets only, and a Content-Security-Policy that
 * the browser enforces without a single violation on the console's own pages. The production path
 * (HTTPS, `__Host-` cookies, HSTS) is asserted by calling the console's Lambda handler as API Gateway would.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { setCookie } from '../../functions/console/http.js';
import { wire } from '../../functions/handlers/console.js';
import { apiEvent, lambdaContext } from '../support/apigw.js';
import {
  COORDINATOR_NORTH_TYNESIDE,
  consoleSuite,
  expectAccessible,
  expectConsolePageHeaders,
  POLICE_NORTHUMBERLAND,
} from '../support/browser.js';

/** The page's document, inside `page.evaluate` (the project compiles without the DOM library). */
declare const document: any;

const suite = consoleSuite();

describe('in the browser, over the local hub’s plain HTTP', () => {
  it('the session cookie is HttpOnly and SameSite=Lax, for the whole site, gone when the browser closes', async () => {
    // Prepare
    const police = await suite.visitor();

    // Act
    await police.signIn(POLICE_NORTHUMBERLAND);

    // Assess
    const cookies = await police.context.cookies(suite.hub.url);
    const session = cookies.find((cookie) => cookie.name === 'mset-session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false, expires: -1 });
    expect(session?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The sign-in's own cookie has done its job.
    expect(cookies.map((cookie) => cookie.name)).not.toContain('mset-sign-in');
    // Scripts on the page cannot read it.
    expect(await police.page.evaluate(() => document.cookie)).not.toContain('mset-session');
  });

  it('every page carries the security headers, and the browser reports no CSP violation on any of them', async () => {
    // Prepare
    const coordinator = await suite.visitor();
    await coordinator.signIn(COORDINATOR_NORTH_TYNESIDE, { from: 'start' });

    // Act: each visit checks the headers, the nonce, and the browser's reports (support/browser.ts)
    const pages: Array<[string, number]> = [];
    for (const path of ['/alerts', '/alerts/sent', '/alerts/new', '/areas', '/alerts/not-an-alert', '/nowhere']) {
      const response = await coordinator.goto(path);
      pages.push([path, response.status()]);
      const headers = await response.allHeaders();
      // The policy in full, so a loosened directive fails here.
      expect(headers['content-security-policy']).toMatch(
        /^default-src 'self'; script-src 'self' 'nonce-[A-Za-z0-9+/=]+'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'$/,
      );
      expect(headers['x-frame-options']).toBe('DENY');
    }
    await coordinator.click('Sign out', 'link');

    // Assess
    expect(pages).toEqual([
      ['/alerts', 200],
      ['/alerts/sent', 200],
      ['/alerts/new', 200],
      ['/areas', 200],
      ['/alerts/not-an-alert', 404],
      ['/nowhere', 404],
    ]);
    coordinator.expectNoProblems();
  });

  it('the browser enforces the policy: an inline script without the nonce is blocked and reported', async () => {
    // Prepare: proves that the "no violations" of every page check could see one
    const police = await suite.visitor();
    await police.signIn(POLICE_NORTHUMBERLAND);
    const page = police.page;

    // Act
    const reported = page.waitForEvent('console', (message) => /content security policy/i.test(message.text()));
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'document.body.dataset.injected = "ran"';
      document.body.append(script);
    });
    await reported;

    // Assess
    expect(await page.evaluate(() => document.body.dataset['injected'])).toBeUndefined();
    expect(police.cspViolations).toHaveLength(1);
    expect(police.cspViolations[0]).toMatch(/inline script/i);
    police.cspViolations.length = 0;
  });

  it("no other site can frame a console page (frame-ancestors 'none'), though it can frame an asset", async () => {
    // Prepare: another site on this machine (another port is another origin), and the person signed in
    const police = await suite.visitor();
    await police.signIn(POLICE_NORTHUMBERLAND);
    const page = police.page;
    const stylesheet = await page.locator('link[rel="stylesheet"]').getAttribute('href');
    const framing = `<!DOCTYPE html><html lang="en"><title>Another site</title><iframe name="page" title="page" src="${suite.hub.url}/alerts"></iframe><iframe name="asset" title="asset" src="${suite.hub.url}${stylesheet}"></iframe></html>`;
    const another = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(framing));
    await new Promise<void>((resolve) => another.listen(0, '127.0.0.1', resolve));
    const { port } = another.address() as AddressInfo;

    const answered: string[] = [];
    page.on('response', (response) => answered.push(`${response.status()} ${response.url()}`));

    try {
      // Act
      await page.goto(`http://127.0.0.1:${port}/`);

      // Assess: the browser refused the page (an error page in its place), not the asset
      expect(page.frame({ name: 'page' })?.url()).toBe('chrome-error://chromewebdata/');
      expect(page.frame({ name: 'asset' })?.url()).toBe(`${suite.hub.url}${stylesheet}`);
      // The hub did answer with the page: it was the browser that would not show it in a frame.
      expect(answered).toContain(`200 ${suite.hub.url}/alerts`);
    } finally {
      await new Promise((resolve) => another.close(resolve));
    }
  });

  it('assets under /assets/ are fingerprinted and cached for a year, immutable (every page: no-store)', async () => {
    // Prepare
    const police = await suite.visitor();

    // Act
    await police.signIn(POLICE_NORTHUMBERLAND, { from: 'start' });
    await police.goto('/alerts/new');

    // Assess
    const assets = new Map(police.assetResponses.map((asset) => [new URL(asset.url).pathname, asset.headers]));
    const names = [...assets.keys()];
    expect(
      names.some((name) => /^\/assets\/application-[0-9a-f]{8,}\.css$/.test(name)),
      names.join(),
    ).toBe(true);
    expect(
      names.some((name) => /^\/assets\/console-[0-9a-f]{8,}\.mjs$/.test(name)),
      names.join(),
    ).toBe(true);
    expect(
      names.some((name) => /govuk-frontend.*\.js$/.test(name)),
      names.join(),
    ).toBe(true);
    for (const [name, headers] of assets) {
      expect(headers['cache-control'], name).toBe('public, max-age=31536000, immutable');
      expect(headers['x-content-type-options'], name).toBe('nosniff');
    }
  });
});

describe('the checks every page gets can fail', () => {
  it('axe fails on a violation, naming the rule and the element', async () => {
    // Prepare: a console page with an image that has no text alternative
    const police = await suite.visitor();
    await police.signIn(POLICE_NORTHUMBERLAND);
    const favicon = await police.page.locator('link[rel="icon"]').getAttribute('href');
    await police.page.evaluate((src) => {
      const image = document.createElement('img');
      image.id = 'no-alternative';
      image.src = src;
      document.querySelector('main').append(image);
    }, favicon);

    // Act and assess
    await expect(expectAccessible(police.page, 'an image without alt')).rejects.toThrow(/image-alt[\s\S]*#no-alternative/);
  });

  it('the header check fails on a loosened policy or an inline script without the nonce', () => {
    // Prepare
    const good = {
      'content-security-policy': "default-src 'self'; script-src 'self' 'nonce-abc'; frame-ancestors 'none'",
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    };
    const html = '<script nonce="abc">document.body.className += " js-enabled"</script>';

    // Act and assess
    expect(() => expectConsolePageHeaders(good, html, 'good')).not.toThrow();
    const loosened = {
      ...good,
      'content-security-policy': "default-src 'self'; script-src 'self' 'unsafe-inline' 'nonce-abc'; frame-ancestors 'none'",
    };
    expect(() => expectConsolePageHeaders(loosened, html, 'unsafe-inline')).toThrow();
    expect(() => expectConsolePageHeaders({ ...good, 'cache-control': 'private' }, html, 'cached')).toThrow();
    expect(() => expectConsolePageHeaders(good, '<script>alert(1)</script>', 'no nonce')).toThrow();
  });
});

describe('on AWS, behind API Gateway over HTTPS (the console handler, called as the gateway calls it)', () => {
  const HOST = 'console.example.test';
  const call = async (path: string, cookies: string[] = [], query?: Record<string, string>) => {
    const handler = wire(suite.hub.environment);
    const event = {
      ...apiEvent({
        method: 'GET',
        path,
        routeKey: '$default',
        claims: null,
        headers: { host: HOST, 'x-forwarded-proto': 'https' },
        ...(query === undefined ? {} : { queryStringParameters: query }),
      }),
      ...(cookies.length === 0 ? {} : { cookies }),
    };
    const result = await handler(event, lambdaContext());
    return {
      status: result.statusCode,
      headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)])),
      cookies: result.cookies ?? [],
      body: result.body ?? '',
    };
  };

  it('cookies are __Host- prefixed and Secure, pages add Strict-Transport-Security to the same headers', async () => {
    // Act
    const start = await call('/');
    const signIn = await call('/sign-in', [], { returnTo: '/alerts' });

    // Assess
    expect(start.status).toBe(200);
    expectConsolePageHeaders(start.headers, start.body, 'GET / over HTTPS');
    expect(start.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
    expect(signIn.status).toBe(303);
    expect(signIn.cookies).toEqual([
      expect.stringMatching(/^__Host-mset-sign-in=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure; Max-Age=600$/),
    ]);
    expect(new URL(signIn.headers['location'] as string).searchParams.get('redirect_uri')).toBe(`https://${HOST}/auth/callback`);
    expect(setCookie('mset-session', 'a'.repeat(43), { secure: true })).toBe(
      `__Host-mset-session=${'a'.repeat(43)}; Path=/; HttpOnly; SameSite=Lax; Secure`,
    );
  });

  it('over HTTPS a session is read only from its __Host- cookie, and signing out clears that cookie', async () => {
    // Prepare: a real session, signed in through the browser
    const police = await suite.visitor();
    await police.signIn(POLICE_NORTHUMBERLAND);
    const token = (await police.context.cookies()).find((cookie) => cookie.name === 'mset-session')?.value as string;

    // Act
    const prefixed = await call('/alerts', [`__Host-mset-session=${token}`]);
    const plain = await call('/alerts', [`mset-session=${token}`]);
    const signOut = await call('/sign-out', [`__Host-mset-session=${token}`]);
    const after = await call('/alerts', [`__Host-mset-session=${token}`]);

    // Assess
    expect(prefixed.status).toBe(200);
    expect(prefixed.body).toContain('Signed in as <strong>Test Officer Northumberland</strong>');
    expect(plain.status).toBe(303);
    expect(plain.headers['location']).toBe('/sign-in?returnTo=%2Falerts');
    expect(signOut.status).toBe(303);
    expect(signOut.cookies).toEqual(['__Host-mset-session=; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=0']);
    expect(after.status).toBe(303);
    expect(after.headers['location']).not.toBe('/alerts');
  });
});
