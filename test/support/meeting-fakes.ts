/**
 * In-memory fakes for the meeting use cases. The repository keeps the DynamoDB store's promises: a meeting
 * is one item changed only when the stored version is still the one read (otherwise 'CONFLICT', never an
 * overwrite), listings are newest first per area and box, and a cursor works only for the listing it was
 * issued for. Hooks let a test pause reads (two changes computed from the same read) or fail a write.
 */

import type { AreaId, Role } from '../../contracts/identity.js';
import { RequestMeetingRequest } from '../../contracts/meetings.js';
import type { ClaimHooks, CorrectCreation, CreationRecord, SweepResult } from '../../functions/core/creations.js';
import type { MeetingDeps } from '../../functions/core/meetings/deps.js';
import { meetingHistory } from '../../functions/core/meetings/history.js';
import {
  type MeetingFacts,
  type MeetingNotices,
  type MeetingPart,
  type MeetingRepository,
  type MeetingSummaryRow,
  type NumberedUpdate,
  numberedUpdates,
  type StoredMeeting,
  updateCountOf,
} from '../../functions/core/meetings/ports.js';
import { recordMeeting } from '../../functions/core/meetings/record-meeting.js';
import { requestMeeting } from '../../functions/core/meetings/request-meeting.js';
import { respondToMeeting } from '../../functions/core/meetings/respond-to-meeting.js';
import { scheduleMeeting } from '../../functions/core/meetings/schedule-meeting.js';
import { summaryRowOf } from '../../functions/core/meetings/summary.js';
import type { DeliveryFailure } from '../../functions/core/notifications/ports.js';
import type { Page } from '../../functions/core/ports.js';
import {
  contextFor,
  decodeOffset,
  encodeOffset,
  type Fakes,
  type InMemoryHistoryRecords,
  makeFakes,
  NOW,
  paginate,
  SequentialIds,
} from './fakes.js';

const clone = <T>(value: T): T => structuredClone(value);

type Box = 'inbox' | 'outbox';

export class InMemoryMeetingRepository implements MeetingRepository {
  readonly meetings = new Map<string, StoredMeeting>();
  /** Listing rows as the store keeps them: one per participating area, written once at creation. */
  readonly rows: { area: AreaId; box: Box; sortKey: string; meetingId: string }[] = [];
  /** Every call, by method name. */
  readonly calls: string[] = [];
  /** Set to make `create` fail as the store does when the database is down. */
  failCreate: Error | undefined;
  /** Called at the start of `create`, before anything is written (to observe what happened first). */
  onCreate: ((meeting: StoredMeeting) => void) | undefined;
  /** Called before a save is decided; may change the stored meeting to simulate a concurrent writer. */
  beforeSave: ((meeting: StoredMeeting, expectedVersion: number, attempt: number) => void | Promise<void>) | undefined;
  /** Makes the n-th save (1-based) throw instead of writing. */
  failSaveNumber: { n: number; error: Error } | undefined;
  private saves = 0;
  private gate: { size: number; waiting: (() => void)[] } | undefined;

  /**
   * `history`: where creation records who took part, as the store writes the record with the listing rows
   * (a retry that finds the meeting committed writes nothing, its record included).
   */
  constructor(private readonly history?: InMemoryHistoryRecords) {}

  /** The next `size` reads wait for each other, so they all see the same version. */
  gateReads(size: number): void {
    this.gate = { size, waiting: [] };
  }

  async dueMeetings(now: string, limit: number, cursor?: string): Promise<Page<StoredMeeting>> {
    this.calls.push('dueMeetings');
    const rows = [...this.meetings.values()]
      .filter((meeting) => meeting.notices?.dueAt !== undefined && meeting.notices.dueAt <= now)
      .sort((a, b) => `${a.notices?.dueAt}#${a.meetingId}`.localeCompare(`${b.notices?.dueAt}#${b.meetingId}`))
      .map(clone);
    return paginate(rows, 'meeting-notices', limit, cursor);
  }

  async updateNotices(meeting: StoredMeeting, notices: MeetingNotices): Promise<boolean> {
    this.calls.push('updateNotices');
    const stored = this.meetings.get(meeting.meetingId);
    if (stored === undefined || stored.version !== meeting.version) return false;
    this.meetings.set(meeting.meetingId, { ...stored, notices: clone(notices) });
    return true;
  }

  async recordDeliveryFailure(meetingId: string, failure: DeliveryFailure): Promise<void> {
    this.calls.push('recordDeliveryFailure');
    const meeting = this.meetings.get(meetingId);
    if (meeting === undefined || meeting.deliveryFailures?.some((known) => known.intentId === failure.intentId)) return;
    this.meetings.set(meetingId, {
      ...meeting,
      version: meeting.version + 1,
      deliveryFailures: [...(meeting.deliveryFailures ?? []), clone(failure)],
    });
  }

