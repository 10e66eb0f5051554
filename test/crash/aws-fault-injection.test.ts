/**
 * The crash-safety properties on the AWS path, by fault injection: the Lambda handlers, wired to the AWS
 * DynamoDB adapters (on dynalite), with the Nth DynamoDB call of one request faulted, for every N a clean
 * request makes. A fault is one of:
 * - fail: the call is refused and never reaches DynamoDB;
 * - hang: the call never answers, as in a Lambda that times out there; the invocation is frozen, so
 *   nothing after it (no further call, no audit event) happens;
 * - applied-then-fail: DynamoDB applies the call, then its answer is lost (a network timeout);
 * - applied-then-conditional-fail: DynamoDB applies a conditional write, then the SDK's own retry of it
 *   fails its condition, so the caller sees ConditionalCheckFailedException for a write that stands;
 * - applied-then-fail-and-next: as applied-then-fail, and the call after it fails too (DynamoDB unreachable
 *   for a moment), so the read that would have found the write does not.
 * After each fault the client retries with the same Idempotency-Key once the lease has lapsed, as a real
 * client would; then nothing is half-written, nothing exists twice, every stored change is on record once,
 * and no record of a change that stands ends in its correction.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuditAction, AuditEvent } from '../../contracts/audit.js';
import { DynamoAlertStore } from '../../functions/adapters/dynamodb/alert-store.js';
import { DynamoAuditStore } from '../../functions/adapters/dynamodb/audit-store.js';
import { DynamoHistoryRecords } from '../../functions/adapters/dynamodb/history-store.js';
import { DynamoMeetingStore } from '../../functions/adapters/dynamodb/meeting-store.js';
import type { TableNames } from '../../functions/adapters/dynamodb/tables.js';
import type { MessageQueue } from '../../functions/adapters/queue.js';
import type { StoredMeeting } from '../../functions/core/meetings/ports.js';
import type { HttpHandler } from '../../functions/shared/function.js';
import { randomIds } from '../../functions/shared/lambda-environment.js';
import type { HubEnvironment } from '../../functions/shared/wiring.js';
import { apiEvent, claimsFor, lambdaContext } from '../support/apigw.js';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.js';
import { InMemoryKeyService } from '../support/fakes.js';
import { sampleAlert, sampleMeeting } from '../support/hub.js';

// The injected faults are logged as failed requests; the assertions are what this file reports.
vi.hoisted(() => {
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
});

const NAMES: TableNames = { alerts: 'f-alerts', audit: 'f-audit', idempotency: 'f-idempotency', meetings: 'f-meetings' };
const RECIPIENTS = ['north-tyneside', 'newcastle', 'gateshead', 'sunderland'];
const POLICE = claimsFor('northumberland', ['police']);
const CHAIR = claimsFor('northumberland', ['chair']);
const coordinatorOf = (area: string) => claimsFor(area, ['coordinator']);
const KINDS = ['fail', 'hang', 'applied-then-fail', 'applied-then-conditional-fail', 'applied-then-fail-and-next'] as const;
type FaultKind = (typeof KINDS)[number];
type Response = APIGatewayProxyStructuredResultV2;
type Event = ReturnType<typeof apiEvent>;
/** One DynamoDB call as the wrapper saw it: its command, and whether it was a conditional write. */
type Call = { name: string; conditional: boolean };

let dynamo: TestDynamo;
let now = Date.parse('2026-12-01T10:00:00Z');
/** The DynamoDB call (counted from 1) that is faulted next; 0 for none. */
let faultAt = 0;
let faultKind: FaultKind = 'fail';
let calls = 0;
/** The call the last fault was injected on, so a fault that never happened fails the test instead of passing it. */
let injected: Call | undefined;
/** Every call made while a clean request is measured. */
let trace: Call[] | undefined;
const audit: AuditEvent[] = [];
const handlers = {} as Record<'createAlert' | 'acknowledge' | 'requestMeeting' | 'respond' | 'schedule', HttpHandler>;
let alerts: DynamoAlertStore;
let meetings: DynamoMeetingStore;
let histories: DynamoHistoryRecords;
let sweep: () => Promise<Record<string, number>>;
/** Every change the cases below made stand, by the key that made it: the sweep at the end must leave each as it is. */
const standing: Array<{ action: AuditAction; resourceId: string; key: Key }> = [];

