/**
 * Refusals by API Gateway's JWT authorizer reach the audit trail from the access log: each 401 line
 * becomes one UNAUTHENTICATED event, with the request's own time and an id that makes redelivery harmless.
 */
import { gzipSync } from 'node:zlib';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditEvent } from '../../../contracts/audit.js';
import { useDeployedEnv } from '../../support/lambda-env.js';

const restoreEnv = useDeployedEnv();
const sqs = mockClient(SQSClient);
let handler: (event: CloudWatchLogsEvent) => Promise<void>;

beforeAll(async () => {
  handler = (await import('../../../functions/handlers/authorizer-refusals.js')).handler as typeof handler;
});
beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
});
afterAll(() => {
  restoreEnv();
});

function logsEvent(lines: object[]): CloudWatchLogsEvent {
  const payload = {
    messageType: 'DATA_MESSAGE',
    owner: '123456789012',
    logGroup: '/aws/apigateway/mset-hub',
    logStream: 'stream',
    subscriptionFilters: ['authorizer-refusals'],
    logEvents: lines.map((line, index) => ({ id: String(index), timestamp: 1_790_000_000_000, message: JSON.stringify(line) })),
  };
  return { awslogs: { data: gzipSync(JSON.stringify(payload)).toString('base64') } };
}

const sentEvents = () =>
  sqs.commandCalls(SendMessageCommand).map((call) => AuditEvent.parse(JSON.parse(call.args[0].input.MessageBody ?? '')));

describe('authorizer refusals from the access log', () => {
  it('records each 401 as an UNAUTHENTICATED event at the time of the request', async () => {
    // Prepare
    const event = logsEvent([
      {
        requestId: 'req-a',
        routeKey: 'GET /v1/alerts/{alertId}',
        status: '401',
        integrationStatus: '-',
        requestTimeEpoch: '1790000000123',
      },
      { requestId: 'req-b', routeKey: 'POST /v1/alerts', status: '401', integrationStatus: '-' },
    ]);

    // Act
    await handler(event);

    // Assess
    const events = sentEvents();
    expect(events.map((e) => [e.requestId, e.action, e.outcome, e.detail?.['route'], e.detail?.['source']])).toEqual([
      ['req-a', 'AUTHENTICATE', 'UNAUTHENTICATED', 'GET /v1/alerts/{alertId}', 'api-gateway'],
      ['req-b', 'AUTHENTICATE', 'UNAUTHENTICATED', 'POST /v1/alerts', 'api-gateway'],
    ]);
    expect(events[0]?.occurredAt).toBe(new Date(1_790_000_000_123).toISOString());
    expect(events[1]?.occurredAt).toBe(new Date(1_790_000_000_000).toISOString());
  });

  it('gives a redelivered line the same event id, so FIFO deduplication and the table keep one record', async () => {
    // Prepare
    const event = logsEvent([{ requestId: 'req-same', routeKey: 'GET /v1/areas', status: '401', integrationStatus: '-' }]);

    // Act
    await handler(event);
    await handler(event);

    // Assess
    const [first, second] = sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
    expect(first?.MessageDeduplicationId).toBe(second?.MessageDeduplicationId);
    expect(sentEvents()[0]?.eventId).toBe(sentEvents()[1]?.eventId);
  });

  it('skips lines that are not 401s, 401s a function returned itself (already audited), and lines not in the format', async () => {
    // Act
    await handler(
      logsEvent([
        { requestId: 'req-ok', status: '200', integrationStatus: '200' },
        { requestId: 'req-fn', status: '401', integrationStatus: '200' },
        { unexpected: true },
      ]),
    );

    // Assess
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('fails the delivery when the audit queue refuses, so Lambda retries it', async () => {
    // Prepare
    sqs.on(SendMessageCommand).rejects(new Error('queue down'));

    // Act
    const attempt = handler(logsEvent([{ requestId: 'req-c', status: '401', integrationStatus: '-' }]));

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'DependencyUnavailableError', dependency: 'audit-queue' });
  });
});
