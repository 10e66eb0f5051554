import { vi } from 'vitest';

// The logger is built when its module loads; keep the test output quiet.
vi.hoisted(() => {
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
  process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';
});

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { MessageQueue, QueueMessage } from '../../../../functions/adapters/queue.js';
import { NotFoundError } from '../../../../functions/core/errors.js';
import { jsonResponse } from '../../../../functions/shared/http/problem.js';
import { httpRoute } from '../../../../functions/shared/http/route.js';
import { clock } from '../../../../functions/shared/wiring.js';
import { apiEvent, type EventOptions, lambdaContext } from '../../../support/apigw.js';
import { FixedClock, NOW, SequentialIds } from '../../../support/fakes.js';

/** The audit queue, in memory: what the route put on record. */
class RecordingQueue implements MessageQueue {
  readonly messages: QueueMessage[] = [];
  async send(message: QueueMessage): Promise<void> {
    this.messages.push(message);
  }
}

const Body = z.strictObject({ n: z.number().int() });
const JSON_HEADERS = { 'content-type': 'application/json' };

// No request here claims an Idempotency-Key, so the store behind this client is never called.
const ddb = mockClient(DynamoDBDocumentClient);

/**
 * A route built by httpRoute, as every handler module builds one, around a run function the test controls;
 * `wire` gives it an environment whose audit queue is in memory.
 */
function route(run: Parameters<typeof httpRoute>[1]) {
  const queue = new RecordingQueue();
  const env = {
    config: { region: 'eu-west-2', tables: { alerts: 'a', audit: 'b', idempotency: 'c', meetings: 'd' } },
    clock: new FixedClock(new Date(NOW)),
    ids: new SequentialIds(),
    adapters: {
      documentClient: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-2' })),
      auditQueue: queue,
    },
  };
  const handler = httpRoute({ body: true, needs: { clock } }, run).wire(env);
  const call = (options: EventOptions) =>
    handler(apiEvent(options) as never, lambdaContext() as Context) as Promise<{
      statusCode: number;
      headers: Record<string, string>;
      body: string;
    }>;
  return { call, queue };
}

beforeEach(() => {
  ddb.reset();
});

describe('httpRoute body()', () => {
  it('gives the body as the contract reads it', async () => {
    // Prepare
    const seen: unknown[] = [];
    const { call } = route(async ({ body }) => {
      seen.push(body(Body));
      return jsonResponse(201, { ok: true });
    });

    // Act
    const response = await call({ headers: JSON_HEADERS, body: '{"n":3}' });

    // Assess
    expect(response.statusCode).toBe(201);
    expect(seen).toEqual([{ n: 3 }]);
  });

  it.each([
    ['an oversized body', { headers: JSON_HEADERS, body: `"${'x'.repeat(64 * 1024)}"` }, 413, 'Content Too Large'],
    ['the wrong content type', { headers: { 'content-type': 'text/plain' }, body: '{"n":3}' }, 415, 'Unsupported Media Type'],
    ['malformed JSON', { headers: JSON_HEADERS, body: '{"n":' }, 400, 'Malformed JSON'],
    ['JSON nested too deeply', { headers: JSON_HEADERS, body: `${'['.repeat(200)}${']'.repeat(200)}` }, 422, 'The request is not valid'],
    ['a body breaking the contract', { headers: JSON_HEADERS, body: '{"n":"three"}' }, 422, 'The request is not valid'],
  ] as const)('raises the refusal of %s when the handler asks for the body, not before', async (_label, options, status, title) => {
    // Prepare
    const reached: string[] = [];
    const { call } = route(async ({ body }) => {
      reached.push('handler');
      body(Body);
      reached.push('after body()');
      return jsonResponse(201, { ok: true });
    });

    // Act
    const response = await call(options);

    // Assess
    expect(reached).toEqual(['handler']);
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(response.body)).toMatchObject({ status, title });
  });

  it('lets the handler refuse first: a bad body never asked for is never raised', async () => {
    // Prepare: as a route about a resource the caller may not know answers before it reads the body
    const { call } = route(async () => {
      throw new NotFoundError('No such alert');
    });

    // Act
    const response = await call({ headers: JSON_HEADERS, body: '{"n":' });

    // Assess
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body)).toMatchObject({ status: 404, detail: 'No such alert' });
  });
});
