/**
 * The ladder on a local hub with a controllable clock: the same sweep function EventBridge Scheduler runs
 * every minute, run here by hand at chosen times; messages counted in the mail outbox, each exactly once.
 */

import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShareLadder, StoredShare } from '../../functions/core/alerts/ports.js';
import { WORKERS } from '../../functions/routes.js';
import { alertRepository } from '../../functions/shared/wiring.js';
import { FixedClock } from '../support/fakes.js';
import { sampleAlert, sampleMeeting, startTestHub, type TestHub } from '../support/hub.js';

// Tuesday 1 December 2026, 10:00 London (GMT): a working day.
const START = '2026-12-01T10:00:00.000Z';
const clock = new FixedClock(new Date(START));
let hub: TestHub;
let police: string;
let coordinator: string;

beforeAll(async () => {
  hub = await startTestHub({ clock });
  police = await hub.token('northumberland', 'police');
  coordinator = await hub.token('north-tyneside', 'coordinator');
});
afterAll(async () => hub?.stop());

/** Runs the sweep as its schedule would, then waits for the sender to send what it recorded. */
async function sweep(): Promise<void> {
  await hub.runJob('ladder-sweep');
  await hub.drainNotifications();
  await hub.drainAudit();
}

const messagesAbout = (reference: string) =>
  hub.mailOutbox
    .list()
    .filter((message) => message.body.includes(reference))
    .map((message) => `${message.template} ${message.to}`)
    .reverse();

async function send(level: string, to = ['north-tyneside']): Promise<{ alertId: string; reference: string }> {
  const created = await hub.call('POST', '/v1/alerts', {
    token: police,
    body: sampleAlert(to, { risk: { level, exploitation: ['CCE'], summary: 'Synthetic summary' } }),
  });
  expect(created.status).toBe(201);
  return { alertId: created.json.alertId, reference: `A-${created.json.alertId.slice(0, 8).toUpperCase()}` };
}

describe('a SIGNIFICANT alert left alone', () => {
  let alert: { alertId: string; reference: string };

  it('is told to the receiving MSET mailbox at once', async () => {
    // Act
    clock.set(START);
    alert = await send('SIGNIFICANT');
    await sweep();
    await sweep();

    // Assess
    expect(messagesAbout(alert.reference)).toEqual(['ALERT_SHARED mset@north-tyneside.example.gov.uk']);
  });

  it('sends nothing more before three hours, and the reminder once at three hours', async () => {
    // Act
    clock.set('2026-12-01T12:59:00.000Z');
    await sweep();
    const before = messagesAbout(alert.reference).length;
    clock.set('2026-12-01T13:00:00.000Z');
    await sweep();
    await sweep();

    // Assess
    expect(before).toBe(1);
    expect(messagesAbout(alert.reference)).toEqual([
      'ALERT_SHARED mset@north-tyneside.example.gov.uk',
      'ALERT_REMINDER mset@north-tyneside.example.gov.uk',
    ]);
  });

  it('escalates at four hours to the duty manager and the sending mailbox, once, and then stops', async () => {
    // Act
    clock.set('2026-12-01T14:00:00.000Z');
    await Promise.all([sweep(), sweep()]);
    clock.set('2026-12-02T14:00:00.000Z');
    await sweep();

    // Assess
    expect(messagesAbout(alert.reference)).toEqual([
      'ALERT_SHARED mset@north-tyneside.example.gov.uk',
      'ALERT_REMINDER mset@north-tyneside.example.gov.uk',
      'ALERT_OVERDUE_DUTY_MANAGER duty-manager@north-tyneside.example.gov.uk',
      'ALERT_OVERDUE_SENDER mset@northumberland.example.gov.uk',
    ]);
  });

  it('shows each step, once, in the share record for both sides, and on the access history with the system as actor', async () => {
    // Act
    const sender = await hub.call('GET', `/v1/alerts/${alert.alertId}`, { token: police });
    const recipient = await hub.call('GET', `/v1/alerts/${alert.alertId}`, { token: coordinator });
    const history = await hub.call('GET', `/v1/alerts/${alert.alertId}/audit`, { token: police });

    // Assess
    for (const view of [sender, recipient]) {
      expect(view.json.shares[0].notifications.steps.map((step: any) => `${step.step} ${step.at}`)).toEqual([
        'SHARED 2026-12-01T10:00:00.000Z',
        'REMINDER 2026-12-01T13:00:00.000Z',
        'OVERDUE 2026-12-01T14:00:00.000Z',
      ]);
    }
    const steps = history.json.items.filter((item: any) => item.action === 'ALERT_NOTIFY');
    expect(steps.map((item: any) => `${item.actor.sub} ${item.detail.step}`).sort()).toEqual([
      'system OVERDUE',
      'system REMINDER',
      'system SHARED',
    ]);
  });
});

