/**
 * The console in a real browser: headless Chromium (one for the whole suite, see
 * test/browser/global-setup.ts) driving a real local hub started per test file.
 *
 * Every page a journey reaches goes through `Visitor.goto` or `Visitor.navigate`, which check it before the
 * journey goes on: axe finds no WCAG 2.2 A/AA violation; a console page carries its security headers and
 * its one inline script carries the Content-Security-Policy nonce; the browser reported no CSP violation
 * and no script error. So no journey can reach a page that fails these checks without failing.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBDocumentClient, ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { AxeBuilder } from '@axe-core/playwright';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Locator,
  type Page,
  chromium as playwright,
  type Response,
} from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import { LOCAL_TABLE_NAMES, localDynamoClient } from '../../local/dynamodb.js';
import { type Hub, type HubOptions, startHub } from '../../local/hub.js';
import { PERSONAS } from '../../local/personas.js';

/** The page's document, inside `page.evaluate` (the project compiles without the DOM library). */
declare const document: any;

declare module 'vitest' {
  export interface ProvidedContext {
    /** The suite's one browser (test/browser/global-setup.ts). */
    browserWsEndpoint: string;
    /** Where each test file leaves its count of axe checks, for the total printed at the end. */
    axeTallyDir: string;
  }
}

export type AxeTally = { readonly file: string; readonly checks: number; readonly pages: readonly string[] };

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));
export const SCREENSHOT_DIR = join(REPOSITORY, 'docs', 'screenshots');
/** `npm run screenshots` sets this: the journeys then save full-page screenshots of the pages they show. */
export const SCREENSHOTS = process.env['SCREENSHOTS'] === '1';

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

// ---- people ----

/** The local persona picker's people (local/personas.ts), by the name the picker shows. */
export const POLICE_NORTHUMBERLAND = 'Test Officer Northumberland';
export const COORDINATOR_NORTH_TYNESIDE = 'Test Coordinator North Tyneside';
export const COORDINATOR_NEWCASTLE = 'Test Coordinator Newcastle';
export const CHAIR_NORTHUMBERLAND = 'Test Chair Northumberland';

/** Someone the picker has no ready persona for: "Someone else", with the fields filled in. */
export type SomeoneElse = { readonly name: string; readonly area: string; readonly agency: string; readonly roles: readonly string[] };
export type Person = string | SomeoneElse;

const personName = (person: Person) => (typeof person === 'string' ? person : person.name);

/** A persona's claims, for minting an API token for the same person the browser signs in as. */
export function personaClaims(name: string) {
  const persona = PERSONAS.find((candidate) => candidate.claims.name === name);
  if (persona === undefined) throw new Error(`No persona named ${name}`);
  return persona.claims;
}

// ---- the hub and the browser, per test file ----

type ConsoleSuite = {
  readonly hub: Hub;
  readonly browser: Browser;
  /** A new person at the browser: a context of their own, closed after the test. */
  visitor(options?: VisitorOptions): Promise<Visitor>;
};

/**
 * Starts a hub in a temporary data directory and connects to the suite's browser before the file's tests,
 * closes every person's context after each test, and stops the hub after the file. Scheduled jobs do not
 * run on a timer unless asked: the journeys do not need them, and the machine has two cores.
 */
export function consoleSuite(options: Omit<HubOptions, 'port' | 'dataDir'> = {}): ConsoleSuite {
  let hub: Hub | undefined;
  let browser: Browser | undefined;
  let dataDir: string | undefined;
  let file = 'unknown';
  const open: Visitor[] = [];
  beforeAll(async () => {
    file = basename(expect.getState().testPath ?? 'unknown');
    const endpoint = inject('browserWsEndpoint');
    if (endpoint === undefined) throw new Error('No browser: run the browser tests through vitest (the "browser" project starts one)');
    browser = await playwright.connect(endpoint);
    dataDir = await mkdtemp(join(tmpdir(), 'mset-hub-browser-'));
    hub = await startHub({ port: 0, dataDir, jobIntervalMs: 0, ...options });
  });
  afterEach(async () => {
    const closing = open.splice(0);
    for (const visitor of closing) await visitor.close();
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
    await writeTally(file);
  });
  return {
    get hub() {
      if (hub === undefined) throw new Error('The hub has not started');
      return hub;
    },
    get browser() {
      if (browser === undefined) throw new Error('The browser is not connected');
      return browser;
    },
    visitor: async (visitorOptions = {}) => {
      if (hub === undefined || browser === undefined) throw new Error('The suite has not started');
      const visitor = await Visitor.open(browser, hub, visitorOptions);
      open.push(visitor);
      return visitor;
    },
  };
}

