/**
 * The meeting store's port: what the meeting use cases need from storage.
 */
import type { Agency, AreaId } from '../../../contracts/identity.js';
import { LATEST_UPDATES_SHOWN } from '../../../contracts/meetings.js';
import type { ClaimHooks, CorrectCreation, CreationRecord, SweepResult } from '../creations.js';
import type { DeliveryFailure } from '../notifications/ports.js';
import type { Page } from '../ports.js';
import type { SealedBox, SealedPart } from '../sealed-box.js';

/**
 * Child content as stored: a part of the meeting's keyring (./content.ts), or a box with its own data key,
 * as meetings were sealed before keyrings; both open, and only parts are written now.
 */
export type Sealed = SealedPart | SealedBox;

export type StoredPerson = { readonly sub: string; readonly name: string; readonly agency: Agency; readonly area: AreaId };

export type StoredSlot = {
  readonly slotId: string;
  readonly start: string;
  readonly durationMinutes: number;
  readonly proposedBy: AreaId;
};

export type StoredAreaResponse = {
  readonly response: 'ACCEPT' | 'DECLINE' | 'PROPOSE';
  readonly slotId?: string;
  /** A decline's reason and who will attend: free text, so sealed together. */
  readonly details?: Sealed;
  readonly respondedAt: string;
  readonly by: StoredPerson;
  /**
   * How many times the area has answered: its answer is an entry of its own, changed only on the revision read, so
   * two areas answering at once do not conflict and one area's two answers cannot both win. Absent: 1.
   */
  readonly revision?: number;
  /**
   * The receipts of the area's last answers, kept with the answer where a store keeps them there (the
   * meeting's `receipts` lists them too): the use cases read them only through `receipts`.
   */
  readonly receipts?: readonly StoredReceipt[];
};

export type StoredUpdate = {
  readonly status: 'OPEN' | 'DONE' | 'CANCELLED';
  readonly note: Sealed;
  readonly at: string;
  readonly by: StoredPerson;
};

/** An update with its place in its action's list (1 the first). */
export type NumberedUpdate = StoredUpdate & { readonly number: number };

/**
 * How many of each action's updates a meeting read by `MeetingRepository.get` holds at least (its latest):
 * what the meeting's page shows. The rest are read a page at a time (`MeetingRepository.actionUpdates`), so
 * opening a meeting costs the same after years of updates as on the day it was recorded.
 */
export const LATEST_UPDATES = LATEST_UPDATES_SHOWN;

export type StoredAction = {
  readonly actionId: string;
  readonly ownerArea: AreaId;
  readonly ownerAgency: Agency;
  readonly dueBy: string;
  readonly status: 'OPEN' | 'DONE' | 'CANCELLED';
  /**
   * The action's latest updates, oldest first: all of them, or (as a store reads a meeting) at least the
   * last `LATEST_UPDATES`. A change appends its update here and counts it in `updateCount`.
   */
  readonly updates: readonly StoredUpdate[];
  /** How many updates the action has had in all; absent: `updates` holds every one. */
  readonly updateCount?: number;
  /**
   * The receipts of the action's last updates, kept with the action where a store keeps them there (the
   * meeting's `receipts` lists them too): the use cases read them only through `receipts`.
   */
  readonly receipts?: readonly StoredReceipt[];
};

/** How many updates `action` has had in all. */
export const updateCountOf = (action: Pick<StoredAction, 'updates' | 'updateCount'>): number => action.updateCount ?? action.updates.length;

/** The updates `action` holds, each numbered by its place among all the action's updates. */
export function numberedUpdates(action: Pick<StoredAction, 'updates' | 'updateCount'>): NumberedUpdate[] {
  const first = updateCountOf(action) - action.updates.length + 1;
  return action.updates.map((update, index) => ({ ...update, number: first + index }));
}

/**
 * A meeting as its use cases see it, whole. It is stored as a head (what the meeting is, its state, its
 * record, each area's answer as an entry of its own) and one item per action note, so a change writes what
 * it changes and not the meeting's history. Every change is conditional on what it was computed from (the head's `version`, the
 * answer's `revision`, the note's place in its action's list): two concurrent changes of the same thing
 * cannot both win, and the loser is told (409) rather than overwritten; changes of different things
 * (two areas answering, two owners noting their own actions) both stand.
 */
