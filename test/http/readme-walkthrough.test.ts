/**
 * The README's walkthrough, run as written (only the hub's address and data directory differ), so the
 * newcomer's first experience is tested on every `npm test`.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub.js';

const run = promisify(execFile);
let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub.stop();
});

async function walkthroughScript(): Promise<string> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.split('## Walkthrough')[1] ?? '';
  const block = /```bash\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('README has no bash block under "## Walkthrough"');
  return block;
}

describe('README walkthrough', () => {
  it('runs verbatim against a fresh hub and tells the story the README tells', async () => {
    // Prepare
    const script = await walkthroughScript();
    expect(script).toContain('HUB=http://localhost:3000');
    const pointed = script.replace('HUB=http://localhost:3000', `HUB=${hub.url}`);

    // Act
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', pointed], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { ...process.env, HUB_DATA_DIR: hub.dataDir },
      timeout: 60_000,
    });

    // Assess
    const lines = stdout.trim().split('\n');
    const alertId = /^alert ([0-9a-f-]{36})$/.exec(lines[0] ?? '')?.[1];
    expect(alertId).toBeDefined();
    const inbox = JSON.parse(lines[1] ?? '');
    expect(inbox.items.map((item: { alertId: string }) => item.alertId)).toContain(alertId);
    const opened = JSON.parse(lines[2] ?? '');
    expect(opened.child.name.family).toBe('Child-Alpha');
    expect(opened.disruptionPlan).toBeUndefined(); // not granted to North Tyneside in the example
    expect(JSON.parse(lines[3] ?? '')).toMatchObject({ alertId, area: 'north-tyneside', outcome: 'ACCEPTED' });
    expect(lines[4]).toBe('404');
    const outbox = JSON.parse(lines[5] ?? '');
    expect(outbox.items[0].shares).toEqual([expect.objectContaining({ area: 'north-tyneside', status: 'ACKNOWLEDGED' })]);
    const history = JSON.parse(lines[6] ?? '');
    const seen = history.items.map(
      (item: { action: string; outcome: string; actor: { area: string } }) => `${item.actor.area} ${item.action} ${item.outcome}`,
    );
    expect(seen).toEqual(
      expect.arrayContaining([
        'northumberland ALERT_CREATE SUCCESS',
        'north-tyneside ALERT_VIEW SUCCESS',
        'north-tyneside ALERT_ACKNOWLEDGE SUCCESS',
        'newcastle ALERT_VIEW NOT_FOUND',
      ]),
    );

    // The meeting journey: requested, answered by both, scheduled, invitation, recorded, action done
    const meetingId = /^meeting ([0-9a-f-]{36})$/.exec(lines[7] ?? '')?.[1];
    expect(meetingId).toBeDefined();
    expect(JSON.parse(lines[8] ?? '')).toEqual({ meetingId, area: 'north-tyneside', response: 'ACCEPT', slotId: 'slot-1' });
    expect(JSON.parse(lines[9] ?? '')).toEqual({ meetingId, area: 'newcastle', response: 'DECLINE' });
    const scheduled = JSON.parse(lines[10] ?? '');
    expect(scheduled).toMatchObject({ meetingId, status: 'SCHEDULED', slotId: 'slot-1', durationMinutes: 60 });
    const calendarEnd = lines.findIndex((line) => line.startsWith('END:VCALENDAR'));
    expect(lines[11]).toBe('BEGIN:VCALENDAR\r');
    expect(calendarEnd).toBeGreaterThan(11);
    const calendar = lines.slice(11, calendarEnd + 1).join('\n');
    expect(lines.slice(11, calendarEnd).every((line) => line.endsWith('\r'))).toBe(true);
    const unfolded = calendar.replace(/\r\n[ \t]/g, '');
    expect(unfolded).toContain('BEGIN:VEVENT');
    expect(unfolded).toContain(
      `DTSTART:${String(scheduled.start)
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '')}`,
    );
    expect(unfolded).toContain(`MSET-${meetingId!.slice(0, 8).toUpperCase()}`);
    expect(unfolded).toMatch(/North Tyneside/);
    expect(unfolded).not.toMatch(/Child-Alpha|2011-01-01|Missing episodes/);
    expect(unfolded).not.toContain(alertId);
    const actionId = /^action (\S+)$/.exec(lines[calendarEnd + 1] ?? '')?.[1];
    expect(actionId).toBeDefined();
    expect(JSON.parse(lines[calendarEnd + 2] ?? '')).toMatchObject({ meetingId, actionId, status: 'DONE' });
    const meeting = JSON.parse(lines[calendarEnd + 3] ?? '');
    expect(lines).toHaveLength(calendarEnd + 4);
    expect(meeting).toMatchObject({
      meetingId,
      requestingArea: 'northumberland',
      invitedAreas: ['north-tyneside', 'newcastle'],
      status: 'HELD',
      subject: { name: { given: 'Test', family: 'Child-Alpha' } },
      alertIds: [alertId],
      responses: [
        { area: 'north-tyneside', response: 'ACCEPT', slotId: 'slot-1' },
        { area: 'newcastle', response: 'DECLINE', reason: 'Not known to Newcastle MSET' },
      ],
      scheduled: { slotId: 'slot-1', start: scheduled.start },
      record: { decisions: 'Joint disruption plan agreed' },
    });
    expect(meeting.actions.map((item: { ownerArea: string; status: string }) => `${item.ownerArea} ${item.status}`)).toEqual([
      'north-tyneside DONE',
      'northumberland OPEN',
    ]);
    expect(meeting.actions[0]).toMatchObject({
      actionId,
      latestUpdates: [{ number: 1, status: 'DONE', note: 'Interview held' }],
      updateCount: 1,
    });
    expect(new Date(meeting.record.recordedAt).getTime()).toBeGreaterThanOrEqual(new Date(scheduled.start).getTime());
  });
});
