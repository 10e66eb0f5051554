/**
 * Bad input over HTTP: problem details (RFC 9457, with field paths) for each kind of mistake, then
 * fast-check properties over generated bad bodies, headers, paths and methods on every route: never a 5xx,
 * every 4xx a problem document (or, for the gateway's own refusals, API Gateway's `{"message"}`), and every
 * problem's `status` the HTTP status.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanEveryTable } from '../support/canary.js';
import { servedByConsole } from '../support/contract.js';
import {
  ANY_BODY,
  anyText,
  contentType,
  echoed,
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
import { sampleAlert, sampleMeeting, startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;
let token: string;
let alertId: string;
let raw: RawClient;

beforeAll(async () => {
  hub = await startTestHub();
  raw = rawClient(hub.url);
  // One caller with every role, in an area that receives the alert below: every route reaches its use case.
  token = await hub.token('north-tyneside', ['police', 'coordinator', 'chair', 'practitioner', 'auditor']);
  const police = await hub.token('northumberland', 'police');
  const created = await hub.call('POST', '/v1/alerts', { token: police, body: sampleAlert(['north-tyneside']) });
  expect(created.status).toBe(201);
  alertId = created.json.alertId;
});

afterAll(async () => {
  raw?.close();
  await hub?.stop();
});

/** A complete, valid alert from north-tyneside (the fuzzing caller) to gateshead. */
function fullAlert() {
  return sampleAlert(['gateshead'], {
    perpetrators: [
      { names: ['Synthetic Name'], vehicles: [{ registration: 'ZZ00 ZZZ' }], grading: { source: '1', intelligence: 'A', handling: 'P' } },
    ],
    locations: [{ description: 'Synthetic place', postcode: 'ZZ1 1ZZ' }],
    disruptionPlan: 'Synthetic plan',
    voice: 'Synthetic voice',
    contacts: { leadProfessional: { name: 'Synthetic Lead', email: 'lead@example.org' } },
  });
}

