/**
 * Races and retries over HTTP: twenty coordinators acknowledging one share at once (exactly one wins), and
 * `Idempotency-Key` on both POST routes (replay, conflicting reuse, per-caller scope, concurrent retries,
 * malformed keys). Each scenario uses its own sending area so outbox counts are its own.
 */

import { PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuditEvent } from '../../contracts/audit.js';
import { DEFAULT_LEASE_SECONDS } from '../../functions/shared/http/middleware.js';
import { auditStore, documentClient } from '../../functions/shared/wiring.js';
import { sampleAlert, startTestHub, type TestHub, type TestResponse } from '../support/hub.js';

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
});

afterAll(async () => {
  await hub?.stop();
});

async function outboxIds(token: string): Promise<string[]> {
  const response = await hub.call('GET', '/v1/alerts?box=outbox&limit=100', { token });
  expect(response.status).toBe(200);
  return (response.json.items as Array<{ alertId: string }>).map((item) => item.alertId);
}

describe('concurrent acknowledgements', () => {
  it('20 coordinators acknowledge one share at once: one 201, nineteen 409, one acknowledgement on record', async () => {
    // Prepare
    const police = await hub.token('northumberland', 'police');
    const created = await hub.call('POST', '/v1/alerts', { token: police, body: sampleAlert(['north-tyneside']) });
    expect(created.status).toBe(201);
    const alertId = created.json.alertId as string;
    const tokens = await Promise.all(
      Array.from({ length: 20 }, (_, index) => hub.token('north-tyneside', 'coordinator', { sub: `test-coordinator-${index}` })),
    );

    // Every audit event the requests enqueue, in the order each request sent them.
    const enqueue = vi.spyOn(hub.auditQueue, 'send');

    // Act
    const responses = await Promise.all(
      tokens.map((token, index) =>
        hub.call('POST', `/v1/alerts/${alertId}/acknowledgements`, {
          token,
          body: { outcome: 'ACCEPTED', note: `Synthetic note ${index}` },
        }),
      ),
    );
    const sent = enqueue.mock.calls.map(([message]) => JSON.parse(message.body) as AuditEvent);
    enqueue.mockRestore();

    // Assess
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(19);
    const winner = statuses.indexOf(201);
    const view = await hub.call('GET', `/v1/alerts/${alertId}`, { token: police });
    expect(view.json.shares).toHaveLength(1);
    expect(view.json.shares[0]).toMatchObject({
      status: 'ACKNOWLEDGED',
      acknowledgement: { by: { sub: `test-coordinator-${winner}` }, note: `Synthetic note ${winner}` },
    });
    expect(view.json.shares[0].acknowledgement.acknowledgedAt).toBe(responses[winner]!.json.acknowledgedAt);

    // On record first, then stored: a request that passed the check records SUCCESS before it can lose the
    // race, and a loser corrects it with CONFLICT under the same requestId (one that arrived after the winner's
    // write is refused at the check, with CONFLICT alone). So exactly one SUCCESS stands uncorrected: the winner's.
    const acks = sent.filter((event) => event.action === 'ALERT_ACKNOWLEDGE' && event.resource?.id === alertId);
    const byRequest = new Map<string, AuditEvent[]>();
    for (const event of acks) byRequest.set(event.requestId, [...(byRequest.get(event.requestId) ?? []), event]);
    expect(byRequest.size).toBe(20);
    const outcomes = [...byRequest.values()].map((events) => events.map((event) => event.outcome).join(' '));
    expect(outcomes.filter((sequence) => sequence === 'SUCCESS')).toHaveLength(1);
    expect(outcomes.filter((sequence) => sequence === 'SUCCESS CONFLICT' || sequence === 'CONFLICT')).toHaveLength(19);
    const standing = [...byRequest.values()].filter((events) => events.length === 1 && events[0]?.outcome === 'SUCCESS');
    expect(standing.map((events) => events[0]?.actor.sub)).toEqual([`test-coordinator-${winner}`]);
    for (const [requestId, events] of byRequest) {
      if (events.length === 1) continue;
      // A correction names the request it corrects, and its actor.
      expect(events.every((event) => event.requestId === requestId && event.actor.sub === events[0]?.actor.sub)).toBe(true);
    }
    // What was enqueued is what the record holds, once each.
    await hub.drainAudit();
    const onRecord: AuditEvent[] = [];
    let cursor: string | undefined;
    do {
      const page = await auditStore(hub.environment).listForResource({ type: 'alert', id: alertId }, {}, 100, cursor);
      onRecord.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    const recordedAcks = onRecord.filter((event) => event.action === 'ALERT_ACKNOWLEDGE');
    expect(recordedAcks.map((event) => event.eventId).sort()).toEqual(acks.map((event) => event.eventId).sort());
  });
});

describe('Idempotency-Key on POST /v1/alerts', () => {
  it('the same key and body twice returns the first response and creates one alert', async () => {
    // Prepare
    const police = await hub.token('gateshead', 'police');
    const body = sampleAlert(['sunderland']);
    const headers = { 'idempotency-key': 'create-once-1' };

    // Act
    const first = await hub.call('POST', '/v1/alerts', { token: police, body, headers });
    const second = await hub.call('POST', '/v1/alerts', { token: police, body, headers });

    // Assess
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.json).toEqual(first.json);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await outboxIds(police)).toEqual([first.json.alertId]);
  });

  it('the same key with a different body is 422 and creates nothing', async () => {
    // Prepare
    const police = await hub.token('south-tyneside', 'police');
    const headers = { 'idempotency-key': 'create-then-change' };
    const first = await hub.call('POST', '/v1/alerts', { token: police, body: sampleAlert(['sunderland']), headers });
    expect(first.status).toBe(201);

    // Act
    const changed = await hub.call('POST', '/v1/alerts', {
      token: police,
      body: sampleAlert(['sunderland'], { voice: 'Synthetic: a different request' }),
      headers,
    });

    // Assess
    expect(changed.status).toBe(422);
    expect(changed.headers.get('content-type')).toBe('application/problem+json');
    expect(changed.json.errors).toEqual([expect.objectContaining({ path: 'headers.idempotency-key' })]);
    expect(await outboxIds(police)).toEqual([first.json.alertId]);
  });

  it('keys are per caller: another officer with the same key and body creates an alert of their own', async () => {
    // Prepare
    const first = await hub.token('hartlepool', 'police', { sub: 'test-officer-one' });
    const second = await hub.token('hartlepool', 'police', { sub: 'test-officer-two' });
    const body = sampleAlert(['middlesbrough']);
    const headers = { 'idempotency-key': 'shared-key' };

    // Act
    const a = await hub.call('POST', '/v1/alerts', { token: first, body, headers });
    const b = await hub.call('POST', '/v1/alerts', { token: second, body, headers });

    // Assess
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.json.alertId).not.toBe(a.json.alertId);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect((await outboxIds(first)).sort()).toEqual([a.json.alertId, b.json.alertId].sort());
  });

  it('five concurrent retries with one key create exactly one alert; the others replay it or get 409 with Retry-After', async () => {
    // Prepare
    const police = await hub.token('darlington', 'police');
    const body = sampleAlert(['county-durham']);
    const headers = { 'idempotency-key': 'concurrent-key' };

    // Act
    const responses = await Promise.all(Array.from({ length: 5 }, () => hub.call('POST', '/v1/alerts', { token: police, body, headers })));

    // Assess
    const created = await outboxIds(police);
    expect(created).toHaveLength(1);
    for (const response of responses) {
      expect([201, 409]).toContain(response.status);
      if (response.status === 201) expect(response.json.alertId).toBe(created[0]);
      // In progress, not refused: told to come back within the lease (whole seconds, at least one).
      if (response.status === 409) {
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(response.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
        expect(Number(response.headers.get('retry-after'))).toBeLessThanOrEqual(DEFAULT_LEASE_SECONDS);
      }
    }
    expect(responses.filter((response) => response.status === 201 && response.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    // Once the first has finished, a further retry replays it.
    const later = await hub.call('POST', '/v1/alerts', { token: police, body, headers });
    expect(later.status).toBe(201);
    expect(later.json.alertId).toBe(created[0]);
  });

  it('a request cut off holding its key: 409 with Retry-After during its lease, then a retry after it runs and is replayed, one alert', async () => {
    // Prepare: the first request stalls while enqueuing its audit event and never gets further, as an
    // instance that died there would (Lambda ends a function long before its lease lapses)
    const police = await hub.token('scottish-borders', 'police');
    const body = sampleAlert(['northumberland']);
    const headers = { 'idempotency-key': 'cut-off-create' };
    let cutOff: () => void = () => undefined;
    let markStalled: () => void = () => undefined;
    const stalledAt = new Promise<void>((resolve) => {
      markStalled = resolve;
    });
    const spy = vi.spyOn(hub.auditQueue, 'send').mockImplementationOnce(async () => {
      markStalled();
      await new Promise<void>((resolve) => {
        cutOff = resolve;
      });
      throw new Error('instance gone (test)');
    });
    const stalled = hub.call('POST', '/v1/alerts', { token: police, body, headers });
    // Fails at once, rather than at the test's timeout, if the request answers without reaching the queue.
    await Promise.race([
      stalledAt,
      stalled.then((response) => Promise.reject(new Error(`answered ${response.status} before enqueuing its audit event`))),
    ]);

    // Act
    const during = await hub.call('POST', '/v1/alerts', { token: police, body, headers });
    const afterLease = Date.now() + (DEFAULT_LEASE_SECONDS + 1) * 1000;
    const clock = vi.spyOn(hub.environment.clock, 'now').mockImplementation(() => new Date(afterLease));
    const retry = await hub.call('POST', '/v1/alerts', { token: police, body, headers });
    const replay = await hub.call('POST', '/v1/alerts', { token: police, body, headers });
    cutOff();
    const late = await stalled;
    // Its failure releases nothing: the claim it held is completed by the retry.
    const afterCutOff = await hub.call('POST', '/v1/alerts', { token: police, body, headers });
    clock.mockRestore();
    spy.mockRestore();

    // Assess
    expect(during.status).toBe(409);
    expect(Number(during.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(during.headers.get('retry-after'))).toBeLessThanOrEqual(DEFAULT_LEASE_SECONDS);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.json).toEqual(retry.json);
    expect(late.status).toBe(503);
    expect(afterCutOff.status).toBe(201);
    expect(afterCutOff.headers.get('idempotent-replayed')).toBe('true');
    expect(afterCutOff.json).toEqual(retry.json);
    expect(await outboxIds(police)).toEqual([retry.json.alertId]);
    await hub.drainAudit();
    const history = await hub.call('GET', `/v1/alerts/${retry.json.alertId}/audit`, { token: police });
    const creations = (history.json.items as Array<{ action: string; outcome: string; occurredAt: string }>).filter(
      (item) => item.action === 'ALERT_CREATE',
    );
    expect(creations).toEqual([expect.objectContaining({ outcome: 'SUCCESS' })]);
    // The retry carried on the cut-off attempt: its SUCCESS is at that attempt's start, not at the retry's time.
    expect(Date.parse(creations[0]?.occurredAt ?? '')).toBeLessThanOrEqual(afterLease - (DEFAULT_LEASE_SECONDS + 1) * 1000);
  });

  it('an answer remembered beside a commit that has not happened is not replayed: 409 during the lease, then the retry creates', async () => {
    // Prepare: the first request's commit stalls (as an instance dying there would leave it), after the
    // answer written beside it, which names that commit, is stored
    const police = await hub.token('middlesbrough', 'police');
    const body = sampleAlert(['sunderland']);
    const headers = { 'idempotency-key': 'answered-before-commit' };
    const client = documentClient(hub.environment);
    const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
    let release: () => void = () => undefined;
    let markStalled: () => void = () => undefined;
    const stalledAt = new Promise<void>((resolve) => {
      markStalled = resolve;
    });
    let stalledOnce = false;
    const spy = vi.spyOn(client, 'send').mockImplementation((async (command: unknown) => {
      const input = (command as { input?: { Item?: Record<string, unknown>; ConditionExpression?: string } }).input;
      if (!stalledOnce && command instanceof PutCommand && input?.Item?.['sk'] === 'ALERT') {
        stalledOnce = true;
        markStalled();
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      }
      return send(command);
    }) as never);
    const stalled = hub.call('POST', '/v1/alerts', { token: police, body, headers });
    await Promise.race([stalledAt, stalled.then((response) => Promise.reject(new Error(`answered ${response.status} before its commit`)))]);
    // The answer beside the commit is on its way with it: let it land.
    await vi.waitFor(async () => {
      const scanned = await send(new ScanCommand({ TableName: hub.environment.config.tables.idempotency }));
      const items = ((scanned as { Items?: Record<string, unknown>[] }).Items ?? []).filter((item) => item['proof'] !== undefined);
      expect(items.some((item) => item['state'] === 'COMPLETED')).toBe(true);
    });

    // Act
    const during = await hub.call('POST', '/v1/alerts', { token: police, body, headers });
    const afterLease = Date.now() + (DEFAULT_LEASE_SECONDS + 1) * 1000;
    const clock = vi.spyOn(hub.environment.clock, 'now').mockImplementation(() => new Date(afterLease));
    const retry = await hub.call('POST', '/v1/alerts', { token: police, body, headers });
    const replay = await hub.call('POST', '/v1/alerts', { token: police, body, headers });
    release();
    const late = await stalled;
    clock.mockRestore();
    spy.mockRestore();

    // Assess
    expect(during.status).toBe(409);
    expect(during.headers.get('idempotent-replayed')).toBeNull();
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.json).toEqual(retry.json);
    // The stalled commit, let go after the retry's, finds the alert committed and answers as the retry did.
    expect(late.status).toBe(201);
    expect(late.json.alertId).toBe(retry.json.alertId);
    expect(await outboxIds(police)).toEqual([retry.json.alertId]);
    const opened = await hub.call('GET', `/v1/alerts/${retry.json.alertId}`, { token: police });
    expect(opened.status).toBe(200);
  });

  it('a key already held stops the work begun beside its claim: nothing of it is stored or put on record', async () => {
    // Prepare
    const police = await hub.token('county-durham', 'police');
    const headers = { 'idempotency-key': 'held-stops-work' };
    const first = await hub.call('POST', '/v1/alerts', { token: police, body: sampleAlert(['sunderland']), headers });
    expect(first.status).toBe(201);
    const intents = async () => {
      const { Items = [] } = await documentClient(hub.environment).send(
        new QueryCommand({
          TableName: hub.environment.config.tables.alerts,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'INTENT#ALERT' },
        }),
      );
      return Items.map((item) => String(item['sk'])).sort();
    };
    const intentsBefore = await intents();
    const spy = vi.spyOn(hub.auditQueue, 'send');

    // Act
    const replay = await hub.call('POST', '/v1/alerts', { token: police, body: sampleAlert(['sunderland']), headers });
    const conflicting = await hub.call('POST', '/v1/alerts', { token: police, body: sampleAlert(['hartlepool']), headers });
    const recorded = spy.mock.calls.map(([message]) => JSON.parse(message.body) as AuditEvent);
    spy.mockRestore();

    // Assess
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.json).toEqual(first.json);
    expect(conflicting.status).toBe(422);
    expect(await outboxIds(police)).toEqual([first.json.alertId]);
    // Each began a creation under the id a new key would have had: the SUCCESS waits for the claim, so
    // neither put one on record; the replay is on record as a replay.
    expect(recorded.map((event) => [event.action, event.outcome])).toEqual([['REQUEST_REPLAY', 'SUCCESS']]);
    // Their intents, written beside their claims, went at once.
    expect(await intents()).toEqual(intentsBefore);
  });

  it('a role that may not create, racing and then retrying under one key: each refusal is on record once', async () => {
    // Prepare
    const practitioner = await hub.token('darlington', 'practitioner');
    const headers = { 'idempotency-key': 'refused-once' };
    const spy = vi.spyOn(hub.auditQueue, 'send');

    // Act
    const racing = await Promise.all(
      [0, 1].map(() => hub.call('POST', '/v1/alerts', { token: practitioner, body: sampleAlert(['hartlepool']), headers })),
    );
    const afterRace = spy.mock.calls.length;
    const retry = await hub.call('POST', '/v1/alerts', { token: practitioner, body: sampleAlert(['hartlepool']), headers });
    const recorded = spy.mock.calls.map(([message]) => JSON.parse(message.body) as AuditEvent);
    spy.mockRestore();

    // Assess
    const refusals = (events: AuditEvent[]) => events.filter((event) => event.action === 'ALERT_CREATE').map((event) => event.outcome);
    // The request that held the key was refused and put on record; the one racing it was told to wait (409)
    // or, had the refusal already released the key, refused in turn: either way, one record per refusal.
    const statuses = racing.map((response) => response.status).sort();
    expect([
      [403, 403],
      [403, 409],
    ]).toContainEqual(statuses);
    expect(refusals(recorded.slice(0, afterRace))).toEqual(statuses.filter((status) => status === 403).map(() => 'FORBIDDEN'));
    // The retry, after the refusal released the key, is refused and on record once more: once, not twice.
    expect(retry.status).toBe(403);
    expect(refusals(recorded.slice(afterRace))).toEqual(['FORBIDDEN']);
  });

  it('a failed request releases its key: the same key may then be used for a corrected request', async () => {
    // Prepare
    const police = await hub.token('redcar-and-cleveland', 'police');
    const headers = { 'idempotency-key': 'retry-after-422' };
    const invalid = await hub.call('POST', '/v1/alerts', {
      token: police,
      body: sampleAlert(['redcar-and-cleveland']),
      headers,
    });
    expect(invalid.status).toBe(422);

    // Act
    const corrected = await hub.call('POST', '/v1/alerts', { token: police, body: sampleAlert(['stockton-on-tees']), headers });

    // Assess
    expect(corrected.status).toBe(201);
    expect(await outboxIds(police)).toEqual([corrected.json.alertId]);
  });
});

