/**
 * Issue 12's "done when", as one story on a local hub with a movable clock and a fake GOV.UK Notify:
 * Northumberland police alert North Tyneside, which redirects to Newcastle; police forward to Newcastle in
 * one step; Newcastle acknowledges; police revoke North Tyneside's share, after which North Tyneside is
 * answered as an area that never held it and no stored byte of its copy remains; Newcastle's share, left
 * to expire, warns the sender at 30 and 7 days and is destroyed at its end.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATE_NAMES, type TemplateName } from '../../contracts/notifications.js';
import { NotifyNotifier } from '../../functions/adapters/notify/notify-notifier.js';
import { alertRepository, documentClient } from '../../functions/shared/wiring.js';
import { FAKE_API_KEY, type FakeNotify, startFakeNotify } from '../support/fake-notify.js';
import { FixedClock } from '../support/fakes.js';
import { sampleAlert, startTestHub, type TestHub } from '../support/hub.js';

const TEMPLATE_IDS = Object.fromEntries(
  TEMPLATE_NAMES.map((name, i) => [name, `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`]),
) as Record<TemplateName, string>;
const templateOf = (id: string) => TEMPLATE_NAMES.find((name) => TEMPLATE_IDS[name] === id);

// Tuesday 1 December 2026, 10:00 London: a working day.
const START = '2026-12-01T10:00:00.000Z';
const EXPIRES = '2027-03-01T10:00:00.000Z';
const DAY = 24 * 60 * 60 * 1000;
const daysBeforeEnd = (days: number) => new Date(Date.parse(EXPIRES) - days * DAY).toISOString();

const clock = new FixedClock(new Date(START));
let hub: TestHub;
let notify: FakeNotify;
let police: string;
let northTyneside: string;
let newcastle: string;
let alertId: string;

beforeAll(async () => {
  notify = await startFakeNotify();
  const notifier = new NotifyNotifier({ apiKey: async () => FAKE_API_KEY, templateIds: TEMPLATE_IDS, baseUrl: notify.url });
  hub = await startTestHub({ clock, notifier });
  police = await hub.token('northumberland', 'police');
  northTyneside = await hub.token('north-tyneside', 'coordinator');
  newcastle = await hub.token('newcastle', 'coordinator');
});
afterAll(async () => {
  await hub?.stop();
  await notify?.close();
});

async function sweep(): Promise<void> {
  await hub.runJob('ladder-sweep');
  await hub.drainNotifications();
  await hub.drainAudit();
}

const sentTo = (template: TemplateName) =>
  notify.sent.filter((message) => templateOf(message.templateId) === template && message.personalisation['reference'] === reference());
const reference = () => `A-${alertId.slice(0, 8).toUpperCase()}`;

async function alertItems(): Promise<Record<string, unknown>[]> {
  const scanned = await documentClient(hub.environment).send(new ScanCommand({ TableName: hub.environment.config.tables.alerts }));
  return (scanned.Items ?? []).filter((item) => String(item['pk']) === `ALERT#${alertId}`);
}

describe('a share’s whole life', () => {
  let northTynesideCopy: string[];

  it('North Tyneside redirects the alert to Newcastle', async () => {
    const created = await hub.call('POST', '/v1/alerts', {
      token: police,
      body: sampleAlert(['north-tyneside'], {
        sharing: {
          purpose: 'Child known to MSET is moving area',
          lawfulBasis: 'DPA2018_PART3_SCH8_PARA4',
          consent: { status: 'NOT_SOUGHT', reason: 'Seeking consent would increase risk' },
          handling: { code: 'C', conditions: 'Not to be shared with the family' },
          expiresAt: EXPIRES,
        },
      }),
    });
    expect(created.status).toBe(201);
    alertId = created.json.alertId;
    const redirected = await hub.call('POST', `/v1/alerts/${alertId}/acknowledgements`, {
      token: northTyneside,
      body: { outcome: 'REDIRECTED', redirectTo: 'newcastle', note: 'Family moved on to Newcastle' },
    });
    expect(redirected.status).toBe(201);
  });

  it('police forward it to Newcastle in one step, and Newcastle sees where it came from, under the same terms', async () => {
    // Act
    const forwarded = await hub.call('POST', `/v1/alerts/${alertId}/forwards`, {
      token: police,
      body: {
        area: 'newcastle',
        scopes: ['IDENTITY', 'MOVEMENT', 'RISK'],
        reason: 'North Tyneside redirected: the family is in Newcastle',
      },
    });
    const view = await hub.call('GET', `/v1/alerts/${alertId}`, { token: newcastle });

    // Assess
    expect(forwarded.status).toBe(201);
    expect(forwarded.json).toMatchObject({
      fromArea: 'northumberland',
      toArea: 'newcastle',
      status: 'SHARED',
      share: { area: 'newcastle' },
    });
    expect(view.status).toBe(200);
    expect(view.json.child.name.family).toBe('Child-Alpha');
    expect(view.json.contacts).toBeUndefined();
    expect(view.json.shares).toHaveLength(1);
    expect(view.json.shares[0]).toMatchObject({
      area: 'newcastle',
      origin: { fromArea: 'northumberland', reason: 'North Tyneside redirected: the family is in Newcastle' },
      sharing: { handling: { code: 'C', conditions: 'Not to be shared with the family', onwardSharing: 'PERMITTED' }, expiresAt: EXPIRES },
    });
    expect(view.json.custody).toEqual([]);
  });

  it('Newcastle acknowledges it', async () => {
    const ack = await hub.call('POST', `/v1/alerts/${alertId}/acknowledgements`, { token: newcastle, body: { outcome: 'ACCEPTED' } });
    expect(ack.status).toBe(201);
  });

  it('police revoke North Tyneside’s share: it ends at once, North Tyneside is told without content', async () => {
    // Prepare: what North Tyneside's copy is made of, as stored
    const stored = await alertRepository(hub.environment).getShare(alertId, 'north-tyneside');
    const copy = stored?.copy;
    expect(copy).toBeDefined();
    northTynesideCopy = [copy?.key ?? '', ...Object.values(copy?.parts ?? {}).flatMap((part) => [part.ct, part.iv, part.tag])];

    // Act
    const revoked = await hub.call('POST', `/v1/alerts/${alertId}/shares/north-tyneside/revoke`, {
      token: police,
      body: { reason: 'Shared in error: the family never lived in North Tyneside' },
    });
    await hub.drainNotifications();
    await hub.drainAudit();

    // Assess
    expect(revoked.status).toBe(200);
    expect(revoked.json).toMatchObject({ alertId, area: 'north-tyneside', ended: ['north-tyneside'] });
    const told = sentTo('SHARE_REVOKED');
    expect(told.map((message) => message.to)).toEqual(['mset@north-tyneside.example.gov.uk']);
    expect(JSON.stringify(told)).not.toContain('Child-Alpha');
    expect(JSON.stringify(told)).not.toContain('Shared in error');
  });

  it('from then North Tyneside gets 404 everywhere, exactly as an area that never held it', async () => {
    const outsider = await hub.token('gateshead', 'coordinator');
    for (const token of [northTyneside, outsider]) {
      const answers = await Promise.all([
        hub.call('GET', `/v1/alerts/${alertId}`, { token }),
        hub.call('POST', `/v1/alerts/${alertId}/acknowledgements`, { token, body: { outcome: 'ACCEPTED' } }),
        hub.call('POST', `/v1/alerts/${alertId}/forwards`, { token, body: { area: 'sunderland', scopes: ['RISK'], reason: 'x' } }),
        hub.call('GET', `/v1/alerts/${alertId}/audit`, { token }),
      ]);
      expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404, 404]);
      const inbox = await hub.call('GET', '/v1/alerts?box=inbox', { token });
      expect(inbox.json.items.map((item: { alertId: string }) => item.alertId)).not.toContain(alertId);
    }
  });

  it('and no stored byte of North Tyneside’s copy remains: the share keeps its metadata only', async () => {
    const items = await alertItems();
    const stored = JSON.stringify(items);
    for (const fragment of northTynesideCopy) expect(stored).not.toContain(fragment);
    const share = items.find((item) => item['sk'] === 'SHARE#north-tyneside');
    expect(share?.['copy']).toBeUndefined();
    expect(share?.['ended']).toMatchObject({ reason: 'REVOKED', by: { area: 'northumberland' } });
    expect(share?.['inboxPk']).toBeUndefined();
  });

  it('the sending area still sees the whole record: the revoked share, why, and the chain of custody', async () => {
    const view = await hub.call('GET', `/v1/alerts/${alertId}`, { token: police });
    const history = await hub.call('GET', `/v1/alerts/${alertId}/audit`, { token: police });

    expect(view.status).toBe(200);
    const byArea = Object.fromEntries(view.json.shares.map((share: { area: string }) => [share.area, share]));
    expect(byArea['north-tyneside'].ended).toMatchObject({
      reason: 'REVOKED',
      note: 'Shared in error: the family never lived in North Tyneside',
      by: { area: 'northumberland' },
    });
    expect(byArea['north-tyneside'].expiry.warning).toBe('ENDED');
    expect(byArea['newcastle'].status).toBe('ACKNOWLEDGED');
    expect(view.json.custody).toEqual([
      expect.objectContaining({
        fromArea: 'northumberland',
        toArea: 'newcastle',
        scopes: ['IDENTITY', 'MOVEMENT', 'RISK'],
        reason: 'North Tyneside redirected: the family is in Newcastle',
        status: 'SHARED',
      }),
    ]);
    const actions = history.json.items.map((item: { action: string; actor: { area?: string } }) => `${item.action} ${item.actor.area}`);
    expect(actions).toEqual(expect.arrayContaining(['ALERT_FORWARD northumberland', 'ALERT_SHARE_REVOKE northumberland']));
    expect(actions).toEqual(expect.arrayContaining(['ALERT_VIEW north-tyneside', 'ALERT_ACKNOWLEDGE north-tyneside']));
  });

  it('Newcastle’s share, left to expire, warns the sender at 30 days and at 7 days, once each', async () => {
    // Act
    clock.set(daysBeforeEnd(31));
    await sweep();
    const at31 = sentTo('SHARE_EXPIRING').length;
    clock.set(daysBeforeEnd(30));
    await sweep();
    await sweep();
    clock.set(daysBeforeEnd(8));
    await sweep();
    const at8 = sentTo('SHARE_EXPIRING').length;
    clock.set(daysBeforeEnd(7));
    await sweep();
    await sweep();
    const view = await hub.call('GET', `/v1/alerts/${alertId}`, { token: police });

    // Assess
    expect(at31).toBe(0);
    expect(at8).toBe(1);
    expect(sentTo('SHARE_EXPIRING').map((message) => message.to)).toEqual([
      'mset@northumberland.example.gov.uk',
      'mset@northumberland.example.gov.uk',
    ]);
    const newcastleShare = view.json.shares.find((share: { area: string }) => share.area === 'newcastle');
    expect(newcastleShare.expiry).toMatchObject({
      expiresAt: EXPIRES,
      warning: 'DUE_IN_7_DAYS',
      warned: [
        { daysBefore: 30, at: daysBeforeEnd(30) },
        { daysBefore: 7, at: daysBeforeEnd(7) },
      ],
    });
  });

  it('is destroyed at its end: Newcastle gets 404, its copy and the sender’s are gone, the history stays', async () => {
    // Prepare
    const copy = (await alertRepository(hub.environment).getShare(alertId, 'newcastle'))?.copy;
    const fragments = [copy?.key ?? '', ...Object.values(copy?.parts ?? {}).map((part) => part.ct)];

    // Act
    clock.set(EXPIRES);
    await sweep();
    await sweep();
    const view = await hub.call('GET', `/v1/alerts/${alertId}`, { token: newcastle });
    const history = await hub.call('GET', `/v1/alerts/${alertId}/audit`, { token: police });

    // Assess
    expect(view.status).toBe(404);
    const items = await alertItems();
    const stored = JSON.stringify(items);
    for (const fragment of fragments) expect(stored).not.toContain(fragment);
    expect(items.find((item) => item['sk'] === 'SHARE#newcastle')?.['ended']).toMatchObject({ reason: 'EXPIRED', at: EXPIRES });
    expect(items.find((item) => item['sk'] === 'ALERT')?.['senderCopy']).toBeUndefined();
    expect(history.status).toBe(200);
    const expiries = history.json.items.filter((item: { action: string }) => item.action === 'ALERT_SHARE_EXPIRE');
    expect(expiries.map((item: { actor: { sub: string }; detail: { area: string } }) => `${item.actor.sub} ${item.detail.area}`)).toEqual([
      'system newcastle',
    ]);
  });
});