  async create(meeting: StoredMeeting, _record?: CreationRecord, putOnRecord?: () => Promise<void>): Promise<'CREATED' | 'EXISTS'> {
    this.calls.push('create');
    // As the store: a committed meeting is answered before anything is written or put on record.
    if (this.meetings.has(meeting.meetingId)) return 'EXISTS';
    await putOnRecord?.();
    // The moment of the write: a test may make another commit land here, as a race would.
    this.onCreate?.(clone(meeting));
    if (this.failCreate !== undefined) throw this.failCreate;
    if (this.meetings.has(meeting.meetingId)) return 'EXISTS';
    this.meetings.set(meeting.meetingId, clone(meeting));
    const sortKey = `${meeting.createdAt}#${meeting.meetingId}`;
    this.rows.push({ area: meeting.requestingArea, box: 'outbox', sortKey, meetingId: meeting.meetingId });
    for (const area of meeting.invitedAreas) this.rows.push({ area, box: 'inbox', sortKey, meetingId: meeting.meetingId });
    // As the store: the history record follows the commit.
    await this.history?.record(meetingHistory(meeting));
    return 'CREATED';
  }

  async createWhileSealing(
    facts: MeetingFacts,
    sealed: Promise<StoredMeeting>,
    record?: CreationRecord,
    putOnRecord?: () => Promise<void>,
    claim?: ClaimHooks,
  ): Promise<'CREATED' | 'EXISTS'> {
    // As the store: the SUCCESS goes while the meeting is sealed, and both are awaited (and the claim) before anything is written.
    const [onRecord, content] = await Promise.allSettled([putOnRecord?.(), sealed]);
    if (onRecord.status === 'rejected') throw onRecord.reason;
    await claim?.claimed;
    if (content.status === 'rejected') throw content.reason;
    if (content.value.meetingId !== facts.meetingId) throw new Error('The sealed meeting is not the one announced');
    return this.create(content.value, record);
  }

  /** Creation here is one step, so nothing is ever left uncommitted. */
  async sweepUncommitted(_before: string, _correct: CorrectCreation): Promise<SweepResult> {
    this.calls.push('sweepUncommitted');
    return { committed: 0, removed: 0, deferred: 0 };
  }

  async get(meetingId: string): Promise<StoredMeeting | undefined> {
    this.calls.push('get');
    const found = this.meetings.get(meetingId);
    const snapshot = found === undefined ? undefined : clone(found);
    const gate = this.gate;
    if (gate !== undefined) {
      await new Promise<void>((resolve) => {
        gate.waiting.push(resolve);
        if (gate.waiting.length === gate.size) {
          this.gate = undefined;
          for (const release of gate.waiting) release();
        }
      });
    }
    return snapshot;
  }

  async save(meeting: StoredMeeting, expectedVersion: number, part?: MeetingPart): Promise<'SAVED' | 'CONFLICT'> {
    this.calls.push('save');
    this.saves += 1;
    await this.beforeSave?.(clone(meeting), expectedVersion, this.saves);
    if (this.failSaveNumber?.n === this.saves) throw this.failSaveNumber.error;
    const stored = this.meetings.get(meeting.meetingId);
    if (stored === undefined) return 'CONFLICT';
    if (part === undefined) {
      if (stored.version !== expectedVersion) return 'CONFLICT';
      this.meetings.set(meeting.meetingId, clone(meeting));
      return 'SAVED';
    }
    // As the store: a part is conditional on itself (and the keyring on being the meeting's), not on the version.
    if (meeting.keyring !== part.current.keyring && stored.keyring !== undefined) return 'CONFLICT';
    const receipts = [...(stored.receipts ?? []), ...(meeting.receipts ?? []).slice(-1)].slice(-20);
    if (part.kind === 'response') {
      const answer = meeting.responses[part.area];
      const before = stored.responses[part.area];
      if (answer === undefined || stored.status !== 'REQUESTED') return 'CONFLICT';
      if ((before === undefined ? 0 : (before.revision ?? 1)) !== (answer.revision ?? 1) - 1) return 'CONFLICT';
      const added = meeting.slots.filter((slot) => !part.current.slots.some((known) => known.slotId === slot.slotId));
      if (added.some((slot) => stored.slots.some((known) => known.slotId === slot.slotId))) return 'CONFLICT';
      const notices = meeting.notices?.pending.slice(part.current.notices?.pending.length ?? 0) ?? [];
      this.meetings.set(meeting.meetingId, {
        ...stored,
        ...(meeting.keyring === undefined ? {} : { keyring: meeting.keyring }),
        version: stored.version + 1,
        slots: [...stored.slots, ...clone(added)],
        responses: { ...stored.responses, [part.area]: clone(answer) },
        receipts,
        notices: {
          ...stored.notices,
          pending: [...(stored.notices?.pending ?? []), ...clone(notices)],
          ...(meeting.notices?.dueAt === undefined ? {} : { dueAt: meeting.notices.dueAt }),
        },
      });
      return 'SAVED';
    }
    const action = meeting.actions.find((candidate) => candidate.actionId === part.actionId);
    const before = stored.actions.find((candidate) => candidate.actionId === part.actionId);
    if (action === undefined || before === undefined || updateCountOf(before) !== updateCountOf(action) - 1) return 'CONFLICT';
    this.meetings.set(meeting.meetingId, {
      ...stored,
      ...(meeting.keyring === undefined ? {} : { keyring: meeting.keyring }),
      version: stored.version + 1,
      actions: stored.actions.map((candidate) => (candidate.actionId === part.actionId ? clone(action) : candidate)),
      receipts,
      notices: { pending: [], ...stored.notices, ...(meeting.notices?.dueAt === undefined ? {} : { dueAt: meeting.notices.dueAt }) },
    });
    return 'SAVED';
  }

