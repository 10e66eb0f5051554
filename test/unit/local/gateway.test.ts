import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type GatewayRoute,
  type LambdaHttpHandler,
  MAX_REQUEST_BODY_BYTES,
  type RunningGateway,
  startGateway,
  type UnauthorizedAttempt,
} from '../../../local/gateway.js';
import { LocalIdentityProvider } from '../../../local/identity-provider.js';

type Seen = { event: APIGatewayProxyEventV2WithJWTAuthorizer; context: Context; remaining: number };

const seen: Seen[] = [];
const lastSeen = (): Seen => {
  const last = seen.at(-1);
  if (last === undefined) throw new Error('no handler was invoked');
  return last;
};

const record: LambdaHttpHandler = async (event, context) => {
  seen.push({ event, context, remaining: context.getRemainingTimeInMillis() });
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ok: true }) };
};

/** A handler whose result is whatever the test says, to exercise API Gateway's reading of results. */
const returning =
  (result: unknown): LambdaHttpHandler =>
  async (event, context) => {
    seen.push({ event, context, remaining: context.getRemainingTimeInMillis() });
    return result as APIGatewayProxyStructuredResultV2;
  };

const routes: GatewayRoute[] = [
  { routeKey: 'GET /health', authorized: false, handler: record, functionName: 'mset-hub-health' },
  { routeKey: 'GET /v1/alerts/{alertId}', authorized: true, handler: record },
  { routeKey: 'GET /v1/alerts/inbox', authorized: true, handler: record },
  { routeKey: 'POST /v1/alerts/{alertId}/acknowledgements', authorized: true, handler: record },
  { routeKey: 'POST /v1/upload', authorized: false, handler: record },
  { routeKey: 'ANY /v1/any', authorized: false, handler: record },
  { routeKey: 'ANY /files/{proxy+}', authorized: false, handler: record },
  {
    routeKey: 'GET /v1/boom',
    authorized: false,
    handler: async () => {
      throw new Error('internal detail that must not leak');
    },
  },
  { routeKey: 'GET /v1/bad-status', authorized: false, handler: returning({ statusCode: 'teapot' }) },
  { routeKey: 'GET /v1/bad-body', authorized: false, handler: returning({ statusCode: 200, body: { a: 1 } }) },
  { routeKey: 'GET /v1/inferred-string', authorized: false, handler: returning('Hello from Lambda!') },
  { routeKey: 'GET /v1/inferred-object', authorized: false, handler: returning({ message: 'Hello' }) },
  {
    routeKey: 'GET /v1/shaped',
    authorized: false,
    handler: returning({
      statusCode: 201,
      headers: { 'X-Custom': 'yes', 'Content-Length': '999', 'x-count': 3 },
      cookies: ['a=1; Path=/', 'b=2; HttpOnly'],
      body: Buffer.from([0, 1, 2, 255]).toString('base64'),
      isBase64Encoded: true,
    }),
  },
  {
    routeKey: 'GET /v1/slow',
    authorized: false,
    handler: async () => {
      await new Promise((resolvePromise) => setTimeout(resolvePromise, 2_000));
      return { statusCode: 200 };
    },
  },
  { routeKey: '$default', authorized: false, handler: record },
];

let dataDir: string;
let provider: LocalIdentityProvider;
let gateway: RunningGateway;
let token: string;
const refusals: UnauthorizedAttempt[] = [];
let auditFails = false;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mset-gateway-'));
  provider = await LocalIdentityProvider.open(dataDir);
  token = await provider.mint({ area: 'northumberland', roles: ['police', 'coordinator'] });
  gateway = await startGateway({
    port: 0,
    routes,
    verifyToken: (candidate) => provider.verify(candidate),
    onUnauthorized: async (info) => {
      if (auditFails) throw new Error('audit queue down');
      refusals.push(info);
    },
    timeoutMs: 300,
  });
});

