/**
 * The tables' key schemas, in one place: the local hub creates its dynalite tables from these and the CDK
 * stack declares the same keys and indexes. dynalite cannot add an index later, so every index the code
 * queries is here from the start.
 */
export type IndexDefinition = {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  /**
   * The non-key attributes the index holds (INCLUDE); every attribute (ALL) when absent. A listing index
   * names only what a list shows, so its rows never carry a sealed box. DynamoDB cannot change a projection
   * in place: a different one is a new index, under a new name.
   */
  readonly include?: readonly string[];
};
export type TableDefinition = {
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly indexes: readonly IndexDefinition[];
  /** Attribute holding epoch seconds for DynamoDB TTL; reads still filter expiry in code. */
  readonly ttlAttribute?: string;
};

/**
 * What an inbox or outbox row shows of a share or an alert (functions/core/alerts/listing.ts): ids, areas,
 * risk, dates, status, the acknowledgement's outcome (`acknowledged`, never the note), the ladder's steps and
 * the failed messages. Never a sealed attribute: a listing reads only these.
 */
export const LISTED_ATTRIBUTES = [
  'alertId',
  'senderArea',
  'recipientArea',
  'recipients',
  'riskLevel',
  'exploitation',
  'createdAt',
  'expiresAt',
  'status',
  'ackDueBy',
  'acknowledged',
  'ladderSteps',
  'deliveryFailures',
  // Why a share ended (REVOKED or EXPIRED), apart from `ended`, which holds the sealed reason.
  'endedAs',
] as const;

export const ALERTS_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: [
    // Superseded by `received` and `sent`, which hold only what a listing shows; no code reads these two.
    // They stay for one release, so the code before it still runs while a deployment adds the new ones
    // (CloudFormation adds or removes one index per update); the next release removes them.
    { name: 'inbox', partitionKey: 'inboxPk', sortKey: 'inboxSk' },
    { name: 'outbox', partitionKey: 'outboxPk', sortKey: 'outboxSk' },
    // Pending shares by the time their ladder's next step is due (functions/core/alerts/ladder.ts), so the
    // sweep reads what is due and nothing else. Added after the first release: a data directory made before
    // it is migrated (./migrations.ts, rebuildWithIndexes); on AWS, CloudFormation adds it to the table.
    { name: 'ladder', partitionKey: 'ladderPk', sortKey: 'ladderSk' },
    // A receiving area's shares, newest first: the unfiltered inbox. Keyed on the attributes every share has
    // had from the first release, so no share needs migrating to appear in it.
    { name: 'received', partitionKey: 'inboxPk', sortKey: 'inboxSk', include: LISTED_ATTRIBUTES },
    // A receiving area's shares by status, one partition per stored status: acknowledged ones newest first,
    // pending ones by deadline (ackDueBy), so OVERDUE (a pending share whose deadline has passed) and
    // PENDING are each one key range, and a filter that matches nothing is one query that reads nothing.
    { name: 'receivedByStatus', partitionKey: 'inboxStatusPk', sortKey: 'inboxStatusSk', include: LISTED_ATTRIBUTES },
    // A sending area's alerts, newest first, and beside them their shares: a page of the outbox is one
    // query for its alerts and one for their shares, however many areas each alert went to.
    { name: 'sent', partitionKey: 'sentPk', sortKey: 'sentSk', include: LISTED_ATTRIBUTES },
    // The outbox as it is read now: a sending area's alerts, newest first, each row carrying every share's
    // summary (`listedShares`), and beside them only the rows of shares changed since the outbox fold last
    // ran (a share holds `summaryPk` from its change until the fold has copied it into its alert's row). A
    // page is one query for its alerts and one, beside it, for the few changed shares, however many areas
    // each alert went to. Supersedes `sent`, which stays for one release (see `inbox` and `outbox` above).
    {
      name: 'sentSummaries',
      partitionKey: 'summaryPk',
      sortKey: 'summarySk',
      include: [...LISTED_ATTRIBUTES, 'listedShares', 'listedVersion'],
    },
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
