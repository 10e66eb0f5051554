/**
 * Building and recording audit events. Use cases call this before they release data or report a change,
 * and for every refusal; an event that cannot be enqueued fails the request (the adapter throws
 * DependencyUnavailableError), so nothing leaves the hub unrecorded.
 */
import type { AccessHistoryEntry, AuditAction, AuditEvent, AuditOutcome } from '../../contracts/audit.js';
import type { Caller } from '../../contracts/identity.js';
import { CompensationFailedError, ForbiddenError, NotFoundError } from './errors.js';
import type { AuditTrail, Clock, IdGenerator } from './ports.js';
import { eventIdFor, type RequestClaim } from './request-ids.js';

/**
 * Who is asking, and under which request id, for one request; with the idempotency claim it runs under
 * when the caller sent an Idempotency-Key.
 */
export type RequestContext = { readonly caller: Caller; readonly requestId: string; readonly claim?: RequestClaim };

export type AuditDetail = NonNullable<AuditEvent['detail']>;

export class AuditRecorder {
  constructor(
    private readonly trail: AuditTrail,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /** The id of the event that puts this request's `purpose` on record: stable across retries of one claim. */
  eventIdFor(context: RequestContext, purpose: string): string {
    return eventIdFor(context.claim, this.ids, purpose);
  }

  async record(
    context: RequestContext,
    action: AuditAction,
    outcome: AuditOutcome,
    options: { alertId?: string; meetingId?: string; detail?: AuditDetail; eventId?: string } = {},
  ): Promise<void> {
    const { caller } = context;
    await this.trail.record({
      eventId: options.eventId ?? this.ids.newId(),
      occurredAt: this.clock.now().toISOString(),
      requestId: context.requestId,
      action,
      outcome,
      actor: { sub: caller.sub, name: caller.name, area: caller.area, agency: caller.agency, roles: [...caller.roles] },
      ...(options.alertId === undefined ? {} : { resource: { type: 'alert' as const, id: options.alertId } }),
      ...(options.meetingId === undefined ? {} : { resource: { type: 'meeting' as const, id: options.meetingId } }),
      ...(options.detail === undefined ? {} : { detail: options.detail }),
    });
  }

  /**
   * A request with no usable identity, recorded with what little is known. `occurredAt` and `eventId` let
   * a refusal reported later (API Gateway's access log) keep its own time and be recorded once however
   * often it is delivered.
   */
  async unauthenticated(
    requestId: string,
    route: string,
    options: { occurredAt?: Date; eventId?: string; source?: 'function' | 'api-gateway' } = {},
  ): Promise<void> {
    await this.trail.record({
      eventId: options.eventId ?? this.ids.newId(),
      occurredAt: (options.occurredAt ?? this.clock.now()).toISOString(),
      requestId,
      action: 'AUTHENTICATE',
      outcome: 'UNAUTHENTICATED',
      actor: { sub: 'unidentified', roles: [] },
      detail: { route: route.slice(0, 256), source: options.source ?? 'function' },
    });
  }

  /**
   * Creates something on record before it exists: SUCCESS is enqueued, then `create` runs; if it fails
   * (leaving nothing behind, as the stores promise) a FAILED event corrects the record. So nothing is ever
   * live without its creation in the audit trail, and the trail never claims a creation that did not happen
   * without saying so.
   */
  async recordCreation(
    context: RequestContext,
    action: AuditAction,
    target: { alertId: string } | { meetingId: string },
    detail: AuditDetail,
    create: () => Promise<void>,
  ): Promise<void> {
    const id = 'alertId' in target ? target.alertId : target.meetingId;
    await this.record(context, action, 'SUCCESS', { ...target, detail, eventId: this.eventIdFor(context, action) });
    try {
      await create();
    } catch (error) {
      try {
        await this.record(context, action, 'FAILED', target);
      } catch (correction) {
        throw new CompensationFailedError(error, id, correction);
      }
      throw error;
    }
  }

  /**
   * Records that the caller's area may not know the resource exists, then refuses with 404. `target` is
   * an alert id, or a meeting.
   */
  async notFound(context: RequestContext, action: AuditAction, target?: AuditTarget): Promise<never> {
    await this.record(context, action, 'NOT_FOUND', resourceOf(target));
    throw new NotFoundError(isMeeting(target) ? 'No such meeting' : 'No such alert');
  }

  /** Records that the caller's role lacks the right, then refuses with 403. */
  async forbidden(context: RequestContext, action: AuditAction, message: string, target?: AuditTarget): Promise<never> {
    await this.record(context, action, 'FORBIDDEN', resourceOf(target));
    throw new ForbiddenError(message);
  }
}

/** An alert, by its id, or a meeting (without an id when the one asked for was malformed). */
export type AuditTarget = string | { readonly meetingId?: string };

const isMeeting = (target: AuditTarget | undefined): boolean => typeof target === 'object';

function resourceOf(target: AuditTarget | undefined): { alertId?: string; meetingId?: string } {
  if (target === undefined) return {};
  if (typeof target === 'string') return { alertId: target };
  return target.meetingId === undefined ? {} : { meetingId: target.meetingId };
}

/** An audit event as an access history shows it; `detail` is what the reader may see of the event's. */
export function historyEntry(event: AuditEvent, detail: AuditDetail | undefined = event.detail): AccessHistoryEntry {
  return {
    occurredAt: event.occurredAt,
    action: event.action,
    outcome: event.outcome,
    actor: event.actor,
    ...(detail === undefined ? {} : { detail }),
  };
}