/**
 * One invocation's state. A hung call freezes its invocation: whatever else of it was under way finishes
 * (its calls were already sent), then it is cut off, as API Gateway gives up on a Lambda that timed out.
 */
type Invocation = { frozen: boolean; inflight: number; cutOff: () => void };
const invocation = new AsyncLocalStorage<Invocation>();
const never = <T>() => new Promise<T>(() => undefined);

function settle(current: Invocation): void {
  // After the event loop turn, so that nothing the finished calls resolved is still to run.
  if (current.frozen && current.inflight === 0) setImmediate(current.cutOff);
}

function tracked<T>(current: Invocation | undefined, sent: Promise<T>): Promise<T> {
  if (current === undefined) return sent;
  current.inflight += 1;
  return sent.finally(() => {
    current.inflight -= 1;
    settle(current);
  });
}

const serverError = () => Object.assign(new Error('injected fault'), { name: 'InternalServerError', $fault: 'server' });
const lostAnswer = () => Object.assign(new Error('injected: answer lost after the write'), { name: 'TimeoutError', $fault: 'client' });
const conditionFailed = () =>
  Object.assign(new Error('injected: the conditional request failed'), { name: 'ConditionalCheckFailedException', $fault: 'client' });

beforeAll(async () => {
  dynamo = await startTestDynamo('mset-hub-faults-', NAMES);
  const send = dynamo.client.send.bind(dynamo.client) as (...args: unknown[]) => Promise<unknown>;
  dynamo.client.send = ((command: { constructor: { name: string }; input?: { ConditionExpression?: string } }, ...rest: unknown[]) => {
    const current = invocation.getStore();
    // A frozen Lambda sends nothing more.
    if (current?.frozen) return never();
    calls += 1;
    const call: Call = { name: command.constructor.name, conditional: command.input?.ConditionExpression !== undefined };
    trace?.push(call);
    if (faultKind === 'applied-then-fail-and-next' && faultAt > 0 && calls === faultAt + 1) return Promise.reject(serverError());
    if (calls !== faultAt) return tracked(current, send(command, ...rest));
    injected = call;
    switch (faultKind) {
      case 'fail':
        return Promise.reject(serverError());
      case 'hang':
        if (current !== undefined) {
          current.frozen = true;
          settle(current);
        }
        return never();
      case 'applied-then-fail':
      case 'applied-then-fail-and-next':
        return tracked(
          current,
          send(command, ...rest).then(() => Promise.reject(lostAnswer())),
        );
      case 'applied-then-conditional-fail':
        return tracked(
          current,
          send(command, ...rest).then(() => Promise.reject(conditionFailed())),
        );
    }
  }) as typeof dynamo.client.send;
  const auditQueue: MessageQueue = {
    send: async (message) => {
      if (invocation.getStore()?.frozen) return never();
      audit.push(JSON.parse(message.body) as AuditEvent);
    },
  };
  const environment: HubEnvironment = {
    config: { region: 'eu-west-2', tables: NAMES, idempotencyLeaseSeconds: 35 },
    clock: { now: () => new Date(now) },
    ids: randomIds,
    adapters: { documentClient: dynamo.client, keyService: new InMemoryKeyService(), auditQueue },
  };
  handlers.createAlert = (await import('../../functions/handlers/create-alert.js')).wire(environment);
  handlers.acknowledge = (await import('../../functions/handlers/acknowledge-alert.js')).wire(environment);
  handlers.requestMeeting = (await import('../../functions/handlers/request-meeting.js')).wire(environment);
  handlers.respond = (await import('../../functions/handlers/respond-to-meeting.js')).wire(environment);
  handlers.schedule = (await import('../../functions/handlers/schedule-meeting.js')).wire(environment);
  alerts = new DynamoAlertStore(dynamo.client, NAMES.alerts);
  meetings = new DynamoMeetingStore(dynamo.client, NAMES.meetings);
  histories = new DynamoHistoryRecords(dynamo.client, NAMES);
  const sweeper = (await import('../../functions/handlers/commit-sweep.js')).wire(environment);
  sweep = async () => (await sweeper({}, lambdaContext())) as Record<string, number>;
});

afterAll(async () => {
  faultAt = 0;
  await dynamo?.stop();
});

