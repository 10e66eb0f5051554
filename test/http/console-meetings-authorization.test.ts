/**
 * The console's meeting pages (and the access-history lookup) across areas and roles, with the rules
 * written out independently of the code as in the API's meeting matrix: only participating areas know a
 * meeting exists (404 for anyone else); the requesting area's coordinator or chair organises; an invited
 * area's coordinator or chair answers; reading is for police, coordinators, chairs and practitioners, the
 * history also for auditors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../contracts/identity.js';
import { ConsoleClient, heading } from '../support/console-client.js';
import { sampleMeeting, startTestHub, type TestHub } from '../support/hub.js';

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
