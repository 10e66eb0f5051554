/**
 * Who may do what with a share's life, over HTTP: the forward, decision, revocation and extension routes ×
 * four areas (the sender, a recipient, an area the recipient forwarded to, an outsider) × every role (and
 * multi-role and role-less tokens), each combination a named test with the exact status the sharing rules
 * give, written here from those rules. Then the no-leak rules: an outsider's 404 is the same as for an
 * alert that does not exist; a recipient learns nothing of forwards it did not make, not even that a
 * forward request exists; and every refusal is on record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../contracts/identity.js';
import { ROUTE_LIST } from '../../functions/routes.js';
import { matrixCases, rightsOf, roleSets } from '../support/authorization.js';
import { sampleAlert, startTestHub, type TestHub, type TestResponse } from '../support/hub.js';

type Relation = 'sender' | 'recipient' | 'forwarded' | 'outsider';
const AREAS: ReadonlyArray<{ area: string; relation: Relation }> = [
  { area: 'northumberland', relation: 'sender' },
  { area: 'north-tyneside', relation: 'recipient' },
  { area: 'newcastle', relation: 'forwarded' },
  { area: 'gateshead', relation: 'outsider' },
];
const ROLE_SETS = roleSets(['police', 'coordinator']);
const ROUTE_KEYS = ROUTE_LIST.filter(
  (route) => route.authorized && (route.routeKey.includes('/forwards') || route.routeKey.includes('/shares/')),
).map((route) => route.routeKey);

// The sharing rules, written out independently of the code.
const MAY: Record<'forward' | 'manage', readonly Role[]> = {
  // A recipient area passes the alert on by its coordinator or chair, within its own scopes.
  forward: ['coordinator', 'chair'],
  // The sending area forwards with any scope, decides on forward requests, revokes and extends.
  manage: ['police', 'coordinator', 'chair'],
};
const may = rightsOf(MAY);

function expectedStatus(routeKey: string, relation: Relation, roles: readonly Role[]): number {
  if (relation === 'outsider') return 404;
  switch (routeKey) {
    case 'POST /v1/alerts/{alertId}/forwards':
      if (relation === 'sender') return may(roles, 'manage') ? 201 : 403;
      return may(roles, 'forward') ? 201 : 403;
    case 'POST /v1/alerts/{alertId}/forwards/{forwardId}/decision':
    case 'POST /v1/alerts/{alertId}/shares/{area}/revoke':
    case 'POST /v1/alerts/{alertId}/shares/{area}/extension':
      if (relation !== 'sender') return 403;
      return may(roles, 'manage') ? 200 : 403;
    default:
      throw new Error(`No expectation written for route ${routeKey}: add it to the matrix`);
  }
}

const CASES = matrixCases(ROUTE_KEYS, AREAS, ROLE_SETS, (routeKey, _area, relation, roles) => expectedStatus(routeKey, relation, roles));

const CHILD_FAMILY_NAME = 'Child-Alpha-Onward';
const REASON = 'Synthetic reason: the family has family there';
let hub: TestHub;
let police: string;
let ntCoordinator: string;
/** North Tyneside's alert, under ORIGINATOR_APPROVAL: forwarded (approved) to Newcastle, and asked to go to Sunderland. */
let alertId: string;
let pendingForwardId: string;
const outsiderBodies: string[] = [];
const tally = { forbidden: 0, notFound: 0 };

const sharing = (onwardSharing: 'PERMITTED' | 'ORIGINATOR_APPROVAL') => ({
  purpose: 'Child known to MSET is moving area',
  lawfulBasis: 'DPA2018_PART3_SCH8_PARA4',
  consent: { status: 'NOT_SOUGHT', reason: 'Seeking consent would increase risk' },
  handling: { code: 'P', onwardSharing },
});

