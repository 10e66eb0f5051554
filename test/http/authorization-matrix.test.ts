/**
 * Who may do what, over HTTP: every authorized route × four areas (sender, recipient, two unrelated, one of
 * them in another jurisdiction) × every role (and multi-role and role-less tokens), each combination a named
 * test with the exact status the access rules give. The expectations are written here from those rules,
 * not imported from the product's permission table, so a change there has to be matched here.
 * Then: tokens the gateway or the handler must refuse (401), the no-leak rule for unrelated areas, and the
 * refusals on record.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { QueryCommand, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../contracts/identity.js';
import { ROUTE_LIST } from '../../functions/routes.js';
import { localDynamoClient } from '../../local/dynamodb.js';
import { expectGatewayRefusal, expiredToken, matrixCases, rightsOf, roleSets } from '../support/authorization.js';
import { sampleAlert, startTestHub, type TestHub, type TestResponse } from '../support/hub.js';

type Relation = 'sender' | 'recipient' | 'unrelated';
const AREAS: ReadonlyArray<{ area: string; relation: Relation }> = [
  { area: 'northumberland', relation: 'sender' },
  { area: 'north-tyneside', relation: 'recipient' },
  { area: 'newcastle', relation: 'unrelated' },
  { area: 'scottish-borders', relation: 'unrelated' },
];
const ROLE_SETS = roleSets(['police', 'coordinator']);

/**
 * The routes under test: every alert and area route the API authorizes (meeting routes have their own
 * matrix in meetings-authorization.test.ts, a share's life, forwards, revocation and extension, theirs in
 * share-life-authorization.test.ts). A route added later fails `expectedStatus` or the coverage test.
 */
const isMeetingRoute = (routeKey: string) => routeKey.includes(' /v1/meetings');
const isShareLifeRoute = (routeKey: string) => routeKey.includes('/forwards') || routeKey.includes('/shares/');
const ROUTE_KEYS = ROUTE_LIST.filter(
  (route) => route.authorized && !isMeetingRoute(route.routeKey) && !isShareLifeRoute(route.routeKey),
).map((route) => route.routeKey);

// The access rules, written out independently of the code.
const MAY: Record<'create' | 'read' | 'acknowledge' | 'history', readonly Role[]> = {
  create: ['police', 'coordinator', 'chair'],
  read: ['police', 'coordinator', 'chair', 'practitioner'],
  acknowledge: ['coordinator', 'chair'],
  history: ['police', 'coordinator', 'chair', 'auditor'],
};
const may = rightsOf(MAY);

function expectedStatus(routeKey: string, relation: Relation, roles: readonly Role[]): number {
  switch (routeKey) {
    case 'GET /v1/areas':
      return 200;
    case 'POST /v1/alerts':
      return may(roles, 'create') ? 201 : 403;
    case 'GET /v1/alerts':
      return may(roles, 'read') ? 200 : 403;
    case 'GET /v1/alerts/{alertId}':
      if (relation === 'unrelated') return 404;
      return may(roles, 'read') ? 200 : 403;
    case 'POST /v1/alerts/{alertId}/acknowledgements':
      if (relation === 'unrelated') return 404;
      if (relation === 'sender') return 403;
      return may(roles, 'acknowledge') ? 201 : 403;
    case 'GET /v1/alerts/{alertId}/audit':
      if (relation === 'unrelated') return 404;
      return may(roles, 'history') ? 200 : 403;
    default:
      throw new Error(`No expectation written for route ${routeKey}: add it to the matrix`);
  }
}

const CASES = matrixCases(ROUTE_KEYS, AREAS, ROLE_SETS, (routeKey, _area, relation, roles) => expectedStatus(routeKey, relation, roles));

const CHILD_FAMILY_NAME = 'Child-Alpha-Matrix';
let hub: TestHub;
let police: string;
let alertId: string;
/** Bodies every unrelated-area call got back, checked for leaks at the end. */
const unrelatedBodies: string[] = [];
/** What the shared alert's access history must hold once the matrix has run. */
const tally = { forbidden: 0, notFound: 0, unauthenticated: 0 };

