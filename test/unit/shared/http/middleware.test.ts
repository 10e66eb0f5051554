import { vi } from 'vitest';

// The logger is built when its module loads; keep the test output quiet (spies still see every call).
vi.hoisted(() => {
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
});

import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { CreateAlertRequest } from '../../../../contracts/alerts.js';
import { AreaDirectory } from '../../../../functions/core/areas.js';
import type { RequestContext } from '../../../../functions/core/audit.js';
import { AuditRecorder } from '../../../../functions/core/audit.js';
import {
  CompensationFailedError,
  DependencyUnavailableError,
  OutcomeUnknownError,
  ValidationError,
} from '../../../../functions/core/errors.js';
import { HttpRequestError } from '../../../../functions/shared/http/errors.js';
import { parseInput } from '../../../../functions/shared/http/input.js';
import {
  authentication,
  DEFAULT_LEASE_SECONDS,
  type HubEvent,
  idempotency,
  jsonBody,
  MAX_BODY_BYTES,
  problemResponses,
} from '../../../../functions/shared/http/middleware.js';
import { type HttpResponse, jsonResponse } from '../../../../functions/shared/http/problem.js';
import { logger } from '../../../../functions/shared/logger.js';
import { apiEvent, claimsFor, type EventOptions, lambdaContext } from '../../../support/apigw.js';
import { FixedClock, InMemoryIdempotencyStore, NOW, RecordingAuditTrail, SequentialIds } from '../../../support/fakes.js';
import { sampleAlert } from '../../../support/hub.js';

const areas = AreaDirectory.fromBundledData();

type Seen = { context?: RequestContext; json?: unknown; bodyError?: unknown };