// ---- accessibility ----

const tally = { checks: 0, pages: new Set<string>() };

async function writeTally(file: string): Promise<void> {
  const dir = inject('axeTallyDir');
  if (dir === undefined) return;
  const record: AxeTally = { file, checks: tally.checks, pages: [...tally.pages].sort() };
  await writeFile(join(dir, `${file}-${process.pid}.json`), JSON.stringify(record));
}

/** A page's address with its ids taken out, so the tally can say how many different pages were checked. */
const pageKind = (url: string) =>
  new URL(url).pathname
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ':id')
    .replace(/interaction\/[^/]+/, 'interaction/:uid');

/** Runs axe on the page as it is now and fails on any WCAG 2.2 A or AA violation, naming each rule and element. */
export async function expectAccessible(page: Page, label: string = page.url()): Promise<void> {
  // Legacy mode runs axe in the page itself, without opening a blank page to merge frames' results: the
  // console has no frames, and this halves the time of a check (measured: about 320 ms against 700 ms).
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).setLegacyMode(true).analyze();
  const found = results.violations.map(
    (violation) =>
      `${violation.id} (${violation.impact ?? 'unknown impact'}): ${violation.help}\n    ${violation.nodes.map((node) => `${JSON.stringify(node.target)} ${node.html}\n      ${node.failureSummary ?? ''}`).join('\n    ')}`,
  );
  expect(found.length, `axe found violations on ${label}:\n  ${found.join('\n  ')}\n`).toBe(0);
  // A run that checked nothing would pass too: make sure the rules ran.
  expect(results.passes.length, `axe checked nothing on ${label}`).toBeGreaterThan(5);
  tally.checks += 1;
  tally.pages.add(pageKind(page.url()));
}

// ---- security headers ----

/** What every page of the console must carry; `html` is the page as sent, for the inline script's nonce. */
export function expectConsolePageHeaders(headers: Readonly<Record<string, string>>, html: string, label: string): void {
  const csp = headers['content-security-policy'];
  expect(csp, `${label}: Content-Security-Policy`).toBeDefined();
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toContain('unsafe-eval');
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/(^|; )default-src 'self'/);
  expect(headers['referrer-policy'], `${label}: Referrer-Policy`).toBe('no-referrer');
  expect(headers['cache-control'], `${label}: Cache-Control`).toBe('no-store');
  expect(headers['x-content-type-options'], `${label}: X-Content-Type-Options`).toBe('nosniff');
  const nonce = /'nonce-([^']+)'/.exec(csp ?? '')?.[1];
  expect(nonce, `${label}: a nonce in script-src`).toBeDefined();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
  const inline = scripts.filter((tag) => !/\ssrc=/.test(tag));
  // GOV.UK's template has one inline script (it marks the body as JavaScript-enabled); it needs the nonce.
  expect(inline.length, `${label}: the template's inline script`).toBeGreaterThanOrEqual(1);
  for (const tag of inline) expect(tag, `${label}: an inline script without this page's nonce`).toContain(`nonce="${nonce}"`);
  for (const tag of scripts.filter((candidate) => /\ssrc=/.test(candidate))) expect(tag).toMatch(/\ssrc="\/assets\//);
}

// ---- a person at the browser ----

export type VisitorOptions = {
  readonly javaScriptEnabled?: boolean;
  /** Extra context options (a viewport, a stored cookie). */
  readonly context?: BrowserContextOptions;
};

