/**
 * Bad input on the meeting routes over HTTP (with the same conventions as bad-input.test.ts for alerts):
 * problem details for each kind of mistake, then fast-check properties over generated bad bodies, headers,
 * paths and methods on every meeting route: never a 5xx, every 4xx a problem document (or, for the
 * gateway's own refusals, API Gateway's `{"message"}`), every problem's `status` the HTTP status, and no
 * forged listing cursor reaching past the caller's own meetings.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANY_BODY,
  contentType,
  echoed,
  errorPaths,
  expectProblem,
  fuzzHeaders,
  idempotencyKeyText,
  isGatewayRefusal,
  type Json,
  method,
  mutate,
  mutationOf,
  NO_INTERNALS,
  oddValueOf,
  PROBLEM,
  queryOf,
  type RawClient,
  type RawResponse,
  rawClient,
  segmentOf,
  withKeyFirst,
} from '../support/fuzz.js';
import { isoDay, sampleMeeting, slotIn, startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;
/** Every role, in the requesting area: the organising routes reach their use case. */
let requester: string;
/** Every role, in an invited area: the response and action routes reach their use case. */
let invited: string;
/** A requested meeting (MEETING-R in generated paths) and a held one with an action owned by the invited area (MEETING-H). */
let requestedId: string;
let heldId: string;
let raw: RawClient;
const ALL_ROLES = ['police', 'coordinator', 'chair', 'practitioner', 'auditor'] as const;

const validRecord = () => ({
  attendance: [{ area: 'northumberland', agency: 'police' }],
  decisions: 'Synthetic decisions',
  disruptionPlan: 'Synthetic plan',
  reviewDate: isoDay(28),
  actions: [{ description: 'Synthetic action', ownerArea: 'north-tyneside', ownerAgency: 'childrens-services', dueBy: isoDay(7) }],
});

beforeAll(async () => {
  hub = await startTestHub();
  raw = rawClient(hub.url);
  requester = await hub.token('northumberland', [...ALL_ROLES]);
  invited = await hub.token('north-tyneside', [...ALL_ROLES]);
  const start = slotIn(1);
  const held = await hub.call('POST', '/v1/meetings', {
    token: requester,
    body: sampleMeeting(['north-tyneside'], { proposedSlots: [{ start, durationMinutes: 30 }] }),
  });
  heldId = held.json.meetingId;
  expect(
    (await hub.call('POST', `/v1/meetings/${heldId}/schedule`, { token: requester, body: { slotId: 'slot-1', force: true } })).status,
  ).toBe(200);
  const requested = await hub.call('POST', '/v1/meetings', { token: requester, body: sampleMeeting(['north-tyneside', 'newcastle']) });
  requestedId = requested.json.meetingId;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, new Date(start).getTime() - Date.now() + 100)));
  expect((await hub.call('POST', `/v1/meetings/${heldId}/record`, { token: requester, body: validRecord() })).status).toBe(201);
});

afterAll(async () => {
  raw?.close();
  await hub?.stop();
});

