/**
 * The meeting state rules over HTTP on a real hub: no response after scheduling, no
 * record before the start or twice, no schedule of a slot nobody accepted without force, no cancel after
 * the meeting is held; and concurrent responses and schedules end in 409s, never a lost update or a 5xx,
 * with every change on record (SUCCESS) and every one that did not stand corrected (CONFLICT, same request).
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditAction, AuditEvent } from '../../contracts/audit.js';
import { DynamoAuditStore } from '../../functions/adapters/dynamodb/audit-store.js';
import { LOCAL_TABLE_NAMES, localDynamoClient } from '../../local/dynamodb.js';
import { startTestHub, type TestHub, type TestResponse } from '../support/hub.js';

const DAY_MS = 86_400_000;

let hub: TestHub;
let chair: string;
let northTyneside: string;
let newcastle: string;

beforeAll(async () => {
  hub = await startTestHub();
  [chair, northTyneside, newcastle] = await Promise.all([
    hub.token('northumberland', 'chair'),
    hub.token('north-tyneside', 'coordinator'),
    hub.token('newcastle', 'coordinator'),
  ]);
});

afterAll(async () => {
  await hub?.stop();
});

const inDays = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString();

/** Northumberland's chair asks North Tyneside and Newcastle; slot-1 in a week and slot-2 in eight days unless given. */
async function requestMeeting(starts: string[] = [inDays(7), inDays(8)]): Promise<string> {
  const response = await hub.call('POST', '/v1/meetings', {
    token: chair,
    body: {
      invitedAreas: ['north-tyneside', 'newcastle'],
      subject: { name: { given: 'Test', family: 'Child-Alpha' }, dateOfBirth: '2011-01-01' },
      reason: 'Synthetic reason for a cross-boundary meeting',
      agenda: 'Synthetic agenda',
      proposedSlots: starts.map((start) => ({ start, durationMinutes: 60 })),
      format: 'ONLINE',
    },
  });
  expect(response.status).toBe(201);
  return response.json.meetingId as string;
}

const respond = (token: string, meetingId: string, body: unknown) =>
  hub.call('POST', `/v1/meetings/${meetingId}/responses`, { token, body });
const schedule = (token: string, meetingId: string, slotId: string, force?: boolean) =>
  hub.call('POST', `/v1/meetings/${meetingId}/schedule`, { token, body: force === undefined ? { slotId } : { slotId, force } });
const view = async (meetingId: string) => {
  const response = await hub.call('GET', `/v1/meetings/${meetingId}`, { token: chair });
  expect(response.status).toBe(200);
  return response.json;
};
const record = (meetingId: string) =>
  hub.call('POST', `/v1/meetings/${meetingId}/record`, {
    token: chair,
    body: {
      attendance: [{ area: 'northumberland', agency: 'police' }],
      decisions: 'Synthetic decisions',
      reviewDate: inDays(30).slice(0, 10),
      actions: [{ description: 'Synthetic action', ownerArea: 'north-tyneside', ownerAgency: 'police', dueBy: inDays(14).slice(0, 10) }],
    },
  });
const responseOf = (meeting: { responses: any[] }, area: string): any => meeting.responses.find((entry) => entry.area === area);

async function history(meetingId: string): Promise<{ action: string; outcome: string; actor: { sub: string; area: string } }[]> {
  await hub.drainAudit();
  const response = await hub.call('GET', `/v1/meetings/${meetingId}/audit?limit=500`, { token: chair });
  expect(response.status).toBe(200);
  return response.json.items;
}

/** The meeting's audit events for `action` as stored, with their request ids. */
async function eventsOf(meetingId: string, action: AuditAction): Promise<AuditEvent[]> {
  await hub.drainAudit();
  const store = new DynamoAuditStore(DynamoDBDocumentClient.from(localDynamoClient(hub.dynamoEndpoint)), LOCAL_TABLE_NAMES.audit);
  const page = await store.listForResource({ type: 'meeting', id: meetingId }, {}, 500);
  expect(page.nextCursor).toBeUndefined();
  return page.items.filter((event) => event.action === action);
}

/**
 * Matches the record to the responses, request by request: each 409's problem names its request
 * (`instance`), and that request has SUCCESS then CONFLICT on record (or only CONFLICT when a state check
 * refused it before anything was recorded as done); every other request on record has exactly one
 * SUCCESS and no correction, and there is one such request per 2xx. Nothing is FAILED.
 */
