/**
 * Who may do what with a meeting, over HTTP: every meeting route × four areas (the requester, two invited
 * areas, one outsider) × every role (and multi-role and role-less tokens), each combination a named test
 * with the exact status the meeting access rules give. The expectations are written here from those rules,
 * not imported from functions/core/meetings/permissions.ts, so a change there must be matched here.
 *
 * A case that should succeed gets a meeting of its own in the state its step needs, so a state rule's 409
 * cannot stand in for a 201. A case that should be refused is run against a meeting whose state would
 * itself refuse the step (a cancelled meeting for scheduling, a requested one for the record...), so the
 * test also proves that authorization is decided before state. Then: no token is 401 on every route, and
 * the refusals are in the meetings' access history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../contracts/identity.js';
import { ROUTE_LIST } from '../../functions/routes.js';
import { expectGatewayRefusal, expiredToken, matrixCases, rightsOf, roleSets } from '../support/authorization.js';
import { isoDay, sampleMeeting, slotIn, startTestHub, type TestHub, type TestResponse } from '../support/hub.js';

type Relation = 'requester' | 'invited' | 'outsider';
const AREAS: ReadonlyArray<{ area: string; relation: Relation }> = [
  { area: 'northumberland', relation: 'requester' },
  { area: 'north-tyneside', relation: 'invited' },
  { area: 'newcastle', relation: 'invited' },
  { area: 'gateshead', relation: 'outsider' },
];
const ROLE_SETS = roleSets(['police', 'chair']);

/** Every meeting route of functions/routes.ts: a route added later fails `expectedStatus`. */
const ROUTE_KEYS = ROUTE_LIST.map((route) => route.routeKey).filter((key) => /^[A-Z]+ \/v1\/meetings/.test(key));

// The meeting access rules, written out independently of the code: the requesting area's chair or
// coordinator organises (request, schedule, cancel, record); an invited area's chair or coordinator
// responds; the owner area's people update its actions; the read and history rights are the alerts' ones.
const MAY: Record<'organise' | 'respond' | 'read' | 'updateAction' | 'history', readonly Role[]> = {
  organise: ['coordinator', 'chair'],
  respond: ['coordinator', 'chair'],
  read: ['police', 'coordinator', 'chair', 'practitioner'],
  updateAction: ['police', 'coordinator', 'chair', 'practitioner'],
  history: ['police', 'coordinator', 'chair', 'auditor'],
};
const may = rightsOf(MAY);
/** The shared action below belongs to North Tyneside. */
const ACTION_OWNER = 'north-tyneside';

function expectedStatus(routeKey: string, area: string, relation: Relation, roles: readonly Role[]): number {
  // Only the participating areas ever see a meeting.
  if (routeKey.includes('{meetingId}') && relation === 'outsider') return 404;
  switch (routeKey) {
    case 'POST /v1/meetings':
      return may(roles, 'organise') ? 201 : 403;
    case 'GET /v1/meetings':
      return may(roles, 'read') ? 200 : 403;
    case 'GET /v1/meetings/{meetingId}':
    case 'GET /v1/meetings/{meetingId}/calendar.ics':
    // An action's whole list of updates: whoever may open the meeting, as its latest are on the meeting.
    case 'GET /v1/meetings/{meetingId}/actions/{actionId}/updates':
      return may(roles, 'read') ? 200 : 403;
    case 'POST /v1/meetings/{meetingId}/responses':
      if (relation !== 'invited') return 403;
      return may(roles, 'respond') ? 201 : 403;
    case 'POST /v1/meetings/{meetingId}/schedule':
    case 'POST /v1/meetings/{meetingId}/cancel':
      if (relation !== 'requester') return 403;
      return may(roles, 'organise') ? 200 : 403;
    case 'POST /v1/meetings/{meetingId}/record':
      if (relation !== 'requester') return 403;
      return may(roles, 'organise') ? 201 : 403;
    case 'PATCH /v1/meetings/{meetingId}/actions/{actionId}':
      if (area !== ACTION_OWNER) return 403;
      return may(roles, 'updateAction') ? 200 : 403;
    case 'GET /v1/meetings/{meetingId}/audit':
      return may(roles, 'history') ? 200 : 403;
    default:
      throw new Error(`No expectation written for route ${routeKey}: add it to the matrix`);
  }
}

