/**
 * The local hub wires its twins in through its own environment, not process.env, so two hubs can run in
 * one process, each with its own data, queue and keys: what one holds, the other does not see.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleAlert, startTestHub, type TestHub } from '../support/hub.js';

let first: TestHub;
let second: TestHub;

beforeAll(async () => {
  [first, second] = await Promise.all([startTestHub(), startTestHub()]);
});

afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
});

describe('two hubs in one process', () => {
  it('have their own data directories, endpoints and adapters', () => {
    expect(first.dataDir).not.toBe(second.dataDir);
    expect(first.url).not.toBe(second.url);
    expect(first.dynamoEndpoint).not.toBe(second.dynamoEndpoint);
    expect(first.environment).not.toBe(second.environment);
    expect(first.environment.adapters?.keyService).not.toBe(second.environment.adapters?.keyService);
    expect(first.auditQueue).not.toBe(second.auditQueue);
  });

  it('keep their alerts, tokens and audit trails apart', async () => {
    // Prepare
    const police = await first.token('northumberland', 'police');
    const created = await first.call('POST', '/v1/alerts', { token: police, body: sampleAlert(['north-tyneside']) });
    expect(created.status).toBe(201);
    const alertId = created.json.alertId as string;

    // Act
    const onFirst = await first.call('GET', `/v1/alerts/${alertId}`, { token: police });
    const onSecond = await second.call('GET', `/v1/alerts/${alertId}`, { token: await second.token('northumberland', 'police') });
    const foreignToken = await second.call('GET', '/v1/areas', { token: police });
    const secondInbox = await second.call('GET', '/v1/alerts?box=inbox', { token: await second.token('north-tyneside', 'coordinator') });
    await Promise.all([first.drainAudit(), second.drainAudit()]);
    const firstHistory = await first.call('GET', `/v1/alerts/${alertId}/audit`, { token: police });

    // Assess
    expect(onFirst.status).toBe(200);
    expect(onSecond.status).toBe(404);
    // Each hub's identity provider has its own keys: a token of one is no token at the other.
    expect(foreignToken.status).toBe(401);
    expect(secondInbox.status).toBe(200);
    expect(secondInbox.json.items).toEqual([]);
    expect(firstHistory.status).toBe(200);
    expect(firstHistory.json.items.map((event: { action: string }) => event.action)).toEqual(
      expect.arrayContaining(['ALERT_CREATE', 'ALERT_VIEW']),
    );
  });
});
