/**
 * A meeting's access history. Every participating area sees what the participating areas did; the
 * requesting area also sees refused attempts by anyone else.
 */
import type { MeetingAccessHistory } from '../../../contracts/audit.js';
import { historyEntry, type RequestContext } from '../audit.js';
import { requireRight, resolveMeeting } from './access.js';
import type { MeetingDeps } from './deps.js';

export async function getMeetingAudit(
  deps: Pick<MeetingDeps, 'meetings' | 'audit' | 'auditStore' | 'clock'>,
  context: RequestContext,
  meetingId: string,
  page: { limit: number; cursor?: string },
): Promise<MeetingAccessHistory> {
  const action = 'MEETING_AUDIT_READ';
  const { meeting, side } = await resolveMeeting(deps, context, action, meetingId);
  await requireRight(deps, context, action, 'readHistory', meetingId, 'Your role may not read access history');
  const filter = side === 'requester' ? {} : { actorAreas: [meeting.requestingArea, ...meeting.invitedAreas] };
  const events = await deps.auditStore.listForResource({ type: 'meeting', id: meetingId }, filter, page.limit, page.cursor);
  const items = events.items.map((event) => historyEntry(event));
  await deps.audit.record(context, action, 'SUCCESS', { meetingId, detail: { side } });
  return { meetingId, items, ...(events.nextCursor === undefined ? {} : { nextCursor: events.nextCursor }) };
}
