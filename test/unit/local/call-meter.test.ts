import { describe, expect, it } from 'vitest';
import type { KeyService } from '../../../functions/core/ports.js';
import { CallMeter, chainLength, type MeteredCall, PROFILES, summarize } from '../../../local/call-meter.js';

const at = (start: number, end: number): MeteredCall => ({ service: 'dynamodb', operation: 'GetCommand', start, end });

describe('chainLength', () => {
  it('counts calls one after another as links, and calls that overlap as one', () => {
    expect(chainLength([])).toBe(0);
    expect(chainLength([at(1, 2), at(3, 4), at(5, 6)])).toBe(3);
    expect(chainLength([at(1, 4), at(2, 5), at(3, 6)])).toBe(1);
    // Two in parallel, then one after both
    expect(chainLength([at(1, 3), at(2, 4), at(5, 6)])).toBe(2);
  });

  it('takes the longest of parallel branches', () => {
    // One long call beside a branch of three short ones in a row
    expect(chainLength([at(1, 20), at(2, 3), at(4, 5), at(6, 7)])).toBe(3);
  });
});

describe('CallMeter', () => {
  const keys: KeyService = {
    generateDataKey: async () => ({ plaintext: new Uint8Array(32), encrypted: new Uint8Array(8) }) as never,
    decryptDataKey: async () => new Uint8Array(32),
  };

  it('counts the calls made within a request, in parallel as one link, and none outside', async () => {
    // Prepare
    const meter = new CallMeter();
    const wrapped = meter.wrap({ keyService: keys }).keyService!;
    const context = { alertId: 'a', sendingArea: 'b', scope: 'c' } as never;

    // Act
    await wrapped.decryptDataKey(new Uint8Array(1), context);
    await meter.request('GET /x', 'GET /x', async () => {
      await Promise.all([wrapped.decryptDataKey(new Uint8Array(1), context), wrapped.decryptDataKey(new Uint8Array(1), context)]);
      await wrapped.generateDataKey(context);
      await meter.outside(() => wrapped.generateDataKey(context));
    });

    // Assess
    const [trace, ...rest] = meter.take();
    expect(rest).toEqual([]);
    expect(trace!.routeKey).toBe('GET /x');
    expect(summarize(trace!.calls)).toEqual({ dynamodb: 0, kms: 3, audit: 0, notifications: 0, chain: 2 });
    expect(meter.take()).toEqual([]);
  });

  it("delays each call by its profile's figure for the service", async () => {
    // Prepare
    const meter = new CallMeter();
    const wrapped = meter.wrap({ keyService: keys }).keyService!;
    meter.setProfile(PROFILES.high);

    // Act
    const start = performance.now();
    await wrapped.decryptDataKey(new Uint8Array(1), {} as never);
    const took = performance.now() - start;

    // Assess: at least the delay (a lower bound only, never an upper one: no timed assertions)
    expect(took).toBeGreaterThanOrEqual(PROFILES.high.kms - 1);
  });
});