const CASES = matrixCases(ROUTE_KEYS, AREAS, ROLE_SETS, expectedStatus);

const CHILD_FAMILY_NAME = 'Child-Alpha-Meeting-Matrix';
const INVITED = ['north-tyneside', 'newcastle'];
let hub: TestHub;
let chair: string;
/** Shared meetings, one per state. */
const shared = { requested: '', scheduled: '', cancelled: '', held: '' };
/** Scheduled meetings whose slot has started, each to be recorded once by a case that should succeed. */
const startedPool: string[] = [];
/** Per meeting: the refusals the matrix caused on it, to be found in its access history. */
const tally = new Map<string, { forbidden: number; notFound: number }>();
const outsiderBodies: string[] = [];

const recordBody = () => ({
  attendance: [{ area: 'northumberland', agency: 'police' }],
  decisions: 'Synthetic decisions',
  reviewDate: isoDay(28),
  actions: [{ description: 'Synthetic action', ownerArea: ACTION_OWNER, ownerAgency: 'childrens-services', dueBy: isoDay(7) }],
});

async function newMeeting(slotStart?: string): Promise<string> {
  const body = sampleMeeting(INVITED, {
    subject: { name: { given: 'Test', family: CHILD_FAMILY_NAME }, dateOfBirth: '2011-01-01' },
    ...(slotStart === undefined ? {} : { proposedSlots: [{ start: slotStart, durationMinutes: 30 }] }),
  });
  const created = await hub.call('POST', '/v1/meetings', { token: chair, body });
  expect(created.status).toBe(201);
  return created.json.meetingId as string;
}

async function expectOk(response: Promise<TestResponse>): Promise<void> {
  const awaited = await response;
  expect(awaited.status, awaited.text).toBeLessThan(300);
}

beforeAll(async () => {
  hub = await startTestHub();
  chair = await hub.token('northumberland', 'chair');
  // Meetings to be recorded: scheduled on a slot a few seconds ahead, so it has started by the record cases.
  const soon = slotIn(2);
  const toRecord = await Promise.all(Array.from({ length: 4 }, () => newMeeting(soon)));
  for (const id of toRecord)
    await expectOk(hub.call('POST', `/v1/meetings/${id}/schedule`, { token: chair, body: { slotId: 'slot-1', force: true } }));
  shared.requested = await newMeeting();
  shared.scheduled = await newMeeting();
  await expectOk(hub.call('POST', `/v1/meetings/${shared.scheduled}/schedule`, { token: chair, body: { slotId: 'slot-1', force: true } }));
  shared.cancelled = await newMeeting();
  await expectOk(hub.call('POST', `/v1/meetings/${shared.cancelled}/cancel`, { token: chair, body: { reason: 'Synthetic' } }));
  const wait = new Date(soon).getTime() - Date.now() + 100;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  shared.held = toRecord.pop()!;
  await expectOk(hub.call('POST', `/v1/meetings/${shared.held}/record`, { token: chair, body: recordBody() }));
  startedPool.push(...toRecord);
});

afterAll(async () => {
  await hub?.stop();
});

/**
 * The meeting a case runs against: for a success, one in the state the step needs (fresh where the step
 * changes the state for good); for a refusal, one whose state the step would also refuse.
 */
async function meetingFor(routeKey: string, expected: number): Promise<string> {
  const success = expected < 300;
  switch (routeKey) {
    case 'GET /v1/meetings/{meetingId}':
    case 'GET /v1/meetings/{meetingId}/audit':
      return shared.requested;
    case 'GET /v1/meetings/{meetingId}/calendar.ics':
      return success ? shared.scheduled : shared.requested;
    case 'POST /v1/meetings/{meetingId}/responses':
      return success ? shared.requested : shared.cancelled;
    case 'POST /v1/meetings/{meetingId}/schedule':
      return success ? newMeeting() : shared.cancelled;
    case 'POST /v1/meetings/{meetingId}/cancel':
      return success ? newMeeting() : shared.held;
    case 'POST /v1/meetings/{meetingId}/record': {
      if (!success) return shared.requested;
      const started = startedPool.pop();
      if (started === undefined) throw new Error('the pool of started meetings is too small for the matrix');
      return started;
    }
    case 'PATCH /v1/meetings/{meetingId}/actions/{actionId}':
    case 'GET /v1/meetings/{meetingId}/actions/{actionId}/updates':
      return shared.held;
    default:
      throw new Error(`No meeting chosen for ${routeKey}`);
  }
}

