/**
 * The README walkthrough over HTTP against a real local hub: police in Northumberland alert North Tyneside;
 * North Tyneside lists, opens and acknowledges; Newcastle learns nothing; the police officer sees the
 * acknowledgement and the access history. Then listings (status filters, pagination, cursors), expiry and
 * redirection. Synthetic children only.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sampleAlert, startTestHub, type TestHub } from '../support/hub.js';

const HOUR_MS = 60 * 60 * 1000;

type HistoryItem = {
  action: string;
  outcome: string;
  actor: { area?: string; sub: string; roles: string[] };
  detail?: Record<string, unknown>;
};
type Summary = {
  alertId: string;
  createdAt: string;
  fromArea: string;
  toAreas: string[];
  shares: Array<{ area: string; status: string; ackDueBy?: string; outcome?: string; redirectTo?: string }>;
};

let hub: TestHub;
let police: string;
let ntCoordinator: string;
let newcastleCoordinator: string;

beforeAll(async () => {
  hub = await startTestHub();
  police = await hub.token('northumberland', 'police');
  ntCoordinator = await hub.token('north-tyneside', 'coordinator');
  newcastleCoordinator = await hub.token('newcastle', 'coordinator');
});

afterAll(async () => {
  await hub?.stop();
});

/** The walkthrough alert: every section present, North Tyneside granted only three of them. */
function walkthroughAlert() {
  return sampleAlert(['north-tyneside'], {
    recipients: [{ area: 'north-tyneside', scopes: ['IDENTITY', 'MOVEMENT', 'RISK'] }],
    risk: { level: 'SIGNIFICANT', exploitation: ['CSE', 'COUNTY_LINES'], summary: 'Synthetic: seen with older males' },
    perpetrators: [{ nicknames: ['Synthetic-Nick'], grading: { source: '2', intelligence: 'B', handling: 'P' } }],
    locations: [{ description: 'Synthetic park', postcode: 'ZZ1 1ZZ' }],
    disruptionPlan: 'Synthetic disruption plan',
    voice: 'Synthetic voice of the child',
    contacts: { police: { name: 'Synthetic PC', phone: '01234 000000' } },
  });
}