describe('Idempotency-Key on acknowledgements', () => {
  it('a retried acknowledgement with its key replays 201; without the key it is 409', async () => {
    // Prepare
    const police = await hub.token('northumberland', 'police');
    const coordinator = await hub.token('newcastle', 'coordinator');
    const created = await hub.call('POST', '/v1/alerts', { token: police, body: sampleAlert(['newcastle']) });
    const path = `/v1/alerts/${created.json.alertId}/acknowledgements`;
    const body = { outcome: 'ACCEPTED', note: 'Synthetic: allocated' };
    const headers = { 'idempotency-key': 'ack-once' };

    // Act
    const first = await hub.call('POST', path, { token: coordinator, body, headers });
    const retry = await hub.call('POST', path, { token: coordinator, body, headers });
    const changed = await hub.call('POST', path, { token: coordinator, body: { outcome: 'ALREADY_KNOWN' }, headers });
    const unkeyed = await hub.call('POST', path, { token: coordinator, body });

    // Assess
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.json).toEqual(first.json);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(changed.status).toBe(422);
    expect(unkeyed.status).toBe(409);
    await hub.drainAudit();
    const history = await hub.call('GET', `/v1/alerts/${created.json.alertId}/audit`, { token: police });
    const successes = (history.json.items as Array<{ action: string; outcome: string }>).filter(
      (item) => item.action === 'ALERT_ACKNOWLEDGE' && item.outcome === 'SUCCESS',
    );
    expect(successes).toHaveLength(1);
  });
});

