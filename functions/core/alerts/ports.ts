/**
 * The alert store's port: what the alert use cases need from storage. Routing metadata is held in the clear; child content
 * only as sealed boxes.
 */

import type {
  ConsentStatus,
  ExploitationType,
  HandlingCode,
  LawfulBasis,
  OnwardSharing,
  RiskLevel,
  Scope,
} from '../../../contracts/alerts.js';
import type { Agency, AreaId } from '../../../contracts/identity.js';
import type { RecipientRole } from '../../../contracts/notifications.js';
import type { ClaimHooks, CorrectCreation, CreationRecord, SweepResult } from '../creations.js';
import type { DeliveryFailure } from '../notifications/ports.js';
import type { Page } from '../ports.js';
import type { ReaderCopy, SealedPart } from '../sealed-box.js';

/**
 * What the store holds of an alert: routing metadata in the clear, child content only in the readers'
 * sealed copies (./content.ts), the sender's here and each recipient's on its share.
 */
export type StoredAlert = {
  readonly alertId: string;
  readonly senderArea: AreaId;
  readonly createdAt: string;
  readonly createdBy: { readonly sub: string; readonly name: string; readonly agency: Agency };
  readonly expiresAt: string;
  readonly riskLevel: RiskLevel;
  readonly exploitation: readonly ExploitationType[];
  /** Every area that holds or held a share: the original recipients, then each forward's, in order. */
  readonly recipients: readonly AreaId[];
  /**
   * The sending area's copy: every section and the share terms, under the sending area's own key; and
   * the sender's record of a share's life (reasons, justifications) sealed under the same key. Removed once
   * the alert as a whole has ended (its longest share's end), when nobody may read it any more.
   */
  readonly senderCopy: ReaderCopy;
};

/** An alert's facts in the clear, known before its content is sealed. */
export type AlertFacts = Omit<StoredAlert, 'senderCopy'>;

export type StoredAcknowledgement = {
  readonly outcome: 'ACCEPTED' | 'ALREADY_KNOWN' | 'REDIRECTED';
  readonly acknowledgedAt: string;
  readonly by: { readonly sub: string; readonly name: string; readonly agency: Agency; readonly area: AreaId };
  readonly redirectTo?: AreaId;
  /**
   * The sender's copy of the recipient's note, sealed under the sender's keyring as part
   * `ACKNOWLEDGEMENT:<recipient area>`; the recipient's own is part 'ACKNOWLEDGEMENT' of its copy.
   */
  readonly noteForSender?: SealedPart;
  /** The audit event that recorded it. */
  readonly eventId: string;
  /** Under an idempotency claim, what a retry of the same request recognises it by (no content). */
  readonly changeId?: string;
};

/** The ladder's steps: what the hub tells whom about a share (./ladder.ts), up to the share's end. */
export type LadderStep =
  | 'SHARED'
  | 'REMINDER'
  | 'OVERDUE'
  | 'ACKNOWLEDGED'
  | 'REDIRECTED'
  | 'EXPIRY_WARNING_30'
  | 'EXPIRY_WARNING_7'
  | 'EXPIRED';

export type TakenStep = {
  readonly step: LadderStep;
  /** When it was taken: its audit event's time, and its messages'. */
  readonly at: string;
  readonly to: readonly RecipientRole[];
  /** The sender was told to telephone the receiving area's out-of-hours number. */
  readonly telephone?: boolean;
  /** TAKING: claimed, its messages perhaps not yet recorded; the next run finishes it. */
  readonly state: 'TAKING' | 'TAKEN';
  /** An expiry step: the end of life it was about, so that an extension re-arms the warnings. */
  readonly for?: string;
};

/** Where a share's ladder stands: the steps taken, and when the next is due (absent once it is over). */
export type ShareLadder = {
  /** Goes up with every change of the ladder and every acknowledgement: each step's write is conditional on it. */
  readonly version: number;
  readonly steps: readonly TakenStep[];
  readonly dueAt?: string;
};