export class Visitor {
  /** Every URL the browser asked for, and every address a frame of this person's pages showed. */
  readonly requested: string[] = [];
  readonly navigated: string[] = [];
  /** Content-Security-Policy reports and uncaught script errors; each page check fails on any not taken. */
  readonly cspViolations: string[] = [];
  readonly scriptErrors: string[] = [];
  /** Every response for an asset under /assets/, with its headers. */
  readonly assetResponses: Array<{ url: string; headers: Record<string, string> }> = [];
  private companion: { context: BrowserContext; page: Page; html: string } | undefined;
  private closed = false;

  private constructor(
    readonly browser: Browser,
    readonly hub: Hub,
    readonly context: BrowserContext,
    readonly page: Page,
    readonly javaScriptEnabled: boolean,
  ) {}

  static async open(browser: Browser, hub: Hub, options: VisitorOptions = {}): Promise<Visitor> {
    const javaScriptEnabled = options.javaScriptEnabled ?? true;
    const context = await browser.newContext({ javaScriptEnabled, ...options.context });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const visitor = new Visitor(browser, hub, context, page, javaScriptEnabled);
    context.on('request', (request) => visitor.requested.push(request.url()));
    context.on('response', (response) => {
      if (new URL(response.url()).pathname.startsWith('/assets/')) {
        void response.allHeaders().then((headers) => visitor.assetResponses.push({ url: response.url(), headers }));
      }
    });
    context.on('page', (opened) => visitor.watch(opened));
    visitor.watch(page);
    return visitor;
  }

  private watch(page: Page): void {
    page.on('framenavigated', (frame) => this.navigated.push(frame.url()));
    page.on('console', (message) => {
      if (/content[- ]security[- ]policy/i.test(message.text())) this.cspViolations.push(message.text());
    });
    page.on('pageerror', (error) => this.scriptErrors.push(error.message));
  }

  url(path: string): string {
    return new URL(path, this.hub.url).toString();
  }

  /** The path (and query) the page is at. */
  path(): string {
    const url = new URL(this.page.url());
    return `${url.pathname}${url.search}`;
  }

  /** Opens a path of the hub (or a full URL) and checks the page it ends on. */
  async goto(path: string): Promise<Response> {
    const response = await this.page.goto(this.url(path));
    if (response === null) throw new Error(`No response for ${path}`);
    await this.check(response);
    return response;
  }

