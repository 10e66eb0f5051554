/**
 * What the inbox and outbox show of a share and an alert, and in what order. A listing is a summary: the
 * stores read it from indexes that hold only these attributes, so a page never carries a sealed box.
 */
import type { InboxFilter, ListedAlert, ListedShare, StoredAcknowledgement, StoredAlert, StoredShare } from './ports.js';

export function acknowledgementSummary(ack: StoredAcknowledgement): NonNullable<ListedShare['acknowledgement']> {
  return {
    outcome: ack.outcome,
    acknowledgedAt: ack.acknowledgedAt,
    ...(ack.redirectTo === undefined ? {} : { redirectTo: ack.redirectTo }),
  };
}

export function listedShare(share: StoredShare): ListedShare {
  const last = share.ladder?.steps.at(-1);
  return {
    alertId: share.alertId,
    senderArea: share.senderArea,
    recipientArea: share.recipientArea,
    riskLevel: share.riskLevel,
    exploitation: [...share.exploitation],
    createdAt: share.createdAt,
    expiresAt: share.expiresAt,
    status: share.status,
    ackDueBy: share.ackDueBy,
    ...(share.acknowledgement === undefined ? {} : { acknowledgement: acknowledgementSummary(share.acknowledgement) }),
    ...(last === undefined ? {} : { lastStep: { step: last.step, at: last.at } }),
    undelivered: share.deliveryFailures?.length ?? 0,
  };
}

export function listedAlert(alert: StoredAlert, shares: readonly StoredShare[]): ListedAlert {
  return {
    alertId: alert.alertId,
    senderArea: alert.senderArea,
    createdAt: alert.createdAt,
    expiresAt: alert.expiresAt,
    riskLevel: alert.riskLevel,
    exploitation: [...alert.exploitation],
    recipients: [...alert.recipients],
    shares: alert.recipients.flatMap((area) => {
      const share = shares.find((candidate) => candidate.alertId === alert.alertId && candidate.recipientArea === area);
      return share === undefined ? [] : [listedShare(share)];
    }),
  };
}

/**
 * The inbox's order under a filter. Acknowledged shares, and all of them together, newest first. Pending
 * and overdue ones by deadline, the earliest first: the one to act on first at the top, and each filter one
 * key range of an index sorted by deadline (OVERDUE is a pending share whose deadline has passed, so no
 * order by creation could make it a range).
 */
export function inboxOrder(status: InboxFilter['status']): (a: ListedShare, b: ListedShare) => number {
  const newestFirst = (a: ListedShare, b: ListedShare) => compare(`${b.createdAt}#${b.alertId}`, `${a.createdAt}#${a.alertId}`);
  if (status === 'PENDING' || status === 'OVERDUE') {
    return (a, b) => compare(`${a.ackDueBy}#${a.createdAt}#${a.alertId}`, `${b.ackDueBy}#${b.createdAt}#${b.alertId}`);
  }
  return newestFirst;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
