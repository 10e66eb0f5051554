/**
 * The console's once-per-form rule (functions/console/app.ts, once) on its fault paths, against a scripted
 * idempotency store: what the real store does is tested in test/unit/adapters/dynamodb/idempotency-store.test.ts,
 * and a form sent twice at once end to end in test/http/console-sessions.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import { type FormChange, once } from '../../../functions/console/app.js';
import type { RequestContext } from '../../../functions/core/audit.js';
import type { CommitProof } from '../../../functions/core/creations.js';
import { CompensationFailedError, DependencyUnavailableError, OutcomeUnknownError } from '../../../functions/core/errors.js';
import type { ClaimResult, IdempotencyClaim, IdempotencyStore } from '../../../functions/shared/http/idempotency-store.js';

const NOW = new Date('2026-12-01T10:00:00.000Z');
const CLAIM: IdempotencyClaim = { claimId: '00000000-0000-4000-8000-000000000001', attempt: 1, attemptStartedAt: NOW.toISOString() };
const CONTEXT = { caller: { sub: 'test-police' }, requestId: 'test-request' } as unknown as RequestContext;
const SESSION = { claims: { sub: 'test-police' } };
const FORM = { formId: 'test-form-0000000000000001', csrfToken: 'not part of the form' };
const PROOF: CommitProof = { table: 'alerts', key: { pk: 'ALERT#a', sk: 'ALERT' }, createdAt: NOW.toISOString() };

/** A store whose claims answer as scripted, one per call (the last repeated), recording every write. */
function scriptedStore(claims: ClaimResult[]) {
  const calls: string[] = [];
  let next = 0;
  const store: IdempotencyStore & { calls: string[]; completions: { response: string; proof?: CommitProof }[] } = {
    calls,
    completions: [],
    claim: vi.fn(async () => {
      calls.push('claim');
      const answer = claims[Math.min(next, claims.length - 1)] as ClaimResult;
      next += 1;
      return answer;
    }),
    complete: vi.fn(async (_key: string, _claim: IdempotencyClaim, response: string, _expiresAt: Date, proof?: CommitProof) => {
      calls.push(proof === undefined ? 'complete' : 'complete with proof');
      store.completions.push({ response, ...(proof === undefined ? {} : { proof }) });
    }),
    release: vi.fn(async () => {
      calls.push('release');
    }),
  };
  return store;
}

/** The form sent once, by the person of SESSION, against `store`. */
const send = (store: IdempotencyStore, change: FormChange) => once({ idempotency: store }, CONTEXT, SESSION, FORM, 'test', change, NOW);

const FRESH: ClaimResult = { claimed: true, claim: CLAIM, fresh: true };
const hashOfForm = async (): Promise<string> => {
  // The hash once() computes, read back from what it claims with.
  const store = scriptedStore([FRESH]);
  await send(store, async () => '/done');
  return vi.mocked(store.claim).mock.calls[0]?.[1] as string;
};

describe('a console form sent once', () => {
  it('remembers a creation answer kept beside its writes, and writes nothing after it', async () => {
    const store = scriptedStore([FRESH]);
    const answer = { alertId: 'a' };
    const response = await send(store, async (context, keep) => {
      expect(context.claimIsNew).toBe(true);
      await keep((given: typeof answer) => `/alerts/${given.alertId}`)(answer, PROOF);
      return { location: '/alerts/a', answer };
    });
    expect(response.headers['location']).toBe('/alerts/a');
    expect(store.calls).toEqual(['claim', 'complete with proof']);
    expect(store.completions[0]).toEqual({ response: JSON.stringify({ location: '/alerts/a' }), proof: PROOF });
  });

  it("remembers the page again, without a proof, when the creation answered with another attempt's", async () => {
    const store = scriptedStore([FRESH]);
    const response = await send(store, async (_context, keep) => {
      await keep((given: { alertId: string }) => `/alerts/${given.alertId}`)({ alertId: 'a' }, PROOF);
      // Same alert, same page, but another attempt's commit: the kept proof names one that never came.
      return { location: '/alerts/a', answer: { alertId: 'a' } };
    });
    expect(response.headers['location']).toBe('/alerts/a');
    expect(store.calls).toEqual(['claim', 'complete with proof', 'complete']);
  });

  it('does not call a taken-over claim new', async () => {
    const store = scriptedStore([{ claimed: true, claim: { ...CLAIM, attempt: 2 } }]);
    let seen: RequestContext | undefined;
    await send(store, async (context) => {
      seen = context;
      return '/done';
    });
    expect(seen?.claim).toEqual({ ...CLAIM, attempt: 2 });
    expect(seen?.claimIsNew).toBeUndefined();
  });

  it('gives the form up after a change that failed, so that sending it again runs it again', async () => {
    const store = scriptedStore([FRESH]);
    const failing = send(store, async () => {
      throw new DependencyUnavailableError('database');
    });
    await expect(failing).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(store.calls).toEqual(['claim', 'release']);
  });

  it.each([
    ['whose outcome is unknown', new OutcomeUnknownError('database')],
    [
      'whose correction is not on record',
      new CompensationFailedError(new DependencyUnavailableError('audit-queue'), 'alert-a', new Error('Test correction failed')),
    ],
  ])('keeps the form claimed after a change %s: the next send, after the lease, is the same attempt', async (_what, error) => {
    const store = scriptedStore([FRESH]);
    await expect(send(store, async () => Promise.reject(error))).rejects.toBe(error);
    expect(store.calls).toEqual(['claim']);
  });

  it('sends the person on when the change is made but cannot be remembered, and never frees the form for a second change', async () => {
    const store = scriptedStore([FRESH]);
    vi.mocked(store.complete).mockRejectedValue(new DependencyUnavailableError('database'));
    const response = await send(store, async () => '/alerts/a');
    expect(response.status).toBe(303);
    expect(response.headers['location']).toBe('/alerts/a');
    // Tried twice; never released.
    expect(vi.mocked(store.complete)).toHaveBeenCalledTimes(2);
    expect(vi.mocked(store.release)).not.toHaveBeenCalled();
  });

  it('waits for a press still being sent and shows the person what it did', async () => {
    const requestHash = await hashOfForm();
    const inProgress: ClaimResult = {
      claimed: false,
      record: { ...CLAIM, state: 'IN_PROGRESS', requestHash, leaseUntil: new Date(NOW.getTime() + 35_000) },
    };
    const completed: ClaimResult = {
      claimed: false,
      record: { ...CLAIM, state: 'COMPLETED', requestHash, response: JSON.stringify({ location: '/alerts/a?done=sent' }) },
    };
    const store = scriptedStore([inProgress, inProgress, completed]);
    const change = vi.fn(async () => '/never');
    const response = await send(store, change);
    expect(response.headers['location']).toBe('/alerts/a?done=sent');
    expect(change).not.toHaveBeenCalled();
    expect(store.calls).toEqual(['claim', 'claim', 'claim']);
  });

  it('does not wait for the same form sent with other answers: it was already sent', async () => {
    const store = scriptedStore([
      {
        claimed: false,
        record: { ...CLAIM, state: 'IN_PROGRESS', requestHash: 'another form', leaseUntil: new Date(NOW.getTime() + 35_000) },
      },
    ]);
    await expect(send(store, async () => '/never')).rejects.toThrow('already sent');
    expect(store.calls).toEqual(['claim']);
  });
});
