/**
 * Canaries through the console: a unique string in every child field of "Send an alert" (every field that
 * takes text; the dates and choices cannot carry one), typed into a real browser, kept over a time-out,
 * corrected after an error, checked and sent; then opened by the receiving area. The canaries must show on
 * the sender's alert page (so they went through) and nowhere else: not in any address the browser asked
 * for or showed, any cookie, the browser's storage, any line the hub logged, any item of any table (read
 * through the DynamoDB API), or any file under the hub's data directory.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { COORDINATOR_NORTH_TYNESIDE, consoleSuite, POLICE_NORTHUMBERLAND, type Visitor } from '../support/browser.js';
import { canaryKit, captureOutput, readFilesUnder, scanEveryTable } from '../support/canary.js';
import type { TestHub } from '../support/hub.js';

// The hub's request and page logs are INFO: on, so there is something to search. Set before the logger loads.
vi.hoisted(() => {
  process.env['POWERTOOLS_LOG_LEVEL'] = 'INFO';
});
const output = captureOutput();
const { logged } = output;
afterAll(() => {
  output.restore();
  vi.restoreAllMocks();
});

const MINUTE = 60_000;
let shiftMs = 0;
const suite = consoleSuite({ clock: { now: () => new Date(Date.now() + shiftMs) } });

/** Valid (10 digits), and searched for like a canary. */
const NHS_NUMBER = '999 000 1234';
const { canary, shortCanary, made: canaries, leaksIn } = canaryKit([NHS_NUMBER]);

const contact = (key: string) => ({
  name: canary(`${key}.name`),
  role: canary(`${key}.role`),
  phone: canary(`${key}.ph`, 30),
  email: `${canary(`${key}.email`)}@example.org`,
});

/** Every text field of the form, by its name, with its canary. */
const TEXT_FIELDS: Record<string, string> = {
  'sharing[purpose]': canary('sharing.purpose'),
  'sharing[consent][reason]': canary('consent.reason'),
  'sharing[handling][conditions]': canary('handling.conditions'),
  'child[name][given]': canary('child.given'),
  'child[name][family]': canary('child.family'),
  'child[aliases]': `${canary('child.alias1')}\n${canary('child.alias2')}`,
  'child[gender]': canary('gender', 50),
  'child[identifiers][localCaseNumber]': canary('caseno', 50),
  'child[identifiers][nhsNumber]': NHS_NUMBER,
  'movement[details]': canary('movement.details'),
  'risk[summary]': canary('risk.summary'),
  'perpetrators[0][names]': `${canary('perp.name1')}\n${canary('perp.name2')}`,
  'perpetrators[0][nicknames]': canary('perp.nickname'),
  'perpetrators[0][marks]': canary('perp.mark'),
  'perpetrators[0][vehicles][0][registration]': shortCanary('CNYREG', 20),
  'perpetrators[0][vehicles][0][description]': canary('perp.vehicle'),
  'perpetrators[0][places]': canary('perp.place'),
  'locations[0][description]': canary('location.description'),
  'locations[0][postcode]': shortCanary('CNYP', 10),
  disruptionPlan: canary('disruptionPlan'),
  voice: canary('voice'),
  ...Object.fromEntries(
    (['leadProfessional', 'police', 'outOfHours'] as const).flatMap((key) =>
      Object.entries(contact(key)).map(([field, value]) => [`contacts[${key}][${field}]`, value]),
    ),
  ),
};

let police: Visitor;
let coordinator: Visitor;
let alertId: string;
let senderPage: string;
let browserState: string;

async function fillText(visitor: Visitor, names: readonly string[]): Promise<void> {
  for (const name of names) await visitor.page.locator(`[name="${name}"]`).fill(TEXT_FIELDS[name] as string);
}

