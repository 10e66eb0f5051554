/**
 * For the two routes API Gateway does not authorize, health and the catch-all. Apart from ./route.ts so
 * these functions load no adapter and no AWS client at all.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { accessLog, type HubEvent, problemResponses } from './middleware.js';
import type { HttpResponse } from './problem.js';

export function publicRoute(run: (event: HubEvent) => Promise<HttpResponse>) {
  return middy<HubEvent, HttpResponse, Error, Context>()
    .use(accessLog())
    .use(problemResponses())
    .handler(run);
}
