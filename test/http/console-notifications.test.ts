/**
 * The console shows the ladder: each step on the alert's page for both sides, the latest in the sent list,
 * what to telephone when a SIGNIFICANT alert is overdue out of hours or a message did not arrive (to the
 * sender); and the local hub's mail outbox lists every message as Notify would render it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient } from '../support/console-client.js';
import { FixedClock } from '../support/fakes.js';
import { sampleAlert, startTestHub, type TestHub } from '../support/hub.js';

// Monday 7 December 2026, 20:00 London: out of hours.
const clock = new FixedClock(new Date('2026-12-07T20:00:00.000Z'));
let hub: TestHub;
let alertId: string;

async function sweep(): Promise<void> {
  await hub.runJob('ladder-sweep');
  await hub.drainNotifications();
}

beforeAll(async () => {
  hub = await startTestHub({ clock });
  const police = await hub.token('northumberland', 'police', { sub: 'test-officer-northumberland' });
  hub.mailOutbox.refuse('duty-manager@north-tyneside.example.gov.uk');
  const created = await hub.call('POST', '/v1/alerts', {
    token: police,
    body: sampleAlert(['north-tyneside'], { risk: { level: 'SIGNIFICANT', exploitation: ['CCE'], summary: 'Synthetic summary' } }),
  });
  alertId = created.json.alertId;
  await sweep();
  clock.set('2026-12-08T00:00:00.000Z');
  await sweep();
});
afterAll(async () => hub?.stop());

describe('the console and the ladder', () => {
  it('shows the sender every step, and what to telephone for the escalation out of hours and the message that did not arrive', async () => {
    // Act
    const officer = new ConsoleClient(hub.url);
    await officer.signIn({ persona: 'POLICE_NORTHUMBERLAND' });
    const page = await officer.get(`/alerts/${alertId}`);
    const sent = await officer.get('/alerts/sent');

    // Assess
    expect(page.status).toBe(200);
    expect(page.text).toContain('Told of the alert (North Tyneside&#39;s MSET mailbox), 20:00 yesterday');
    expect(page.text).toContain(
      'Escalated: overdue (North Tyneside&#39;s duty manager and Northumberland&#39;s MSET mailbox), 00:00 today',
    );
    expect(page.text).toContain('Overdue out of hours: telephone North Tyneside&#39;s out-of-hours team on 0191 498 0002');
    expect(page.text).toContain('A message to North Tyneside&#39;s duty manager could not be delivered');
    expect(sent.text).toContain('Escalated: overdue 00:00 today');
    expect(sent.text).toContain('A message could not be delivered');
  });

  it('shows the receiving area the steps about its share, without the sender’s telephone advice', async () => {
    // Act
    const coordinator = new ConsoleClient(hub.url);
    await coordinator.signIn({ persona: 'COORDINATOR_NORTH_TYNESIDE' });
    const page = await coordinator.get(`/alerts/${alertId}`);

    // Assess
    expect(page.text).toContain('Escalated: overdue');
    expect(page.text).not.toContain('could not be delivered');
  });

  it("lists, on the local hub, every message to the person's area as Notify would render it, and names the shifted clock nowhere it is not shifted", async () => {
    // Act: North Tyneside's coordinator, whose MSET mailbox was told
    const coordinator = new ConsoleClient(hub.url);
    await coordinator.signIn({ persona: 'COORDINATOR_NORTH_TYNESIDE' });
    const outbox = await coordinator.get('/outbox');

    // Assess
    expect(outbox.status).toBe(200);
    expect(outbox.text).toContain('A significant alert from Northumberland needs acknowledging');
    expect(outbox.text).toContain('mset@north-tyneside.example.gov.uk');
    expect(outbox.text).toContain(`${hub.url.replace('127.0.0.1', 'localhost')}/alerts/${alertId}`);
    expect(outbox.text).not.toContain('duty-manager@north-tyneside.example.gov.uk');
    expect(outbox.text).not.toContain('Its clock reads');
  });
});