/** A route built as route.ts builds one, with in-memory stores, around a handler the test controls. */
function harness(run: (event: HubEvent) => Promise<HttpResponse> = async () => jsonResponse(201, { ok: true })) {
  const trail = new RecordingAuditTrail();
  const clock = new FixedClock(new Date(NOW));
  const store = new InMemoryIdempotencyStore();
  const audit = new AuditRecorder(trail, clock, new SequentialIds());
  const seen: Seen[] = [];
  const handler = middy<HubEvent, HttpResponse, Error, Context>()
    .use(problemResponses())
    .use(authentication({ areas, audit }))
    .use(jsonBody())
    .use(idempotency({ store, audit, now: () => clock.now() }))
    .handler(async (event) => {
      seen.push({
        ...(event.hub?.context ? { context: event.hub.context } : {}),
        json: event.hub?.json,
        ...(event.hub?.bodyError === undefined ? {} : { bodyError: event.hub.bodyError }),
      });
      return run(event);
    });
  const call = (options: EventOptions = {}) => handler(apiEvent(options) as HubEvent, lambdaContext());
  return { call, trail, store, clock, seen };
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const problem = (response: HttpResponse) => JSON.parse(response.body) as { title: string; status: number; errors?: unknown[] };
const ALERT_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const OTHER_ALERT_ID = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';

/** A handler that asks for the body as route.ts's `body()` does: a body that could not be read is raised then. */
const readsBody = async (event: HubEvent): Promise<HttpResponse> => {
  if (event.hub?.bodyError !== undefined) throw event.hub.bodyError;
  return jsonResponse(201, { ok: true });
};

/** The error jsonBody kept for the handler, and that it kept no body: it refused nothing itself. */
function expectKept(seen: readonly Seen[], status: number): void {
  expect(seen).toHaveLength(1);
  expect(seen[0]?.json).toBeUndefined();
  expect(seen[0]?.bodyError).toBeInstanceOf(HttpRequestError);
  expect((seen[0]?.bodyError as HttpRequestError | undefined)?.status).toBe(status);
}

const MEETING_ID = '9f0d2c4e-5b6a-4c3d-8e7f-102938475665';

/**
 * A handler whose first run waits until `finish()`, as a request still running (or an instance that died
 * holding the claim) would. Later runs answer at once.
 */
function stalledFirstRun() {
  let runs = 0;
  let finish: () => void = () => undefined;
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const gate = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const run = async () => {
    runs += 1;
    const run = runs;
    if (run === 1) {
      markStarted();
      await gate;
    }
    return jsonResponse(201, { run });
  };
  return {
    run,
    /** Resolves once the first run holds the claim; rejects at once if that request answered instead. */
    started: (response: Promise<HttpResponse>) =>
      Promise.race([
        started,
        response.then((answered) => Promise.reject(new Error(`answered ${answered.statusCode} before the handler ran`))),
      ]),
    finish: () => finish(),
    runs: () => runs,
  };
}

describe('jsonBody', () => {
  it('hands the parsed JSON to the handler', async () => {
    // Prepare
    const { call, seen } = harness();

    // Act
    const response = await call({ headers: JSON_HEADERS, body: '{"a":[1,2]}' });

    // Assess
    expect(response.statusCode).toBe(201);
    expect(seen[0]?.json).toEqual({ a: [1, 2] });
  });

  it('keeps a bad body for the handler rather than answering it: the handler runs, and answers as it decides', async () => {
    // Prepare: a handler that never asks for the body (as one refusing the resource first would not)
    const { call, seen } = harness();

    // Act
    const response = await call({ headers: JSON_HEADERS, body: '{broken' });

    // Assess
    expect(response.statusCode).toBe(201);
    expectKept(seen, 400);
  });

  it('claims no Idempotency-Key for a body that could not be read: the corrected request under the same key runs', async () => {
    // Prepare
    const { call, store } = harness(readsBody);
    const keyed = (body: string) => ({
      headers: { ...JSON_HEADERS, 'idempotency-key': 'key-bad-body' },
      body,
      claims: claimsFor('northumberland', ['police']),
    });

    // Act
    const broken = await call(keyed('{broken'));
    const claimsAfterBroken = store.calls.filter((name) => name === 'claim').length;
    const corrected = await call(keyed('{"n":1}'));

    // Assess: nothing was remembered for the broken body, so the key is not "used with a different body"
    expect(broken.statusCode).toBe(400);
    expect(claimsAfterBroken).toBe(0);
    expect(corrected.statusCode).toBe(201);
    expect(corrected.headers?.['idempotent-replayed']).toBeUndefined();
  });

  it('checks size first: an oversized body is 413 even with the wrong type and broken JSON', async () => {
    // Prepare
    const { call, seen } = harness(readsBody);

    // Act
    const response = await call({ headers: { 'content-type': 'text/plain' }, body: `{${'x'.repeat(MAX_BODY_BYTES)}` });

    // Assess
    expect(response.statusCode).toBe(413);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(problem(response).title).toBe('Content Too Large');
    expectKept(seen, 413);
  });

  it('checks the media type second: the wrong type with broken JSON is 415', async () => {
    // Prepare
    const { call, seen } = harness(readsBody);

    // Act
    const response = await call({ headers: { 'content-type': 'text/plain' }, body: '{broken' });

    // Assess
    expect(response.statusCode).toBe(415);
    expectKept(seen, 415);
  });

  it('checks JSON syntax last (400), without quoting the body', async () => {
    // Prepare
    const { call, seen } = harness(readsBody);

    // Act
    const response = await call({ headers: JSON_HEADERS, body: '{"child":"Test Child-Alpha"' });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(problem(response).title).toBe('Malformed JSON');
    expect(response.body).not.toContain('Child-Alpha');
    expectKept(seen, 400);
    expect(String(seen[0]?.bodyError)).not.toContain('Child-Alpha');
  });

  it('accepts exactly the limit and refuses one byte more, counting UTF-8 bytes', async () => {
    // Prepare
    const { call, seen } = harness(readsBody);
    const padded = (bytes: number) => `"${'é'.repeat((bytes - 2) / 2)}"`; // é is two bytes

    // Act
    const atLimit = await call({ headers: JSON_HEADERS, body: padded(MAX_BODY_BYTES) });
    const over = await call({ headers: JSON_HEADERS, body: `${padded(MAX_BODY_BYTES)} ` });

    // Assess
    expect(Buffer.byteLength(padded(MAX_BODY_BYTES))).toBe(MAX_BODY_BYTES);
    expect(atLimit.statusCode).toBe(201);
    expect(over.statusCode).toBe(413);
    expect(seen[0]?.bodyError).toBeUndefined();
    expect((seen[1]?.bodyError as HttpRequestError | undefined)?.status).toBe(413);
  });

  it('decodes a base64 body and measures its decoded size', async () => {
    // Prepare
    const { call, seen } = harness(readsBody);
    const atLimit = `"${'x'.repeat(MAX_BODY_BYTES - 2)}"`;

    // Act
    const small = await call({ headers: JSON_HEADERS, body: Buffer.from('{"a":1}').toString('base64'), isBase64Encoded: true });
    const large = await call({ headers: JSON_HEADERS, body: Buffer.from(atLimit).toString('base64'), isBase64Encoded: true });
    const tooLarge = await call({ headers: JSON_HEADERS, body: Buffer.from(`${atLimit} `).toString('base64'), isBase64Encoded: true });

    // Assess
    expect(small.statusCode).toBe(201);
    expect(seen[0]?.json).toEqual({ a: 1 });
    expect(large.statusCode).toBe(201);
    expect(tooLarge.statusCode).toBe(413);
    expect((seen[2]?.bodyError as HttpRequestError | undefined)?.status).toBe(413);
  });

  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON;charset=UTF-8',
    'application/problem+json',
    'application/merge-patch+json',
  ])('accepts content-type %s', async (contentType) => {
    // Prepare
    const { call } = harness();

    // Act
    const response = await call({ headers: { 'content-type': contentType }, body: '{}' });

    // Assess
    expect(response.statusCode).toBe(201);
  });

  it.each(['text/plain', 'application/jsonp', 'application/x-www-form-urlencoded', 'json', 'application/ json', ''])(
    'refuses content-type "%s" with 415',
    async (contentType) => {
      // Prepare
      const { call, seen } = harness(readsBody);

      // Act
      const response = await call({ headers: { 'content-type': contentType }, body: '{}' });

      // Assess
      expect(response.statusCode).toBe(415);
      expectKept(seen, 415);
    },
  );

  it('refuses a missing content type with 415 and a missing body with 400', async () => {
    // Prepare
    const { call, seen } = harness(readsBody);

    // Act
    const noType = await call({ body: '{}' });
    const noBody = await call({ headers: JSON_HEADERS });

    // Assess
    expect(noType.statusCode).toBe(415);
    expect(noBody.statusCode).toBe(400);
    expect(seen.map((entry) => (entry.bodyError as HttpRequestError | undefined)?.status)).toEqual([415, 400]);
  });
});

