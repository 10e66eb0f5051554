/**
 * Building and recording audit events. Use cases call this before they release data or report a change,
 * and for every refusal; an event that cannot be enqueued fails the request (the adapter throws
 * DependencyUnavailableError), so nothing leaves the hub unrecorded.
 */
import type { AccessHistoryEntry, AuditAction, AuditEvent, AuditOutcome } from '../../contracts/audit.js';
import type { Caller } from '../../contracts/identity.js';
import { type CreationRecord, correctionEventId } from './creations.js';
import { CompensationFailedError, DependencyUnavailableError, ForbiddenError, NotFoundError, OutcomeUnknownError } from './errors.js';
import type { AuditTrail, Clock, IdGenerator } from './ports.js';
import { changeIdFor, eventIdFor, type RequestClaim } from './request-ids.js';

/**
 * Who is asking, and under which request id, for one request; with the idempotency claim it runs under
 * when the caller sent an Idempotency-Key.
 */
export type RequestContext = {
  readonly caller: Caller;
  readonly requestId: string;
  readonly claim?: RequestClaim;
  /**
   * The claim was made just now under a new id: no earlier try can have stored anything under it, so a use
   * case need not look for what one did (a round trip saved on the common path). Absent on a taken-over claim.
   */
  readonly claimIsNew?: true;
  /**
   * Present while the claim is still being made (a route that overlaps it with its work): `claim` is the
   * one it makes if the key is new, and this settles once it is the request's, rejecting (ClaimHeldError)
   * if the key was held. Nothing but a creation's intent may be written, nor anything put on record, before it settles.
   */
  readonly claimed?: Promise<void>;
};

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

  /** What identifies this request's change where it is stored: the same for every attempt of one claim. */
  changeIdFor(context: RequestContext, purpose: string): string {
    return changeIdFor(context.claim, this.ids, purpose);
  }

  /**
   * Corrects a SUCCESS this request put on record for a change that then did not happen (FAILED), lost a
   * race (CONFLICT) or found its resource gone (NOT_FOUND). It names the event it corrects and, under a
   * claim, is the same event however often it is written, like the SUCCESS itself.
   */
  async correct(
    context: RequestContext,
    action: AuditAction,
    outcome: 'FAILED' | 'CONFLICT' | 'NOT_FOUND',
    target: { alertId?: string; meetingId?: string },
    corrects: string,
  ): Promise<void> {
    await this.record(context, action, outcome, {
      ...target,
      eventId: correctionEventId(corrects),
      detail: { corrects },
      ...(context.claim === undefined ? {} : { occurredAt: context.claim.attemptStartedAt }),
    });
  }

  /** A retry found its change already made (its first answer was lost): it gets that answer, on record. */
  async replayed(context: RequestContext, action: AuditAction, target: { alertId?: string; meetingId?: string }): Promise<void> {
    await this.record(context, 'REQUEST_REPLAY', 'SUCCESS', { ...target, detail: { of: action, found: 'stored' } });
  }

  /**
   * Puts the request's change on record before it is made (SUCCESS). Under a claim every try of one
   * attempt writes the same event, id and time alike, so the audit table stores it once however late a
   * retry comes. Returns the event's id.
   */
  async recordChange(
    context: RequestContext,
    action: AuditAction,
    target: { alertId?: string; meetingId?: string; detail?: AuditDetail; eventId?: string; occurredAt?: string },
  ): Promise<string> {
    // A caller that stores the event's id with its change names it here, so the two always agree.
    const eventId = target.eventId ?? this.eventIdFor(context, action);
    await this.record(context, action, 'SUCCESS', {
      ...target,
      eventId,
      ...(context.claim === undefined ? {} : { occurredAt: context.claim.attemptStartedAt }),
    });
    return eventId;
  }

  async record(
    context: RequestContext,
    action: AuditAction,
    outcome: AuditOutcome,
    options: { alertId?: string; meetingId?: string; detail?: AuditDetail; eventId?: string; occurredAt?: string } = {},
  ): Promise<void> {
    const { caller } = context;
    await this.trail.record({
      eventId: options.eventId ?? this.ids.newId(),
      occurredAt: options.occurredAt ?? this.clock.now().toISOString(),
      requestId: context.requestId,
      action,
      outcome,
      actor: actorOf(caller),
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
   * without saying so. `create` gets the SUCCESS event's facts to store with the creation: if the process
   * dies before the creation is committed, the sweep that removes it records the correction instead.
   */
  async recordCreation(
    context: RequestContext,
    action: AuditAction,
    target: { alertId: string } | { meetingId: string },
    detail: AuditDetail,
    create: (record: CreationRecord, putOnRecord: () => Promise<void>) => Promise<void>,
  ): Promise<void> {
    const id = 'alertId' in target ? target.alertId : target.meetingId;
    const attemptAt = context.claim?.attemptStartedAt ?? this.clock.now().toISOString();
    const eventId = this.eventIdFor(context, action);
    const record: CreationRecord = {
      eventId,
      requestId: context.requestId,
      actor: actorOf(context.caller),
      action,
      resource: 'alertId' in target ? { type: 'alert', id } : { type: 'meeting', id },
      attemptAt,
    };
    // The store puts the creation on record once its intent (which carries `record`) is written and before
    // anything of the creation is: so a SUCCESS never stands without an intent the sweep can correct it by.
    let onRecord = false;
    const putOnRecord = async () => {
      try {
        await this.recordChange(context, action, { ...target, detail, eventId, occurredAt: attemptAt });
      } catch (error) {
        // The queue may have taken the event though it reported failure: the claim is kept, so the retry is
        // this attempt with this event, and the intent lets the sweep correct it if nothing is created.
        throw error instanceof DependencyUnavailableError ? new OutcomeUnknownError(error.dependency, { cause: error }) : error;
      }
      onRecord = true;
    };
    try {
      await create(record, putOnRecord);
    } catch (error) {
      // Nothing on record (the intent was all, or nothing, that was written): nothing to correct.
      if (!onRecord) throw error;
      // Whether it was created is not known: the sweep, reading the intent, decides and corrects if need be.
      if (error instanceof OutcomeUnknownError) throw error;
      try {
        // The very event the sweep would record for this creation if the process died here: one on record, not two.
        await this.correctAbandoned(record);
      } catch (correction) {
        throw new CompensationFailedError(error, id, correction);
      }
      throw error;
    }
  }

  /**
   * Corrects the SUCCESS of a creation that did not happen, as its own request does when its write fails
   * and the commit sweep does for one abandoned before its commit (the process died, no retry came): FAILED,
   * by the original actor under the original request id, dated to the attempt and naming the event it
   * corrects. Built from the creation's record alone, so both write the same event, stored once.
   */
  async correctAbandoned(record: CreationRecord): Promise<void> {
    await this.trail.record({
      eventId: correctionEventId(record.eventId),
      occurredAt: record.attemptAt,
      requestId: record.requestId,
      action: record.action,
      outcome: 'FAILED',
      actor: record.actor,
      resource: record.resource,
      detail: { corrects: record.eventId },
    });
  }

  /**
   * Something the hub did by itself (a ladder step), with the system as the actor. `eventId` and
   * `occurredAt` are derived from what was done, so the same step recorded twice (two sweeps at once, a
   * run cut off and finished by the next) is one record.
   */
  async recordSystem(event: {
    readonly eventId: string;
    readonly occurredAt: string;
    readonly requestId: string;
    readonly action: AuditAction;
    readonly alertId?: string;
    readonly meetingId?: string;
    readonly detail: AuditDetail;
  }): Promise<void> {
    await this.trail.record({
      eventId: event.eventId,
      occurredAt: event.occurredAt,
      requestId: event.requestId,
      action: event.action,
      outcome: 'SUCCESS',
      actor: SYSTEM_ACTOR,
      ...(event.alertId === undefined ? {} : { resource: { type: 'alert' as const, id: event.alertId } }),
      ...(event.meetingId === undefined ? {} : { resource: { type: 'meeting' as const, id: event.meetingId } }),
      detail: event.detail,
    });
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

/** The hub itself: no person, no area, no role. */
export const SYSTEM_ACTOR: AuditEvent['actor'] = Object.freeze({ sub: 'system', name: 'MSET Cross-Boundary Hub', roles: [] });

function actorOf(caller: Caller): AuditEvent['actor'] {
  return { sub: caller.sub, name: caller.name, area: caller.area, agency: caller.agency, roles: [...caller.roles] };
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
