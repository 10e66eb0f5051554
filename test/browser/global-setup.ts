/**
 * One headless Chromium for the whole browser suite: launched once as a Playwright browser server, its
 * WebSocket address given to every test file (each connects, and each person gets a context of their own).
 * Each file leaves a count of its accessibility checks in a folder made here; the teardown adds them up and
 * prints the total, so the suite says how many pages axe looked at, not only that nothing failed.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chromium from '@sparticuz/chromium';
import { chromium as playwright } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import type { AxeTally } from '../support/browser.js';

/**
 * @sparticuz/chromium's flags are for one page in a Lambda sandbox. Measured here: with `--single-process`
 * closing a context kills the browser (the next context fails with "Browser closed"), and a suite of one
 * context per person needs many. The flags that turn off the browser's own security (same-origin policy,
 * mixed content, site isolation) go too, so that the cookie and Content-Security-Policy tests run in a
 * browser that enforces what a real one does. `--disable-background-networking`: this machine has no
 * network, and Chromium retries its own requests at start.
 */
const DROPPED = new Set([
  '--single-process',
  '--disable-web-security',
  '--allow-running-insecure-content',
  '--disable-site-isolation-trials',
]);

export default async function setup(project: TestProject) {
  const server = await playwright.launchServer({
    executablePath: await chromium.executablePath(),
    args: [...chromium.args.filter((arg) => !DROPPED.has(arg)), '--disable-background-networking'],
    headless: true,
  });
  const tallies = await mkdtemp(join(tmpdir(), 'mset-axe-'));
  project.provide('browserWsEndpoint', server.wsEndpoint());
  project.provide('axeTallyDir', tallies);

  return async () => {
    await server.close();
    const files = await readdir(tallies);
    const counts = await Promise.all(files.map(async (file) => JSON.parse(await readFile(join(tallies, file), 'utf8')) as AxeTally));
    await rm(tallies, { recursive: true, force: true });
    const total = counts.reduce((sum, tally) => sum + tally.checks, 0);
    const lines = counts
      .sort((a, b) => a.file.localeCompare(b.file))
      .map((tally) => `  ${tally.file}: ${tally.checks} (${tally.pages.length} kinds of page)`);
    process.stdout.write(`\nBrowser suite: ${total} axe checks passed (WCAG 2.2 A and AA: no violations)\n${lines.join('\n')}\n`);
  };
}