/** One share record per recipient area. */
export type StoredShare = {
  readonly alertId: string;
  readonly senderArea: AreaId;
  readonly recipientArea: AreaId;
  readonly scopes: readonly Scope[];
  readonly status: 'PENDING' | 'ACKNOWLEDGED';
  readonly ackDueBy: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly riskLevel: RiskLevel;
  readonly exploitation: readonly ExploitationType[];
  readonly terms: {
    readonly lawfulBasis: LawfulBasis;
    readonly consentStatus: ConsentStatus;
    readonly handlingCode: HandlingCode;
    /** Absent on shares stored before the term existed: PERMITTED, the default. */
    readonly onwardSharing?: OnwardSharing;
  };
  /**
   * The recipient area's copy: the sections its scopes grant, the terms' free text (purpose, consent reason,
   * conditions) and its own acknowledgement note. ABSENT once the share has ended (revoked or expired): its
   * content destroyed with its key, and every read treats the share as never held.
   */
  readonly copy?: ReaderCopy;
  readonly acknowledgement?: StoredAcknowledgement;
  /** Messages about this share that did not reach their mailbox, oldest first. */
  readonly deliveryFailures?: readonly DeliveryFailure[];
  /** Absent on a share stored before the ladder existed, until the migration starts it. */
  readonly ladder?: ShareLadder;
  /** The sending person's email, when their token carried one: the overdue and acknowledgement messages go to them too. */
  readonly senderEmail?: string;
  /** A share made by a forward: where it came from. */
  readonly origin?: ShareOrigin;
  /**
   * The alert's creation, on a share made after it (by a forward): the sending area's outbox sorts a share
   * beside its alert, so by this rather than the share's own `createdAt`.
   */
  readonly alertCreatedAt?: string;
  /** Set when the share ended (revoked or expired): its content is destroyed, its metadata kept for the audit. */
  readonly ended?: ShareEnd;
  /** The sending area's extensions of its end of life, oldest first. */
  readonly extensions?: readonly ShareExtension[];
};

/** A person as a record names them. */
export type Actor = { readonly sub: string; readonly name: string; readonly agency: Agency; readonly area: AreaId };

export type ShareOrigin = {
  readonly forwardId: string;
  readonly fromArea: AreaId;
  readonly by: Actor;
  readonly at: string;
};

export type ShareEnd = {
  readonly reason: 'REVOKED' | 'EXPIRED';
  readonly at: string;
  /** Who revoked it; absent for an expiry (the hub). */
  readonly by?: Actor;
  /** The revocation's reason, sealed under the sending area's key (the sender's record of why). */
  readonly note?: SealedPart;
  /** A share ended because the share it was forwarded from was revoked. */
  readonly cascadeFrom?: AreaId;
  readonly eventId: string;
};

export type ShareExtension = {
  readonly at: string;
  readonly by: Actor;
  readonly from: string;
  readonly to: string;
  /** Sealed under the sending area's key. */
  readonly justification: SealedPart;
  readonly eventId: string;
  readonly changeId?: string;
};

/** One link of the chain of custody, an item in the alert's partition. */
export type StoredForward = {
  readonly alertId: string;
  readonly forwardId: string;
  readonly senderArea: AreaId;
  readonly fromArea: AreaId;
  readonly toArea: AreaId;
  readonly scopes: readonly Scope[];
  readonly by: Actor;
  readonly at: string;
  /** Sealed under the sending area's key: the sender's record of why. */
  readonly reason: SealedPart;
  readonly status: 'AWAITING_APPROVAL' | 'SHARED' | 'REFUSED';
  readonly decision?: {
    readonly decision: 'APPROVED' | 'REFUSED';
    readonly at: string;
    readonly by: Actor;
    readonly reason: SealedPart;
    readonly eventId: string;
  };
  readonly eventId: string;
};

export type ShareKey = { readonly alertId: string; readonly area: AreaId };

/**
 * What a listing reads of a share (./listing.ts): its summary, never a sealed attribute nor the
 * acknowledgement's note. Stores read it from indexes that hold nothing else.
 */
export type ListedShare = Pick<
  StoredShare,
  'alertId' | 'senderArea' | 'recipientArea' | 'riskLevel' | 'exploitation' | 'createdAt' | 'expiresAt' | 'status' | 'ackDueBy'