/** An alert to North Tyneside, which forwards RISK to Newcastle (approved by the sender where the terms ask). */
async function alertHeldByThree(onwardSharing: 'PERMITTED' | 'ORIGINATOR_APPROVAL'): Promise<string> {
  const created = await hub.call('POST', '/v1/alerts', {
    token: police,
    body: sampleAlert(['north-tyneside'], {
      sharing: sharing(onwardSharing),
      child: { name: { given: 'Test', family: CHILD_FAMILY_NAME }, dateOfBirth: '2011-01-01' },
    }),
  });
  expect(created.status).toBe(201);
  const id = created.json.alertId as string;
  const forwarded = await hub.call('POST', `/v1/alerts/${id}/forwards`, {
    token: ntCoordinator,
    body: { area: 'newcastle', scopes: ['RISK'], reason: REASON },
  });
  if (onwardSharing === 'PERMITTED') {
    expect(forwarded.status).toBe(201);
  } else {
    expect(forwarded.status).toBe(202);
    const approved = await hub.call('POST', `/v1/alerts/${id}/forwards/${forwarded.json.forwardId}/decision`, {
      token: police,
      body: { decision: 'APPROVED', reason: 'Agreed' },
    });
    expect(approved.status).toBe(200);
  }
  return id;
}

/** A request from North Tyneside to pass `id` on to Sunderland, awaiting the sender's decision. */
async function pendingRequest(id: string): Promise<string> {
  const asked = await hub.call('POST', `/v1/alerts/${id}/forwards`, {
    token: ntCoordinator,
    body: { area: 'sunderland', scopes: ['RISK'], reason: REASON },
  });
  expect(asked.status).toBe(202);
  return asked.json.forwardId as string;
}

beforeAll(async () => {
  hub = await startTestHub();
  police = await hub.token('northumberland', 'police');
  ntCoordinator = await hub.token('north-tyneside', 'coordinator');
  alertId = await alertHeldByThree('ORIGINATOR_APPROVAL');
  pendingForwardId = await pendingRequest(alertId);
});

afterAll(async () => {
  await hub?.stop();
});

async function request(routeKey: string, token: string, id: string, forwardId: string): Promise<TestResponse> {
  switch (routeKey) {
    case 'POST /v1/alerts/{alertId}/forwards':
      // Within every forwarder's scopes (Newcastle holds RISK only); Sunderland holds nothing yet.
      return hub.call('POST', `/v1/alerts/${id}/forwards`, { token, body: { area: 'sunderland', scopes: ['RISK'], reason: REASON } });
    case 'POST /v1/alerts/{alertId}/forwards/{forwardId}/decision':
      return hub.call('POST', `/v1/alerts/${id}/forwards/${forwardId}/decision`, {
        token,
        body: { decision: 'APPROVED', reason: 'Agreed' },
      });
    case 'POST /v1/alerts/{alertId}/shares/{area}/revoke':
      return hub.call('POST', `/v1/alerts/${id}/shares/north-tyneside/revoke`, { token, body: { reason: 'Synthetic: shared in error' } });
    case 'POST /v1/alerts/{alertId}/shares/{area}/extension':
      return hub.call('POST', `/v1/alerts/${id}/shares/north-tyneside/extension`, {
        token,
        body: { expiresAt: new Date(Date.now() + 540 * 24 * 3600 * 1000).toISOString(), justification: 'Synthetic: still at risk' },
      });
    default:
      throw new Error(`No request written for route ${routeKey}`);
  }
}