/**
 * One Idempotency-Key. Each try under it has a request id of its own, prefixed by the key's, so the audit
 * events of every try of one key are told from those of any other.
 */
class Key {
  readonly value = randomUUID();
  private tries = 0;

  requestId(): string {
    this.tries += 1;
    return `${this.value}/${this.tries}`;
  }

  owns(event: AuditEvent): boolean {
    return event.requestId.startsWith(`${this.value}/`);
  }
}

/** One invocation, or 'cut off' when a hung call froze it. */
async function invoke(handler: HttpHandler, event: Event): Promise<Response | 'cut off'> {
  let cutOff: () => void = () => undefined;
  const cut = new Promise<'cut off'>((resolve) => {
    cutOff = () => resolve('cut off');
  });
  const state: Invocation = { frozen: false, inflight: 0, cutOff };
  return Promise.race([invocation.run(state, () => handler(event, lambdaContext())), cut]);
}

/** A request that must succeed unfaulted (the setup of a case): its answer's body. */
async function cleanly(handler: HttpHandler, event: Event): Promise<Record<string, unknown>> {
  const response = await invoke(handler, event);
  if (response === 'cut off' || (response.statusCode ?? 0) >= 300) throw new Error(`setup failed: ${JSON.stringify(response)}`);
  return JSON.parse(String(response.body)) as Record<string, unknown>;
}

/** The calls a clean request makes, in order. */
async function callsOf(handler: HttpHandler, event: Event): Promise<Call[]> {
  trace = [];
  try {
    await cleanly(handler, event);
    return trace;
  } finally {
    trace = undefined;
  }
}

/**
 * The positions a kind is injected at. A conditional failure after the write only comes of an SDK retry
 * of a conditional write: a read or an unconditional write retried just succeeds, as if unfaulted.
 */
function positionsFor(kind: FaultKind, clean: readonly Call[]): number[] {
  return clean.flatMap((call, index) => (kind !== 'applied-then-conditional-fail' || call.conditional ? [index + 1] : []));
}

/** Sends `event` with its `n`th DynamoDB call faulted by `kind`; checks the fault hit the call a clean request makes there. */
async function faulted(kind: FaultKind, n: number, clean: readonly Call[], handler: HttpHandler, event: Event): Promise<void> {
  injected = undefined;
  faultKind = kind;
  faultAt = calls + n;
  try {
    await invoke(handler, event);
  } finally {
    faultAt = 0;
  }
  expect(injected, `fault at call ${n} (${clean[n - 1]?.name})`).toEqual(clean[n - 1]);
}

/**
 * Retries with the same key after the lease, until the hub answers for good (bounded). Only an answer that
 * says to come back (cut off, 503, or 409 with Retry-After while a claim is held) is retried: a 409 that
 * refuses the change is an answer.
 */
async function retryUntilAnswered(handler: HttpHandler, makeEvent: () => Event): Promise<Response> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    now += 36_000;
    const response = await invoke(handler, makeEvent());
    if (response === 'cut off' || response.statusCode === 503) continue;
    if (response.statusCode === 409 && response.headers?.['retry-after'] !== undefined) continue;
    return response;
  }
  throw new Error('no final answer after 5 retries');
}

function createEvent(key: Key) {
  return apiEvent({
    method: 'POST',
    path: '/v1/alerts',
    claims: POLICE,
    headers: { 'content-type': 'application/json', 'idempotency-key': key.value },
    requestId: key.requestId(),
    body: JSON.stringify(sampleAlert(RECIPIENTS)),
  });
}

function ackEvent(alertId: string, area: string, key: Key) {
  return apiEvent({
    method: 'POST',
    path: `/v1/alerts/${alertId}/acknowledgements`,
    routeKey: 'POST /v1/alerts/{alertId}/acknowledgements',
    pathParameters: { alertId },
    claims: coordinatorOf(area),
    headers: { 'content-type': 'application/json', 'idempotency-key': key.value },
    requestId: key.requestId(),
    body: JSON.stringify({ outcome: 'ACCEPTED' }),
  });
}

