/**
 * Delivery through the notifications queue: the local hub's journaled queue feeds the same sender function
 * Lambda runs, which sends with the real GOV.UK Notify client to a fake Notify on 127.0.0.1. Each intent is
 * sent once however often it is recorded or delivered; what Notify refuses for good is kept on the share;
 * what it cannot take now is retried with a backoff, and dead-lettered (and kept as undelivered) after the
 * last try. Counts, never timings.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NotificationIntent, TEMPLATE_NAMES, type TemplateName } from '../../contracts/notifications.js';
import { NotifyNotifier } from '../../functions/adapters/notify/notify-notifier.js';
import { NOTIFICATION_MAX_RECEIVES } from '../../functions/adapters/queue-notifications.js';
import { alertRepository, deliveryRecords, notificationQueue } from '../../functions/shared/wiring.js';
import { ConsoleClient } from '../support/console-client.js';
import { FAKE_API_KEY, type FakeNotify, startFakeNotify } from '../support/fake-notify.js';
import { sampleAlert, sampleMeeting, startTestHub, type TestHub } from '../support/hub.js';

const TEMPLATE_IDS = Object.fromEntries(
  TEMPLATE_NAMES.map((name, i) => [name, `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`]),
) as Record<TemplateName, string>;

let hub: TestHub;
let notify: FakeNotify;
let alertId: string;

beforeAll(async () => {
  notify = await startFakeNotify();
  const notifier = new NotifyNotifier({ apiKey: async () => FAKE_API_KEY, templateIds: TEMPLATE_IDS, baseUrl: notify.url });
  hub = await startTestHub({ notifier, notificationRetrySeconds: 0 });
  const police = await hub.token('northumberland', 'police');
  const created = await hub.call('POST', '/v1/alerts', { token: police, body: sampleAlert(['north-tyneside']) });
  alertId = created.json.alertId;
});

afterAll(async () => {
  await hub?.stop();
  await notify?.close();
});

function intent(to: string, overrides: Partial<NotificationIntent> = {}): NotificationIntent {
  return {
    intentId: randomUUID(),
    template: 'ALERT_REMINDER',
    to,
    recipient: 'MSET_MAILBOX',
    recipientArea: 'north-tyneside',
    subject: { type: 'share', alertId, area: 'north-tyneside' },
    personalisation: {
      from_area: 'Northumberland',
      to_area: 'North Tyneside',
      risk_level: 'MODERATE',
      deadline: '14:30 on Tuesday 1 December',
      reference: 'A-1B2C3D4E',
    },
    path: `/alerts/${alertId}`,
    onlyWhile: 'SHARE_PENDING',
    recordedAt: new Date().toISOString(),
    ...overrides,
  };
}

async function record(...intents: NotificationIntent[]): Promise<void> {
  await notificationQueue(hub.environment).enqueue(intents);
  await hub.drainNotifications();
}

const sentTo = (to: string) => notify.sent.filter((email) => email.to === to);

describe('the notification sender', () => {
  it('sends an intent once, with its id as Notify’s reference and a link to the console page', async () => {
    // Prepare
    const one = intent('once@north-tyneside.example.gov.uk');

    // Act: recorded three times (a retried sweep, two sweeps at once)
    await record(one, one);
    await record(one);

    // Assess
    const sent = sentTo('once@north-tyneside.example.gov.uk');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ reference: one.intentId, templateId: TEMPLATE_IDS.ALERT_REMINDER });
    expect(sent[0]?.personalisation['link']).toBe(`${hub.url.replace('127.0.0.1', 'localhost')}/alerts/${alertId}`);
    expect(hub.notificationQueue.stats().deadLettered).toBe(0);
  });

  it('does not send again a message that left before its sender died (in doubt: Notify is asked by reference)', async () => {
    // Prepare: Notify has the message, and the claim is SENDING with its lease lapsed
    const one = intent('doubt@north-tyneside.example.gov.uk');
    const records = deliveryRecords(hub.environment);
    await records.claim(one.intentId, new Date(Date.now() - 120_000), new Date(Date.now() - 60_000));
    await new NotifyNotifier({ apiKey: async () => FAKE_API_KEY, templateIds: TEMPLATE_IDS, baseUrl: notify.url }).sendEmail({
      template: one.template,
      to: one.to,
      personalisation: one.personalisation,
      reference: one.intentId,
    });

    // Act
    await record(one);

    // Assess
    expect(sentTo('doubt@north-tyneside.example.gov.uk')).toHaveLength(1);
  });

  it('retries a 500 and a 429 with a backoff, and sends once', async () => {
    // Prepare
    notify.script('busy@north-tyneside.example.gov.uk', [500, 429]);
    const before = notify.attempts();

    // Act
    await record(intent('busy@north-tyneside.example.gov.uk'));

    // Assess
    expect(notify.attempts() - before).toBe(3);
    expect(sentTo('busy@north-tyneside.example.gov.uk')).toHaveLength(1);
  });

  it('keeps a message Notify refuses for good on the share, once, and does not try it again', async () => {
    // Prepare
    notify.script('refused@north-tyneside.example.gov.uk', [400, 400, 400]);
    const refused = intent('refused@north-tyneside.example.gov.uk', { template: 'ALERT_SHARED', onlyWhile: undefined });
    const before = notify.attempts();

    // Act
    await record(refused, refused);

    // Assess
    expect(notify.attempts() - before).toBe(1);
    const share = await alertRepository(hub.environment).getShare(alertId, 'north-tyneside');
    expect(share?.deliveryFailures).toEqual([
      expect.objectContaining({ intentId: refused.intentId, template: 'ALERT_SHARED', recipient: 'MSET_MAILBOX', reason: 'REFUSED' }),
    ]);
  });

  it(`dead-letters a message Notify cannot take after ${NOTIFICATION_MAX_RECEIVES} tries, and keeps it as undelivered`, async () => {
    // Prepare
    notify.script('down@north-tyneside.example.gov.uk', Array(NOTIFICATION_MAX_RECEIVES).fill(500));
    const down = intent('down@north-tyneside.example.gov.uk', { template: 'ALERT_SHARED', onlyWhile: undefined });
    const before = notify.attempts();

    // Act
    await record(down);

    // Assess
    expect(notify.attempts() - before).toBe(NOTIFICATION_MAX_RECEIVES);
    expect(hub.notificationQueue.deadLetters().map((body) => JSON.parse(body).intentId)).toEqual([down.intentId]);
    const share = await alertRepository(hub.environment).getShare(alertId, 'north-tyneside');
    expect(share?.deliveryFailures?.map((failure) => `${failure.intentId}:${failure.reason}`)).toContain(`${down.intentId}:UNDELIVERED`);
  });

  it('keeps a message about a meeting that Notify refuses on the meeting, shown to its areas with the number to call', async () => {
    // Prepare
    const chair = await hub.token('northumberland', 'chair');
    const requested = await hub.call('POST', '/v1/meetings', { token: chair, body: sampleMeeting(['north-tyneside']) });
    const meetingId: string = requested.json.meetingId;
    notify.script('meetings@north-tyneside.example.gov.uk', [400]);

    // Act
    await record(
      intent('meetings@north-tyneside.example.gov.uk', {
        template: 'MEETING_REQUESTED',
        subject: { type: 'meeting', meetingId },
        path: `/meetings/${meetingId}`,
        onlyWhile: undefined,
      }),
    );
    const view = await hub.call('GET', `/v1/meetings/${meetingId}`, { token: await hub.token('north-tyneside', 'coordinator') });

    // Assess
    expect(view.json.undelivered).toEqual([
      { at: expect.any(String), template: 'MEETING_REQUESTED', area: 'north-tyneside', reason: 'REFUSED', telephone: '0191 498 0002' },
    ]);
    // ...and the console's meeting page says whom to telephone instead.
    const person = new ConsoleClient(hub.url);
    await person.signIn({ persona: 'CHAIR_NORTHUMBERLAND' });
    const page = await person.get(`/meetings/${meetingId}`);
    expect(page.text).toContain('telephone North Tyneside&#39;s out-of-hours team on 0191 498 0002 instead');
  });

  it('drops a reminder for a share acknowledged since, and dead-letters a body that is not an intent', async () => {
    // Prepare
    const coordinator = await hub.token('north-tyneside', 'coordinator');
    await hub.call('POST', `/v1/alerts/${alertId}/acknowledgements`, { token: coordinator, body: { outcome: 'ACCEPTED' } });

    // Act
    await record(intent('late@north-tyneside.example.gov.uk'));
    await hub.notificationQueue.send({ body: '{"not":"an intent"}' });
    await hub.drainNotifications();

    // Assess
    expect(sentTo('late@north-tyneside.example.gov.uk')).toHaveLength(0);
    expect(hub.notificationQueue.deadLetters()).toContain('{"not":"an intent"}');
  });
});
