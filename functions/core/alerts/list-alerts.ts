/**
 * An area's inbox (shares it received) or outbox (alerts it sent), newest first (the inbox's PENDING and
 * OVERDUE filters by deadline, the earliest first: ./listing.ts). A listing is a summary: ids, areas, risk
 * level, exploitation types, dates and statuses; never child identity, so it needs no decryption at all,
 * and the stores read it from indexes that hold nothing sealed.
 */
import type { AlertList, AlertSummary, ListAlertsQuery } from '../../../contracts/alerts.js';
import type { RequestContext } from '../audit.js';
import type { AlertDeps } from './deps.js';
import { expiryWarningOf } from './ladder.js';
import { hasRight } from './permissions.js';
import type { ListedShare } from './ports.js';
import { deriveStatus } from './status.js';

export async function listAlerts(
  deps: Pick<AlertDeps, 'alerts' | 'audit' | 'clock'>,
  context: RequestContext,
  query: ListAlertsQuery,
): Promise<AlertList> {
  const { caller } = context;
  if (!hasRight(caller, 'read')) {
    return deps.audit.forbidden(context, 'ALERT_LIST', 'Your role may not list alerts');
  }
  const now = deps.clock.now().toISOString();
  const list = query.box === 'inbox' ? await inbox(deps, caller.area, query, now) : await outbox(deps, caller.area, query, now);
  await deps.audit.record(context, 'ALERT_LIST', 'SUCCESS', {
    detail: { box: query.box, status: query.status ?? 'ALL', count: list.items.length },
  });
  return list;
}

async function inbox(deps: Pick<AlertDeps, 'alerts'>, area: string, query: ListAlertsQuery, now: string): Promise<AlertList> {
  const page = await deps.alerts.listInbox(
    area,
    { now, ...(query.status === undefined ? {} : { status: query.status }) },
    query.limit,
    query.cursor,
  );
  return {
    // A recipient learns only of its own share, not who else was told.
    items: page.items.map((share) => summary(share, [share], now)),
    ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
  };
}

/**
 * The sender's alerts with every share's status, as one read of the outbox gives them. A status filter
 * keeps alerts with at least one share in that status; it applies to the page read, so a page may hold
 * fewer than `limit` items.
 */
async function outbox(deps: Pick<AlertDeps, 'alerts'>, area: string, query: ListAlertsQuery, now: string): Promise<AlertList> {
  const page = await deps.alerts.listOutbox(area, now, query.limit, query.cursor);
  const items = page.items
    .map((alert) => summary(alert, alert.shares, now))
    .filter((item) => query.status === undefined || item.shares.some((share) => share.status === query.status));
  return { items, ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) };
}

function summary(
  source: Pick<ListedShare, 'alertId' | 'senderArea' | 'riskLevel' | 'exploitation' | 'createdAt'>,
  shares: readonly ListedShare[],
  now: string,
): AlertSummary {
  const at = new Date(now);
  const shareSummaries = shares.map((share) => ({
    area: share.recipientArea,
    status: deriveStatus(share, now),
    ackDueBy: share.ackDueBy,
    ...(share.acknowledgement === undefined ? {} : { outcome: share.acknowledgement.outcome }),
    ...(share.acknowledgement?.redirectTo === undefined ? {} : { redirectTo: share.acknowledgement.redirectTo }),
    ...(share.lastStep === undefined ? {} : { lastStep: share.lastStep }),
    undelivered: share.undelivered,
    ...(share.ended === undefined ? {} : { ended: share.ended }),
    expiresAt: share.expiresAt,
    expiryWarning: expiryWarningOf(share, at, now),
  }));
  const dueDates = shares.map((share) => share.ackDueBy).sort();
  return {
    alertId: source.alertId,
    fromArea: source.senderArea,
    toAreas: shares.map((share) => share.recipientArea),
    riskLevel: source.riskLevel,
    exploitation: [...source.exploitation],
    createdAt: source.createdAt,
    ackDueBy: dueDates[0] ?? source.createdAt,
    shares: shareSummaries,
  };
}
