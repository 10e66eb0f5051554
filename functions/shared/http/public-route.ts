/**
 * For the two routes API Gateway does not authorize, health and the catch-all. Apart from ./route.ts so
 * these functions load no adapter, no AWS client and no configuration at all: their handler is the same in
 * every environment.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { HttpFunction } from '../function.js';
import { lambdaContextLogging } from '../logger.js';
import { accessLog, type HubEvent, problemResponses } from './middleware.js';
import type { HttpResponse } from './problem.js';

export function publicRoute(run: (event: HubEvent) => Promise<HttpResponse>): HttpFunction {
  const handler = middy<HubEvent, HttpResponse, Error, Context>()
    .use(lambdaContextLogging())
    .use(accessLog())
    .use(problemResponses())
    .handler(run);
  return { handler, wire: () => handler };
}
