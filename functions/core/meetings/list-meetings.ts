/**
 * An area's meetings: those it requested (outbox) or was invited to (inbox), newest first, with each
 * area's answer and the count of open and overdue actions. A status filter applies to the page read, so a
 * page may hold fewer than `limit` items.
 */
import type { ListMeetingsQuery, MeetingList } from '../../../contracts/meetings.js';
import type { RequestContext } from '../audit.js';
import { isLive } from '../expiry.js';
import type { MeetingDeps } from './deps.js';
import { toSummary } from './get-meeting.js';
import { hasMeetingRight } from './permissions.js';

export async function listMeetings(
  deps: Pick<MeetingDeps, 'meetings' | 'audit' | 'clock'>,
  context: RequestContext,
  query: ListMeetingsQuery,
): Promise<MeetingList> {
  if (!hasMeetingRight(context.caller, 'read')) {
    return deps.audit.forbidden(context, 'MEETING_LIST', 'Your role may not list meetings');
  }
  const now = deps.clock.now();
  const page = await deps.meetings.list(context.caller.area, query.box, query.limit, query.cursor);
  const items = page.items
    .filter((meeting) => isLive(meeting, now))
    .filter((meeting) => query.status === undefined || meeting.status === query.status)
    .map((meeting) => toSummary(meeting, now));
  await deps.audit.record(context, 'MEETING_LIST', 'SUCCESS', {
    detail: { box: query.box, status: query.status ?? 'ALL', count: items.length },
  });
  return { items, ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) };
}