describe('problem details for each mistake', () => {
  async function createWith(body: unknown, headers: Record<string, string> = {}) {
    return hub.call('POST', '/v1/alerts', { token, body, headers });
  }

  it('malformed JSON is 400 and the response does not echo the body', async () => {
    // Act
    const response = await createWith('{"child": {"name": "Test Child-Alpha"');

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe(PROBLEM);
    expect(response.json).toMatchObject({ status: 400, title: 'Malformed JSON' });
    expect(response.text).not.toContain('Child-Alpha');
  });

  it('a schema violation is 422 with the field path', async () => {
    // Act
    const response = await createWith(sampleAlert(['Not An Area']));

    // Assess
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe(PROBLEM);
    expect(response.json).toMatchObject({ type: 'urn:mset-hub:problem:validation', status: 422 });
    expect(response.json.errors).toEqual([{ path: 'recipients.0.area', message: expect.any(String) }]);
    expect(response.text).not.toContain('Not An Area');
  });

  it('every problem is reported at once, each with its path', async () => {
    // Act
    const response = await createWith(
      sampleAlert(['gateshead'], {
        risk: { level: 'LOW', exploitation: [], summary: '' },
        movement: { kind: 'FAMILY_MOVE', on: 'tomorrow' },
      }),
    );

    // Assess
    expect(response.status).toBe(422);
    const paths = (response.json.errors as Array<{ path: string }>).map((error) => error.path);
    expect(paths).toEqual(expect.arrayContaining(['risk.level', 'risk.exploitation', 'risk.summary', 'movement.on']));
  });

  it('an unknown field is rejected at the top level and nested', async () => {
    // Act
    const top = await createWith({ ...sampleAlert(['gateshead']), priority: 'high' });
    const nested = await createWith(
      sampleAlert(['gateshead'], {
        child: { name: { given: 'Test', middle: 'Synthetic', family: 'Child-Alpha' }, dateOfBirth: '2011-01-01' },
      }),
    );
    const inArray = await createWith(sampleAlert(['gateshead'], { recipients: [{ area: 'gateshead', scopes: ['RISK'], cc: 'x' }] }));

    // Assess: reported at the object that holds it, and the unknown name is never echoed
    expect(top.status).toBe(422);
    expect(top.json.errors).toEqual([{ path: '', message: 'holds an unknown field' }]);
    expect(echoed(top.json)).not.toContain('priority');
    expect(nested.status).toBe(422);
    expect(nested.json.errors).toEqual([{ path: 'child.name', message: 'holds an unknown field' }]);
    expect(echoed(nested.json)).not.toContain('middle');
    expect(inArray.status).toBe(422);
    expect(inArray.json.errors).toEqual([{ path: 'recipients.0', message: 'holds an unknown field' }]);
    expect(echoed(inArray.json)).not.toContain('cc');
  });

  it('a body over 64 KiB is 413', async () => {
    // Act
    const response = await createWith(sampleAlert(['gateshead'], { voice: 'v'.repeat(64 * 1024) }));

    // Assess
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe(PROBLEM);
    expect(response.json.status).toBe(413);
  });

  it('a body of exactly 64 KiB passes the size check (and then fails the schema)', async () => {
    // Prepare: pad a JSON body to exactly 65,536 bytes with a field that is too long
    const base = JSON.stringify(sampleAlert(['gateshead'], { voice: '' }));
    const body = base.replace('"voice":""', `"voice":"${'v'.repeat(64 * 1024 - Buffer.byteLength(base))}"`);
    expect(Buffer.byteLength(body)).toBe(64 * 1024);

    // Act
    const response = await createWith(body);

    // Assess
    expect(response.status).toBe(422);
    expect(response.json.errors).toEqual([expect.objectContaining({ path: 'voice' })]);
  });

  it('text/plain is 415, and so is a body without a content type', async () => {
    // Act
    const plain = await createWith(JSON.stringify(sampleAlert(['gateshead'])), { 'content-type': 'text/plain' });
    const none = await raw.send(
      'POST',
      '/v1/alerts',
      { authorization: `Bearer ${token}` },
      Buffer.from(JSON.stringify(sampleAlert(['gateshead']))),
    );

    // Assess
    expect(plain.status).toBe(415);
    expect(plain.headers.get('content-type')).toBe(PROBLEM);
    expect(none.status).toBe(415);
    expect(none.contentType).toBe(PROBLEM);
  });

  it('application/json with a charset, and a +json media type, are accepted', async () => {
    // Act
    const charset = await createWith(sampleAlert(['gateshead']), { 'content-type': 'application/json; charset=utf-8' });
    const suffix = await createWith(sampleAlert(['gateshead']), { 'content-type': 'application/vnd.mset+json' });

    // Assess
    expect(charset.status).toBe(201);
    expect(suffix.status).toBe(201);
  });

  it('an unknown route is a 404 problem, with or without a token', async () => {
    // Act
    const withToken = await hub.call('GET', '/v1/nothing-here', { token });
    const withoutToken = await hub.call('DELETE', '/v1/alerts');

    // Assess
    for (const response of [withToken, withoutToken]) {
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe(PROBLEM);
      expect(response.json).toMatchObject({ status: 404, title: 'Not Found' });
    }
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['the recipient is the sender', 'recipients.0.area', { recipients: [{ area: 'north-tyneside', scopes: ['RISK'] }] }],
    ['the recipient area is unknown', 'recipients.0.area', { recipients: [{ area: 'atlantis', scopes: ['RISK'] }] }],
    [
      'recipients repeat an area',
      'recipients',
      {
        recipients: [
          { area: 'gateshead', scopes: ['RISK'] },
          { area: 'gateshead', scopes: ['VOICE'] },
        ],
      },
    ],
    ['movement.to is an unknown area', 'movement.to', { movement: { kind: 'SIGHTING', on: '2026-12-01', to: 'atlantis' } }],
    [
      'consent NOT_SOUGHT has no reason',
      'sharing.consent.reason',
      {
        sharing: {
          purpose: 'Synthetic',
          lawfulBasis: 'UKGDPR_6_1_E_SCH1_PARA18',
          consent: { status: 'NOT_SOUGHT' },
          handling: { code: 'P' },
        },
      },
    ],
    [
      'handling C has no conditions',
      'sharing.handling.conditions',
      { sharing: { purpose: 'Synthetic', lawfulBasis: 'UKGDPR_6_1_D', consent: { status: 'OBTAINED' }, handling: { code: 'C' } } },
    ],
    [
      'expiresAt is in the past',
      'sharing.expiresAt',
      {
        sharing: {
          purpose: 'Synthetic',
          lawfulBasis: 'UKGDPR_6_1_C',
          consent: { status: 'OBTAINED' },
          handling: { code: 'P' },
          expiresAt: new Date(Date.now() - 60_000).toISOString(),
        },
      },
    ],
    [
      'expiresAt has no offset',
      'sharing.expiresAt',
      {
        sharing: {
          purpose: 'Synthetic',
          lawfulBasis: 'UKGDPR_6_1_C',
          consent: { status: 'OBTAINED' },
          handling: { code: 'P' },
          expiresAt: '2027-01-01T00:00:00',
        },
      },
    ],
    [
      'the date of birth is in the future',
      'child.dateOfBirth',
      { child: { name: { given: 'Test', family: 'Child-Alpha' }, dateOfBirth: '2999-01-01' } },
    ],
    [
      'the risk level is "low" (the risk scale has no low level: no exploitation risk is called low)',
      'risk.level',
      { risk: { level: 'LOW', exploitation: ['CSE'], summary: 'Synthetic' } },
    ],
    ['a scope is repeated', 'recipients.0.scopes', { recipients: [{ area: 'gateshead', scopes: ['RISK', 'RISK'] }] }],
    ['a string is only spaces', 'voice', { voice: '   ' }],
  ])('422 when %s, at %s', async (_label, path, overrides) => {
    // Act
    const response = await createWith(sampleAlert(['gateshead'], overrides));

    // Assess
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe(PROBLEM);
    expect((response.json.errors as Array<{ path: string }>).map((error) => error.path)).toContain(path);
  });

  it.each([
    ['not a uuid', 'not-a-uuid'],
    ['an uppercase uuid', crypto.randomUUID().toUpperCase()],
    ['an encoded slash', `${crypto.randomUUID()}%2Fx`],
    ['a very long id', 'a'.repeat(2000)],
  ])('an alert id that is %s is 404 on every alert route', async (_label, id) => {
    // Act
    const responses = await Promise.all([
      hub.call('GET', `/v1/alerts/${id}`, { token }),
      hub.call('GET', `/v1/alerts/${id}/audit`, { token }),
      hub.call('POST', `/v1/alerts/${id}/acknowledgements`, { token, body: { outcome: 'ACCEPTED' } }),
    ]);

    // Assess
    for (const response of responses) {
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe(PROBLEM);
    }
  });

  it('a query the listing does not know is 422 at the query, without its name', async () => {
    // Act
    const unknown = await hub.call('GET', '/v1/alerts?sort=asc', { token });
    const several = await hub.call('GET', '/v1/alerts?sort=asc&Test%20Child-Alpha=1', { token });
    const limit = await hub.call('GET', '/v1/alerts?limit=0', { token });
    const history = await hub.call('GET', `/v1/alerts/${alertId}/audit?limit=501`, { token });

    // Assess
    expect(unknown.status).toBe(422);
    expect(unknown.json.errors).toEqual([{ path: '', message: 'holds an unknown field' }]);
    expect(echoed(unknown.json)).not.toContain('sort');
    expect(several.status).toBe(422);
    expect(several.json.errors).toEqual([{ path: '', message: 'holds 2 unknown fields' }]);
    expect(echoed(several.json)).not.toMatch(/sort|Child-Alpha/);
    expect(limit.status).toBe(422);
    expect(limit.json.errors).toEqual([expect.objectContaining({ path: 'limit' })]);
    expect(history.status).toBe(422);
  });
});

