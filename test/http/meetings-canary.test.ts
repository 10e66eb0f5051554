/**
 * The canary test for meetings (the subject, reason, agenda, answers, the record and action notes are
 * child content, sealed like an alert's). A unique string goes into every free-text
 * meeting field; every meeting route is driven, successful and failing; then every item of every table
 * (read back through the DynamoDB API), every audit message the queue carried, its dead letters, the files
 * under the data directory and all log output of this process are searched for the canaries. Positively,
 * the canaries come back decrypted to the participating areas, and the calendar invitation holds none.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { canaryKit, captureOutput, readFilesUnder, recorder, scanEveryTable, startLoudHub } from '../support/canary.js';
import { isoDay, sampleMeeting, slotIn, type TestHub, type TestResponse } from '../support/hub.js';

// ---- every level on, and every byte this process logs captured, from before the hub starts ----
vi.hoisted(() => {
  process.env['POWERTOOLS_LOG_LEVEL'] = 'DEBUG';
});
const output = captureOutput();
const { logged } = output;

// ---- canaries ----
const { run, canary, lowerCanary, leaksIn } = canaryKit();

const stored = {
  subject: { name: { given: canary('subject.given'), family: canary('subject.family') }, dateOfBirth: '2011-01-01' },
  reason: canary('reason'),
  agenda: canary('agenda'),
  attendeeRoleNt: canary('attendee.role.nt'),
  attendeeRoleNewcastle: canary('attendee.role.newcastle'),
  declineReason: canary('decline.reason'),
  decisions: canary('record.decisions'),
  disruptionPlan: canary('record.disruptionPlan'),
  actionNt: canary('action.description.nt'),
  actionNorthumberland: canary('action.description.northumberland'),
  actionNote: canary('action.note'),
};
/** Notes before `stored.actionNote`: the first drops off the meeting's latest three, to its action's own route. */
const earlierNotes = [1, 2, 3, 4].map((n) => canary(`action.note.earlier.${n}`));
const second = {
  subject: { name: { given: canary('second.given'), family: canary('second.family') }, dateOfBirth: '2011-01-01' },
  reason: canary('second.reason'),
  agenda: canary('second.agenda'),
  cancellation: canary('second.cancellation'),
};

// ---- the run ----
let hub: TestHub;
const responses: Array<{ label: string; response: TestResponse }> = [];
let queueBodies: string[];
let meetingId: string;
let secondId: string;
let views: Record<string, TestResponse>;
let secondView: TestResponse;
let calendar: TestResponse;
let actionUpdates: TestResponse[];

