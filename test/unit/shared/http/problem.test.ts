import { describe, expect, it } from 'vitest';
import { Problem } from '../../../../contracts/problem.js';
import {
  ConflictError,
  DependencyUnavailableError,
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
} from '../../../../functions/core/errors.js';
import { HttpRequestError } from '../../../../functions/shared/http/errors.js';
import { jsonResponse, RETRY_AFTER_SECONDS, toProblemResponse } from '../../../../functions/shared/http/problem.js';

const CANARY = 'Test Child-Alpha canary-7c1d';

describe('toProblemResponse', () => {
  it.each([
    ['ValidationError', new ValidationError('The body does not match the contract', [{ path: 'recipients.0.area', message: 'bad' }]), 422],
    ['HttpRequestError 400', new HttpRequestError(400, 'Malformed JSON', 'The body is not valid JSON'), 400],
    ['HttpRequestError 413', new HttpRequestError(413, 'Content Too Large', 'too big'), 413],
    ['HttpRequestError 415', new HttpRequestError(415, 'Unsupported Media Type', 'json only'), 415],
    ['UnauthenticatedError', new UnauthenticatedError('no identity'), 401],
    ['ForbiddenError', new ForbiddenError('Your role may not'), 403],
    ['NotFoundError', new NotFoundError('No such alert'), 404],
    ['ConflictError', new ConflictError('already acknowledged'), 409],
    ['DependencyUnavailableError', new DependencyUnavailableError('database'), 503],
    ['any other error', new TypeError('x is undefined'), 500],
  ])('maps %s to %i as application/problem+json', (_label, error, status) => {
    // Act
    const response = toProblemResponse(error, 'req-1');

    // Assess
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    const body = JSON.parse(response.body) as Record<string, unknown>;
    expect(Problem.safeParse(body).success).toBe(true);
    expect(body['status']).toBe(status);
    expect(body['instance']).toBe('req-1');
    expect(Object.keys(body)).not.toContain('stack');
    expect(response.body).not.toMatch(/at .*:\d+:\d+/);
  });

  it('lists validation issues with their field paths', () => {
    // Prepare
    const error = new ValidationError('The body does not match the contract', [
      { path: 'recipients.0.area', message: 'an area cannot alert itself' },
      { path: 'child.dateOfBirth', message: 'must not be in the future' },
    ]);

    // Act
    const body = JSON.parse(toProblemResponse(error).body) as Problem;

    // Assess
    expect(body.type).toBe('urn:mset-hub:problem:validation');
    expect(body.errors).toEqual([
      { path: 'recipients.0.area', message: 'an area cannot alert itself' },
      { path: 'child.dateOfBirth', message: 'must not be in the future' },
    ]);
    expect(Object.hasOwn(body, 'instance')).toBe(false);
  });

  it('asks for a bearer token on 401', () => {
    // Act
    const response = toProblemResponse(new UnauthenticatedError('no identity'));

    // Assess
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });

  it('tells the client when to retry on 503, and says nothing of the cause or the dependency', () => {
    // Prepare
    const cause = new Error(`ValidationException: item contains ${CANARY}`);
    const error = new DependencyUnavailableError('audit-queue', { cause });

    // Act
    const response = toProblemResponse(error, 'req-9');

    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe(String(RETRY_AFTER_SECONDS));
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(response.body).not.toContain('canary-7c1d');
    expect(response.body).not.toContain('Child-Alpha');
    expect(response.body).not.toContain('audit-queue');
    expect(response.body).not.toContain('ValidationException');
    expect(response.body).not.toContain('DependencyUnavailableError');
  });

  it('gives an unexpected error a bare 500: no message, no name, no stack', () => {
    // Prepare
    const error = new RangeError(`cannot seal ${CANARY}`);

    // Act
    const response = toProblemResponse(error);

    // Assess
    expect(JSON.parse(response.body)).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500 });
    expect(response.headers['retry-after']).toBeUndefined();
  });

  it('gives non-Error throwables a 500 too', () => {
    // Act
    const responses = [toProblemResponse(CANARY), toProblemResponse(undefined), toProblemResponse({ message: CANARY })];

    // Assess
    for (const response of responses) {
      expect(response.statusCode).toBe(500);
      expect(response.body).not.toContain('canary');
    }
  });

  it('names the HTTP problem by a slug of its title', () => {
    // Act
    const body = JSON.parse(toProblemResponse(new HttpRequestError(413, 'Content Too Large', 'too big')).body) as Problem;

    // Assess
    expect(body.type).toBe('urn:mset-hub:problem:content-too-large');
    expect(body.title).toBe('Content Too Large');
  });
});

describe('jsonResponse', () => {
  it('serialises the body as application/json with the no-store headers, and extra headers', () => {
    // Act
    const response = jsonResponse(201, { alertId: 'a' }, { location: '/v1/alerts/a' });

    // Assess
    expect(response).toEqual({
      statusCode: 201,
      headers: {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        location: '/v1/alerts/a',
      },
      body: '{"alertId":"a"}',
    });
  });
});