describe('the matrix: route × area × role', () => {
  it('covers every route of a share’s life in functions/routes.ts', () => {
    expect(ROUTE_KEYS.sort()).toEqual([
      'POST /v1/alerts/{alertId}/forwards',
      'POST /v1/alerts/{alertId}/forwards/{forwardId}/decision',
      'POST /v1/alerts/{alertId}/shares/{area}/extension',
      'POST /v1/alerts/{alertId}/shares/{area}/revoke',
    ]);
    expect(CASES).toHaveLength(ROUTE_KEYS.length * AREAS.length * ROLE_SETS.length);
  });

  it.each(CASES)('$routeKey as $label in $area ($relation) → $expected', async ({ routeKey, area, relation, roles, expected }) => {
    // Prepare: a success changes what it acts on, so it gets an alert of its own (forwards allowed at once)
    const token = await hub.token(area, [...roles]);
    let id = alertId;
    let forwardId = pendingForwardId;
    if (expected < 300) {
      id = await alertHeldByThree(routeKey.includes('/decision') ? 'ORIGINATOR_APPROVAL' : 'PERMITTED');
      if (routeKey.includes('/decision')) forwardId = await pendingRequest(id);
    }

    // Act
    const response = await request(routeKey, token, id, forwardId);

    // Assess
    expect(response.status).toBe(expected);
    if (expected >= 400) {
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.json.status).toBe(expected);
      if (expected === 403) tally.forbidden += 1;
      if (expected === 404) tally.notFound += 1;
    }
    if (relation === 'outsider') outsiderBodies.push(response.text);
  });
});