  /** Pages what it holds (every update of every action), newest first, as the store pages its notes. */
  async actionUpdates(meeting: StoredMeeting, actionId: string, limit: number, cursor?: string): Promise<Page<NumberedUpdate>> {
    this.calls.push('actionUpdates');
    const action = this.meetings.get(meeting.meetingId)?.actions.find((candidate) => candidate.actionId === actionId);
    const scope = `meeting-updates:${meeting.meetingId}:${actionId}`;
    const offset = decodeOffset(cursor, scope);
    const counted = meeting.actions.find((candidate) => candidate.actionId === actionId);
    const all = (action === undefined ? [] : numberedUpdates(action))
      .filter((update) => counted !== undefined && update.number <= updateCountOf(counted))
      .reverse();
    const page = all.slice(offset, offset + limit);
    const next = offset + page.length;
    return { items: clone(page), ...(next < all.length ? { nextCursor: encodeOffset(scope, next) } : {}) };
  }

  async list(area: AreaId, box: Box, limit: number, cursor?: string): Promise<Page<MeetingSummaryRow>> {
    this.calls.push('list');
    const scope = `meetings:${area}:${box}`;
    const offset = decodeOffset(cursor, scope);
    const rows = this.rows.filter((row) => row.area === area && row.box === box).sort((a, b) => b.sortKey.localeCompare(a.sortKey));
    const page = rows.slice(offset, offset + limit);
    const next = offset + page.length;
    return {
      items: page.flatMap((row) => {
        const meeting = this.meetings.get(row.meetingId);
        return meeting === undefined ? [] : [summaryRowOf(clone(meeting))];
      }),
      ...(next < rows.length ? { nextCursor: encodeOffset(scope, next) } : {}),
    };
  }

  /** Changes the stored meeting behind the use case's back, as another writer would. */
  tamper(meetingId: string, change: (meeting: StoredMeeting) => StoredMeeting): void {
    const stored = this.meetings.get(meetingId);
    if (stored === undefined) throw new Error(`no meeting ${meetingId}`);
    this.meetings.set(meetingId, clone(change(stored)));
  }
}

export type MeetingFakes = Fakes & { meetingDeps: MeetingDeps; meetings: InMemoryMeetingRepository; meetingIds: SequentialIds };

/**
 * The alert fakes (so `seedAlert` works on the same alert repository, trail and clock) plus a meeting
 * repository; meeting ids come from their own sequence.
 */
export function makeMeetingFakes(now: string = NOW): MeetingFakes {
  const fakes = makeFakes(now);
  const meetings = new InMemoryMeetingRepository(fakes.history);
  const meetingIds = new SequentialIds('aaaaaaaa-0000-4000-8000');
  const meetingDeps: MeetingDeps = {
    meetings,
    alerts: fakes.alerts,
    audit: fakes.deps.audit,
    auditStore: fakes.auditStore,
    history: fakes.history,
    keys: fakes.keys,
    clock: fakes.clock,
    ids: meetingIds,
    areas: fakes.deps.areas,
    calendars: fakes.deps.calendars,
  };
  return { ...fakes, meetingDeps, meetings, meetingIds };
}

