/**
 * The stand-in for semver in the notification sender's bundle (scripts/bundle.ts, NODE_VERSION_CHECKS)
 * answers jsonwebtoken's three Node version checks, and refuses any other question.
 */
import { describe, expect, it } from 'vitest';
import { satisfies } from '../../../functions/adapters/notify/node-version-checks.js';

describe('the Node version checks the sender bundle answers', () => {
  it.each([
    // [range, versions it excludes, versions it admits]
    ['^6.12.0 || >=8.0.0', ['v6.11.5', 'v7.10.1', 'v5.12.0'], ['v6.12.0', 'v6.17.1', 'v8.0.0', 'v8.1.0', 'v15.0.0', 'v24.21.0']],
    ['>=15.7.0', ['v15.6.0', 'v14.21.3', 'v8.9.9'], ['v15.7.0', 'v15.12.1', 'v16.0.0', 'v24.21.0']],
    ['>=16.9.0', ['v16.8.9', 'v15.7.0'], ['v16.9.0', 'v16.10.0', 'v17.0.0', 'v24.21.0']],
  ] as const)('answers %s as semver reads it', (range, below, from) => {
    expect(below.map((version) => satisfies(version, range))).toEqual(below.map(() => false));
    expect(from.map((version) => satisfies(version, range))).toEqual(from.map(() => true));
  });

  it('holds this Node to satisfy all three, as jsonwebtoken on the Lambda runtime expects', () => {
    expect(['^6.12.0 || >=8.0.0', '>=15.7.0', '>=16.9.0'].map((range) => satisfies(process.version, range))).toEqual([true, true, true]);
  });

  it('refuses a range it was not written for, rather than guess', () => {
    expect(() => satisfies(process.version, '>=18.0.0')).toThrow(/cannot answer the range >=18.0.0/);
  });
});
