/**
 * How an audit event becomes a FIFO queue message, shared by the SQS adapter and its in-process twin so
 * both order and deduplicate the same way.
 */
import { createHash } from 'node:crypto';
import { AuditEvent } from '../../contracts/audit.js';
import { InvalidAuditEventError } from './errors.js';

export type AuditMessage = { readonly body: string; readonly groupId: string; readonly dedupId: string };

/** SQS's rule for group and deduplication ids: 1-128 printable ASCII characters. */
const QUEUE_ID = /^[\x21-\x7e]{1,128}$/;

export function toAuditMessage(event: AuditEvent): AuditMessage {
  const parsed = AuditEvent.safeParse(event);
  if (!parsed.success) {
    throw new InvalidAuditEventError(parsed.error.issues.map((issue) => issue.path.map(String).join('.')));
  }
  const value = parsed.data;
  // Per-alert order is what readers of an access history rely on; events without an alert are grouped by
  // actor, which keeps one person's trail in order while spreading the rest across groups.
  const group = value.resource ? value.resource.id : `${value.actor.area ?? 'no-area'}/${value.actor.sub}`;
  return { body: JSON.stringify(value), groupId: queueId(group), dedupId: value.eventId };
}

/** Subjects and resource ids may hold characters SQS refuses; a digest keeps the grouping and the order. */
function queueId(value: string): string {
  if (QUEUE_ID.test(value)) return value;
  return `sha256:${createHash('sha256').update(value, 'utf8').digest('hex')}`;
}
