/**
 * Builds an HTTP function: middy around a small run function. The middleware order is the same for every
 * route: Lambda context on the logger, metrics, access log, error mapping, authentication, then body parsing
 * and idempotency where the route takes a body. `needs` names the adapters the route's use case takes; they
 * are built once per environment, before the first request.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { z } from 'zod/mini';
import type { RequestContext } from '../../core/audit.js';
import { type HttpFunction, type HttpHandler, lambdaFunction, type Needs, type Resolved, resolveNeeds } from '../function.js';
import { lambdaContextLogging } from '../logger.js';
import { invocationMetrics } from '../metrics.js';
import { areaDirectory, auditRecorder, idempotencyStore } from '../wiring.js';
import { parseInput } from './input.js';
import { accessLog, authentication, type HubEvent, idempotency, jsonBody, problemResponses } from './middleware.js';
import type { HttpResponse } from './problem.js';

export type RouteInput<D> = {
  readonly event: HubEvent;
  readonly context: RequestContext;
  /** The body as the contract reads it; a body that could not be read, or breaks the contract, throws. */
  readonly body: <S extends z.ZodMiniType>(schema: S) => z.infer<S>;
  /** The query string as the contract reads it. */
  readonly query: <S extends z.ZodMiniType>(schema: S) => z.infer<S>;
  readonly deps: D;
};

export function httpRoute<N extends Needs>(
  options: { readonly body?: boolean; readonly needs: N },
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
      return run({ event, context, body, query, deps });
    });
    return wired;
  });
}
