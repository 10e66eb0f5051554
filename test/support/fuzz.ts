/**
 * What the bad-input tests over HTTP share: a raw keep-alive client (any method may carry a body, the path
 * goes as is), the checks on problem responses, and the fast-check generators that are not about one
 * resource (JSON mutation, odd values and text, content types, idempotency keys, path segments, queries).
 */
import { Agent, request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { expect } from 'vitest';
import { checkContract } from './contract.js';
import type { TestResponse } from './hub.js';

export const PROBLEM = 'application/problem+json';

/** Nothing of the implementation in a response: no stack, source path, module or database name. */
export const NO_INTERNALS = /\.ts:\d+|node_modules|\n\s+at |Error:|dynalite|DynamoDB|ConditionalCheck/;

export type RawResponse = { status: number; contentType: string | undefined; text: string };

export type RawClient = {
  send(method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<RawResponse>;
  close(): void;
};

/**
 * Raw HTTP requests to `baseUrl` on one keep-alive connection: any method may carry a body, and the path goes
 * as is. Like the hub's test client, it rejects an answer that breaks the contract (contract.ts): a
 * generated request that happens to be valid must get the documented body too.
 */
export function rawClient(baseUrl: string): RawClient {
  const { hostname: host, port } = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return {
    send: (method, path, headers, body) =>
      new Promise((resolve, reject) => {
        // An explicit length frames a body on any method (Node sends GET and DELETE bodies unframed otherwise).
        const framed = body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
        const req = httpRequest({ host, port: Number(port), method, path, headers: framed, agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const response = {
              status: res.statusCode ?? 0,
              contentType: res.headers['content-type'],
              text: Buffer.concat(chunks).toString('utf8'),
            };
            try {
              checkContract({ method, path, ...response });
              resolve(response);
            } catch (drift) {
              reject(drift);
            }
          });
          res.on('error', reject);
        });
        req.on('error', reject);
        if (body !== undefined) req.end(body);
        else req.end();
      }),
    close: () => agent.destroy(),
  };
}

/** The headers of a generated request: the caller's bearer token, and the content type and idempotency key if any. */
export function fuzzHeaders(
  token: string,
  generated: { contentType: string | null; idempotencyKey: string | null },
): Record<string, string> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (generated.contentType !== null) headers['content-type'] = generated.contentType;
  if (generated.idempotencyKey !== null) headers['idempotency-key'] = generated.idempotencyKey;
  return headers;
}

/** A problem document's text, less its `instance` (a random request id that could hold any short string). */
export function echoed(problem: Record<string, unknown>): string {
  const { instance: _instance, ...rest } = problem;
  return JSON.stringify(rest);
}

/** The paths of a 422's errors (none if it has none). */
export const errorPaths = (response: TestResponse) => ((response.json?.errors ?? []) as Array<{ path: string }>).map((error) => error.path);

/** A problem document with this status, as the HTTP status and in the body. */
export function expectProblem(response: TestResponse, status: number): void {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get('content-type')).toBe(PROBLEM);
  expect(response.json.status).toBe(status);
}

/** API Gateway answers these itself, with its own `{"message": ...}` body; the hub's gateway mirrors it. */
export function isGatewayRefusal(response: RawResponse): boolean {
  if (![400, 401, 413].includes(response.status)) return false;
  try {
    const body = JSON.parse(response.text) as Record<string, unknown>;
    return Object.keys(body).length === 1 && typeof body['message'] === 'string';
  } catch {
    return false;
  }
}

// ---- generators ----

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value inside a JSON document (the root excluded). */
export function pathsOf(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return value.flatMap((item, index) => [[...prefix, index], ...pathsOf(item, [...prefix, index])]);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [[...prefix, key], ...pathsOf(item, [...prefix, key])]);
  }
  return [];
}

export type Mutation = { at: number; kind: 'delete' | 'replace' | 'add'; key: string; value: Json };

/** A copy of `document` with each mutation applied in turn at one of its paths (chosen by `at`). */
export function mutate(document: Json, mutations: readonly Mutation[]): Json {
  const copy = structuredClone(document) as Json;
  for (const generated of mutations) {
    // fast-check hands out its constants ({}, [], ...) by reference, to every run: once inserted, a later
    // mutation could add a key to the constant itself, and the shared value could even come to hold itself.
    const mutation = { ...generated, value: structuredClone(generated.value) };
    const paths = pathsOf(copy);
    if (paths.length === 0) break;
    const path = paths[mutation.at % paths.length]!;
    let parent: Json = copy;
    for (const step of path.slice(0, -1)) parent = (parent as Record<string, Json>)[step as string] as Json;
    const last = path[path.length - 1]!;
    const container = parent as Record<string | number, Json>;
    if (mutation.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete container[last];
    } else if (mutation.kind === 'replace') {
      container[last] = mutation.value;
    } else {
      const target = container[last];
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
        Object.defineProperty(target, mutation.key, { value: mutation.value, enumerable: true, configurable: true, writable: true });
      } else if (Array.isArray(target)) {
        target.push(mutation.value);
      } else {
        container[last] = [target as Json, mutation.value];
      }
    }
  }
  return copy;
}