describe('problem details for each mistake', () => {
  const requestWith = (overrides: Record<string, unknown>) =>
    hub.call('POST', '/v1/meetings', { token: requester, body: sampleMeeting(['north-tyneside'], overrides) });

  it('malformed JSON is 400 on every meeting route that takes a body, without echoing it', async () => {
    // Prepare
    const body = '{"subject": {"name": "Test Child-Alpha"';

    // Act
    const responses = await Promise.all([
      hub.call('POST', '/v1/meetings', { token: requester, body }),
      hub.call('POST', `/v1/meetings/${requestedId}/responses`, { token: invited, body }),
      hub.call('POST', `/v1/meetings/${requestedId}/schedule`, { token: requester, body }),
      hub.call('POST', `/v1/meetings/${requestedId}/cancel`, { token: requester, body }),
      hub.call('POST', `/v1/meetings/${requestedId}/record`, { token: requester, body }),
      hub.call('PATCH', `/v1/meetings/${heldId}/actions/action-1`, { token: invited, body }),
    ]);

    // Assess
    for (const response of responses) {
      expectProblem(response, 400);
      expect(response.json.title).toBe('Malformed JSON');
      expect(response.text).not.toContain('Child-Alpha');
    }
  });

  it.each<[string, string, Record<string, unknown>]>([
    [
      'a slot is shorter than 15 minutes',
      'proposedSlots.0.durationMinutes',
      { proposedSlots: [{ start: slotIn(3600), durationMinutes: 10 }] },
    ],
    [
      'a slot is longer than 480 minutes',
      'proposedSlots.1.durationMinutes',
      {
        proposedSlots: [
          { start: slotIn(3600), durationMinutes: 60 },
          { start: slotIn(7200), durationMinutes: 481 },
        ],
      },
    ],
    [
      'a slot lasts a fraction of a minute',
      'proposedSlots.0.durationMinutes',
      { proposedSlots: [{ start: slotIn(3600), durationMinutes: 30.5 }] },
    ],
    ['a slot starts in the past', 'proposedSlots.0.start', { proposedSlots: [{ start: '2020-01-01T10:00:00Z', durationMinutes: 30 }] }],
    ['a slot start has no offset', 'proposedSlots.0.start', { proposedSlots: [{ start: '2030-01-01T10:00:00', durationMinutes: 30 }] }],
    ['there is no slot', 'proposedSlots', { proposedSlots: [] }],
    [
      'there are six slots',
      'proposedSlots',
      { proposedSlots: Array.from({ length: 6 }, (_, index) => ({ start: slotIn(3600 * (index + 1)), durationMinutes: 30 })) },
    ],
    ['an invited area is unknown', 'invitedAreas.0', { invitedAreas: ['atlantis'] }],
    ['an invited area is not an area id', 'invitedAreas.0', { invitedAreas: ['North Tyneside'] }],
    ['the requester invites itself', 'invitedAreas.1', { invitedAreas: ['north-tyneside', 'northumberland'] }],
    ['nobody is invited', 'invitedAreas', { invitedAreas: [] }],
    ['an area is invited twice', 'invitedAreas', { invitedAreas: ['gateshead', 'gateshead'] }],
    ['eleven areas are invited', 'invitedAreas', { invitedAreas: Array.from({ length: 11 }, (_, index) => `area-${index}`) }],
    ['an alert id is not a uuid', 'alertIds.0', { alertIds: ['not-an-alert'] }],
    ['an alert is not one the area sent or received', 'alertIds.0', { alertIds: [crypto.randomUUID()] }],
    [
      'the date of birth is not a date',
      'subject.dateOfBirth',
      { subject: { name: { given: 'Test', family: 'Child-Alpha' }, dateOfBirth: '2011-02-30' } },
    ],
    [
      'the family name is only spaces',
      'subject.name.family',
      { subject: { name: { given: 'Test', family: '   ' }, dateOfBirth: '2011-01-01' } },
    ],
    ['the format is unknown', 'format', { format: 'CARRIER_PIGEON' }],
    ['the reason is empty', 'reason', { reason: '' }],
    ['the agenda is too long', 'agenda', { agenda: 'a'.repeat(4001) }],
  ])('requesting a meeting: 422 when %s, at %s', async (_label, path, overrides) => {
    // Act
    const response = await requestWith(overrides);

    // Assess
    expectProblem(response, 422);
    expect(response.json.type).toBe('urn:mset-hub:problem:validation');
    expect(errorPaths(response)).toContain(path);
  });

  it.each<[string, string, string, 'requester' | 'invited', unknown]>([
    ['an answer names no slot of the meeting', 'responses', 'slotId', 'invited', { response: 'ACCEPT', slotId: 'slot-99' }],
    ['an answer is neither ACCEPT, DECLINE nor PROPOSE', 'responses', 'response', 'invited', { response: 'MAYBE' }],
    ['a decline has no reason', 'responses', 'reason', 'invited', { response: 'DECLINE' }],
    [
      'a proposal is in the past',
      'responses',
      'slot.start',
      'invited',
      { response: 'PROPOSE', slot: { start: '2020-01-01T10:00:00Z', durationMinutes: 30 } },
    ],
    [
      'a proposal lasts 5 minutes',
      'responses',
      'slot.durationMinutes',
      'invited',
      { response: 'PROPOSE', slot: { start: slotIn(3600), durationMinutes: 5 } },
    ],
    [
      'an attendee has an unknown agency',
      'responses',
      'attendees.0.agency',
      'invited',
      { response: 'ACCEPT', slotId: 'slot-1', attendees: [{ agency: 'press', role: 'x' }] },
    ],
    ['scheduling names no slot of the meeting', 'schedule', 'slotId', 'requester', { slotId: 'slot-99', force: true }],
    ['force is not a boolean', 'schedule', 'force', 'requester', { slotId: 'slot-1', force: 'yes' }],
    ['a cancellation has no reason', 'cancel', 'reason', 'requester', {}],
    ['a record has no attendance', 'record', 'attendance', 'requester', { ...validRecord(), attendance: [] }],
    ['a record review date is not a date', 'record', 'reviewDate', 'requester', { ...validRecord(), reviewDate: 'next month' }],
    [
      'an action has no owner area',
      'record',
      'actions.0.ownerArea',
      'requester',
      { ...validRecord(), actions: [{ description: 'x', ownerAgency: 'police', dueBy: isoDay(1) }] },
    ],
    [
      'an action due date is a date-time',
      'record',
      'actions.0.dueBy',
      'requester',
      {
        ...validRecord(),
        actions: [{ description: 'x', ownerArea: 'northumberland', ownerAgency: 'police', dueBy: '2030-01-01T00:00:00Z' }],
      },
    ],
  ])('%s: 422 on %s at %s', async (_label, step, path, who, body) => {
    // Act
    const response = await hub.call('POST', `/v1/meetings/${requestedId}/${step}`, {
      token: who === 'invited' ? invited : requester,
      body,
    });

    // Assess
    expectProblem(response, 422);
    expect(errorPaths(response)).toContain(path);
  });

  it('an action update with an unknown status or an empty note is 422 at the field', async () => {
    // Act
    const status = await hub.call('PATCH', `/v1/meetings/${heldId}/actions/action-1`, {
      token: invited,
      body: { status: 'FINISHED', note: 'x' },
    });
    const note = await hub.call('PATCH', `/v1/meetings/${heldId}/actions/action-1`, {
      token: invited,
      body: { status: 'DONE', note: ' ' },
    });

    // Assess
    expectProblem(status, 422);
    expect(errorPaths(status)).toEqual(['status']);
    expectProblem(note, 422);
    expect(errorPaths(note)).toEqual(['note']);
  });

  it('an unknown field is rejected at the top level, nested and in an array, without its name', async () => {
    // Act
    const top = await requestWith({ priority: 'high' });
    const nested = await requestWith({
      subject: { name: { given: 'Test', middle: 'Synthetic', family: 'Child-Alpha' }, dateOfBirth: '2011-01-01' },
    });
    const inArray = await requestWith({ proposedSlots: [{ start: slotIn(3600), durationMinutes: 30, room: 'x' }] });
    const response = await hub.call('POST', `/v1/meetings/${requestedId}/responses`, {
      token: invited,
      body: { response: 'DECLINE', reason: 'x', cc: 'x' },
    });
    const update = await hub.call('PATCH', `/v1/meetings/${heldId}/actions/action-1`, {
      token: invited,
      body: { status: 'DONE', note: 'x', owner: 'x' },
    });

    // Assess
    expectProblem(top, 422);
    expect(top.json.errors).toEqual([{ path: '', message: 'holds an unknown field' }]);
    expect(echoed(top.json)).not.toContain('priority');
    expectProblem(nested, 422);
    expect(nested.json.errors).toEqual([{ path: 'subject.name', message: 'holds an unknown field' }]);
    expect(echoed(nested.json)).not.toContain('middle');
    expectProblem(inArray, 422);
    expect(inArray.json.errors).toEqual([{ path: 'proposedSlots.0', message: 'holds an unknown field' }]);
    expect(echoed(inArray.json)).not.toContain('room');
    expectProblem(response, 422);
    expect(echoed(response.json)).not.toContain('cc');
    expectProblem(update, 422);
    expect(echoed(update.json)).not.toContain('owner');
  });

  it('text/plain, and a body without a content type, are 415 on every meeting route that takes a body', async () => {
    // Prepare
    const targets: Array<[string, string, string]> = [
      ['POST', '/v1/meetings', JSON.stringify(sampleMeeting())],
      ['POST', `/v1/meetings/${requestedId}/responses`, JSON.stringify({ response: 'ACCEPT', slotId: 'slot-1' })],
      ['POST', `/v1/meetings/${requestedId}/schedule`, JSON.stringify({ slotId: 'slot-1' })],
      ['POST', `/v1/meetings/${requestedId}/cancel`, JSON.stringify({ reason: 'x' })],
      ['POST', `/v1/meetings/${requestedId}/record`, JSON.stringify(validRecord())],
      ['PATCH', `/v1/meetings/${heldId}/actions/action-1`, JSON.stringify({ status: 'DONE', note: 'x' })],
    ];

    // Act
    const plain = await Promise.all(
      targets.map(([method, path, body]) => hub.call(method, path, { token: requester, body, headers: { 'content-type': 'text/plain' } })),
    );
    const none = [];
    for (const [method, path, body] of targets)
      none.push(await raw.send(method, path, { authorization: `Bearer ${requester}` }, Buffer.from(body)));

    // Assess
    for (const response of plain) expectProblem(response, 415);
    for (const response of none) {
      expect(response.status).toBe(415);
      expect(response.contentType).toBe(PROBLEM);
    }
  });

  it('a body over 64 KiB is 413 on every meeting route that takes a body', async () => {
    // Prepare
    const huge = 'v'.repeat(64 * 1024);

    // Act
    const responses = await Promise.all([
      hub.call('POST', '/v1/meetings', { token: requester, body: sampleMeeting(['north-tyneside'], { agenda: huge }) }),
      hub.call('POST', `/v1/meetings/${requestedId}/responses`, { token: invited, body: { response: 'DECLINE', reason: huge } }),
      hub.call('POST', `/v1/meetings/${requestedId}/cancel`, { token: requester, body: { reason: huge } }),
      hub.call('POST', `/v1/meetings/${requestedId}/record`, { token: requester, body: { ...validRecord(), decisions: huge } }),
      hub.call('PATCH', `/v1/meetings/${heldId}/actions/action-1`, { token: invited, body: { status: 'DONE', note: huge } }),
    ]);

    // Assess
    for (const response of responses) expectProblem(response, 413);
  });

  it.each([
    ['not a uuid', 'not-a-uuid'],
    ['an uppercase uuid', crypto.randomUUID().toUpperCase()],
    ['an encoded slash', `${crypto.randomUUID()}%2Fx`],
    ['a very long id', 'a'.repeat(2000)],
    ['a uuid nobody issued', crypto.randomUUID()],
  ])('a meeting id that is %s is 404 on every meeting route', async (_label, id) => {
    // Act
    const responses = await Promise.all([
      hub.call('GET', `/v1/meetings/${id}`, { token: requester }),
      hub.call('POST', `/v1/meetings/${id}/responses`, { token: invited, body: { response: 'ACCEPT', slotId: 'slot-1' } }),
      hub.call('POST', `/v1/meetings/${id}/schedule`, { token: requester, body: { slotId: 'slot-1' } }),
      hub.call('POST', `/v1/meetings/${id}/cancel`, { token: requester, body: { reason: 'x' } }),
      hub.call('GET', `/v1/meetings/${id}/calendar.ics`, { token: requester }),
      hub.call('POST', `/v1/meetings/${id}/record`, { token: requester, body: validRecord() }),
      hub.call('PATCH', `/v1/meetings/${id}/actions/action-1`, { token: invited, body: { status: 'DONE', note: 'x' } }),
      hub.call('GET', `/v1/meetings/${id}/audit`, { token: requester }),
    ]);

    // Assess
    for (const response of responses) {
      expectProblem(response, 404);
      expect(response.json.detail).toBe('No such meeting');
    }
  });

  it.each(['action-99', 'action-0', 'ACTION-1', 'x', 'a'.repeat(300)])(
    'an action id %s that the meeting does not have is 404',
    async (actionId) => {
      // Act
      const response = await hub.call('PATCH', `/v1/meetings/${heldId}/actions/${actionId}`, {
        token: invited,
        body: { status: 'DONE', note: 'x' },
      });

      // Assess
      expectProblem(response, 404);
      expect(response.json.detail).toBe('No such action');
    },
  );

  it('a listing or history query the route does not know is 422 at the query, without its name', async () => {
    // Act
    const unknown = await hub.call('GET', '/v1/meetings?sort=asc', { token: requester });
    const box = await hub.call('GET', '/v1/meetings?box=sideways', { token: requester });
    const status = await hub.call('GET', '/v1/meetings?status=OVERDUE', { token: requester });
    const limit = await hub.call('GET', '/v1/meetings?limit=0', { token: requester });
    const tooMany = await hub.call('GET', '/v1/meetings?limit=101', { token: requester });
    const cursor = await hub.call('GET', '/v1/meetings?cursor=not-a-cursor', { token: requester });
    const history = await hub.call('GET', `/v1/meetings/${requestedId}/audit?limit=501`, { token: requester });
    const historyKey = await hub.call('GET', `/v1/meetings/${requestedId}/audit?Test%20Child-Alpha=1`, { token: requester });
    const updates = `/v1/meetings/${heldId}/actions/action-1/updates`;
    const updatesLimit = await hub.call('GET', `${updates}?limit=0`, { token: requester });
    const updatesCursor = await hub.call('GET', `${updates}?cursor=not-a-cursor`, { token: requester });
    const updatesKey = await hub.call('GET', `${updates}?Test%20Child-Alpha=1`, { token: requester });
    // A cursor the hub issued for the meeting's listing, not for this action's updates
    const listing = await hub.call('GET', '/v1/meetings?box=outbox&limit=1', { token: requester });
    const foreign = await hub.call('GET', `${updates}?cursor=${listing.json.nextCursor}`, { token: requester });
    // Bad input from an area outside the meeting is answered as for any request to it: not found
    const outsider = await hub.call('GET', `${updates}?limit=0`, { token: await hub.token('gateshead', [...ALL_ROLES]) });

    // Assess
    expectProblem(unknown, 422);
    expect(unknown.json.errors).toEqual([{ path: '', message: 'holds an unknown field' }]);
    expect(echoed(unknown.json)).not.toContain('sort');
    expect(errorPaths(box)).toEqual(['box']);
    expect(errorPaths(status)).toEqual(['status']);
    expect(errorPaths(limit)).toEqual(['limit']);
    expect(errorPaths(tooMany)).toEqual(['limit']);
    expect(errorPaths(cursor)).toEqual(['cursor']);
    expect(errorPaths(history)).toEqual(['limit']);
    expectProblem(historyKey, 422);
    expect(echoed(historyKey.json)).not.toContain('Child-Alpha');
    expect(errorPaths(updatesLimit)).toEqual(['limit']);
    expect(errorPaths(updatesCursor)).toEqual(['cursor']);
    expectProblem(updatesKey, 422);
    expect(echoed(updatesKey.json)).not.toContain('Child-Alpha');
    expect(typeof listing.json.nextCursor).toBe('string');
    expect(errorPaths(foreign)).toEqual(['cursor']);
    expectProblem(outsider, 404);
  });

  it('a method a meeting route does not have is a 404 problem', async () => {
    // Act
    const responses = await Promise.all([
      hub.call('DELETE', `/v1/meetings/${requestedId}`, { token: requester }),
      hub.call('PUT', '/v1/meetings', { token: requester, body: sampleMeeting() }),
      hub.call('GET', `/v1/meetings/${requestedId}/record`, { token: requester }),
      hub.call('POST', `/v1/meetings/${heldId}/actions/action-1`, { token: invited, body: { status: 'DONE', note: 'x' } }),
    ]);

    // Assess
    for (const response of responses) expectProblem(response, 404);
  });
});

