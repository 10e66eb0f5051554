/**
 * Errors become HTTP responses here and nowhere else: RFC 9457 problem details, with field paths for
 * validation errors, and never a stack trace, an internal name or an echo of what was submitted.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Problem } from '../../../contracts/problem.js';
import {
  ConflictError,
  DependencyUnavailableError,
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
} from '../../core/errors.js';
import { HttpRequestError } from './errors.js';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
};

/** Child data must never sit in a shared cache or be sniffed into something executable. */
const BASE_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;

/** Seconds a client should wait before retrying after a dependency failure. */
export const RETRY_AFTER_SECONDS = 5;

export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...BASE_HEADERS, ...headers },
    body: JSON.stringify(body),
  };
}

/** An iCalendar invitation, offered as a file to save or open in a calendar. */
export function calendarResponse(body: string, filename: string): HttpResponse {
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/calendar; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      ...BASE_HEADERS,
    },
    body,
  };
}

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', ...BASE_HEADERS, ...headers },
    body: JSON.stringify(problem),
  };
}

const type = (slug: string) => `urn:mset-hub:problem:${slug}`;

export function toProblemResponse(error: unknown, instance?: string): HttpResponse {
  const at = instance === undefined ? {} : { instance };
  if (error instanceof ValidationError) {
    return problemResponse({
      type: type('validation'),
      title: 'The request is not valid',
      status: 422,
      detail: error.message,
      errors: error.issues.map((issue) => ({ path: issue.path, message: issue.message })),
      ...at,
    });
  }
  if (error instanceof HttpRequestError) {
    return problemResponse({ type: type(slugOf(error.title)), title: error.title, status: error.status, detail: error.message, ...at });
  }
  if (error instanceof UnauthenticatedError) {
    return problemResponse(
      { type: type('unauthenticated'), title: 'Unauthenticated', status: 401, detail: error.message, ...at },
      { 'www-authenticate': 'Bearer' },
    );
  }
  if (error instanceof ForbiddenError) {
    return problemResponse({ type: type('forbidden'), title: 'Forbidden', status: 403, detail: error.message, ...at });
  }
  if (error instanceof NotFoundError) {
    return problemResponse({ type: type('not-found'), title: 'Not Found', status: 404, detail: error.message, ...at });
  }
  if (error instanceof ConflictError) {
    return problemResponse(
      { type: type('conflict'), title: 'Conflict', status: 409, detail: error.message, ...at },
      error.retryAfterSeconds === undefined ? {} : { 'retry-after': String(error.retryAfterSeconds) },
    );
  }
  if (error instanceof DependencyUnavailableError) {
    return problemResponse(
      {
        type: type('unavailable'),
        title: 'Service Unavailable',
        status: 503,
        detail: 'A service the hub depends on is unavailable; nothing was changed or released. Try again shortly.',
        ...at,
      },
      { 'retry-after': String(RETRY_AFTER_SECONDS) },
    );
  }
  return problemResponse({ type: 'about:blank', title: 'Internal Server Error', status: 500, ...at });
}

function slugOf(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