describe('bodies nested deeper than any contract', () => {
  const DEPTH = 4_000;
  const bodies = {
    arrays: `${'['.repeat(DEPTH)}1${']'.repeat(DEPTH)}`,
    objects: `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`,
  };
  const routes = [
    ['POST', '/v1/alerts'],
    ['POST', '/v1/alerts/REAL/acknowledgements'],
    ['POST', '/v1/alerts/REAL/forwards'],
    ['POST', '/v1/meetings'],
  ] as const;

  it.each(routes.flatMap(([verb, path]) => [true, false].map((withKey) => [verb, path, withKey] as const)))(
    '%s %s with Idempotency-Key %s: a 422 problem for 4,000 levels of arrays or objects, never a 5xx',
    async (verb, path, withKey) => {
      for (const [shape, body] of Object.entries(bodies)) {
        // Act
        const response = await hub.call(verb, path.replace('REAL', alertId), {
          token,
          body,
          headers: withKey ? { 'idempotency-key': `deep-${shape}-${crypto.randomUUID()}` } : {},
        });

        // Assess
        expect(response.status, shape).toBe(422);
        expect(response.headers.get('content-type')).toBe(PROBLEM);
        expect(response.json).toMatchObject({ type: 'urn:mset-hub:problem:validation', status: 422, errors: [] });
        expect(response.json.detail).toMatch(/nested too deeply/);
      }
    },
  );

  it('the same routes still take a valid body afterwards', async () => {
    // Act
    const alert = await hub.call('POST', '/v1/alerts', {
      token,
      body: sampleAlert(['gateshead']),
      headers: { 'idempotency-key': crypto.randomUUID() },
    });
    const meeting = await hub.call('POST', '/v1/meetings', {
      token,
      body: sampleMeeting(['gateshead']),
      headers: { 'idempotency-key': crypto.randomUUID() },
    });

    // Assess
    expect(alert.status).toBe(201);
    expect(meeting.status).toBe(201);
  });
});