// ---- generators (the generic ones are in ../support/fuzz.ts) ----

const oddValue = oddValueOf([
  14,
  15,
  480,
  481,
  '2011-02-30',
  '2026-13-01',
  '9999-12-31T23:59:59Z',
  '2020-01-01T10:00:00Z',
  '2099-01-01T10:00:00+01:00',
  'slot-1',
  'slot-2',
  'slot-99',
  'action-1',
  'ACCEPT',
  'DECLINE',
  'PROPOSE',
  'DONE',
  'ONLINE',
  'north-tyneside',
  'northumberland',
  'atlantis',
]);

const mutation = mutationOf(oddValue);

/** Valid bodies of every meeting route: the fuzz mutates these, so most runs reach a deep check. */
const validBodies = (): Json[] =>
  [
    sampleMeeting(['north-tyneside', 'newcastle'], {
      alertIds: [crypto.randomUUID()],
      proposedSlots: [{ start: slotIn(3600), durationMinutes: 30 }],
    }),
    { response: 'ACCEPT', slotId: 'slot-1', attendees: [{ agency: 'police', role: 'Synthetic DS' }] },
    { response: 'DECLINE', reason: 'Synthetic reason' },
    { response: 'PROPOSE', slot: { start: slotIn(7200), durationMinutes: 60 } },
    { slotId: 'slot-1', force: false },
    { reason: 'Synthetic reason' },
    validRecord(),
    { status: 'DONE', note: 'Synthetic note' },
  ] as Json[];

