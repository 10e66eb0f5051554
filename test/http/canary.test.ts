/**
 * The canary test: a unique string in every free-text child field of an alert (and in the acknowledgement
 * note), driven through every route, successful and failing; then every item of every table (read back
 * through the DynamoDB API), every audit message the queue carried, its dead letters, the files under the
 * data directory and all log output of this process are searched for the canaries. Child content may exist
 * in plaintext only in memory and in the responses of those allowed to see it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { canaryKit, captureOutput, readFilesUnder, recorder, scanEveryTable, startLoudHub } from '../support/canary.js';
import type { TestHub, TestResponse } from '../support/hub.js';

// ---- capture every byte this process logs, from before the hub starts ----
// Every level is logged and searched; set before any module creates the logger.
vi.hoisted(() => {
  process.env['POWERTOOLS_LOG_LEVEL'] = 'DEBUG';
});
const output = captureOutput();
const { logged } = output;

// ---- canaries ----
/** Valid, and distinctive enough to search for. */
const NHS_NUMBER = '999 000 1234';
const { run, made: canaries, canary, shortCanary, lowerCanary, leaksIn } = canaryKit([NHS_NUMBER]);

function contact(role: string) {
  return {
    name: canary(`${role}.name`),
    role: canary(`${role}.role`),
    phone: shortCanary(`CANARYPH${role.slice(0, 3)}`, 30),
    email: `${canary(`${role}.email`)}@example.org`,
  };
}

const alertBody = {
  recipients: [
    {
      area: 'north-tyneside',
      scopes: ['IDENTITY', 'MOVEMENT', 'RISK', 'PERPETRATORS', 'LOCATIONS', 'DISRUPTION_PLAN', 'VOICE', 'CONTACTS'],
    },
    { area: 'gateshead', scopes: ['MOVEMENT', 'RISK'] },
  ],
  sharing: {
    purpose: canary('sharing.purpose'),
    lawfulBasis: 'DPA2018_PART3_SCH8_PARA4',
    consent: { status: 'REFUSED', reason: canary('consent.reason') },
    handling: { code: 'C', conditions: canary('handling.conditions') },
  },
  child: {
    name: { given: canary('child.given'), family: canary('child.family') },
    aliases: [canary('child.alias1'), canary('child.alias2')],
    dateOfBirth: '2011-01-01',
    gender: canary('gender', 50),
    identifiers: { localCaseNumber: canary('caseno', 50), nhsNumber: NHS_NUMBER },
  },
  movement: {
    kind: 'MISSING_BELIEVED_IN_AREA',
    from: 'northumberland',
    to: 'north-tyneside',
    on: '2026-12-01',
    details: canary('movement.details'),
  },
  risk: { level: 'SIGNIFICANT', exploitation: ['CCE', 'COUNTY_LINES'], summary: canary('risk.summary'), section47: 'ONGOING' },
  perpetrators: [
    {
      names: [canary('perp.name')],
      nicknames: [canary('perp.nickname')],
      marks: [canary('perp.mark')],
      vehicles: [{ registration: shortCanary('CNYREG', 20), description: canary('perp.vehicle') }],
      places: [canary('perp.place')],
      grading: { source: '2', intelligence: 'B', handling: 'C' },
    },
  ],
  locations: [{ description: canary('location.description'), postcode: shortCanary('CNYP', 10) }],
  disruptionPlan: canary('disruptionPlan'),
  voice: canary('voice'),
  contacts: { leadProfessional: contact('lead'), police: contact('police'), outOfHours: contact('ooh') },
};
const ackNote = canary('ack.note');
/** A share's life: every reason and justification is free text, so child content as much as the alert. */
const life = {
  forward: canary('forward.reason'),
  onward: canary('forward.onward.reason'),
  revoke: canary('revoke.reason'),
  extend: canary('extend.justification'),
  request: canary('request.reason'),
  decision: canary('decision.reason'),
};