afterAll(async () => {
  await gateway.close();
  await rm(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  seen.length = 0;
  refusals.length = 0;
  auditFails = false;
});

const call = (path: string, init: RequestInit = {}): Promise<Response> => fetch(`${gateway.url}${path}`, init);
const withToken = (headers: Record<string, string> = {}): Record<string, string> => ({
  authorization: `Bearer ${token}`,
  ...headers,
});

/** Writes bytes straight to the socket, so paths and headers reach the gateway exactly as given. */
function rawRequest(text: string): Promise<string> {
  return new Promise((resolvePromise, rejectPromise) => {
    const socket = connect(gateway.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => resolvePromise(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', rejectPromise);
    socket.write(text, 'latin1');
  });
}

// ---- the event's shape against AWS's documented example ----

type Shape = string | { [key: string]: Shape };

/** Maps whose keys depend on the request: compared as "string to string", not key by key. */
const STRING_MAPS = new Set(['headers', 'queryStringParameters', 'pathParameters', 'requestContext.authorizer.jwt.claims']);

function shapeOf(value: unknown, path = ''): Shape {
  if (STRING_MAPS.has(path)) {
    const values = Object.values(value as Record<string, unknown>);
    return values.length > 0 && values.every((v) => typeof v === 'string') ? 'map<string,string>' : 'not a string map';
  }
  // API Gateway sends null when the token has no scope claim, an array when it has.
  if (path === 'requestContext.authorizer.jwt.scopes') {
    return value === null || (Array.isArray(value) && value.every((v) => typeof v === 'string')) ? 'string[]|null' : 'bad';
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array<${[...new Set(value.map((item) => typeof item))].join('|')}>`;
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, shapeOf((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key)]),
    );
  }
  return typeof value;
}

describe('the v2 event', () => {
  it('has exactly the keys and types of the recorded AWS example', async () => {
    // Prepare
    const fixture = JSON.parse(await readFile(new URL('../../fixtures/apigw-v2-event.json', import.meta.url), 'utf8')) as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    // Present in AWS's example only under features the hub does not use: mutual TLS, Lambda authorizers,
    // stage variables. Everything else must match key for key.
    delete fixture['requestContext']!['authentication'];
    delete fixture['requestContext']!['authorizer']!['lambda'];
    delete fixture['stageVariables'];

    // Act
    const response = await call('/v1/alerts/alert-1/acknowledgements?parameter1=value1&parameter1=value2&p2=v', {
      method: 'POST',
      headers: withToken({ 'content-type': 'application/json', cookie: 'cookie1=a; cookie2=b' }),
      body: JSON.stringify({ outcome: 'ACCEPTED' }),
    });

    // Assess
    expect(response.status).toBe(200);
    expect(shapeOf(lastSeen().event)).toEqual(shapeOf(fixture));
  });

  it('carries the request as API Gateway would', async () => {
    // Prepare
    const before = Date.now();

    // Act
    const response = await call('/v1/alerts/alert-1/acknowledgements?b=2&a=x%20y&a=z', {
      method: 'POST',
      headers: withToken({ 'content-type': 'application/json; charset=utf-8', cookie: 'c1=a; c2=b', 'User-Agent': 'vitest' }),
      body: '{"outcome":"ACCEPTED"}',
    });

    // Assess
    const { event } = lastSeen();
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /v1/alerts/{alertId}/acknowledgements',
      rawPath: '/v1/alerts/alert-1/acknowledgements',
      rawQueryString: 'b=2&a=x%20y&a=z',
      cookies: ['c1=a', 'c2=b'],
      queryStringParameters: { a: 'x y,z', b: '2' },
      pathParameters: { alertId: 'alert-1' },
      body: '{"outcome":"ACCEPTED"}',
      isBase64Encoded: false,
    });
    expect(event.headers).not.toHaveProperty('cookie');
    expect(event.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(event.headers['user-agent']).toBe('vitest');
    const context = event.requestContext;
    expect(context).toMatchObject({
      accountId: expect.stringMatching(/^\d{12}$/),
      routeKey: 'POST /v1/alerts/{alertId}/acknowledgements',
      stage: '$default',
      domainName: '127.0.0.1',
      http: {
        method: 'POST',
        path: '/v1/alerts/alert-1/acknowledgements',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'vitest',
      },
    });
    expect(context.requestId).toBe(response.headers.get('apigw-requestid'));
    expect(context.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(context.timeEpoch).toBeGreaterThanOrEqual(before);
    expect(context.timeEpoch).toBeLessThanOrEqual(Date.now());
    expect(context.authorizer.jwt.scopes).toBeNull();
  });

  it('hands the claims over flattened to strings, roles as [police coordinator]', async () => {
    // Act
    await call('/v1/alerts/alert-1', { headers: withToken() });

    // Assess
    const { claims } = lastSeen().event.requestContext.authorizer.jwt;
    expect(claims).toMatchObject({
      iss: provider.issuer,
      aud: provider.audience,
      area: 'northumberland',
      agency: 'police',
      roles: '[police coordinator]',
    });
    expect(claims['exp']).toMatch(/^\d+$/);
    expect(Object.values(claims).every((value) => typeof value === 'string')).toBe(true);
  });

  it('leaves out cookies, queryStringParameters, pathParameters and body when the request has none', async () => {
    // Act
    await call('/health');

    // Assess
    const { event } = lastSeen();
    expect(event.rawQueryString).toBe('');
    expect(event.isBase64Encoded).toBe(false);
    for (const key of ['cookies', 'queryStringParameters', 'pathParameters', 'body', 'stageVariables']) {
      expect(event).not.toHaveProperty(key);
    }
    expect(event.requestContext).not.toHaveProperty('authorizer');
  });

  it('leaves out queryStringParameters for a bare "?"', async () => {
    // Act
    await call('/health?');

    // Assess
    expect(lastSeen().event).not.toHaveProperty('queryStringParameters');
  });

  it('lowercases header names and joins repeated headers with a comma', async () => {
    // Act
    const response = await rawRequest(
      'GET /health HTTP/1.1\r\nHost: hub.local:8080\r\nX-Repeated: one\r\nx-repeated: two\r\nX-MiXeD-Case: Value\r\nConnection: close\r\n\r\n',
    );

    // Assess
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
    const { event } = lastSeen();
    expect(event.headers['x-repeated']).toBe('one,two');
    expect(event.headers['x-mixed-case']).toBe('Value');
    expect(Object.keys(event.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(event.headers).not.toHaveProperty('connection');
    expect(event.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(event.headers['x-forwarded-proto']).toBe('http');
    expect(event.requestContext.domainName).toBe('hub.local');
    expect(event.requestContext.domainPrefix).toBe('hub');
  });

  it('gives each invocation its own request id and a Lambda-like context', async () => {
    // Act
    const first = await call('/health');
    const second = await call('/v1/alerts/a1', { headers: withToken() });

    // Assess
    const [health, alert] = seen;
    expect(first.headers.get('apigw-requestid')).not.toBe(second.headers.get('apigw-requestid'));
    expect(health!.event.requestContext.requestId).not.toBe(alert!.event.requestContext.requestId);
    expect(health!.context.awsRequestId).not.toBe(alert!.context.awsRequestId);
    expect(health!.context.functionName).toBe('mset-hub-health');
    expect(alert!.context.functionName).toBe('mset-hub-get-v1-alerts-alertid');
    expect(alert!.context.invokedFunctionArn).toMatch(/^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:mset-hub-get-v1-alerts-alertid$/);
    expect(alert!.remaining).toBeGreaterThan(0);
    expect(alert!.remaining).toBeLessThanOrEqual(300);
    expect(alert!.context.callbackWaitsForEmptyEventLoop).toBe(true);
  });
});

describe('route matching', () => {
  it('matches a path parameter and hands it over decoded', async () => {
    // Act
    await call('/v1/alerts/alert%2F1%20%C3%A9', { headers: withToken() });

    // Assess
    const { event } = lastSeen();
    expect(event.routeKey).toBe('GET /v1/alerts/{alertId}');
    expect(event.pathParameters).toEqual({ alertId: 'alert/1 é' });
    expect(event.rawPath).toBe('/v1/alerts/alert/1 é');
  });

  it('prefers a literal segment over a parameter', async () => {
    // Act
    await call('/v1/alerts/inbox', { headers: withToken() });

    // Assess
    expect(lastSeen().event.routeKey).toBe('GET /v1/alerts/inbox');
    expect(lastSeen().event).not.toHaveProperty('pathParameters');
  });

  it('serves an ANY route for every method', async () => {
    // Act
    await call('/v1/any', { method: 'DELETE' });

    // Assess
    expect(lastSeen().event.routeKey).toBe('ANY /v1/any');
    expect(lastSeen().event.requestContext.http.method).toBe('DELETE');
  });

  it('gives a greedy {proxy+} the rest of the path, and any exact route beats it', async () => {
    // Act
    await call('/files/a/b%20c', { method: 'PUT' });
    const greedy = lastSeen().event;
    await call('/files', { method: 'GET' });
    const bare = lastSeen().event;

    // Assess
    expect(greedy.routeKey).toBe('ANY /files/{proxy+}');
    expect(greedy.pathParameters).toEqual({ proxy: 'a/b c' });
    // {proxy+} takes one segment or more, so the bare prefix is not its.
    expect(bare.routeKey).toBe('$default');
  });

  it.each([
    ['an unknown path', 'GET', '/v1/nowhere'],
    ['a trailing slash', 'GET', '/health/'],
    ['an empty parameter segment', 'GET', '/v1/alerts/'],
    ['another method', 'POST', '/health'],
    ['HEAD on a GET route', 'HEAD', '/health'],
  ])('sends %s to $default', async (_label, method, path) => {
    // Act
    const response = await call(path, { method });

    // Assess
    expect(response.status).toBe(200);
    expect(lastSeen().event.routeKey).toBe('$default');
    expect(lastSeen().event.requestContext.routeKey).toBe('$default');
    expect(lastSeen().event).not.toHaveProperty('pathParameters');
  });

  it('answers 404 like API Gateway when there is no $default route', async () => {
    // Prepare
    const bare = await startGateway({ port: 0, routes: routes.slice(0, 1), verifyToken: () => provider.verify(token) });

    // Act
    const response = await fetch(`${bare.url}/v1/nowhere`);
    await bare.close();

    // Assess
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Not Found' });
  });

  it('refuses route tables it cannot serve faithfully', async () => {
    // Act / Assess
    await expect(
      startGateway({
        port: 0,
        routes: [{ routeKey: 'GET /files/x{id}', authorized: false, handler: record }],
        verifyToken: provider.verify,
      }),
    ).rejects.toThrow(/params/);
    await expect(
      startGateway({
        port: 0,
        routes: [{ routeKey: 'GET /files/{proxy+}/more', authorized: false, handler: record }],
        verifyToken: provider.verify,
      }),
    ).rejects.toThrow(/last segment/);
    await expect(startGateway({ port: 0, routes: [routes[0]!, routes[0]!], verifyToken: provider.verify })).rejects.toThrow(/twice/);
  });
});

describe('the JWT authorizer', () => {
  it('lets /health through without a token', async () => {
    // Act
    const response = await call('/health');

    // Assess
    expect(response.status).toBe(200);
    expect(refusals).toHaveLength(0);
  });

  it("refuses a missing token with API Gateway's exact 401, after recording the refusal", async () => {
    // Act
    const response = await call('/v1/alerts/alert-1');

    // Assess
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.text()).toBe('{"message":"Unauthorized"}');
    expect(seen).toHaveLength(0);
    expect(refusals).toEqual([
      {
        requestId: response.headers.get('apigw-requestid'),
        routeKey: 'GET /v1/alerts/{alertId}',
        time: expect.any(Date),
        sourceIp: '127.0.0.1',
      },
    ]);
  });

  it.each([
    ['garbage', 'Bearer not-a-token'],
    ['an empty bearer', 'Bearer '],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
  ])('refuses %s', async (_label, authorization) => {
    // Act
    const response = await call('/v1/alerts/alert-1', { headers: { authorization } });

    // Assess
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    expect(seen).toHaveLength(0);
    expect(refusals).toHaveLength(1);
  });

  it('refuses an expired token, saying so in www-authenticate', async () => {
    // Prepare
    const expired = await provider.mint({ area: 'northumberland', roles: ['police'] }, { expiresInSeconds: -1 });

    // Act
    const response = await call('/v1/alerts/alert-1', { headers: { authorization: `Bearer ${expired}` } });

    // Assess
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer scope="" error="invalid_token" error_description="the token has expired"',
    );
    expect(seen).toHaveLength(0);
  });

  it('accepts the scheme in any case, and a bare token, as API Gateway does', async () => {
    // Act
    const lower = await call('/v1/alerts/alert-1', { headers: { authorization: `bearer ${token}` } });
    const bare = await call('/v1/alerts/alert-1', { headers: { authorization: token } });

    // Assess
    expect(lower.status).toBe(200);
    expect(bare.status).toBe(200);
  });

  it('answers 503 and releases nothing when the refusal cannot be recorded', async () => {
    // Prepare
    auditFails = true;

    // Act
    const response = await call('/v1/alerts/alert-1');

    // Assess
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toEqual({ type: 'about:blank', title: 'Service Unavailable', status: 503 });
    expect(seen).toHaveLength(0);
  });
});

describe('request bodies', () => {
  it.each([
    ['application/octet-stream', true],
    ['image/png', true],
    [undefined, true],
    ['text/plain; charset=utf-8', false],
    ['application/json', false],
    ['application/vnd.api+json', false],
    ['application/xml', false],
    ['application/x-www-form-urlencoded', false],
  ])('with content-type %s is base64-encoded: %s', async (contentType, base64) => {
    // Prepare
    const bytes = Buffer.from('caf\u00e9 \u0000\u00ff', 'latin1');
    const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};

    // Act
    await call('/v1/upload', { method: 'POST', headers, body: bytes });

    // Assess
    const { event } = lastSeen();
    expect(event.isBase64Encoded).toBe(base64);
    expect(Buffer.from(event.body!, base64 ? 'base64' : 'utf8').equals(base64 ? bytes : Buffer.from(bytes.toString('utf8')))).toBe(true);
  });

  it('accepts a body of exactly 10 MB', async () => {
    // Prepare
    const body = Buffer.alloc(MAX_REQUEST_BODY_BYTES, 0x61);

    // Act
    const response = await call('/v1/upload', { method: 'POST', headers: { 'content-type': 'text/plain' }, body });

    // Assess
    expect(response.status).toBe(200);
    expect(lastSeen().event.body).toHaveLength(MAX_REQUEST_BODY_BYTES);
  });

  it('refuses a declared body over 10 MB with 413 before reading it', async () => {
    // Act
    const response = await rawRequest(
      `POST /v1/upload HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${MAX_REQUEST_BODY_BYTES + 1}\r\n\r\nabc`,
    );

    // Assess
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response.endsWith('{"message":"Request Entity Too Large"}')).toBe(true);
    expect(seen).toHaveLength(0);
  });

  it('refuses a chunked body once it passes 10 MB', async () => {
    // Prepare
    const chunk = Buffer.alloc(1024 * 1024, 0x62);

    // Act
    const { status, body } = await new Promise<{ status: number; body: string }>((resolvePromise, rejectPromise) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: gateway.port, path: '/v1/upload', method: 'POST', headers: { 'content-type': 'text/plain' } },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (part: Buffer) => parts.push(part));
          res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString() }));
        },
      );
      // The gateway hangs up mid-upload, which is the point; only a missing response is a failure.
      req.on('error', () => undefined);
      const timer = setTimeout(() => rejectPromise(new Error('no response')), 10_000);
      req.on('close', () => clearTimeout(timer));
      let written = 0;
      const writeMore = (): void => {
        while (written < 12 && !req.destroyed) {
          written++;
          if (!req.write(chunk)) {
            req.once('drain', writeMore);
            return;
          }
        }
        if (!req.destroyed) req.end();
      };
      writeMore();
    });

    // Assess
    expect(status).toBe(413);
    expect(body).toBe('{"message":"Request Entity Too Large"}');
    expect(seen).toHaveLength(0);
  });
});

describe('handler results', () => {
  it("turns a thrown error into API Gateway's bare 500", async () => {
    // Act
    const response = await call('/v1/boom');

    // Assess
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe('{"message":"Internal Server Error"}');
  });

  it.each(['/v1/bad-status', '/v1/bad-body'])('turns a malformed result from %s into a 500', async (path) => {
    // Act
    const response = await call(path);

    // Assess
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: 'Internal Server Error' });
  });

  it('infers a 200 JSON response from a string result', async () => {
    // Act
    const response = await call('/v1/inferred-string');

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe('Hello from Lambda!');
  });

  it('infers a 200 JSON response from an object without statusCode', async () => {
    // Act
    const response = await call('/v1/inferred-object');

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ message: 'Hello' });
  });

  it('maps status, headers, cookies and a base64 body', async () => {
    // Act
    const response = await call('/v1/shaped');

    // Assess
    expect(response.status).toBe(201);
    expect(response.headers.get('x-custom')).toBe('yes');
    expect(response.headers.get('x-count')).toBe('3');
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(response.headers.get('content-length')).toBe('4');
    expect(response.headers.get('apigw-requestid')).toBeTruthy();
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it('answers 503 like API Gateway when the integration runs past its timeout', async () => {
    // Act
    const response = await call('/v1/slow');

    // Assess
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ message: 'Service Unavailable' });
  });
});

describe('robustness', () => {
  const segment = fc.oneof(
    fc.webSegment(),
    fc.string({ maxLength: 12 }).map((text) => encodeURIComponent(text)),
    fc.constantFrom('%', '%zz', '%2F', '%C3', '%00', '{alertId}', '..', '.', '', 'inbox', 'v1', 'alerts', 'health'),
    fc.stringMatching(/^[\x21-\x7e]{0,8}$/),
  );
  const method = fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'), fc.stringMatching(/^[A-Z]{1,12}$/));

  it('always answers with an HTTP response, whatever the method and path', async () => {
    await fc.assert(
      fc.asyncProperty(
        method,
        fc.array(segment, { maxLength: 6 }),
        fc.option(fc.string({ maxLength: 10 })),
        async (verb, segments, query) => {
          // Prepare
          const target = `/${segments.join('/')}${query === null ? '' : `?${query.replace(/[\s]/g, '')}`}`;

          // Act
          const response = await rawRequest(`${verb} ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);

          // Assess
          expect(response).toMatch(/^HTTP\/1\.1 [1-5]\d\d /);
        },
      ),
      { numRuns: 250 },
    );
    expect((await call('/health')).status).toBe(200);
  });
});
