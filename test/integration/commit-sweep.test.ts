/**
 * The commit sweep as Lambda runs it: the handlers wired to the AWS adapters on dynalite, with an audit
 * queue that records what is sent. Creations are cut off as a process dies (a DynamoDB call that never
 * answers, so the request records nothing more), then the sweep runs a day later: every creation abandoned
 * before its commit gets exactly one FAILED correcting its SUCCESS, a committed one none, and a second run
 * records nothing more.
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuditEvent } from '../../contracts/audit.js';
import { DynamoHistoryRecords } from '../../functions/adapters/dynamodb/history-store.js';
import type { TableNames } from '../../functions/adapters/dynamodb/tables.js';
import type { MessageQueue } from '../../functions/adapters/queue.js';
import { correctionEventId } from '../../functions/core/creations.js';
import { DependencyUnavailableError } from '../../functions/core/errors.js';
import type { HttpHandler, LambdaHandler } from '../../functions/shared/function.js';
import { randomIds } from '../../functions/shared/lambda-environment.js';
import { logger } from '../../functions/shared/logger.js';
import type { HubEnvironment } from '../../functions/shared/wiring.js';
import { apiEvent, claimsFor, lambdaContext } from '../support/apigw.js';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.js';
import { InMemoryKeyService } from '../support/fakes.js';
import { sampleAlert, sampleMeeting } from '../support/hub.js';

// A request cut off mid-way is logged as nothing at all; the sweep's own log is not what this file checks.
vi.hoisted(() => {
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
});

const NAMES: TableNames = { alerts: 's-alerts', audit: 's-audit', idempotency: 's-idempotency', meetings: 's-meetings' };
const POLICE = claimsFor('northumberland', ['police']);
const CHAIR = claimsFor('northumberland', ['chair']);
const DAY_AND_A_BIT = 26 * 60 * 60 * 1000;

type Command = { constructor: { name: string }; input: Record<string, any> };

let dynamo: TestDynamo;
let now = Date.now();
const audit: AuditEvent[] = [];
/** While set, the audit queue refuses every event, as SQS unreachable would. */
let queueDown = false;
/** The DynamoDB call that never answers next, as in a process killed while it waits; once. */
let hangAt: ((command: Command) => boolean) | undefined;
let reached: () => void = () => undefined;
let createAlert: HttpHandler;
let requestMeeting: HttpHandler;
let sweep: LambdaHandler;
let history: DynamoHistoryRecords;