export type StoredMeeting = {
  readonly meetingId: string;
  readonly version: number;
  readonly requestingArea: AreaId;
  readonly invitedAreas: readonly AreaId[];
  readonly status: 'REQUESTED' | 'SCHEDULED' | 'HELD' | 'CANCELLED';
  readonly format: 'IN_PERSON' | 'ONLINE' | 'HYBRID';
  readonly createdAt: string;
  /** After this the meeting is gone for everyone (filtered on read, deleted by TTL): data minimisation. */
  readonly expiresAt: string;
  readonly createdBy: StoredPerson;
  readonly alertIds: readonly string[];
  /**
   * The meeting's data key, as the key service wrapped it: every part (`Sealed`) is sealed under a key
   * derived from it, so reading the whole meeting is one Decrypt. Absent on a meeting sealed box by box
   * before keyrings, until its first new content.
   */
  readonly keyring?: string;
  /** The child: name and date of birth. */
  readonly subject: Sealed;
  /** Reason and agenda. */
  readonly request: Sealed;
  readonly slots: readonly StoredSlot[];
  readonly responses: Readonly<Record<AreaId, StoredAreaResponse>>;
  readonly scheduled?: { readonly slotId: string; readonly at: string; readonly by: StoredPerson };
  readonly cancelled?: { readonly reason: Sealed; readonly at: string; readonly by: StoredPerson };
  readonly record?: {
    readonly attendance: readonly { readonly area: AreaId; readonly agency: Agency }[];
    readonly reviewDate: string;
    /** Decisions, disruption plan and every action's description. */
    readonly content: Sealed;
    readonly recordedAt: string;
    readonly by: StoredPerson;
  };
  readonly actions: readonly StoredAction[];
  /**
   * What the last changes answered, by what identifies each change: a retry of a change whose answer was
   * lost finds it here (no content: receipts hold ids, states and times).
   */
  readonly receipts?: readonly StoredReceipt[];
  /** Messages about this meeting that did not reach their mailbox, oldest first. */
  readonly deliveryFailures?: readonly DeliveryFailure[];
  /** Absent on a meeting stored before notices existed: it has none pending, and its actions' reminders start with its next change. */
  readonly notices?: MeetingNotices;
};

/** A notice of a change of the meeting, waiting for the sweep to send it (./notices.ts). */
export type MeetingNotice = {
  readonly noticeId: string;
  readonly kind: 'REQUESTED' | 'ANSWERED' | 'SCHEDULED' | 'CANCELLED';
  /** The areas whose MSET mailboxes it goes to. */
  readonly to: readonly AreaId[];
  /** The change's time. */
  readonly at: string;
  /** The area that made the change. */
  readonly from: AreaId;
  /** For an answer: what it was, in words. */
  readonly outcome?: string;
};

export type MeetingNotices = {
  readonly pending: readonly MeetingNotice[];
  /** Action reminders due up to this time have been sent. */
  readonly remindedThrough?: string;
  /** When the next notice or reminder is due; the meeting stands in the index of pending notices at it. */
  readonly dueAt?: string;
};

/** `changeId`: the claim's change id under an Idempotency-Key, else the change's audit event id. */
export type StoredReceipt = { readonly changeId: string; readonly response: unknown };

/** What a meeting's creation is known by before its content is sealed: its id, areas and dates. */
export type MeetingFacts = Pick<StoredMeeting, 'meetingId' | 'requestingArea' | 'invitedAreas' | 'createdAt' | 'expiresAt'>;