describe('a SIGNIFICANT alert acknowledged half way', () => {
  it('gets no reminder or escalation after the acknowledgement, and the sender is told of it once', async () => {
    // Prepare
    clock.set('2026-12-03T10:00:00.000Z');
    const alert = await send('SIGNIFICANT');
    await sweep();

    // Act
    clock.set('2026-12-03T12:00:00.000Z');
    const ack = await hub.call('POST', `/v1/alerts/${alert.alertId}/acknowledgements`, {
      token: coordinator,
      body: { outcome: 'ACCEPTED' },
    });
    await sweep();
    for (const at of ['2026-12-03T13:00:00.000Z', '2026-12-03T14:00:00.000Z', '2026-12-04T14:00:00.000Z']) {
      clock.set(at);
      await sweep();
    }

    // Assess
    expect(ack.status).toBe(201);
    expect(messagesAbout(alert.reference)).toEqual([
      'ALERT_SHARED mset@north-tyneside.example.gov.uk',
      'ALERT_ACKNOWLEDGED mset@northumberland.example.gov.uk',
    ]);
  });
});

describe('an out-of-hours escalation of a SIGNIFICANT alert', () => {
  it('tells the sender to telephone the receiving area’s out-of-hours number', async () => {
    // Prepare: sent at 20:00, due at midnight
    clock.set('2026-12-07T20:00:00.000Z');
    const alert = await send('SIGNIFICANT');
    await sweep();

    // Act
    clock.set('2026-12-08T00:00:00.000Z');
    await sweep();

    // Assess
    const toSender = hub.mailOutbox.list().find((m) => m.body.includes(alert.reference) && m.template === 'ALERT_OVERDUE_SENDER');
    expect(toSender?.body).toContain('telephone its out-of-hours team now on 0191 498 0002');
  });
});

describe('MODERATE and EMERGING alerts', () => {
  it('wait for working hours across a weekend: Friday 16:00 sent, reminder Monday 14:00, overdue Monday 16:00', async () => {
    // Prepare: Friday 4 December 2026, 16:00
    clock.set('2026-12-04T16:00:00.000Z');
    const alert = await send('MODERATE');
    await sweep();

    // Act and assess: nothing over the weekend
    clock.set('2026-12-05T12:00:00.000Z');
    await sweep();
    clock.set('2026-12-07T13:59:00.000Z');
    await sweep();
    expect(messagesAbout(alert.reference)).toEqual(['ALERT_SHARED mset@north-tyneside.example.gov.uk']);
    clock.set('2026-12-07T14:00:00.000Z');
    await sweep();
    clock.set('2026-12-07T16:00:00.000Z');
    await sweep();
    expect(messagesAbout(alert.reference)).toEqual([
      'ALERT_SHARED mset@north-tyneside.example.gov.uk',
      'ALERT_REMINDER mset@north-tyneside.example.gov.uk',
      'ALERT_OVERDUE_DUTY_MANAGER duty-manager@north-tyneside.example.gov.uk',
      'ALERT_OVERDUE_SENDER mset@northumberland.example.gov.uk',
    ]);
  });

  it('sent at night on Christmas Eve, are told on the next working day after the bank holidays', async () => {
    // Prepare: Thursday 24 December 2026, 22:00; 25th and 28th are bank holidays
    clock.set('2026-12-24T22:00:00.000Z');
    const alert = await send('EMERGING');

    // Act
    for (const at of ['2026-12-24T22:01:00.000Z', '2026-12-25T10:00:00.000Z', '2026-12-28T10:00:00.000Z']) {
      clock.set(at);
      await sweep();
    }
    const overHolidays = messagesAbout(alert.reference).length;
    clock.set('2026-12-29T09:00:00.000Z');
    await sweep();

    // Assess
    expect(overHolidays).toBe(0);
    expect(messagesAbout(alert.reference)).toEqual(['ALERT_SHARED mset@north-tyneside.example.gov.uk']);
  });
});