describe('claims holding characters SQS refuses or control characters', () => {
  const REFUSED = [
    ['a name holding U+FFFE', { name: 'Synthetic\uFFFEName' }, '\uFFFE'],
    ['a name holding U+FFFF', { name: 'Synthetic\uFFFFName' }, '\uFFFF'],
    ['a sub holding U+FFFE', { sub: 'synthetic-sub-\uFFFE' }, '\uFFFE'],
    ['a sub holding a C0 control', { sub: 'synthetic-sub-\u0007' }, '\u0007'],
    ['a name holding a C1 control', { name: 'Synthetic\u0085Name' }, '\u0085'],
  ] as const;

  it('are refused with 401 on audited routes, each refusal audited as UNAUTHENTICATED without the value', async () => {
    // Prepare
    const refusals: Array<{ label: string; requestId: string; character: string }> = [];

    for (const [label, claims, character] of REFUSED) {
      const bad = await hub.identity.mint({ area: 'north-tyneside', roles: ['coordinator'], agency: 'childrens-services', ...claims });

      // Act
      const responses = [
        await hub.call('GET', '/v1/alerts', { token: bad }),
        await hub.call('GET', `/v1/alerts/${alertId}`, { token: bad }),
        await hub.call('POST', '/v1/meetings', { token: bad, body: sampleMeeting(['gateshead']) }),
      ];

      // Assess
      for (const response of responses) {
        expect(response.status, label).toBe(401);
        expect(response.headers.get('content-type')).toBe(PROBLEM);
        expect(response.headers.get('www-authenticate')).toBe('Bearer');
        expect(response.json).toMatchObject({ type: 'urn:mset-hub:problem:unauthenticated', status: 401 });
        expect(response.text).not.toContain('Synthetic');
        expect(response.text).not.toContain('synthetic-sub');
        refusals.push({ label, requestId: response.json.instance, character });
      }
    }

    // Assess: every refusal is on the audit trail, and no audit event holds the claim's value
    await hub.drainAudit();
    expect(hub.auditDeadLetters()).toEqual([]);
    const { items } = await scanEveryTable(hub);
    const events = (items['mset-hub-audit'] ?? []) as Array<{ event?: { M?: Record<string, { S?: string }> } }>;
    for (const { label, requestId, character } of refusals) {
      const recorded = events.filter((item) => item.event?.M?.['requestId']?.S === requestId);
      expect(recorded, label).toHaveLength(1);
      expect(recorded[0]?.event?.M?.['outcome']?.S).toBe('UNAUTHENTICATED');
      const text = JSON.stringify(recorded);
      expect(text).not.toContain(character);
      expect(text).not.toMatch(/Synthetic|synthetic-sub/);
    }
  });

  it('the same token without the character is accepted', async () => {
    // Prepare
    const good = await hub.identity.mint({
      area: 'north-tyneside',
      roles: ['coordinator'],
      agency: 'childrens-services',
      sub: 'synthetic-sub-clean',
      name: 'Synthetic Name',
    });

    // Act
    const response = await hub.call('GET', '/v1/alerts', { token: good });

    // Assess
    expect(response.status).toBe(200);
  });
});

// ---- generators (the generic ones are in ../support/fuzz.ts) ----

const oddValue = oddValueOf([
  '2011-02-30',
  '2026-13-01',
  '9999-12-31T23:59:59Z',
  'IDENTITY',
  'SIGNIFICANT',
  'north-tyneside',
  'northumberland',
]);

const mutation = mutationOf(oddValue);

/** Valid bodies of a share's life: a forward, a decision, a revocation, an extension. */
const LIFE_BODIES: readonly Json[] = [
  { area: 'gateshead', scopes: ['RISK'], reason: 'Synthetic reason' },
  { decision: 'APPROVED', reason: 'Synthetic reason' },
  { decision: 'REFUSED', reason: 'Synthetic reason' },
  { reason: 'Synthetic reason' },
  { expiresAt: new Date(Date.now() + 500 * 86_400_000).toISOString(), justification: 'Synthetic justification' },
];
const lifeBody: fc.Arbitrary<Json> = fc.constantFrom(...LIFE_BODIES);

