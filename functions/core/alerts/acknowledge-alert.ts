/**
 * The receiving MSET confirms it has the alert and says what happens next. Once per share: the
 * conditional write lets exactly one of any number of concurrent acknowledgements win.
 */
import type { AcknowledgementReceipt, AcknowledgeRequest } from '../../../contracts/alerts.js';
import type { RequestContext } from '../audit.js';
import { CompensationFailedError, ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { resolveAccess } from './access.js';
import { sealAcknowledgementNote } from './content.js';
import type { AlertDeps } from './deps.js';
import { hasRight } from './permissions.js';
import type { StoredAcknowledgement } from './ports.js';

export async function acknowledgeAlert(
  deps: Pick<AlertDeps, 'alerts' | 'audit' | 'keys' | 'clock' | 'ids' | 'areas'>,
  context: RequestContext,
  alertId: string,
  request: AcknowledgeRequest,
): Promise<AcknowledgementReceipt> {
  const { caller } = context;
  const access = await resolveAccess(deps, context, 'ALERT_ACKNOWLEDGE', alertId);
  if (access.side === 'sender') {
    return deps.audit.forbidden(context, 'ALERT_ACKNOWLEDGE', 'Only a receiving area acknowledges an alert', alertId);
  }
  if (!hasRight(caller, 'acknowledge')) {
    return deps.audit.forbidden(context, 'ALERT_ACKNOWLEDGE', 'Your role may not acknowledge alerts', alertId);
  }
  if (request.redirectTo !== undefined) {
    if (!deps.areas.has(request.redirectTo)) {
      throw new ValidationError('Unknown area', [{ path: 'redirectTo', message: 'not an area in the directory' }]);
    }
    if (request.redirectTo === caller.area || request.redirectTo === access.alert.senderArea) {
      throw new ValidationError('Cannot redirect there', [
        { path: 'redirectTo', message: 'must be an area other than yours and the sender' },
      ]);
    }
  }
  const { share } = access;
  if (share.status === 'ACKNOWLEDGED') return conflict(deps, context, alertId);

  const now = deps.clock.now().toISOString();
  const eventId = deps.ids.newId();
  const acknowledgement: StoredAcknowledgement = {
    outcome: request.outcome,
    acknowledgedAt: now,
    by: { sub: caller.sub, name: caller.name, agency: caller.agency, area: caller.area },
    ...(request.redirectTo === undefined ? {} : { redirectTo: request.redirectTo }),
    ...(request.note === undefined ? {} : { note: await sealAcknowledgementNote(deps.keys, share, request.note) }),
    eventId,
  };
  const result = await deps.alerts.acknowledge(alertId, caller.area, acknowledgement, now);
  if (result === 'ALREADY_ACKNOWLEDGED') return conflict(deps, context, alertId);
  if (result === 'GONE') {
    await deps.audit.record(context, 'ALERT_ACKNOWLEDGE', 'NOT_FOUND', { alertId });
    throw new NotFoundError('No such alert');
  }
  try {
    await deps.audit.record(context, 'ALERT_ACKNOWLEDGE', 'SUCCESS', {
      alertId,
      eventId,
      detail: { outcome: request.outcome, ...(request.redirectTo === undefined ? {} : { redirectTo: request.redirectTo }) },
    });
  } catch (error) {
    // Not on record, so not done: the share goes back to PENDING and the caller may try again.
    try {
      await deps.alerts.revertAcknowledgement(alertId, caller.area, eventId);
    } catch (compensation) {
      throw new CompensationFailedError(error, alertId, compensation);
    }
    throw error;
  }
  return {
    alertId,
    area: caller.area,
    outcome: request.outcome,
    acknowledgedAt: now,
    ...(request.redirectTo === undefined ? {} : { redirectTo: request.redirectTo }),
  };
}

async function conflict(deps: Pick<AlertDeps, 'audit'>, context: RequestContext, alertId: string): Promise<never> {
  await deps.audit.record(context, 'ALERT_ACKNOWLEDGE', 'CONFLICT', { alertId });
  throw new ConflictError('This share has already been acknowledged');
}