export interface MeetingRepository {
  /**
   * Writes the meeting and one listing row per participating area so that every reader sees all of them or
   * none, whatever instant the writer dies. EXISTS: a meeting with this id is already committed (a retry of
   * a request cut off after its commit), and nothing was written.
   * `record`, the audit facts of the creation, is kept with it until it is committed: the sweep corrects
   * the record of a creation abandoned before its commit.
   */
  create(meeting: StoredMeeting, record?: CreationRecord, putOnRecord?: () => Promise<void>): Promise<'CREATED' | 'EXISTS'>;
  /**
   * As `create`, for a meeting still being sealed: the intent and the SUCCESS go while its key is made, so
   * a request costs three round trips in a row; with `claim`, the request's Idempotency-Key is claimed in
   * the first and its answer remembered in the second. Under a fresh id (`claim.idIsFresh`) nothing is read
   * for a committed meeting, so EXISTS may follow listing rows written over one: ids must be random to be fresh.
   */
  createWhileSealing(
    facts: MeetingFacts,
    sealed: Promise<StoredMeeting>,
    record?: CreationRecord,
    putOnRecord?: () => Promise<void>,
    claim?: ClaimHooks,
  ): Promise<'CREATED' | 'EXISTS'>;
  /**
   * Finishes the creations cut off before `before` (an ISO time): completes those that were committed, and
   * removes those that never were, each after `correct` has put its abandonment on record (one whose
   * correction cannot be recorded is left for the next run).
   */
  sweepUncommitted(before: string, correct: CorrectCreation): Promise<SweepResult>;
  get(meetingId: string): Promise<StoredMeeting | undefined>;
  /**
   * Writes the part of `meeting` that `part` names, on what it was computed from:
   * - the meeting itself (no `part`): its head, only if the stored version is still `expectedVersion`;
   * - an area's answer: only if the answer is still the one read (its revision), the meeting still takes
   *   answers (REQUESTED) and, for a proposal, no other slot was added since; the version moves on, so a
   *   change of the meeting computed from the answers before is refused rather than lose this one;
   * - an action's new note (the last of its updates, number `updateCount`): only if no other note took its
   *   place in the list.
   * CONFLICT: nothing of the change stands.
   */
  save(meeting: StoredMeeting, expectedVersion: number, part?: MeetingPart): Promise<'SAVED' | 'CONFLICT'>;
  /**
   * An action's updates, newest first, a page at a time, up to the last `meeting` (as read) counts: what a
   * meeting holds at hand is not read again. The cursor is bound to the meeting and the action.
   */
  actionUpdates(meeting: StoredMeeting, actionId: string, limit: number, cursor?: string): Promise<Page<NumberedUpdate>>;
  /** Newest first: `outbox` the area requested, `inbox` it was invited to. Summaries: no sealed content is read. */
  list(area: AreaId, box: 'inbox' | 'outbox', limit: number, cursor?: string): Promise<Page<MeetingSummaryRow>>;
  /**
   * Keeps a failed message on the meeting, once however often it is recorded; nothing if the meeting is gone.
   * A change of the meeting like any other: it takes a new version, so a change made on the version before
   * is refused (409) rather than lose the record.
   */
  recordDeliveryFailure(meetingId: string, failure: DeliveryFailure): Promise<void>;
  /** Meetings with a notice or reminder due at `now`, oldest due first, from the index of pending notices. */
  dueMeetings(now: string, limit: number, cursor?: string): Promise<Page<StoredMeeting>>;
  /**
   * Writes the meeting's notices (what the sweep sent cleared), only if it is still the version read; the
   * version does not change, so nobody's change of the meeting is refused for it. false: changed since.
   */
  updateNotices(meeting: StoredMeeting, notices: MeetingNotices): Promise<boolean>;
}

/** What a change writes besides the meeting's head (see `MeetingRepository.save`). */
export type MeetingPart =
  | { readonly kind: 'response'; readonly area: AreaId; readonly current: StoredMeeting }
  | { readonly kind: 'action'; readonly actionId: string; readonly current: StoredMeeting };

/** What a listing shows of a meeting: its head's routing facts and state, no sealed content. */
export type MeetingSummaryRow = Pick<
  StoredMeeting,
  'meetingId' | 'requestingArea' | 'invitedAreas' | 'status' | 'format' | 'createdAt' | 'expiresAt' | 'slots' | 'scheduled'
> & {
  /** Each area's answer in a word, as the head keeps it beside the answer itself. */
  readonly answers: Readonly<Record<AreaId, StoredAreaResponse['response']>>;
  readonly actions: readonly Pick<StoredAction, 'actionId' | 'status' | 'dueBy'>[];
};
