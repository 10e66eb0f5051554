/**
 * A meeting's child content (the subject, reason and agenda, answers' details, the cancellation reason, the
 * record, action notes): one data key per meeting, every participating area reading the whole meeting, and
 * each piece a named part of that keyring (../sealing.ts), bound to (meeting, requesting area, part). Opening
 * a whole meeting is one Decrypt, and a new note one Decrypt, whatever the meeting already holds.
 *
 * Meetings stored before keyrings hold boxes with a data key each: they still open, a Decrypt each, and
 * whatever such a meeting gains next is sealed under a keyring it is given then.
 */
import type { Agency } from '../../../contracts/identity.js';
import { SealError } from '../errors.js';
import type { EncryptionContext, KeyService } from '../ports.js';
import type { SealedBox } from '../sealed-box.js';
import { OpenKeyring, open } from '../sealing.js';
import type { Sealed, StoredMeeting } from './ports.js';

type MeetingIdentity = Pick<StoredMeeting, 'meetingId' | 'requestingArea'>;

/**
 * The keyring's context: the meeting, its requester, and a scope of its own (the key policy asks every
 * meeting data key for these three keys, as it did of each box; a box's scope named its piece).
 */
const keyringContext = (meeting: MeetingIdentity): EncryptionContext => ({
  meetingId: meeting.meetingId,
  requestingArea: meeting.requestingArea,
  scope: 'MEETING',
});

/** Each part's name: what it is, and for what repeats, which one (a part moved to another name does not open). */
export const PARTS = {
  subject: 'SUBJECT',
  request: 'REQUEST',
  response: (area: string, revision: number) => `RESPONSE:${area}:${revision}`,
  cancellation: 'CANCELLATION',
  record: 'RECORD',
  actionNote: (actionId: string, position: number) => `NOTE:${actionId}:${position}`,
} as const;

/** The scopes boxes were sealed under before keyrings: how a stored box's context is named. */
const LEGACY_SCOPES: Record<string, (part: string[]) => string> = {
  SUBJECT: () => 'SUBJECT',
  REQUEST: () => 'REQUEST',
  RESPONSE: ([area]) => `RESPONSE:${area}`,
  CANCELLATION: () => 'CANCELLATION',
  RECORD: () => 'RECORD',
  NOTE: ([actionId]) => `ACTION:${actionId}`,
};

const isBox = (sealed: Sealed): sealed is SealedBox => 'key' in sealed;

export type Seal = (part: string, value: unknown) => Sealed;

/**
 * Seals new content for `meeting`: opens its keyring (one Decrypt) or makes one (one GenerateDataKey) for a
 * meeting that has none yet. `keyring` is what the meeting stores from now on.
 */
export async function sealFor<T>(
  keys: KeyService,
  meeting: MeetingIdentity & Pick<StoredMeeting, 'keyring'>,
  use: (seal: Seal) => T,
): Promise<{ keyring: string; sealed: T }> {
  const keyring =
    meeting.keyring === undefined
      ? await OpenKeyring.create(keys, keyringContext(meeting))
      : await OpenKeyring.open(keys, keyringContext(meeting), meeting.keyring);
  try {
    return { keyring: keyring.wrapped, sealed: use((part, value) => keyring.seal(part, value)) };
  } finally {
    keyring.close();
  }
}

export type Open = <V>(part: string, sealed: Sealed) => Promise<V>;

/**
 * Opens any number of the meeting's parts for one Decrypt (the keyring's, opened on first use); a box
 * sealed before keyrings opens with its own key.
 */
export async function openFor<T>(
  keys: KeyService,
  meeting: MeetingIdentity & Pick<StoredMeeting, 'keyring'>,
  use: (open: Open) => Promise<T>,
  /** Opens the keyring at once, while `use` still waits on something else (a read of what it opens). */
  options: { eagerly?: boolean } = {},
): Promise<T> {
  let keyring: Promise<OpenKeyring> | undefined =
    options.eagerly === true && meeting.keyring !== undefined
      ? OpenKeyring.open(keys, keyringContext(meeting), meeting.keyring)
      : undefined;
  // A failure is reported where a part is opened (or not at all, if none is): never as unhandled meanwhile.
  keyring?.catch(() => undefined);
  const openPart: Open = async <V>(part: string, sealed: Sealed): Promise<V> => {
    if (isBox(sealed)) {
      const [kind = '', ...rest] = part.split(':');
      const scope = LEGACY_SCOPES[kind]?.(rest) ?? part;
      return open<V>(keys, { meetingId: meeting.meetingId, requestingArea: meeting.requestingArea, scope }, sealed);
    }
    if (meeting.keyring === undefined) throw new SealError('The sealed part has no keyring to open under');
    keyring ??= OpenKeyring.open(keys, keyringContext(meeting), meeting.keyring);
    return (await keyring).open<V>(part, sealed);
  };
  try {
    return await use(openPart);
  } finally {
    // Opened or failed, the key is zeroed; a failure to open was already reported through `use`.
    if (keyring !== undefined) await keyring.then((opened) => opened.close()).catch(() => undefined);
  }
}

export type RequestText = { reason: string; agenda: string };
export type RecordText = { decisions: string; disruptionPlan?: string; actions: Record<string, string> };
export type ResponseDetails = { reason?: string; attendees?: { agency: Agency; role: string }[] };
