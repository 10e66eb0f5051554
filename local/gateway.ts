/**
 * The local hub's API Gateway: an HTTP API with payload format 2.0 and a JWT authorizer, played by a
 * node:http server so the same Lambda handlers run here and in AWS. Where API Gateway's behaviour is
 * visible to a handler or a client (event shape, claim flattening, 401/413/500 bodies, inferred responses)
 * this copies it; the local tools that got these wrong are why the details are spelled out below.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse, validateHeaderName, validateHeaderValue } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { flattenClaims } from '../functions/shared/claims.js';

export type LambdaHttpHandler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export type GatewayRoute = {
  /** As API Gateway writes it: "GET /v1/alerts/{alertId}", "ANY /path", or "$default". */
  readonly routeKey: string;
  readonly authorized: boolean;
  readonly handler: LambdaHttpHandler;
  /** Shown to the handler as context.functionName; derived from the route key when absent. */
  readonly functionName?: string;
};

export type UnauthorizedAttempt = {
  readonly requestId: string;
  readonly routeKey: string;
  readonly time: Date;
  readonly sourceIp: string;
};

export type GatewayOptions = {
  readonly port: number;
  readonly host?: string;
  readonly routes: ReadonlyArray<GatewayRoute>;
  readonly verifyToken: (token: string) => Promise<Record<string, unknown>>;
  /** Awaited before the 401 goes out; if it fails the caller gets 503, so no refusal goes unrecorded. */
  readonly onUnauthorized?: (info: UnauthorizedAttempt) => Promise<void>;
  /** API Gateway's integration timeout; also the budget getRemainingTimeInMillis counts down. */
  readonly timeoutMs?: number;
  /**
   * Servers that are not functions, each under its own path prefix (the local hub's OpenID provider): on
   * AWS these are other hosts, so they never pass through the routes or their authorizer.
   */
  readonly mounts?: ReadonlyArray<{ readonly prefix: string; readonly handle: (req: IncomingMessage, res: ServerResponse) => void }>;
};

export type RunningGateway = {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
};

/** API Gateway HTTP APIs refuse request bodies over 10 MB. */
export const MAX_REQUEST_BODY_BYTES = 10 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;
const ACCOUNT_ID = '000000000000';
const API_ID = 'local';
const REGION = 'eu-west-2';
const HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer']);

/** `greedy`: a last segment written {name+}, which takes the rest of the path (one segment or more). */
type Segment = { readonly literal: string } | { readonly param: string; readonly greedy?: boolean };

type CompiledRoute = {
  readonly route: GatewayRoute;
  readonly method: string;
  readonly segments: readonly Segment[];
  readonly functionName: string;
};

type RouteTable = { readonly routes: readonly CompiledRoute[]; readonly fallback: CompiledRoute | undefined };

type Match = { readonly compiled: CompiledRoute; readonly pathParameters: Record<string, string> | undefined };

type HttpReply = {
  readonly status: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
};

class BodyTooLargeError extends Error {}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const table = compileRoutes(options.routes);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const mount = options.mounts?.find((candidate) => path === candidate.prefix || path.startsWith(`${candidate.prefix}/`));
    if (mount !== undefined) return mount.handle(req, res);
    handleRequest(req, res, table, options).catch(() => {
      // Headers may already be out; a half-sent response cannot be repaired, only cut off.
      if (!res.headersSent) send(res, jsonReply(500, { message: 'Internal Server Error' }));
      else res.destroy();
    });
  });
  await new Promise<void>((resolvePromise, rejectPromise) => {
    server.once('error', rejectPromise);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', rejectPromise);
      resolvePromise();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolvePromise, rejectPromise) => {
        server.close((error) => (error ? rejectPromise(error) : resolvePromise()));
        server.closeAllConnections();
      }),
  };
}

// ---- routes ----

