/**
 * The console's alert pages across areas and roles: each person signs in through the local provider and
 * asks for every page. What a person may not know exists is "Page not found" (404), the same page as for an
 * id that never existed; what their role may not do is "You do not have permission" (403). The rules are
 * written out here independently of the code, as the API's matrix writes them.
 */

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