/** A meeting body with a slot a month after the hub's clock: no retry's clock advance reaches it. */
function meetingBody(invited: string[]): string {
  const start = new Date(now + 30 * 24 * 60 * 60 * 1000);
  start.setUTCHours(10, 0, 0, 0);
  return JSON.stringify(sampleMeeting(invited, { proposedSlots: [{ start: start.toISOString(), durationMinutes: 60 }] }));
}

function meetingEvent(body: string, key: Key) {
  return apiEvent({
    method: 'POST',
    path: '/v1/meetings',
    claims: CHAIR,
    headers: { 'content-type': 'application/json', 'idempotency-key': key.value },
    requestId: key.requestId(),
    body,
  });
}

function respondEvent(meetingId: string, area: string, key: Key) {
  return apiEvent({
    method: 'POST',
    path: `/v1/meetings/${meetingId}/responses`,
    routeKey: 'POST /v1/meetings/{meetingId}/responses',
    pathParameters: { meetingId },
    claims: coordinatorOf(area),
    headers: { 'content-type': 'application/json', 'idempotency-key': key.value },
    requestId: key.requestId(),
    body: JSON.stringify({ response: 'ACCEPT', slotId: 'slot-1' }),
  });
}

function scheduleEvent(meetingId: string, key: Key) {
  return apiEvent({
    method: 'POST',
    path: `/v1/meetings/${meetingId}/schedule`,
    routeKey: 'POST /v1/meetings/{meetingId}/schedule',
    pathParameters: { meetingId },
    claims: CHAIR,
    headers: { 'content-type': 'application/json', 'idempotency-key': key.value },
    requestId: key.requestId(),
    body: JSON.stringify({ slotId: 'slot-1' }),
  });
}

/** A requested meeting, invited `invited`; with North Tyneside's acceptance of its slot when `accepted`. */
async function meetingFor(invited: string[], accepted = false): Promise<string> {
  const { meetingId } = (await cleanly(handlers.requestMeeting, meetingEvent(meetingBody(invited), new Key()))) as { meetingId: string };
  if (accepted) await cleanly(handlers.respond, respondEvent(meetingId, 'north-tyneside', new Key()));
  return meetingId;
}

/** Alerts and meetings already found whole: a committed creation's parts are never written again. */
const whole = new Set<string>();

/** Whatever any recipient can list is a committed alert with every one of its shares. */
async function expectNoAlertPartial(): Promise<void> {
  for (const area of RECIPIENTS) {
    let cursor: string | undefined;
    do {
      const page = await alerts.listInbox(area, { now: new Date(now).toISOString() }, 100, cursor);
      for (const share of page.items.filter((item) => !whole.has(item.alertId))) {
        const alert = await alerts.getAlert(share.alertId);
        expect(alert, `${area} lists ${share.alertId}`).toBeDefined();
        const shares = await alerts.getShares((alert?.recipients ?? []).map((recipient) => ({ alertId: share.alertId, area: recipient })));
        expect(shares).toHaveLength(alert?.recipients.length ?? -1);
        whole.add(share.alertId);
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  }
}

/** Whatever any area lists is a committed meeting that every area it names lists, once. */
async function expectNoMeetingPartial(): Promise<void> {
  const listings = new Map<string, string[]>([['northumberland', await listedMeetings('northumberland', 'outbox')]]);
  for (const area of RECIPIENTS) listings.set(area, await listedMeetings(area, 'inbox'));
  const seen = new Set([...listings.values()].flat().filter((meetingId) => !whole.has(meetingId)));
  for (const meetingId of seen) {
    const meeting = await storedMeeting(meetingId);
    for (const area of [meeting.requestingArea, ...meeting.invitedAreas]) {
      expect(
        listings.get(area)?.filter((id) => id === meetingId),
        `${area} lists ${meetingId}`,
      ).toHaveLength(1);
    }
    whole.add(meetingId);
  }
}

async function inboxAlertIds(area: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await alerts.listInbox(area, { now: new Date(now).toISOString() }, 100, cursor);
    ids.push(...page.items.map((share) => share.alertId));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return ids;
}

async function outboxIds(): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await alerts.listOutbox('northumberland', new Date(now).toISOString(), 100, cursor);
    ids.push(...page.items.map((alert) => alert.alertId));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return ids;
}

/** The ids of every meeting an area's inbox or outbox lists, once per listing row. */
async function listedMeetings(area: string, box: 'inbox' | 'outbox'): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await meetings.list(area, box, 100, cursor);
    ids.push(...page.items.map((meeting) => meeting.meetingId));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return ids;
}

