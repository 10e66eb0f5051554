/**
 * The middy middlewares every HTTP function shares, each small and with one job. Order matters and is
 * fixed in ./route.ts: access log outermost, then error mapping, authentication, body parsing and
 * idempotency around the use case.
 */
import { createHash } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import type { AreaDirectory } from '../../core/areas.js';
import type { AuditRecorder, RequestContext } from '../../core/audit.js';
import {
  CompensationFailedError,
  ConflictError,
  DependencyUnavailableError,
  UnauthenticatedError,
  ValidationError,
} from '../../core/errors.js';
import { callerFromClaims } from '../claims.js';
import { errorNames, logger } from '../logger.js';
import { HttpRequestError } from './errors.js';
import type { IdempotencyStore } from './idempotency-store.js';
import { type HttpResponse, toProblemResponse } from './problem.js';

/** What the middlewares learn about a request, for the handler. */
export type HubEvent = APIGatewayProxyEventV2WithJWTAuthorizer & {
  hub?: { context?: RequestContext; json?: unknown };
};
type Middleware = MiddlewareObj<HubEvent, HttpResponse, Error, Context>;

export const MAX_BODY_BYTES = 64 * 1024;

/** One line per request: route, status, duration, caller's area. Never headers or body. */
export function accessLog(): Middleware {
  const started = new WeakMap<object, number>();
  const log = (event: HubEvent, response: HttpResponse | undefined | null) => {
    logger.info('request', {
      routeKey: event.requestContext.routeKey,
      requestId: event.requestContext.requestId,
      status: response?.statusCode,
      durationMs: Date.now() - (started.get(event) ?? Date.now()),
      callerArea: event.hub?.context?.caller.area,
    });
  };
  return {
    // Keys go on each line, not on the shared logger: the local hub serves requests concurrently.
    before: (request) => {
      started.set(request.event, Date.now());
    },
    after: (request) => log(request.event, request.response),
    onError: (request) => log(request.event, request.response),
  };
}

/** Every error, expected or not, leaves as a problem response; 5xx are logged by error name only. */
export function problemResponses(): Middleware {
  return {
    onError: (request) => {
      const response = toProblemResponse(request.error, request.event.requestContext.requestId);
      if (response.statusCode >= 500) {
        logger.error('request failed', {
          requestId: request.event.requestContext.requestId,
          status: response.statusCode,
          errors: errorNames(request.error),
          ...(request.error instanceof DependencyUnavailableError ? { dependency: request.error.dependency } : {}),
          ...(request.error instanceof CompensationFailedError ? { resourceId: request.error.resourceId } : {}),
        });
      }
      request.response = response;
    },
  };
}

const JSON_MEDIA_TYPE = /^application\/(?:[a-z0-9.+-]+\+)?json$/;

/** Size, media type and JSON syntax, in that order, before anything reads the body. */
export function jsonBody(maxBytes = MAX_BODY_BYTES): Middleware {
  return {
    before: (request) => {
      const { event } = request;
      const raw = event.body === undefined ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
      if (raw.byteLength > maxBytes) {
        throw new HttpRequestError(413, 'Content Too Large', `The body must be at most ${maxBytes} bytes`);
      }
      const mediaType = (event.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (!JSON_MEDIA_TYPE.test(mediaType)) {
        throw new HttpRequestError(415, 'Unsupported Media Type', 'The body must be application/json');
      }
      const text = new TextDecoder('utf-8', { fatal: false }).decode(raw);
      try {
        event.hub = { ...event.hub, json: JSON.parse(text) };
      } catch {
        // JSON.parse's message quotes the input; ours does not.
        throw new HttpRequestError(400, 'Malformed JSON', 'The body is not valid JSON');
      }
    },
  };
}

/**
 * Establishes the caller from the claims API Gateway verified. Claims that do not name a usable identity
 * (or an area the directory does not know) are refused with 401, and the refusal is audited.
 */
export function authentication(deps: { areas: AreaDirectory; audit: AuditRecorder }): Middleware {
  return {
    before: async (request) => {
      const { event } = request;
      const requestId = event.requestContext.requestId;
      try {
        const caller = callerFromClaims(event.requestContext.authorizer?.jwt?.claims as Record<string, string>);
        if (!deps.areas.has(caller.area)) throw new UnauthenticatedError('The token does not name a known area');
        event.hub = { ...event.hub, context: { caller, requestId } };
      } catch (error) {
        if (!(error instanceof UnauthenticatedError)) throw error;
        await deps.audit.unauthenticated(requestId, event.requestContext.routeKey);
        throw error;
      }
    },
  };
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;
const IN_PROGRESS_SECONDS = 60;
const REMEMBER_SECONDS = 24 * 60 * 60;

/**
 * `Idempotency-Key`: the same key and body from the same caller on the same resource returns the first
 * response and does nothing new; the same key with another body is 422. The key is scoped to the caller
 * (token subject), so one caller can never replay another's response.
 */
export function idempotency(deps: { store: IdempotencyStore; now: () => Date }): Middleware {
  const claimed = new WeakMap<object, string>();
  return {
    before: async (request) => {
      const { event } = request;
      const header = event.headers['idempotency-key'];
      if (header === undefined) return;
      if (!IDEMPOTENCY_KEY.test(header)) {
        throw new HttpRequestError(400, 'Invalid Idempotency-Key', 'Idempotency-Key must be 1-128 visible ASCII characters');
      }
      const sub = event.hub?.context?.caller.sub ?? '';
      const key = sha256([sub, event.requestContext.routeKey, event.rawPath, header].join('\n'));
      // The same JSON however it is spaced or ordered: a client re-serialising its retry is still retrying.
      const requestHash = sha256(canonicalJson(event.hub?.json));
      const now = deps.now();
      const existing = await deps.store.claim(key, requestHash, new Date(now.getTime() + IN_PROGRESS_SECONDS * 1000));
      if (existing === undefined) {
        claimed.set(event, key);
        return;
      }
      if (existing.requestHash !== requestHash) {
        throw new ValidationError('This Idempotency-Key was used with a different request', [
          { path: 'headers.idempotency-key', message: 'already used with a different body' },
        ]);
      }
      if (existing.state === 'IN_PROGRESS') {
        throw new ConflictError('A request with this Idempotency-Key is still in progress');
      }
      const replay = JSON.parse(existing.response) as HttpResponse;
      logger.info('idempotent replay', { requestId: event.requestContext.requestId, status: replay.statusCode });
      return { ...replay, headers: { ...replay.headers, 'idempotent-replayed': 'true' } };
    },
    after: async (request) => {
      const key = claimed.get(request.event);
      const response = request.response;
      if (key === undefined || response === null || response === undefined) return;
      const expiresAt = new Date(deps.now().getTime() + REMEMBER_SECONDS * 1000);
      // The change is done and audited; failing to remember it must not turn success into failure. One
      // retry, then an error operators see: until the claim lapses a retry gets 409, after it a duplicate.
      const stored = JSON.stringify(response);
      await deps.store
        .complete(key, stored, expiresAt)
        .catch(() => deps.store.complete(key, stored, expiresAt))
        .catch((error: unknown) => {
          logger.error('idempotency record not completed', {
            requestId: request.event.requestContext.requestId,
            errors: errorNames(error),
          });
        });
    },
    onError: async (request) => {
      const key = claimed.get(request.event);
      if (key === undefined) return;
      await deps.store.release(key).catch((error: unknown) => {
        logger.warn('idempotency record not released', { errors: errorNames(error) });
      });
    },
  };
}

/** JSON with object keys sorted at every level, so equal values hash equally. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
