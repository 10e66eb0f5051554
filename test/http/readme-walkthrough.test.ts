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
    const seen = history.items.map((item: { action: string; outcome: string; actor: { area: string } }) =>
      `${item.actor.area} ${item.action} ${item.outcome}`,
    );
    expect(seen).toEqual(
      expect.arrayContaining([
        'northumberland ALERT_CREATE SUCCESS',
        'north-tyneside ALERT_VIEW SUCCESS',
        'north-tyneside ALERT_ACKNOWLEDGE SUCCESS',
        'newcastle ALERT_VIEW NOT_FOUND',
      ]),
    );
  });
});