async function storedMeeting(meetingId: string): Promise<StoredMeeting> {
  const meeting = await meetings.get(meetingId);
  if (meeting === undefined) throw new Error(`meeting ${meetingId} is not stored`);
  return meeting;
}

const CORRECTIONS: ReadonlySet<string> = new Set(['FAILED', 'CONFLICT', 'NOT_FOUND']);

/**
 * What every try of `key` put on record about its change (`action` on `resourceId`), which stands, read as
 * the audit table holds the trail: one record per event id, whatever order the queue saw them in.
 * - Every SUCCESS, correction (FAILED, CONFLICT, NOT_FOUND) and replay that found the change stored names
 *   the resource: no try put another one on record.
 * - Exactly one SUCCESS stands, corrected by no event. None would tell a reader of the trail that the change
 *   did not happen, while it stands; two, that it happened twice. A SUCCESS sent again after its correction
 *   (by a retry of the same attempt) is the same record, still corrected; one event written by two tries of
 *   one attempt is one SUCCESS.
 */
function expectOnRecord(action: AuditAction, resourceId: string, key: Key, label: string): void {
  const chain = audit.filter((event) => key.owns(event));
  const says = chain.filter(
    (event) =>
      (event.action === action && (event.outcome === 'SUCCESS' || CORRECTIONS.has(event.outcome))) ||
      (event.action === 'REQUEST_REPLAY' && event.detail?.['of'] === action && event.detail?.['found'] === 'stored'),
  );
  const trail = `${label}; trail ${chain.map((event) => `${event.action}/${event.outcome}${event.detail?.['found'] === undefined ? '' : '/found'}`).join(' ')}`;
  expect(
    says.every((event) => event.resource?.id === resourceId),
    trail,
  ).toBe(true);
  const corrected = new Set(says.filter((event) => CORRECTIONS.has(event.outcome)).map((event) => event.detail?.['corrects']));
  const successes = new Set(says.filter((event) => event.action === action && event.outcome === 'SUCCESS').map((event) => event.eventId));
  const standing = [...successes].filter((eventId) => !corrected.has(eventId));
  const wrong =
    successes.size === 0 ? 'not on record' : standing.length === 0 ? 'every SUCCESS of it is corrected' : 'on record more than once';
  expect(standing.length, `${trail}: ${wrong}`).toBe(1);
}

/**
 * An event enqueued twice (a retry completing an attempt, a sweep correcting what a request corrected) is
 * the same record: one time and one content per event id, or the audit table, keyed by time and id, stores
 * it twice. The request id is each try's own, so it alone may differ.
 */
function expectEachEventOneTime(from: number): void {
  const versions = new Map<string, Set<string>>();
  for (const { requestId: _try, ...event } of audit.slice(from)) {
    versions.set(event.eventId, (versions.get(event.eventId) ?? new Set()).add(JSON.stringify(event)));
  }
  const differing = [...versions].filter(([, seen]) => seen.size > 1).map(([eventId, seen]) => `${eventId}: ${[...seen].join(' | ')}`);
  expect(differing).toEqual([]);
}

describe.each(KINDS)('create-alert with the Nth DynamoDB call: %s', (kind) => {
  it('completes or replays on retry: one alert per key, every share visible, its creation on record once', async () => {
    const from = audit.length;
    const clean = await callsOf(handlers.createAlert, createEvent(new Key()));
    expect(clean.length).toBeGreaterThanOrEqual(5);
    const created = new Map<Key, string>();
    for (const n of positionsFor(kind, clean)) {
      // Prepare: a create faulted at its nth call.
      const key = new Key();
      await faulted(kind, n, clean, handlers.createAlert, createEvent(key));
      await expectNoAlertPartial();

      // Act: the client retries with the same key.
      const answer = await retryUntilAnswered(handlers.createAlert, () => createEvent(key));

      // Assess
      const label = `${kind} at call ${n} (${clean[n - 1]?.name})`;
      expect(answer.statusCode, label).toBe(201);
      const receipt = JSON.parse(String(answer.body)) as { alertId: string; createdAt: string };
      const { alertId } = receipt;
      created.set(key, alertId);
      const alert = await alerts.getAlert(alertId);
      expect(alert?.recipients).toEqual(RECIPIENTS);
      expect(receipt.createdAt, label).toBe(alert?.createdAt);
      const shares = await alerts.getShares(RECIPIENTS.map((area) => ({ alertId, area })));
      expect(shares.map((share) => share.recipientArea)).toEqual(RECIPIENTS);
      for (const area of RECIPIENTS) expect((await inboxAlertIds(area)).filter((id) => id === alertId)).toHaveLength(1);
      expectOnRecord('ALERT_CREATE', alertId, key, label);
      standing.push({ action: 'ALERT_CREATE', resourceId: alertId, key });
    }
    // No key made two alerts, and the outbox holds exactly the alerts the client was told of.
    const outbox = await outboxIds();
    for (const alertId of created.values()) expect(outbox.filter((id) => id === alertId)).toHaveLength(1);
    expect(new Set(created.values()).size).toBe(created.size);
    expectEachEventOneTime(from);
  });
});