const bodyText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }))
      .map(([which, ms]) => JSON.stringify(mutate(validBodies()[which % 8]!, ms))),
  },
  { weight: 1, arbitrary: fc.nat().map((which) => JSON.stringify(validBodies()[which % 8])) },
  { weight: 1, arbitrary: withKeyFirst(() => validBodies()[0], ['response', 'slotId', 'actions', 'subject'], oddValue) },
  ...ANY_BODY,
);

/** Absent two times in three. */
const idempotencyKey = fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: idempotencyKeyText });

const segment = segmentOf([
  'v1',
  'meetings',
  'responses',
  'schedule',
  'cancel',
  'record',
  'actions',
  'updates',
  'audit',
  'calendar.ics',
  'calendar.ICS',
  '{meetingId}',
]);

const meetingIdSegment = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('MEETING-R', 'MEETING-H') }, fc.uuid().map(String), segment);
const actionIdSegment = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('action-1', 'action-2') }, segment);

const query = queryOf(['inbox', 'outbox', 'REQUESTED', 'HELD', 'OVERDUE', '0', '1', '100', '101', '501', '-1', '1e3', 'eyJ2IjoxfQ']);

/** The meeting routes, so most runs reach a handler's validation rather than the catch-all. */
const TEMPLATES: ReadonlyArray<[string, string]> = [
  ['POST', '/v1/meetings'],
  ['GET', '/v1/meetings'],
  ['GET', '/v1/meetings/ID'],
  ['POST', '/v1/meetings/ID/responses'],
  ['POST', '/v1/meetings/ID/schedule'],
  ['POST', '/v1/meetings/ID/cancel'],
  ['GET', '/v1/meetings/ID/calendar.ics'],
  ['POST', '/v1/meetings/ID/record'],
  ['PATCH', '/v1/meetings/ID/actions/ACTION'],
  ['GET', '/v1/meetings/ID/actions/ACTION/updates'],
  ['GET', '/v1/meetings/ID/audit'],
];