// ---- the run ----
let hub: TestHub;
const responses: Array<{ label: string; response: TestResponse }> = [];
let queueBodies: string[];
const notificationBodies: string[] = [];
let alertId: string;
let senderView: TestResponse;
let recipientView: TestResponse;
let gatesheadView: TestResponse;
let senderViewAfterLife: TestResponse;
let sunderlandView: TestResponse;
let approvalSenderView: TestResponse;

beforeAll(async () => {
  ({ hub, queueBodies } = await startLoudHub());

  const police = await hub.token('northumberland', 'police');
  const coordinator = await hub.token('north-tyneside', 'coordinator');
  const gateshead = await hub.token('gateshead', 'practitioner');
  const newcastle = await hub.token('newcastle', 'coordinator');
  const record = recorder(responses);

  // Successful journey
  const created = await record(
    'create',
    hub.call('POST', '/v1/alerts', { token: police, body: alertBody, headers: { 'idempotency-key': `create-${run}` } }),
  );
  expect(created.status).toBe(201);
  alertId = created.json.alertId;
  await record(
    'create replay',
    hub.call('POST', '/v1/alerts', { token: police, body: alertBody, headers: { 'idempotency-key': `create-${run}` } }),
  );
  await record('sender view', hub.call('GET', `/v1/alerts/${alertId}`, { token: police }));
  recipientView = await record('recipient view', hub.call('GET', `/v1/alerts/${alertId}`, { token: coordinator }));
  gatesheadView = await record('gateshead view', hub.call('GET', `/v1/alerts/${alertId}`, { token: gateshead }));
  await record('inbox', hub.call('GET', '/v1/alerts?box=inbox', { token: coordinator }));
  await record('outbox', hub.call('GET', '/v1/alerts?box=outbox', { token: police }));
  const ack = await record(
    'acknowledge',
    hub.call('POST', `/v1/alerts/${alertId}/acknowledgements`, {
      token: coordinator,
      body: { outcome: 'ACCEPTED', note: ackNote },
      headers: { 'idempotency-key': `ack-${run}` },
    }),
  );
  expect(ack.status).toBe(201);
  senderView = await record('sender view after ack', hub.call('GET', `/v1/alerts/${alertId}`, { token: police }));
  await record('recipient view after ack', hub.call('GET', `/v1/alerts/${alertId}`, { token: coordinator }));
  await record('audit read (sender)', hub.call('GET', `/v1/alerts/${alertId}/audit`, { token: police }));
  await record('audit read (recipient)', hub.call('GET', `/v1/alerts/${alertId}/audit`, { token: coordinator }));

  // A share's life: the sender forwards, a recipient forwards on within its scopes, the sender revokes
  // that recipient (ending the onward share too) and extends another; a request under the sender's approval
  // is refused.
  const gatesheadCoordinator = await hub.token('gateshead', 'coordinator');
  const sunderland = await hub.token('sunderland', 'coordinator');
  await record(
    'forward by the sender',
    hub.call('POST', `/v1/alerts/${alertId}/forwards`, {
      token: police,
      body: { area: 'south-tyneside', scopes: ['IDENTITY', 'RISK'], reason: life.forward },
      headers: { 'idempotency-key': `forward-${run}` },
    }),
  );
  await record(
    'forward by a recipient',
    hub.call('POST', `/v1/alerts/${alertId}/forwards`, {
      token: gatesheadCoordinator,
      body: { area: 'sunderland', scopes: ['RISK'], reason: life.onward },
    }),
  );
  sunderlandView = await record('onward view', hub.call('GET', `/v1/alerts/${alertId}`, { token: sunderland }));
  await record(
    'revoke',
    hub.call('POST', `/v1/alerts/${alertId}/shares/gateshead/revoke`, { token: police, body: { reason: life.revoke } }),
  );
  await record(
    'extend',
    hub.call('POST', `/v1/alerts/${alertId}/shares/north-tyneside/extension`, {
      token: police,
      body: { expiresAt: new Date(Date.now() + 500 * 86_400_000).toISOString(), justification: life.extend },
    }),
  );
  senderViewAfterLife = await record('sender view after a share’s life', hub.call('GET', `/v1/alerts/${alertId}`, { token: police }));
  const onApproval = await record(
    'create under approval',
    hub.call('POST', '/v1/alerts', {
      token: police,
      body: {
        ...alertBody,
        sharing: { ...alertBody.sharing, handling: { ...alertBody.sharing.handling, onwardSharing: 'ORIGINATOR_APPROVAL' } },
      },
    }),
  );
  const asked = await record(
    'forward request',
    hub.call('POST', `/v1/alerts/${onApproval.json.alertId}/forwards`, {
      token: coordinator,
      body: { area: 'newcastle', scopes: ['RISK'], reason: life.request },
    }),
  );
  await record(
    'refusal',
    hub.call('POST', `/v1/alerts/${onApproval.json.alertId}/forwards/${asked.json.forwardId}/decision`, {
      token: police,
      body: { decision: 'REFUSED', reason: life.decision },
    }),
  );
  approvalSenderView = await record(
    'sender view of the refusal',
    hub.call('GET', `/v1/alerts/${onApproval.json.alertId}`, { token: police }),
  );

  // Failing requests, each carrying child content
  const failing: Array<[string, Promise<TestResponse>]> = [
    ['unknown top-level field', hub.call('POST', '/v1/alerts', { token: police, body: { ...alertBody, remark: canary('unknown.value') } })],
    [
      'unknown nested field',
      hub.call('POST', '/v1/alerts', {
        token: police,
        body: { ...alertBody, child: { ...alertBody.child, middle: canary('unknown.nested') } },
      }),
    ],
    [
      'unknown key that is not a field name',
      hub.call('POST', '/v1/alerts', { token: police, body: { ...alertBody, [`${canary('weird.key')} !`]: 1 } }),
    ],
    [
      'invalid date',
      hub.call('POST', '/v1/alerts', { token: police, body: { ...alertBody, child: { ...alertBody.child, dateOfBirth: canary('dob') } } }),
    ],
    [
      'invalid enum',
      hub.call('POST', '/v1/alerts', { token: police, body: { ...alertBody, risk: { ...alertBody.risk, level: canary('risk.level') } } }),
    ],
    [
      'invalid email',
      hub.call('POST', '/v1/alerts', {
        token: police,
        body: { ...alertBody, contacts: { police: { name: 'x', email: canary('bad.email') } } },
      }),
    ],
    [
      'invalid NHS number',
      hub.call('POST', '/v1/alerts', {
        token: police,
        body: { ...alertBody, child: { ...alertBody.child, identifiers: { nhsNumber: canary('nhs') } } },
      }),
    ],
    [
      'too long',
      hub.call('POST', '/v1/alerts', { token: police, body: { ...alertBody, voice: `${canary('long.voice')}${'x'.repeat(5000)}` } }),
    ],
    [
      'unknown recipient area',
      hub.call('POST', '/v1/alerts', {
        token: police,
        body: { ...alertBody, recipients: [{ area: lowerCanary('area'), scopes: ['RISK'] }] },
      }),
    ],
    ['malformed JSON', hub.call('POST', '/v1/alerts', { token: police, body: `{"voice": "${canary('malformed')}",` })],
    [
      'wrong media type',
      hub.call('POST', '/v1/alerts', { token: police, body: JSON.stringify(alertBody), headers: { 'content-type': 'text/plain' } }),
    ],
    [
      'body too large',
      hub.call('POST', '/v1/alerts', { token: police, body: { ...alertBody, disruptionPlan: `${canary('huge')}${'y'.repeat(70_000)}` } }),
    ],
    [
      'idempotency key reused with another body',
      hub.call('POST', '/v1/alerts', {
        token: police,
        body: { ...alertBody, voice: canary('idem.voice') },
        headers: { 'idempotency-key': `create-${run}` },
      }),
    ],
    [
      'second acknowledgement',
      hub.call('POST', `/v1/alerts/${alertId}/acknowledgements`, {
        token: coordinator,
        body: { outcome: 'ALREADY_KNOWN', note: canary('ack.note2') },
      }),
    ],
    [
      'invalid acknowledgement',
      hub.call('POST', `/v1/alerts/${alertId}/acknowledgements`, {
        token: coordinator,
        body: { outcome: 'REDIRECTED', note: canary('ack.note3') },
      }),
    ],
    [
      'acknowledgement by the sender',
      hub.call('POST', `/v1/alerts/${alertId}/acknowledgements`, {
        token: police,
        body: { outcome: 'ACCEPTED', note: canary('ack.note4') },
      }),
    ],
    [
      'acknowledgement by an unrelated area',
      hub.call('POST', `/v1/alerts/${alertId}/acknowledgements`, {
        token: newcastle,
        body: { outcome: 'ACCEPTED', note: canary('ack.note5') },
      }),
    ],
    ['view by an unrelated area', hub.call('GET', `/v1/alerts/${alertId}`, { token: newcastle })],
    [
      'forward wider than its scopes',
      hub.token('south-tyneside', 'coordinator').then((token) =>
        hub.call('POST', `/v1/alerts/${alertId}/forwards`, {
          token,
          body: { area: 'hartlepool', scopes: ['VOICE'], reason: canary('forward.wider') },
        }),
      ),
    ],
    [
      'forward to an unknown area',
      hub.call('POST', `/v1/alerts/${alertId}/forwards`, {
        token: police,
        body: { area: lowerCanary('fwd.area'), scopes: ['RISK'], reason: 'x' },
      }),
    ],
    [
      'forward by an unrelated area',
      hub.call('POST', `/v1/alerts/${alertId}/forwards`, {
        token: newcastle,
        body: { area: 'hartlepool', scopes: ['RISK'], reason: canary('forward.outsider') },
      }),
    ],
    [
      'revoke with an unknown field',
      hub.call('POST', `/v1/alerts/${alertId}/shares/north-tyneside/revoke`, {
        token: police,
        body: { reason: 'x', note: canary('revoke.extra') },
      }),
    ],
    [
      'revoke by a recipient',
      hub.call('POST', `/v1/alerts/${alertId}/shares/north-tyneside/revoke`, {
        token: coordinator,
        body: { reason: canary('revoke.recipient') },
      }),
    ],
    [
      'extension past two years',
      hub.call('POST', `/v1/alerts/${alertId}/shares/north-tyneside/extension`, {
        token: police,
        body: { expiresAt: '2099-01-01T00:00:00.000Z', justification: canary('extend.far') },
      }),
    ],
    [
      'decision on an unknown forward',
      hub.call('POST', `/v1/alerts/${alertId}/forwards/${crypto.randomUUID()}/decision`, {
        token: police,
        body: { decision: 'APPROVED', reason: canary('decision.unknown') },
      }),
    ],
    [
      'canary as a share area',
      hub.call('POST', `/v1/alerts/${alertId}/shares/${lowerCanary('share.area')}/revoke`, { token: police, body: { reason: 'x' } }),
    ],
    ['canary as an alert id', hub.call('GET', `/v1/alerts/${canary('path')}`, { token: police })],
    ['canary in an unknown route', hub.call('GET', `/v1/${canary('route')}`, { token: police })],
    ['canary in a query value', hub.call('GET', `/v1/alerts?status=${canary('status')}&limit=${canary('limit')}`, { token: police })],
    ['canary as a cursor', hub.call('GET', `/v1/alerts?cursor=${canary('cursor')}`, { token: police })],
    ['canary as an unknown query key', hub.call('GET', `/v1/alerts?${canary('query.key')}=1`, { token: police })],
  ];
  for (const [label, call] of failing) await record(label, call);

  // The ladder tells North Tyneside, and the sender of the acknowledgement: every message is searched too.
  const enqueue = hub.notificationQueue.send.bind(hub.notificationQueue);
  vi.spyOn(hub.notificationQueue, 'send').mockImplementation(async (message) => {
    notificationBodies.push(message.body);
    return enqueue(message);
  });
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
  it('every canary comes back decrypted in the sender view (so a search that finds nothing means something)', () => {
    // Assess
    expect(senderView.status).toBe(200);
    // The canaries of the stored alert and the stored note (the failing requests' own canaries aside)
    const stored = JSON.stringify({ alertBody, ackNote });
    const inSenderView = canaries.filter((value) => stored.includes(value));
    expect(inSenderView.length).toBeGreaterThanOrEqual(34);
    for (const value of inSenderView) expect(senderView.text).toContain(value);
    expect(senderView.text).toContain(NHS_NUMBER);
  });

  it("a share's life: every reason comes back to the sender, the forward's reason to the area it was sent to", () => {
    // Assess
    for (const value of [life.forward, life.onward, life.revoke, life.extend]) expect(senderViewAfterLife.text).toContain(value);
    for (const value of [life.request, life.decision]) expect(approvalSenderView.text).toContain(value);
    expect(sunderlandView.status).toBe(200);
    expect(sunderlandView.text).toContain(life.onward);
    expect(sunderlandView.text).toContain(alertBody.risk.summary);
    expect(sunderlandView.text).not.toContain(alertBody.movement.details);
    expect(sunderlandView.text).not.toContain(life.forward);
  });

  it("a recipient's view holds the canaries of its granted scopes only", () => {
    // Assess
    expect(recipientView.status).toBe(200);
    expect(recipientView.text).toContain(alertBody.child.name.family);
    expect(recipientView.text).toContain(alertBody.voice);
    expect(gatesheadView.status).toBe(200);
    expect(gatesheadView.text).toContain(alertBody.risk.summary);
    expect(gatesheadView.text).toContain(alertBody.movement.details);
    expect(gatesheadView.text).not.toContain(alertBody.child.name.family);
    expect(gatesheadView.text).not.toContain(alertBody.voice);
    expect(gatesheadView.text).not.toContain(alertBody.contacts.police.name);
  });

  it('every failing request did fail, with the status it should', () => {
    // Assess
    const statusOf = (label: string) => responses.find((entry) => entry.label === label)?.response.status;
    expect(statusOf('malformed JSON')).toBe(400);
    expect(statusOf('wrong media type')).toBe(415);
    expect(statusOf('body too large')).toBe(413);
    expect(statusOf('second acknowledgement')).toBe(409);
    expect(statusOf('acknowledgement by the sender')).toBe(403);
    expect(statusOf('acknowledgement by an unrelated area')).toBe(404);
    expect(statusOf('view by an unrelated area')).toBe(404);
    expect(statusOf('canary as an alert id')).toBe(404);
    expect(statusOf('canary in an unknown route')).toBe(404);
    expect(statusOf('forward by an unrelated area')).toBe(404);
    expect(statusOf('revoke by a recipient')).toBe(403);
    expect(statusOf('decision on an unknown forward')).toBe(404);
    expect(statusOf('canary as a share area')).toBe(404);
    expect(statusOf('forward by the sender')).toBe(201);
    expect(statusOf('forward by a recipient')).toBe(201);
    expect(statusOf('revoke')).toBe(200);
    expect(statusOf('extend')).toBe(200);
    expect(statusOf('forward request')).toBe(202);
    expect(statusOf('refusal')).toBe(200);
    for (const label of [
      'unknown top-level field',
      'unknown nested field',
      'invalid date',
      'invalid enum',
      'invalid email',
      'too long',
      'unknown recipient area',
      'idempotency key reused with another body',
      'invalid acknowledgement',
      'canary in a query value',
      'canary as a cursor',
      'canary as an unknown query key',
      'invalid NHS number',
      'unknown key that is not a field name',
      'forward wider than its scopes',
      'forward to an unknown area',
      'revoke with an unknown field',
      'extension past two years',
    ]) {
      expect(statusOf(label), label).toBe(422);
    }
  });
});

