/** GET /v1/areas: the directory every user picks recipients from. Reference data, no child content. */
import type { AreaList } from '../../contracts/areas.js';
import { jsonResponse } from '../shared/http/problem.js';
import { httpRoute } from '../shared/http/route.js';
import { areaDirectory } from '../shared/wiring.js';

export const { handler, wire } = httpRoute({ needs: { areas: areaDirectory } }, async ({ deps }) =>
  jsonResponse(200, { items: deps.areas.list().map(({ ackDeadlines: _deadlines, ...area }) => area) } satisfies AreaList),
);
