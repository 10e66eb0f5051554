/**
 * Bad input sent to an alert or a meeting by an area that neither sent nor received it, over HTTP. Every
 * route about one alert or meeting answers such an area 404, on record, whatever it sends: a malformed
 * body, a body breaking the contract, an oversized body, the wrong content type, a query the route does not
 * take. Were bad input checked first, the 400/413/415/422 an outsider got for a real id (against the 404 for
 * an id that does not exist) would tell it which ids exist. The areas that hold the resource still get the
 * 4xx that names their mistake.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_LIST } from '../../functions/routes.js';
import { sampleAlert, sampleMeeting, startTestHub, type TestHub, type TestResponse } from '../support/hub.js';

const PROBLEM = 'application/problem+json';
const OUTSIDER_AREA = 'gateshead';
const ALL_ROLES = ['police', 'coordinator', 'chair', 'practitioner', 'auditor'] as const;

let hub: TestHub;
let police: string;
let chair: string;
/** North Tyneside: the alert's recipient, the meeting's invited area. */
let recipient: string;
/** Every role, so no refusal below can be for want of one. */
let outsider: string;
let alertId: string;
let meetingId: string;

beforeAll(async () => {
  hub = await startTestHub();
  police = await hub.token('northumberland', 'police');
  chair = await hub.token('northumberland', 'chair');
  recipient = await hub.token('north-tyneside', [...ALL_ROLES]);
  outsider = await hub.token(OUTSIDER_AREA, [...ALL_ROLES]);
  const alert = await hub.call('POST', '/v1/alerts', { token: police, body: sampleAlert(['north-tyneside']) });
  expect(alert.status).toBe(201);
  alertId = alert.json.alertId;
  const meeting = await hub.call('POST', '/v1/meetings', { token: chair, body: sampleMeeting(['north-tyneside']) });
  expect(meeting.status).toBe(201);
  meetingId = meeting.json.meetingId;
});

afterAll(async () => {
  await hub?.stop();
});

type Route = {
  readonly routeKey: string;
  readonly method: string;
  readonly path: (id: string) => string;
  readonly resource: 'alert' | 'meeting';
  readonly action: string;
  /** A token of an area that holds the resource and may use the route. */
  readonly holder: () => string;
};

/** Every route about one alert or meeting that reads a body. */
const BODY_ROUTES: readonly Route[] = [
  {
    routeKey: 'POST /v1/alerts/{alertId}/acknowledgements',
    method: 'POST',
    path: (id) => `/v1/alerts/${id}/acknowledgements`,
    resource: 'alert',
    action: 'ALERT_ACKNOWLEDGE',
    holder: () => recipient,
  },
  {
    routeKey: 'POST /v1/alerts/{alertId}/forwards',
    method: 'POST',
    path: (id) => `/v1/alerts/${id}/forwards`,
    resource: 'alert',
    action: 'ALERT_FORWARD',
    holder: () => recipient,
  },
  {
    routeKey: 'POST /v1/alerts/{alertId}/forwards/{forwardId}/decision',
    method: 'POST',
    path: (id) => `/v1/alerts/${id}/forwards/00000000-0000-4000-8000-000000000001/decision`,
    resource: 'alert',
    action: 'ALERT_FORWARD_DECIDE',
    holder: () => police,
  },
  {
    routeKey: 'POST /v1/alerts/{alertId}/shares/{area}/revoke',
    method: 'POST',
    path: (id) => `/v1/alerts/${id}/shares/north-tyneside/revoke`,
    resource: 'alert',
    action: 'ALERT_SHARE_REVOKE',
    holder: () => police,
  },
  {
    routeKey: 'POST /v1/alerts/{alertId}/shares/{area}/extension',
    method: 'POST',
    path: (id) => `/v1/alerts/${id}/shares/north-tyneside/extension`,
    resource: 'alert',
    action: 'ALERT_SHARE_EXTEND',
    holder: () => police,
  },
  {
    routeKey: 'POST /v1/meetings/{meetingId}/responses',
    method: 'POST',
    path: (id) => `/v1/meetings/${id}/responses`,
    resource: 'meeting',
    action: 'MEETING_RESPOND',
    holder: () => recipient,
  },
  {
    routeKey: 'POST /v1/meetings/{meetingId}/schedule',
    method: 'POST',
    path: (id) => `/v1/meetings/${id}/schedule`,
    resource: 'meeting',
    action: 'MEETING_SCHEDULE',
    holder: () => chair,
  },
  {
    routeKey: 'POST /v1/meetings/{meetingId}/cancel',
    method: 'POST',
    path: (id) => `/v1/meetings/${id}/cancel`,
    resource: 'meeting',
    action: 'MEETING_CANCEL',
    holder: () => chair,
  },
  {
    routeKey: 'POST /v1/meetings/{meetingId}/record',
    method: 'POST',
    path: (id) => `/v1/meetings/${id}/record`,
    resource: 'meeting',
    action: 'MEETING_RECORD',
    holder: () => chair,
  },
  {
    routeKey: 'PATCH /v1/meetings/{meetingId}/actions/{actionId}',
    method: 'PATCH',
    path: (id) => `/v1/meetings/${id}/actions/action-1`,
    resource: 'meeting',
    action: 'MEETING_ACTION_UPDATE',
    holder: () => recipient,
  },
];

