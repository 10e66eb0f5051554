/**
 * The middy middlewares every HTTP function shares, each small and with one job. Order matters and is
 * fixed in ./route.ts: access log outermost, then error mapping, authentication, body parsing and
 * idempotency around the use case.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import type { AreaDirectory } from '../../core/areas.js';
import type { AuditRecorder, RequestContext } from '../../core/audit.js';
import type { CommitProof } from '../../core/creations.js';
import {
  ClaimHeldError,
  CompensationFailedError,
  ConflictError,
  DependencyUnavailableError,
  OutcomeUnknownError,
  UnauthenticatedError,
  ValidationError,
} from '../../core/errors.js';
import { callerFromClaims } from '../claims.js';
import { errorNames, logger } from '../logger.js';
import { HttpRequestError } from './errors.js';
import type { IdempotencyClaim, IdempotencyRecord, IdempotencyStore } from './idempotency-store.js';
import { canonicalJson, MAX_JSON_DEPTH, withinDepth } from './json.js';
import { type HttpResponse, toProblemResponse } from './problem.js';

/** What the middlewares learn about a request, for the handler. */
export type HubEvent = APIGatewayProxyEventV2WithJWTAuthorizer & {
  /**
   * `bodyError`: why the body could not be read, raised when the handler asks for the body.
   * `pendingClaim` and `keepAnswer`: a claim still being made while the work begins (see idempotency()).
   */
  hub?: {
    context?: RequestContext;
    json?: unknown;
    bodyError?: unknown;
    pendingClaim?: Promise<ClaimSettled>;
    keepAnswer?: (response: HttpResponse, proof: CommitProof) => Promise<void>;
  };
};

/**
 * How a claim made beside the work settled: the request's own (its work goes on); taken over from a try
 * that was cut off (the work is run again under that claim); or held (answered as the key's record says:
 * a replay, 409 while in progress, 422 for another body).
 */
export type ClaimSettled =
  | { readonly kind: 'ours' }
  | { readonly kind: 'rerun'; readonly context: RequestContext }
  | { readonly kind: 'held'; readonly answer: () => Promise<HttpResponse> };
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

/**
 * Size, media type, JSON syntax and depth, in that order, before anything reads the body. A bad body is
 * not answered here but kept for the handler to raise when it asks for the body: a route about an alert
 * or a meeting first makes sure the caller may know it exists, so a bad body sent to somebody else's
 * resource is 404 like any other request to it (./input.ts).
 */
export function jsonBody(maxBytes = MAX_BODY_BYTES): Middleware {
  return {
    before: (request) => {
      const { event } = request;
      try {
        event.hub = { ...event.hub, json: readJson(event, maxBytes) };
      } catch (error) {
        event.hub = { ...event.hub, bodyError: error };
      }
    },
  };
}

