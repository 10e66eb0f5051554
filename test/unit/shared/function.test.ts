/**
 * Every function's log lines carry the Lambda context (Powertools' injectLambdaContext): cold start, the
 * function's request id and, on AWS, the X-Ray trace id, so one request's lines can be found together.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../support/apigw.js';

// The logger returns to its configured level at every invocation; configure it before it is created.
vi.hoisted(() => {
  process.env['POWERTOOLS_LOG_LEVEL'] = 'INFO';
});

const TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('log lines of a function', () => {
  it('carry cold_start, the request id and the trace id, and a warm invocation is not cold', async () => {
    // Prepare
    vi.stubEnv('_X_AMZN_TRACE_ID', TRACE_ID);
    const lines: Record<string, unknown>[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      return true;
    });
    const health = (await import('../../../functions/handlers/health.js')).wire({
      config: { region: 'eu-west-2', tables: { alerts: 'a', audit: 'b', idempotency: 'c', meetings: 'd' } },
      clock: { now: () => new Date() },
      ids: { newId: () => 'id' },
    });
    const event = { requestContext: { requestId: 'r', routeKey: 'GET /health', http: { method: 'GET', path: '/health' } } };

    // Act
    await health(event as never, { ...lambdaContext(), awsRequestId: 'first-request' });
    await health(event as never, { ...lambdaContext(), awsRequestId: 'second-request' });

    // Assess
    const requests = lines.filter((line) => line['message'] === 'request');
    expect(requests).toHaveLength(2);
    expect(requests.map((line) => line['function_request_id'])).toEqual(['first-request', 'second-request']);
    // Powertools decides which invocation was the cold one; a warm one never says it was cold.
    expect(requests.map((line) => typeof line['cold_start'])).toEqual(['boolean', 'boolean']);
    expect(requests[1]?.['cold_start']).toBe(false);
    expect(requests.every((line) => line['xray_trace_id'] === '1-5759e988-bd862e3fe1be46a994272793')).toBe(true);
  });
});
