/**
 * API Gateway HTTP API (payload 2.0) events built by hand, in the shape of test/fixtures/apigw-v2-event.json:
 * lowercased headers, JWT claims as strings (roles flattened to `[police coordinator]`), no
 * queryStringParameters key without a query.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';

export type EventOptions = {
  method?: string;
  path?: string;
  routeKey?: string;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  pathParameters?: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  /** `null` for a request with no authorizer context at all. */
  claims?: Record<string, string> | null;
  requestId?: string;
};

let counter = 0;

export function claimsFor(area: string, roles: string[], sub = `test-${area}-${roles.join('-')}`): Record<string, string> {
  return {
    sub,
    name: `Test ${roles.join(' ')} of ${area}`,
    area,
    agency: roles.includes('police') ? 'police' : 'childrens-services',
    roles: `[${roles.join(' ')}]`,
    iss: 'https://identity.test.invalid',
    aud: 'mset-hub',
    exp: '1893456000',
    iat: '1773136800',
  };
}

export function apiEvent(options: EventOptions = {}): APIGatewayProxyEventV2WithJWTAuthorizer {
  counter += 1;
  const method = options.method ?? 'POST';
  const path = options.path ?? '/v1/alerts';
  const routeKey = options.routeKey ?? `${method} ${path}`;
  const requestId = options.requestId ?? `req-${counter}`;
  const claims = options.claims === undefined ? claimsFor('northumberland', ['police']) : options.claims;
  const query = options.queryStringParameters;
  const event = {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: query === undefined ? '' : new URLSearchParams(query).toString(),
    headers: { host: 'api.test.invalid', 'user-agent': 'vitest', ...(options.headers ?? {}) },
    ...(query === undefined ? {} : { queryStringParameters: query }),
    ...(options.pathParameters === undefined ? {} : { pathParameters: options.pathParameters }),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api-id',
      ...(claims === null ? {} : { authorizer: { jwt: { claims, scopes: null } } }),
      domainName: 'api.test.invalid',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'vitest' },
      requestId,
      routeKey,
      stage: '$default',
      time: '10/Mar/2026:10:00:00 +0000',
      timeEpoch: 1773136800000,
    },
    ...(options.body === undefined ? {} : { body: options.body }),
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
  return event as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'test-function',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-2:123456789012:function:test-function',
    memoryLimitInMB: '256',
    awsRequestId: 'aws-request-id',
    logGroupName: '/aws/lambda/test-function',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
