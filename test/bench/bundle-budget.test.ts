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
import { ROUTES } from '../../functions/routes.js';
import { type FunctionName, NEEDS } from '../../infra/permissions.js';
import { bundleFunctions, type FunctionBundle } from '../../scripts/bundle.js';

const BUDGET_BYTES = 700 * 1024;
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
  it('exist for every route handler, the audit consumer and the authorizer-refusals function', () => {
    const expected = new Set([...ROUTES.map((route) => route.handler), 'audit-consumer', 'authorizer-refusals']);
    expect(new Set(bundles.map((bundle) => bundle.name))).toEqual(expected);
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