const routeTarget = fc
  .record({
    template: fc.constantFrom(...TEMPLATES),
    otherMethod: fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: method }),
    id: meetingIdSegment,
    action: actionIdSegment,
    search: query,
  })
  .map(({ template: [verb, template], otherMethod, id, action, search }) => ({
    method: otherMethod ?? verb,
    path: `${template.replace('ID', id).replace('ACTION', action)}${search === null ? '' : `?${search}`}`,
  }));

const anyTarget = fc.record({
  method,
  path: fc
    .tuple(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.string({ maxLength: 30 }).map(encodeURIComponent))
    .map(([segments, search]) => `/v1/meetings/${segments.join('/')}${search === '' ? '' : `?${search}`}`),
});

const badRequest = fc
  .record({
    target: fc.oneof({ weight: 4, arbitrary: routeTarget }, { weight: 1, arbitrary: anyTarget }),
    body: fc.option(bodyText, { freq: 6 }),
    contentType,
    idempotencyKey,
    caller: fc.constantFrom('requester', 'invited'),
  })
  .map(({ target, ...rest }) => ({ ...target, ...rest }));
type BadRequest = typeof badRequest extends fc.Arbitrary<infer T> ? T : never;

async function sendBad(generated: BadRequest): Promise<RawResponse> {
  const path = generated.path.replaceAll('MEETING-R', requestedId).replaceAll('MEETING-H', heldId);
  return raw.send(
    generated.method,
    path,
    fuzzHeaders(generated.caller === 'requester' ? requester : invited, generated),
    generated.body ?? undefined,
  );
}

