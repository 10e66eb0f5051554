/** The console: every page, at the root of the API's host (ANY path the API does not have). */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { consoleApp } from '../console/app.js';
import { type ConsoleRequest, parseCookies } from '../console/http.js';
import { consolePages } from '../console/pages/index.js';
import { type HttpHandler, lambdaFunction, resolveNeeds } from '../shared/function.js';
import { lambdaContextLogging, logger } from '../shared/logger.js';
import {
  alertRepository,
  areaDirectory,
  auditRecorder,
  auditStore,
  clock,
  historyRecords,
  idempotencyStore,
  ids,
  keyService,
  meetingRepository,
  notificationQueue,
  sentMail,
  sessionStore,
  workingCalendars,
} from '../shared/wiring.js';

const needs = {
  alerts: alertRepository,
  meetings: meetingRepository,
  audit: auditRecorder,
  auditStore,
  history: historyRecords,
  keys: keyService,
  clock,
  ids,
  areas: areaDirectory,
  calendars: workingCalendars,
  sessions: sessionStore,
  idempotency: idempotencyStore,
  notifications: notificationQueue,
  sentMail,
};

export function consoleRequest(event: APIGatewayProxyEventV2): ConsoleRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers[name.toLowerCase()] = value;
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(event.rawQueryString ?? '')) if (!(name in query)) query[name] = value;
  const body = event.body === undefined ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const proto = headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
  return {
    method: event.requestContext.http.method,
    path: event.rawPath,
    query,
    cookies: parseCookies(event.cookies),
    headers,
    body,
    requestId: event.requestContext.requestId,
    origin: `${proto}://${headers['host'] ?? event.requestContext.domainName}`,
  };
}

export const { handler, wire } = lambdaFunction<HttpHandler>((env) => {
  const settings = env.config.console;
  if (settings === undefined) throw new TypeError('The console is not configured');
  const app = consoleApp(resolveNeeds(needs, env), settings, consolePages());
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(lambdaContextLogging())
    .handler(async (event) => {
      const started = Date.now();
      const response = await app(consoleRequest(event));
      // Path and status only: a query or a form may be anything a person typed.
      logger.info('page', {
        requestId: event.requestContext.requestId,
        method: event.requestContext.http.method,
        status: response.status,
        durationMs: Date.now() - started,
      });
      return {
        statusCode: response.status,
        headers: { ...response.headers },
        ...(response.cookies === undefined || response.cookies.length === 0 ? {} : { cookies: [...response.cookies] }),
        body: response.body,
        isBase64Encoded: response.isBase64Encoded === true,
      };
    }) as unknown as HttpHandler;
});