/** Every route about one alert or meeting that reads a query. */
const QUERY_ROUTES: readonly Route[] = [
  {
    routeKey: 'GET /v1/alerts/{alertId}/audit',
    method: 'GET',
    path: (id) => `/v1/alerts/${id}/audit`,
    resource: 'alert',
    action: 'ALERT_AUDIT_READ',
    holder: () => police,
  },
  {
    routeKey: 'GET /v1/meetings/{meetingId}/audit',
    method: 'GET',
    path: (id) => `/v1/meetings/${id}/audit`,
    resource: 'meeting',
    action: 'MEETING_AUDIT_READ',
    holder: () => chair,
  },
  {
    routeKey: 'GET /v1/meetings/{meetingId}/actions/{actionId}/updates',
    method: 'GET',
    path: (id) => `/v1/meetings/${id}/actions/action-1/updates`,
    resource: 'meeting',
    action: 'MEETING_ACTION_UPDATES',
    holder: () => chair,
  },
];

type Mistake = {
  readonly name: string;
  readonly status: number;
  readonly send: (route: Route, token: string, id: string) => Promise<TestResponse>;
};

const BODY_MISTAKES: readonly Mistake[] = [
  {
    name: 'a malformed JSON body',
    status: 400,
    send: (route, token, id) => hub.call(route.method, route.path(id), { token, body: '{"response":' }),
  },
  {
    name: 'a body breaking the contract',
    status: 422,
    send: (route, token, id) => hub.call(route.method, route.path(id), { token, body: { notAField: 'Test Child-Alpha' } }),
  },
  {
    name: 'an oversized body',
    status: 413,
    send: (route, token, id) => hub.call(route.method, route.path(id), { token, body: { note: 'x'.repeat(70 * 1024) } }),
  },
  {
    name: 'the wrong content type',
    status: 415,
    send: (route, token, id) => hub.call(route.method, route.path(id), { token, body: '{}', headers: { 'content-type': 'text/plain' } }),
  },
];

const QUERY_MISTAKES: readonly Mistake[] = [
  { name: 'a limit out of range', status: 422, send: (route, token, id) => hub.call('GET', `${route.path(id)}?limit=501`, { token }) },
  {
    name: 'a query field the route does not take',
    status: 422,
    send: (route, token, id) => hub.call('GET', `${route.path(id)}?Test%20Child-Alpha=1`, { token }),
  },
];

const idOf = (route: Route) => (route.resource === 'alert' ? alertId : meetingId);

const CASES = [
  ...BODY_ROUTES.flatMap((route) => BODY_MISTAKES.map((mistake) => ({ route, mistake, label: `${route.routeKey} with ${mistake.name}` }))),
  ...QUERY_ROUTES.flatMap((route) =>
    QUERY_MISTAKES.map((mistake) => ({ route, mistake, label: `${route.routeKey} with ${mistake.name}` })),
  ),
];

/** The NOT_FOUND refusals each route's outsider cases caused, to find on record at the end. */
const refused = new Map<string, number>();