beforeAll(async () => {
  dynamo = await startTestDynamo('mset-hub-sweep-', NAMES);
  const send = dynamo.client.send.bind(dynamo.client);
  dynamo.client.send = ((command: Command, ...rest: unknown[]) => {
    if (hangAt?.(command)) {
      hangAt = undefined;
      reached();
      return new Promise(() => undefined);
    }
    return (send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
  }) as typeof dynamo.client.send;
  const auditQueue: MessageQueue = {
    send: async (message) => {
      if (queueDown) throw new DependencyUnavailableError('audit-queue');
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
  requestMeeting = (await import('../../functions/handlers/request-meeting.js')).wire(environment);
  sweep = (await import('../../functions/handlers/commit-sweep.js')).wire(environment);
  history = new DynamoHistoryRecords(dynamo.client, NAMES);
});

afterAll(async () => {
  hangAt = undefined;
  await dynamo?.stop();
});

const alertEvent = () =>
  apiEvent({
    method: 'POST',
    path: '/v1/alerts',
    claims: POLICE,
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify(sampleAlert(['north-tyneside', 'gateshead'])),
  });
const meetingEvent = () =>
  apiEvent({
    method: 'POST',
    path: '/v1/meetings',
    claims: CHAIR,
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify(sampleMeeting(['north-tyneside'])),
  });

const isPutOf = (sk: string) => (command: Command) => command.constructor.name === 'PutCommand' && command.input['Item']?.sk === sk;

/** Runs a request until it reaches the call `at` picks, which never answers: the process dies there. */
async function cutOff(handler: HttpHandler, event: ReturnType<typeof apiEvent>, at: (command: Command) => boolean): Promise<void> {
  const hung = new Promise<void>((resolve) => {
    reached = resolve;
  });
  hangAt = at;
  void handler(event, lambdaContext());
  await hung;
}

async function created(handler: HttpHandler, event: ReturnType<typeof apiEvent>): Promise<string> {
  const response = await handler(event, lambdaContext());
  expect(response.statusCode).toBe(201);
  const body = JSON.parse(String(response.body)) as { alertId?: string; meetingId?: string };
  return String(body.alertId ?? body.meetingId);
}

/** The sort keys under an alert's partition, read straight from the table. */
async function sharesOf(alertId: string): Promise<string[]> {
  const { Items } = await dynamo.client.send(
    new QueryCommand({
      TableName: NAMES.alerts,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `ALERT#${alertId}` },
    }),
  );
  return (Items ?? []).map((item) => String(item['sk'])).sort();
}

const successOf = (id: string) => audit.find((event) => event.resource?.id === id && event.outcome === 'SUCCESS')!;
const failedEvents = () => audit.filter((event) => event.outcome === 'FAILED');

describe('commit-sweep, wired as on AWS', () => {
  it('corrects each creation abandoned before its commit exactly once, completes the committed ones, and repeats nothing', async () => {
    // Prepare: one whole creation of each kind, one of each abandoned before its commit, and one alert
    // committed but cut off before its history record
    const wholeAlert = await created(createAlert, alertEvent());
    const wholeMeeting = await created(requestMeeting, meetingEvent());
    await cutOff(createAlert, alertEvent(), isPutOf('ALERT'));
    await cutOff(requestMeeting, meetingEvent(), isPutOf('MEETING'));
    await cutOff(createAlert, alertEvent(), isPutOf('HOLDERS'));
    const creations = audit.filter((event) => event.outcome === 'SUCCESS' && ['ALERT_CREATE', 'MEETING_REQUEST'].includes(event.action));
    const [, , abandonedAlert, abandonedMeeting, unrecorded] = creations.map((event) => event.resource!.id);
    const failedBefore = failedEvents().length;
    now += DAY_AND_A_BIT;

    // Act
    const first = await sweep({}, lambdaContext());
    // The two stores are swept at once: their corrections arrive in either order.
    const afterFirst = failedEvents()
      .slice(failedBefore)
      .sort((a, b) => a.resource!.type.localeCompare(b.resource!.type));
    const second = await sweep({}, lambdaContext());

    // Assess
    expect(creations.map((event) => event.resource!.id).slice(0, 2)).toEqual([wholeAlert, wholeMeeting]);
    expect(failedBefore).toBe(0);
    // Both committed alerts: the one cut off before its history record, and the whole one, whose intent a
    // creation leaves for the sweep to drop; and so the whole meeting.
    expect(first).toEqual({
      alertsCommitted: 2,
      alertsRemoved: 1,
      alertsDeferred: 0,
      meetingsCommitted: 1,
      meetingsRemoved: 1,
      meetingsDeferred: 0,
    });
    // Each FAILED speaks for the original request: its actor, its request id, the event it corrects.
    expect(afterFirst).toEqual(
      [abandonedAlert!, abandonedMeeting!].map((id) => {
        const success = successOf(id);
        return {
          eventId: correctionEventId(success.eventId),
          // Dated to the attempt it corrects, as the request's own correction would be: one record, not two.
          occurredAt: success.occurredAt,
          requestId: success.requestId,
          action: success.action,
          outcome: 'FAILED',
          actor: success.actor,
          resource: success.resource,
          detail: { corrects: success.eventId },
        };
      }),
    );
    expect(second).toEqual({
      alertsCommitted: 0,
      alertsRemoved: 0,
      alertsDeferred: 0,
      meetingsCommitted: 0,
      meetingsRemoved: 0,
      meetingsDeferred: 0,
    });
    expect(failedEvents()).toHaveLength(2);
    // The committed alert cut off before its history record has one now; the abandoned ones have none.
    expect(await history.get('alert', unrecorded!)).toMatchObject({ type: 'alert', id: unrecorded, ownerArea: 'northumberland' });
    expect(await history.get('alert', abandonedAlert!)).toBeUndefined();
    expect(await history.get('meeting', abandonedMeeting!)).toBeUndefined();
  });

  it('leaves an abandoned creation whole while its correction cannot be recorded, and corrects and removes it on the next run', async () => {
    // Prepare
    const failedBefore = failedEvents().length;
    await cutOff(createAlert, alertEvent(), isPutOf('ALERT'));
    const abandoned = audit.at(-1)!;
    const sharesLeft = await sharesOf(abandoned.resource!.id);
    now += DAY_AND_A_BIT;

    // Act
    queueDown = true;
    // (This file's log level is SILENT: what the logger is told is read from it.)
    const warned = vi.spyOn(logger, 'warn');
    const errored = vi.spyOn(logger, 'error');
    const refused = await sweep({}, lambdaContext());
    const said = [...warned.mock.calls.map((call) => ['WARN', ...call]), ...errored.mock.calls.map((call) => ['ERROR', ...call])];
    warned.mockRestore();
    errored.mockRestore();
    queueDown = false;
    const sharesKept = await sharesOf(abandoned.resource!.id);
    const next = await sweep({}, lambdaContext());

    // Assess
    expect(abandoned).toMatchObject({ action: 'ALERT_CREATE', outcome: 'SUCCESS' });
    // (A history record written beside the commit that never came may be there too: it goes with the shares.)
    expect(sharesLeft.filter((sk) => sk !== 'HOLDERS')).toEqual(['SHARE#gateshead', 'SHARE#north-tyneside']);
    expect(refused).toMatchObject({ alertsRemoved: 0, alertsDeferred: 1 });
    // Said in the log, for the job's alarm to send an operator to: the item and why, by name; the run's counts.
    expect(said).toEqual([
      ['WARN', 'correction not recorded', { errors: expect.arrayContaining(['DependencyUnavailableError']) }],
      ['ERROR', 'job left items undone', expect.objectContaining({ job: 'commit-sweep', undone: 1, alertsDeferred: 1 })],
    ]);
    expect(sharesKept.filter((sk) => sk !== 'HOLDERS')).toEqual(['SHARE#gateshead', 'SHARE#north-tyneside']);
    expect(next).toMatchObject({ alertsRemoved: 1, alertsDeferred: 0 });
    expect(failedEvents().slice(failedBefore)).toEqual([
      expect.objectContaining({
        eventId: correctionEventId(abandoned.eventId),
        detail: { corrects: abandoned.eventId },
      }),
    ]);
    expect(await sharesOf(abandoned.resource!.id)).toEqual([]);
  });
});