function compileRoutes(routes: ReadonlyArray<GatewayRoute>): RouteTable {
  const compiled: CompiledRoute[] = [];
  let fallback: CompiledRoute | undefined;
  const seen = new Set<string>();
  for (const route of routes) {
    if (seen.has(route.routeKey)) throw new Error(`Route ${route.routeKey} is declared twice`);
    seen.add(route.routeKey);
    const functionName = route.functionName ?? defaultFunctionName(route.routeKey);
    if (route.routeKey === '$default') {
      fallback = { route, method: 'ANY', segments: [], functionName };
      continue;
    }
    const parsed = /^([A-Z]+) (\/[^\s?#]*)$/.exec(route.routeKey);
    if (!parsed) throw new Error(`Route key ${route.routeKey} is not "METHOD /path" or "$default"`);
    const segments = (parsed[2] ?? '')
      .slice(1)
      .split('/')
      .map((segment): Segment => {
        const param = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(segment);
        if (param?.[1] !== undefined) return param[2] === '+' ? { param: param[1], greedy: true } : { param: param[1] };
        if (segment.includes('{') || segment.includes('}')) {
          throw new Error(`Route key ${route.routeKey}: only whole-segment {params} are supported`);
        }
        return { literal: segment };
      });
    if (segments.some((segment, i) => 'greedy' in segment && i !== segments.length - 1)) {
      throw new Error(`Route key ${route.routeKey}: a greedy {param+} must be the last segment`);
    }
    compiled.push({ route, method: parsed[1] ?? '', segments, functionName });
  }
  return { routes: compiled, fallback };
}

function defaultFunctionName(routeKey: string): string {
  const slug = routeKey
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `mset-hub-${slug || 'default'}`;
}

/**
 * API Gateway picks the most specific route: literal segments beat {params} position by position, and a
 * named method beats ANY. A {param} takes exactly one non-empty segment, so a trailing slash matches nothing.
 */
function matchRoute(table: RouteTable, method: string, segments: readonly string[]): Match | undefined {
  let best: { compiled: CompiledRoute; rank: number[] } | undefined;
  for (const compiled of table.routes) {
    if (compiled.method !== method && compiled.method !== 'ANY') continue;
    const greedy = compiled.segments.at(-1) !== undefined && 'greedy' in (compiled.segments.at(-1) as Segment);
    if (greedy ? segments.length < compiled.segments.length : compiled.segments.length !== segments.length) continue;
    const rank: number[] = [];
    let matches = true;
    for (let i = 0; i < compiled.segments.length && matches; i++) {
      const pattern = compiled.segments[i] as Segment;
      const actual = segments[i] as string;
      if ('greedy' in pattern) {
        // The least specific match of all: any exact route beats it.
        matches = segments.slice(i).join('/').length > 0;
        rank.push(-1);
      } else if ('literal' in pattern) {
        matches = pattern.literal === actual;
        rank.push(1);
      } else {
        matches = actual.length > 0;
        rank.push(0);
      }
    }
    if (!matches) continue;
    rank.push(compiled.method === 'ANY' ? 0 : 1);
    if (best === undefined || compareRanks(rank, best.rank) > 0) best = { compiled, rank };
  }
  if (best !== undefined) {
    const pathParameters: Record<string, string> = {};
    best.compiled.segments.forEach((segment, i) => {
      if ('param' in segment) pathParameters[segment.param] = 'greedy' in segment ? segments.slice(i).join('/') : (segments[i] ?? '');
    });
    return {
      compiled: best.compiled,
      pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : undefined,
    };
  }
  return table.fallback ? { compiled: table.fallback, pathParameters: undefined } : undefined;
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

// ---- requests ----

async function handleRequest(req: IncomingMessage, res: ServerResponse, table: RouteTable, options: GatewayOptions): Promise<void> {
  const requestId = newRequestId();
  res.setHeader('apigw-requestid', requestId);
  const received = new Date();
  const method = req.method ?? 'GET';

  const target = parseTarget(req.url ?? '/');
  if (target === undefined) return send(res, jsonReply(400, { message: 'Bad Request' }));

  const match = matchRoute(table, method, target.segments);
  if (match === undefined) return send(res, jsonReply(404, { message: 'Not Found' }));
  const { compiled } = match;
  const routeKey = compiled.route.routeKey;

  const declaredLength = Number(req.headers['content-length'] ?? 0);
  if (declaredLength > MAX_REQUEST_BODY_BYTES) return refuseTooLarge(res);

  const sourceIp = clientIp(req);
  let claims: Record<string, string> | undefined;
  if (compiled.route.authorized) {
    const outcome = await authorize(req.headers['authorization'], options.verifyToken);
    if (!outcome.ok) {
      if (options.onUnauthorized) {
        try {
          await options.onUnauthorized({ requestId, routeKey, time: received, sourceIp });
        } catch {
          return send(res, {
            status: 503,
            headers: [
              ['content-type', 'application/problem+json'],
              ['retry-after', '1'],
            ],
            body: Buffer.from(JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503 })),
          });
        }
      }
      return send(res, jsonReply(401, { message: 'Unauthorized' }, [['www-authenticate', outcome.challenge]]));
    }
    claims = flattenClaims(outcome.payload);
  }

  let body: Buffer;
  try {
    body = await readBody(req, MAX_REQUEST_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return refuseTooLarge(res);
    throw error;
  }

  const event = buildEvent({ req, requestId, received, routeKey, target, match, claims, body, sourceIp });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const context = lambdaContext(compiled.functionName, Date.now() + timeoutMs);
  send(res, await invoke(compiled.route.handler, event, context, timeoutMs));
}

type Target = {
  /** Percent-decoded, as API Gateway HTTP APIs deliver rawPath. */
  readonly path: string;
  readonly segments: readonly string[];
  readonly rawQueryString: string;
};

/**
 * Segments are split before decoding, so an encoded slash stays inside its path parameter instead of
 * becoming a separator; each segment is decoded once.
 */
function parseTarget(url: string): Target | undefined {
  let requestTarget = url;
  if (!requestTarget.startsWith('/')) {
    // Absolute-form ("GET http://host/path"), which proxies send.
    try {
      const parsed = new URL(requestTarget);
      requestTarget = parsed.pathname + parsed.search;
    } catch {
      return undefined;
    }
  }
  const queryAt = requestTarget.indexOf('?');
  const encodedPath = queryAt === -1 ? requestTarget : requestTarget.slice(0, queryAt);
  const rawQueryString = queryAt === -1 ? '' : requestTarget.slice(queryAt + 1);
  const segments: string[] = [];
  for (const segment of encodedPath.slice(1).split('/')) {
    try {
      segments.push(decodeURIComponent(segment));
    } catch {
      return undefined;
    }
  }
  return { path: `/${segments.join('/')}`, segments, rawQueryString };
}

type AuthorizationOutcome =
  | { readonly ok: true; readonly payload: Record<string, unknown> }
  | { readonly ok: false; readonly challenge: string };

/** The identity source may hold the bare token or "Bearer <token>", as API Gateway allows both. */
async function authorize(header: string | undefined, verifyToken: GatewayOptions['verifyToken']): Promise<AuthorizationOutcome> {
  const value = header?.trim() ?? '';
  const bearer = /^bearer\s+(\S+)$/i.exec(value);
  const token = bearer ? (bearer[1] ?? '') : /^\S+$/.test(value) ? value : '';
  if (token === '') return { ok: false, challenge: 'Bearer' };
  try {
    return { ok: true, payload: await verifyToken(token) };
  } catch (error) {
    const description = (error as { code?: unknown }).code === 'ERR_JWT_EXPIRED' ? 'the token has expired' : 'the token is not valid';
    return { ok: false, challenge: `Bearer scope="" error="invalid_token" error_description="${description}"` };
  }
}

/** Stops reading at the limit, so an oversized body is never held in memory. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolvePromise, rejectPromise) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        chunks.length = 0;
        rejectPromise(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolvePromise(Buffer.concat(chunks));
    };
    const onError = (error: Error): void => {
      cleanup();
      rejectPromise(error);
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function refuseTooLarge(res: ServerResponse): void {
  // Closing after the reply stops the client from streaming the rest of an oversized body at us.
  res.shouldKeepAlive = false;
  send(res, jsonReply(413, { message: 'Request Entity Too Large' }, [['connection', 'close']]));
}

// ---- events ----

type EventParts = {
  readonly req: IncomingMessage;
  readonly requestId: string;
  readonly received: Date;
  readonly routeKey: string;
  readonly target: Target;
  readonly match: Match;
  readonly claims: Record<string, string> | undefined;
  readonly body: Buffer;
  readonly sourceIp: string;
};

function buildEvent(parts: EventParts): APIGatewayProxyEventV2WithJWTAuthorizer {
  const { req, requestId, received, routeKey, target, match, claims, body, sourceIp } = parts;
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] ?? '').toLowerCase();
    const value = req.rawHeaders[i + 1] ?? '';
    // Hop-by-hop headers describe the client's connection to the gateway, which the function never sees.
    if (HOP_BY_HOP.has(name)) continue;
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((cookie) => cookie.trim())
          .filter((cookie) => cookie.length > 0),
      );
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${sourceIp}` : sourceIp;
  headers['x-forwarded-port'] = String(req.socket.localPort ?? '');
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] ??= traceId(received);

  const hostHeader = headers['host'] ?? '';
  const domainName = hostHeader.replace(/:\d+$/, '') || 'localhost';
  const textual = isTextual(headers['content-type']);

  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey,
    rawPath: target.path,
    rawQueryString: target.rawQueryString,
  };
  if (cookies.length > 0) event['cookies'] = cookies;
  event['headers'] = headers;
  const query = queryParameters(target.rawQueryString);
  if (query !== undefined) event['queryStringParameters'] = query;
  const requestContext: Record<string, unknown> = { accountId: ACCOUNT_ID, apiId: API_ID };
  if (claims !== undefined) requestContext['authorizer'] = { jwt: { claims, scopes: null } };
  Object.assign(requestContext, {
    domainName,
    domainPrefix: domainName.split('.')[0] ?? domainName,
    http: {
      method: req.method ?? 'GET',
      path: target.path,
      protocol: `HTTP/${req.httpVersion}`,
      sourceIp,
      userAgent: headers['user-agent'] ?? '',
    },
    requestId,
    routeKey,
    stage: '$default',
    time: apiGatewayTime(received),
    timeEpoch: received.getTime(),
  });
  event['requestContext'] = requestContext;
  if (body.length > 0) event['body'] = textual ? body.toString('utf8') : body.toString('base64');
  if (match.pathParameters !== undefined) event['pathParameters'] = match.pathParameters;
  event['isBase64Encoded'] = body.length > 0 && !textual;
  // Unauthorized routes have no authorizer block; the handler type is the JWT one because most routes are.
  return event as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

/** API Gateway passes these media types as text and base64-encodes every other body. */
function isTextual(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return (
    mediaType.startsWith('text/') ||
    mediaType === 'application/json' ||
    mediaType.endsWith('+json') ||
    mediaType === 'application/xml' ||
    mediaType === 'application/x-www-form-urlencoded'
  );
}

function queryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const parameters: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    parameters[key] = parameters[key] === undefined ? value : `${parameters[key]},${value}`;
  }
  return Object.keys(parameters).length > 0 ? parameters : undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "12/Mar/2020:19:03:58 +0000", always UTC as API Gateway writes it. */
export function apiGatewayTime(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

/** Shaped like API Gateway's ids ("Mc7UVioPPHcEKPA="), so nothing downstream assumes a UUID. */
function newRequestId(): string {
  return randomBytes(11).toString('base64');
}

function traceId(date: Date): string {
  return `Root=1-${Math.floor(date.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}

function clientIp(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

function lambdaContext(functionName: string, deadline: number): Context {
  const unsupported = (): never => {
    throw new Error('Callback-style completion is not supported: return a promise from the handler');
  };
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

// ---- responses ----

async function invoke(
  handler: LambdaHttpHandler,
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
  timeoutMs: number,
): Promise<HttpReply> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolvePromise) => {
    timer = setTimeout(() => resolvePromise('timeout'), timeoutMs);
  });
  const running = Promise.resolve()
    .then(() => handler(event, context))
    .then(
      (result): { ok: true; result: unknown } => ({ ok: true, result }),
      (): { ok: false } => ({ ok: false }),
    );
  try {
    const outcome = await Promise.race([running, timedOut]);
    if (outcome === 'timeout') return jsonReply(503, { message: 'Service Unavailable' });
    if (!outcome.ok) return jsonReply(500, { message: 'Internal Server Error' });
    return toReply(outcome.result) ?? jsonReply(500, { message: 'Internal Server Error' });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads the result as API Gateway reads the function's JSON output: an object with a statusCode is a
 * structured response; anything else is sent as a 200 application/json body. Undefined when API Gateway
 * would call the output malformed.
 */
function toReply(result: unknown): HttpReply | undefined {
  let output: unknown;
  let serialised: string;
  try {
    // Lambda serialises the return value; what API Gateway sees is that JSON, not the live object.
    serialised = JSON.stringify(result === undefined ? null : result);
    output = JSON.parse(serialised);
  } catch {
    return undefined;
  }
  if (!isPlainObject(output) || !('statusCode' in output)) {
    return {
      status: 200,
      headers: [['content-type', 'application/json']],
      body: Buffer.from(typeof output === 'string' ? output : serialised),
    };
  }
  const { statusCode, headers, cookies, body, isBase64Encoded } = output;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return undefined;
  }
  if (headers != null && !isPlainObject(headers)) return undefined;
  if (cookies != null && !(Array.isArray(cookies) && cookies.every((cookie) => typeof cookie === 'string'))) {
    return undefined;
  }
  if (body != null && typeof body !== 'string') return undefined;
  if (isBase64Encoded != null && typeof isBase64Encoded !== 'boolean') return undefined;

  const replyHeaders: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return undefined;
    const lower = name.toLowerCase();
    // The gateway frames the body itself; a handler's length or encoding header would contradict it.
    if (lower === 'content-length' || lower === 'transfer-encoding' || lower === 'connection') continue;
    replyHeaders.push([name, String(value)]);
  }
  for (const cookie of (cookies as string[] | null | undefined) ?? []) replyHeaders.push(['set-cookie', cookie]);
  try {
    for (const [name, value] of replyHeaders) {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    }
  } catch {
    return undefined;
  }

  const text = body ?? '';
  let bytes: Buffer;
  if (isBase64Encoded === true) {
    const compact = text.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) return undefined;
    bytes = Buffer.from(compact, 'base64');
  } else {
    bytes = Buffer.from(text, 'utf8');
  }
  return { status: statusCode, headers: replyHeaders, body: bytes };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonReply(status: number, body: Record<string, unknown>, extra: ReadonlyArray<readonly [string, string]> = []): HttpReply {
  return { status, headers: [['content-type', 'application/json'], ...extra], body: Buffer.from(JSON.stringify(body)) };
}

function send(res: ServerResponse, reply: HttpReply): void {
  const grouped = new Map<string, { name: string; values: string[] }>();
  for (const [name, value] of reply.headers) {
    const key = name.toLowerCase();
    const entry = grouped.get(key);
    if (entry) entry.values.push(value);
    else grouped.set(key, { name, values: [value] });
  }
  for (const { name, values } of grouped.values()) {
    res.setHeader(name, name.toLowerCase() === 'set-cookie' ? values : values.join(', '));
  }
  res.setHeader('content-length', reply.body.length);
  res.writeHead(reply.status);
  res.end(reply.body);
}