beforeAll(async () => {
  hub = await startTestHub();
  police = await hub.token('northumberland', 'police');
  const created = await hub.call('POST', '/v1/alerts', {
    token: police,
    body: sampleAlert(['north-tyneside'], {
      child: { name: { given: 'Test', family: CHILD_FAMILY_NAME }, dateOfBirth: '2011-01-01' },
    }),
  });
  expect(created.status).toBe(201);
  alertId = created.json.alertId;
});

afterAll(async () => {
  await hub?.stop();
});

async function newAlertForNorthTyneside(): Promise<string> {
  const created = await hub.call('POST', '/v1/alerts', { token: police, body: sampleAlert(['north-tyneside']) });
  expect(created.status).toBe(201);
  return created.json.alertId as string;
}

async function request(
  routeKey: string,
  area: string,
  token: string | undefined,
  options: { fresh?: boolean } = {},
): Promise<TestResponse> {
  const auth = token === undefined ? {} : { token };
  switch (routeKey) {
    case 'GET /v1/areas':
      return hub.call('GET', '/v1/areas', auth);
    case 'POST /v1/alerts':
      return hub.call('POST', '/v1/alerts', {
        ...auth,
        body: sampleAlert([area === 'northumberland' ? 'north-tyneside' : 'northumberland']),
      });
    case 'GET /v1/alerts':
      return hub.call('GET', '/v1/alerts?box=inbox', auth);
    case 'GET /v1/alerts/{alertId}':
      return hub.call('GET', `/v1/alerts/${alertId}`, auth);
    case 'POST /v1/alerts/{alertId}/acknowledgements': {
      const id = options.fresh === true ? await newAlertForNorthTyneside() : alertId;
      return hub.call('POST', `/v1/alerts/${id}/acknowledgements`, { ...auth, body: { outcome: 'ACCEPTED' } });
    }
    case 'GET /v1/alerts/{alertId}/audit':
      return hub.call('GET', `/v1/alerts/${alertId}/audit`, auth);
    default:
      throw new Error(`No request written for route ${routeKey}`);
  }
}

describe('the matrix: route × area × role', () => {
  it('covers every authorized route of functions/routes.ts', () => {
    // Assess
    expect(ROUTE_KEYS).toHaveLength(
      ROUTE_LIST.filter((route) => route.authorized && !isMeetingRoute(route.routeKey) && !isShareLifeRoute(route.routeKey)).length,
    );
    expect(CASES).toHaveLength(ROUTE_KEYS.length * AREAS.length * ROLE_SETS.length);
  });

  it.each(CASES)('$routeKey as $label in $area ($relation) → $expected', async ({ routeKey, area, relation, roles, expected }) => {
    // Prepare: a successful acknowledgement uses up a share, so it gets an alert of its own
    const token = await hub.token(area, [...roles]);

    // Act
    const response = await request(routeKey, area, token, { fresh: expected === 201 && routeKey.includes('acknowledgements') });

    // Assess
    expect(response.status).toBe(expected);
    if (expected >= 400) {
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.json.status).toBe(expected);
    }
    if (relation === 'unrelated') unrelatedBodies.push(response.text);
    if (routeKey.includes('{alertId}') && expected === 403) tally.forbidden += 1;
    if (routeKey.includes('{alertId}') && expected === 404) tally.notFound += 1;
  });
});

