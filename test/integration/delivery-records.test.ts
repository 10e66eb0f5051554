/**
 * The sender's record of each intent on dynalite, with the core's delivery: a try whose answer was lost
 * after the provider took the message (a time-out) must not lead to the message being sent again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationIntent } from '../../contracts/notifications.js';
import { DynamoDeliveryRecords } from '../../functions/adapters/dynamodb/delivery-records.js';
import type { TableNames } from '../../functions/adapters/dynamodb/tables.js';
import { deliverNotification } from '../../functions/core/notifications/deliver.js';
import { NotifierUnavailableError } from '../../functions/core/notifications/errors.js';
import type { Notifier, OutgoingEmail } from '../../functions/core/notifications/ports.js';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.js';
import { FixedClock } from '../support/fakes.js';

const NAMES: TableNames = {
  alerts: 'd-alerts',
  audit: 'd-audit',
  idempotency: 'd-idempotency',
  meetings: 'd-meetings',
  notifications: 'd-notifications',
};

let dynamo: TestDynamo;
const clock = new FixedClock(new Date('2026-11-30T10:00:00Z'));

beforeAll(async () => {
  dynamo = await startTestDynamo('mset-deliveries-it-', NAMES);
});
afterAll(async () => {
  await dynamo.stop();
});

/** A provider that takes every message, but whose answer to the first send is lost (a time-out). */
class LosesFirstAnswer implements Notifier {
  readonly sent: Array<{ id: string; reference: string }> = [];
  async sendEmail(email: OutgoingEmail): Promise<{ id: string }> {
    const id = `notify-${this.sent.length + 1}`;
    this.sent.push({ id, reference: email.reference });
    if (this.sent.length === 1) throw new NotifierUnavailableError(undefined);
    return { id };
  }
  async findSent(reference: string): Promise<string | undefined> {
    return this.sent.find((message) => message.reference === reference)?.id;
  }
}

const intent = {
  intentId: '11111111-2222-4333-8444-555555555555',
  template: 'MEETING_REQUESTED',
  to: 'mset@north-tyneside.example.gov.uk',
  recipient: 'MSET_MAILBOX',
  recipientArea: 'north-tyneside',
  subject: { type: 'meeting', meetingId: '66666666-7777-4888-8999-000000000000' },
  personalisation: {},
  path: '/meetings/66666666-7777-4888-8999-000000000000',
  recordedAt: '2026-11-30T10:00:00.000Z',
} as unknown as NotificationIntent;

describe('delivering an intent whose first answer was lost', () => {
  it('asks the provider by reference on the retry, and sends nothing twice', async () => {
    const notifier = new LosesFirstAnswer();
    const deps = {
      notifier,
      deliveries: new DynamoDeliveryRecords(dynamo.client, NAMES.notifications as string),
      alerts: { getShare: async () => undefined, recordDeliveryFailure: async () => undefined },
      meetings: { get: async () => undefined, recordDeliveryFailure: async () => undefined },
      clock,
      consoleUrl: () => 'http://localhost:3000',
    } as unknown as Parameters<typeof deliverNotification>[0];

    const first = await deliverNotification(deps, intent, { finalAttempt: false });
    clock.advance(30_000);
    const second = await deliverNotification(deps, intent, { finalAttempt: false });
    const third = await deliverNotification(deps, intent, { finalAttempt: false });

    expect([first, second, third]).toEqual(['RETRY', 'DONE_BEFORE', 'DONE_BEFORE']);
    expect(notifier.sent).toHaveLength(1);
  });
});
