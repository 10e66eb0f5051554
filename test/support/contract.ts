/**
 * Every answer the HTTP tests receive is held to the published contract: a 2xx body to its route's
 * success schema (with its status and media type), an error to `Problem`. A drift then fails the test that
 * made the call, whatever that test set out to assert. zod's objects strip keys they do not know, so a
 * parse alone would pass a body carrying a field the contract lacks; the parsed value is also compared
 * with what arrived, and any key or value the schema dropped or changed is a drift.
 */
import type * as z from 'zod/mini';
import { GATEWAY_REFUSAL_STATUSES, GatewayRefusal, Problem } from '../../contracts/problem.js';
import { type Operation, ROUTE_LIST } from '../../functions/routes.js';

/** What the contract check needs of a request and its answer. */
export type Exchange = {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly contentType: string | null | undefined;
  readonly text: string;
};

/** A response that breaks the published contract. */
export class ContractDrift extends Error {
  override readonly name = 'ContractDrift';
}

const PROBLEM_TYPE = 'application/problem+json';

type Compiled = {
  readonly routeKey: string;
  readonly method: string;
  readonly segments: readonly (string | null)[];
  readonly operation: Operation;
};

// A null segment is a path parameter: it matches any one non-empty segment.
const COMPILED: readonly Compiled[] = ROUTE_LIST.flatMap((route) => {
  if (route.operation === null) return [];
  const [method = '', path = ''] = route.routeKey.split(' ');
  const segments = path
    .split('/')
    .slice(1)
    .map((segment) => (/^\{\w+\}$/.test(segment) ? null : segment));
  return [{ routeKey: route.routeKey, method, segments, operation: route.operation }];
});

/**
 * The route API Gateway would pick for `method` and `path`, as its route selection does: the method exactly,
 * as many segments, literal segments preferred to parameters from the left. Undefined for the catch-all.
 */
export function routeFor(method: string, path: string): Compiled | undefined {
  const segments = decodedSegments(path);
  if (segments === undefined) return undefined;
  let best: { compiled: Compiled; rank: string } | undefined;
  for (const compiled of COMPILED) {
    if (compiled.method !== method.toUpperCase() || compiled.segments.length !== segments.length) continue;
    const fits = compiled.segments.every((pattern, index) => (pattern === null ? segments[index] !== '' : pattern === segments[index]));
    if (!fits) continue;
    const rank = compiled.segments.map((pattern) => (pattern === null ? '0' : '1')).join('');
    if (best === undefined || rank > best.rank) best = { compiled, rank };
  }
  return best?.compiled;
}