/** Synthetic meeting content, each a distinct string a leak can be searched for. */
export const MEETING_TEXT = {
  given: 'Test',
  family: 'Child-Alpha',
  reason: 'Synthetic reason canary-mreason-1a1a',
  agenda: 'Synthetic agenda canary-magenda-2b2b',
  decline: 'Synthetic decline canary-mdecline-3c3c',
  cancel: 'Synthetic cancellation canary-mcancel-4d4d',
  decisions: 'Synthetic decisions canary-mdecide-5e5e',
  plan: 'Synthetic plan canary-mplan-6f6f',
  action1: 'Synthetic action canary-maction1-7a7a',
  action2: 'Synthetic action canary-maction2-8b8b',
  note: 'Synthetic note canary-mnote-9c9c',
} as const;

/** Slot starts relative to NOW (2026-03-10T10:00Z): a week and eight days ahead. */
export const SLOT_1 = '2026-03-17T10:00:00.000Z';
export const SLOT_2 = '2026-03-18T14:00:00.000Z';

export function meetingRequest(overrides: Record<string, unknown> = {}): RequestMeetingRequest {
  return RequestMeetingRequest.parse({
    invitedAreas: ['north-tyneside', 'newcastle'],
    subject: { name: { given: MEETING_TEXT.given, family: MEETING_TEXT.family }, dateOfBirth: '2011-01-01' },
    reason: MEETING_TEXT.reason,
    agenda: MEETING_TEXT.agenda,
    proposedSlots: [
      { start: SLOT_1, durationMinutes: 60 },
      { start: SLOT_2, durationMinutes: 90 },
    ],
    format: 'ONLINE',
    ...overrides,
  });
}

export const requester = (roles: Role | Role[] = 'chair', sub?: string) => contextFor('northumberland', roles, sub);
export const northTyneside = (roles: Role | Role[] = 'coordinator', sub?: string) => contextFor('north-tyneside', roles, sub);
export const newcastle = (roles: Role | Role[] = 'coordinator', sub?: string) => contextFor('newcastle', roles, sub);
export const outsider = (roles: Role | Role[] = 'chair', sub?: string) => contextFor('gateshead', roles, sub);

/** Requests a meeting through the real use case (Northumberland's chair by default) and clears the trail. */
export async function seedMeeting(fakes: MeetingFakes, request: RequestMeetingRequest = meetingRequest()): Promise<string> {
  const { meetingId } = await requestMeeting(fakes.meetingDeps, requester(), request);
  fakes.trail.events.length = 0;
  return meetingId;
}

/** Fresh fakes with one meeting seeded by `seed` (a requested one by default), and a reader of it as stored. */
export async function withMeeting(seed: (fakes: MeetingFakes) => Promise<string> = seedMeeting) {
  const fakes = makeMeetingFakes();
  const meetingId = await seed(fakes);
  const stored = () => fakes.meetings.meetings.get(meetingId);
  return { fakes, meetingId, stored };
}

/** A meeting North Tyneside accepted slot-1 of and Northumberland's chair scheduled on it; trail cleared. */
export async function seedScheduledMeeting(fakes: MeetingFakes, request: RequestMeetingRequest = meetingRequest()): Promise<string> {
  const meetingId = await seedMeeting(fakes, request);
  await respondToMeeting(fakes.meetingDeps, northTyneside(), meetingId, { response: 'ACCEPT', slotId: 'slot-1' });
  await scheduleMeeting(fakes.meetingDeps, requester(), meetingId, { slotId: 'slot-1', force: false });
  fakes.trail.events.length = 0;
  return meetingId;
}

/** The clock an hour into slot-1. */
export const DURING_SLOT_1 = '2026-03-17T11:00:00.000Z';

/**
 * A scheduled meeting, the clock moved into slot-1, and the record made: action-1 owned by North Tyneside
 * (due 2026-03-31), action-2 by Newcastle (due 2026-03-20). Trail cleared.
 */
export async function seedHeldMeeting(fakes: MeetingFakes): Promise<string> {
  const meetingId = await seedScheduledMeeting(fakes);
  fakes.clock.set(DURING_SLOT_1);
  await recordMeeting(fakes.meetingDeps, requester(), meetingId, recordRequest());
  fakes.trail.events.length = 0;
  return meetingId;
}

export function recordRequest(overrides: Record<string, unknown> = {}) {
  return {
    attendance: [
      { area: 'northumberland', agency: 'police' as const },
      { area: 'north-tyneside', agency: 'childrens-services' as const },
    ],
    decisions: MEETING_TEXT.decisions,
    disruptionPlan: MEETING_TEXT.plan,
    reviewDate: '2026-04-17',
    actions: [
      { description: MEETING_TEXT.action1, ownerArea: 'north-tyneside', ownerAgency: 'childrens-services' as const, dueBy: '2026-03-31' },
      { description: MEETING_TEXT.action2, ownerArea: 'newcastle', ownerAgency: 'police' as const, dueBy: '2026-03-20' },
    ],
    ...overrides,
  };
}
