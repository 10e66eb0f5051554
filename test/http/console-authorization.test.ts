/**
 * The console's alert pages across areas and roles: each person signs in through the local provider and
 * asks for every page. What a person may not know exists is "Page not found" (404), the same page as for an
 * id that never existed; what their role may not do is "You do not have permission" (403). The rules are
 * written out here independently of the code, as the API's matrix writes them.
 */

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES } from '../../contracts/alerts.js';
import type { Role } from '../../contracts/identity.js';
import { scanEveryTable } from '../support/canary.js';
import { ConsoleClient, heading, type PageResponse } from '../support/console-client.js';
import { sampleAlert, startTestHub, type TestHub } from '../support/hub.js';

const ROLES: readonly Role[] = ['police', 'coordinator', 'chair', 'practitioner', 'auditor'];
type Relation = 'sender' | 'recipient' | 'unrelated';
const AREA_OF: Record<Relation, string> = { sender: 'northumberland', recipient: 'north-tyneside', unrelated: 'gateshead' };

const MAY = {
  create: ['police', 'coordinator', 'chair'],
  read: ['police', 'coordinator', 'chair', 'practitioner'],
  acknowledge: ['coordinator', 'chair'],
  history: ['police', 'coordinator', 'chair', 'auditor'],
} as const satisfies Record<string, readonly Role[]>;
const may = (role: Role, right: keyof typeof MAY) => (MAY[right] as readonly Role[]).includes(role);

let hub: TestHub;
let alertId: string;
const people = new Map<string, ConsoleClient>();
const key = (relation: Relation, role: Role) => `${relation}:${role}`;

function mainText(page: PageResponse): string {
  const main = /<main[\s\S]*?<\/main>/.exec(page.text)?.[0] ?? '';
  return main.replace(/name="csrfToken" value="[^"]*"/g, '').replace(/\s+/g, ' ');
}