describe('properties over generated bad requests on the meeting routes', () => {
  const statuses = new Map<number, number>();
  let runs = 0;

  afterAll(() => {
    process.stderr.write(`meetings bad-input fuzz: ${runs} runs, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}\n`);
  });

  it('1,000 generated requests: never a 5xx; every 4xx a problem document unless the gateway refused it', async () => {
    // Act + Assess
    await fc.assert(
      fc.asyncProperty(badRequest, async (generated) => {
        const response = await sendBad(generated);
        runs += 1;
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400 && generated.method !== 'HEAD' && !isGatewayRefusal(response)) {
          expect(response.contentType).toBe(PROBLEM);
        }
        expect(response.text).not.toMatch(NO_INTERNALS);
      }),
      { numRuns: 1000 },
    );

    // Assess: the runs reached the handlers' checks and state rules, not just the gateway
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([200, 404, 415, 422]));
    expect([...statuses.values()].reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(1000);
  });

  it('300 more: every 4xx body is JSON whose status is the HTTP status (the gateway’s own {"message"} refusals aside)', async () => {
    // Act + Assess
    await fc.assert(
      fc.asyncProperty(
        badRequest.filter((generated) => generated.method !== 'HEAD'),
        async (generated) => {
          const response = await sendBad(generated);
          runs += 1;
          expect(response.status).toBeLessThan(500);
          if (response.status < 400 || isGatewayRefusal(response)) return;
          const body = JSON.parse(response.text) as Record<string, unknown>;
          expect(body['status']).toBe(response.status);
          expect(typeof body['title']).toBe('string');
          expect(typeof body['type']).toBe('string');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('200 forged cursors on the meeting listing: never a 5xx; a page, if any, holds only the caller’s meetings', async () => {
    // Prepare: the shape the hub issues to north-tyneside's inbox, with made-up or foreign values
    const keyValue = fc.oneof(
      fc.constantFrom(
        'MEETINGS#north-tyneside#inbox',
        'MEETINGS#northumberland#outbox',
        'MEETINGS#gateshead#inbox',
        `MEETING#${crypto.randomUUID()}`,
        'AREA#north-tyneside',
        'AREA#gateshead',
        'MEETING',
      ),
      fc.constantFrom(`2026-03-10T10:00:00.000Z#${crypto.randomUUID()}`, '9999-12-31T23:59:59.999Z#x', '0000#'),
      fc.string({ minLength: 1, maxLength: 30 }),
      fc.constantFrom<unknown>('', 0, null, [], {}, 'k'.repeat(600)),
    );
    const keyName = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('pk', 'sk', 'boxPk', 'boxSk') }, fc.string({ maxLength: 10 }));
    const scopes = fc.oneof(
      { weight: 4, arbitrary: fc.constant<unknown>('meetings:north-tyneside:inbox') },
      fc.constantFrom<unknown>('meetings:northumberland:outbox', 'meetings:gateshead:inbox', 'inbox:north-tyneside:ALL', '', null),
      fc.string({ maxLength: 30 }),
    );
    const forged = fc.record(
      {
        v: fc.oneof({ weight: 4, arbitrary: fc.constant<unknown>(1) }, fc.constantFrom<unknown>(0, 2, '1', null)),
        scope: scopes,
        key: fc.oneof(
          fc.tuple(fc.array(keyValue, { minLength: 4, maxLength: 4 }), fc.boolean()).map(([values, fixed]) => ({
            pk: values[0],
            sk: values[1],
            boxPk: fixed ? 'MEETINGS#north-tyneside#inbox' : values[2],
            boxSk: values[3],
          })),
          fc.dictionary(keyName, keyValue, { maxKeys: 5 }),
        ),
        extra: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: ['v', 'scope', 'key'] },
    );
    const outcomes = new Map<number, number>();

    // Act + Assess
    await fc.assert(
      fc.asyncProperty(forged, fc.constantFrom('', '&status=REQUESTED', '&status=HELD'), async (payload, filter) => {
        const cursor = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
        const response = await raw.send('GET', `/v1/meetings?box=inbox&limit=2${filter}&cursor=${cursor}`, {
          authorization: `Bearer ${invited}`,
        });
        runs += 1;
        outcomes.set(response.status, (outcomes.get(response.status) ?? 0) + 1);
        expect(response.status).toBeLessThan(500);
        expect(response.text).not.toMatch(NO_INTERNALS);
        expect([200, 422]).toContain(response.status);
        if (response.status === 422) {
          expect(response.contentType).toBe(PROBLEM);
          expect(JSON.parse(response.text).errors).toEqual([expect.objectContaining({ path: 'cursor' })]);
        } else {
          for (const item of JSON.parse(response.text).items as Array<{ invitedAreas: string[] }>)
            expect(item.invitedAreas).toContain('north-tyneside');
        }
      }),
      { numRuns: 200 },
    );
    process.stderr.write(`meetings forged cursor outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}\n`);
    expect(outcomes.get(422) ?? 0).toBeGreaterThan(0);
  });

  it('150 forged cursors on an action’s updates: never a 5xx; a page, if any, holds only that action’s updates', async () => {
    // Prepare: an action with more updates than a page, and cursors of the shape the hub issues for it,
    // with made-up or foreign values (another action, another meeting, numbers past its end)
    for (let n = 1; n <= 4; n += 1) {
      const update = await hub.call('PATCH', `/v1/meetings/${heldId}/actions/action-1`, {
        token: invited,
        body: { status: 'OPEN', note: `Synthetic fuzz note ${n}` },
      });
      expect(update.status).toBe(200);
    }
    const count = (await hub.call('GET', `/v1/meetings/${heldId}`, { token: invited })).json.actions[0].updateCount as number;
    const pk = `MEETING#${heldId}`;
    const keyValue = fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: -2, max: 1_000_001 }).map((n) => `NOTE#action-1#${String(n).padStart(6, '0')}`) },
      fc.constantFrom(
        pk,
        `MEETING#${requestedId}`,
        'NOTE#action-2#000001',
        'NOTE#action-10#000001',
        'NOTE#action-1#',
        'MEETING',
        'AREA#gateshead',
      ),
      fc.string({ minLength: 1, maxLength: 30 }),
      fc.constantFrom<unknown>('', 0, null, [], {}, 'k'.repeat(600)),
    );
    const scopes = fc.oneof(
      { weight: 4, arbitrary: fc.constant<unknown>(`meeting-updates:${heldId}:action-1`) },
      fc.constantFrom<unknown>(`meeting-updates:${heldId}:action-2`, `meeting-updates:${requestedId}:action-1`, '', null),
      fc.string({ maxLength: 30 }),
    );
    const forged = fc.record(
      {
        v: fc.oneof({ weight: 4, arbitrary: fc.constant<unknown>(1) }, fc.constantFrom<unknown>(0, 2, null)),
        scope: scopes,
        key: fc.oneof(
          {
            weight: 3,
            arbitrary: fc.tuple(fc.boolean(), keyValue, keyValue).map(([fixed, first, sk]) => ({ pk: fixed ? pk : first, sk })),
          },
          fc.dictionary(fc.constantFrom('pk', 'sk', 'boxPk'), keyValue, { maxKeys: 3 }),
        ),
      },
      { requiredKeys: ['v', 'scope', 'key'] },
    );
    const outcomes = new Map<number, number>();

    // Act + Assess
    await fc.assert(
      fc.asyncProperty(forged, fc.constantFrom('', 'limit=1&', 'limit=100&'), async (payload, limit) => {
        const cursor = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
        const response = await raw.send('GET', `/v1/meetings/${heldId}/actions/action-1/updates?${limit}cursor=${cursor}`, {
          authorization: `Bearer ${invited}`,
        });
        runs += 1;
        outcomes.set(response.status, (outcomes.get(response.status) ?? 0) + 1);
        expect(response.text).not.toMatch(NO_INTERNALS);
        expect([200, 422]).toContain(response.status);
        if (response.status === 422) {
          expect(response.contentType).toBe(PROBLEM);
          expect(JSON.parse(response.text).errors).toEqual([expect.objectContaining({ path: 'cursor' })]);
        } else {
          const page = JSON.parse(response.text) as { actionId: string; items: Array<{ number: number }> };
          expect(page.actionId).toBe('action-1');
          for (const item of page.items) expect(item.number).toBeGreaterThanOrEqual(1);
          for (const item of page.items) expect(item.number).toBeLessThanOrEqual(count);
        }
      }),
      { numRuns: 150 },
    );
    process.stderr.write(`action updates forged cursor outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}\n`);
    expect(outcomes.get(422) ?? 0).toBeGreaterThan(0);
    expect(outcomes.get(200) ?? 0).toBeGreaterThan(0);
  });

  it('the hub still works after the fuzzing', async () => {
    // Act
    const health = await hub.call('GET', '/health');
    const view = await hub.call('GET', `/v1/meetings/${heldId}`, { token: invited });
    await hub.drainAudit();

    // Assess
    expect(health.status).toBe(200);
    expect(view.status).toBe(200);
    expect(view.json.status).toBe('HELD');
    expect(hub.auditDeadLetters()).toEqual([]);
    expect(runs).toBeGreaterThanOrEqual(1650);
  });
});
