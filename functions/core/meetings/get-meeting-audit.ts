/**
 * A meeting's access history. Every participating area sees what the participating areas did; the
 * requesting area also sees refused attempts by anyone else.
 *
 * Access is decided from the meeting's history record, not the meeting: the history outlives the meeting
 * (kept for the audit retention period after the meeting is deleted), and the record holds exactly which
 * areas took part, nothing of the child.
 */
import type { MeetingAccessHistory } from '../../../contracts/audit.js';
import { historyEntry, type RequestContext } from '../audit.js';
import { type HistoryRecord, heldBy } from '../history.js';
import { requireRight } from './access.js';
import type { MeetingDeps } from './deps.js';
import { meetingHistory } from './history.js';

/** Which side of the meeting the caller's area was on, from its history record; 404, on record, for neither. */
export async function historyAccess(
  deps: Pick<MeetingDeps, 'meetings' | 'audit' | 'clock' | 'history'>,
  context: RequestContext,
  meetingId: string,
): Promise<{ held: HistoryRecord; side: 'requester' | 'invited' }> {
  const area = context.caller.area;
  // A meeting stored before history records existed stands in for its record while it is still stored.
  const held = await heldBy(deps, 'meeting', meetingId, async () => {
    const meeting = await deps.meetings.get(meetingId);
    return meeting === undefined ? undefined : meetingHistory(meeting);
  });
  const side = held?.ownerArea === area ? 'requester' : held?.holderAreas.includes(area) ? 'invited' : undefined;
  if (held === undefined || side === undefined) return deps.audit.notFound(context, 'MEETING_AUDIT_READ', { meetingId });
  return { held, side };
}

export async function getMeetingAudit(
  deps: Pick<MeetingDeps, 'meetings' | 'audit' | 'auditStore' | 'clock' | 'history'>,
  context: RequestContext,
  meetingId: string,
  page: { limit: number; cursor?: string },
): Promise<MeetingAccessHistory> {
  const action = 'MEETING_AUDIT_READ';
  const { held, side } = await historyAccess(deps, context, meetingId);
  await requireRight(deps, context, action, 'readHistory', meetingId, 'Your role may not read access history');
  const filter = side === 'requester' ? {} : { actorAreas: [held.ownerArea, ...held.holderAreas] };
  const events = await deps.auditStore.listForResource({ type: 'meeting', id: meetingId }, filter, page.limit, page.cursor);
  const items = events.items.map((event) => historyEntry(event));
  await deps.audit.record(context, action, 'SUCCESS', { meetingId, detail: { side } });
  return { meetingId, items, ...(events.nextCursor === undefined ? {} : { nextCursor: events.nextCursor }) };
}