  /**
   * Does something that loads a new page (a click, a key press), waits for the page it ends on, after any
   * redirects, and checks it.
   */
  async navigate(action: () => Promise<unknown>): Promise<Response> {
    const page = this.page;
    const arrived = page.waitForResponse(
      (response) =>
        response.request().isNavigationRequest() &&
        response.frame() === page.mainFrame() &&
        !(response.status() >= 300 && response.status() < 400),
    );
    const committed = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame() });
    await action();
    const [response] = await Promise.all([arrived, committed]);
    await page.waitForLoadState('load');
    await this.check(response);
    return response;
  }

  /** Clicks a button or link by its accessible name and checks the page it leads to. */
  click(name: string | RegExp, role: 'button' | 'link' = 'button'): Promise<Response> {
    return this.navigate(() =>
      this.page
        .getByRole(role, { name, exact: typeof name === 'string' })
        .first()
        .click(),
    );
  }

  /**
   * Signs in through the local persona picker: from the start page (its "Sign in" button), or from a page
   * that needs a session (the default, as following a link to an alert would).
   */
  async signIn(person: Person, options: { from?: 'start'; returnTo?: string } = {}): Promise<Response> {
    if (options.from === 'start') {
      const start = await this.goto('/');
      expect(start.status()).toBe(200);
      expect(await this.heading()).toBe('Share information about a child moving between areas');
      await this.click('Sign in');
    } else {
      await this.goto(options.returnTo ?? '/alerts');
    }
    expect(this.path(), 'the persona picker').toMatch(/^\/idp\/interaction\//);
    expect(await this.heading()).toBe('Who are you signing in as?');
    await this.choosePerson(person);
    const response = await this.click('Sign in');
    expect(response.status()).toBe(200);
    expect(await shown(this.page.getByTestId('person'))).toContain(`Signed in as ${personName(person)}`);
    return response;
  }

  /** On the persona picker: picks the person (or "Someone else", filled in). */
  async choosePerson(person: Person): Promise<void> {
    const page = this.page;
    if (typeof person === 'string') {
      await page.getByLabel(person).check();
      return;
    }
    await page.getByLabel('Someone else').check();
    await page.locator('#name').fill(person.name);
    await page.locator('#area').selectOption(person.area);
    await page.locator('#agency').selectOption(person.agency);
    for (const role of person.roles) await page.locator(`#role-${role}`).check();
  }

  /** The page's h1, as shown. */
  async heading(): Promise<string> {
    return (await shown(this.page.locator('h1').first())).trim();
  }

  /** The text of the page's main content, as shown. */
  async mainText(): Promise<string> {
    return shown(this.page.locator('main'));
  }

  /** Saves a full-page screenshot as docs/screenshots/<name>.png when `npm run screenshots` runs the journeys. */
  async screenshot(name: string, options: { readonly mobile?: boolean } = {}): Promise<void> {
    if (!SCREENSHOTS) return;
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await this.page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
    if (options.mobile !== true) return;
    // The same page on a small phone's width, where GOV.UK's layout stacks: then back as it was.
    const size = this.page.viewportSize();
    await this.page.setViewportSize({ width: 375, height: 812 });
    await this.page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-mobile.png`), fullPage: true });
    if (size !== null) await this.page.setViewportSize(size);
  }

  /** The checks every page gets (see the top of this file). */
  async check(response: Response): Promise<void> {
    const url = new URL(response.url());
    const label = `${response.request().method()} ${url.pathname}${url.search} (${response.status()})`;
    const consolePage = url.origin === new URL(this.hub.url).origin && !url.pathname.startsWith('/idp/');
    if (consolePage) {
      expectConsolePageHeaders(await response.allHeaders(), await response.text(), label);
      // The inline script ran (its nonce was accepted), or, without JavaScript, nothing ran.
      const bodyClass = (await this.page.locator('body').getAttribute('class')) ?? '';
      if (this.javaScriptEnabled) expect(bodyClass, `${label}: the template's inline script ran`).toContain('js-enabled');
      else expect(bodyClass).not.toContain('js-enabled');
    }
    await expectAccessible(await this.axePage(), label);
    this.expectNoProblems(label);
  }

  /** Fails if the browser reported a CSP violation or a script error since the last check. */
  expectNoProblems(label = this.page.url()): void {
    expect(this.cspViolations, `${label}: Content-Security-Policy violations`).toEqual([]);
    expect(this.scriptErrors, `${label}: script errors`).toEqual([]);
  }

  /**
   * The page axe runs in. axe needs the page's JavaScript (its checks wait on timers, which never fire in a
   * context without JavaScript), so a page from such a context is checked in a companion context: the same
   * address, served the same DOM as this page has, with its scripts taken out so the companion renders it as
   * this browser does, with the same style sheets.
   */
  private async axePage(): Promise<Page> {
    if (this.javaScriptEnabled) return this.page;
    if (this.companion === undefined) {
      const viewport = this.page.viewportSize();
      const context = await this.browser.newContext(viewport === null ? {} : { viewport });
      const page = await context.newPage();
      const companion = { context, page, html: '' };
      await page.route(
        () => true,
        (route) =>
          route.request().isNavigationRequest()
            ? route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: companion.html })
            : route.continue(),
      );
      this.companion = companion;
    }
    this.companion.html = (await this.page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
    await this.companion.page.goto(this.page.url());
    // The same style sheets, or the contrast checks would mean nothing.
    const styled = await this.companion.page.evaluate(() => [...document.styleSheets].some((sheet) => sheet.cssRules.length > 100));
    expect(styled, 'the page axe checks has the console style sheet').toBe(true);
    return this.companion.page;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.companion?.context.close();
    await this.context.close();
  }
}