export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__', 'valueOf'];

export const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ' ', '\u0000', '\uFEFF', '\uD800', 'null', '<script>', "'; DROP TABLE", '%00', '../..', 'NaN', '1e309'),
  fc.integer({ min: 1000, max: 80_000 }).map((length) => 'x'.repeat(length)),
);

/** Any JSON, odd text, edge values, and the given values that mean something to the resource under test. */
export function oddValueOf(meaningful: readonly Json[]): fc.Arbitrary<Json> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> },
    { weight: 2, arbitrary: anyText },
    fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, 1e308, [], {}, [[]], { __proto__: null } as unknown as Json),
    fc.constantFrom<Json>(...meaningful),
  );
}

export function mutationOf(oddValue: fc.Arbitrary<Json>): fc.Arbitrary<Mutation> {
  return fc.record({
    at: fc.nat(),
    kind: fc.constantFrom('delete', 'replace', 'add'),
    key: fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), fc.string({ maxLength: 12 })),
    value: oddValue,
  });
}

/** `document` as JSON text with one more key (a prototype key or one of `keys`) put first. */
export function withKeyFirst(document: () => unknown, keys: readonly string[], oddValue: fc.Arbitrary<Json>): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...PROTOTYPE_KEYS, ...keys), oddValue)
    .map(([key, value]) => JSON.stringify(document()).replace('{', `{${JSON.stringify(key)}:${JSON.stringify(value)},`));
}

/** Body text that is any JSON, not text at all, or broken or odd JSON. */
export const ANY_BODY: ReadonlyArray<fc.WeightedArbitrary<string>> = [
  { weight: 2, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      '{',
      '[',
      '{"a":}',
      'null',
      'true',
      '"x"',
      '1',
      '{"__proto__":{"polluted":1}}',
      '\uFEFF{}',
      '{"a":1}garbage',
    ),
  },
];

/** JSON most of the time; otherwise none, a near miss or anything. */
export const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant<string | null>('application/json') },
  { weight: 1, arbitrary: fc.constant<string | null>(null) },
  fc.constantFrom<string | null>(
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON',
    'application/problem+json',
    'application/json;;;',
    'application/jsonx',
    'text/plain',
    'text/json',
    'text/calendar',
    'application/xml',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
    '*/*',
    '',
  ),
  fc.stringMatching(/^[\x21-\x7e]{1,40}$/),
);

/** An idempotency key, well formed or not (its absence is up to the caller). */
export const idempotencyKeyText = fc.oneof(
  fc.stringMatching(/^[\x21-\x7e]{1,140}$/),
  fc.stringMatching(/^[\x20-\x7e]{0,20}$/),
  fc.constant('k'.repeat(200)),
);

/** A path segment: one of `words` (the API's own), a dot segment, bad percent-encoding, a uuid, anything, or very long. */
export function segmentOf(words: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...words, '', '.', '..', '%2F', '%2e%2e', '%00', '%zz', '%', '%E2%82', '~'),
    fc.uuid().map(String),
    fc.string({ maxLength: 20 }).map(encodeURIComponent),
    fc.string({ unit: 'binary', maxLength: 10 }).map((text) => encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, 'x'))),
    fc.integer({ min: 100, max: 1500 }).map((length) => 'a'.repeat(length)),
  );
}

export const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');

/** A query string (absent half the time): the listing's own names with odd values or `values`, or anything. */
export function queryOf(values: readonly string[]): fc.Arbitrary<string | null> {
  return fc.option(
    fc.oneof(
      fc
        .dictionary(
          fc.constantFrom('box', 'status', 'limit', 'cursor', 'x', '__proto__'),
          fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom(...values)),
        )
        .map((entries) => new URLSearchParams(entries).toString()),
      fc.string({ maxLength: 40 }).map(encodeURIComponent),
      fc.constantFrom('limit=5&limit=6', 'box', '=', '&&', '%zz=1', 'cursor='),
    ),
    { freq: 2 },
  );
}
