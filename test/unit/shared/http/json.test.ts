import { vi } from 'vitest';

// The logger is built when its module loads; keep the test output quiet.
vi.hoisted(() => {
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
});

import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../functions/core/errors.js';
import { canonicalJson, MAX_JSON_DEPTH, withinDepth } from '../../../../functions/shared/http/json.js';
import { type HubEvent, jsonBody, problemResponses } from '../../../../functions/shared/http/middleware.js';
import { type HttpResponse, jsonResponse } from '../../../../functions/shared/http/problem.js';
import { apiEvent, lambdaContext } from '../../../support/apigw.js';

/** `depth` arrays, one inside the other, around a number. */
const nestedArrays = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
/** `depth` objects, one inside the other, around a number. */
const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
/** Arrays and objects alternating, `depth` in all. */
const nestedMixed = (depth: number) => {
  let text = 'null';
  for (let level = 0; level < depth; level += 1) text = level % 2 === 0 ? `[0,${text}]` : `{"k":${text},"z":[]}`;
  return text;
};

/** The recursive version this replaced, kept as the oracle for the bytes the hashes depend on. */
function recursiveCanonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(recursiveCanonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${recursiveCanonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

describe('withinDepth', () => {
  it.each([
    ['arrays', nestedArrays],
    ['objects', nestedObjects],
    ['arrays and objects mixed', nestedMixed],
  ])('accepts exactly %s nested to the limit and refuses one level more', (_label, nested) => {
    // Prepare
    const atLimit = JSON.parse(nested(MAX_JSON_DEPTH)) as unknown;
    const over = JSON.parse(nested(MAX_JSON_DEPTH + 1)) as unknown;

    // Act / Assess
    expect(withinDepth(atLimit)).toBe(true);
    expect(withinDepth(over)).toBe(false);
  });

  it('counts a scalar as depth 0 and each array or object as one level', () => {
    // Act / Assess
    expect(withinDepth('text', 0)).toBe(true);
    expect(withinDepth(null, 0)).toBe(true);
    expect(withinDepth([], 0)).toBe(false);
    expect(withinDepth({}, 1)).toBe(true);
    expect(withinDepth({ a: [] }, 1)).toBe(false);
    expect(withinDepth({ a: [] }, 2)).toBe(true);
  });

  it('finds the deep branch wherever it is, not only the first or last', () => {
    // Prepare: shallow siblings either side of one branch a level too deep (the outer object is a level)
    const deep = JSON.parse(nestedArrays(MAX_JSON_DEPTH - 1)) as unknown;
    const value = { first: [1, 2], middle: [deep], last: { shallow: true } };

    // Act / Assess
    expect(withinDepth(value)).toBe(false);
    expect(withinDepth({ ...value, middle: deep })).toBe(true);
  });

  it('answers for a value nested far deeper than the call stack could walk', () => {
    // Prepare
    const deep = JSON.parse(nestedArrays(200_000)) as unknown;

    // Act / Assess
    expect(withinDepth(deep)).toBe(false);
    expect(withinDepth(deep, 200_000)).toBe(true);
  });
});

describe('canonicalJson', () => {
  it('writes the same bytes as the recursive version for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        // Act / Assess
        expect(canonicalJson(value)).toBe(recursiveCanonicalJson(value));
      }),
      { numRuns: 500 },
    );
  });

  it('sorts keys at every level, so the same value in another key order gives the same text', () => {
    // Prepare
    const one = JSON.parse('{"b":[{"y":1,"x":2}],"a":{"d":null,"c":"s"},"10":true,"9":false}') as unknown;
    const other = JSON.parse('{"9":false,"a":{"c":"s","d":null},"10":true,"b":[{"x":2,"y":1}]}') as unknown;

    // Act
    const text = canonicalJson(one);

    // Assess
    expect(text).toBe('{"10":true,"9":false,"a":{"c":"s","d":null},"b":[{"x":2,"y":1}]}');
    expect(canonicalJson(other)).toBe(text);
  });

  it('writes a value nested far deeper than the call stack could walk', () => {
    // Prepare
    const arrays = nestedArrays(100_000);
    const objects = nestedObjects(100_000);

    // Act / Assess
    expect(canonicalJson(JSON.parse(arrays))).toBe(arrays);
    expect(canonicalJson(JSON.parse(objects))).toBe(objects);
  });
});

describe('jsonBody bounds nesting depth', () => {
  function harness() {
    const seen: unknown[] = [];
    const errors: unknown[] = [];
    const handler = middy<HubEvent, HttpResponse, Error, Context>()
      .use(problemResponses())
      .use(jsonBody())
      .handler(async (event) => {
        // As route.ts's body() does: a body that could not be read is raised when the handler asks for it.
        if (event.hub?.bodyError !== undefined) {
          errors.push(event.hub.bodyError);
          throw event.hub.bodyError;
        }
        seen.push(event.hub?.json);
        return jsonResponse(201, { ok: true });
      });
    const call = (body: string) =>
      handler(apiEvent({ headers: { 'content-type': 'application/json' }, body }) as HubEvent, lambdaContext());
    return { call, seen, errors };
  }

  it('hands on a body nested exactly to the limit', async () => {
    // Prepare
    const { call, seen } = harness();
    const body = nestedObjects(MAX_JSON_DEPTH);

    // Act
    const response = await call(body);

    // Assess
    expect(response.statusCode).toBe(201);
    expect(seen).toEqual([JSON.parse(body)]);
  });

  it.each([
    ['one level more than the limit', MAX_JSON_DEPTH + 1],
    ['4,000 levels', 4_000],
  ])('refuses a body nested %s with a 422 problem naming no field, when the handler asks for it', async (_label, depth) => {
    // Prepare
    const { call, seen, errors } = harness();

    // Act
    const responses = [await call(nestedArrays(depth)), await call(nestedObjects(depth))];

    // Assess
    for (const response of responses) {
      expect(response.statusCode).toBe(422);
      expect(response.headers['content-type']).toBe('application/problem+json');
      const problem = JSON.parse(response.body) as { status: number; detail: string; errors: unknown[] };
      expect(problem.status).toBe(422);
      expect(problem.detail).toMatch(/nested too deeply/);
      expect(problem.errors).toEqual([]);
    }
    expect(seen).toEqual([]);
    expect(errors).toHaveLength(2);
    for (const error of errors) expect(error).toBeInstanceOf(ValidationError);
  });
});