describe('nobody learns of a forward that is not theirs', () => {
  it('an outsider gets the same 404 for the alert as for one that does not exist, on every route', async () => {
    // Prepare
    const token = await hub.token('gateshead', ['police', 'coordinator', 'chair', 'practitioner', 'auditor']);
    const missing = crypto.randomUUID();
    const strip = (response: TestResponse) => {
      const { instance: _instance, ...rest } = response.json as Record<string, unknown>;
      return rest;
    };

    // Act
    const pairs = await Promise.all(
      ROUTE_KEYS.map(
        async (routeKey) =>
          [await request(routeKey, token, alertId, pendingForwardId), await request(routeKey, token, missing, pendingForwardId)] as const,
      ),
    );

    // Assess
    for (const [real, absent] of pairs) {
      expect(real.status).toBe(404);
      expect(strip(real)).toEqual(strip(absent));
      expect(strip(real)).toEqual({ type: 'urn:mset-hub:problem:not-found', title: 'Not Found', status: 404, detail: 'No such alert' });
      outsiderBodies.push(real.text);
    }
    tally.notFound += pairs.length;
  });

  it('a recipient gets the same 403 for a forward request that exists as for one that does not', async () => {
    // Act
    const body = { decision: 'REFUSED', reason: 'x' };
    const real = await hub.call('POST', `/v1/alerts/${alertId}/forwards/${pendingForwardId}/decision`, { token: ntCoordinator, body });
    const absent = await hub.call('POST', `/v1/alerts/${alertId}/forwards/${crypto.randomUUID()}/decision`, { token: ntCoordinator, body });
    const newcastle = await hub.token('newcastle', 'coordinator');
    const fromNewcastle = await hub.call('POST', `/v1/alerts/${alertId}/forwards/${pendingForwardId}/decision`, { token: newcastle, body });

    // Assess
    expect([real.status, absent.status, fromNewcastle.status]).toEqual([403, 403, 403]);
    expect(real.json.detail).toBe(absent.json.detail);
    tally.forbidden += 3;
  });

  it('the sender gets the same 404 for a share an area never held as for a malformed area', async () => {
    // Act
    const body = { reason: 'x' };
    const never = await hub.call('POST', `/v1/alerts/${alertId}/shares/gateshead/revoke`, { token: police, body });
    const malformed = await hub.call('POST', `/v1/alerts/${alertId}/shares/Not%20An%20Area/revoke`, { token: police, body });
    const unknownForward = await hub.call('POST', `/v1/alerts/${alertId}/forwards/${crypto.randomUUID()}/decision`, {
      token: police,
      body: { decision: 'APPROVED', reason: 'x' },
    });

    // Assess
    expect([never.status, malformed.status, unknownForward.status]).toEqual([404, 404, 404]);
    tally.notFound += 3;
  });

  it('each recipient sees its own share, where it came from and its own forwards: no other area’s', async () => {
    // Act
    const nt = await hub.call('GET', `/v1/alerts/${alertId}`, { token: ntCoordinator });
    const nc = await hub.call('GET', `/v1/alerts/${alertId}`, { token: await hub.token('newcastle', 'coordinator') });
    const sender = await hub.call('GET', `/v1/alerts/${alertId}`, { token: police });

    // Assess: North Tyneside made both forwards, so sees both, without the sender's sealed reasons
    expect(nt.json.shares.map((share: { area: string }) => share.area)).toEqual(['north-tyneside']);
    expect(nt.json.custody.map((entry: { toArea: string; status: string }) => `${entry.toArea} ${entry.status}`)).toEqual([
      'newcastle SHARED',
      'sunderland AWAITING_APPROVAL',
    ]);
    expect(JSON.stringify(nt.json.custody)).not.toContain(REASON);
    // Newcastle sees its own share, from North Tyneside, and nothing of Sunderland or the request
    expect(nc.json.shares.map((share: { area: string }) => share.area)).toEqual(['newcastle']);
    expect(nc.json.shares[0].origin).toMatchObject({ fromArea: 'north-tyneside', reason: REASON });
    expect(nc.json.custody).toEqual([]);
    expect(nc.text).not.toContain('sunderland');
    expect(nc.json.child).toBeUndefined();
    // The sender sees the whole chain, with the reasons and its decision
    expect(sender.json.custody).toEqual([
      expect.objectContaining({ fromArea: 'north-tyneside', toArea: 'newcastle', status: 'SHARED', reason: REASON }),
      expect.objectContaining({ fromArea: 'north-tyneside', toArea: 'sunderland', status: 'AWAITING_APPROVAL', reason: REASON }),
    ]);
    expect(sender.json.custody[0].decision).toMatchObject({ decision: 'APPROVED', reason: 'Agreed', by: { area: 'northumberland' } });
  });

  it('a recipient’s forward answers alike whether the area holds, once held or never held a share: the sender decides', async () => {
    // Prepare: North Tyneside, Newcastle and Sunderland hold the alert (asking approval); Sunderland's share revoked
    const alertOf = async (onwardSharing: 'PERMITTED' | 'ORIGINATOR_APPROVAL', to: string[]) => {
      const created = await hub.call('POST', '/v1/alerts', { token: police, body: sampleAlert(to, { sharing: sharing(onwardSharing) }) });
      expect(created.status).toBe(201);
      return created.json.alertId as string;
    };
    const asking = await alertOf('ORIGINATOR_APPROVAL', ['north-tyneside', 'newcastle', 'sunderland']);
    const revoked = await hub.call('POST', `/v1/alerts/${asking}/shares/sunderland/revoke`, {
      token: police,
      body: { reason: 'Synthetic' },
    });
    expect(revoked.status).toBe(200);
    const permitted = await alertOf('PERMITTED', ['north-tyneside', 'newcastle']);
    const forward = (id: string, area: string) =>
      hub.call('POST', `/v1/alerts/${id}/forwards`, { token: ntCoordinator, body: { area, scopes: ['RISK'], reason: REASON } });
    // What may differ between any two answers: the ids and the times.
    const shape = (answer: TestResponse) => ({
      status: answer.status,
      keys: Object.keys(answer.json).sort(),
      body: { ...answer.json, forwardId: 'id', at: 'time', toArea: 'area', alertId: 'alert' },
    });

    // Act
    const toHolder = await forward(asking, 'newcastle');
    const toRevoked = await forward(asking, 'sunderland');
    const toFresh = await forward(asking, 'gateshead');
    const toHolderPermitted = await forward(permitted, 'newcastle');

    // Assess: every one a request awaiting the sender, alike; the sender may refuse it, and an approval is its conflict
    const fresh = shape(toFresh);
    expect(fresh.status).toBe(202);
    expect(fresh.body.status).toBe('AWAITING_APPROVAL');
    for (const answer of [toHolder, toRevoked, toHolderPermitted]) expect(shape(answer)).toEqual(fresh);
    const sender = await hub.call('GET', `/v1/alerts/${permitted}`, { token: police });
    expect(sender.json.custody.map((entry: { toArea: string; status: string }) => `${entry.toArea} ${entry.status}`)).toEqual([
      'newcastle AWAITING_APPROVAL',
    ]);
    const decide = (decision: string) =>
      hub.call('POST', `/v1/alerts/${permitted}/forwards/${toHolderPermitted.json.forwardId}/decision`, {
        token: police,
        body: { decision, reason: 'Synthetic' },
      });
    expect((await decide('APPROVED')).status).toBe(409);
    expect((await decide('REFUSED')).status).toBe(200);
  });

  it('no body an outsider received holds the child’s name or the alert id', () => {
    expect(outsiderBodies.length).toBeGreaterThan(0);
    for (const body of outsiderBodies) {
      expect(body).not.toContain(CHILD_FAMILY_NAME);
      expect(body).not.toContain(alertId);
    }
  });
});

