/** $default: any route the API does not have, answered as a problem rather than API Gateway's bare body. */
import { problemResponse } from '../shared/http/problem.js';
import { publicRoute } from '../shared/http/public-route.js';

export const { handler, wire } = publicRoute(async (event) =>
  problemResponse({
    type: 'about:blank',
    title: 'Not Found',
    status: 404,
    detail: 'There is no such route',
    instance: event.requestContext.requestId,
  }),
);