beforeAll(async () => {
  ({ hub, queueBodies } = await startLoudHub());

  const chair = await hub.token('northumberland', 'chair');
  const nt = await hub.token('north-tyneside', 'coordinator');
  const newcastle = await hub.token('newcastle', 'chair');
  const gateshead = await hub.token('gateshead', ['coordinator', 'chair', 'police', 'auditor']);
  const practitioner = await hub.token('northumberland', 'practitioner');
  const record = recorder(responses);

  // The first meeting: requested, answered, scheduled, held, its action updated
  const start = slotIn(2);
  const body = sampleMeeting(['north-tyneside', 'newcastle'], {
    subject: stored.subject,
    reason: stored.reason,
    agenda: stored.agenda,
    proposedSlots: [{ start, durationMinutes: 30 }],
  });
  const created = await record(
    'request',
    hub.call('POST', '/v1/meetings', { token: chair, body, headers: { 'idempotency-key': `m-${run}` } }),
  );
  expect(created.status).toBe(201);
  meetingId = created.json.meetingId;
  const m = `/v1/meetings/${meetingId}`;
  await record('request replay', hub.call('POST', '/v1/meetings', { token: chair, body, headers: { 'idempotency-key': `m-${run}` } }));
  await record(
    'accept',
    hub.call('POST', `${m}/responses`, {
      token: nt,
      body: { response: 'ACCEPT', slotId: 'slot-1', attendees: [{ agency: 'police', role: stored.attendeeRoleNt }] },
    }),
  );
  await record(
    'decline',
    hub.call('POST', `${m}/responses`, {
      token: newcastle,
      body: { response: 'DECLINE', reason: stored.declineReason, attendees: [{ agency: 'health', role: stored.attendeeRoleNewcastle }] },
    }),
  );
  await record('view before schedule', hub.call('GET', m, { token: newcastle }));
  await record(
    'record before start',
    hub.call('POST', `${m}/record`, {
      token: chair,
      body: {
        attendance: [{ area: 'northumberland', agency: 'police' }],
        decisions: canary('early.decisions'),
        reviewDate: isoDay(7),
        actions: [],
      },
    }),
  );
  await record('invitation before schedule', hub.call('GET', `${m}/calendar.ics`, { token: nt }));
  // Two plain meetings for failing steps: one scheduled on the same slot (to record), one left requested
  const third = await hub.call('POST', '/v1/meetings', {
    token: chair,
    body: sampleMeeting(['north-tyneside'], { proposedSlots: [{ start, durationMinutes: 30 }] }),
  });
  const thirdId = third.json.meetingId as string;
  expect(
    (await hub.call('POST', `/v1/meetings/${thirdId}/schedule`, { token: chair, body: { slotId: 'slot-1', force: true } })).status,
  ).toBe(200);
  const fourth = await hub.call('POST', '/v1/meetings', { token: chair, body: sampleMeeting(['north-tyneside']) });
  const fourthId = fourth.json.meetingId as string;
  const scheduled = await record('schedule', hub.call('POST', `${m}/schedule`, { token: chair, body: { slotId: 'slot-1' } }));
  expect(scheduled.status).toBe(200);
  calendar = await record('invitation', hub.call('GET', `${m}/calendar.ics`, { token: newcastle }));
  await record(
    'answer after schedule',
    hub.call('POST', `${m}/responses`, { token: newcastle, body: { response: 'DECLINE', reason: canary('late.decline') } }),
  );
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, new Date(start).getTime() - Date.now() + 150)));
  const recordBody = {
    attendance: [
      { area: 'northumberland', agency: 'police' },
      { area: 'north-tyneside', agency: 'childrens-services' },
    ],
    decisions: stored.decisions,
    disruptionPlan: stored.disruptionPlan,
    reviewDate: isoDay(28),
    actions: [
      { description: stored.actionNt, ownerArea: 'north-tyneside', ownerAgency: 'childrens-services', dueBy: isoDay(7) },
      { description: stored.actionNorthumberland, ownerArea: 'northumberland', ownerAgency: 'police', dueBy: isoDay(-1) },
    ],
  };
  const held = await record('record', hub.call('POST', `${m}/record`, { token: chair, body: recordBody }));
  expect(held.status).toBe(201);
  for (const [index, note] of earlierNotes.entries()) {
    const earlier = await record(
      `earlier action update ${index + 1}`,
      hub.call('PATCH', `${m}/actions/action-1`, { token: nt, body: { status: 'OPEN', note } }),
    );
    expect(earlier.status).toBe(200);
  }
  const updated = await record(
    'action update',
    hub.call('PATCH', `${m}/actions/action-1`, { token: nt, body: { status: 'DONE', note: stored.actionNote } }),
  );
  expect(updated.status).toBe(200);

  // The second meeting: requested and cancelled
  const other = await record(
    'second request',
    hub.call('POST', '/v1/meetings', {
      token: chair,
      body: sampleMeeting(['north-tyneside'], { subject: second.subject, reason: second.reason, agenda: second.agenda }),
    }),
  );
  expect(other.status).toBe(201);
  secondId = other.json.meetingId;
  const cancelled = await record(
    'cancel',
    hub.call('POST', `/v1/meetings/${secondId}/cancel`, { token: chair, body: { reason: second.cancellation } }),
  );
  expect(cancelled.status).toBe(200);

  // Reads
  views = {
    northumberland: await record('view (requester)', hub.call('GET', m, { token: chair })),
    'north-tyneside': await record('view (invited)', hub.call('GET', m, { token: nt })),
    newcastle: await record('view (declined)', hub.call('GET', m, { token: newcastle })),
  };
  secondView = await record('second view', hub.call('GET', `/v1/meetings/${secondId}`, { token: nt }));
  const firstUpdates = await record('action updates', hub.call('GET', `${m}/actions/action-1/updates?limit=3`, { token: newcastle }));
  actionUpdates = [
    firstUpdates,
    await record(
      'action updates, next page',
      hub.call('GET', `${m}/actions/action-1/updates?limit=3&cursor=${firstUpdates.json.nextCursor}`, { token: chair }),
    ),
  ];
  await record('outbox', hub.call('GET', '/v1/meetings?box=outbox', { token: chair }));
  await record('inbox', hub.call('GET', '/v1/meetings?box=inbox&status=HELD', { token: nt }));
  await record('history (requester)', hub.call('GET', `${m}/audit`, { token: chair }));
  await record('history (invited)', hub.call('GET', `${m}/audit`, { token: newcastle }));

  // Failing requests, each carrying child content
  const request = (overrides: Record<string, unknown>) => ({
    ...body,
    proposedSlots: [{ start: slotIn(3600), durationMinutes: 30 }],
    ...overrides,
  });
  const failing: Array<[string, () => Promise<TestResponse>]> = [
    [
      'unknown top-level field',
      () => hub.call('POST', '/v1/meetings', { token: chair, body: request({ remark: canary('unknown.value') }) }),
    ],
    [
      'unknown nested field',
      () =>
        hub.call('POST', '/v1/meetings', {
          token: chair,
          body: request({ subject: { ...stored.subject, name: { ...stored.subject.name, middle: canary('unknown.nested') } } }),
        }),
    ],
    [
      'unknown key that is not a field name',
      () => hub.call('POST', '/v1/meetings', { token: chair, body: request({ [`${canary('weird.key')} !`]: 1 }) }),
    ],
    [
      'invalid date of birth',
      () =>
        hub.call('POST', '/v1/meetings', { token: chair, body: request({ subject: { ...stored.subject, dateOfBirth: canary('dob') } }) }),
    ],
    ['invalid format', () => hub.call('POST', '/v1/meetings', { token: chair, body: request({ format: canary('format') }) })],
    [
      'invalid slot start',
      () =>
        hub.call('POST', '/v1/meetings', {
          token: chair,
          body: request({ proposedSlots: [{ start: canary('slot.start'), durationMinutes: 30 }] }),
        }),
    ],
    [
      'unknown invited area',
      () => hub.call('POST', '/v1/meetings', { token: chair, body: request({ invitedAreas: [lowerCanary('area')] }) }),
    ],
    ['alert id not a uuid', () => hub.call('POST', '/v1/meetings', { token: chair, body: request({ alertIds: [canary('alert.id')] }) })],
    [
      'an alert the area never had',
      () =>
        hub.call('POST', '/v1/meetings', {
          token: chair,
          body: request({ alertIds: [crypto.randomUUID()], reason: canary('unlinked.reason') }),
        }),
    ],
    [
      'reason too long',
      () => hub.call('POST', '/v1/meetings', { token: chair, body: request({ reason: `${canary('long.reason')}${'x'.repeat(2001)}` }) }),
    ],
    ['malformed JSON', () => hub.call('POST', '/v1/meetings', { token: chair, body: `{"reason": "${canary('malformed')}",` })],
    [
      'wrong media type',
      () =>
        hub.call('POST', '/v1/meetings', {
          token: chair,
          body: JSON.stringify(request({ reason: canary('media.reason') })),
          headers: { 'content-type': 'text/plain' },
        }),
    ],
    [
      'body too large',
      () => hub.call('POST', '/v1/meetings', { token: chair, body: request({ agenda: `${canary('huge')}${'y'.repeat(70_000)}` }) }),
    ],
    [
      'idempotency key reused with another body',
      () =>
        hub.call('POST', '/v1/meetings', {
          token: chair,
          body: { ...body, reason: canary('idem.reason') },
          headers: { 'idempotency-key': `m-${run}` },
        }),
    ],
    [
      'request by a practitioner',
      () => hub.call('POST', '/v1/meetings', { token: practitioner, body: request({ reason: canary('practitioner.reason') }) }),
    ],
    [
      'answer by the requester',
      () => hub.call('POST', `${m}/responses`, { token: chair, body: { response: 'DECLINE', reason: canary('requester.decline') } }),
    ],
    [
      'answer by an outsider',
      () => hub.call('POST', `${m}/responses`, { token: gateshead, body: { response: 'DECLINE', reason: canary('outsider.decline') } }),
    ],
    [
      'proposal in the past',
      () =>
        hub.call('POST', `/v1/meetings/${fourthId}/responses`, {
          token: nt,
          body: {
            response: 'PROPOSE',
            slot: { start: '2020-01-01T10:00:00Z', durationMinutes: 30 },
            attendees: [{ agency: 'police', role: canary('past.role') }],
          },
        }),
    ],
    [
      'attendee of an unknown agency',
      () =>
        hub.call('POST', `${m}/responses`, {
          token: nt,
          body: { response: 'ACCEPT', slotId: 'slot-1', attendees: [{ agency: lowerCanary('agency'), role: 'x' }] },
        }),
    ],
    [
      'schedule an unknown slot',
      () => hub.call('POST', `/v1/meetings/${fourthId}/schedule`, { token: chair, body: { slotId: canary('slot', 20) } }),
    ],
    ['cancel a held meeting', () => hub.call('POST', `${m}/cancel`, { token: chair, body: { reason: canary('held.cancel') } })],
    ['cancel by an invited area', () => hub.call('POST', `${m}/cancel`, { token: nt, body: { reason: canary('invited.cancel') } })],
    ['record twice', () => hub.call('POST', `${m}/record`, { token: chair, body: { ...recordBody, decisions: canary('second.record') } })],
    [
      'record by an outsider',
      () => hub.call('POST', `${m}/record`, { token: gateshead, body: { ...recordBody, disruptionPlan: canary('outsider.plan') } }),
    ],
    [
      'record naming an area outside the meeting',
      () =>
        hub.call('POST', `/v1/meetings/${thirdId}/record`, {
          token: chair,
          body: { ...recordBody, attendance: [{ area: lowerCanary('attendance'), agency: 'police' }] },
        }),
    ],
    [
      'action update by a non-owner',
      () => hub.call('PATCH', `${m}/actions/action-1`, { token: newcastle, body: { status: 'DONE', note: canary('nonowner.note') } }),
    ],
    [
      'action update by an outsider',
      () => hub.call('PATCH', `${m}/actions/action-1`, { token: gateshead, body: { status: 'DONE', note: canary('outsider.note') } }),
    ],
    [
      'action update with an invalid status',
      () => hub.call('PATCH', `${m}/actions/action-1`, { token: nt, body: { status: canary('status'), note: 'x' } }),
    ],
    [
      'canary as an action id',
      () => hub.call('PATCH', `${m}/actions/${canary('action.id', 60)}`, { token: nt, body: { status: 'DONE', note: 'x' } }),
    ],
    ['view by an outsider', () => hub.call('GET', m, { token: gateshead })],
    ['canary as a meeting id', () => hub.call('GET', `/v1/meetings/${canary('path')}`, { token: chair })],
    [
      'canary as a meeting id, on the invitation',
      () => hub.call('GET', `/v1/meetings/${canary('ics.path')}/calendar.ics`, { token: chair }),
    ],
    [
      'canary in a query value',
      () => hub.call('GET', `/v1/meetings?status=${canary('query.status')}&box=${canary('query.box')}`, { token: chair }),
    ],
    ['canary as a cursor', () => hub.call('GET', `/v1/meetings?cursor=${canary('cursor')}`, { token: chair })],
    ['action updates by an outsider', () => hub.call('GET', `${m}/actions/action-1/updates`, { token: gateshead })],
    [
      'canary as a cursor of action updates',
      () => hub.call('GET', `${m}/actions/action-1/updates?cursor=${canary('updates.cursor')}`, { token: nt }),
    ],
    [
      'canary as an action id, on its updates',
      () => hub.call('GET', `${m}/actions/${canary('updates.action', 60)}/updates`, { token: nt }),
    ],
    ['canary as an unknown query key', () => hub.call('GET', `/v1/meetings?${canary('query.key')}=1`, { token: chair })],
    ['canary in the history query', () => hub.call('GET', `${m}/audit?limit=${canary('history.limit')}`, { token: chair })],
  ];
  for (const [label, call] of failing) await record(label, call());

  // Every notice the meeting's changes gave (and any action reminder) is sent, then searched like the rest.
  await hub.runJob('ladder-sweep');
  await hub.drainNotifications();
  await hub.drainAudit();
});