describe('unrelated areas learn nothing', () => {
  it.each(['newcastle', 'scottish-borders'])(
    '%s gets the same 404 for the alert as for an alert that does not exist, on every alert route',
    async (area) => {
      // Prepare
      const token = await hub.token(area, ['police', 'coordinator', 'chair', 'practitioner', 'auditor']);
      const missing = crypto.randomUUID();
      const withoutInstance = (response: TestResponse) => {
        const { instance: _instance, ...rest } = response.json as Record<string, unknown>;
        return rest;
      };

      // Act
      const pairs = await Promise.all(
        [
          (id: string) => hub.call('GET', `/v1/alerts/${id}`, { token }),
          (id: string) => hub.call('POST', `/v1/alerts/${id}/acknowledgements`, { token, body: { outcome: 'ACCEPTED' } }),
          (id: string) => hub.call('GET', `/v1/alerts/${id}/audit`, { token }),
        ].map(async (call) => [await call(alertId), await call(missing)] as const),
      );

      // Assess
      for (const [real, absent] of pairs) {
        expect(real.status).toBe(404);
        expect(withoutInstance(real)).toEqual(withoutInstance(absent));
        expect(withoutInstance(real)).toEqual({
          type: 'urn:mset-hub:problem:not-found',
          title: 'Not Found',
          status: 404,
          detail: 'No such alert',
        });
        expect([...real.headers.keys()].sort()).toEqual([...absent.headers.keys()].sort());
        unrelatedBodies.push(real.text);
      }
      tally.notFound += pairs.length;
    },
  );

  it('no body an unrelated area received holds the child name or the alert id', () => {
    // Assess
    expect(unrelatedBodies.length).toBeGreaterThan(0);
    for (const body of unrelatedBodies) {
      expect(body).not.toContain(CHILD_FAMILY_NAME);
      expect(body).not.toContain(alertId);
    }
  });
});

describe('authentication', () => {
  let signingKey: CryptoKey;
  let kid: string;
  const issuer = 'https://idp.mset-hub.local';
  const audience = 'mset-hub';
  const goodClaims = { area: 'north-tyneside', agency: 'childrens-services', roles: ['coordinator'], name: 'Test Coordinator' };

  beforeAll(async () => {
    // The test hub's own synthetic signing key, in its temporary data directory.
    const jwk = JSON.parse(await readFile(join(hub.dataDir, 'idp', 'signing-key.jwk.json'), 'utf8')) as JWK;
    kid = jwk.kid as string;
    signingKey = (await importJWK(jwk, 'ES256')) as CryptoKey;
  });

  type Build = (
    options?: Partial<{
      claims: Record<string, unknown>;
      aud: string;
      iss: string;
      exp: number | null;
      key: CryptoKey;
      kid: string;
      iat: number;
    }>,
  ) => Promise<string>;
  const sign: Build = async (options = {}) => {
    const now = Math.floor(Date.now() / 1000);
    let jwt = new SignJWT(options.claims ?? goodClaims)
      .setProtectedHeader({ alg: 'ES256', kid: options.kid ?? kid, typ: 'JWT' })
      .setIssuer(options.iss ?? issuer)
      .setAudience(options.aud ?? audience)
      .setSubject('test-matrix-subject')
      .setIssuedAt(options.iat ?? now);
    if (options.exp !== null) jwt = jwt.setExpirationTime(options.exp ?? now + 600);
    return jwt.sign(options.key ?? signingKey);
  };

  it('a token signed here with the hub key is accepted (so the refusals below are about what they change)', async () => {
    // Act
    const response = await hub.call('GET', '/v1/areas', { token: await sign() });

    // Assess
    expect(response.status).toBe(200);
  });

  const BAD_TOKENS: ReadonlyArray<{ name: string; make: () => Promise<string | undefined> }> = [
    { name: 'no token', make: async () => undefined },
    { name: 'an expired token', make: () => expiredToken(hub, 'north-tyneside', ['coordinator']) },
    { name: 'a wrong-audience token', make: () => sign({ aud: 'some-other-api' }) },
    { name: 'a wrong-issuer token', make: () => sign({ iss: 'https://idp.example.invalid' }) },
    { name: 'a token without exp', make: () => sign({ exp: null }) },
    { name: 'a token issued in the future', make: () => sign({ iat: Math.floor(Date.now() / 1000) + 3600 }) },
    {
      name: 'a token signed by another key under the hub key id',
      make: async () => {
        const { privateKey } = await generateKeyPair('ES256');
        return sign({ key: privateKey });
      },
    },
    {
      name: 'a token signed by another key with its own key id',
      make: async () => {
        const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
        const foreignKid = String((await exportJWK(publicKey)).x);
        return sign({ key: privateKey, kid: foreignKid });
      },
    },
    {
      name: 'an unsigned (alg none) token',
      make: async () => {
        const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        return `${encode({ alg: 'none', kid, typ: 'JWT' })}.${encode({ ...goodClaims, sub: 'x', iss: issuer, aud: audience, iat: now, exp: now + 600 })}.`;
      },
    },
    { name: 'a garbage token', make: async () => 'not.a.jwt' },
  ];

  const GATEWAY_CASES = BAD_TOKENS.flatMap((bad) => ROUTE_KEYS.map((routeKey) => ({ ...bad, routeKey })));

  it.each(GATEWAY_CASES)('$routeKey with $name → 401 from the gateway', async ({ routeKey, make }) => {
    // Prepare
    const token = await make();

    // Act
    const response = await request(routeKey, 'north-tyneside', token);

    // Assess
    expectGatewayRefusal(response);
    tally.unauthenticated += 1;
  });

  const CLAIM_CASES: ReadonlyArray<{ name: string; claims: Record<string, unknown> }> = [
    { name: 'an unknown area', claims: { ...goodClaims, area: 'atlantis' } },
    { name: 'an area that is not an area id', claims: { ...goodClaims, area: 'North Tyneside' } },
    { name: 'no area', claims: { agency: 'childrens-services', roles: ['coordinator'] } },
    { name: 'an unknown agency', claims: { ...goodClaims, agency: 'press' } },
  ];

  it.each(CLAIM_CASES)('a validly signed token with $name is refused by the handler: 401 problem', async ({ claims }) => {
    // Prepare
    const token = await sign({ claims });

    // Act
    const responses = await Promise.all(ROUTE_KEYS.map((routeKey) => request(routeKey, 'north-tyneside', token)));

    // Assess
    for (const response of responses) {
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.json).toMatchObject({ status: 401, title: 'Unauthenticated' });
      expect(response.text).not.toContain('atlantis');
    }
    tally.unauthenticated += responses.length;
  });
});

