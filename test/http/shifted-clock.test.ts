/**
 * A trainer watches the ladder without waiting four hours: a SIGNIFICANT alert sent on the local hub, the
 * hub stopped and started again on the same data directory with its clock three hours on, shows the
 * reminder; the console's banner says what the shifted clock reads.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Hub, startHub } from '../../local/hub.js';
import { ConsoleClient } from '../support/console-client.js';
import { sampleAlert } from '../support/hub.js';

const HOUR = 3_600_000;
let dataDir: string | undefined;

afterAll(async () => {
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

async function sweep(hub: Hub): Promise<void> {
  await hub.runJob('ladder-sweep');
  await hub.drainNotifications();
}

describe('the local hub on a shifted clock', () => {
  it('shows the reminder after a restart three hours on, on the same data directory, and says so in the banner', async () => {
    // Prepare: an alert sent now
    dataDir = await mkdtemp(join(tmpdir(), 'mset-hub-shift-'));
    const first = await startHub({ port: 0, dataDir, jobIntervalMs: 0 });
    const police = await first.identity.mint({
      sub: 'officer',
      name: 'Test Officer',
      area: 'northumberland',
      agency: 'police',
      roles: ['police'],
    });
    const created = await fetch(`${first.url}/v1/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${police}`, 'content-type': 'application/json' },
      body: JSON.stringify(
        sampleAlert(['north-tyneside'], { risk: { level: 'SIGNIFICANT', exploitation: ['CSE'], summary: 'Synthetic summary' } }),
      ),
    });
    expect(created.status).toBe(201);
    await sweep(first);
    const before = first.mailOutbox.list().map((message) => message.template);
    await first.stop();

    // Act: the same data directory, three hours (and a minute) on
    const second = await startHub({ port: 0, dataDir, jobIntervalMs: 0, clockShiftMs: 3 * HOUR + 60_000 });
    try {
      await sweep(second);
      const after = second.mailOutbox.list().map((message) => message.template);
      const coordinator = new ConsoleClient(second.url);
      await coordinator.signIn({ persona: 'COORDINATOR_NORTH_TYNESIDE' });
      const page = await coordinator.get('/alerts');

      // Assess
      expect(before).toEqual(['ALERT_SHARED']);
      expect(after).toEqual(['ALERT_REMINDER', 'ALERT_SHARED']);
      expect(page.text).toMatch(/Its clock reads \d{2}:\d{2} on \w+ \d{1,2} \w+ \d{4}, 181 minutes ahead of the real time/);
    } finally {
      await second.stop();
    }
  });
});