function readJson(event: HubEvent, maxBytes: number): unknown {
  const raw = event.body === undefined ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  if (raw.byteLength > maxBytes) {
    throw new HttpRequestError(413, 'Content Too Large', `The body must be at most ${maxBytes} bytes`);
  }
  const mediaType = (event.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    throw new HttpRequestError(415, 'Unsupported Media Type', 'The body must be application/json');
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(raw);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the input; ours does not.
    throw new HttpRequestError(400, 'Malformed JSON', 'The body is not valid JSON');
  }
  // Valid JSON, but deeper than any contract: refused before a recursive walk can overflow the stack.
  if (!withinDepth(json, MAX_JSON_DEPTH)) {
    throw new ValidationError(`The body is nested too deeply (at most ${MAX_JSON_DEPTH} levels of arrays and objects)`);
  }
  return json;
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
/** Longer than any request may run (API Gateway's integration timeout is 30 s): a live lease means a live request. */
export const DEFAULT_LEASE_SECONDS = 35;
const REMEMBER_SECONDS = 24 * 60 * 60;

/**
 * `Idempotency-Key`: the same key and body from the same caller (token subject and area) on the same route
 * and resource returns the first response and does nothing new; the same key with another body is 422.
 * A retry while the first request runs is told to wait (409, Retry-After); a retry after the first request
 * was cut off (its lease lapsed) runs it again under the same claim, which completes what was started
 * (functions/core/request-ids.ts). Replays are audited like any other access.
 *
 * `overlaps`: the claim is not awaited here but made beside the route's work, under a claim id chosen now
 * (the one a new key gets), which the work derives its ids from; the work stores nothing but a creation's
 * intent, and puts nothing on record, before `context.claimed` settles, and ./route.ts answers a held key
 * as this would.
 * Its response may be remembered before its commit lands (`keepAnswer`), naming the commit as its proof.
 */
export function idempotency(deps: {
  store: IdempotencyStore;
  audit: AuditRecorder;
  now: () => Date;
  leaseSeconds?: number | undefined;
  overlaps?: boolean;
}): Middleware {
  const claimed = new WeakMap<object, { key: string; claim: IdempotencyClaim; leaseUntil: Date }>();
  /** The response already remembered before the commit, as stored: `after` need not write it again. */
  const remembered = new WeakMap<object, string>();
  const leaseMs = (deps.leaseSeconds ?? DEFAULT_LEASE_SECONDS) * 1000;
  const rememberUntil = () => new Date(deps.now().getTime() + REMEMBER_SECONDS * 1000);

  /** A key held by another try, or completed: 422 for another body, 409 while in progress, else the replay. */
  const answerHeld = async (event: HubEvent, context: RequestContext, record: IdempotencyRecord, requestHash: string, now: Date) => {
    if (record.requestHash !== requestHash) {
      throw new ValidationError('This Idempotency-Key was used with a different request', [
        { path: 'headers.idempotency-key', message: 'already used with a different body' },
      ]);
    }
    if (record.state === 'IN_PROGRESS') {
      const wait = Math.max(1, Math.ceil((record.leaseUntil.getTime() - now.getTime()) / 1000));
      throw new ConflictError('A request with this Idempotency-Key is still in progress', wait);
    }
    const replay = JSON.parse(record.response) as HttpResponse;
    await deps.audit.record(context, 'REQUEST_REPLAY', 'SUCCESS', {
      ...replayedResource(event, replay),
      detail: { route: event.requestContext.routeKey.slice(0, 256), status: replay.statusCode ?? 200 },
    });
    logger.info('idempotent replay', { requestId: event.requestContext.requestId, status: replay.statusCode });
    return { ...replay, headers: { ...replay.headers, 'idempotent-replayed': 'true' } };
  };
  return {
    before: async (request) => {
      const { event } = request;
      const header = event.headers['idempotency-key'];
      const context = event.hub?.context;
      if (header === undefined || context === undefined) return;
      if (!IDEMPOTENCY_KEY.test(header)) {
        throw new HttpRequestError(400, 'Invalid Idempotency-Key', 'Idempotency-Key must be 1-128 visible ASCII characters');
      }
      // A body that could not be read fails whatever happens: there is nothing to claim or to replay.
      if (event.hub?.bodyError !== undefined) return;
      const { sub, area } = context.caller;
      const key = sha256([sub, area, event.requestContext.routeKey, event.rawPath, header].join('\n'));
      // The same JSON however it is spaced or ordered: a client re-serialising its retry is still retrying.
      const requestHash = sha256(canonicalJson(event.hub?.json));
      const now = deps.now();
      const leaseUntil = new Date(now.getTime() + leaseMs);
      const times = { now, leaseUntil, expiresAt: new Date(now.getTime() + REMEMBER_SECONDS * 1000) };
      if (deps.overlaps === true) {
        const proposed: IdempotencyClaim = { claimId: randomUUID(), attempt: 1, attemptStartedAt: now.toISOString() };
        const pendingClaim = deps.store.claim(key, requestHash, times, proposed).then((result): ClaimSettled => {
          if (!result.claimed) return { kind: 'held', answer: () => answerHeld(event, context, result.record, requestHash, now) };
          claimed.set(event, { key, claim: result.claim, leaseUntil });
          if (result.fresh === true && result.claim.claimId === proposed.claimId) return { kind: 'ours' };
          return { kind: 'rerun', context: { ...context, claim: result.claim } };
        });
        const ours = pendingClaim.then((settled) => {
          if (settled.kind !== 'ours') throw new ClaimHeldError('The Idempotency-Key was held');
        });
        // Each is awaited by whoever needs it (the work, ./route.ts); never an unhandled rejection.
        pendingClaim.catch(() => undefined);
        ours.catch(() => undefined);
        event.hub = {
          ...event.hub,
          context: { ...context, claim: proposed, claimIsNew: true, claimed: ours },
          pendingClaim,
          keepAnswer: async (response, proof) => {
            const held = claimed.get(event);
            if (held === undefined) return;
            const stored = JSON.stringify(response);
            await deps.store.complete(held.key, held.claim, stored, rememberUntil(), proof);
            remembered.set(event, stored);
          },
        };
        return;
      }
      const result = await deps.store.claim(key, requestHash, times);
      if (result.claimed) {
        claimed.set(event, { key, claim: result.claim, leaseUntil });
        event.hub = {
          ...event.hub,
          context: { ...context, claim: result.claim, ...(result.fresh === true ? { claimIsNew: true as const } : {}) },
        };
        return;
      }
      return answerHeld(event, context, result.record, requestHash, now);
    },
    after: async (request) => {
      const held = claimed.get(request.event);
      const response = request.response;
      if (held === undefined || response === null || response === undefined) return;
      const expiresAt = rememberUntil();
      // The change is done and audited; failing to remember it must not turn success into failure. One
      // retry, then an error operators see: a retry after the lease runs the request again under the same
      // claim, which finds the change made and answers as the first time did.
      const stored = JSON.stringify(response);
      if (remembered.get(request.event) === stored) return;
      await deps.store
        .complete(held.key, held.claim, stored, expiresAt)
        .catch(() => deps.store.complete(held.key, held.claim, stored, expiresAt))
        .catch((error: unknown) => {
          logger.error('idempotency record not completed', {
            requestId: request.event.requestContext.requestId,
            errors: errorNames(error),
          });
        });
    },
    onError: async (request) => {
      const held = claimed.get(request.event);
      if (held === undefined) return;
      // Whether the change stands is not known, or its correction is not on record: the claim is kept, so
      // the retry (after the lease) is the same attempt, with the same events, and finds out.
      if (request.error instanceof OutcomeUnknownError || request.error instanceof CompensationFailedError) return;
      await deps.store.release(held.key, held.claim, held.leaseUntil).catch((error: unknown) => {
        logger.warn('idempotency record not released', { errors: errorNames(error) });
      });
    },
  };
}

/** The alert or meeting a replayed response is about, so the replay shows in that resource's history. */
function replayedResource(event: HubEvent, replay: HttpResponse): { alertId?: string; meetingId?: string } {
  const params = event.pathParameters ?? {};
  if (params['alertId'] !== undefined) return { alertId: params['alertId'] };
  if (params['meetingId'] !== undefined) return { meetingId: params['meetingId'] };
  try {
    const body = JSON.parse(typeof replay.body === 'string' ? replay.body : '{}') as Record<string, unknown>;
    if (typeof body['alertId'] === 'string') return { alertId: body['alertId'] };
    if (typeof body['meetingId'] === 'string') return { meetingId: body['meetingId'] };
  } catch {
    // A replayed body that is not JSON names no resource.
  }
  return {};
}

function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