describe('the walkthrough', () => {
  let alertId: string;
  let createdAt: string;

  it('police in northumberland alert north-tyneside: 201, Location, one PENDING share due in 4 hours', async () => {
    // Act
    const response = await hub.call('POST', '/v1/alerts', { token: police, body: walkthroughAlert() });

    // Assess
    expect(response.status).toBe(201);
    alertId = response.json.alertId;
    createdAt = response.json.createdAt;
    expect(alertId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('location')).toBe(`/v1/alerts/${alertId}`);
    expect(response.json.shares).toEqual([
      {
        area: 'north-tyneside',
        scopes: ['IDENTITY', 'MOVEMENT', 'RISK'],
        status: 'PENDING',
        ackDueBy: expect.any(String),
      },
    ]);
    expect(Date.parse(response.json.shares[0].ackDueBy) - Date.parse(createdAt)).toBe(4 * HOUR_MS);
  });

  it('the north-tyneside coordinator lists the inbox: a summary with no child identity', async () => {
    // Act
    const response = await hub.call('GET', '/v1/alerts?box=inbox', { token: ntCoordinator });

    // Assess
    expect(response.status).toBe(200);
    const item = (response.json.items as Summary[]).find((candidate) => candidate.alertId === alertId);
    expect(item).toMatchObject({
      fromArea: 'northumberland',
      toAreas: ['north-tyneside'],
      riskLevel: 'SIGNIFICANT',
      exploitation: ['CSE', 'COUNTY_LINES'],
      shares: [{ area: 'north-tyneside', status: 'PENDING' }],
    });
    expect(response.text).not.toContain('Child-Alpha');
    expect(response.text).not.toContain('2011-01-01');
    expect(response.text).not.toMatch(/"(child|name|dateOfBirth|summary|voice)"/);
  });

  it('opens the alert: granted sections present, the rest absent, only its own share', async () => {
    // Act
    const response = await hub.call('GET', `/v1/alerts/${alertId}`, { token: ntCoordinator });

    // Assess
    expect(response.status).toBe(200);
    const view = response.json;
    expect(view.child).toMatchObject({ name: { given: 'Test', family: 'Child-Alpha' }, dateOfBirth: '2011-01-01' });
    expect(view.movement).toMatchObject({ kind: 'FAMILY_MOVE' });
    expect(view.risk).toMatchObject({ level: 'SIGNIFICANT' });
    for (const absent of ['perpetrators', 'locations', 'disruptionPlan', 'voice', 'contacts']) {
      expect(view).not.toHaveProperty(absent);
    }
    expect(response.text).not.toContain('Synthetic-Nick');
    expect(response.text).not.toContain('Synthetic disruption plan');
    expect(view.shares).toHaveLength(1);
    expect(view.shares[0]).toMatchObject({ area: 'north-tyneside', status: 'PENDING' });
  });

  it('acknowledges once (201); a second acknowledgement is 409', async () => {
    // Act
    const first = await hub.call('POST', `/v1/alerts/${alertId}/acknowledgements`, {
      token: ntCoordinator,
      body: { outcome: 'ACCEPTED', note: 'Synthetic: allocated to the MSET team' },
    });
    const second = await hub.call('POST', `/v1/alerts/${alertId}/acknowledgements`, {
      token: ntCoordinator,
      body: { outcome: 'ALREADY_KNOWN' },
    });

    // Assess
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ alertId, area: 'north-tyneside', outcome: 'ACCEPTED' });
    expect(second.status).toBe(409);
    expect(second.headers.get('content-type')).toBe('application/problem+json');
  });

  it('newcastle gets 404 on view, acknowledgement and access history', async () => {
    // Act
    const view = await hub.call('GET', `/v1/alerts/${alertId}`, { token: newcastleCoordinator });
    const ack = await hub.call('POST', `/v1/alerts/${alertId}/acknowledgements`, {
      token: newcastleCoordinator,
      body: { outcome: 'ACCEPTED' },
    });
    const audit = await hub.call('GET', `/v1/alerts/${alertId}/audit`, { token: newcastleCoordinator });

    // Assess
    for (const response of [view, ack, audit]) {
      expect(response.status).toBe(404);
      expect(response.json).toMatchObject({ title: 'Not Found', status: 404, detail: 'No such alert' });
      expect(response.text).not.toContain('Child-Alpha');
    }
  });

  it('police see ACKNOWLEDGED in the outbox, with the acknowledgement in the view', async () => {
    // Act
    const outbox = await hub.call('GET', '/v1/alerts?box=outbox', { token: police });
    const view = await hub.call('GET', `/v1/alerts/${alertId}`, { token: police });

    // Assess
    expect(outbox.status).toBe(200);
    const item = (outbox.json.items as Summary[]).find((candidate) => candidate.alertId === alertId);
    expect(item?.shares).toEqual([expect.objectContaining({ area: 'north-tyneside', status: 'ACKNOWLEDGED' })]);
    expect(view.status).toBe(200);
    expect(view.json.shares[0].acknowledgement).toMatchObject({
      outcome: 'ACCEPTED',
      note: 'Synthetic: allocated to the MSET team',
      by: { area: 'north-tyneside' },
    });
    // The sender sees everything it sent.
    expect(view.json.voice).toBe('Synthetic voice of the child');
    expect(view.json.perpetrators).toHaveLength(1);
  });

  it('police read the access history: create, north-tyneside view and ack, newcastle refused', async () => {
    // Prepare
    await hub.drainAudit();

    // Act
    const response = await hub.call('GET', `/v1/alerts/${alertId}/audit`, { token: police });

    // Assess
    expect(response.status).toBe(200);
    const items = response.json.items as HistoryItem[];
    const has = (action: string, outcome: string, area: string) =>
      items.some((item) => item.action === action && item.outcome === outcome && item.actor.area === area);
    expect(has('ALERT_CREATE', 'SUCCESS', 'northumberland')).toBe(true);
    expect(has('ALERT_VIEW', 'SUCCESS', 'north-tyneside')).toBe(true);
    expect(has('ALERT_ACKNOWLEDGE', 'SUCCESS', 'north-tyneside')).toBe(true);
    expect(has('ALERT_ACKNOWLEDGE', 'CONFLICT', 'north-tyneside')).toBe(true);
    expect(has('ALERT_VIEW', 'NOT_FOUND', 'newcastle')).toBe(true);
    expect(has('ALERT_ACKNOWLEDGE', 'NOT_FOUND', 'newcastle')).toBe(true);
    expect(has('ALERT_AUDIT_READ', 'NOT_FOUND', 'newcastle')).toBe(true);
    const create = items.find((item) => item.action === 'ALERT_CREATE');
    expect(create?.detail).toMatchObject({ recipients: 'north-tyneside', riskLevel: 'SIGNIFICANT' });
    expect(response.text).not.toContain('Child-Alpha');
    expect(response.text).not.toContain('allocated to the MSET team');
  });

  it("the recipient's history hides other recipients' events and the recipients detail", async () => {
    // Prepare: one alert to two areas; gateshead opens it; newcastle is refused
    const created = await hub.call('POST', '/v1/alerts', {
      token: police,
      body: sampleAlert(['north-tyneside', 'gateshead']),
    });
    expect(created.status).toBe(201);
    const id = created.json.alertId as string;
    const gateshead = await hub.token('gateshead', 'coordinator');
    expect((await hub.call('GET', `/v1/alerts/${id}`, { token: gateshead })).status).toBe(200);
    expect((await hub.call('GET', `/v1/alerts/${id}`, { token: ntCoordinator })).status).toBe(200);
    expect((await hub.call('GET', `/v1/alerts/${id}`, { token: newcastleCoordinator })).status).toBe(404);
    await hub.drainAudit();

    // Act
    const inbox = await hub.call('GET', '/v1/alerts?box=inbox', { token: ntCoordinator });
    const recipient = await hub.call('GET', `/v1/alerts/${id}/audit`, { token: ntCoordinator });
    const sender = await hub.call('GET', `/v1/alerts/${id}/audit`, { token: police });

    // Assess: a recipient is not told who else was alerted, in its inbox or its history
    const summary = (inbox.json.items as Summary[]).find((item) => item.alertId === id);
    expect(summary?.toAreas).toEqual(['north-tyneside']);
    expect(summary?.shares.map((share) => share.area)).toEqual(['north-tyneside']);
    expect(recipient.status).toBe(200);
    const seen = recipient.json.items as HistoryItem[];
    expect(new Set(seen.map((item) => item.actor.area))).toEqual(new Set(['northumberland', 'north-tyneside']));
    const create = seen.find((item) => item.action === 'ALERT_CREATE');
    expect(create).toBeDefined();
    expect(create?.detail).not.toHaveProperty('recipients');
    expect(recipient.text).not.toContain('gateshead');
    expect(recipient.text).not.toContain('newcastle');
    // The sender sees both sides, gateshead and the refusal included.
    const all = sender.json.items as HistoryItem[];
    expect(all.some((item) => item.actor.area === 'gateshead' && item.action === 'ALERT_VIEW')).toBe(true);
    expect(all.some((item) => item.actor.area === 'newcastle' && item.outcome === 'NOT_FOUND')).toBe(true);
    expect(all.find((item) => item.action === 'ALERT_CREATE')?.detail).toMatchObject({
      recipients: 'north-tyneside gateshead',
    });
  });
});

