/**
 * Who held an alert or a meeting, kept after its content is gone. An access history has to stay readable
 * by the areas that held the resource for the audit retention period, three years after the resource
 * ends (as SIS Art 12 keeps logs), but the resource itself is deleted at its end for data minimisation.
 * So each resource has a small record of what the access check needs and nothing else: ids, areas and
 * dates, no child content, kept until its own `keptUntil`.
 */
// By path: the date-fns barrel costs seconds to load, on every cold start.
import { addYears } from 'date-fns/addYears';
import type { AreaId } from '../../contracts/identity.js';
import { type Comparison, holds, NOW } from './comparison.js';
import type { Clock } from './ports.js';

/** How long an access history outlives the content it is about. */
export const HISTORY_RETENTION_YEARS = 3;

export type HistoryType = 'alert' | 'meeting';

export type HistoryRecord = {
  readonly type: HistoryType;
  readonly id: string;
  /** The sending area of an alert, the requesting area of a meeting. */
  readonly ownerArea: AreaId;
  /** The recipients of an alert (forwards' too), the invited areas of a meeting. */
  readonly holderAreas: readonly AreaId[];
  /** Holders whose share was revoked: they may no longer learn the alert existed, its history included. */
  readonly revokedAreas?: readonly AreaId[];
  readonly createdAt: string;
  /** The content's end of life. */
  readonly expiresAt: string;
  /** The record's own end of life: the content's end plus the audit retention period. */
  readonly keptUntil: string;
};

export interface HistoryRecords {
  /**
   * Stores the record, replacing any earlier one of the same resource. The stores write it only once a
   * creation is committed (and the sweep only if absent), so the record that stands is the committed
   * attempt's; who held a resource never changes after its creation.
   */
  record(record: HistoryRecord): Promise<void>;
  /** The record as stored, kept or not: the caller decides with `isKept`. */
  get(type: HistoryType, id: string): Promise<HistoryRecord | undefined>;
}

/** The record of a resource owned by `ownerArea` and held by `holderAreas`, ending at `expiresAt`. */
export function historyRecordOf(fields: Omit<HistoryRecord, 'keptUntil'>): HistoryRecord {
  return {
    type: fields.type,
    id: fields.id,
    ownerArea: fields.ownerArea,
    holderAreas: [...fields.holderAreas],
    createdAt: fields.createdAt,
    expiresAt: fields.expiresAt,
    keptUntil: addYears(new Date(fields.expiresAt), HISTORY_RETENTION_YEARS).toISOString(),
  };
}

/** Kept while its `keptUntil` is still ahead; DynamoDB's TTL deletes it lazily, up to days late, so reads decide. */
export const KEPT: Comparison = { attribute: 'keptUntil', operator: '>', operand: NOW };

export function isKept(record: HistoryRecord | undefined, now: Date): record is HistoryRecord {
  return record !== undefined && holds(record, KEPT, now.toISOString());
}

/**
 * The record of `id`, if it is still kept. A resource written before records existed and not yet migrated
 * has none: then the resource itself (read by `fromResource`, live or expired, while it is still stored)
 * stands in. Reading never writes: the history routes may not write where the resources are (the
 * migration, `npm run migrate`, writes the missing records once).
 */
export async function heldBy(
  deps: { readonly history: HistoryRecords; readonly clock: Clock },
  type: HistoryType,
  id: string,
  fromResource: () => Promise<HistoryRecord | undefined>,
): Promise<HistoryRecord | undefined> {
  const now = deps.clock.now();
  const stored = await deps.history.get(type, id);
  if (stored !== undefined) return isKept(stored, now) ? stored : undefined;
  const derived = await fromResource();
  return isKept(derived, now) ? derived : undefined;
}