describe('meetings', () => {
  it('tell the invited areas of a request, the requester of each answer, the attending areas of the time, once each', async () => {
    // Prepare
    clock.set('2026-12-09T10:00:00.000Z');
    const chair = await hub.token('northumberland', 'chair');
    const newcastle = await hub.token('newcastle', 'coordinator');
    const requested = await hub.call('POST', '/v1/meetings', {
      token: chair,
      body: sampleMeeting(['north-tyneside', 'newcastle'], { proposedSlots: [{ start: '2026-12-09T11:00:00.000Z', durationMinutes: 60 }] }),
    });
    const meetingId: string = requested.json.meetingId;
    const reference = `M-${meetingId.slice(0, 8).toUpperCase()}`;

    // Act
    await sweep();
    await hub.call('POST', `/v1/meetings/${meetingId}/responses`, { token: coordinator, body: { response: 'ACCEPT', slotId: 'slot-1' } });
    await hub.call('POST', `/v1/meetings/${meetingId}/responses`, { token: newcastle, body: { response: 'DECLINE', reason: 'Not known' } });
    await sweep();
    await hub.call('POST', `/v1/meetings/${meetingId}/schedule`, { token: chair, body: { slotId: 'slot-1' } });
    await Promise.all([sweep(), sweep()]);

    // Assess
    expect(messagesAbout(reference)).toEqual([
      'MEETING_REQUESTED mset@north-tyneside.example.gov.uk',
      'MEETING_REQUESTED mset@newcastle.example.gov.uk',
      'MEETING_ANSWERED mset@northumberland.example.gov.uk',
      'MEETING_ANSWERED mset@northumberland.example.gov.uk',
      'MEETING_SCHEDULED mset@north-tyneside.example.gov.uk',
    ]);

    // Act: held, with an action for North Tyneside due on Friday 18 December
    clock.set('2026-12-09T12:30:00.000Z');
    const recorded = await hub.call('POST', `/v1/meetings/${meetingId}/record`, {
      token: chair,
      body: {
        attendance: [{ area: 'north-tyneside', agency: 'childrens-services' }],
        decisions: 'Synthetic decisions',
        reviewDate: '2027-01-15',
        actions: [{ description: 'Synthetic action', ownerArea: 'north-tyneside', ownerAgency: 'childrens-services', dueBy: '2026-12-18' }],
      },
    });
    for (const at of ['2026-12-16T09:00:00.000Z', '2026-12-17T09:00:00.000Z', '2026-12-18T09:00:00.000Z', '2026-12-21T09:00:00.000Z']) {
      clock.set(at);
      await sweep();
    }

    // Assess: due tomorrow on Thursday, overdue on Monday, each once
    expect(recorded.status).toBe(201);
    const reminders = hub.mailOutbox
      .list()
      .filter((m) => m.body.includes(reference) && m.template.startsWith('ACTION_'))
      .map((m) => `${m.template} ${m.to} ${m.sentAt}`)
      .reverse();
    expect(reminders).toEqual([
      'ACTION_DUE mset@north-tyneside.example.gov.uk 2026-12-17T09:00:00.000Z',
      'ACTION_OVERDUE mset@north-tyneside.example.gov.uk 2026-12-21T09:00:00.000Z',
    ]);
  });
});

describe('sweeps at the same time', () => {
  it('take each step once: five sweeps over twenty alerts to two areas send forty messages and record forty steps', async () => {
    // Prepare
    clock.set('2026-12-10T02:00:00.000Z');
    const alerts = await Promise.all(Array.from({ length: 20 }, () => send('SIGNIFICANT', ['north-tyneside', 'newcastle'])));
    const mine = new Set(alerts.map((alert) => alert.reference));

    // Act: the sweep's Lambda handler five times at once (the hub's own timer never overlaps runs; AWS may)
    const sweepFunction = (await WORKERS['ladder-sweep'].load()).wire(hub.environment);
    const runs = await Promise.all(Array.from({ length: 5 }, () => sweepFunction({}, lambdaContext())));
    await hub.drainNotifications();
    await hub.drainAudit();

    // Assess
    const sent = hub.mailOutbox.list().filter((message) => mine.has(message.body.match(/A-[0-9A-F]{8}/)?.[0] ?? ''));
    expect(sent).toHaveLength(40);
    expect(new Set(sent.map((message) => `${message.reference}`)).size).toBe(40);
    const taken = (runs as Array<{ stepsTaken: number }>).reduce((sum, run) => sum + run.stepsTaken, 0);
    expect(taken).toBe(40);
    for (const alert of alerts.slice(0, 3)) {
      const history = await hub.call('GET', `/v1/alerts/${alert.alertId}/audit`, { token: police });
      expect(history.json.items.filter((item: any) => item.action === 'ALERT_NOTIFY')).toHaveLength(2);
    }
  });
});