describe('access histories', () => {
  it('a recipient’s history shows nothing the sender did to another area’s share', async () => {
    // Prepare: the sender extends North Tyneside's share; Newcastle, forwarded to, must not learn of it
    const extended = await hub.call('POST', `/v1/alerts/${alertId}/shares/north-tyneside/extension`, {
      token: police,
      body: { expiresAt: new Date(Date.now() + 400 * 24 * 3600 * 1000).toISOString(), justification: 'Synthetic' },
    });
    expect(extended.status).toBe(200);
    await hub.drainAudit();

    // Act
    const newcastle = await hub.call('GET', `/v1/alerts/${alertId}/audit?limit=500`, {
      token: await hub.token('newcastle', 'coordinator'),
    });
    const northTyneside = await hub.call('GET', `/v1/alerts/${alertId}/audit?limit=500`, { token: ntCoordinator });
    const sender = await hub.call('GET', `/v1/alerts/${alertId}/audit?limit=500`, { token: police });

    // Assess
    const lifeOf = (response: TestResponse) =>
      (response.json.items as Array<{ action: string; outcome: string; actor: { area?: string }; detail?: Record<string, unknown> }>)
        .filter((item) => item.outcome === 'SUCCESS' && item.actor.area === 'northumberland' && item.action.startsWith('ALERT_'))
        .filter((item) => ['ALERT_FORWARD_DECIDE', 'ALERT_SHARE_EXTEND', 'ALERT_SHARE_REVOKE', 'ALERT_FORWARD'].includes(item.action))
        .map((item) => `${item.action} ${item.detail?.['from'] ?? ''}>${item.detail?.['to'] ?? item.detail?.['area'] ?? ''}`);
    expect(lifeOf(sender)).toEqual(
      expect.arrayContaining(['ALERT_SHARE_EXTEND >north-tyneside', 'ALERT_FORWARD_DECIDE north-tyneside>newcastle']),
    );
    expect(lifeOf(northTyneside)).toEqual(
      expect.arrayContaining(['ALERT_SHARE_EXTEND >north-tyneside', 'ALERT_FORWARD_DECIDE north-tyneside>newcastle']),
    );
    expect(lifeOf(newcastle)).toEqual(['ALERT_FORWARD_DECIDE north-tyneside>newcastle']);
    expect(newcastle.text).not.toContain('sunderland');
  });
});

describe('refusals are on record', () => {
  it("the sender's access history holds every NOT_FOUND and FORBIDDEN of the new routes on its alert", async () => {
    // Prepare
    await hub.drainAudit();

    // Act
    const response = await hub.call('GET', `/v1/alerts/${alertId}/audit?limit=500`, { token: police });

    // Assess
    const life = new Set(['ALERT_FORWARD', 'ALERT_FORWARD_DECIDE', 'ALERT_SHARE_REVOKE', 'ALERT_SHARE_EXTEND']);
    const items = (response.json.items as Array<{ outcome: string; action: string }>).filter((item) => life.has(item.action));
    expect(items.filter((item) => item.outcome === 'FORBIDDEN')).toHaveLength(tally.forbidden);
    // The malformed area's 404 names the alert too (the alert is known; the share is not).
    expect(items.filter((item) => item.outcome === 'NOT_FOUND')).toHaveLength(tally.notFound);
    expect(response.text).not.toContain(CHILD_FAMILY_NAME);
  });
});