describe.each(KINDS)('acknowledge-alert with the Nth DynamoDB call: %s', (kind) => {
  it('stores one acknowledgement per share, on record once, and answers the retry as the first try would have', async () => {
    const from = audit.length;
    // Each position acknowledges a share of its own alert, so no position's acknowledgement stands in another's way.
    const newAlert = async () => (await cleanly(handlers.createAlert, createEvent(new Key())))['alertId'] as string;
    const area = RECIPIENTS[0] as string;
    const clean = await callsOf(handlers.acknowledge, ackEvent(await newAlert(), area, new Key()));
    expect(clean.map((call) => call.name)).toContain('UpdateCommand');
    for (const n of positionsFor(kind, clean)) {
      const alertId = await newAlert();
      const key = new Key();
      await faulted(kind, n, clean, handlers.acknowledge, ackEvent(alertId, area, key));

      const answer = await retryUntilAnswered(handlers.acknowledge, () => ackEvent(alertId, area, key));

      const label = `${kind} at call ${n} (${clean[n - 1]?.name})`;
      expect(answer.statusCode, label).toBe(201);
      const share = await alerts.getShare(alertId, area);
      expect(share?.status, label).toBe('ACKNOWLEDGED');
      expect(JSON.parse(String(answer.body)), label).toEqual({
        alertId,
        area,
        outcome: 'ACCEPTED',
        acknowledgedAt: share?.acknowledgement?.acknowledgedAt,
      });
      // The stored acknowledgement is the event its key put on record.
      const successes = audit.filter((event) => key.owns(event) && event.action === 'ALERT_ACKNOWLEDGE' && event.outcome === 'SUCCESS');
      expect(
        successes.map((event) => event.eventId),
        label,
      ).toContain(share?.acknowledgement?.eventId);
      expectOnRecord('ALERT_ACKNOWLEDGE', alertId, key, label);
      standing.push({ action: 'ALERT_ACKNOWLEDGE', resourceId: alertId, key });
    }
    expectEachEventOneTime(from);
  });
});

describe.each(KINDS)('request-meeting with the Nth DynamoDB call: %s', (kind) => {
  it('completes or replays on retry: one meeting per key, listed once by every area, its request on record once', async () => {
    const from = audit.length;
    const invited = RECIPIENTS.slice(0, 2);
    const clean = await callsOf(handlers.requestMeeting, meetingEvent(meetingBody(invited), new Key()));
    const created = new Map<Key, string>();
    for (const n of positionsFor(kind, clean)) {
      const key = new Key();
      const body = meetingBody(invited);
      await faulted(kind, n, clean, handlers.requestMeeting, meetingEvent(body, key));
      await expectNoMeetingPartial();

      const answer = await retryUntilAnswered(handlers.requestMeeting, () => meetingEvent(body, key));

      const label = `${kind} at call ${n} (${clean[n - 1]?.name})`;
      expect(answer.statusCode, label).toBe(201);
      const meetingId = (JSON.parse(String(answer.body)) as { meetingId: string }).meetingId;
      created.set(key, meetingId);
      const meeting = await storedMeeting(meetingId);
      expect(meeting.version, label).toBe(1);
      expect(meeting.invitedAreas).toEqual(invited);
      expectOnRecord('MEETING_REQUEST', meetingId, key, label);
      standing.push({ action: 'MEETING_REQUEST', resourceId: meetingId, key });
    }
    // No key made two meetings, and each is listed once by the requester and once by every invited area.
    expect(new Set(created.values()).size).toBe(created.size);
    const outbox = await listedMeetings('northumberland', 'outbox');
    const inboxes = await Promise.all(invited.map((area) => listedMeetings(area, 'inbox')));
    for (const meetingId of created.values()) {
      expect(outbox.filter((id) => id === meetingId)).toHaveLength(1);
      for (const inbox of inboxes) expect(inbox.filter((id) => id === meetingId)).toHaveLength(1);
    }
    expectEachEventOneTime(from);
  });
});