function expectRecordMatches(events: AuditEvent[], responses: TestResponse[], success: number): void {
  // In time order; two events of one request in the same millisecond are taken SUCCESS first.
  const rank = (event: AuditEvent) => (event.outcome === 'SUCCESS' ? 0 : 1);
  const ordered = [...events].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || rank(a) - rank(b));
  const byRequest = new Map<string, AuditEvent[]>();
  for (const event of ordered) byRequest.set(event.requestId, [...(byRequest.get(event.requestId) ?? []), event]);
  const refused = responses.filter((response) => response.status === 409);
  const refusedIds = refused.map((response) => response.json.instance as string);
  expect(new Set(refusedIds).size).toBe(refused.length);
  for (const requestId of refusedIds) {
    const outcomes = (byRequest.get(requestId) ?? []).map((event) => event.outcome);
    expect([['SUCCESS', 'CONFLICT'], ['CONFLICT']], `request ${requestId} on record as ${outcomes.join(',')}`).toContainEqual(outcomes);
  }
  const standing = [...byRequest].filter(([requestId]) => !refusedIds.includes(requestId));
  expect(standing.map(([, recorded]) => recorded.map((event) => event.outcome))).toEqual(
    Array.from({ length: responses.filter((response) => response.status === success).length }, () => ['SUCCESS']),
  );
  const successIds = responses.filter((response) => response.status === success).map((response) => response.headers.get('apigw-requestid'));
  expect(standing.map(([requestId]) => requestId).sort()).toEqual(successIds.sort());
}

describe('meeting state rules over HTTP', () => {
  it('no response after scheduling: 409, and the meeting keeps the answers it had', async () => {
    // Prepare
    const meetingId = await requestMeeting();
    expect((await respond(northTyneside, meetingId, { response: 'ACCEPT', slotId: 'slot-1' })).status).toBe(201);
    expect((await schedule(chair, meetingId, 'slot-1')).status).toBe(200);

    // Act
    const late = await respond(newcastle, meetingId, { response: 'ACCEPT', slotId: 'slot-1' });
    const change = await respond(northTyneside, meetingId, { response: 'DECLINE', reason: 'Synthetic change of mind' });

    // Assess
    expect(late.status).toBe(409);
    expect(late.json).toMatchObject({ status: 409, title: 'Conflict' });
    expect(change.status).toBe(409);
    const meeting = await view(meetingId);
    expect(meeting.status).toBe('SCHEDULED');
    expect(responseOf(meeting, 'newcastle')).toEqual({ area: 'newcastle', response: 'PENDING' });
    expect(responseOf(meeting, 'north-tyneside')).toMatchObject({ response: 'ACCEPT', slotId: 'slot-1' });
  });

  it('no schedule on a slot nobody accepted: 409 without force, 200 with force: true', async () => {
    // Prepare
    const meetingId = await requestMeeting();
    expect((await respond(northTyneside, meetingId, { response: 'ACCEPT', slotId: 'slot-1' })).status).toBe(201);
    expect((await respond(newcastle, meetingId, { response: 'DECLINE', reason: 'Synthetic reason' })).status).toBe(201);

    // Act
    const unforced = await schedule(chair, meetingId, 'slot-2');
    const explicitNo = await schedule(chair, meetingId, 'slot-2', false);
    const between = (await view(meetingId)).status;
    const forced = await schedule(chair, meetingId, 'slot-2', true);

    // Assess
    expect(unforced.status).toBe(409);
    expect(explicitNo.status).toBe(409);
    expect(between).toBe('REQUESTED');
    expect(forced.status).toBe(200);
    expect(forced.json).toMatchObject({ meetingId, status: 'SCHEDULED', slotId: 'slot-2' });
    expect((await view(meetingId)).scheduled).toMatchObject({ slotId: 'slot-2' });
  });

  it('no record before the start time, once after it, never twice; no cancel once held', async () => {
    // Prepare: a slot two seconds ahead, accepted and scheduled at once
    const start = new Date(Date.now() + 2_000);
    const meetingId = await requestMeeting([start.toISOString()]);
    expect((await respond(newcastle, meetingId, { response: 'ACCEPT', slotId: 'slot-1' })).status).toBe(201);
    expect((await schedule(chair, meetingId, 'slot-1')).status).toBe(200);

    // Act
    const early = await record(meetingId);
    const earlyStatus = (await view(meetingId)).status;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, start.getTime() - Date.now()) + 100));
    const onTime = await record(meetingId);
    const twice = await record(meetingId);
    const cancel = await hub.call('POST', `/v1/meetings/${meetingId}/cancel`, { token: chair, body: { reason: 'Synthetic late cancel' } });

    // Assess
    expect(early.status).toBe(409);
    expect(earlyStatus).toBe('SCHEDULED');
    expect(onTime.status).toBe(201);
    expect(onTime.json).toMatchObject({ meetingId, status: 'HELD', actions: [{ actionId: 'action-1', ownerArea: 'north-tyneside' }] });
    expect(twice.status).toBe(409);
    expect(cancel.status).toBe(409);
    const meeting = await view(meetingId);
    expect(meeting.status).toBe('HELD');
    expect(meeting.record.decisions).toBe('Synthetic decisions');
    expect(meeting.cancelled).toBeUndefined();
    const outcomes = (await history(meetingId)).filter((event) => ['MEETING_RECORD', 'MEETING_CANCEL'].includes(event.action));
    expect(outcomes.map((event) => `${event.action}:${event.outcome}`).sort()).toEqual([
      'MEETING_CANCEL:CONFLICT',
      'MEETING_RECORD:CONFLICT',
      'MEETING_RECORD:CONFLICT',
      'MEETING_RECORD:SUCCESS',
    ]);
  }, 15_000);
});

