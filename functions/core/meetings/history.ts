/**
 * A meeting's history record: the requesting area and the invited areas, so that its access history
 * stays readable by them after the meeting is deleted (see ../history.ts).
 */
import { type HistoryRecord, historyRecordOf } from '../history.js';
import type { StoredMeeting } from './ports.js';

export function meetingHistory(
  meeting: Pick<StoredMeeting, 'meetingId' | 'requestingArea' | 'invitedAreas' | 'createdAt' | 'expiresAt'>,
): HistoryRecord {
  return historyRecordOf({
    type: 'meeting',
    id: meeting.meetingId,
    ownerArea: meeting.requestingArea,
    holderAreas: meeting.invitedAreas,
    createdAt: meeting.createdAt,
    expiresAt: meeting.expiresAt,
  });
}