/** An element's text as the page shows it (Playwright's `innerText`: laid out, hidden parts left out). */
export function shown(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText, not the DOM's
  return locator.innerText();
}

// ---- the keyboard ----

/**
 * Presses Tab until the focused element matches `selector` (and holds `text`, if given), as someone using a
 * keyboard would; fails if it is not reached in `limit` presses. Returns how many presses it took.
 */
export async function tabTo(page: Page, selector: string, text?: string, limit = 80): Promise<number> {
  for (let presses = 1; presses <= limit; presses += 1) {
    await page.keyboard.press('Tab');
    const found = await page.evaluate(
      ([wanted, words]) => {
        const element = document.activeElement;
        return element?.matches(wanted) === true && (words === null || (element.textContent ?? '').includes(words));
      },
      [selector, text ?? null] as const,
    );
    if (found) {
      // The browser treats it as keyboard focus, so GOV.UK's focus style shows.
      expect(await page.evaluate(() => document.activeElement?.matches(':focus-visible')), `focus on ${selector} is visible`).toBe(true);
      return presses;
    }
  }
  throw new Error(
    `Tab never reached ${selector}${text === undefined ? '' : ` (${text})`} in ${limit} presses; focus is on ${await focused(page)}`,
  );
}

/** What has focus, for messages. */
export const focused = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement;
    return element === null
      ? 'nothing'
      : `${element.tagName.toLowerCase()}#${element.id} ${element.textContent?.trim().slice(0, 60) ?? ''}`;
  });

// ---- times as the console shows them ----

const LONDON_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const LONDON_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' });

/**
 * "by HH:MM today" or "by HH:MM tomorrow" for a deadline `hours` after some moment between `from` and `to`
 * (the time the alert was sent is not known to the minute), as a page shown between `from` and now says it.
 */
export function deadlinesBetween(from: Date, to: Date, hours: number): string[] {
  const texts = new Set<string>();
  const seen = [from, new Date()];
  for (let at = from.getTime(); at <= to.getTime() + 60_000; at += 30_000) {
    const due = new Date(Math.min(at, to.getTime()) + hours * 3_600_000);
    for (const moment of seen) {
      const day = LONDON_DAY.format(due) === LONDON_DAY.format(moment) ? 'today' : 'tomorrow';
      texts.add(`by ${LONDON_TIME.format(due)} ${day}`);
    }
  }
  return [...texts];
}

// ---- alerts sent through the API, for journeys that start with one already sent ----

/** Sends an alert as `sender` through the hub's JSON API; returns its id. */
export async function sendAlertThroughApi(hub: Hub, sender: string, body: unknown): Promise<string> {
  const token = await hub.identity.mint(personaClaims(sender));
  const response = await fetch(`${hub.url}/v1/alerts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { alertId?: string };
  expect(response.status, JSON.stringify(json)).toBe(201);
  return json.alertId as string;
}

// ---- the audit trail ----

export type AuditEntry = {
  readonly action: string;
  readonly outcome: string;
  readonly actor: { readonly sub?: string; readonly area?: string; readonly name?: string };
  readonly detail?: Record<string, string | number>;
  readonly requestId?: string;
};

/** Every audit event the hub has stored, once the queue has delivered all it holds. */
export async function auditEntries(hub: Hub): Promise<AuditEntry[]> {
  await hub.drainAudit();
  const client = DynamoDBDocumentClient.from(localDynamoClient(hub.dynamoEndpoint));
  try {
    const entries: AuditEntry[] = [];
    let startKey: ScanCommandOutput['LastEvaluatedKey'];
    do {
      const page: ScanCommandOutput = await client.send(
        new ScanCommand({ TableName: LOCAL_TABLE_NAMES.audit, ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }) }),
      );
      for (const item of page.Items ?? []) if (item['event'] !== undefined) entries.push(item['event'] as AuditEntry);
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return entries;
  } finally {
    client.destroy();
  }
}
