/**
 * The crash-safety properties on the AWS path, by fault injection: the Lambda handlers, wired to the AWS
 * DynamoDB adapters (on dynalite), with the Nth DynamoDB call failing, or never answering as in a Lambda
 * that times out between two writes. After each fault the client retries with the same Idempotency-Key
 * once the lease has lapsed, as a real client would; then nothing is half-written, nothing exists twice,
 * and every stored change is on record.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuditEvent } from '../../contracts/audit.js';
import { DynamoAlertStore } from '../../functions/adapters/dynamodb/alert-store.js';
import type { TableNames } from '../../functions/adapters/dynamodb/tables.js';
import type { MessageQueue } from '../../functions/adapters/queue.js';
import type { HttpHandler } from '../../functions/shared/function.js';
import { randomIds } from '../../functions/shared/lambda-environment.js';
import type { HubEnvironment } from '../../functions/shared/wiring.js';
import { apiEvent, claimsFor, lambdaContext } from '../support/apigw.js';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.js';
import { InMemoryKeyService } from '../support/fakes.js';
import { sampleAlert } from '../support/hub.js';

// The injected faults are logged as failed requests; the assertions are what this file reports.
vi.hoisted(() => {
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
});

const NAMES: TableNames = { alerts: 'f-alerts', audit: 'f-audit', idempotency: 'f-idempotency', meetings: 'f-meetings' };
const RECIPIENTS = ['north-tyneside', 'newcastle', 'gateshead', 'sunderland'];
const POLICE = claimsFor('northumberland', ['police']);

let dynamo: TestDynamo;
let now = Date.parse('2026-12-01T10:00:00Z');
/** The DynamoDB call (counted from 1) that fails or hangs next; 0 for none. */
let faultAt = 0;
let faultKind: 'fail' | 'hang' = 'fail';
let calls = 0;
const audit: AuditEvent[] = [];
let createAlert: HttpHandler;
let acknowledge: HttpHandler;
let store: DynamoAlertStore;

beforeAll(async () => {
  dynamo = await startTestDynamo('mset-hub-faults-', NAMES);
  const send = dynamo.client.send.bind(dynamo.client);
  dynamo.client.send = ((command: unknown, ...rest: unknown[]) => {
    calls += 1;
    if (calls === faultAt) {
      if (faultKind === 'hang') return new Promise(() => undefined);
      return Promise.reject(Object.assign(new Error('injected fault'), { name: 'InternalServerError', $fault: 'server' }));
    }
    return (send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
  }) as typeof dynamo.client.send;
  const auditQueue: MessageQueue = {
    send: async (message) => {
      audit.push(JSON.parse(message.body) as AuditEvent);
    },
  };
  const environment: HubEnvironment = {
    config: { region: 'eu-west-2', tables: NAMES, idempotencyLeaseSeconds: 35 },
    clock: { now: () => new Date(now) },
    ids: randomIds,
    adapters: { documentClient: dynamo.client, keyService: new InMemoryKeyService(), auditQueue },
  };
  createAlert = (await import('../../functions/handlers/create-alert.js')).wire(environment);
  acknowledge = (await import('../../functions/handlers/acknowledge-alert.js')).wire(environment);
  store = new DynamoAlertStore(dynamo.client, NAMES.alerts);
});

afterAll(async () => {
  faultAt = 0;
  await dynamo?.stop();
});

/** One invocation; a hung one is given up after a moment, as API Gateway gives up on a Lambda that times out. */
async function invoke(handler: HttpHandler, event: ReturnType<typeof apiEvent>): Promise<APIGatewayProxyStructuredResultV2 | 'cut off'> {
  const timeout = new Promise<'cut off'>((resolve) => setTimeout(() => resolve('cut off'), 300));
  return Promise.race([handler(event, lambdaContext()), timeout]);
}

function createEvent(key: string) {
  return apiEvent({
    method: 'POST',
    path: '/v1/alerts',
    claims: POLICE,
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(sampleAlert(RECIPIENTS)),
  });
}

function ackEvent(alertId: string, area: string, key: string) {
  return apiEvent({
    method: 'POST',
    path: `/v1/alerts/${alertId}/acknowledgements`,
    routeKey: 'POST /v1/alerts/{alertId}/acknowledgements',
    pathParameters: { alertId },
    claims: claimsFor(area, ['coordinator']),
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ outcome: 'ACCEPTED' }),
  });
}

/** Retries with the same key after the lease, until the hub answers for good (bounded). */
async function retryUntilAnswered(handler: HttpHandler, makeEvent: () => ReturnType<typeof apiEvent>) {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    now += 36_000;
    const response = await invoke(handler, makeEvent());
    if (response !== 'cut off' && response.statusCode !== 409 && response.statusCode !== 503) return response;
  }
  throw new Error('no final answer after 5 retries');
}