describe('no canary anywhere else', () => {
  it('no error response and no listing echoes a canary', () => {
    // Assess
    const mustBeClean = responses.filter(
      ({ label, response }) =>
        response.status >= 400 ||
        ['inbox', 'outbox', 'create', 'create replay', 'acknowledge', 'audit read (sender)', 'audit read (recipient)'].includes(label),
    );
    expect(mustBeClean.length).toBeGreaterThan(25);
    for (const { label, response } of mustBeClean) {
      expect(leaksIn(response.text), label).toEqual([]);
      expect(leaksIn(JSON.stringify([...response.headers])), `${label} headers`).toEqual([]);
    }
  });

  it('no item of any table holds a canary (every table, every item, read through the DynamoDB API)', async () => {
    // Act
    const { tables, items } = await scanEveryTable(hub);

    // Assess: the tables hold what they should (so the search covered something), and no canary
    expect(tables).toEqual(expect.arrayContaining(['mset-hub-alerts', 'mset-hub-audit', 'mset-hub-idempotency']));
    // The alert, its four shares (two made by forwards), its two forward items, its history record (who held
    // it, kept after it for the audit) and its creation's intent (ids and the audit facts, no content), which
    // the commit sweep drops; and the same for the alert under approval, with its one refused request.
    expect(items['mset-hub-alerts']).toHaveLength(9 + 6);
    expect(JSON.stringify(items['mset-hub-alerts'])).toContain('INTENT#ALERT');
    expect(items['mset-hub-audit']!.length).toBeGreaterThanOrEqual(15);
    expect(items['mset-hub-idempotency']!.length).toBeGreaterThanOrEqual(2);
    const alertsText = JSON.stringify(items['mset-hub-alerts']);
    expect(alertsText).toContain(alertId);
    expect(alertsText).toContain('"ct"');
    for (const [table, tableItems] of Object.entries(items)) {
      expect(leaksIn(JSON.stringify(tableItems)), table).toEqual([]);
    }
  });

  it('no notification (intent, subject, body or personalisation value) holds a canary, and there were some', () => {
    // Assess
    const messages = hub.mailOutbox.list();
    // A share's life tells areas too: the sender asked to decide, the asking area answered, each revoked
    // area told (Gateshead, and Sunderland whose share came from it); none of them carries a reason.
    const life = messages.filter((message) => !message.template.startsWith('ALERT_'));
    expect(life.map((message) => `${message.template} ${message.to}`).sort()).toEqual([
      'FORWARD_DECIDED mset@north-tyneside.example.gov.uk',
      'FORWARD_REQUESTED mset@northumberland.example.gov.uk',
      'SHARE_REVOKED mset@gateshead.example.gov.uk',
      'SHARE_REVOKED mset@sunderland.example.gov.uk',
    ]);
    expect(messages.map((message) => message.template)).toEqual(expect.arrayContaining(['ALERT_ACKNOWLEDGED', 'ALERT_SHARED']));
    // The ladder's messages are counted on the queue; the life's were enqueued before the spy was set.
    expect(notificationBodies.length).toBe(messages.length - life.length);
    expect(leaksIn(JSON.stringify(messages))).toEqual([]);
    expect(leaksIn(notificationBodies.join('\n'))).toEqual([]);
    expect(hub.notificationQueue.deadLetters()).toEqual([]);
  });

  it('no audit message the queue carried, and no dead letter, holds a canary', () => {
    // Assess
    expect(queueBodies.length).toBeGreaterThanOrEqual(15);
    expect(leaksIn(queueBodies.join('\n'))).toEqual([]);
    expect(hub.auditDeadLetters()).toEqual([]);
  });

  it('no file under the data directory holds a canary in plain bytes', async () => {
    // Act
    const files = await readFilesUnder(hub.dataDir);

    // Assess
    expect(files.length).toBeGreaterThan(0);
    for (const { name, content } of files) {
      const text = content.toString('latin1');
      expect(leaksIn(text), name).toEqual([]);
    }
  });

  it('no log line of this process holds a canary', () => {
    // Assess: the hub did log (one access line per request at least), and nothing it logged is child content
    const text = logged.join('');
    expect(text).toContain('"message":"request"');
    expect(text).toContain(`"routeKey":"POST /v1/alerts"`);
    expect(leaksIn(text)).toEqual([]);
  });
});
