/**
 * An action's updates, newest first, a page at a time. A meeting shows each action's latest few (so it
 * opens as fast after years of updates as on the day it was recorded); this is the whole list. Whoever may
 * open the meeting may read it, and nobody else learns that the meeting or the action exists (404, on
 * record); every read is on record, as a meeting's view is.
 */
import type { ActionUpdateList, ActionUpdatesQuery } from '../../../contracts/meetings.js';
import type { RequestContext } from '../audit.js';
import { NotFoundError } from '../errors.js';
import { requireRight, resolveMeeting } from './access.js';
import { openFor, PARTS } from './content.js';
import type { MeetingDeps } from './deps.js';
import { publicPerson } from './get-meeting.js';
import { updateCountOf } from './ports.js';

export async function listActionUpdates(
  deps: Pick<MeetingDeps, 'meetings' | 'audit' | 'keys' | 'clock'>,
  context: RequestContext,
  meetingId: string,
  actionId: string,
  query: ActionUpdatesQuery,
): Promise<ActionUpdateList> {
  const action = 'MEETING_ACTION_UPDATES';
  const { meeting, side } = await resolveMeeting(deps, context, action, meetingId);
  await requireRight(deps, context, action, 'read', meetingId, 'Your role may not open meetings');
  const target = meeting.actions.find((candidate) => candidate.actionId === actionId);
  if (target === undefined) {
    // The id came from a URL and could hold anything: it is not echoed on record.
    await deps.audit.record(context, action, 'NOT_FOUND', { meetingId });
    throw new NotFoundError('No such action');
  }
  // As a meeting's view: on record while the page is read and opened, nothing returned before both are
  // done, and a page that then does not open is corrected on record (FAILED).
  const eventId = deps.audit.eventIdFor(context, action);
  const [recorded, opened] = await Promise.allSettled([
    deps.audit.record(context, action, 'SUCCESS', { meetingId, eventId, detail: { side, actionId } }),
    // The meeting's key is opened while the page is read (one Decrypt, whatever the page holds).
    openFor(
      deps.keys,
      meeting,
      async (open) => {
        const page = await deps.meetings.actionUpdates(meeting, actionId, query.limit, query.cursor);
        const notes = await Promise.all(page.items.map((update) => open<string>(PARTS.actionNote(actionId, update.number), update.note)));
        return { page, notes };
      },
      { eagerly: updateCountOf(target) > 0 },
    ),
  ]);
  if (recorded.status === 'rejected') throw recorded.reason;
  if (opened.status === 'rejected') {
    await deps.audit.correct(context, action, 'FAILED', { meetingId }, eventId);
    throw opened.reason;
  }
  const { page, notes } = opened.value;
  return {
    meetingId,
    actionId,
    status: target.status,
    updateCount: updateCountOf(target),
    items: page.items.map((update, index) => ({
      number: update.number,
      status: update.status,
      note: notes[index] ?? '',
      at: update.at,
      by: publicPerson(update.by),
    })),
    ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
  };
}
