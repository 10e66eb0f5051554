/**
 * Scheduled every minute: takes every ladder step that is due (functions/core/alerts/sweep-ladders.ts):
 * the first notice of each share, reminders, escalations of overdue alerts and notices of acknowledgements;
 * and sends every meeting notice and action reminder that is due (functions/core/meetings/notices.ts).
 * Each is on record with the system as the actor, and its messages go to the notifications queue.
 */
import { sweepLadders } from '../core/alerts/sweep-ladders.js';
import { sweepMeetingNotices } from '../core/meetings/notices.js';
import { scheduledJob } from '../shared/function.js';
import { errorNames, logger } from '../shared/logger.js';
import {
  alertRepository,
  areaDirectory,
  auditRecorder,
  clock,
  meetingRepository,
  notificationQueue,
  workingCalendars,
} from '../shared/wiring.js';

export const { handler, wire } = scheduledJob(
  'ladder-sweep',
  {
    alerts: alertRepository,
    meetings: meetingRepository,
    notifications: notificationQueue,
    audit: auditRecorder,
    areas: areaDirectory,
    calendars: workingCalendars,
    clock,
  },
  async ({ deps }) => {
    const shares = await sweepLadders(deps, (error) => logger.warn('ladder step not taken', { errors: errorNames(error) }));
    const meetings = await sweepMeetingNotices(deps, (error) => logger.warn('meeting notice not sent', { errors: errorNames(error) }));
    return { ...shares, ...meetings };
  },
  // A lost race (a conflict) is another run's step taken, not one undone.
  (result) => result.failed + result.meetingsFailed,
);