/** Raw body text: mutated valid alerts and acknowledgements, random JSON, duplicated keys, not JSON at all. */
const bodyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 4 }).map((ms) => JSON.stringify(mutate(fullAlert() as Json, ms))) },
  { weight: 1, arbitrary: fc.constant(JSON.stringify(fullAlert())) },
  {
    weight: 2,
    arbitrary: fc
      .record({ outcome: oddValue, note: fc.option(anyText), redirectTo: fc.option(oddValue) }, { requiredKeys: [] })
      .map((ack) => JSON.stringify(ack)),
  },
  { weight: 1, arbitrary: fc.constant(JSON.stringify({ outcome: 'ACCEPTED' })) },
  { weight: 1, arbitrary: withKeyFirst(fullAlert, ['recipients', 'child', 'outcome'], oddValue) },
  {
    weight: 2,
    arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }).chain((ms) => lifeBody.map((body) => JSON.stringify(mutate(body, ms)))),
  },
  ...ANY_BODY,
);

/** Absent half the time. */
const idempotencyKey = fc.option(idempotencyKeyText, { freq: 2 });

const segment = segmentOf(['v1', 'alerts', 'areas', 'audit', 'acknowledgements', 'health', '{alertId}']);

const alertIdSegment = fc.oneof(fc.constant('REAL'), fc.uuid().map(String), segment);

const path: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc
          .tuple(fc.constantFrom('/v1/alerts/ID', '/v1/alerts/ID/acknowledgements', '/v1/alerts/ID/audit'), alertIdSegment)
          .map(([template, id]) => template.replace('ID', id)),
      },
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          '/v1/alerts',
          '/v1/areas',
          '/health',
          '/',
          '/v1',
          '/v1/alerts/',
          '/v1//alerts',
          '/V1/ALERTS',
          '/v1/alerts/REAL/acknowledgements/',
        ),
      },
      { weight: 2, arbitrary: fc.array(segment, { minLength: 1, maxLength: 5 }).map((segments) => `/${segments.join('/')}`) },
    ),
    fc.string({ maxLength: 40 }).map(encodeURIComponent),
  )
  .map(([pathname, search]) => (search === '' ? pathname : `${pathname}?${search}`));

const query = queryOf(['inbox', 'outbox', 'PENDING', 'OVERDUE', '0', '1', '101', '-1', '1e3', 'eyJ2IjoxfQ']);

/** The API's own routes, so most runs reach a handler's validation rather than the catch-all. */
const routeTarget = fc
  .tuple(
    fc.constantFrom(
      ['POST', '/v1/alerts'],
      ['POST', '/v1/alerts'],
      ['POST', '/v1/alerts/REAL/acknowledgements'],
      ['POST', '/v1/alerts/ID/acknowledgements'],
      ['GET', '/v1/alerts'],
      ['GET', '/v1/alerts/REAL'],
      ['GET', '/v1/alerts/ID'],
      ['GET', '/v1/alerts/REAL/audit'],
      ['GET', '/v1/alerts/ID/audit'],
      ['GET', '/v1/areas'],
      ['POST', '/v1/alerts/REAL/forwards'],
      ['POST', '/v1/alerts/ID/forwards'],
      ['POST', '/v1/alerts/REAL/forwards/ID/decision'],
      ['POST', '/v1/alerts/REAL/shares/north-tyneside/revoke'],
      ['POST', '/v1/alerts/REAL/shares/ID/extension'],
    ),
    alertIdSegment,
    query,
  )
  .map(([[verb, template], id, search]) => ({
    method: verb,
    path: `${template.replace('ID', id)}${search === null ? '' : `?${search}`}`,
  }));

const anyTarget = fc.record({ method, path });

const badRequest = fc
  .record({
    target: fc.oneof({ weight: 3, arbitrary: routeTarget }, { weight: 2, arbitrary: anyTarget }),
    body: fc.option(bodyText, { freq: 6 }),
    contentType,
    idempotencyKey,
  })
  .map(({ target, ...rest }) => ({ ...target, ...rest }));
type BadRequest = typeof badRequest extends fc.Arbitrary<infer T> ? T : never;

async function sendBad(generated: BadRequest): Promise<RawResponse> {
  return raw.send(generated.method, generated.path.replaceAll('REAL', alertId), fuzzHeaders(token, generated), generated.body ?? undefined);
}

