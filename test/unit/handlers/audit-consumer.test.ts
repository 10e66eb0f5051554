import { DynamoDBDocumentClient, PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditEvent } from '../../../contracts/audit.js';
import { lambdaContext } from '../../support/apigw.js';
import { conditionalCheckFailed, throttled } from '../../support/aws-errors.js';
import { useDeployedEnv } from '../../support/lambda-env.js';

// The Lambda environment is read once, when the handler is first invoked.
useDeployedEnv();

const ddb = mockClient(DynamoDBDocumentClient);
let handler: (event: SQSEvent, context: Context) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
let logger: typeof import('../../../functions/shared/logger.js').logger;

beforeAll(async () => {
  handler = (await import('../../../functions/handlers/audit-consumer.js')).handler as typeof handler;
  ({ logger } = await import('../../../functions/shared/logger.js'));
});

beforeEach(() => {
  ddb.reset();
  vi.restoreAllMocks();
});

const ALERT_A = '3f0c7c1e-0000-4000-8000-00000000000a';
const ALERT_B = '3f0c7c1e-0000-4000-8000-00000000000b';

function auditEvent(n: number, alertId: string): AuditEvent {
  return {
    eventId: `6d1f3a10-0000-4000-8000-${String(n).padStart(12, '0')}`,
    occurredAt: `2026-03-10T10:00:0${n}.000Z`,
    requestId: `req-${n}`,
    action: 'ALERT_VIEW',
    outcome: 'SUCCESS',
    actor: { sub: 'coord-1', area: 'north-tyneside', agency: 'childrens-services', roles: ['coordinator'] },
    resource: { type: 'alert', id: alertId },
  };
}

function record(id: string, groupId: string, body: string): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `handle-${id}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1773136800000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1773136800001',
      SequenceNumber: `1000000000000000000${id.length}`,
      MessageGroupId: groupId,
      MessageDeduplicationId: id,
    },
    messageAttributes: {},
    md5OfBody: 'x',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-2:123456789012:mset-hub-audit.fifo',
    awsRegion: 'eu-west-2',
  };
}

const eventRecord = (id: string, n: number, alertId: string) => record(id, alertId, JSON.stringify(auditEvent(n, alertId)));
const storedEventIds = () =>
  ddb.commandCalls(PutCommand).map((call) => ((call.args[0].input as PutCommandInput).Item!['event'] as AuditEvent).eventId);
const failures = (response: { batchItemFailures: { itemIdentifier: string }[] }) =>
  response.batchItemFailures.map((failure) => failure.itemIdentifier);

describe('audit consumer', () => {
  it('stores every event of a good batch, in order, and reports no failures', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    const event: SQSEvent = { Records: [eventRecord('a1', 1, ALERT_A), eventRecord('b1', 2, ALERT_B), eventRecord('a2', 3, ALERT_A)] };

    // Act
    const response = await handler(event, lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(storedEventIds()).toEqual([auditEvent(1, ALERT_A).eventId, auditEvent(2, ALERT_B).eventId, auditEvent(3, ALERT_A).eventId]);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.TableName).toBe('audit-table');
  });

  it('treats an event already stored (a redelivery) as success', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionalCheckFailed());

    // Act
    const response = await handler({ Records: [eventRecord('a1', 1, ALERT_A)] }, lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
  });

  it('fails a record whose write fails and the rest of its group, but lets other groups proceed', async () => {
    // Prepare: the second event of group A cannot be written
    const failing = auditEvent(3, ALERT_A).eventId;
    ddb.on(PutCommand).callsFake((input: PutCommandInput) => {
      if ((input.Item!['event'] as AuditEvent).eventId === failing) throw throttled();
      return {};
    });
    const event: SQSEvent = {
      Records: [
        eventRecord('a1', 1, ALERT_A),
        eventRecord('b1', 2, ALERT_B),
        eventRecord('a2', 3, ALERT_A),
        eventRecord('b2', 4, ALERT_B),
        eventRecord('a3', 5, ALERT_A),
        eventRecord('b3', 6, ALERT_B),
      ],
    };

    // Act
    const response = await handler(event, lambdaContext());

    // Assess
    expect(failures(response)).toEqual(['a2', 'a3']);
    // a3 is never written ahead of a2: the access history stays in order
    expect(storedEventIds()).toEqual([1, 2, 3, 4, 6].map((n) => auditEvent(n, n % 2 === 0 ? ALERT_B : ALERT_A).eventId));
  });

  it.each([
    ['a body that is not JSON', 'not json {'],
    ['a body that is not an audit event', JSON.stringify({ eventId: 'nope', child: 'Test Child-Alpha' })],
    ['an event with child content in an unknown field', JSON.stringify({ ...auditEvent(9, ALERT_A), note: 'Test Child-Alpha' })],
  ])('reports %s as a failure (poison), with the rest of its group, and never stores it', async (_label, body) => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    const warn = vi.spyOn(logger, 'warn');
    const event: SQSEvent = {
      Records: [record('poison', ALERT_A, body), eventRecord('a2', 2, ALERT_A), eventRecord('b1', 3, ALERT_B)],
    };

    // Act
    const response = await handler(event, lambdaContext());

    // Assess
    expect(failures(response)).toEqual(['poison', 'a2']);
    expect(storedEventIds()).toEqual([auditEvent(3, ALERT_B).eventId]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(warn.mock.calls)).not.toContain('Child-Alpha');
  });

  it('reports the whole batch as failed, without throwing, when the table is down', async () => {
    // Prepare
    ddb.on(PutCommand).rejects(throttled());

    // Act
    const response = await handler({ Records: [eventRecord('a1', 1, ALERT_A), eventRecord('b1', 2, ALERT_B)] }, lambdaContext());

    // Assess
    expect(failures(response)).toEqual(['a1', 'b1']);
  });
});
