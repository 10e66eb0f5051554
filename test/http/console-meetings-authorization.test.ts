/**
 * The console's meeting pages (and the access-history lookup) across areas and roles, with the rules
 * written out independently of the code as in the API's meeting matrix: only participating areas know a
 * meeting exists (404 for anyone else); the requesting area's coordinator or chair organises; an invited
 * area's coordinator or chair answers; reading is for police, coordinators, chairs and practitioners, the
 * history also for auditors. An action's whole list of updates is read as the meeting is: the meeting's
 * page shows each action's latest three, and links to the list, paged newest first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../contracts/identity.js';
import { ConsoleClient, heading } from '../support/console-client.js';
import { isoDay, sampleMeeting, slotIn, startTestHub, type TestHub } from '../support/hub.js';

const ROLES: readonly Role[] = ['police', 'coordinator', 'chair', 'practitioner', 'auditor'];
type Relation = 'requester' | 'invited' | 'outsider';
const AREA_OF: Record<Relation, string> = { requester: 'northumberland', invited: 'north-tyneside', outsider: 'gateshead' };
const MAY = {
  organise: ['coordinator', 'chair'],
  respond: ['coordinator', 'chair'],
  read: ['police', 'coordinator', 'chair', 'practitioner'],
  history: ['police', 'coordinator', 'chair', 'auditor'],
} as const satisfies Record<string, readonly Role[]>;
const may = (role: Role, right: keyof typeof MAY) => (MAY[right] as readonly Role[]).includes(role);

let hub: TestHub;
let meetingId: string;
const people = new Map<string, ConsoleClient>();
const EVERYONE = (['requester', 'invited', 'outsider'] as const).flatMap((relation) => ROLES.map((role) => [relation, role] as const));

beforeAll(async () => {
  hub = await startTestHub();
  const chair = await hub.token('northumberland', 'chair');
  const created = await hub.call('POST', '/v1/meetings', { token: chair, body: sampleMeeting(['north-tyneside']) });
  expect(created.status).toBe(201);
  meetingId = created.json.meetingId;
  for (const [relation, role] of EVERYONE) {
    const client = new ConsoleClient(hub.url);
    await client.signIn({
      name: `Test ${role} ${relation}`,
      area: AREA_OF[relation],
      agency: role === 'police' ? 'police' : 'childrens-services',
      roles: [role],
    });
    people.set(`${relation}:${role}`, client);
  }
}, 120_000);

afterAll(async () => {
  await hub?.stop();
});

function expected(path: string, relation: Relation, role: Role): number {
  if (path.includes('ID') && relation === 'outsider') return 404;
  switch (path) {
    case '/meetings':
    case '/meetings/requested':
    case '/meetings/ID':
      return may(role, 'read') ? 200 : 403;
    case '/meetings/new':
      return may(role, 'organise') ? 200 : 403;
    case '/meetings/ID/history':
      return may(role, 'history') ? 200 : 403;
    case '/meetings/ID/respond':
      return relation === 'invited' && may(role, 'respond') ? 200 : 403;
    case '/meetings/ID/schedule':
    case '/meetings/ID/cancel':
      return relation === 'requester' && may(role, 'organise') ? 200 : 403;
    default:
      throw new Error(`No expectation for ${path}`);
  }
}

const PAGES = [
  '/meetings',
  '/meetings/requested',
  '/meetings/new',
  '/meetings/ID',
  '/meetings/ID/history',
  '/meetings/ID/respond',
  '/meetings/ID/schedule',
  '/meetings/ID/cancel',
];

describe('the console meeting pages across areas and roles', () => {
  it.each(EVERYONE)('answers a %s %s on every meeting page as the rules say', async (relation, role) => {
    const client = people.get(`${relation}:${role}`) as ConsoleClient;
    for (const path of PAGES) {
      const page = await client.get(path.replace('ID', meetingId));
      expect(page.status, path).toBe(expected(path, relation, role));
      if (page.status === 404) {
        expect(heading(page)).toBe('Page not found');
        // The child's name never reaches someone outside the meeting, not even in a refusal.
        expect(page.text).not.toContain('Child-Alpha');
      }
    }
  });

  it.each(EVERYONE)('lets a %s %s find an access history only where the use case allows it', async (relation, role) => {
    const client = people.get(`${relation}:${role}`) as ConsoleClient;
    const lookup = await client.get(`/history?type=meeting&reference=${meetingId}`);
    expect(lookup.status).toBe(303);
    expect(lookup.location).toBe(`/meetings/${meetingId}/history`);
    const bad = await client.get('/history?type=meeting&reference=not-a-reference');
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('href="#reference"');
  });

  it('refuses an answer from an area outside the meeting with "Page not found", whatever the form holds', async () => {
    const outsider = people.get('outsider:coordinator') as ConsoleClient;
    const page = await outsider.post(`/meetings/${meetingId}/respond`, { answer: 'DECLINE', reason: 'Synthetic' });
    expect(page.status).toBe(404);
    const garbled = await outsider.post(`/meetings/${meetingId}/respond`, { answer: '???' });
    expect(garbled.status).toBe(404);
  });
});

describe("an action's updates: a page of their own, paged, for whoever may open the meeting", () => {
  /** More than a page (20) of updates, so the list has a second page. */
  const UPDATES = 22;
  const note = (n: number) => `Synthetic progress note ${n}.`;
  let heldId: string;

  beforeAll(async () => {
    const chair = await hub.token('northumberland', 'chair');
    const start = slotIn(1);
    const created = await hub.call('POST', '/v1/meetings', {
      token: chair,
      body: sampleMeeting(['north-tyneside'], { proposedSlots: [{ start, durationMinutes: 30 }] }),
    });
    heldId = created.json.meetingId;
    expect(
      (await hub.call('POST', `/v1/meetings/${heldId}/schedule`, { token: chair, body: { slotId: 'slot-1', force: true } })).status,
    ).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, new Date(start).getTime() - Date.now() + 100)));
    const recorded = await hub.call('POST', `/v1/meetings/${heldId}/record`, {
      token: chair,
      body: {
        attendance: [{ area: 'north-tyneside', agency: 'childrens-services' }],
        decisions: 'Synthetic decisions',
        reviewDate: isoDay(28),
        actions: [{ description: 'Synthetic action', ownerArea: 'north-tyneside', ownerAgency: 'childrens-services', dueBy: isoDay(7) }],
      },
    });
    expect(recorded.status).toBe(201);
    const owner = await hub.token('north-tyneside', 'coordinator');
    for (let n = 1; n <= UPDATES; n += 1) {
      const update = await hub.call('PATCH', `/v1/meetings/${heldId}/actions/action-1`, {
        token: owner,
        body: { status: n === UPDATES ? 'DONE' : 'OPEN', note: note(n) },
      });
      expect(update.status).toBe(200);
    }
  }, 60_000);

  it.each(EVERYONE)('answers a %s %s as the meeting itself is answered', async (relation, role) => {
    const client = people.get(`${relation}:${role}`) as ConsoleClient;
    const page = await client.get(`/meetings/${heldId}/actions/action-1/updates`);
    expect(page.status).toBe(relation === 'outsider' ? 404 : may(role, 'read') ? 200 : 403);
    if (page.status !== 200) {
      // Neither the child nor any note reaches someone who may not open the meeting.
      expect(page.text).not.toContain('Child-Alpha');
      expect(page.text).not.toContain('Synthetic progress note');
    }
    if (page.status === 404) expect(heading(page)).toBe('Page not found');
  });

  it("shows the meeting with each action's latest three updates and a link to all of them", async () => {
    const client = people.get('requester:chair') as ConsoleClient;
    const page = await client.get(`/meetings/${heldId}`);
    expect(page.status).toBe(200);
    for (const n of [UPDATES, UPDATES - 1, UPDATES - 2]) expect(page.text).toContain(note(n));
    for (let n = 1; n <= UPDATES - 3; n += 1) expect(page.text).not.toContain(note(n));
    expect(page.text).toContain(`href="/meetings/${heldId}/actions/action-1/updates"`);
    expect(page.text).toContain(`See all ${UPDATES} updates`);
  });

  it('lists every update newest first, twenty to a page, with GOV.UK pagination between the pages', async () => {
    const client = people.get('invited:practitioner') as ConsoleClient;
    const first = await client.get(`/meetings/${heldId}/actions/action-1/updates`);
    expect(first.status).toBe(200);
    expect(heading(first)).toBe('Updates of action 1');
    const order = (text: string) => [...text.matchAll(/Synthetic progress note (\d+)\./g)].map((match) => Number(match[1]));
    expect(order(first.text)).toEqual(Array.from({ length: 20 }, (_, index) => UPDATES - index));
    expect(first.text).toContain('class="govuk-pagination govuk-pagination--block"');
    const next = /href="([^"]+)" rel="next"/.exec(first.text)?.[1]?.replaceAll('&amp;', '&');
    expect(next).toMatch(new RegExp(`^/meetings/${heldId}/actions/action-1/updates\\?cursor=`));
    const second = await client.get(next as string);
    expect(second.status).toBe(200);
    expect(order(second.text)).toEqual([2, 1]);
    expect(second.text).not.toContain('rel="next"');
    expect(second.text).toContain(`href="/meetings/${heldId}/actions/action-1/updates" rel="prev"`);
    // The cursor in the address names keys only, never a note
    expect(decodeURIComponent(next as string)).not.toContain('Synthetic');
  });

  it('answers an action the meeting does not have as not found, and a cursor it did not issue as a bad request', async () => {
    const client = people.get('invited:coordinator') as ConsoleClient;
    const unknown = await client.get(`/meetings/${heldId}/actions/action-9/updates`);
    const forged = await client.get(`/meetings/${heldId}/actions/action-1/updates?cursor=not-a-cursor`);
    expect(unknown.status).toBe(404);
    expect(heading(unknown)).toBe('Page not found');
    // As every console page answers input it cannot read (the API: 422 at the cursor)
    expect(forged.status).toBe(400);
    expect(forged.text).not.toContain('not-a-cursor');
  });
});
