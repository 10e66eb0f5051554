/**
 * contracts/schema.ts: a schema declared with schema() is built on first use and is then, in everything zod
 * and the hub ask of it, the schema itself. Compared with the same schema built eagerly.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { schema } from '../../../contracts/schema.js';

function eagerAndLazy() {
  const built: string[] = [];
  const lazyArea = schema(() => {
    built.push('area');
    return z
      .string()
      .trim()
      .regex(/^[a-z]+$/, 'must be lower case')
      .max(8);
  });
  const lazyShare = schema(() => {
    built.push('share');
    return z.strictObject({ area: lazyArea, note: z.string().max(5).optional(), scopes: z.array(z.enum(['A', 'B'])).min(1) });
  });
  const lazyRequest = schema(() => {
    built.push('request');
    return z.strictObject({ shares: z.array(lazyShare).max(2), reason: lazyArea.optional() }).superRefine((value, ctx) => {
      if (value.shares.length === 0 && value.reason === undefined) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'say why' });
    });
  });
  const area = z
    .string()
    .trim()
    .regex(/^[a-z]+$/, 'must be lower case')
    .max(8);
  const share = z.strictObject({ area, note: z.string().max(5).optional(), scopes: z.array(z.enum(['A', 'B'])).min(1) });
  const request = z.strictObject({ shares: z.array(share).max(2), reason: area.optional() }).superRefine((value, ctx) => {
    if (value.shares.length === 0 && value.reason === undefined) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'say why' });
  });
  return { built, lazy: { area: lazyArea, share: lazyShare, request: lazyRequest }, eager: { area, share, request } };
}

const INPUTS: unknown[] = [
  { shares: [{ area: ' camden ', scopes: ['A'] }] },
  { shares: [], reason: 'brent' },
  { shares: [] },
  {
    shares: [
      { area: 'Camden', scopes: [], extra: 1 },
      { area: 'x', scopes: ['C'] },
      { area: 'y', scopes: ['A'] },
    ],
  },
  { shares: [{ area: 'hackney', note: 'too long a note', scopes: ['B'] }], unknown: true },
  'not an object',
  null,
];

describe('schema()', () => {
  it('builds nothing at declaration, and each schema once, when first used', () => {
    const { built, lazy } = eagerAndLazy();
    expect(built).toEqual([]);
    lazy.request.safeParse({ shares: [] });
    expect(built.sort()).toEqual(['area', 'request', 'share']);
    lazy.request.safeParse({ shares: [] });
    lazy.share.safeParse({});
    expect(built).toHaveLength(3);
  });

  it('parses, transforms and refuses exactly as the schema built eagerly, issue for issue', () => {
    const { lazy, eager } = eagerAndLazy();
    for (const input of INPUTS) {
      const [fromLazy, fromEager] = [lazy.request.safeParse(input), eager.request.safeParse(input)];
      expect(fromLazy.success).toBe(fromEager.success);
      expect(fromLazy.data).toEqual(fromEager.data);
      expect(fromLazy.error?.issues).toEqual(fromEager.error?.issues);
    }
  });

  it('gives z.toJSONSchema, which tells nested schemas apart by identity, the same document', () => {
    const { lazy, eager } = eagerAndLazy();
    for (const io of ['input', 'output'] as const) {
      expect(z.toJSONSchema(lazy.request, { io, unrepresentable: 'any' })).toEqual(
        z.toJSONSchema(eager.request, { io, unrepresentable: 'any' }),
      );
    }
  });

  it('is the schema: its class, its shape, and what is derived from it', () => {
    const { lazy, eager } = eagerAndLazy();
    expect(lazy.share).toBeInstanceOf(z.ZodObject);
    expect(Object.getPrototypeOf(lazy.share)).toBe(Object.getPrototypeOf(eager.share));
    expect(Object.keys(lazy.share.shape)).toEqual(['area', 'note', 'scopes']);
    expect(lazy.share.shape.area).toBe(lazy.area);
    const extended = lazy.share.extend({ due: z.iso.date() }).omit({ note: true });
    expect(extended.safeParse({ area: 'camden', scopes: ['A'], due: '2026-12-01' }).success).toBe(true);
    expect(extended.safeParse({ area: 'camden', scopes: ['A'], note: 'hi', due: '2026-12-01' }).success).toBe(false);
    expect(lazy.area.optional().parse(undefined)).toBeUndefined();
  });

  it('keeps a plain object of schemas (a shape to spread) as that object', () => {
    const page = schema(() => ({ items: z.array(z.string()), next: z.string().optional() }));
    const withPage = z.object({ id: z.string(), ...page });
    expect(Object.keys(page)).toEqual(['items', 'next']);
    expect(withPage.parse({ id: 'a', items: ['b'] })).toEqual({ id: 'a', items: ['b'] });
  });

  it('tries again on next use when building failed', () => {
    let attempts = 0;
    const flaky = schema(() => {
      attempts += 1;
      if (attempts === 1) throw new Error('first build fails');
      return z.string();
    });
    expect(() => flaky.parse('x')).toThrow('first build fails');
    expect(flaky.parse('x')).toBe('x');
  });
});
