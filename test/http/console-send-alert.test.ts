/**
 * "Send an alert" over HTTP, as a browser without JavaScript uses it: "add another" for every list, the
 * error summary's links to the fields the contract names, and a whole alert reaching the recipient.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient } from '../support/console-client.js';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;
let police: ConsoleClient;

beforeAll(async () => {
  hub = await startTestHub();
  police = new ConsoleClient(hub.url);
  await police.signIn({ persona: 'POLICE_NORTHUMBERLAND' });
}, 60_000);

afterAll(async () => {
  await hub?.stop();
});

const ids = (html: string) => [...html.matchAll(/ id="([^"]+)"/g)].map((match) => match[1]);

describe('sending an alert from the console', () => {
  it('adds and removes rows of every list without JavaScript, keeping what was typed', async () => {
    let page = await police.post('/alerts/new', { action: 'add-recipient', 'recipients[0][area]': 'north-tyneside' });
    expect(ids(page.text)).toEqual(expect.arrayContaining(['recipients-0-area', 'recipients-1-area']));
    expect(page.text).toMatch(/<option value="north-tyneside" selected>/);
    page = await police.post('/alerts/new', { action: 'add-perpetrator' });
    expect(ids(page.text)).toContain('perpetrators-0-names');
    page = await police.post('/alerts/new', { action: 'add-vehicle-0', 'perpetrators[0][names]': 'Test Perp-One' });
    expect(ids(page.text)).toEqual(
      expect.arrayContaining(['perpetrators-0-vehicles-0-registration', 'perpetrators-0-vehicles-0-description']),
    );
    expect(page.text).toContain('Test Perp-One');
    page = await police.post('/alerts/new', {
      action: 'remove-vehicle-0-0',
      'perpetrators[0][names]': 'Test Perp-One',
      'perpetrators[0][vehicles][0][registration]': 'TE57 AAA',
    });
    expect(ids(page.text)).not.toContain('perpetrators-0-vehicles-0-registration');
    page = await police.post('/alerts/new', { action: 'add-location' });
    expect(ids(page.text)).toContain('locations-0-description');
  });

  it('links each error in the summary to a field on the page', async () => {
    const page = await police.post('/alerts/new', {
      action: 'continue',
      'recipients[0][area]': 'north-tyneside',
      'perpetrators[0][names]': 'Test Perp-One',
      'perpetrators[0][vehicles][0][description]': '',
      'child[identifiers][nhsNumber]': '12345',
    });
    expect(page.status).toBe(422);
    const summary = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(page.text)?.[0] ?? '';
    const links = [...summary.matchAll(/href="#([^"]+)"/g)].map((match) => match[1] as string);
    expect(links).toEqual(
      expect.arrayContaining([
        'recipients-0-scopes',
        'sharing-purpose',
        'child-dateOfBirth',
        'child-identifiers-nhsNumber',
        'perpetrators-0-grading',
      ]),
    );
    const present = new Set(ids(page.text));
    for (const link of links) expect(present.has(link), link).toBe(true);
  });

  it('sends every list to the recipient, who sees what its scopes grant', async () => {
    const sent = await police.post('/alerts/new', {
      action: 'continue',
      'recipients[0][area]': 'north-tyneside',
      'recipients[0][scopes][]': ['IDENTITY', 'PERPETRATORS', 'LOCATIONS'],
      'sharing[purpose]': 'To safeguard the child',
      'sharing[lawfulBasis]': 'UKGDPR_6_1_E_SCH1_PARA18',
      'sharing[consent][status]': 'OBTAINED',
      'sharing[handling][code]': 'C',
      'sharing[handling][conditions]': 'Not to be shared with the family',
      'child[name][given]': 'Test',
      'child[name][family]': 'Child-Alpha',
      'child[dateOfBirth]': '2011-03-27',
      'movement[kind]': 'PLACEMENT',
      'movement[on]': '2026-11-30',
      'risk[level]': 'MODERATE',
      'risk[exploitation][]': ['CSE', 'ONLINE'],
      'risk[summary]': 'Synthetic risk summary',
      'perpetrators[0][names]': 'Test Perp-One',
      'perpetrators[0][grading][source]': '2',
      'perpetrators[0][grading][intelligence]': 'B',
      'perpetrators[0][grading][handling]': 'P',
      'perpetrators[0][vehicles][0][registration]': 'TE57 AAA',
      'perpetrators[0][vehicles][0][description]': 'Test silver hatchback',
      'locations[0][description]': 'Test Park, by the bandstand',
      'contacts[leadProfessional][name]': 'Test Lead',
      'contacts[leadProfessional][role]': 'Social worker',
    });
    expect(sent.location).toBe('/alerts/new/check');
    const check = await police.get('/alerts/new/check');
    const formId = /name="formId" value="([^"]+)"/.exec(check.text)?.[1] as string;
    const done = await police.post('/alerts/new/check', { formId });
    const alertPath = (done.location as string).split('?')[0] as string;

    const coordinator = new ConsoleClient(hub.url);
    await coordinator.signIn({ persona: 'COORDINATOR_NORTH_TYNESIDE' });
    const alert = await coordinator.get(alertPath);
    expect(alert.status).toBe(200);
    expect(alert.text).toContain('TE57 AAA: Test silver hatchback');
    expect(alert.text).toContain('Test Park, by the bandstand');
    expect(alert.text).toContain('Not to be shared with the family');
    expect(alert.text).toContain('govuk-warning-text');
    // Not granted CONTACTS or RISK: neither appears.
    expect(alert.text).not.toContain('Test Lead');
    expect(alert.text).not.toContain('Synthetic risk summary');
  });
});