describe('authentication', () => {
  it('builds the caller from the string claims API Gateway passes, roles flattened', async () => {
    // Prepare
    const { call, seen } = harness();

    // Act
    await call({ headers: JSON_HEADERS, body: '{}', claims: claimsFor('north-tyneside', ['coordinator', 'chair'], 'sub-1') });

    // Assess
    expect(seen[0]?.context?.caller).toEqual({
      sub: 'sub-1',
      name: 'Test coordinator chair of north-tyneside',
      area: 'north-tyneside',
      agency: 'childrens-services',
      roles: ['coordinator', 'chair'],
    });
    expect(seen[0]?.context?.requestId).toMatch(/^req-/);
  });

  it('refuses an area the directory does not know with 401, and records UNAUTHENTICATED', async () => {
    // Prepare
    const { call, trail, seen } = harness();

    // Act
    const response = await call({
      headers: JSON_HEADERS,
      body: '{}',
      claims: claimsFor('atlantis', ['police']),
      requestId: 'req-atlantis',
    });

    // Assess
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(seen).toEqual([]);
    expect(trail.summary()).toEqual(['AUTHENTICATE:UNAUTHENTICATED']);
    expect(trail.events[0]).toMatchObject({
      requestId: 'req-atlantis',
      actor: { sub: 'unidentified', roles: [] },
      detail: { route: 'POST /v1/alerts' },
    });
  });

  it('refuses a request with no authorizer context, and one with unusable claims, without echoing them', async () => {
    // Prepare
    const { call, trail } = harness();

    // Act
    const none = await call({ claims: null });
    const bad = await call({ claims: { ...claimsFor('north-tyneside', ['police']), area: 'Test Child-Alpha' } });

    // Assess
    expect([none.statusCode, bad.statusCode]).toEqual([401, 401]);
    expect(bad.body).not.toContain('Child-Alpha');
    expect(trail.summary()).toEqual(['AUTHENTICATE:UNAUTHENTICATED', 'AUTHENTICATE:UNAUTHENTICATED']);
  });

  it('answers 503 rather than 401 when the refusal cannot be recorded', async () => {
    // Prepare
    const { call, trail } = harness();
    trail.failWhen = () => true;

    // Act
    const response = await call({ claims: claimsFor('atlantis', ['police']) });

    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBeDefined();
  });

  it('authenticates before reading the body: an anonymous oversized body is 401', async () => {
    // Prepare
    const { call } = harness();

    // Act
    const response = await call({ claims: null, headers: JSON_HEADERS, body: 'x'.repeat(MAX_BODY_BYTES + 1) });

    // Assess
    expect(response.statusCode).toBe(401);
  });
});

