/**
 * The tables' key schemas, in one place: the local hub creates its dynalite tables from these and the CDK
 * stack declares the same keys and indexes. dynalite cannot add an index later, so every index the code
 * queries is here from the start.
 */
export type IndexDefinition = { readonly name: string; readonly partitionKey: string; readonly sortKey: string };
export type TableDefinition = {
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly indexes: readonly IndexDefinition[];
  /** Attribute holding epoch seconds for DynamoDB TTL; reads still filter expiry in code. */
  readonly ttlAttribute?: string;
};

export const ALERTS_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: [
    // A receiving area's shares, newest first.
    { name: 'inbox', partitionKey: 'inboxPk', sortKey: 'inboxSk' },
    // A sending area's alerts, newest first.
    { name: 'outbox', partitionKey: 'outboxPk', sortKey: 'outboxSk' },
    // Pending shares by the time their ladder's next step is due (functions/core/alerts/ladder.ts), so the
    // sweep reads what is due and nothing else. Added after the first release: a data directory made before
    // it is migrated (./migrations.ts, rebuildWithIndexes); on AWS, CloudFormation adds it to the table.
    { name: 'ladder', partitionKey: 'ladderPk', sortKey: 'ladderSk' },
  ],
  ttlAttribute: 'ttl',
} as const satisfies TableDefinition;

export const AUDIT_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: [
    // One alert's (or meeting's) events by one area's people: a recipient reads its own area's and the
    // sender's, and never sees (not even as a page cursor) that any other area was involved.
    { name: 'byResourceArea', partitionKey: 'resourceAreaPk', sortKey: 'sk' },
    // Everything one area's people did, for that area's data protection officer. Declared now because
    // dynalite cannot add an index later; the DPO's read route is not built yet.
    { name: 'byActorArea', partitionKey: 'actorAreaPk', sortKey: 'sk' },
  ],
} as const satisfies TableDefinition;

export const MEETINGS_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: [
    // One row per participating area: an area's requested (outbox) and invited (inbox) meetings.
    { name: 'byArea', partitionKey: 'boxPk', sortKey: 'boxSk' },
    // Meetings with a notice or an action reminder due, by when (functions/core/meetings/notices.ts).
    // Added after the first release, as the alerts table's `ladder` index was.
    { name: 'ladder', partitionKey: 'ladderPk', sortKey: 'ladderSk' },
  ],
  ttlAttribute: 'ttl',
} as const satisfies TableDefinition;

export const IDEMPOTENCY_TABLE = {
  partitionKey: 'pk',
  indexes: [],
  ttlAttribute: 'ttl',
} as const satisfies TableDefinition;

/** The console's sessions, sign-ins under way and kept forms, each expiring by TTL. */
export const SESSIONS_TABLE = {
  partitionKey: 'pk',
  indexes: [],
  ttlAttribute: 'ttl',
} as const satisfies TableDefinition;

/**
 * One record per notification intent: whether its message was sent, is being sent, failed for good, or was
 * not needed. The sender claims an intent here before calling Notify, so a redelivered intent is never sent
 * twice. Kept a month, by TTL.
 */
export const NOTIFICATIONS_TABLE = {
  partitionKey: 'pk',
  indexes: [],
  ttlAttribute: 'ttl',
} as const satisfies TableDefinition;

export type TableNames = {
  readonly alerts: string;
  readonly audit: string;
  readonly idempotency: string;
  readonly meetings: string;
  /** Only the console uses it. */
  readonly sessions?: string;
  /** Only the notification sender uses it. */
  readonly notifications?: string;
};