afterAll(async () => {
  await hub?.stop();
  output.restore();
  vi.restoreAllMocks();
});

describe('the canaries were really sent', () => {
  it('every stored canary comes back decrypted in GET /v1/meetings/{id} to every participating area', () => {
    // Assess
    const values = [
      stored.subject.name.given,
      stored.subject.name.family,
      ...Object.values(stored).filter((value) => typeof value === 'string'),
    ];
    expect(values).toHaveLength(12);
    for (const [area, view] of Object.entries(views)) {
      expect(view.status, area).toBe(200);
      for (const value of values) expect(view.text, `${area}: ${value}`).toContain(value);
    }
    expect(views['newcastle']!.json.responses[1]).toMatchObject({ area: 'newcastle', response: 'DECLINE', reason: stored.declineReason });
    expect(views['newcastle']!.json.actions[0].latestUpdates[0].note).toBe(stored.actionNote);
    // The meeting shows the latest three; every note comes back, newest first, at the action's own route
    expect(views['newcastle']!.json.actions[0].latestUpdates.map((update: { note: string }) => update.note)).toEqual([
      stored.actionNote,
      earlierNotes[3],
      earlierNotes[2],
    ]);
    expect(views['newcastle']!.text).not.toContain(earlierNotes[0]);
    expect(actionUpdates.map((page) => page.status)).toEqual([200, 200]);
    expect(actionUpdates.flatMap((page) => page.json.items.map((update: { note: string }) => update.note))).toEqual([
      stored.actionNote,
      ...[...earlierNotes].reverse(),
    ]);
    expect(leaksIn(String(actionUpdates[0]!.json.nextCursor))).toEqual([]);
    expect(secondView.status).toBe(200);
    expect(secondView.json).toMatchObject({
      status: 'CANCELLED',
      subject: second.subject,
      reason: second.reason,
      agenda: second.agenda,
      cancelled: { reason: second.cancellation },
    });
  });

  it('every failing request did fail, with the status it should', () => {
    // Assess
    const statusOf = (label: string) => responses.find((entry) => entry.label === label)?.response.status;
    const expected: Record<string, number> = {
      'record before start': 409,
      'invitation before schedule': 409,
      'answer after schedule': 409,
      'malformed JSON': 400,
      'wrong media type': 415,
      'body too large': 413,
      'request by a practitioner': 403,
      'answer by the requester': 403,
      'answer by an outsider': 404,
      'cancel a held meeting': 409,
      'cancel by an invited area': 403,
      'record twice': 409,
      'record by an outsider': 404,
      'action update by a non-owner': 403,
      'action update by an outsider': 404,
      'canary as an action id': 404,
      'view by an outsider': 404,
      'canary as a meeting id': 404,
      'canary as a meeting id, on the invitation': 404,
      'action updates by an outsider': 404,
      'canary as an action id, on its updates': 404,
    };
    for (const [label, status] of Object.entries(expected)) expect(statusOf(label), label).toBe(status);
    for (const label of [
      'unknown top-level field',
      'unknown nested field',
      'unknown key that is not a field name',
      'invalid date of birth',
      'invalid format',
      'invalid slot start',
      'unknown invited area',
      'alert id not a uuid',
      'an alert the area never had',
      'reason too long',
      'idempotency key reused with another body',
      'proposal in the past',
      'attendee of an unknown agency',
      'schedule an unknown slot',
      'record naming an area outside the meeting',
      'action update with an invalid status',
      'canary in a query value',
      'canary as a cursor',
      'canary as an unknown query key',
      'canary in the history query',
      'canary as a cursor of action updates',
    ]) {
      expect(statusOf(label), label).toBe(422);
    }
  });
});