/** The words of the page's main content, as a person reads them. */
function shownText(page: PageResponse): string {
  return mainText(page)
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

beforeAll(async () => {
  hub = await startTestHub();
  const police = await hub.token('northumberland', 'police');
  const created = await hub.call('POST', '/v1/alerts', { token: police, body: sampleAlert(['north-tyneside']) });
  expect(created.status).toBe(201);
  alertId = created.json.alertId;
  // A significant alert's first step tells the receiving area at once, whatever the hour, through the
  // local hub's mail outbox.
  const significant = sampleAlert(['north-tyneside'], {
    risk: { level: 'SIGNIFICANT', exploitation: ['CCE'], summary: 'Synthetic summary' },
  });
  expect((await hub.call('POST', '/v1/alerts', { token: police, body: significant })).status).toBe(201);
  await hub.runJob('ladder-sweep');
  await hub.drainNotifications();
  for (const relation of ['sender', 'recipient', 'unrelated'] as const) {
    for (const role of ROLES) {
      const client = new ConsoleClient(hub.url);
      await client.signIn({
        name: `Test ${role} ${relation}`,
        area: AREA_OF[relation],
        agency: role === 'police' ? 'police' : 'childrens-services',
        roles: [role],
      });
      people.set(key(relation, role), client);
    }
  }
}, 120_000);

afterAll(async () => {
  await hub?.stop();
});

const EVERYONE = (['sender', 'recipient', 'unrelated'] as const).flatMap((relation) => ROLES.map((role) => [relation, role] as const));

describe('the console across areas and roles', () => {
  it.each(EVERYONE)('lists alerts for a %s %s only if the role may read', async (relation, role) => {
    const client = people.get(key(relation, role)) as ConsoleClient;
    for (const path of ['/alerts', '/alerts/sent']) {
      const page = await client.get(path);
      expect(page.status, `${path}`).toBe(may(role, 'read') ? 200 : 403);
      // A listing never names the child.
      expect(page.text).not.toContain('Child-Alpha');
    }
    const inbox = await client.get('/alerts');
    const listed = inbox.text.includes(`/alerts/${alertId}`);
    expect(listed).toBe(relation === 'recipient' && may(role, 'read'));
  });

  it.each(EVERYONE)('shows a %s %s the local hub’s mail outbox, which holds no child content', async (relation, role) => {
    const client = people.get(key(relation, role)) as ConsoleClient;
    const page = await client.get('/outbox');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Mail outbox');
    expect(page.text).not.toContain('Child-Alpha');
    // Only the mail to the person's own area: the recipient's MSET mailbox was told; nobody else sees that.
    expect(page.text.includes('mset@north-tyneside.example.gov.uk')).toBe(relation === 'recipient');
  });

  it.each(EVERYONE)('offers "Send an alert" to a %s %s only if the role may send', async (relation, role) => {
    const client = people.get(key(relation, role)) as ConsoleClient;
    const page = await client.get('/alerts/new');
    expect(page.status).toBe(may(role, 'create') ? 200 : 403);
    const nav = /<nav[\s\S]*?<\/nav>/.exec((await client.get('/areas')).text)?.[0] ?? '';
    expect(nav.includes('href="/alerts/new"')).toBe(may(role, 'create'));
  });

  it.each(EVERYONE)("opens the alert for a %s %s: 404 outside the alert's areas, 403 without the right", async (relation, role) => {
    const client = people.get(key(relation, role)) as ConsoleClient;
    const page = await client.get(`/alerts/${alertId}`);
    const expected = relation === 'unrelated' ? 404 : may(role, 'read') ? 200 : 403;
    expect(page.status).toBe(expected);
    if (expected === 404) {
      // The same page as for an alert that never existed: nothing tells them this one does.
      const never = await client.get('/alerts/00000000-0000-4000-8000-000000000000');
      expect(never.status).toBe(404);
      expect(mainText(page)).toBe(mainText(never));
      expect(heading(page)).toBe('Page not found');
    }
    if (expected === 200) {
      // The recipient was granted the sample's scopes; only the sender sees the share list of all areas.
      expect(page.text).toContain('Test Child-Alpha');
    }
  });

  it.each(EVERYONE)('shows the access history to a %s %s only with the right', async (relation, role) => {
    const client = people.get(key(relation, role)) as ConsoleClient;
    const page = await client.get(`/alerts/${alertId}/history`);
    expect(page.status).toBe(relation === 'unrelated' ? 404 : may(role, 'history') ? 200 : 403);
  });

  it.each(EVERYONE)('refuses a bad acknowledgement from a %s %s without telling an outsider the alert exists', async (relation, role) => {
    const client = people.get(key(relation, role)) as ConsoleClient;
    const page = await client.post(`/alerts/${alertId}`, { outcome: 'NOT-AN-OUTCOME' });
    if (relation === 'unrelated') expect(page.status).toBe(404);
    else if (!may(role, 'read')) expect(page.status).toBe(403);
    else {
      expect(page.status).toBe(422);
      expect(page.text).toContain('govuk-error-summary');
    }
  });

  it('lets only a recipient coordinator or chair acknowledge, once', async () => {
    const outcomes: Record<string, number> = {};
    for (const [relation, role] of EVERYONE) {
      if (relation === 'recipient' && may(role, 'acknowledge')) continue;
      const client = people.get(key(relation, role)) as ConsoleClient;
      outcomes[key(relation, role)] = (
        await client.post(`/alerts/${alertId}`, { outcome: 'ACCEPTED', formId: `form-${relation}-${role}-xxxxxxxxxxxx` })
      ).status;
    }
    for (const [name, status] of Object.entries(outcomes)) {
      const [relation, role] = name.split(':') as [Relation, Role];
      expect(status, name).toBe(relation === 'unrelated' ? 404 : 403);
      expect(role).toBeDefined();
    }
    const coordinator = people.get(key('recipient', 'coordinator')) as ConsoleClient;
    const done = await coordinator.post(`/alerts/${alertId}`, { outcome: 'ACCEPTED', formId: 'form-recipient-coordinator-0001' });
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/alerts/${alertId}?done=acknowledged`);
    // The same form sent again (a double click) is the same acknowledgement, not a conflict.
    const again = await coordinator.post(`/alerts/${alertId}`, { outcome: 'ACCEPTED', formId: 'form-recipient-coordinator-0001' });
    expect(again.status).toBe(303);
    // Another person's acknowledgement now conflicts.
    const chair = people.get(key('recipient', 'chair')) as ConsoleClient;
    expect((await chair.post(`/alerts/${alertId}`, { outcome: 'ACCEPTED', formId: 'form-recipient-chair-000000001' })).status).toBe(409);
  });

  it('refuses a form without the session’s CSRF token with 403, on record', async () => {
    const coordinator = people.get(key('recipient', 'coordinator')) as ConsoleClient;
    const missing = await coordinator.post(`/alerts/${alertId}`, { outcome: 'ACCEPTED' }, { csrf: false });
    const wrong = await coordinator.post(`/alerts/${alertId}`, { outcome: 'ACCEPTED' }, { csrf: 'x'.repeat(43) });
    expect(missing.status).toBe(403);
    expect(wrong.status).toBe(403);
    expect(heading(missing)).toBe('You do not have permission to do this');
    await hub.drainAudit();
    const { items } = await scanEveryTable(hub);
    const refusals = (items['mset-hub-audit'] ?? [])
      .map((item) => unmarshall(item as Record<string, AttributeValue>)['event'])
      .filter((event) => event?.action === 'CONSOLE_FORM' && event.outcome === 'FORBIDDEN' && event.actor.area === 'north-tyneside');
    expect(refusals).toHaveLength(2);
  });

  it('sends a person with no session to sign in, and keeps unknown pages "not found"', async () => {
    const stranger = new ConsoleClient(hub.url);
    const page = await stranger.get(`/alerts/${alertId}`);
    expect(page.status).toBe(303);
    expect(page.location).toBe(`/sign-in?returnTo=${encodeURIComponent(`/alerts/${alertId}`)}`);
    const start = await stranger.get('/');
    expect(start.status).toBe(200);
    expect(start.text).toContain('Sign in');
    const police = people.get(key('sender', 'police')) as ConsoleClient;
    expect((await police.get('/no/such/page')).status).toBe(404);
  });
});

/**
 * A share's whole life in the console (issue 12): the chain of custody on the alert's page and the forms
 * that change a share, for every role in four areas: the sending area, a recipient, an area the recipient
 * forwarded to, and an outsider. An outsider (and an area that holds nothing of the alert yet) gets the
 * same "Page not found" as for an alert that never existed; a role that may not act, "You do not have
 * permission"; and links and buttons appear only for what the person may do.
 */
describe('a share’s life in the console across four areas and every role', () => {
  type Side = 'sender' | 'recipient' | 'forwarded' | 'outsider';
  const SIDES: readonly Side[] = ['sender', 'recipient', 'forwarded', 'outsider'];
  const client = (side: Side, role: Role) =>
    side === 'forwarded'
      ? (forwarded.get(role) as ConsoleClient)
      : (people.get(key(side === 'outsider' ? 'unrelated' : side, role)) as ConsoleClient);
  const forwarded = new Map<Role, ConsoleClient>();
  const ALL = SIDES.flatMap((side) => ROLES.map((role) => [side, role] as const));
  const manages = (role: Role) => ['police', 'coordinator', 'chair'].includes(role);
  const forwards = (role: Role) => ['coordinator', 'chair'].includes(role);
  const NT_SCOPES = ['IDENTITY', 'MOVEMENT', 'RISK', 'CONTACTS'];
  const ONWARD_SCOPES = ['IDENTITY', 'RISK'];
  const REASON = 'Test reason: the child stays in Newcastle at weekends';
  const NEVER = '00000000-0000-4000-8000-000000000000';
  /** A: shared on by North Tyneside to Newcastle at once. B: the terms ask the sender's approval, and Newcastle's request awaits it. */
  let a: string;
  let b: string;
  let requestId: string;

  beforeAll(async () => {
    const police = await hub.token('northumberland', 'police');
    const coordinator = await hub.token('north-tyneside', 'coordinator');
    a = (await hub.call('POST', '/v1/alerts', { token: police, body: sampleAlert(['north-tyneside']) })).json.alertId;
    const onward = await hub.call('POST', `/v1/alerts/${a}/forwards`, {
      token: coordinator,
      body: { area: 'newcastle', scopes: ONWARD_SCOPES, reason: REASON },
    });
    expect(onward.status).toBe(201);
    const approval = sampleAlert(['north-tyneside'], {
      sharing: { ...sampleAlert().sharing, handling: { code: 'P', onwardSharing: 'ORIGINATOR_APPROVAL' } },
    });
    b = (await hub.call('POST', '/v1/alerts', { token: police, body: approval })).json.alertId;
    const asked = await hub.call('POST', `/v1/alerts/${b}/forwards`, {
      token: coordinator,
      body: { area: 'newcastle', scopes: ONWARD_SCOPES, reason: REASON },
    });
    expect(asked.status).toBe(202);
    requestId = asked.json.forwardId;
    for (const role of ROLES) {
      const person = new ConsoleClient(hub.url);
      await person.signIn({
        name: `Test ${role} forwarded`,
        area: 'newcastle',
        agency: role === 'police' ? 'police' : 'childrens-services',
        roles: [role],
      });
      forwarded.set(role, person);
    }
  }, 120_000);

  /** Asks for `path`, and for an outsider's 404 checks it is the very page an alert that never existed gets. */
  async function expectAnswer(person: ConsoleClient, path: string, expected: number, form?: Record<string, string | string[]>) {
    const page = form === undefined ? await person.get(path) : await person.post(path, form);
    expect(page.status, `${form === undefined ? 'GET' : 'POST'} ${path}`).toBe(expected);
    if (expected === 404) {
      const madeUp = path.replace(/[0-9a-f-]{36}/, NEVER);
      const never = form === undefined ? await person.get(madeUp) : await person.post(madeUp, form);
      expect(never.status).toBe(404);
      expect(mainText(page)).toBe(mainText(never));
      expect(heading(page)).toBe('Page not found');
    }
    if (expected === 422) expect(page.text).toContain('govuk-error-summary');
    return page;
  }

  it.each(ALL)('shows a %s %s the chain of custody it may see, and only the actions it may take', async (side, role) => {
    const person = client(side, role);
    const expected = side === 'outsider' ? 404 : may(role, 'read') ? 200 : 403;
    const page = await expectAnswer(person, `/alerts/${a}`, expected);
    if (expected !== 200) return;
    const main = shownText(page);
    // Who passed what to whom: the sending area every link and why; North Tyneside its own forward, not
    // why (the sending area's record); Newcastle only where its own share came from.
    expect(main.includes('Chain of custody')).toBe(side === 'sender');
    expect(main.includes('What your area passed on')).toBe(side === 'recipient');
    expect(main.includes('Came from North Tyneside')).toBe(side !== 'recipient');
    expect(main.includes(REASON)).toBe(side !== 'recipient');
    // Each share's end, and the sender's actions on each share
    expect(main).toMatch(/Share ends \d{2}:\d{2} on \d{1,2} [A-Z][a-z]+ \d{4}/);
    for (const area of ['north-tyneside', 'newcastle']) {
      for (const action of ['revoke', 'extend']) {
        expect(page.text.includes(`href="/alerts/${a}/shares/${area}/${action}"`), `${area} ${action}`).toBe(
          side === 'sender' && manages(role),
        );
      }
    }
    const offersForward = side === 'sender' ? manages(role) : forwards(role);
    expect(page.text.includes(`href="/alerts/${a}/forward"`)).toBe(offersForward);
  });

  it.each(ALL)('offers a %s %s the forward form with only the sections it may pass on', async (side, role) => {
    const person = client(side, role);
    const allowed = side === 'outsider' ? 404 : side === 'sender' ? (manages(role) ? 200 : 403) : forwards(role) ? 200 : 403;
    const page = await expectAnswer(person, `/alerts/${a}/forward`, allowed);
    if (allowed === 200) {
      const offered = [...page.text.matchAll(/name="scopes" type="checkbox" value="([A-Z_]+)"/g)].map((match) => match[1]);
      expect(offered).toEqual(side === 'sender' ? SCOPES : side === 'recipient' ? NT_SCOPES : ONWARD_SCOPES);
      // Neither the person's own area nor the sending area is offered.
      expect(page.text).not.toContain('<option value="northumberland"');
    }
    // A bad form: the error summary for those who may send it, the same refusal as the page for the others.
    await expectAnswer(person, `/alerts/${a}/forward`, allowed === 200 ? 422 : allowed, { area: 'sunderland', reason: '' });
  });

  it.each(ALL)('lets a %s %s revoke or extend a share only as the sending area’s police, coordinator or chair', async (side, role) => {
    const person = client(side, role);
    const allowed = side === 'outsider' ? 404 : side === 'sender' && manages(role) ? 200 : 403;
    for (const action of ['revoke', 'extend']) {
      await expectAnswer(person, `/alerts/${a}/shares/north-tyneside/${action}`, allowed);
      const bad: Record<string, string> =
        action === 'revoke' ? { reason: ' ' } : { 'expiresAt-day': '31', 'expiresAt-month': '2', 'expiresAt-year': '2027' };
      await expectAnswer(person, `/alerts/${a}/shares/north-tyneside/${action}`, allowed === 200 ? 422 : allowed, bad);
      // A share the alert never had is not found, even for the sender.
      await expectAnswer(person, `/alerts/${a}/shares/gateshead/${action}`, allowed === 200 ? 404 : allowed);
    }
  });

  it.each(ALL)('lets a %s %s decide on a forward request only as the sending area', async (side, role) => {
    const person = client(side, role);
    // Newcastle holds nothing of B yet: to it, B does not exist.
    const allowed = side === 'outsider' || side === 'forwarded' ? 404 : side === 'sender' && manages(role) ? 200 : 403;
    const page = await expectAnswer(person, `/alerts/${b}/forwards/${requestId}/decision`, allowed);
    if (allowed === 200) {
      expect(shownText(page)).toContain('North Tyneside asks to pass the alert on to Newcastle');
      expect(shownText(page)).toContain(REASON);
    }
    await expectAnswer(person, `/alerts/${b}/forwards/${requestId}/decision`, allowed === 200 ? 422 : allowed, { decision: 'MAYBE' });
    // The request's page after asking is the asking area's alone.
    const asker = side === 'recipient' ? (may(role, 'read') ? 200 : 403) : side === 'sender' && !may(role, 'read') ? 403 : 404;
    await expectAnswer(person, `/alerts/${b}/forwards/${requestId}/requested`, asker);
  });

  it('refuses each change to those who may not make it, and changes nothing', async () => {
    type Form = Record<string, string | string[]>;
    const valid: Record<string, readonly [string, Form]> = {
      forward: [
        `/alerts/${a}/forward`,
        { area: 'sunderland', scopes: ['IDENTITY'], reason: 'Test reason', formId: 'refused-forward-00000000' },
      ],
      revoke: [`/alerts/${a}/shares/north-tyneside/revoke`, { reason: 'Test reason', formId: 'refused-revoke-000000000' }],
      extend: [
        `/alerts/${a}/shares/north-tyneside/extend`,
        {
          'expiresAt-day': '1',
          'expiresAt-month': '6',
          'expiresAt-year': '2028',
          justification: 'Test',
          formId: 'refused-extend-00000000',
        },
      ],
      decide: [`/alerts/${b}/forwards/${requestId}/decision`, { decision: 'APPROVED', reason: 'Test', formId: 'refused-decide-00000000' }],
    };
    for (const [side, role] of ALL) {
      for (const [name, [path, form]] of Object.entries(valid)) {
        const allowed =
          name === 'forward'
            ? side === 'sender'
              ? manages(role)
              : side !== 'outsider' && forwards(role)
            : side === 'sender' && manages(role);
        if (allowed) continue;
        const hidden = side === 'outsider' || (side === 'forwarded' && name === 'decide');
        await expectAnswer(client(side, role), path, hidden ? 404 : 403, { ...form });
      }
    }
    const view = await hub.call('GET', `/v1/alerts/${a}`, { token: await hub.token('northumberland', 'police') });
    expect(view.json.shares.map((share: { area: string }) => share.area)).toEqual(['north-tyneside', 'newcastle']);
    expect(
      view.json.shares.every(
        (share: { ended?: unknown; expiry: { extensions: unknown[] } }) =>
          share.ended === undefined && share.expiry.extensions.length === 0,
      ),
    ).toBe(true);
  });

  it('carries a request through: asked, approved once, extended, and a revoked area gets "Page not found"', async () => {
    const chair = client('recipient', 'chair');
    const police = client('sender', 'police');
    const newcastle = client('forwarded', 'coordinator');
    // North Tyneside's chair asks to pass B on to Sunderland: the terms ask the sender's approval first.
    const asked = await chair.post(`/alerts/${b}/forward`, {
      area: 'sunderland',
      scopes: ['IDENTITY'],
      reason: 'Test reason: the child visits Sunderland',
      formId: 'ask-sunderland-000000000',
    });
    expect(asked.status).toBe(303);
    expect(asked.location).toMatch(new RegExp(`^/alerts/${b}/forwards/[0-9a-f-]{36}/requested$`));
    const told = await chair.follow(asked);
    expect(heading(told)).toBe('Request sent for approval');
    expect(shownText(told)).toContain('Northumberland must approve your request before Sunderland can see the alert');

    // The sending area approves Newcastle's request (twice sent, done once) and refuses Sunderland's.
    const approval = { decision: 'APPROVED', reason: 'Test reason: agreed', formId: 'approve-newcastle-000000' };
    const approved = await police.post(`/alerts/${b}/forwards/${requestId}/decision`, approval);
    expect(approved.status).toBe(303);
    expect(approved.location).toBe(`/alerts/${b}?done=approved&area=newcastle`);
    expect((await police.post(`/alerts/${b}/forwards/${requestId}/decision`, approval)).location).toBe(approved.location);
    const decided = await police.get(`/alerts/${b}/forwards/${requestId}/decision`);
    expect(decided.status).toBe(409);
    expect(heading(decided)).toBe('This request has already been decided');
    const sunderland = (asked.location as string).split('/')[4] as string;
    const refused = await police.post(`/alerts/${b}/forwards/${sunderland}/decision`, {
      decision: 'REFUSED',
      reason: 'Test reason: not needed',
      formId: 'refuse-sunderland-000000',
    });
    expect(refused.location).toBe(`/alerts/${b}?done=refused&area=sunderland`);
    const chain = shownText(await police.follow(refused));
    expect(chain).toContain('Request refused: Sunderland was not given the alert');
    expect(chain).toMatch(/North Tyneside Newcastle Identity, Risk .* Shared Approved by/);
    expect(chain).toMatch(/North Tyneside Sunderland Identity .* Refused Refused by/);
    expect((await newcastle.get(`/alerts/${b}`)).status).toBe(200);

    // Extended: a date past the current end, within two years of sending.
    const end = new Date(
      Date.parse(
        (await hub.call('GET', `/v1/alerts/${b}`, { token: await hub.token('northumberland', 'police') })).json.shares[0].expiry.expiresAt,
      ),
    );
    const extended = await police.post(`/alerts/${b}/shares/north-tyneside/extend`, {
      'expiresAt-day': String(end.getUTCDate()),
      'expiresAt-month': String(end.getUTCMonth() + 1),
      'expiresAt-year': String(end.getUTCFullYear() + 1),
      justification: 'Test justification: the enquiry continues',
      formId: 'extend-north-tyneside-00',
    });
    expect(extended.status).toBe(303);
    expect(shownText(await police.follow(extended))).toContain('Test justification: the enquiry continues');

    // Newcastle's share of A revoked: Newcastle gets the page an outsider gets; North Tyneside keeps its own.
    const revoked = await police.post(`/alerts/${a}/shares/newcastle/revoke`, {
      reason: 'Test reason: moved on',
      formId: 'revoke-newcastle-0000000',
    });
    expect(revoked.location).toBe(`/alerts/${a}?done=revoked&area=newcastle`);
    const after = shownText(await police.follow(revoked));
    expect(after).toContain('Newcastle’s share has ended');
    expect(after).toContain('Share ended How Ended by the sending area');
    expect(after).not.toContain(`/alerts/${a}/shares/newcastle/revoke`);
    for (const role of ROLES) {
      const page = await client('forwarded', role).get(`/alerts/${a}`);
      const never = await client('forwarded', role).get(`/alerts/${NEVER}`);
      expect(page.status).toBe(404);
      expect(mainText(page)).toBe(mainText(never));
    }
    expect((await client('recipient', 'coordinator').get(`/alerts/${a}`)).status).toBe(200);

    // North Tyneside's share of B ended: the page says first that the share it passed on (Newcastle's) ends
    // too, and both areas then get the page an outsider gets; the sending area keeps the record of both.
    const sure = await police.get(`/alerts/${b}/shares/north-tyneside/revoke`);
    expect(shownText(sure)).toContain('the shares North Tyneside passed on end too: Newcastle');
    const cascade = await police.post(`/alerts/${b}/shares/north-tyneside/revoke`, {
      reason: 'Test reason: no longer needed',
      formId: 'revoke-north-tyneside-000',
    });
    expect(cascade.location).toBe(`/alerts/${b}?done=revoked&area=north-tyneside`);
    const record = shownText(await police.follow(cascade));
    expect(record.match(/Share ended How Ended by the sending area/g)).toHaveLength(2);
    expect(record).toMatch(/North Tyneside Newcastle Identity, Risk .* Ended Approved by/);
    for (const side of ['recipient', 'forwarded'] as const) {
      const page = await client(side, 'coordinator').get(`/alerts/${b}`);
      const never = await client(side, 'coordinator').get(`/alerts/${NEVER}`);
      expect(page.status, side).toBe(404);
      expect(mainText(page)).toBe(mainText(never));
    }
  });
});
