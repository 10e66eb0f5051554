/**
 * The OpenAPI 3.1 document, assembled from the route list (functions/routes.ts) and the zod contracts it
 * names (zod 4 emits JSON Schema 2020-12, which OpenAPI 3.1 uses as is): nothing is described here.
 * `npm run openapi` writes docs/openapi.json; a test fails if that file and this generator disagree, so the
 * published document can only change by changing a contract or a route.
 */
import * as z from 'zod/mini';
import { ROUTE_LIST } from '../functions/routes.js';
import { GATEWAY_REFUSAL_STATUSES, GatewayRefusal, Problem } from './problem.js';

const schema = (type: z.ZodMiniType, io: 'input' | 'output') => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(type, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const PROBLEM = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

function errorResponse(status: number): Record<string, unknown> {
  if (!GATEWAY_REFUSAL_STATUSES.includes(status)) return { description: 'Problem', content: PROBLEM };
  return {
    description: "Problem, or API Gateway's own refusal when it answers before the hub runs",
    content: { ...PROBLEM, 'application/json': { schema: { $ref: '#/components/schemas/GatewayRefusal' } } },
  };
}

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { routeKey, operation, authorized } of ROUTE_LIST) {
    // The catch-all is no operation of the API.
    if (operation === null) continue;
    const [method = '', path = ''] = routeKey.split(' ');
    const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
    const queryShape = operation.query === undefined ? {} : (schema(operation.query, 'input')['properties'] as Record<string, unknown>);
    const parameters = [
      ...pathParams.map((name) => ({
        name,
        in: 'path',
        required: true,
        schema: name === 'actionId' ? { type: 'string' } : { type: 'string', format: 'uuid' },
      })),
      ...Object.entries(queryShape).map(([name, value]) => ({ name, in: 'query', required: false, schema: value })),
      ...(operation.idempotent === true
        ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 128 } }]
        : []),
    ];
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[method.toLowerCase()] = {
      summary: operation.summary,
      ...(operation.roles === undefined ? {} : { description: `Roles: ${operation.roles}.` }),
      ...(authorized ? {} : { security: [] }),
      ...(parameters.length === 0 ? {} : { parameters }),
      ...(operation.request === undefined
        ? {}
        : { requestBody: { required: true, content: { 'application/json': { schema: schema(operation.request, 'input') } } } }),
      responses: {
        [operation.success.status]: {
          description: 'Success',
          content: { [operation.success.mediaType ?? 'application/json']: { schema: schema(operation.success.schema, 'output') } },
        },
        ...(operation.alsoSuccess === undefined
          ? {}
          : {
              [operation.alsoSuccess.status]: {
                description: 'Success, awaiting approval',
                content: { 'application/json': { schema: schema(operation.alsoSuccess.schema, 'output') } },
              },
            }),
        ...Object.fromEntries(operation.errors.map((status) => [status, errorResponse(status)])),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'MSET Cross-Boundary Hub',
      version: '1',
      description: 'Child-movement alerts between MSET partnerships. Synthetic data only in examples.',
    },
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Problem: schema(Problem, 'output'), GatewayRefusal: schema(GatewayRefusal, 'output') },
    },
    paths,
  };
}
