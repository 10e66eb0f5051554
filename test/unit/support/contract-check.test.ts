/**
 * The HTTP tests' contract check: if it passed everything, every HTTP test would look as if it checked the
 * contract while checking nothing. Synthetic ids and values only.
 */
import { describe, expect, it } from 'vitest';
import { ContractDrift, checkContract, type Exchange, routeFor } from '../../support/contract.js';

const MEETING = '0b5e2c1a-4f3d-4a6b-9c8d-7e6f5a4b3c2d';
const JSON_TYPE = 'application/json';
const PROBLEM_TYPE = 'application/problem+json';

const cancelled = { meetingId: MEETING, status: 'CANCELLED' };
const exchange = (overrides: Partial<Exchange>): Exchange => ({
  method: 'POST',
  path: `/v1/meetings/${MEETING}/cancel`,
  status: 200,
  contentType: `${JSON_TYPE}; charset=utf-8`,
  text: JSON.stringify(cancelled),
  ...overrides,
});
const problem = (status: number) => JSON.stringify({ type: 'urn:mset-hub:problem:conflict', title: 'Conflict', status });
const driftOf = (overrides: Partial<Exchange>): string => {
  try {
    checkContract(exchange(overrides));
  } catch (error) {
    if (error instanceof ContractDrift) return error.message;
    throw error;
  }
  throw new Error('no drift reported');
};

describe('routeFor', () => {
  it('matches a path parameter to one segment, ignores the query string, and prefers literal segments', () => {
    // Act
    const audit = routeFor('GET', `/v1/meetings/${MEETING}/audit?limit=2`);
    const calendar = routeFor('GET', `/v1/meetings/${MEETING}/calendar.ics`);
    const action = routeFor('PATCH', `/v1/meetings/${MEETING}/actions/action-1`);

    // Assess
    expect(audit?.routeKey).toBe('GET /v1/meetings/{meetingId}/audit');
    expect(calendar?.routeKey).toBe('GET /v1/meetings/{meetingId}/calendar.ics');
    expect(action?.routeKey).toBe('PATCH /v1/meetings/{meetingId}/actions/{actionId}');
  });

  it('finds no operation for the catch-all: unknown paths, other methods, empty or extra segments', () => {
    // Act + Assess
    expect(routeFor('GET', '/v1/nowhere')).toBeUndefined();
    expect(routeFor('DELETE', `/v1/meetings/${MEETING}`)).toBeUndefined();
    expect(routeFor('GET', '/v1/meetings/')).toBeUndefined();
    expect(routeFor('GET', `/v1/meetings/${MEETING}/audit/more`)).toBeUndefined();
  });
});

describe('checkContract', () => {
  it('passes a body that is its route schema exactly, and a problem document for an error', () => {
    // Act + Assess
    expect(() => checkContract(exchange({}))).not.toThrow();
    expect(() => checkContract(exchange({ status: 409, contentType: PROBLEM_TYPE, text: problem(409) }))).not.toThrow();
  });

  it('names the route and the path of a field the contract lacks, though zod would strip it', () => {
    // Act
    const message = driftOf({ text: JSON.stringify({ ...cancelled, reason: 'synthetic' }) });

    // Assess
    expect(message).toContain('POST /v1/meetings/{meetingId}/cancel');
    expect(message).toContain('reason: not in the contract');
  });

  it('names the zod issue path of a value the contract forbids, nested too', () => {
    // Act
    const status = driftOf({ text: JSON.stringify({ ...cancelled, status: 'HELD' }) });
    const nested = driftOf({
      method: 'GET',
      path: `/v1/meetings/${MEETING}/audit`,
      text: JSON.stringify({
        meetingId: MEETING,
        items: [{ occurredAt: 'yesterday', action: 'MEETING_VIEW', outcome: 'SUCCESS', actor: { sub: 's', roles: [] } }],
      }),
    });

    // Assess
    expect(status).toContain('status:');
    expect(nested).toContain('items.0.occurredAt:');
  });

  it('holds a success to its documented status and media type', () => {
    // Act + Assess
    expect(driftOf({ status: 201 })).toContain('the contract says 200');
    expect(driftOf({ contentType: 'text/plain' })).toContain('the contract says application/json');
    expect(driftOf({ method: 'GET', path: '/v1/nowhere' })).toContain('no route of the API answers it with success');
  });

  it('holds the calendar invitation, which is text, to its schema', () => {
    // Prepare
    const calendar = { method: 'GET', path: `/v1/meetings/${MEETING}/calendar.ics`, contentType: 'text/calendar; charset=utf-8' };

    // Act + Assess
    expect(() => checkContract(exchange({ ...calendar, text: 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n' }))).not.toThrow();
    expect(driftOf({ ...calendar, text: 'BEGIN:VCALENDAR\nEND:VCALENDAR\n' })).toContain('RFC 5545');
  });

  it('refuses an error that is no problem document, or whose problem states another status', () => {
    // Act + Assess
    expect(driftOf({ status: 409, contentType: JSON_TYPE, text: problem(409) })).toContain(PROBLEM_TYPE);
    expect(driftOf({ status: 409, contentType: PROBLEM_TYPE, text: problem(422) })).toContain('its problem says status 422');
    expect(driftOf({ status: 409, contentType: PROBLEM_TYPE, text: JSON.stringify({ title: 'Conflict', status: 409 }) })).toContain(
      'type:',
    );
    expect(driftOf({ status: 404, contentType: PROBLEM_TYPE, text: 'Not Found' })).toContain('not JSON');
  });

  it('refuses a problem whose status the route does not list among its errors', () => {
    // Act
    const message = driftOf({
      method: 'GET',
      path: `/v1/meetings/${MEETING}/audit`,
      status: 409,
      contentType: PROBLEM_TYPE,
      text: problem(409),
    });

    // Assess
    expect(message).toContain('GET /v1/meetings/{meetingId}/audit');
    expect(message).toContain('a status the contract does not list');
  });

  it('lets API Gateway\'s own {"message"} refusals through, and only those', () => {
    // Act + Assess
    expect(() => checkContract(exchange({ status: 401, contentType: JSON_TYPE, text: '{"message":"Unauthorized"}' }))).not.toThrow();
    expect(driftOf({ status: 403, contentType: JSON_TYPE, text: '{"message":"Forbidden"}' })).toContain(PROBLEM_TYPE);
    expect(driftOf({ status: 401, contentType: JSON_TYPE, text: '{"message":"Unauthorized","extra":1}' })).toContain(
      "neither a Problem nor API Gateway's refusal",
    );
  });
});
