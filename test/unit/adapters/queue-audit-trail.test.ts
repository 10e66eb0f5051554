import { SendMessageCommand, SQSClient, SQSServiceException } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../contracts/audit.js';
import { InvalidAuditEventError } from '../../../functions/adapters/errors.js';
import { QueueAuditTrail } from '../../../functions/adapters/queue-audit-trail.js';
import { createSqsClient, SqsQueue } from '../../../functions/adapters/sqs/sqs-queue.js';
import { DependencyUnavailableError } from '../../../functions/core/errors.js';

const QUEUE_URL = 'https://sqs.eu-west-2.amazonaws.com/111122223333/mset-audit.fifo';

const viewEvent: AuditEvent = {
  eventId: '6d1f3a10-0000-4000-8000-000000000001',
  occurredAt: '2025-03-01T10:15:00.000Z',
  requestId: 'req-1',
  action: 'ALERT_VIEW',
  outcome: 'SUCCESS',
  actor: { sub: 'persona-coordinator-1', area: 'north-tyneside', agency: 'childrens-services', roles: ['coordinator'] },
  resource: { type: 'alert', id: '3f0c7c1e-0000-4000-8000-000000000001' },
  detail: { scopes: 'IDENTITY,RISK' },
};

const listEvent: AuditEvent = {
  eventId: '6d1f3a10-0000-4000-8000-000000000002',
  occurredAt: '2025-03-01T10:16:00+01:00',
  requestId: 'req-2',
  action: 'ALERT_LIST',
  outcome: 'SUCCESS',
  actor: { sub: 'persona-police-1', area: 'northumberland', agency: 'police', roles: ['police'] },
  detail: { released: 3 },
};

const sqs = mockClient(SQSClient);
let trail: QueueAuditTrail;

beforeEach(() => {
  sqs.reset();
  trail = new QueueAuditTrail(new SqsQueue({ client: new SQSClient({ region: 'eu-west-2' }), queueUrl: QUEUE_URL }));
});

afterEach(() => {
  sqs.reset();
});

describe('QueueAuditTrail on SQS', () => {
  it('sends the event as the body, grouped by alert and deduplicated by event id', async () => {
    // Prepare
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });

    // Act
    await trail.record(viewEvent);

    // Assess
    const calls = sqs.commandCalls(SendMessageCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.QueueUrl).toBe(QUEUE_URL);
    expect(JSON.parse(input.MessageBody!)).toEqual(viewEvent);
    expect(input.MessageGroupId).toBe(viewEvent.resource!.id);
    expect(input.MessageDeduplicationId).toBe(viewEvent.eventId);
  });

  it('groups an event without a resource by the actor area and subject', async () => {
    // Prepare
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-2' });

    // Act
    await trail.record(listEvent);

    // Assess
    const input = sqs.commandCalls(SendMessageCommand)[0]!.args[0].input;
    expect(input.MessageGroupId).toBe('northumberland/persona-police-1');
    expect(input.MessageDeduplicationId).toBe(listEvent.eventId);
  });

  it('digests a group id SQS would refuse, keeping it stable', async () => {
    // Prepare
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-3' });
    const spaced: AuditEvent = { ...listEvent, actor: { ...listEvent.actor, sub: 'a subject with spaces' } };

    // Act
    await trail.record(spaced);
    await trail.record({ ...spaced, eventId: '6d1f3a10-0000-4000-8000-000000000003' });

    // Assess
    const [first, second] = sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input.MessageGroupId);
    expect(first).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(second).toBe(first);
  });

  it.each([
    ['a service error', () => new SQSServiceException({ name: 'QueueDoesNotExist', $fault: 'client', $metadata: {}, message: 'gone' })],
    ['throttling', () => new SQSServiceException({ name: 'RequestThrottled', $fault: 'client', $metadata: {}, message: 'slow down' })],
    ['a network error', () => Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' })],
  ])('reports %s as the audit queue being unavailable', async (_label, failure) => {
    // Prepare
    const cause = failure();
    sqs.on(SendMessageCommand).rejects(cause);

    // Act
    const error = await trail.record(viewEvent).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect((error as DependencyUnavailableError).dependency).toBe('audit-queue');
    expect((error as Error).cause).toBe(cause);
  });

  it('rejects an event the contract refuses, without sending anything', async () => {
    // Prepare
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-4' });
    const invalid = { ...viewEvent, eventId: 'not-a-uuid', childName: 'Test Child-Alpha' } as unknown as AuditEvent;

    // Act
    const error = await trail.record(invalid).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(InvalidAuditEventError);
    expect((error as InvalidAuditEventError).paths).toContain('eventId');
    expect(String(error)).not.toContain('Test Child-Alpha');
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('creates a client with three attempts in the given region', async () => {
    // Act
    const client = createSqsClient('eu-west-2');

    // Assess
    expect(await client.config.maxAttempts()).toBe(3);
    expect(await client.config.region()).toBe('eu-west-2');
  });
});
