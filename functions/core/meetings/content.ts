/**
 * A meeting's child content (the subject, reason and agenda, decline and cancellation reasons, the record,
 * action notes) sealed like an alert's: a data key per box, bound to (meeting, requesting area, scope).
 */
import type { Agency } from '../../../contracts/identity.js';
import type { EncryptionContext, KeyService } from '../ports.js';
import type { SealedBox } from '../sealed-box.js';
import { open, seal } from '../sealing.js';
import type { StoredMeeting } from './ports.js';

const context = (meeting: Pick<StoredMeeting, 'meetingId' | 'requestingArea'>, scope: string): EncryptionContext => ({
  meetingId: meeting.meetingId,
  requestingArea: meeting.requestingArea,
  scope,
});

export const SCOPES = {
  subject: 'SUBJECT',
  request: 'REQUEST',
  response: (area: string) => `RESPONSE:${area}`,
  cancellation: 'CANCELLATION',
  record: 'RECORD',
  actionNote: (actionId: string) => `ACTION:${actionId}`,
} as const;

export function sealFor(
  keys: KeyService,
  meeting: Pick<StoredMeeting, 'meetingId' | 'requestingArea'>,
  scope: string,
  value: unknown,
): Promise<SealedBox> {
  return seal(keys, context(meeting, scope), value);
}

export function openFor<T>(
  keys: KeyService,
  meeting: Pick<StoredMeeting, 'meetingId' | 'requestingArea'>,
  scope: string,
  box: SealedBox,
): Promise<T> {
  return open<T>(keys, context(meeting, scope), box);
}

export type RequestText = { reason: string; agenda: string };
export type RecordText = { decisions: string; disruptionPlan?: string; actions: Record<string, string> };
export type ResponseDetails = { reason?: string; attendees?: { agency: Agency; role: string }[] };