describe('properties over generated bad requests', () => {
  const statuses = new Map<number, number>();

  afterAll(() => {
    // Visible in the output: what the runs reached.
    process.stderr.write(`bad-input fuzz statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}\n`);
  });

  it('1,000 generated requests: never a 5xx; every 4xx a problem document unless the gateway refused it', async () => {
    // Act + Assess
    await fc.assert(
      fc.asyncProperty(badRequest, async (generated) => {
        const response = await sendBad(generated);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status).toBeLessThan(500);
        if (
          response.status >= 400 &&
          generated.method !== 'HEAD' &&
          !isGatewayRefusal(response) &&
          !servedByConsole(generated.method, generated.path)
        ) {
          expect(response.contentType).toBe(PROBLEM);
        }
        expect(response.text).not.toMatch(NO_INTERNALS);
      }),
      { numRuns: 1000 },
    );

    // Assess: the runs reached the handlers, not just the gateway
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([404, 415, 422]));
    expect([...statuses.values()].reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(1000);
  });

  it('every 4xx body is JSON whose status is the HTTP status (the gateway’s own {"message"} refusals aside)', async () => {
    // Act + Assess
    await fc.assert(
      fc.asyncProperty(
        badRequest.filter((generated) => generated.method !== 'HEAD'),
        async (generated) => {
          const response = await sendBad(generated);
          if (response.status < 400) return;
          if (isGatewayRefusal(response)) return;
          // The console's pages answer what is not the API's: a GOV.UK page, never JSON.
          if (servedByConsole(generated.method, generated.path)) {
            expect(response.contentType).toMatch(/^text\/html/);
            return;
          }
          const body = JSON.parse(response.text) as Record<string, unknown>;
          expect(body['status']).toBe(response.status);
          expect(typeof body['title']).toBe('string');
          expect(typeof body['type']).toBe('string');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('300 forged cursors on the alert listing and the access history: never a 5xx, 422 unless the hub could have issued it', async () => {
    // Prepare: what the hub issues to this caller (north-tyneside, a recipient of `alertId` from northumberland)
    const SORT_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z#[0-9a-f-]{36}$/;
    const listings = {
      inbox: {
        path: '/v1/alerts?box=inbox&limit=2',
        scope: 'inbox:north-tyneside:ALL',
        names: ['pk', 'sk', 'inboxPk', 'inboxSk'],
        fixed: { inboxPk: 'INBOX#north-tyneside' },
      },
      outbox: {
        path: '/v1/alerts?box=outbox&limit=2',
        scope: 'outbox:north-tyneside',
        names: ['pk', 'sk', 'outboxPk', 'outboxSk'],
        fixed: { outboxPk: 'OUTBOX#north-tyneside' },
      },
      audit: {
        path: `/v1/alerts/${alertId}/audit?limit=2`,
        scope: `audit:${alertId}:north-tyneside,northumberland`,
        names: ['sk'],
        fixed: {},
      },
    } as const;
    type Listing = keyof typeof listings;
    const keyValue = fc.oneof(
      fc.constantFrom(
        '',
        ' ',
        'INBOX#north-tyneside',
        'OUTBOX#north-tyneside',
        'INBOX#gateshead',
        'OUTBOX#northumberland',
        `ALERT#${alertId}`,
        'ALERT',
        'SHARE#north-tyneside',
      ),
      fc.constantFrom(
        `2026-03-10T10:00:00.000Z#${alertId}`,
        `9999-12-31T23:59:59.999Z#${crypto.randomUUID()}`,
        '2026-03-10T10:00:00.000Z#',
      ),
      fc.string({ maxLength: 30 }),
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc.integer({ min: 200, max: 2000 }).map((length) => 'k'.repeat(length)),
      fc.integer({ min: 100, max: 512 }).map((length) => '\u{1F600}'.repeat(length)),
      fc.constantFrom<unknown>(0, null, true, [], {}, ['x']),
    );
    const keyName = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('pk', 'sk', 'inboxPk', 'inboxSk', 'outboxPk', 'outboxSk', 'resourceAreaPk') },
      { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', '__proto__', 'constructor', 'k'.repeat(600))) },
    );
    /** A key map of the listing's own attribute names (often with its own partition fixed), or anything. */
    const keyMap = (listing: Listing) =>
      fc.oneof(
        fc.tuple(fc.array(keyValue, { minLength: 4, maxLength: 4 }), fc.boolean()).map(([values, fixPartition]) => ({
          ...Object.fromEntries(listings[listing].names.map((name, index) => [name, values[index]])),
          ...(fixPartition ? listings[listing].fixed : {}),
        })),
        fc.dictionary(keyName, keyValue, { maxKeys: 6 }),
        fc.constantFrom<unknown>(null, [], 'sk', 1),
      );
    /** A value the cursor's own checks accept (1-512 characters), but never one the hub wrote. */
    const plausibleValue = fc.oneof(
      fc.string({ minLength: 1, maxLength: 40 }),
      fc.integer({ min: 1, max: 512 }).map((length) => 'k'.repeat(length)),
      fc.integer({ min: 1, max: 256 }).map((length) => '\u{1F600}'.repeat(length)),
      fc.constantFrom(' ', '\u0000', 'ALERT', `ALERT#${alertId}`, 'SHARE#gateshead', 'INBOX#gateshead'),
    );
    const sortKey = fc
      .tuple(fc.date({ min: new Date('2000-01-01'), max: new Date('2999-12-31'), noInvalidDate: true }), fc.uuid())
      .map(([date, uuid]) => `${date.toISOString()}#${uuid}`);
    /** Shaped exactly as the hub shapes this caller's cursors, with made-up key values. */
    const wellFormed = (listing: Listing) =>
      (listing === 'audit'
        ? sortKey.map((sk) => ({ sk }))
        : fc.array(plausibleValue, { minLength: 4, maxLength: 4 }).map((values) => ({
            ...Object.fromEntries(listings[listing].names.map((name, index) => [name, values[index]])),
            ...listings[listing].fixed,
          }))
      ).map((key) => ({ v: 1, scope: listings[listing].scope, key }) as Record<string, unknown>);
    const forged = fc.constantFrom<Listing>('inbox', 'outbox', 'audit').chain((listing) =>
      fc.record({
        listing: fc.constant(listing),
        payload: fc.oneof(
          wellFormed(listing),
          fc.record(
            {
              v: fc.oneof(
                { weight: 4, arbitrary: fc.constant<unknown>(1) },
                fc.constantFrom<unknown>(0, 2, '1', null, 1.5, -1, [1]),
                fc.integer(),
              ),
              scope: fc.oneof(
                { weight: 4, arbitrary: fc.constant<unknown>(listings[listing].scope) },
                fc.constantFrom<unknown>(
                  ...Object.values(listings).map((other) => other.scope),
                  'inbox:gateshead:ALL',
                  `audit:${alertId}:*`,
                  `audit:${alertId}:gateshead,northumberland`,
                  '',
                  null,
                ),
                fc.string({ maxLength: 40 }),
                fc.integer({ min: 500, max: 3000 }).map((length) => 's'.repeat(length)),
              ),
              key: keyMap(listing),
              extra: fc.jsonValue({ maxDepth: 1 }),
            },
            { requiredKeys: ['v', 'scope', 'key'] },
          ),
        ),
      }),
    );
    /** The hub cannot tell a well-formed cursor for the caller's own listing from one it issued. */
    const couldBeIssued = (listing: Listing, payload: Record<string, unknown>) => {
      const { scope, names, fixed } = listings[listing];
      const key = payload['key'];
      if (Object.keys(payload).some((name) => !['v', 'scope', 'key'].includes(name))) return false;
      if (payload['v'] !== 1 || payload['scope'] !== scope || key === null || typeof key !== 'object' || Array.isArray(key)) return false;
      const entries = Object.entries(key as Record<string, unknown>);
      if (entries.length !== names.length || !names.every((name) => name in key)) return false;
      if (!entries.every(([, value]) => typeof value === 'string' && value.length >= 1 && value.length <= 512)) return false;
      if (!Object.entries(fixed).every(([name, value]) => (key as Record<string, unknown>)[name] === value)) return false;
      return listing !== 'audit' || SORT_KEY.test(String((key as Record<string, unknown>)['sk']));
    };
    const outcomes = new Map<string, number>();

    // Act + Assess
    await fc.assert(
      fc.asyncProperty(forged, async ({ listing, payload }) => {
        const cursor = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
        const response = await raw.send('GET', `${listings[listing].path}&cursor=${cursor}`, { authorization: `Bearer ${token}` });
        const issuable = couldBeIssued(listing, payload);
        outcomes.set(`${listing}:${issuable}:${response.status}`, (outcomes.get(`${listing}:${issuable}:${response.status}`) ?? 0) + 1);
        expect(response.status).toBeLessThan(500);
        expect(response.text).not.toMatch(NO_INTERNALS);
        if (!issuable) {
          expect(response.status).toBe(422);
          expect(response.contentType).toBe(PROBLEM);
          expect(JSON.parse(response.text).errors).toEqual([expect.objectContaining({ path: 'cursor' })]);
          return;
        }
        // Well formed for the caller's own listing: a page of what it may see anyway, or refused
        expect([200, 422]).toContain(response.status);
        if (response.status === 200 && listing !== 'audit') {
          const items = JSON.parse(response.text).items as Array<{ fromArea: string; toAreas: string[] }>;
          for (const item of items) {
            expect(listing === 'inbox' ? item.toAreas : [item.fromArea]).toContain('north-tyneside');
          }
        }
      }),
      { numRuns: 300 },
    );
    process.stderr.write(`forged cursor outcomes: ${JSON.stringify(Object.fromEntries([...outcomes].sort()))}\n`);

    // Assess: the runs reached each listing's deepest checks, not just the base64 decoding
    for (const listing of Object.keys(listings)) {
      expect([...outcomes.keys()].some((outcome) => outcome.startsWith(`${listing}:false:422`))).toBe(true);
      expect([...outcomes.keys()].some((outcome) => outcome.startsWith(`${listing}:true:`))).toBe(true);
    }
  });

  it('the hub still works after the fuzzing', async () => {
    // Act
    const health = await hub.call('GET', '/health');
    const view = await hub.call('GET', `/v1/alerts/${alertId}`, { token });
    await hub.drainAudit();

    // Assess
    expect(health.status).toBe(200);
    expect(view.status).toBe(200);
    expect(hub.auditDeadLetters()).toEqual([]);
  });
});

describe("a share's life, fuzzed as the sending area", () => {
  let sender: string;
  let lifeAlertId: string;
  let forwardId: string;

  beforeAll(async () => {
    // Every role in the sending area: the decision, revocation and extension routes reach their validation.
    sender = await hub.token('northumberland', ['police', 'coordinator', 'chair', 'practitioner', 'auditor']);
    const created = await hub.call('POST', '/v1/alerts', {
      token: sender,
      body: sampleAlert(['north-tyneside', 'newcastle'], {
        sharing: {
          purpose: 'Synthetic purpose',
          lawfulBasis: 'DPA2018_PART3_SCH8_PARA4',
          consent: { status: 'NOT_SOUGHT', reason: 'Synthetic reason' },
          handling: { code: 'P', onwardSharing: 'ORIGINATOR_APPROVAL' },
        },
      }),
    });
    expect(created.status).toBe(201);
    lifeAlertId = created.json.alertId;
    const asked = await hub.call('POST', `/v1/alerts/${lifeAlertId}/forwards`, {
      token: await hub.token('north-tyneside', 'coordinator'),
      body: { area: 'sunderland', scopes: ['RISK'], reason: 'Synthetic reason' },
    });
    expect(asked.status).toBe(202);
    forwardId = asked.json.forwardId;
  });

  const target = fc.constantFrom(
    '/v1/alerts/LIFE/forwards',
    '/v1/alerts/LIFE/forwards/FORWARD/decision',
    '/v1/alerts/LIFE/forwards/SEGMENT/decision',
    '/v1/alerts/LIFE/shares/north-tyneside/revoke',
    '/v1/alerts/LIFE/shares/newcastle/extension',
    '/v1/alerts/LIFE/shares/SEGMENT/extension',
    '/v1/alerts/LIFE/shares/SEGMENT/revoke',
  );
  const segment = segmentOf(['north-tyneside', 'newcastle', 'gateshead', 'Newcastle', 'north_tyneside']);
  const body = fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .array(mutation, { minLength: 1, maxLength: 4 })
        .chain((ms) => lifeBody.map((valid) => JSON.stringify(mutate(valid, ms)))),
    },
    { weight: 1, arbitrary: lifeBody.map((valid) => JSON.stringify(valid)) },
    ...ANY_BODY,
  );

  it('300 generated requests: never a 5xx; every 4xx a problem document; nothing echoed', async () => {
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.record({ path: target, segment, body: fc.option(body, { freq: 8 }), contentType, idempotencyKey }),
        async (generated) => {
          const path = generated.path.replace('LIFE', lifeAlertId).replace('FORWARD', forwardId).replace('SEGMENT', generated.segment);
          const response = await raw.send('POST', path, fuzzHeaders(sender, generated), generated.body ?? undefined);
          seen.add(response.status);
          expect(response.status).toBeLessThan(500);
          if (response.status >= 400 && !isGatewayRefusal(response)) {
            expect(response.contentType).toBe(PROBLEM);
            const problem = JSON.parse(response.text) as Record<string, unknown>;
            expect(problem['status']).toBe(response.status);
          }
          expect(response.text).not.toMatch(NO_INTERNALS);
        },
      ),
      { numRuns: 300 },
    );
    // The runs reached the use cases: refusals of the body and of the share both.
    expect([...seen]).toEqual(expect.arrayContaining([404, 422]));
  });

  it('the alert still opens for its sender and its recipients afterwards', async () => {
    const view = await hub.call('GET', `/v1/alerts/${lifeAlertId}`, { token: sender });
    expect(view.status).toBe(200);
  });
});