describe('concurrent changes over HTTP', () => {
  it('10 concurrent responses from two areas: 201 or 409, never 5xx, and each area keeps one of its own 201s', async () => {
    // Prepare: five coordinators in each invited area, each with an answer that can be told apart
    const meetingId = await requestMeeting();
    const areas = ['north-tyneside', 'newcastle'] as const;
    const requests = await Promise.all(
      Array.from({ length: 10 }, async (_, index) => {
        const area = areas[index % 2]!;
        const tag = `${area}-${index}`;
        const attendees = [{ agency: 'police', role: `Synthetic role ${tag}` }];
        const kind = Math.floor(index / 2) % 4;
        const body =
          kind === 0
            ? { response: 'ACCEPT', slotId: 'slot-1', attendees }
            : kind === 1
              ? { response: 'DECLINE', reason: `Synthetic reason ${tag}`, attendees }
              : kind === 2
                ? { response: 'PROPOSE', slot: { start: inDays(10 + index), durationMinutes: 30 }, attendees }
                : { response: 'ACCEPT', slotId: 'slot-2', attendees };
        return { area, tag, body, token: await hub.token(area, 'coordinator', { sub: `test-coordinator-${tag}` }) };
      }),
    );

    // Act
    const responses: TestResponse[] = await Promise.all(requests.map(({ token, body }) => respond(token, meetingId, body)));

    // Assess
    const statuses = responses.map((response) => response.status);
    expect(
      statuses.every((status) => status === 201 || status === 409),
      `statuses ${statuses.join(',')}`,
    ).toBe(true);
    expect(statuses).toContain(201);
    const meeting = await view(meetingId);
    for (const area of areas) {
      const won = requests.flatMap((request, index) =>
        request.area === area && statuses[index] === 201 ? [{ ...request, reply: responses[index]! }] : [],
      );
      const stored = responseOf(meeting, area);
      if (won.length === 0) {
        expect(stored).toEqual({ area, response: 'PENDING' });
        continue;
      }
      const match = won.find((request) => request.body.attendees[0]?.role === stored.attendees?.[0]?.role);
      expect(match, `${area} shows a response none of its 201s sent`).toBeDefined();
      expect(stored.response).toBe(match!.body.response);
      expect(stored.by.area).toBe(area);
      if (match!.body.response === 'DECLINE') expect(stored.reason).toBe(match!.body.reason);
      if (match!.body.response !== 'DECLINE') expect(stored.slotId).toBe(match!.reply.json.slotId);
    }
    // every accepted proposal added exactly one slot, and no slot id was handed out twice
    const proposals = requests.filter((request, index) => request.body.response === 'PROPOSE' && statuses[index] === 201);
    const slotIds = (meeting.slots as { slotId: string }[]).map((slot) => slot.slotId);
    expect(slotIds).toHaveLength(2 + proposals.length);
    expect(new Set(slotIds).size).toBe(slotIds.length);
    // each 201 is one SUCCESS on record; each 409 is a SUCCESS corrected by a CONFLICT of the same request
    expectRecordMatches(await eventsOf(meetingId, 'MEETING_RESPOND'), responses, 201);
  });

  it('10 concurrent schedules on two accepted slots: exactly one 200, nine 409, one slot scheduled', async () => {
    // Prepare
    const meetingId = await requestMeeting();
    expect((await respond(northTyneside, meetingId, { response: 'ACCEPT', slotId: 'slot-1' })).status).toBe(201);
    expect((await respond(newcastle, meetingId, { response: 'ACCEPT', slotId: 'slot-2' })).status).toBe(201);
    const tokens = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        hub.token('northumberland', index % 2 === 0 ? 'chair' : 'coordinator', { sub: `test-organiser-${index}` }),
      ),
    );

    // Act
    const responses = await Promise.all(tokens.map((token, index) => schedule(token, meetingId, index % 2 === 0 ? 'slot-1' : 'slot-2')));

    // Assess
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(9);
    const winner = statuses.indexOf(200);
    const meeting = await view(meetingId);
    expect(meeting.status).toBe('SCHEDULED');
    expect(meeting.scheduled).toMatchObject({ slotId: winner % 2 === 0 ? 'slot-1' : 'slot-2' });
    const events = await eventsOf(meetingId, 'MEETING_SCHEDULE');
    expectRecordMatches(events, responses, 200);
    const successes = events.filter((event) => event.requestId === responses[winner]!.headers.get('apigw-requestid'));
    expect(successes.map((event) => `${event.outcome}:${event.actor.sub}`)).toEqual([`SUCCESS:test-organiser-${winner}`]);
  });
});
