/**
 * `npm run screenshots`: full-page PNGs of the console's main pages in docs/screenshots/, taken by the
 * browser tests' own journeys (so a screenshot shows a page the tests have just checked), run with
 * SCREENSHOTS=1. Each journey names its pictures with `visitor.screenshot(name)` (test/support/browser.ts).
 *
 * To add a page: call `await visitor.screenshot('<name>')` where the journey shows it, add the journey's test
 * file to JOURNEYS if it is not there yet, and the name to PICTURES.
 */
import { spawnSync } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPOSITORY = fileURLToPath(new URL('..', import.meta.url));
const SCREENSHOT_DIR = join(REPOSITORY, 'docs', 'screenshots');

/** The test files whose journeys take the pictures. */
const JOURNEYS = ['test/browser/alert-journey.test.ts', 'test/browser/meeting-journey.test.ts', 'test/browser/share-life-journey.test.ts'];

/** The pictures those journeys must have taken, by file name without ".png". */
const PICTURES = [
  'send-alert-errors', // Send an alert, sent with mistakes: the error summary and the fields' messages
  'check-answers', // Check your answers before sending the alert
  'alerts-received', // North Tyneside's Alerts received, with the new alert and its deadline
  'alert', // the alert, as North Tyneside sees it before acknowledging
  'forward-errors', // police forwarding to Newcastle beside North Tyneside's redirect, sent without a reason
  'forward-errors-mobile', // the same on a phone's width
  'revoke-confirm', // "Are you sure you want to end North Tyneside's share?", and what happens
  'revoke-confirm-mobile', // the same on a phone's width
  'chain-of-custody', // the alert as police sees it after forwarding it to Newcastle and ending North Tyneside's share
  'alerts-sent', // Northumberland's Alerts sent: each alert's shares as the outbox lists them, one a week from its end
  'meeting', // a meeting once held, as its chair sees it: the record, and the actions with North Tyneside's done
  'action-updates', // "See all 23 updates" of an action: the newest twenty, numbered, who and when, pagination
  'action-updates-mobile', // the same on a phone's width
];

const started = Date.now();
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const run = spawnSync(process.execPath, [vitest, 'run', '--project', 'browser', ...JOURNEYS], {
  cwd: REPOSITORY,
  stdio: 'inherit',
  env: { ...process.env, SCREENSHOTS: '1' },
});
if (run.status !== 0) {
  process.stderr.write('The journeys failed, so the screenshots may show a broken page: fix the tests first.\n');
  process.exit(run.status ?? 1);
}

const missing: string[] = [];
for (const name of PICTURES) {
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  const written = await stat(file).catch(() => undefined);
  if (written === undefined || written.mtimeMs < started) missing.push(name);
  else process.stdout.write(`${relative(REPOSITORY, file)} (${Math.round(written.size / 1024)} KB)\n`);
}
if (missing.length > 0) {
  process.stderr.write(`No new screenshot for: ${missing.join(', ')}\n`);
  process.exit(1);
}
