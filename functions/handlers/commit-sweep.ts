/**
 * Scheduled: finishes what creations cut off part-way left behind, once no retry under their claim can
 * still come (an Idempotency-Key is remembered for a day, and a request holds it for under a minute). A
 * creation that was committed is completed (its history record written if missing); one that never was
 * is removed, after a FAILED event corrects the SUCCESS its request put on record before writing it.
 */
import { subHours } from 'date-fns/subHours';
import type { CreationRecord } from '../core/creations.js';
import { scheduledJob } from '../shared/function.js';
import { errorNames, logger } from '../shared/logger.js';
import { alertRepository, auditRecorder, meetingRepository } from '../shared/wiring.js';

/** Longer than an Idempotency-Key is remembered (24 hours) and any lease on it. */
export const SWEEP_AFTER_HOURS = 25;

export const { handler, wire } = scheduledJob(
  'commit-sweep',
  { alerts: alertRepository, meetings: meetingRepository, audit: auditRecorder },
  async ({ deps, now }) => {
    const before = subHours(now, SWEEP_AFTER_HOURS).toISOString();
    const correct = async (record: CreationRecord) => {
      try {
        await deps.audit.correctAbandoned(record);
      } catch (error) {
        // The sweep defers the creation to its next run; this says why, by name.
        logger.warn('correction not recorded', { errors: errorNames(error) });
        throw error;
      }
    };
    const [alerts, meetings] = await Promise.all([
      deps.alerts.sweepUncommitted(before, correct),
      deps.meetings.sweepUncommitted(before, correct),
    ]);
    return {
      alertsCommitted: alerts.committed,
      alertsRemoved: alerts.removed,
      alertsDeferred: alerts.deferred,
      meetingsCommitted: meetings.committed,
      meetingsRemoved: meetings.removed,
      meetingsDeferred: meetings.deferred,
    };
  },
  // Deferred: uncommitted, but the correction could not be put on record, so left whole for the next run.
  (result) => result.alertsDeferred + result.meetingsDeferred,
);