describe('idempotency', () => {
  const request = (key: string, body = '{"n":1}', sub = 'sub-1'): EventOptions => ({
    headers: { ...JSON_HEADERS, 'idempotency-key': key },
    body,
    claims: claimsFor('northumberland', ['police'], sub),
  });

  it('replays the first response for the same key and body, without running the handler again', async () => {
    // Prepare
    let runs = 0;
    const { call } = harness(async () => {
      runs += 1;
      return jsonResponse(201, { run: runs }, { location: '/v1/alerts/x' });
    });

    // Act
    const first = await call(request('key-1'));
    const second = await call(request('key-1'));

    // Assess
    expect(runs).toBe(1);
    expect(second.statusCode).toBe(201);
    expect(second.body).toBe(first.body);
    expect(second.headers['location']).toBe('/v1/alerts/x');
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
  });

  it('refuses the same key with a different body with 422 at headers.idempotency-key', async () => {
    // Prepare
    let runs = 0;
    const { call } = harness(async () => {
      runs += 1;
      return jsonResponse(201, {});
    });
    await call(request('key-1', '{"n":1}'));

    // Act
    const response = await call(request('key-1', '{"n":2}'));

    // Assess
    expect(response.statusCode).toBe(422);
    expect(problem(response).errors).toEqual([{ path: 'headers.idempotency-key', message: 'already used with a different body' }]);
    expect(runs).toBe(1);
  });

  it('answers 409 while the first request with the key is still in progress, with Retry-After for the whole lease', async () => {
    // Prepare
    let release: () => void = () => undefined;
    const { call } = harness(
      () =>
        new Promise((resolve) => {
          release = () => resolve(jsonResponse(201, {}));
        }),
    );
    const first = call(request('key-1'));
    await new Promise((resolve) => setImmediate(resolve));

    // Act
    const second = await call(request('key-1'));
    release();

    // Assess
    expect(second.statusCode).toBe(409);
    expect(second.headers['content-type']).toBe('application/problem+json');
    expect(second.headers['retry-after']).toBe(String(DEFAULT_LEASE_SECONDS));
    expect((await first).statusCode).toBe(201);
  });

  it('releases the key when the handler fails, keeping no response and no lease, so a retry runs at once', async () => {
    // Prepare
    let fail = true;
    const { call, store } = harness(async () => {
      if (fail) throw new DependencyUnavailableError('audit-queue');
      return jsonResponse(201, {});
    });

    // Act
    const failed = await call(request('key-1'));
    const afterFailure = [...store.records.values()];
    fail = false;
    const retried = await call(request('key-1'));

    // Assess
    expect(failed.statusCode).toBe(503);
    expect(afterFailure).toEqual([expect.objectContaining({ state: 'RELEASED' })]);
    expect(afterFailure[0]).not.toHaveProperty('response');
    expect(afterFailure[0]).not.toHaveProperty('leaseUntil');
    expect(store.calls).toEqual(['claim', 'release', 'claim', 'complete']);
    expect(retried.statusCode).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
  });

  it.each([
    ['OutcomeUnknownError (a write and its read-back both failed)', () => new OutcomeUnknownError('database')],
    [
      'CompensationFailedError (a correction not on record)',
      () =>
        new CompensationFailedError(new DependencyUnavailableError('database'), ALERT_ID, new DependencyUnavailableError('audit-queue')),
    ],
  ])('keeps the claim on %s: a 503, no release, and the retry after the lease is the same attempt', async (_label, failure) => {
    // Prepare
    let fail = true;
    const { call, store, clock, seen } = harness(async () => {
      if (fail) throw failure();
      return jsonResponse(201, {});
    });

    // Act
    const failed = await call(request('key-1'));
    const afterFailure = [...store.records.values()];
    const tooSoon = await call(request('key-1'));
    clock.advance(DEFAULT_LEASE_SECONDS * 1000);
    fail = false;
    const retried = await call(request('key-1'));

    // Assess: 503 to the caller; the record held, not released, until its lease lapsed
    expect(failed.statusCode).toBe(503);
    expect(failed.headers['retry-after']).toBeDefined();
    expect(afterFailure).toEqual([expect.objectContaining({ state: 'IN_PROGRESS', attempt: 1 })]);
    expect(tooSoon.statusCode).toBe(409);
    expect(store.calls).toEqual(['claim', 'claim', 'claim', 'complete']);
    expect(retried.statusCode).toBe(201);
    // The same claim, the same attempt and start: the retry writes the very events the failed try wrote.
    const [first, retry] = seen.map((entry) => entry.context?.claim);
    expect(retry).toEqual(first);
    expect(first).toEqual({ claimId: expect.any(String), attempt: 1, attemptStartedAt: NOW });
  });

  it('keeps no response for a client error either: the retry runs the handler again instead of replaying the 422', async () => {
    // Prepare
    let runs = 0;
    const { call, store } = harness(async () => {
      runs += 1;
      throw new ValidationError('bad', [{ path: 'x', message: 'bad' }]);
    });

    // Act
    const response = await call(request('key-1'));
    const stored = [...store.records.values()];
    const retried = await call(request('key-1'));

    // Assess
    expect(response.statusCode).toBe(422);
    expect(stored).toEqual([expect.objectContaining({ state: 'RELEASED' })]);
    expect(stored[0]).not.toHaveProperty('response');
    expect(retried.statusCode).toBe(422);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(runs).toBe(2);
  });

  it('scopes the key to the caller: another caller with the same key is served afresh', async () => {
    // Prepare
    let runs = 0;
    const { call } = harness(async () => {
      runs += 1;
      return jsonResponse(201, { run: runs });
    });

    // Act
    await call(request('shared-key', '{}', 'sub-1'));
    const other = await call(request('shared-key', '{}', 'sub-2'));

    // Assess
    expect(runs).toBe(2);
    expect(JSON.parse(other.body)).toEqual({ run: 2 });
    expect(other.headers['idempotent-replayed']).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['with a space', 'a key'],
    ['too long', 'k'.repeat(129)],
    ['non-ASCII', 'clé'],
  ])('refuses an Idempotency-Key that is %s with 400', async (_label, key) => {
    // Prepare
    const { call, store } = harness();

    // Act
    const response = await call(request(key));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(store.calls).toEqual([]);
  });

  it('does nothing without the header', async () => {
    // Prepare
    const { call, store } = harness();

    // Act
    await call({ headers: JSON_HEADERS, body: '{}' });

    // Assess
    expect(store.calls).toEqual([]);
  });

  it('still answers success when the response cannot be remembered, after one retry and an error logged', async () => {
    // Prepare
    const { call, store } = harness();
    let completes = 0;
    store.complete = async () => {
      completes += 1;
      throw new DependencyUnavailableError('database');
    };
    const error = vi.spyOn(logger, 'error');

    // Act
    const response = await call({ ...request('key-1'), requestId: 'req-remember' });

    // Assess
    expect(response.statusCode).toBe(201);
    expect(completes).toBe(2);
    expect(error).toHaveBeenCalledTimes(1);
    expect(error).toHaveBeenCalledWith('idempotency record not completed', {
      requestId: 'req-remember',
      errors: ['DependencyUnavailableError'],
    });
    error.mockRestore();
  });

  it('remembers the response when the second attempt to complete succeeds, logging no error', async () => {
    // Prepare
    let runs = 0;
    const { call, store } = harness(async () => {
      runs += 1;
      return jsonResponse(201, { run: runs });
    });
    const complete = store.complete.bind(store);
    let completes = 0;
    store.complete = async (...args) => {
      completes += 1;
      if (completes === 1) throw new DependencyUnavailableError('database');
      return complete(...args);
    };
    const error = vi.spyOn(logger, 'error');

    // Act
    const first = await call(request('key-1'));
    const replay = await call(request('key-1'));

    // Assess
    expect(first.statusCode).toBe(201);
    expect(completes).toBe(2);
    expect(error).not.toHaveBeenCalled();
    expect(runs).toBe(1);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toBe(first.body);
    error.mockRestore();
  });

  it('replays the same JSON re-serialised (keys reordered, whitespace changed), but refuses a changed value', async () => {
    // Prepare
    let runs = 0;
    const { call } = harness(async () => {
      runs += 1;
      return jsonResponse(201, { run: runs });
    });
    const original = '{"a":1,"b":{"x":"y","z":[1,{"p":true,"q":null}]},"c":"text"}';
    const reserialised = '{\n  "c" : "text",\n  "b": { "z": [ 1, { "q": null, "p": true } ], "x": "y" },\t"a": 1\n}\n';
    const first = await call(request('key-1', original));

    // Act
    const replay = await call(request('key-1', reserialised));
    const changedValue = await call(request('key-1', '{"a":1,"b":{"x":"y","z":[1,{"p":false,"q":null}]},"c":"text"}'));
    const reorderedArray = await call(request('key-1', '{"a":1,"b":{"x":"y","z":[{"p":true,"q":null},1]},"c":"text"}'));
    const extraKey = await call(request('key-1', '{"a":1,"b":{"x":"y","z":[1,{"p":true,"q":null}]},"c":"text","d":0}'));

    // Assess
    expect(first.statusCode).toBe(201);
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toBe(first.body);
    for (const refused of [changedValue, reorderedArray, extraKey]) {
      expect(refused.statusCode).toBe(422);
      expect(problem(refused).errors).toEqual([{ path: 'headers.idempotency-key', message: 'already used with a different body' }]);
    }
    expect(runs).toBe(1);
  });

  it('answers 503 when the key cannot be claimed', async () => {
    // Prepare
    let runs = 0;
    const { call, store } = harness(async () => {
      runs += 1;
      return jsonResponse(201, {});
    });
    store.claim = async () => {
      throw new DependencyUnavailableError('database');
    };

    // Act
    const response = await call(request('key-1'));

    // Assess
    expect(response.statusCode).toBe(503);
    expect(runs).toBe(0);
  });

  it('puts the claim on the request context (attempt 1 started now, a fresh claimId per key), and no claim without the header', async () => {
    // Prepare
    const { call, seen } = harness();

    // Act
    await call(request('key-1'));
    await call(request('key-2'));
    await call({ headers: JSON_HEADERS, body: '{"n":1}' });

    // Assess
    const [first, second, unkeyed] = seen.map((entry) => entry.context?.claim);
    expect(first).toEqual({ claimId: expect.any(String), attempt: 1, attemptStartedAt: NOW });
    expect(second).toEqual({ claimId: expect.any(String), attempt: 1, attemptStartedAt: NOW });
    expect(second?.claimId).not.toBe(first?.claimId);
    expect(unkeyed).toBeUndefined();
    // New claims, so a use case may skip looking for what an earlier try stored under them.
    expect(seen.map((entry) => entry.context?.claimIsNew)).toEqual([true, true, undefined]);
  });

  it('scopes the key to the area: the same subject in another area is served afresh', async () => {
    // Prepare
    let runs = 0;
    const { call, seen } = harness(async () => {
      runs += 1;
      return jsonResponse(201, { run: runs });
    });
    const inNewcastle = { ...request('shared-key', '{}', 'sub-1'), claims: claimsFor('newcastle', ['police'], 'sub-1') };

    // Act
    const home = await call(request('shared-key', '{}', 'sub-1'));
    const away = await call(inNewcastle);
    const awayAgain = await call(inNewcastle);

    // Assess
    expect(runs).toBe(2);
    expect(JSON.parse(home.body)).toEqual({ run: 1 });
    expect(JSON.parse(away.body)).toEqual({ run: 2 });
    expect(away.headers['idempotent-replayed']).toBeUndefined();
    expect(seen[1]?.context?.claim?.claimId).not.toBe(seen[0]?.context?.claim?.claimId);
    // Scoped, not ignored: in its own area the key still replays.
    expect(awayAgain.headers['idempotent-replayed']).toBe('true');
    expect(JSON.parse(awayAgain.body)).toEqual({ run: 2 });
  });

  it('scopes the key to the resource: the same key on another path is served afresh', async () => {
    // Prepare
    let runs = 0;
    const { call } = harness(async () => {
      runs += 1;
      return jsonResponse(201, { run: runs });
    });
    const on = (alertId: string): EventOptions => ({
      ...request('shared-key'),
      path: `/v1/alerts/${alertId}/acknowledgements`,
      routeKey: 'POST /v1/alerts/{alertId}/acknowledgements',
      pathParameters: { alertId },
    });

    // Act
    const first = await call(on(ALERT_ID));
    const other = await call(on(OTHER_ALERT_ID));

    // Assess
    expect(runs).toBe(2);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(other.headers['idempotent-replayed']).toBeUndefined();
  });

  it('tells a retry during the lease to wait for what is left of it, in whole seconds rounded up', async () => {
    // Prepare
    const first = stalledFirstRun();
    const { call, clock } = harness(first.run);
    const running = call(request('key-1'));
    await first.started(running);

    // Act
    clock.advance(10_500);
    const early = await call(request('key-1'));
    clock.advance(23_501);
    const late = await call(request('key-1'));
    first.finish();
    const finished = await running;
    const after = await call(request('key-1'));

    // Assess
    expect(early.statusCode).toBe(409);
    expect(early.headers['retry-after']).toBe('25');
    expect(late.statusCode).toBe(409);
    // 0.999 s left: rounded up, so the client never retries before the lease ends.
    expect(late.headers['retry-after']).toBe('1');
    expect(finished.statusCode).toBe(201);
    expect(after.headers['idempotent-replayed']).toBe('true');
    expect(first.runs()).toBe(1);
  });

  it('never tells a client to wait less than a second, even when the store reports a lease already ended', async () => {
    // Prepare: another instance's clock runs behind ours, so the lease it reports has just passed here
    let runs = 0;
    const { call, store } = harness(async () => {
      runs += 1;
      return jsonResponse(201, {});
    });
    store.claim = async (_key, requestHash, times) => ({
      claimed: false,
      record: {
        state: 'IN_PROGRESS',
        requestHash,
        claimId: 'claim-1',
        attempt: 1,
        attemptStartedAt: NOW,
        leaseUntil: new Date(times.now.getTime() - 5_000),
      },
    });

    // Act
    const response = await call(request('key-1'));

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.headers['retry-after']).toBe('1');
    expect(runs).toBe(0);
  });

  it('lets a retry after the lease lapsed run the handler again under the same claim, and replays what it answered', async () => {
    // Prepare: the first request stalls (as a crashed or frozen instance would) and never answers in time
    const first = stalledFirstRun();
    const { call, clock, seen, store } = harness(first.run);
    const stalled = call(request('key-1'));
    await first.started(stalled);

    // Act
    clock.advance(DEFAULT_LEASE_SECONDS * 1000 - 1);
    const justBefore = await call(request('key-1'));
    clock.advance(1);
    const retry = await call(request('key-1'));
    const replay = await call(request('key-1'));
    first.finish();
    const late = await stalled;

    // Assess
    expect(justBefore.statusCode).toBe(409);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(JSON.parse(retry.body)).toEqual({ run: 2 });
    expect(first.runs()).toBe(2);
    const [stalledContext, retryContext] = seen.map((entry) => entry.context);
    expect(stalledContext?.claim).toEqual({ claimId: expect.any(String), attempt: 1, attemptStartedAt: NOW });
    // The same attempt carried on: it keeps the start of the try that stalled, not the time of the retry.
    expect(retryContext?.claim).toEqual(stalledContext?.claim);
    // The retry carries on what the stalled try may have stored: it must look for it.
    expect([stalledContext?.claimIsNew, retryContext?.claimIsNew]).toEqual([true, undefined]);
    expect(retryContext?.requestId).not.toBe(stalledContext?.requestId);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toBe(retry.body);
    // The stalled request, under the same claim, may still complete; what it did is what the retry did.
    expect(late.statusCode).toBe(201);
    expect(store.calls).toEqual(['claim', 'claim', 'claim', 'complete', 'claim', 'complete']);
  });

  it('records one REQUEST_REPLAY audit event per replay, naming the alert from the path', async () => {
    // Prepare
    const { call, trail } = harness(async () => jsonResponse(201, { acknowledgedAt: NOW }));
    const acknowledge: EventOptions = {
      ...request('key-1'),
      path: `/v1/alerts/${ALERT_ID}/acknowledgements`,
      routeKey: 'POST /v1/alerts/{alertId}/acknowledgements',
      pathParameters: { alertId: ALERT_ID },
    };
    await call(acknowledge);
    const beforeReplay = trail.events.length;

    // Act
    await call({ ...acknowledge, requestId: 'req-replay-1' });
    await call({ ...acknowledge, requestId: 'req-replay-2' });

    // Assess
    expect(beforeReplay).toBe(0);
    expect(trail.events).toHaveLength(2);
    expect(trail.events[0]).toEqual({
      eventId: expect.any(String),
      occurredAt: NOW,
      requestId: 'req-replay-1',
      action: 'REQUEST_REPLAY',
      outcome: 'SUCCESS',
      actor: expect.objectContaining({ sub: 'sub-1', area: 'northumberland' }),
      resource: { type: 'alert', id: ALERT_ID },
      detail: { route: 'POST /v1/alerts/{alertId}/acknowledgements', status: 201 },
    });
    expect(trail.events[1]).toMatchObject({
      requestId: 'req-replay-2',
      action: 'REQUEST_REPLAY',
      resource: { type: 'alert', id: ALERT_ID },
    });
  });

  it.each([
    ['an alert', { alertId: ALERT_ID }, { type: 'alert', id: ALERT_ID }],
    ['a meeting', { meetingId: MEETING_ID }, { type: 'meeting', id: MEETING_ID }],
  ])('names %s created by the replayed request from its response body', async (_label, body, resource) => {
    // Prepare
    const { call, trail } = harness(async () => jsonResponse(201, body));
    await call(request('key-1'));

    // Act
    const replay = await call(request('key-1'));

    // Assess
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(trail.events).toEqual([
      expect.objectContaining({
        action: 'REQUEST_REPLAY',
        outcome: 'SUCCESS',
        resource,
        detail: { route: 'POST /v1/alerts', status: 201 },
      }),
    ]);
  });

  it('records a replay that names no resource without one', async () => {
    // Prepare
    const { call, trail } = harness(async () => jsonResponse(200, { ok: true }));
    await call(request('key-1'));

    // Act
    await call(request('key-1'));

    // Assess
    expect(trail.events).toHaveLength(1);
    expect(trail.events[0]).toMatchObject({ action: 'REQUEST_REPLAY', outcome: 'SUCCESS', detail: { status: 200 } });
    expect(trail.events[0]).not.toHaveProperty('resource');
  });

  it('does not replay what cannot be put on record: 503, and the response stays to replay later', async () => {
    // Prepare
    const { call, trail, store } = harness(async () => jsonResponse(201, { alertId: ALERT_ID }));
    const first = await call(request('key-1'));
    trail.failWhen = (event) => event.action === 'REQUEST_REPLAY';

    // Act
    const refused = await call(request('key-1'));
    trail.failWhen = undefined;
    const replay = await call(request('key-1'));

    // Assess
    expect(refused.statusCode).toBe(503);
    expect(refused.body).not.toContain(ALERT_ID);
    expect([...store.records.values()]).toEqual([expect.objectContaining({ state: 'COMPLETED' })]);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toBe(first.body);
    expect(trail.refused).toHaveLength(1);
    expect(trail.events).toHaveLength(1);
  });

  it('runs the next try after a failed attempt at once, as the next attempt under the same claimId, starting when it runs', async () => {
    // Prepare
    let failures = 2;
    const { call, clock, seen } = harness(async () => {
      if (failures > 0) {
        failures -= 1;
        throw new DependencyUnavailableError('audit-queue');
      }
      return jsonResponse(201, {});
    });

    // Act
    const first = await call(request('key-1'));
    clock.advance(1_000);
    const second = await call(request('key-1'));
    clock.advance(1_000);
    const third = await call(request('key-1'));
    const replay = await call(request('key-1'));

    // Assess
    expect([first.statusCode, second.statusCode, third.statusCode]).toEqual([503, 503, 201]);
    const startOf = (offsetMs: number) => new Date(Date.parse(NOW) + offsetMs).toISOString();
    const claims = seen.map((entry) => entry.context?.claim);
    const claimId = claims[0]?.claimId;
    expect(claimId).toEqual(expect.any(String));
    expect(claims).toEqual([
      { claimId, attempt: 1, attemptStartedAt: startOf(0) },
      { claimId, attempt: 2, attemptStartedAt: startOf(1_000) },
      { claimId, attempt: 3, attemptStartedAt: startOf(2_000) },
    ]);
    expect(replay.headers['idempotent-replayed']).toBe('true');
  });
});

