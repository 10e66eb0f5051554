/**
 * Builds an HTTP function: middy around a small run function. The middleware order is the same for every
 * route: Lambda context on the logger, metrics, access log, error mapping, authentication, then body parsing
 * and idempotency where the route takes a body. `needs` names the adapters the route's use case takes; they
 * are built once per environment, before the first request.
 *
 * `claimOverlapsWork`: the Idempotency-Key is claimed beside the route's first round trip instead of
 * before it (a creation's: see functions/core/creations.ts, ClaimHooks). If the key turns out to be held,
 * the work, which stopped before storing anything, is set aside and the request answered as the key's
 * record says, or run again under the claim it took over.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { z } from 'zod/mini';
import type { RequestContext } from '../../core/audit.js';
import type { AnswerKeeper } from '../../core/creations.js';
import { type HttpFunction, type HttpHandler, lambdaFunction, type Needs, type Resolved, resolveNeeds } from '../function.js';
import { lambdaContextLogging } from '../logger.js';
import { invocationMetrics } from '../metrics.js';
import { areaDirectory, auditRecorder, idempotencyStore } from '../wiring.js';
import { parseInput } from './input.js';
import { accessLog, authentication, type ClaimSettled, type HubEvent, idempotency, jsonBody, problemResponses } from './middleware.js';
import type { HttpResponse } from './problem.js';

export type RouteInput<D> = {
  readonly event: HubEvent;
  readonly context: RequestContext;
  /** The body as the contract reads it; a body that could not be read, or breaks the contract, throws. */
  readonly body: <S extends z.ZodMiniType>(schema: S) => z.infer<S>;
  /** The query string as the contract reads it. */
  readonly query: <S extends z.ZodMiniType>(schema: S) => z.infer<S>;
  readonly deps: D;
  /**
   * Under an Idempotency-Key, remembers the answer as `respond` makes it into the response, beside the
   * commit that makes it true (the use case calls it); undefined without a key.
   */
  readonly keepAnswer: <A>(respond: (answer: A) => HttpResponse) => AnswerKeeper<A> | undefined;
};

export function httpRoute<N extends Needs>(
  options: { readonly body?: boolean; readonly needs: N; readonly claimOverlapsWork?: boolean },
  run: (input: RouteInput<Resolved<N>>) => Promise<HttpResponse>,
): HttpFunction {
  return lambdaFunction<HttpHandler>((env) => {
    const deps = resolveNeeds(options.needs, env);
    const handler = middy<HubEvent, HttpResponse, Error, Context>()
      .use(lambdaContextLogging())
      .use(invocationMetrics())
      .use(accessLog())
      .use(problemResponses())
      .use(authentication({ areas: areaDirectory(env), audit: auditRecorder(env) }));
    if (options.body === true) {
      handler.use(jsonBody()).use(
        idempotency({
          store: idempotencyStore(env),
          audit: auditRecorder(env),
          now: () => env.clock.now(),
          leaseSeconds: env.config.idempotencyLeaseSeconds,
          overlaps: options.claimOverlapsWork === true,
        }),
      );
    }
    const wired = handler.handler(async (event) => {
      const context = event.hub?.context;
      // authentication() sets it or throws; reaching here without it would be a wiring bug.
      if (context === undefined) throw new Error('request reached the handler unauthenticated');
      const body = <S extends z.ZodMiniType>(schema: S): z.infer<S> => {
        if (event.hub?.bodyError !== undefined) throw event.hub.bodyError;
        return parseInput(schema, event.hub?.json, 'body');
      };
      const query = <S extends z.ZodMiniType>(schema: S): z.infer<S> => parseInput(schema, event.queryStringParameters ?? {}, 'query');
      const keep = event.hub?.keepAnswer;
      const keepAnswer = <A>(respond: (answer: A) => HttpResponse): AnswerKeeper<A> | undefined =>
        keep === undefined ? undefined : (answer, proof) => keep(respond(answer), proof);
      const input = { event, context, body, query, deps, keepAnswer };
      const pending = event.hub?.pendingClaim;
      if (pending === undefined) return run(input);
      // The claim was made beside the work: its outcome decides whether the work's answer (or error) stands.
      let settled: ClaimSettled;
      try {
        const response = await run(input);
        settled = await pending;
        if (settled.kind === 'ours') return response;
      } catch (error) {
        // A claim that could not be made at all fails the request (503), whatever the work did.
        settled = await pending;
        if (settled.kind === 'ours') throw error;
      }
      // Held: the work saw `claimed` reject, and stored (its intent, dropped again) and recorded nothing.
      if (settled.kind === 'rerun') return run({ ...input, context: settled.context });
      return settled.answer();
    });
    return wired;
  });
}