describe('refusals are on record', () => {
  it("the sender's access history holds every NOT_FOUND and FORBIDDEN the matrix caused", async () => {
    // Prepare
    await hub.drainAudit();

    // Act
    const response = await hub.call('GET', `/v1/alerts/${alertId}/audit?limit=500`, { token: police });

    // Assess
    expect(response.status).toBe(200);
    const items = response.json.items as Array<{ outcome: string; action: string; actor: { area?: string } }>;
    const notFound = items.filter((item) => item.outcome === 'NOT_FOUND');
    const forbidden = items.filter((item) => item.outcome === 'FORBIDDEN');
    expect(notFound).toHaveLength(tally.notFound);
    expect(forbidden).toHaveLength(tally.forbidden);
    expect(new Set(notFound.map((item) => item.actor.area))).toEqual(new Set(['newcastle', 'scottish-borders']));
    expect(forbidden.some((item) => item.action === 'ALERT_ACKNOWLEDGE' && item.actor.area === 'northumberland')).toBe(true);
    expect(forbidden.some((item) => item.action === 'ALERT_VIEW' && item.actor.area === 'north-tyneside')).toBe(true);
    expect(forbidden.some((item) => item.action === 'ALERT_AUDIT_READ')).toBe(true);
    expect(response.text).not.toContain(CHILD_FAMILY_NAME);
  });

  it('every 401 was recorded as an UNAUTHENTICATED attempt', async () => {
    // Prepare
    await hub.drainAudit();
    const client = localDynamoClient(hub.dynamoEndpoint);

    // Act
    let count = 0;
    let startKey: QueryCommandOutput['LastEvaluatedKey'];
    do {
      const page: QueryCommandOutput = await client.send(
        new QueryCommand({
          TableName: 'mset-hub-audit',
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: 'AREA#unknown' } },
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      count += (page.Items ?? []).filter((item) => item['event']?.M?.['outcome']?.S === 'UNAUTHENTICATED').length;
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    client.destroy();

    // Assess
    expect(tally.unauthenticated).toBeGreaterThan(0);
    expect(count).toBe(tally.unauthenticated);
  });
});