describe('malformed Idempotency-Key', () => {
  const BAD_KEYS: ReadonlyArray<[string, string]> = [
    ['200 characters', 'k'.repeat(200)],
    ['129 characters', 'k'.repeat(129)],
    ['a space inside', 'two words'],
    ['an empty value', ''],
    ['a tab inside', 'a\tb'],
  ];

  it.each(BAD_KEYS)('a key with %s is 400 on both POST routes, and nothing is created', async (_label, key) => {
    // Prepare
    const police = await hub.token('cumberland', 'police');
    const coordinator = await hub.token('westmorland-and-furness', 'coordinator');
    const before = await outboxIds(police);
    const headers = { 'idempotency-key': key };

    // Act
    const create: TestResponse = await hub.call('POST', '/v1/alerts', {
      token: police,
      body: sampleAlert(['westmorland-and-furness']),
      headers,
    });
    const ack: TestResponse = await hub.call('POST', `/v1/alerts/${crypto.randomUUID()}/acknowledgements`, {
      token: coordinator,
      body: { outcome: 'ACCEPTED' },
      headers,
    });

    // Assess
    for (const response of [create, ack]) {
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.json).toMatchObject({ status: 400, title: 'Invalid Idempotency-Key' });
      expect(response.text).not.toContain(key.length > 0 ? key : 'never');
    }
    expect(await outboxIds(police)).toEqual(before);
  });

  it('a key of exactly 128 visible characters is accepted', async () => {
    // Prepare
    const police = await hub.token('cumberland', 'police');

    // Act
    const response = await hub.call('POST', '/v1/alerts', {
      token: police,
      body: sampleAlert(['westmorland-and-furness']),
      headers: { 'idempotency-key': `${'!~'.repeat(63)}ok` },
    });

    // Assess
    expect(response.status).toBe(201);
  });
});