/** The problem without its instance (the request id): what tells one answer from another. */
function withoutInstance(response: TestResponse): Record<string, unknown> {
  const { instance: _instance, ...rest } = response.json as Record<string, unknown>;
  return rest;
}

describe('an area that neither sent nor received the resource', () => {
  it('covers every route about one alert or meeting that takes a body or a query', () => {
    // Assess: a route added later with input of its own must be added here
    const withInput = ROUTE_LIST.filter(
      (route) =>
        (route.routeKey.includes('{alertId}') || route.routeKey.includes('{meetingId}')) &&
        (route.operation?.request !== undefined || route.operation?.query !== undefined),
    ).map((route) => route.routeKey);
    expect([...BODY_ROUTES, ...QUERY_ROUTES].map((route) => route.routeKey).sort()).toEqual(withInput.sort());
  });

  it.each(CASES)('gets 404 for $label, the same 404 as for an id that does not exist', async ({ route, mistake }) => {
    // Act
    const real = await mistake.send(route, outsider, idOf(route));
    const missing = await mistake.send(route, outsider, crypto.randomUUID());

    // Assess
    expect(real.status).toBe(404);
    expect(real.headers.get('content-type')).toBe(PROBLEM);
    expect(withoutInstance(real)).toEqual({
      type: 'urn:mset-hub:problem:not-found',
      title: 'Not Found',
      status: 404,
      detail: route.resource === 'alert' ? 'No such alert' : 'No such meeting',
    });
    expect(withoutInstance(real)).toEqual(withoutInstance(missing));
    refused.set(route.action, (refused.get(route.action) ?? 0) + 1);
  });

  it('gets 404 for a malformed body sent with an Idempotency-Key, and 404 again for a good one under the same key', async () => {
    // Prepare
    const headers = { 'idempotency-key': 'outsider-key-1' };
    const path = `/v1/alerts/${alertId}/acknowledgements`;

    // Act
    const malformed = await hub.call('POST', path, { token: outsider, headers, body: '{"outcome":' });
    const good = await hub.call('POST', path, { token: outsider, headers, body: { outcome: 'ACCEPTED' } });

    // Assess: nothing was claimed for the malformed body, so the key is no "used with a different body" tell either
    expect([malformed.status, good.status]).toEqual([404, 404]);
    refused.set('ALERT_ACKNOWLEDGE', (refused.get('ALERT_ACKNOWLEDGE') ?? 0) + 2);
  });
});

describe('an area that holds the resource', () => {
  it.each(CASES)('gets $mistake.status for $label, naming its mistake', async ({ route, mistake }) => {
    // Act
    const response = await mistake.send(route, route.holder(), idOf(route));

    // Assess
    expect(response.status).toBe(mistake.status);
    expect(response.headers.get('content-type')).toBe(PROBLEM);
    expect(response.json.status).toBe(mistake.status);
    expect(response.text).not.toContain('Child-Alpha');
  });
});

describe('refusals on record', () => {
  it("each outsider refusal is in the resource's access history as NOT_FOUND, under the route's action", async () => {
    // Prepare
    await hub.drainAudit();

    // Act
    const alertHistory = await hub.call('GET', `/v1/alerts/${alertId}/audit?limit=500`, { token: police });
    const meetingHistory = await hub.call('GET', `/v1/meetings/${meetingId}/audit?limit=500`, { token: chair });

    // Assess
    expect([alertHistory.status, meetingHistory.status]).toEqual([200, 200]);
    const items = [...alertHistory.json.items, ...meetingHistory.json.items] as Array<{
      action: string;
      outcome: string;
      actor: { area?: string };
    }>;
    const onRecord = new Map<string, number>();
    for (const item of items) {
      if (item.actor.area === OUTSIDER_AREA && item.outcome === 'NOT_FOUND')
        onRecord.set(item.action, (onRecord.get(item.action) ?? 0) + 1);
    }
    expect(refused.size).toBe(BODY_ROUTES.length + QUERY_ROUTES.length);
    expect(Object.fromEntries(onRecord)).toEqual(Object.fromEntries(refused));
    expect(items.filter((item) => item.actor.area === OUTSIDER_AREA && item.outcome !== 'NOT_FOUND')).toEqual([]);
  });
});