> & {
  readonly acknowledgement?: AcknowledgementSummary;
  /** The ladder's latest step, for a list ("reminder sent 12:30"). */
  readonly lastStep?: { readonly step: LadderStep; readonly at: string };
  /** How many messages about the share did not reach their mailbox. */
  readonly undelivered: number;
  /** Why the share ended, once it has (the sending area's outbox keeps it, without content). */
  readonly ended?: ShareEnd['reason'];
};

/** What a list shows of an acknowledgement: kept apart from it on the share, so a listing never reads the note. */
export type AcknowledgementSummary = Pick<StoredAcknowledgement, 'outcome' | 'acknowledgedAt' | 'redirectTo'>;

/** What the outbox reads of an alert: its summary and every share's. */
export type ListedAlert = Pick<
  StoredAlert,
  'alertId' | 'senderArea' | 'createdAt' | 'expiresAt' | 'riskLevel' | 'exploitation' | 'recipients'
> & { readonly shares: readonly ListedShare[] };

export type InboxFilter = { readonly status?: 'PENDING' | 'ACKNOWLEDGED' | 'OVERDUE'; readonly now: string };

export type AcknowledgeResult = 'ACKNOWLEDGED' | 'ALREADY_ACKNOWLEDGED' | 'GONE';

export interface AlertRepository {
  /**
   * Writes the alert and its shares so that every reader sees all of them or none, whatever instant the
   * writer dies. EXISTS: an alert with this id is already committed (a retry of a creation cut off after
   * its commit), and nothing was written.
   * `record`, the audit facts of the creation, is kept with it until it is committed: the sweep corrects
   * the record of a creation abandoned before its commit.
   */
  create(
    alert: StoredAlert,
    shares: readonly StoredShare[],
    record?: CreationRecord,
    putOnRecord?: () => Promise<void>,
  ): Promise<'CREATED' | 'EXISTS'>;
  /**
   * As `create`, for content still being sealed: the intent and the SUCCESS go while the keys are made, so
   * a creation costs three round trips in a row; with `claim`, the request's Idempotency-Key is claimed in
   * the first and its answer remembered in the second. Under a fresh id (`claim.idIsFresh`) nothing is read
   * for a committed alert, so EXISTS may follow shares written over one: ids must be random to be fresh.
   */
  createWhileSealing(
    facts: AlertFacts,
    sealed: Promise<{ readonly alert: StoredAlert; readonly shares: readonly StoredShare[] }>,
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
  /** Removes an alert and its shares: the compensation when its creation could not be audited. */
  remove(alertId: string, recipients: readonly AreaId[]): Promise<void>;
  getAlert(alertId: string): Promise<StoredAlert | undefined>;
  /** The alert with every share of it, in one consistent read of its partition. */
  getAlertWithShares(
    alertId: string,
  ): Promise<
    { readonly alert: StoredAlert; readonly shares: readonly StoredShare[]; readonly forwards: readonly StoredForward[] } | undefined
  >;
  getShare(alertId: string, area: AreaId): Promise<StoredShare | undefined>;
  /** Batch read; shares that do not exist are simply absent. */
  getShares(keys: readonly ShareKey[]): Promise<StoredShare[]>;
  /**
   * Conditional: only a PENDING, unexpired share can be acknowledged, by exactly one caller. It stops the
   * ladder (its version goes up, so no step read before it is taken) and makes its notice due at once.
   */
  acknowledge(
    alertId: string,
    area: AreaId,
    ack: StoredAcknowledgement,
    now: string,
    /** The recipient's note sealed into its own copy (part 'ACKNOWLEDGEMENT'); only while the copy exists. */
    recipientNote?: SealedPart,
  ): Promise<AcknowledgeResult>;
  /**
   * The area's live shares of committed alerts. Newest first, unfiltered and under ACKNOWLEDGED; under
   * PENDING and OVERDUE by deadline, the earliest first (./listing.ts, `inboxOrder`). The cursor is bound
   * to the area and filter it was issued for.
   */
  listInbox(area: AreaId, filter: InboxFilter, limit: number, cursor?: string): Promise<Page<ListedShare>>;
  /** The area's live alerts, newest first, each with every share's summary (in the order of `recipients`). */
  listOutbox(area: AreaId, now: string, limit: number, cursor?: string): Promise<Page<ListedAlert>>;
  /**
   * Keeps the outbox cheap to read: copies what changed of up to `limit` of the area's shares (from
   * `cursor`) into the summaries its listing reads them from, and takes those already copied out of what a
   * page reads beside them (the outbox shows a change at once either way). `read`: the changed shares read;
   * `summarized` and `folded`: how many were copied and taken out; `nextCursor`: where the area's next read
   * starts, absent when this one reached the end.
   */
  foldOutbox(
    area: AreaId,
    limit: number,
    cursor?: string,
  ): Promise<{ readonly read: number; readonly summarized: number; readonly folded: number; readonly nextCursor?: string }>;
  /**
   * The shares whose ladder has a step due at `now`, oldest due first, from the index of pending shares by
   * next-step time: what is read follows what is due, not what is stored. Only shares of committed alerts.
   */
  dueShares(now: string, limit: number, cursor?: string): Promise<Page<StoredShare>>;
  /**
   * Writes the share's ladder, conditional on the ladder's version and the share's status being those of
   * `share` (as read): CONFLICT when another run or an acknowledgement changed them since.
   */
  updateLadder(share: StoredShare, ladder: ShareLadder): Promise<'SAVED' | 'CONFLICT'>;
  /** Keeps a failed message on the share, once however often it is recorded; nothing if the share is gone. */
  recordDeliveryFailure(alertId: string, area: AreaId, failure: DeliveryFailure): Promise<void>;

  // ---- a share's life (./forward-alert.ts, ./decide-forward.ts, ./revoke-share.ts, ./extend-share.ts) ----

  /** Conditional: EXISTS when a forward of this id is stored already (a retry), and nothing was written. */
  putForward(forward: StoredForward): Promise<'CREATED' | 'EXISTS'>;
  getForward(alertId: string, forwardId: string): Promise<StoredForward | undefined>;
  /** Every forward of the alert, oldest first. */
  listForwards(alertId: string): Promise<StoredForward[]>;
  /** Conditional on the forward still awaiting a decision: CONFLICT when another decided first. */
  decideForward(forward: StoredForward, decision: NonNullable<StoredForward['decision']>): Promise<'SAVED' | 'CONFLICT'>;
  /**
   * A new reader's share, conditional on the area holding none: EXISTS otherwise (nothing written), unless
   * the share there is this very forward's (a retry), which is CREATED.
   */
  addShare(share: StoredShare): Promise<'CREATED' | 'EXISTS'>;
  /** The area added, once, to the alert's recipients and its history record's holders: after `addShare`. */
  addHolder(alertId: string, area: AreaId): Promise<void>;
  /**
   * A revoked area's hold on the alert's access history ends (its history record notes it, once): from
   * then it is answered as an area that never held the alert.
   */
  forgetHolder(alertId: string, area: AreaId): Promise<void>;
  /**
   * Ends a share: its sealed copy removed, it leaves the inbox and the ladder, its metadata stays with
   * `end` for the audit retention. Conditional on it not having ended: ALREADY_ENDED otherwise; GONE when
   * there is no such share. An expiry (`end.at` the end of life it enforces) is conditional too on the
   * share's end of life not being later than that: NOT_DUE for a share extended since it was read.
   */
  endShare(alertId: string, area: AreaId, end: ShareEnd): Promise<'ENDED' | 'ALREADY_ENDED' | 'GONE' | 'NOT_DUE'>;
  /**
   * Moves a live share's end of life and re-arms its ladder, conditional on the ladder's version being the
   * one read and the share not having ended (CONFLICT otherwise); the alert and its history record are
   * kept at least as long.
   */
  extendShare(share: StoredShare, extension: ShareExtension, ladder: ShareLadder): Promise<'SAVED' | 'CONFLICT'>;
  /**
   * Destroys the sending area's sealed content of an alert whose end of life (that of its longest share)
   * has passed at `now`; nothing while it lives. Its metadata stays for the audit retention.
   */
  endAlertContent(alertId: string, now: string): Promise<void>;
}