describe.each(KINDS)('respond-to-meeting with the Nth DynamoDB call: %s', (kind) => {
  it('applies each response once: one version and one receipt per key, on record once', async () => {
    // One meeting for every position: an area may answer again until the meeting is scheduled, so each
    // answer is a change of its own, and the version counts them.
    const from = audit.length;
    const meetingId = await meetingFor(RECIPIENTS);
    const clean = await callsOf(handlers.respond, respondEvent(meetingId, RECIPIENTS[0] as string, new Key()));
    const answered = new Set([RECIPIENTS[0] as string]);
    for (const n of positionsFor(kind, clean)) {
      const area = RECIPIENTS[n % RECIPIENTS.length] as string;
      const before = await storedMeeting(meetingId);
      const key = new Key();
      await faulted(kind, n, clean, handlers.respond, respondEvent(meetingId, area, key));

      const answer = await retryUntilAnswered(handlers.respond, () => respondEvent(meetingId, area, key));

      const label = `${kind} at call ${n} (${clean[n - 1]?.name})`;
      expect(answer.statusCode, label).toBe(201);
      expect(JSON.parse(String(answer.body))).toEqual({ meetingId, area, response: 'ACCEPT', slotId: 'slot-1' });
      const after = await storedMeeting(meetingId);
      expect(after.version, label).toBe(before.version + 1);
      expect(after.receipts?.length, label).toBe((before.receipts?.length ?? 0) + 1);
      expect(after.responses[area]?.by.sub, label).toBe(coordinatorOf(area)['sub']);
      answered.add(area);
      expectOnRecord('MEETING_RESPOND', meetingId, key, label);
      standing.push({ action: 'MEETING_RESPOND', resourceId: meetingId, key });
    }
    const meeting = await storedMeeting(meetingId);
    expect(Object.keys(meeting.responses).sort()).toEqual([...answered].sort());
    expectEachEventOneTime(from);
  });
});

describe.each(KINDS)('schedule-meeting with the Nth DynamoDB call: %s', (kind) => {
  it('schedules once: one version, SCHEDULED in the accepted slot, on record once', async () => {
    const from = audit.length;
    const clean = await callsOf(handlers.schedule, scheduleEvent(await meetingFor(['north-tyneside'], true), new Key()));
    for (const n of positionsFor(kind, clean)) {
      // A meeting is scheduled once: each position schedules a meeting of its own.
      const meetingId = await meetingFor(['north-tyneside'], true);
      const before = await storedMeeting(meetingId);
      const key = new Key();
      await faulted(kind, n, clean, handlers.schedule, scheduleEvent(meetingId, key));

      const answer = await retryUntilAnswered(handlers.schedule, () => scheduleEvent(meetingId, key));

      const label = `${kind} at call ${n} (${clean[n - 1]?.name})`;
      expect(answer.statusCode, label).toBe(200);
      expect(JSON.parse(String(answer.body))).toMatchObject({ meetingId, status: 'SCHEDULED', slotId: 'slot-1' });
      const after = await storedMeeting(meetingId);
      expect(after.status, label).toBe('SCHEDULED');
      expect(after.scheduled?.slotId).toBe('slot-1');
      expect(after.version, label).toBe(before.version + 1);
      expectOnRecord('MEETING_SCHEDULE', meetingId, key, label);
      standing.push({ action: 'MEETING_SCHEDULE', resourceId: meetingId, key });
    }
    expectEachEventOneTime(from);
  });
});

