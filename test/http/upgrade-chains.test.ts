/**
 * Creations in three round trips, on the data of an earlier main. test/fixtures/data-70399f1/ (described
 * in test/fixtures/data-70399f1.md) was written by the main of 70399f1, whose meetings were created one step
 * after another and whose idempotency records name no proof. Under this hub, alerts and meetings created
 * with an Idempotency-Key remember their answer beside their commit (naming it as its proof), meetings
 * leave their intent to the commit sweep as alerts do, and all of it stands beside the old data: every old
 * meeting and alert still reads, new creations replay, and the sweep finds the new intents committed.
 */
import { fileURLToPath } from 'node:url';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SWEEP_AFTER_HOURS } from '../../functions/handlers/commit-sweep.js';
import { documentClientFor } from '../../functions/shared/wiring.js';
import { LOCAL_TABLE_NAMES, localDynamoClient } from '../../local/dynamodb.js';
import { FixedClock } from '../support/fakes.js';
import { sampleAlert, sampleMeeting, startTestHub, type TestHub } from '../support/hub.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/data-70399f1/', import.meta.url));
const OLD_ALERTS = ['ce183715-198b-45ef-92ad-91dcafa79051', '51117a88-4ee9-4450-abd6-c60afa13bca1'];
const OLD_MEETINGS = ['1e67edd8-a443-49c2-bd81-d35b0090e8a5', '73688863-755e-4462-a8d9-fa216fc07c08'];
/** Friday 4 December 2026, 09:00. */
const UPGRADED_AT = '2026-12-04T09:00:00.000Z';

const clock = new FixedClock(new Date(UPGRADED_AT));
let hub: TestHub;
let police: string;
let chair: string;

beforeAll(async () => {
  hub = await startTestHub({ from: FIXTURE, clock });
  [police, chair] = await Promise.all([
    hub.token('northumberland', 'police', { sub: 'fixture-northumberland-police' }),
    hub.token('northumberland', 'chair', { sub: 'fixture-northumberland-chair' }),
  ]);
});
afterAll(async () => hub?.stop());

async function withClient<T>(use: (client: ReturnType<typeof documentClientFor>) => Promise<T>): Promise<T> {
  const client = documentClientFor(localDynamoClient(hub.dynamoEndpoint));
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

const intentsOf = (table: string, pk: string) =>
  withClient(async (client) => {
    const result = await client.send(
      new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }),
    );
    return (result.Items ?? []).map((item) => String(item['sk']));
  });

describe('a hub started on the data of 70399f1, creating in three round trips', () => {
  let alertId: string;
  let meetingId: string;

  it('creates an alert and a meeting under Idempotency-Keys, and replays each as first answered', async () => {
    // Prepare
    const slot = { start: '2026-12-10T10:00:00.000Z', durationMinutes: 60 };
    const alertBody = sampleAlert(['north-tyneside']);
    const meetingBody = sampleMeeting(['north-tyneside'], { proposedSlots: [slot] });

    // Act
    const alert = await hub.call('POST', '/v1/alerts', { token: police, body: alertBody, headers: { 'idempotency-key': 'upgrade-alert' } });
    const alertAgain = await hub.call('POST', '/v1/alerts', {
      token: police,
      body: alertBody,
      headers: { 'idempotency-key': 'upgrade-alert' },
    });
    const meeting = await hub.call('POST', '/v1/meetings', {
      token: chair,
      body: meetingBody,
      headers: { 'idempotency-key': 'upgrade-meeting' },
    });
    const meetingAgain = await hub.call('POST', '/v1/meetings', {
      token: chair,
      body: meetingBody,
      headers: { 'idempotency-key': 'upgrade-meeting' },
    });

    // Assess
    expect([alert.status, alertAgain.status, meeting.status, meetingAgain.status]).toEqual([201, 201, 201, 201]);
    expect(alertAgain.headers.get('idempotent-replayed')).toBe('true');
    expect(alertAgain.json).toEqual(alert.json);
    expect(meetingAgain.headers.get('idempotent-replayed')).toBe('true');
    expect(meetingAgain.json).toEqual(meeting.json);
    alertId = alert.json.alertId;
    meetingId = meeting.json.meetingId;
    // Each answer was remembered beside its commit, naming it; the fixture's own records name none.
    const records = await withClient(
      async (client) => (await client.send(new ScanCommand({ TableName: LOCAL_TABLE_NAMES.idempotency }))).Items ?? [],
    );
    const proofs = records.flatMap((record) => (record['proof'] === undefined ? [] : [record['proof'].key.pk]));
    expect(proofs.sort()).toEqual([`ALERT#${alertId}`, `MEETING#${meetingId}`].sort());
  });

  it('still reads every old alert and meeting beside the new ones', async () => {
    // Act
    const alerts = await Promise.all([...OLD_ALERTS, alertId].map((id) => hub.call('GET', `/v1/alerts/${id}`, { token: police })));
    const meetings = await Promise.all([...OLD_MEETINGS, meetingId].map((id) => hub.call('GET', `/v1/meetings/${id}`, { token: chair })));

    // Assess
    expect(alerts.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(meetings.map((response) => response.status)).toEqual([200, 200, 200]);
  });

  it("drops the new creations' intents as committed, once no retry can come", async () => {
    // Prepare
    const before = await intentsOf(LOCAL_TABLE_NAMES.meetings, 'INTENT#MEETING');
    clock.advance((SWEEP_AFTER_HOURS + 1) * 60 * 60 * 1000);

    // Act
    const result = await hub.runJob('commit-sweep');

    // Assess: the new meeting's intent was left for the sweep (as an alert's is), and the sweep found it committed
    expect(before.some((sk) => sk.endsWith(`#${meetingId}`))).toBe(true);
    expect(result).toMatchObject({ meetingsCommitted: 1, meetingsRemoved: 0, alertsRemoved: 0 });
    expect(await intentsOf(LOCAL_TABLE_NAMES.meetings, 'INTENT#MEETING')).toEqual([]);
    expect(await intentsOf(LOCAL_TABLE_NAMES.alerts, 'INTENT#ALERT')).toEqual([]);
    const meeting = await hub.call('GET', `/v1/meetings/${meetingId}`, { token: chair });
    expect(meeting.status).toBe(200);
  });
});