function decodedSegments(path: string): string[] | undefined {
  const bare = path.split('?', 1)[0] ?? '';
  if (!bare.startsWith('/')) return undefined;
  try {
    // Split before decoding: an encoded slash stays inside its segment, as the gateway keeps it.
    return bare
      .split('/')
      .slice(1)
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

/**
 * Whether the console answers this path: whatever is neither an operation of the API, nor under /v1/ (the
 * API's catch-all, `ANY /v1/{proxy+}`, which takes one segment or more after it), nor /health. The console
 * answers with pages, which its own tests hold to what a page must be; the API's contract does not apply.
 */
export function servedByConsole(method: string, path: string): boolean {
  if (routeFor(method, path) !== undefined) return false;
  const segments = decodedSegments(path);
  if (segments === undefined) return true;
  if (segments.length === 1 && segments[0] === 'health') return false;
  return !(segments[0] === 'v1' && segments.slice(1).join('/').length > 0);
}

/** Throws a ContractDrift naming the route and every offending path when the answer breaks the contract. */
export function checkContract(exchange: Exchange): void {
  const { method, path, status } = exchange;
  // A HEAD answer has no body to hold to anything.
  if (method.toUpperCase() === 'HEAD') return;
  if (servedByConsole(method, path)) {
    if (status >= 500) throw new ContractDrift(`${method} ${path} (the console) answered ${status}`);
    return;
  }
  const route = routeFor(method, path);
  const where = `${method.toUpperCase()} ${path} (route ${route?.routeKey ?? '$default'}) answered ${status}`;
  const mediaType = baseMediaType(exchange.contentType);
  if (status >= 200 && status < 300) {
    if (route === undefined) throw new ContractDrift(`${where}, but no route of the API answers it with success`);
    const { alsoSuccess } = route.operation as { alsoSuccess?: { status: number; schema: z.ZodMiniType } };
    const success = alsoSuccess?.status === status ? { ...alsoSuccess, mediaType: undefined } : route.operation.success;
    if (status !== success.status) throw new ContractDrift(`${where}; the contract says ${success.status}`);
    const expected = success.mediaType ?? 'application/json';
    if (mediaType !== expected) throw new ContractDrift(`${where} as ${mediaType ?? 'no content type'}; the contract says ${expected}`);
    const body = expected === 'application/json' ? parseJson(exchange.text, where) : exchange.text;
    conform(success.schema, body, `${where}: the body breaks the route's success schema`);
    return;
  }
  if (status < 400) return;
  if (mediaType === PROBLEM_TYPE) {
    const problem = parseJson(exchange.text, where);
    conform(Problem, problem, `${where}: the body breaks Problem`);
    const stated = (problem as { status: number }).status;
    if (stated !== status) throw new ContractDrift(`${where}, but its problem says status ${stated}`);
    if (route !== undefined && !route.operation.errors.includes(status)) {
      throw new ContractDrift(`${where}, a status the contract does not list (${route.operation.errors.join(', ')})`);
    }
    return;
  }
  if (GATEWAY_REFUSAL_STATUSES.includes(status) && mediaType === 'application/json') {
    conform(GatewayRefusal, parseJson(exchange.text, where), `${where}: the body is neither a Problem nor API Gateway's refusal`);
    return;
  }
  throw new ContractDrift(`${where} as ${mediaType ?? 'no content type'}; every error of the hub's routes is ${PROBLEM_TYPE}`);
}

function baseMediaType(contentType: string | null | undefined): string | undefined {
  const base = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  return base === '' ? undefined : base;
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ContractDrift(`${where}, but the body is not JSON: ${JSON.stringify(text.slice(0, 200))}`);
  }
}

function conform(schema: z.ZodMiniType, body: unknown, message: string): void {
  const result = schema.safeParse(body);
  const problems = result.success
    ? differences(body, result.data, [])
    : result.error.issues.map((issue) => `${pathText(issue.path)}: ${issue.message}`);
  if (problems.length > 0) throw new ContractDrift(`${message}:\n  ${problems.join('\n  ')}`);
}

/** Where the parsed value differs from what arrived: keys the schema does not know, values it changed. */
function differences(received: unknown, parsed: unknown, at: PropertyKey[]): string[] {
  if (Array.isArray(received) && Array.isArray(parsed)) {
    if (received.length !== parsed.length) return [`${pathText(at)}: ${received.length} items became ${parsed.length}`];
    return received.flatMap((item, index) => differences(item, parsed[index], [...at, index]));
  }
  if (isRecord(received) && isRecord(parsed)) {
    const keys = new Set([...Object.keys(received), ...Object.keys(parsed)]);
    return [...keys].flatMap((key) => {
      if (!Object.hasOwn(parsed, key)) return [`${pathText([...at, key])}: not in the contract`];
      if (!Object.hasOwn(received, key)) return [`${pathText([...at, key])}: missing, and the contract fills it in`];
      return differences(received[key], parsed[key], [...at, key]);
    });
  }
  return Object.is(received, parsed) ? [] : [`${pathText(at)}: ${JSON.stringify(received)} is read as ${JSON.stringify(parsed)}`];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pathText(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(body)' : path.map(String).join('.');
}
