/**
 * The bundle budget, checked on the bundles scripts/bundle.ts builds (the same esbuild options the stack's
 * NodejsFunction uses). Sizes only, never times: timing lives in `npm run bench`.
 *
 * The second check proves the composition root's lazy getters keep unused AWS clients out of a bundle:
 * a function that never seals or opens child content must not carry the KMS client. Which functions those
 * are is read from infra/permissions.ts, so a function without a content-key permission in its IAM policy
 * is also one without the client that would use it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_LIST, WORKER_LIST } from '../../functions/routes.js';
import { type FunctionName, NEEDS } from '../../infra/permissions.js';
import { bundleFunctions, type FunctionBundle } from '../../scripts/bundle.js';

const BUDGET_BYTES = 700 * 1024;
const FUNCTION_NAMES = [...ROUTE_LIST.map((route) => route.handler), ...WORKER_LIST.map((worker) => worker.name)].sort();
/** Functions that change data map a failed undo to CompensationFailedError; a route with a body does. */
const WITH_ERRORS = ['create-alert', 'acknowledge-alert', 'record-meeting', 'update-meeting-action'];
const WITHOUT_KMS = (Object.keys(NEEDS) as FunctionName[]).filter((name) => !NEEDS[name].some((need) => need.kind === 'content')).sort();

let outDir: string;
let bundles: FunctionBundle[];

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'mset-hub-bundle-budget-'));
  bundles = await bundleFunctions(outDir, { measureImport: false });
}, 120_000);

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('function bundles', () => {
  it('exist for every function of the route list, and for nothing else', () => {
    const expected = new Set([...ROUTE_LIST.map((route) => route.handler), ...WORKER_LIST.map((worker) => worker.name)]);
    expect(new Set(bundles.map((bundle) => bundle.name))).toEqual(expected);
  });

  it.each(FUNCTION_NAMES)('%s carries no local twin: nothing from local/, no dynalite, no local credentials', async (name) => {
    const bundle = bundles.find((candidate) => candidate.name === name);
    expect(bundle?.inputs.length).toBeGreaterThan(0);
    const local = (bundle?.inputs ?? []).filter((input) => input.startsWith('local/') || input.includes('dynalite'));
    expect(local).toEqual([]);
    const code = await readFile(join(outDir, name, 'index.mjs'), 'utf8');
    // The in-process queue's sender id and the dummy credentials dynalite takes.
    expect(code).not.toContain('AIDALOCALHUBSENDER00');
    expect(code).not.toMatch(/accessKeyId:\s*"local"/);
  });

  it.each(WITH_ERRORS)('%s names its errors literally, so CompensationFailedError survives minification', async (name) => {
    const code = await readFile(join(outDir, name, 'index.mjs'), 'utf8');
    expect(code).toContain('"CompensationFailedError"');
    expect(code).toContain('"DependencyUnavailableError"');
  });

  it('are each under 700 KB minified', () => {
    const over = bundles.filter((bundle) => bundle.bytes >= BUDGET_BYTES).map((b) => `${b.name}: ${(b.bytes / 1024).toFixed(1)} KB`);
    expect(over).toEqual([]);
  });

  it('count the listing, public, consumer and refusal functions among those without the KMS client', () => {
    expect(WITHOUT_KMS).toEqual(
      expect.arrayContaining(['list-alerts', 'list-areas', 'health', 'not-found', 'audit-consumer', 'authorizer-refusals']),
    );
  });

  it.each(WITHOUT_KMS)('%s does not carry the KMS client (no GenerateDataKey in its bundle)', async (name) => {
    const code = await readFile(join(outDir, name, 'index.mjs'), 'utf8');
    expect(code.includes('GenerateDataKey')).toBe(false);
  });
});