function request(routeKey: string, area: string, token: string | undefined, meetingId: string): Promise<TestResponse> {
  const auth = token === undefined ? {} : { token };
  const base = `/v1/meetings/${meetingId}`;
  switch (routeKey) {
    case 'POST /v1/meetings':
      return hub.call('POST', '/v1/meetings', {
        ...auth,
        body: sampleMeeting([area === 'northumberland' ? 'north-tyneside' : 'northumberland']),
      });
    case 'GET /v1/meetings':
      return hub.call('GET', '/v1/meetings?box=inbox', auth);
    case 'GET /v1/meetings/{meetingId}':
      return hub.call('GET', base, auth);
    case 'POST /v1/meetings/{meetingId}/responses':
      return hub.call('POST', `${base}/responses`, { ...auth, body: { response: 'ACCEPT', slotId: 'slot-1' } });
    case 'POST /v1/meetings/{meetingId}/schedule':
      return hub.call('POST', `${base}/schedule`, { ...auth, body: { slotId: 'slot-1', force: true } });
    case 'POST /v1/meetings/{meetingId}/cancel':
      return hub.call('POST', `${base}/cancel`, { ...auth, body: { reason: 'Synthetic' } });
    case 'GET /v1/meetings/{meetingId}/calendar.ics':
      return hub.call('GET', `${base}/calendar.ics`, auth);
    case 'POST /v1/meetings/{meetingId}/record':
      return hub.call('POST', `${base}/record`, { ...auth, body: recordBody() });
    case 'PATCH /v1/meetings/{meetingId}/actions/{actionId}':
      return hub.call('PATCH', `${base}/actions/action-1`, { ...auth, body: { status: 'DONE', note: 'Synthetic note' } });
    case 'GET /v1/meetings/{meetingId}/actions/{actionId}/updates':
      return hub.call('GET', `${base}/actions/action-1/updates`, auth);
    case 'GET /v1/meetings/{meetingId}/audit':
      return hub.call('GET', `${base}/audit`, auth);
    default:
      throw new Error(`No request written for route ${routeKey}`);
  }
}

describe('the matrix: meeting route × area × role', () => {
  it('covers every meeting route of functions/routes.ts', () => {
    // Assess
    expect(ROUTE_KEYS).toHaveLength(11);
    expect(CASES).toHaveLength(ROUTE_KEYS.length * AREAS.length * ROLE_SETS.length);
    // Every status the rules can give is reached by some case
    expect(new Set(CASES.map((item) => item.expected))).toEqual(new Set([200, 201, 403, 404]));
  });

  it.each(CASES)('$routeKey as $label in $area ($relation) → $expected', async ({ routeKey, area, relation, roles, expected }) => {
    // Prepare
    const token = await hub.token(area, [...roles]);
    const meetingId = routeKey.includes('{meetingId}') ? await meetingFor(routeKey, expected) : '';

    // Act
    const response = await request(routeKey, area, token, meetingId);

    // Assess
    expect(response.status, response.text).toBe(expected);
    if (expected >= 400) {
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.json.status).toBe(expected);
      expect(response.text).not.toContain(CHILD_FAMILY_NAME);
    }
    if (relation === 'outsider') outsiderBodies.push(response.text);
    if (meetingId !== '' && expected >= 400) {
      const counts = tally.get(meetingId) ?? { forbidden: 0, notFound: 0 };
      if (expected === 403) counts.forbidden += 1;
      if (expected === 404) counts.notFound += 1;
      tally.set(meetingId, counts);
    }
  });
});

describe('the outsider learns nothing', () => {
  it('no body Gateshead received holds the child or a meeting of the others', async () => {
    // Prepare
    const token = await hub.token('gateshead', [...ROLES]);

    // Act
    const inbox = await hub.call('GET', '/v1/meetings?box=inbox', { token });
    outsiderBodies.push(inbox.text);

    // Assess
    expect(outsiderBodies.length).toBeGreaterThan(ROUTE_KEYS.length);
    for (const body of outsiderBodies) {
      expect(body).not.toContain(CHILD_FAMILY_NAME);
      for (const id of Object.values(shared)) expect(body).not.toContain(id);
    }
  });
});