describe('the commit sweep, once no retry can come', () => {
  it('removes the abandoned creations, correcting each once, and leaves every standing change whole and as recorded', async () => {
    const from = audit.length;
    // Prepare: creations cut off after their SUCCESS and before their commit, never retried: one whose write
    // failed (it corrects itself), one that hung (nobody corrects it until the sweep), of each kind.
    const abandoned: Array<{ type: 'alert' | 'meeting'; key: Key }> = [];
    const trail = new DynamoAuditStore(dynamo.client, NAMES.audit);
    const cleanCreate = await callsOf(handlers.createAlert, createEvent(new Key()));
    const cleanRequest = await callsOf(handlers.requestMeeting, meetingEvent(meetingBody(['north-tyneside']), new Key()));
    const partsOf = (clean: readonly Call[]) => clean.findIndex((call) => call.name === 'BatchWriteCommand') + 1;
    for (const kind of ['fail', 'hang'] as const) {
      const alertKey = new Key();
      await faulted(kind, partsOf(cleanCreate), cleanCreate, handlers.createAlert, createEvent(alertKey));
      const meetingKey = new Key();
      await faulted(
        kind,
        partsOf(cleanRequest),
        cleanRequest,
        handlers.requestMeeting,
        meetingEvent(meetingBody(['north-tyneside']), meetingKey),
      );
      abandoned.push({ type: 'alert', key: alertKey }, { type: 'meeting', key: meetingKey });
    }

    // Act: the sweep runs once every key has lapsed, until it finds nothing left to do.
    now += 26 * 60 * 60 * 1000;
    let removed = 0;
    for (let run = 0; run < 10; run += 1) {
      const result = await sweep();
      expect(result['alertsDeferred'] ?? 0).toBe(0);
      expect(result['meetingsDeferred'] ?? 0).toBe(0);
      const done = Object.values(result).reduce((sum, count) => sum + count, 0);
      removed += (result['alertsRemoved'] ?? 0) + (result['meetingsRemoved'] ?? 0);
      if (done === 0) break;
    }

    // Assess: the standing are whole, with their history records, and the sweep said nothing of them.
    for (const { action, resourceId, key } of standing) {
      if (action === 'ALERT_CREATE') {
        const alert = await alerts.getAlert(resourceId);
        const shares = await alerts.getShares((alert?.recipients ?? []).map((area) => ({ alertId: resourceId, area })));
        expect(shares.length, resourceId).toBe(RECIPIENTS.length);
        expect(await histories.get('alert', resourceId), `history of alert ${resourceId}`).toBeDefined();
      }
      if (action === 'MEETING_REQUEST') {
        expect(await meetings.get(resourceId)).toBeDefined();
        expect(await histories.get('meeting', resourceId), `history of meeting ${resourceId}`).toBeDefined();
      }
      expectOnRecord(action, resourceId, key, `${action} under ${key.value} after the sweep`);
    }
    await expectNoMeetingPartial();
    // The abandoned are gone, their SUCCESS corrected once.
    expect(removed).toBe(abandoned.length);
    for (const { type, key } of abandoned) {
      const success = audit.find((event) => key.owns(event) && event.outcome === 'SUCCESS');
      const resourceId = success?.resource?.id ?? '';
      expect(success, `${type} abandoned under ${key.value}`).toBeDefined();
      if (type === 'alert') {
        expect(await alerts.getAlert(resourceId)).toBeUndefined();
        expect(await alerts.getShares(RECIPIENTS.map((area) => ({ alertId: resourceId, area })))).toEqual([]);
      } else {
        expect(await meetings.get(resourceId)).toBeUndefined();
      }
      expect(await histories.get(type, resourceId)).toBeUndefined();
      const corrections = audit.filter((event) => key.owns(event) && event.outcome === 'FAILED');
      expect(new Set(corrections.map((event) => event.eventId)).size, `${type} abandoned under ${key.value}`).toBe(1);
      // As the audit consumer stores them: the trail a reader sees holds the correction once.
      for (const event of audit.filter((candidate) => key.owns(candidate))) await trail.put(event);
      const stored = await trail.listForResource({ type, id: resourceId }, {}, 100);
      expect(
        stored.items.filter((event) => event.outcome === 'FAILED').map((event) => event.occurredAt),
        `the stored trail of the ${type} abandoned under ${key.value}`,
      ).toHaveLength(1);
    }
    expectEachEventOneTime(from);
  });
});