describe('a step cut off part-way', () => {
  it('is withdrawn, not shown as sent, when the alert was acknowledged before the next run', async () => {
    // Prepare: an escalation claimed (TAKING) by a run that then died, and the alert acknowledged after
    clock.set('2026-12-21T10:00:00.000Z');
    const { alertId, reference } = await send('SIGNIFICANT');
    await sweep();
    clock.set('2026-12-21T14:00:00.000Z');
    const alerts = alertRepository(hub.environment);
    const share = (await alerts.getShare(alertId, 'north-tyneside')) as StoredShare;
    const ladder = share.ladder as ShareLadder;
    const cutOff: ShareLadder = {
      version: ladder.version + 1,
      steps: [
        ...ladder.steps,
        { step: 'OVERDUE', at: '2026-12-21T14:00:00.000Z', to: ['DUTY_MANAGER', 'SENDING_MSET_MAILBOX'], state: 'TAKING' },
      ],
      dueAt: '2026-12-21T14:00:00.000Z',
    };
    expect(await alerts.updateLadder(share, cutOff)).toBe('SAVED');
    await hub.call('POST', `/v1/alerts/${alertId}/acknowledgements`, { token: coordinator, body: { outcome: 'ACCEPTED' } });

    // Act
    await sweep();

    // Assess: no escalation went, none is recorded as taken, and the acknowledgement went to the sender
    expect(messagesAbout(reference)).toEqual([
      'ALERT_SHARED mset@north-tyneside.example.gov.uk',
      'ALERT_ACKNOWLEDGED mset@northumberland.example.gov.uk',
    ]);
    const steps = ((await alerts.getShare(alertId, 'north-tyneside'))?.ladder?.steps ?? []).map((step) => `${step.step}:${step.state}`);
    expect(steps).toEqual(['SHARED:TAKEN', 'ACKNOWLEDGED:TAKEN']);
  });
});

describe('the person who sent the alert', () => {
  it('is told too, at their own address when their token gives one, of the escalation and of the acknowledgement', async () => {
    // Prepare: an officer whose identity provider puts an email in the token
    clock.set('2026-12-14T10:00:00.000Z');
    const officer = await hub.identity.mint({
      sub: 'test-officer-with-email',
      area: 'northumberland',
      agency: 'police',
      roles: ['police'],
      email: 'test.officer@northumberland.example.gov.uk',
    });
    const created = await hub.call('POST', '/v1/alerts', {
      token: officer,
      body: sampleAlert(['north-tyneside'], { risk: { level: 'SIGNIFICANT', exploitation: ['CCE'], summary: 'Synthetic summary' } }),
    });
    const reference = `A-${created.json.alertId.slice(0, 8).toUpperCase()}`;

    // Act: left until overdue, then acknowledged
    await sweep();
    clock.set('2026-12-14T14:00:00.000Z');
    await sweep();
    await hub.call('POST', `/v1/alerts/${created.json.alertId}/acknowledgements`, { token: coordinator, body: { outcome: 'ACCEPTED' } });
    await sweep();

    // Assess
    const toThePerson = messagesAbout(reference).filter((message) => message.endsWith('test.officer@northumberland.example.gov.uk'));
    expect(toThePerson).toEqual([
      'ALERT_OVERDUE_SENDER test.officer@northumberland.example.gov.uk',
      'ALERT_ACKNOWLEDGED test.officer@northumberland.example.gov.uk',
    ]);
    // A token with no address (the other tests' officer) still reaches the sending mailbox alone.
    expect(messagesAbout(reference)).toContain('ALERT_OVERDUE_SENDER mset@northumberland.example.gov.uk');
  });
});

function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'mset-hub-ladder-sweep',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-2:000000000000:function:mset-hub-ladder-sweep',
    memoryLimitInMB: '256',
    awsRequestId: crypto.randomUUID(),
    logGroupName: '/aws/lambda/mset-hub-ladder-sweep',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