async function callsOfCleanCreate(): Promise<number> {
  const before = calls;
  const response = await invoke(createAlert, createEvent(randomUUID()));
  expect(response).not.toBe('cut off');
  return calls - before;
}

/** Whatever any recipient can list is a committed alert with every one of its shares. */
async function expectNothingPartial(): Promise<void> {
  for (const area of RECIPIENTS) {
    const inbox = await store.listInbox(area, { now: new Date(now).toISOString() }, 100);
    for (const share of inbox.items) {
      const alert = await store.getAlert(share.alertId);
      expect(alert, `${area} lists ${share.alertId}`).toBeDefined();
      const shares = await store.getShares((alert?.recipients ?? []).map((recipient) => ({ alertId: share.alertId, area: recipient })));
      expect(shares).toHaveLength(alert?.recipients.length ?? -1);
    }
  }
}

async function outboxIds(): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listOutbox('northumberland', new Date(now).toISOString(), 100, cursor);
    ids.push(...page.items.map((alert) => alert.alertId));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return ids;
}

describe.each(['fail', 'hang'] as const)('create-alert with the Nth DynamoDB call %s', (kind) => {
  it('completes or replays on retry: one alert per key, every share visible, its creation on record', async () => {
    const total = await callsOfCleanCreate();
    expect(total).toBeGreaterThanOrEqual(5);
    const created = new Map<string, string>();
    for (let n = 1; n <= total; n += 1) {
      // Prepare: a create cut off at its nth call.
      const key = randomUUID();
      faultKind = kind;
      faultAt = calls + n;
      await invoke(createAlert, createEvent(key));
      faultAt = 0;
      await expectNothingPartial();

      // Act: the client retries with the same key.
      const answer = await retryUntilAnswered(createAlert, () => createEvent(key));

      // Assess
      expect(answer.statusCode, `fault at call ${n}`).toBe(201);
      const alertId = (JSON.parse(String(answer.body)) as { alertId: string }).alertId;
      created.set(key, alertId);
      const alert = await store.getAlert(alertId);
      expect(alert?.recipients).toEqual(RECIPIENTS);
      const shares = await store.getShares(RECIPIENTS.map((area) => ({ alertId, area })));
      expect(shares.map((share) => share.recipientArea)).toEqual(RECIPIENTS);
      for (const area of RECIPIENTS) {
        const inbox = await store.listInbox(area, { now: new Date(now).toISOString() }, 100);
        expect(inbox.items.filter((share) => share.alertId === alertId)).toHaveLength(1);
      }
      const onRecord = audit.filter((event) => event.action === 'ALERT_CREATE' && event.resource?.id === alertId);
      expect(
        onRecord.some((event) => event.outcome === 'SUCCESS'),
        `fault at call ${n}`,
      ).toBe(true);
    }
    // No key made two alerts, and the outbox holds exactly the alerts the client was told of.
    const outbox = await outboxIds();
    for (const alertId of created.values()) expect(outbox.filter((id) => id === alertId)).toHaveLength(1);
    expect(new Set(created.values()).size).toBe(created.size);
  });
});

describe.each(['fail', 'hang'] as const)('acknowledge-alert with the Nth DynamoDB call %s', (kind) => {
  it('stores one acknowledgement per share, on record, and answers the retry as the first try would have', async () => {
    const response = await invoke(createAlert, createEvent(randomUUID()));
    if (response === 'cut off') throw new Error('setup cut off');
    const alertId = (JSON.parse(String(response.body)) as { alertId: string }).alertId;
    let before = calls;
    const clean = await invoke(acknowledge, ackEvent(alertId, RECIPIENTS[0] as string, randomUUID()));
    expect(clean).not.toBe('cut off');
    const total = calls - before;
    for (let n = 1; n <= Math.min(total, RECIPIENTS.length - 1); n += 1) {
      const area = RECIPIENTS[n] as string;
      const key = randomUUID();
      before = calls;
      faultKind = kind;
      faultAt = before + n;
      await invoke(acknowledge, ackEvent(alertId, area, key));
      faultAt = 0;
      const answer = await retryUntilAnswered(acknowledge, () => ackEvent(alertId, area, key));
      expect(answer.statusCode, `fault at call ${n}`).toBe(201);
      const share = await store.getShare(alertId, area);
      expect(share?.status).toBe('ACKNOWLEDGED');
      const successes = audit.filter(
        (event) =>
          event.action === 'ALERT_ACKNOWLEDGE' &&
          event.resource?.id === alertId &&
          event.actor.area === area &&
          event.outcome === 'SUCCESS',
      );
      // The stored acknowledgement is the event on record.
      expect(successes.map((event) => event.eventId)).toContain(share?.acknowledgement?.eventId);
    }
  });
});