describe('authentication', () => {
  it.each(ROUTE_KEYS)('%s without a token → 401 from the gateway', async (routeKey) => {
    // Act
    const response = await request(routeKey, 'north-tyneside', undefined, shared.requested);

    // Assess
    expectGatewayRefusal(response);
  });

  it.each(ROUTE_KEYS)('%s with an expired token → 401 from the gateway', async (routeKey) => {
    // Prepare
    const token = await expiredToken(hub, 'northumberland', ['chair']);

    // Act
    const response = await request(routeKey, 'northumberland', token, shared.requested);

    // Assess
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ message: 'Unauthorized' });
  });
});

describe('refusals are on record', () => {
  it("each meeting's history, read by the requester's chair, holds every FORBIDDEN and NOT_FOUND the matrix caused on it", async () => {
    // Prepare
    await hub.drainAudit();
    // Refusals ran against the three meetings whose state would refuse too
    expect([...tally.keys()].sort()).toEqual([shared.requested, shared.cancelled, shared.held].sort());

    // Act
    const histories = await Promise.all(
      [...tally.keys()].map(
        async (meetingId) => [meetingId, await hub.call('GET', `/v1/meetings/${meetingId}/audit?limit=500`, { token: chair })] as const,
      ),
    );

    // Assess
    let forbiddenSeen = 0;
    let notFoundSeen = 0;
    for (const [meetingId, history] of histories) {
      expect(history.status).toBe(200);
      expect(history.json.nextCursor).toBeUndefined();
      const items = history.json.items as Array<{ outcome: string; action: string; actor: { area: string } }>;
      const forbidden = items.filter((item) => item.outcome === 'FORBIDDEN');
      const notFound = items.filter((item) => item.outcome === 'NOT_FOUND');
      expect(forbidden, meetingId).toHaveLength(tally.get(meetingId)!.forbidden);
      expect(notFound, meetingId).toHaveLength(tally.get(meetingId)!.notFound);
      expect(notFound.every((item) => item.actor.area === 'gateshead')).toBe(true);
      forbiddenSeen += forbidden.length;
      notFoundSeen += notFound.length;
    }
    const all = histories.flatMap(
      ([, history]) => history.json.items as Array<{ outcome: string; action: string; actor: { area: string } }>,
    );
    const refused = (outcome: string, action: string, area: string) =>
      all.some((item) => item.outcome === outcome && item.action === action && item.actor.area === area);
    expect(refused('FORBIDDEN', 'MEETING_RESPOND', 'northumberland')).toBe(true);
    expect(refused('FORBIDDEN', 'MEETING_SCHEDULE', 'north-tyneside')).toBe(true);
    expect(refused('FORBIDDEN', 'MEETING_RECORD', 'newcastle')).toBe(true);
    expect(refused('FORBIDDEN', 'MEETING_ACTION_UPDATE', 'northumberland')).toBe(true);
    expect(refused('FORBIDDEN', 'MEETING_VIEW', 'north-tyneside')).toBe(true);
    expect(refused('FORBIDDEN', 'MEETING_AUDIT_READ', 'newcastle')).toBe(true);
    expect(refused('NOT_FOUND', 'MEETING_CANCEL', 'gateshead')).toBe(true);
    expect(refused('NOT_FOUND', 'MEETING_CALENDAR', 'gateshead')).toBe(true);
    expect(refused('FORBIDDEN', 'MEETING_ACTION_UPDATES', 'newcastle')).toBe(true);
    expect(refused('NOT_FOUND', 'MEETING_ACTION_UPDATES', 'gateshead')).toBe(true);
    const expectedTotals = [...tally.values()].reduce(
      (sum, counts) => ({ forbidden: sum.forbidden + counts.forbidden, notFound: sum.notFound + counts.notFound }),
      { forbidden: 0, notFound: 0 },
    );
    expect({ forbidden: forbiddenSeen, notFound: notFoundSeen }).toEqual(expectedTotals);
    // No refusal changed anything: the refused states stand
    const states = await Promise.all(
      (['requested', 'scheduled', 'cancelled', 'held'] as const).map(
        async (state) => (await hub.call('GET', `/v1/meetings/${shared[state]}`, { token: chair })).json.status,
      ),
    );
    expect(states).toEqual(['REQUESTED', 'SCHEDULED', 'CANCELLED', 'HELD']);
  });
});