beforeAll(async () => {
  police = await suite.visitor();
  const page = police.page;
  await police.signIn(POLICE_NORTHUMBERLAND, { returnTo: '/alerts/new' });

  // The rows the form needs: a perpetrator with a vehicle, a location
  await police.click('Add a perpetrator');
  await police.click('Add a vehicle');
  await police.click('Add a location');

  // Every field, the date of birth left out (an error to come back from)
  await page.locator('[name="recipients[0][area]"]').selectOption('north-tyneside');
  for (const scope of await page.locator('[name="recipients[0][scopes][]"]').all()) await scope.check();
  await page.locator('[name="sharing[lawfulBasis]"]').selectOption('DPA2018_PART3_SCH8_PARA4');
  await page.locator('input[name="sharing[consent][status]"][value="REFUSED"]').check();
  await page.locator('input[name="sharing[handling][code]"][value="C"]').check();
  await page.locator('input[name="movement[kind]"][value="MISSING_BELIEVED_IN_AREA"]').check();
  await page.locator('[name="movement[from]"]').selectOption('northumberland');
  await page.locator('[name="movement[to]"]').selectOption('north-tyneside');
  await page.locator('[name="movement[on]"]').fill('2026-12-01');
  await page.locator('input[name="risk[level]"][value="SIGNIFICANT"]').check();
  await page.locator('input[name="risk[exploitation][]"][value="CCE"]').check();
  await page.locator('input[name="risk[section47]"][value="ONGOING"]').check();
  await page.locator('[name="perpetrators[0][grading][source]"]').selectOption('2');
  await page.locator('[name="perpetrators[0][grading][intelligence]"]').selectOption('B');
  await page.locator('[name="perpetrators[0][grading][handling]"]').selectOption('C');
  await fillText(police, Object.keys(TEXT_FIELDS));

  // Sent with a mistake: the page comes back with everything typed
  const refused = await police.click('Continue');
  expect(refused.status()).toBe(422);
  expect(await page.locator('.govuk-error-summary a').getAttribute('href')).toBe('#child-dateOfBirth');
  await page.locator('[name="child[dateOfBirth]"]').fill('2011-01-01');

  // Sent after 31 idle minutes: kept on the server, given back after signing in again
  shiftMs += 31 * MINUTE;
  await police.click('Continue');
  expect(police.path()).toBe('/form-kept?returnTo=%2Falerts%2Fnew');
  await police.click('Sign in again');
  await police.choosePerson(POLICE_NORTHUMBERLAND);
  await police.click('Sign in');
  expect(police.path()).toBe('/alerts/new');
  expect(await page.locator('[name="voice"]').inputValue()).toBe(TEXT_FIELDS['voice']);

  // Check, then send
  await police.click('Continue');
  expect(police.path()).toBe('/alerts/new/check');
  await police.click('Send alert');
  alertId = /^\/alerts\/([0-9a-f-]{36})\?done=sent$/.exec(police.path())?.[1] as string;
  expect(alertId).toBeDefined();
  senderPage = await police.mainText();

  // The receiving area opens it
  coordinator = await suite.visitor();
  await coordinator.signIn(COORDINATOR_NORTH_TYNESIDE, { returnTo: `/alerts/${alertId}` });
  expect(await coordinator.heading()).toBe('Alert from Northumberland');
  await coordinator.goto('/alerts');

  // What each browser kept
  const state = async (visitor: Visitor) => ({
    cookies: await visitor.context.cookies(),
    storage: await visitor.page.evaluate(() => ({ local: { ...localStorage }, session: { ...sessionStorage } })),
  });
  browserState = JSON.stringify([await state(police), await state(coordinator)]);
  await suite.hub.drainAudit();
});

describe('the canaries went through', () => {
  it('every canary shows on the alert page for the sender', () => {
    // Assess: one per field, the lists split into their items, the vehicle as "registration: description"
    expect(canaries.length).toBeGreaterThanOrEqual(30);
    for (const value of canaries) expect(senderPage, value).toContain(value);
    expect(senderPage).toContain(NHS_NUMBER);
  });
});

describe('no canary anywhere else', () => {
  it('not in any address the browsers asked for or showed', () => {
    // Assess
    const addresses = [...police.requested, ...police.navigated, ...coordinator.requested, ...coordinator.navigated];
    expect(addresses.length).toBeGreaterThan(30);
    expect(addresses.some((address) => address.includes(`/alerts/${alertId}`))).toBe(true);
    expect(leaksIn(addresses.join('\n'))).toEqual([]);
  });

  it('not in any cookie, nor in local or session storage', () => {
    // Assess
    expect(browserState).toContain('mset-session');
    expect(leaksIn(browserState)).toEqual([]);
  });

  it('not in any line the hub logged', () => {
    // Assess: the hub did log each page, and nothing it logged is child content
    const text = logged.join('');
    expect(text).toContain('"message":"page"');
    expect(text).toContain('"status":422');
    expect(leaksIn(text)).toEqual([]);
  });

  it('not in any item of any table, read through the DynamoDB API', async () => {
    // Act
    const { tables, items } = await scanEveryTable({ dynamoEndpoint: suite.hub.dynamoEndpoint } as TestHub);

    // Assess: the tables hold what they should (so the search covered something), and no canary
    expect(tables).toEqual(expect.arrayContaining(['mset-hub-alerts', 'mset-hub-audit', 'mset-hub-sessions', 'mset-hub-idempotency']));
    expect(JSON.stringify(items['mset-hub-alerts'])).toContain(alertId);
    expect(items['mset-hub-sessions']!.length).toBeGreaterThan(0);
    for (const [table, tableItems] of Object.entries(items)) expect(leaksIn(JSON.stringify(tableItems)), table).toEqual([]);
  });

  it('not in any file under the data directory', async () => {
    // Act
    const files = await readFilesUnder(suite.hub.dataDir);

    // Assess
    expect(files.length).toBeGreaterThan(3);
    for (const { path, content } of files) expect(leaksIn(content.toString('latin1')), path).toEqual([]);
  });
});
