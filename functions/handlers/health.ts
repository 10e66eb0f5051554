/** GET /health: liveness for load balancers and the local hub's readiness check. No token, no data. */
import type { Health } from '../../contracts/health.js';
import { jsonResponse } from '../shared/http/problem.js';
import { publicRoute } from '../shared/http/public-route.js';

export const { handler, wire } = publicRoute(async () => jsonResponse(200, { status: 'ok' } satisfies Health));