describe("a recipient's access history, paged", () => {
  it("reads only its own and the sender's events: limit=1 pages are never empty and no cursor or item names the other recipient", async () => {
    // Prepare: an alert to north-tyneside and gateshead; gateshead views and acknowledges; north-tyneside
    // and the sender view it
    const sender = police;
    const gateshead = await hub.token('gateshead', 'coordinator');
    const created = await hub.call('POST', '/v1/alerts', { token: sender, body: sampleAlert(['north-tyneside', 'gateshead']) });
    expect(created.status).toBe(201);
    const id = created.json.alertId as string;
    expect((await hub.call('GET', `/v1/alerts/${id}`, { token: gateshead })).status).toBe(200);
    const gatesheadAck = await hub.call('POST', `/v1/alerts/${id}/acknowledgements`, {
      token: gateshead,
      body: { outcome: 'ACCEPTED', note: 'Synthetic: gateshead picked this up' },
    });
    expect(gatesheadAck.status).toBe(201);
    expect((await hub.call('GET', `/v1/alerts/${id}`, { token: ntCoordinator })).status).toBe(200);
    expect((await hub.call('GET', `/v1/alerts/${id}`, { token: sender })).status).toBe(200);
    await hub.drainAudit();
    const decode = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8');

    // Act: page north-tyneside's history one event at a time
    const pages: HistoryItem[][] = [];
    const cursors: string[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 20; guard += 1) {
      const query = `limit=1${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
      const response = await hub.call('GET', `/v1/alerts/${id}/audit?${query}`, { token: ntCoordinator });
      expect(response.status).toBe(200);
      expect(response.text).not.toContain('gateshead');
      pages.push(response.json.items as HistoryItem[]);
      cursor = response.json.nextCursor as string | undefined;
      if (cursor === undefined) break;
      cursors.push(cursor);
    }
    const whole = await hub.call('GET', `/v1/alerts/${id}/audit?limit=100`, { token: ntCoordinator });

    // Assess: the paging ended, and every page held exactly one event
    expect(cursor).toBeUndefined();
    expect(pages.map((page) => page.length)).toEqual(pages.map(() => 1));
    const items = pages.flat();
    // The same events as one big page, newest first, from north-tyneside and the sender only
    expect(whole.status).toBe(200);
    const wholeItems = (whole.json.items as HistoryItem[]).filter(
      (item) => !(item.action === 'ALERT_AUDIT_READ' && item.actor.area === 'north-tyneside'),
    );
    expect(items.filter((item) => item.action !== 'ALERT_AUDIT_READ')).toEqual(wholeItems);
    expect(new Set(items.map((item) => item.actor.area))).toEqual(new Set(['northumberland', 'north-tyneside']));
    const times = items.map((item) => (item as HistoryItem & { occurredAt: string }).occurredAt);
    expect(times).toEqual([...times].sort().reverse());
    // No cursor, decoded, names gateshead; each names only the last sort key handed out
    expect(cursors.length).toBe(items.length - 1);
    for (const issued of cursors) {
      const payload = JSON.parse(decode(issued)) as { key: Record<string, string> };
      expect(decode(issued)).not.toContain('gateshead');
      expect(Object.keys(payload.key)).toEqual(['sk']);
    }
    expect(JSON.stringify(items)).not.toContain('gateshead');
    expect(JSON.stringify(items)).not.toContain('picked this up');
    // The sender's view is there, without the sections the sender opened; north-tyneside's own keeps them
    const senderView = items.find((item) => item.action === 'ALERT_VIEW' && item.actor.area === 'northumberland');
    expect(senderView).toBeDefined();
    expect(senderView?.detail ?? {}).not.toHaveProperty('scopes');
    const ownView = items.find((item) => item.action === 'ALERT_VIEW' && item.actor.area === 'north-tyneside');
    expect(ownView?.detail).toHaveProperty('scopes');
    // The sender, by contrast, sees gateshead's view and acknowledgement, and its own scopes
    const senderHistory = await hub.call('GET', `/v1/alerts/${id}/audit?limit=100`, { token: sender });
    const all = senderHistory.json.items as HistoryItem[];
    expect(all.some((item) => item.actor.area === 'gateshead' && item.action === 'ALERT_ACKNOWLEDGE')).toBe(true);
    expect(all.find((item) => item.action === 'ALERT_VIEW' && item.actor.area === 'northumberland')?.detail).toHaveProperty('scopes');
  });
});

describe('status filters', () => {
  it('a new alert is PENDING (not OVERDUE, not ACKNOWLEDGED), then ACKNOWLEDGED after acknowledgement', async () => {
    // Prepare: an area pair nobody else in this file uses
    const sender = await hub.token('sunderland', 'police');
    const recipient = await hub.token('south-tyneside', 'coordinator');
    const created = await hub.call('POST', '/v1/alerts', { token: sender, body: sampleAlert(['south-tyneside']) });
    expect(created.status).toBe(201);
    const id = created.json.alertId as string;
    const idsIn = async (token: string, query: string) => {
      const response = await hub.call('GET', `/v1/alerts?${query}`, { token });
      expect(response.status).toBe(200);
      return (response.json.items as Summary[]).map((item) => item.alertId);
    };

    // Act
    const before = {
      pending: await idsIn(recipient, 'box=inbox&status=PENDING'),
      overdue: await idsIn(recipient, 'box=inbox&status=OVERDUE'),
      acknowledged: await idsIn(recipient, 'box=inbox&status=ACKNOWLEDGED'),
      outboxPending: await idsIn(sender, 'box=outbox&status=PENDING'),
      outboxOverdue: await idsIn(sender, 'box=outbox&status=OVERDUE'),
    };
    const ack = await hub.call('POST', `/v1/alerts/${id}/acknowledgements`, { token: recipient, body: { outcome: 'ACCEPTED' } });
    const after = {
      pending: await idsIn(recipient, 'box=inbox&status=PENDING'),
      acknowledged: await idsIn(recipient, 'box=inbox&status=ACKNOWLEDGED'),
      outboxAcknowledged: await idsIn(sender, 'box=outbox&status=ACKNOWLEDGED'),
      outboxPending: await idsIn(sender, 'box=outbox&status=PENDING'),
    };

    // Assess
    expect(before.pending).toEqual([id]);
    expect(before.overdue).toEqual([]);
    expect(before.acknowledged).toEqual([]);
    expect(before.outboxPending).toEqual([id]);
    expect(before.outboxOverdue).toEqual([]);
    expect(ack.status).toBe(201);
    expect(after.pending).toEqual([]);
    expect(after.acknowledged).toEqual([id]);
    expect(after.outboxAcknowledged).toEqual([id]);
    expect(after.outboxPending).toEqual([]);
  });

  it('an unknown status or box is 422 with the query path', async () => {
    // Act
    const status = await hub.call('GET', '/v1/alerts?status=LATE', { token: ntCoordinator });
    const box = await hub.call('GET', '/v1/alerts?box=spam', { token: ntCoordinator });

    // Assess
    expect(status.status).toBe(422);
    expect(status.json.errors).toEqual([expect.objectContaining({ path: 'status' })]);
    expect(box.status).toBe(422);
    expect(box.json.errors).toEqual([expect.objectContaining({ path: 'box' })]);
  });
});

describe('pagination', () => {
  const created: string[] = [];
  let hartlepoolCoordinator: string;
  let darlingtonPolice: string;

  beforeAll(async () => {
    darlingtonPolice = await hub.token('darlington', 'police');
    hartlepoolCoordinator = await hub.token('hartlepool', 'coordinator');
    for (let i = 0; i < 5; i += 1) {
      const response = await hub.call('POST', '/v1/alerts', { token: darlingtonPolice, body: sampleAlert(['hartlepool']) });
      expect(response.status).toBe(201);
      created.push(response.json.alertId as string);
    }
  });

  async function readAll(token: string, box: string) {
    const pages: Summary[][] = [];
    let cursor: string | undefined;
    let lastResponse: { json: { nextCursor?: string } } | undefined;
    for (let guard = 0; guard < 10; guard += 1) {
      const query = `box=${box}&limit=2${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
      const response = await hub.call('GET', `/v1/alerts?${query}`, { token });
      expect(response.status).toBe(200);
      pages.push(response.json.items as Summary[]);
      lastResponse = response;
      cursor = response.json.nextCursor;
      if (cursor === undefined) break;
    }
    return { pages, last: lastResponse };
  }

  it.each(['inbox', 'outbox'])(
    'limit=2 over 5 alerts (%s): newest first, no duplicates, all reached, no cursor at the end',
    async (box) => {
      // Act
      const { pages, last } = await readAll(box === 'inbox' ? hartlepoolCoordinator : darlingtonPolice, box);

      // Assess
      const items = pages.flat();
      expect(pages.every((page) => page.length <= 2)).toBe(true);
      expect(pages.length).toBeGreaterThanOrEqual(3);
      expect(items.map((item) => item.alertId).sort()).toEqual([...created].sort());
      expect(new Set(items.map((item) => item.alertId)).size).toBe(items.length);
      const times = items.map((item) => item.createdAt);
      expect(times).toEqual([...times].sort().reverse());
      expect(last?.json).not.toHaveProperty('nextCursor');
    },
  );

  it("a cursor from north-tyneside's inbox used by newcastle is 422 and releases nothing", async () => {
    // Prepare: north-tyneside has more than one alert in its inbox by now
    const first = await hub.call('GET', '/v1/alerts?box=inbox&limit=1', { token: ntCoordinator });
    const cursor = first.json.nextCursor as string;
    expect(typeof cursor).toBe('string');

    // Act
    const stolen = await hub.call('GET', `/v1/alerts?box=inbox&limit=1&cursor=${encodeURIComponent(cursor)}`, {
      token: newcastleCoordinator,
    });

    // Assess
    expect(stolen.status).toBe(422);
    expect(stolen.json).not.toHaveProperty('items');
    expect(stolen.json.errors).toEqual([expect.objectContaining({ path: 'cursor' })]);
  });

  it("a cursor rewritten to name another area's partition is 422", async () => {
    // Prepare: decode hartlepool's cursor and point it at north-tyneside's inbox
    const first = await hub.call('GET', '/v1/alerts?box=inbox&limit=2', { token: hartlepoolCoordinator });
    const cursor = first.json.nextCursor as string;
    const payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const forged = { ...payload, key: { ...payload.key, inboxPk: 'INBOX#north-tyneside' } };
    const forgedBoth = { ...forged, scope: 'inbox:north-tyneside:ALL' };
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

    // Act
    const keyOnly = await hub.call('GET', `/v1/alerts?box=inbox&limit=2&cursor=${encode(forged)}`, { token: hartlepoolCoordinator });
    const scoped = await hub.call('GET', `/v1/alerts?box=inbox&limit=2&cursor=${encode(forgedBoth)}`, { token: hartlepoolCoordinator });

    // Assess
    expect(keyOnly.status).toBe(422);
    expect(scoped.status).toBe(422);
  });

  it('a tampered or garbage cursor is 422, never a 5xx', async () => {
    // Prepare
    const first = await hub.call('GET', '/v1/alerts?box=inbox&limit=2', { token: hartlepoolCoordinator });
    const cursor = first.json.nextCursor as string;
    const tampered = `${cursor.slice(0, 10)}${cursor[10] === 'A' ? 'B' : 'A'}${cursor.slice(11)}`;

    // Act
    const responses = await Promise.all(
      [tampered, 'not-a-cursor', cursor.slice(0, -3), Buffer.from('{"v":1}').toString('base64url')].map((value) =>
        hub.call('GET', `/v1/alerts?box=inbox&limit=2&cursor=${encodeURIComponent(value)}`, { token: hartlepoolCoordinator }),
      ),
    );

    // Assess
    for (const response of responses) {
      expect(response.status).toBe(422);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('an outbox cursor is not an inbox cursor', async () => {
    // Prepare
    const outbox = await hub.call('GET', '/v1/alerts?box=outbox&limit=2', { token: darlingtonPolice });
    const cursor = outbox.json.nextCursor as string;

    // Act
    const response = await hub.call('GET', `/v1/alerts?box=inbox&limit=2&cursor=${encodeURIComponent(cursor)}`, {
      token: darlingtonPolice,
    });

    // Assess
    expect(response.status).toBe(422);
  });
});

describe('expiry', () => {
  it('an expired share is invisible: 404 to both sides and absent from the inbox', async () => {
    // Prepare: a share that expires 1.5 s from now
    const sender = await hub.token('cumberland', 'police');
    const recipient = await hub.token('westmorland-and-furness', 'coordinator');
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const created = await hub.call('POST', '/v1/alerts', {
      token: sender,
      body: sampleAlert(['westmorland-and-furness'], {
        sharing: { ...sampleAlert().sharing, expiresAt },
      }),
    });
    expect(created.status).toBe(201);
    const id = created.json.alertId as string;
    const before = await hub.call('GET', '/v1/alerts?box=inbox', { token: recipient });
    expect((before.json.items as Summary[]).map((item) => item.alertId)).toContain(id);

    // Act
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(expiresAt) - Date.now()) + 100));
    const view = await hub.call('GET', `/v1/alerts/${id}`, { token: recipient });
    const senderView = await hub.call('GET', `/v1/alerts/${id}`, { token: sender });
    const ack = await hub.call('POST', `/v1/alerts/${id}/acknowledgements`, { token: recipient, body: { outcome: 'ACCEPTED' } });
    const inbox = await hub.call('GET', '/v1/alerts?box=inbox', { token: recipient });
    const outbox = await hub.call('GET', '/v1/alerts?box=outbox', { token: sender });

    // Assess
    expect(view.status).toBe(404);
    expect(senderView.status).toBe(404);
    expect(ack.status).toBe(404);
    expect((inbox.json.items as Summary[]).map((item) => item.alertId)).not.toContain(id);
    expect((outbox.json.items as Summary[]).map((item) => item.alertId)).not.toContain(id);
    // The access history outlives the share (it holds no child content), for both sides.
    const history = await hub.call('GET', `/v1/alerts/${id}/audit`, { token: sender });
    expect(history.status).toBe(200);
    expect((history.json.items as HistoryItem[]).some((item) => item.action === 'ALERT_CREATE')).toBe(true);
    expect((await hub.call('GET', `/v1/alerts/${id}/audit`, { token: recipient })).status).toBe(200);
  });
});

describe('redirection', () => {
  it('REDIRECTED without redirectTo is 422 at redirectTo; with redirectTo it is 201 and the sender sees where', async () => {
    // Prepare
    const sender = await hub.token('county-durham', 'police');
    const recipient = await hub.token('middlesbrough', 'chair');
    const created = await hub.call('POST', '/v1/alerts', { token: sender, body: sampleAlert(['middlesbrough']) });
    const id = created.json.alertId as string;

    // Act
    const missing = await hub.call('POST', `/v1/alerts/${id}/acknowledgements`, {
      token: recipient,
      body: { outcome: 'REDIRECTED' },
    });
    const notRedirected = await hub.call('POST', `/v1/alerts/${id}/acknowledgements`, {
      token: recipient,
      body: { outcome: 'ACCEPTED', redirectTo: 'stockton-on-tees' },
    });
    const unknownArea = await hub.call('POST', `/v1/alerts/${id}/acknowledgements`, {
      token: recipient,
      body: { outcome: 'REDIRECTED', redirectTo: 'atlantis' },
    });
    const redirected = await hub.call('POST', `/v1/alerts/${id}/acknowledgements`, {
      token: recipient,
      body: { outcome: 'REDIRECTED', redirectTo: 'stockton-on-tees', note: 'Synthetic: child now in Stockton' },
    });
    const view = await hub.call('GET', `/v1/alerts/${id}`, { token: sender });
    const outbox = await hub.call('GET', '/v1/alerts?box=outbox', { token: sender });

    // Assess
    expect(missing.status).toBe(422);
    expect(missing.json.errors).toEqual([expect.objectContaining({ path: 'redirectTo' })]);
    expect(notRedirected.status).toBe(422);
    expect(unknownArea.status).toBe(422);
    expect(unknownArea.json.errors).toEqual([expect.objectContaining({ path: 'redirectTo' })]);
    expect(redirected.status).toBe(201);
    expect(redirected.json).toMatchObject({ outcome: 'REDIRECTED', redirectTo: 'stockton-on-tees' });
    expect(view.json.shares[0].acknowledgement).toMatchObject({ outcome: 'REDIRECTED', redirectTo: 'stockton-on-tees' });
    // The outbox says the share was redirected, and where, not merely that it was acknowledged.
    expect(outbox.status).toBe(200);
    const summary = (outbox.json.items as Summary[]).find((item) => item.alertId === id);
    expect(summary?.shares).toEqual([
      {
        area: 'middlesbrough',
        status: 'ACKNOWLEDGED',
        ackDueBy: expect.any(String),
        outcome: 'REDIRECTED',
        redirectTo: 'stockton-on-tees',
        undelivered: 0,
        // A year from its creation, far from its end: no expiry warning yet.
        expiresAt: aYearAfter(created.json.createdAt),
        expiryWarning: 'NONE',
      },
    ]);
  });
});

/** The default end of a share: a year after its alert's creation. */
function aYearAfter(iso: string): string {
  const date = new Date(iso);
  date.setUTCFullYear(date.getUTCFullYear() + 1);
  return date.toISOString();
}

describe('when the audit queue is down', () => {
  it('every route answers 503 with Retry-After, releases nothing and changes nothing', async () => {
    // Prepare: an alert, then a queue that refuses every message
    const sender = await hub.token('stockton-on-tees', 'police');
    const recipient = await hub.token('redcar-and-cleveland', 'coordinator');
    const created = await hub.call('POST', '/v1/alerts', { token: sender, body: sampleAlert(['redcar-and-cleveland']) });
    const id = created.json.alertId as string;
    await hub.drainAudit();
    const send = vi.spyOn(hub.auditQueue, 'send').mockRejectedValue(new Error('queue unavailable'));

    // Act
    let down: Record<string, Awaited<ReturnType<TestHub['call']>>>;
    try {
      down = {
        create: await hub.call('POST', '/v1/alerts', { token: sender, body: sampleAlert(['redcar-and-cleveland']) }),
        view: await hub.call('GET', `/v1/alerts/${id}`, { token: recipient }),
        list: await hub.call('GET', '/v1/alerts?box=inbox', { token: recipient }),
        ack: await hub.call('POST', `/v1/alerts/${id}/acknowledgements`, { token: recipient, body: { outcome: 'ACCEPTED' } }),
        history: await hub.call('GET', `/v1/alerts/${id}/audit`, { token: sender }),
        refusal: await hub.call('GET', `/v1/alerts/${id}`, { token: newcastleCoordinator }),
        unauthenticated: await hub.call('GET', '/v1/alerts'),
      };
    } finally {
      send.mockRestore();
    }

    // Assess: 503 everywhere, with no content
    for (const [label, response] of Object.entries(down)) {
      expect(response.status, label).toBe(503);
      expect(response.headers.get('retry-after'), label).toMatch(/^\d+$/);
      expect(response.headers.get('content-type'), label).toBe('application/problem+json');
      expect(response.text, label).not.toContain('Child-Alpha');
    }
    // ... and nothing changed: no second alert, the share still pending and acknowledgeable
    const outbox = await hub.call('GET', '/v1/alerts?box=outbox', { token: sender });
    expect((outbox.json.items as Summary[]).map((item) => item.alertId)).toEqual([id]);
    const view = await hub.call('GET', `/v1/alerts/${id}`, { token: recipient });
    expect(view.json.shares[0].status).toBe('PENDING');
    const ack = await hub.call('POST', `/v1/alerts/${id}/acknowledgements`, { token: recipient, body: { outcome: 'ACCEPTED' } });
    expect(ack.status).toBe(201);
  });
});
