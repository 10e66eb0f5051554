/**
 * Builds an HTTP function: middy around a small run function. The middleware order is the same for every
 * route: metrics, access log, error mapping, authentication, then body parsing and idempotency where the
 * route takes a body.
 */
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { RequestContext } from '../../core/audit.js';
import { metrics } from '../metrics.js';
import { areaDirectory, auditRecorder, clock, idempotencyStore } from '../wiring.js';
import { accessLog, authentication, type HubEvent, idempotency, jsonBody, problemResponses } from './middleware.js';
import type { HttpResponse } from './problem.js';

export type RouteInput = { readonly event: HubEvent; readonly context: RequestContext; readonly json: unknown };

export function httpRoute(options: { body?: boolean }, run: (input: RouteInput) => Promise<HttpResponse>) {
  const handler = middy<HubEvent, HttpResponse, Error, Context>()
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(accessLog())
    .use(problemResponses())
    .use(authentication({ areas: areaDirectory(), audit: auditRecorder() }));
  if (options.body === true) {
    handler.use(jsonBody()).use(idempotency({ store: idempotencyStore(), now: () => clock.now() }));
  }
  return handler.handler(async (event) => {
    const context = event.hub?.context;
    // authentication() sets it or throws; reaching here without it would be a wiring bug.
    if (context === undefined) throw new Error('request reached the handler unauthenticated');
    return run({ event, context, json: event.hub?.json });
  });
}