describe('problemResponses', () => {
  beforeEach(() => {
    vi.restoreAllMocks();
  });

  it('logs a 5xx by error names only, never the cause message', async () => {
    // Prepare
    const error = vi.spyOn(logger, 'error');
    const { call } = harness(async () => {
      throw new DependencyUnavailableError('database', { cause: new Error('Item {child: Test Child-Alpha} too large') });
    });

    // Act
    const response = await call({ headers: JSON_HEADERS, body: '{}' });

    // Assess
    expect(response.statusCode).toBe(503);
    expect(error).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(error.mock.calls)).not.toContain('Child-Alpha');
    expect(error.mock.calls[0]?.[1]).toMatchObject({
      status: 503,
      errors: ['DependencyUnavailableError', 'Error'],
      dependency: 'database',
    });
  });

  it('turns an unexpected error into a bare 500, logging nothing of its message', async () => {
    // Prepare
    const error = vi.spyOn(logger, 'error');
    const { call } = harness(async () => {
      throw new TypeError('Cannot read Test Child-Alpha');
    });

    // Act
    const response = await call({ headers: JSON_HEADERS, body: '{}' });

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('Child-Alpha');
    expect(JSON.stringify(error.mock.calls)).not.toContain('Child-Alpha');
  });
});

describe('the middleware chain under arbitrary input (fast-check)', () => {
  it('always answers, below 500, with a problem for every refusal and no echo of the body', async () => {
    // Prepare: the real create contract behind the chain
    const { call } = harness(async (event) => {
      parseInput(CreateAlertRequest, event.hub?.json, 'body');
      return jsonResponse(201, { ok: true });
    });
    const valid = JSON.stringify(sampleAlert(['north-tyneside']));
    const body = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json({ maxDepth: 4 }),
      fc.constant(valid),
      fc.string({ maxLength: 40 }).map((tail) => valid.slice(0, -1) + tail),
      fc.string({ maxLength: 8 }).map((tail) => `{"recipients":[{"area":"Test Child-Alpha ${tail}","scopes":["RISK"]}]}`),
      fc.constant('['.repeat(5000)),
    );
    const contentType = fc.option(
      fc.oneof(
        fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/PROBLEM+JSON', 'text/plain', ';', ''),
        fc.string({ maxLength: 60 }),
      ),
      { nil: undefined },
    );
    const idempotencyKey = fc.option(fc.oneof(fc.constantFrom('k1', 'k2'), fc.string({ maxLength: 140 })), { nil: undefined });

    // Act and Assess
    await fc.assert(
      fc.asyncProperty(body, contentType, fc.boolean(), idempotencyKey, async (text, type, base64, key) => {
        const headers: Record<string, string> = {};
        if (type !== undefined) headers['content-type'] = type;
        if (key !== undefined) headers['idempotency-key'] = key;
        const response = await call({
          headers,
          body: base64 ? Buffer.from(text, 'utf8').toString('base64') : text,
          isBase64Encoded: base64,
        });
        expect(response.statusCode).toBeLessThan(500);
        if (response.statusCode >= 400) {
          expect(response.headers['content-type']).toBe('application/problem+json');
          expect(response.body).not.toContain('Child-Alpha');
        }
      }),
      { numRuns: 600 },
    );
  });
});