describe('no canary anywhere else', () => {
  it('the calendar invitation holds none (and is a real invitation)', () => {
    // Assess
    expect(calendar.status).toBe(200);
    expect(calendar.text).toContain('BEGIN:VEVENT');
    expect(leaksIn(calendar.text.replace(/\r\n[ \t]/g, ''))).toEqual([]);
  });

  it('no error response, write response, listing or history echoes a canary', () => {
    // Assess
    const allowed = new Set([
      'view before schedule',
      'view (requester)',
      'view (invited)',
      'view (declined)',
      'second view',
      'action updates',
      'action updates, next page',
    ]);
    const mustBeClean = responses.filter(({ label }) => !allowed.has(label));
    expect(mustBeClean.length).toBeGreaterThan(45);
    for (const { label, response } of mustBeClean) {
      expect(leaksIn(response.text), label).toEqual([]);
      expect(leaksIn(JSON.stringify([...response.headers])), `${label} headers`).toEqual([]);
    }
  });

  it('no item of any table holds a canary (every table, every item, read through the DynamoDB API)', async () => {
    // Act
    const { tables, items } = await scanEveryTable(hub);

    // Assess: the tables hold the meetings, sealed (so the search covered something), and no canary
    expect(tables).toEqual(expect.arrayContaining(['mset-hub-meetings', 'mset-hub-audit', 'mset-hub-idempotency']));
    const meetingsText = JSON.stringify(items['mset-hub-meetings']);
    expect(meetingsText).toContain(meetingId);
    expect(meetingsText).toContain(secondId);
    expect(meetingsText).toContain('"ct"');
    expect(items['mset-hub-audit']!.length).toBeGreaterThanOrEqual(30);
    // Every table's leaks at once, so a failure names every field that leaked and where
    const leaks = Object.fromEntries(Object.entries(items).map(([table, tableItems]) => [table, leaksIn(JSON.stringify(tableItems))]));
    expect(leaks).toEqual(Object.fromEntries(tables.map((table) => [table, []])));
  });

  it('no audit message the queue carried, and no dead letter, holds a canary', () => {
    // Assess
    expect(queueBodies.length).toBeGreaterThanOrEqual(30);
    expect(queueBodies.join('\n')).toContain(meetingId);
    expect(leaksIn(queueBodies.join('\n'))).toEqual([]);
    expect(hub.auditDeadLetters()).toEqual([]);
  });

  it('no notification about the meeting holds a canary, and there were some', () => {
    // Assess
    const messages = hub.mailOutbox.list();
    expect(messages.some((message) => message.template === 'MEETING_REQUESTED')).toBe(true);
    expect(leaksIn(JSON.stringify(messages))).toEqual([]);
  });

  it('no file under the data directory holds a canary in plain bytes', async () => {
    // Act
    const files = await readFilesUnder(hub.dataDir);

    // Assess
    expect(files.length).toBeGreaterThan(0);
    const leaks = Object.fromEntries(
      files.map(({ path, content }) => [path, leaksIn(content.toString('latin1'))] as const).filter(([, found]) => found.length > 0),
    );
    expect(leaks).toEqual({});
  });

  it('no log line of this process holds a canary', () => {
    // Assess: the hub did log every meeting route, and nothing it logged is child content
    const text = logged.join('');
    expect(text).toContain('"message":"request"');
    for (const route of [
      'POST /v1/meetings',
      'POST /v1/meetings/{meetingId}/record',
      'PATCH /v1/meetings/{meetingId}/actions/{actionId}',
      'GET /v1/meetings/{meetingId}/calendar.ics',
    ]) {
      expect(text).toContain(`"routeKey":"${route}"`);
    }
    expect(leaksIn(text)).toEqual([]);
  });
});
