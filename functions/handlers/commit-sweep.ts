/**
 * Scheduled: removes what creations cut off part-way left behind. Those leftovers are invisible already
 * (every reader requires the commit); this only tidies them, once no retry under their claim can still come:
 * an Idempotency-Key is remembered for a day, and a request holds it for under a minute.
 */
import { subHours } from 'date-fns/subHours';
import { scheduledJob } from '../shared/function.js';
import { alertRepository, meetingRepository } from '../shared/wiring.js';

/** Longer than an Idempotency-Key is remembered (24 hours) and any lease on it. */
export const SWEEP_AFTER_HOURS = 25;

export const { handler, wire } = scheduledJob(
  'commit-sweep',
  { alerts: alertRepository, meetings: meetingRepository },
  async ({ deps, now }) => {
    const before = subHours(now, SWEEP_AFTER_HOURS).toISOString();
    const [alerts, meetings] = await Promise.all([deps.alerts.sweepUncommitted(before), deps.meetings.sweepUncommitted(before)]);
    return {
      alertsCommitted: alerts.committed,
      alertsRemoved: alerts.removed,
      meetingsCommitted: meetings.committed,
      meetingsRemoved: meetings.removed,
    };
  },
);
