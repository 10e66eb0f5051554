/**
 * The console's sessions over HTTP, on the hub's clock: idle and absolute time-outs enforced on the
 * server, sign-out ending the session there, a form sent after a time-out kept for the same person and
 * nobody else, and "Send alert" sent twice creating one alert.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alertFormFields, ConsoleClient, formOf, heading } from '../support/console-client.js';
import { FixedClock } from '../support/fakes.js';
import { sampleAlert, startTestHub, type TestHub } from '../support/hub.js';

const clock = new FixedClock(new Date());
let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub({ clock });
}, 60_000);

afterAll(async () => {
  await hub?.stop();
});

beforeEach(() => {
  clock.set(new Date().toISOString());
});

const MINUTE = 60_000;

describe('console sessions', () => {
  it('ends after 30 idle minutes, on the server, and keeps going while used', async () => {
    const police = new ConsoleClient(hub.url);
    await police.signIn({ persona: 'POLICE_NORTHUMBERLAND' });
    clock.advance(29 * MINUTE);
    expect((await police.get('/alerts')).status).toBe(200);
    // Activity moved the idle deadline on.
    clock.advance(29 * MINUTE);
    expect((await police.get('/alerts')).status).toBe(200);
    clock.advance(31 * MINUTE);
    const ended = await police.get('/alerts');
    expect(ended.status).toBe(303);
    expect(ended.location).toBe('/signed-out?reason=timeout&returnTo=%2Falerts');
    expect(police.cookies.has('mset-session')).toBe(false);
    expect(heading(await police.get('/signed-out?reason=timeout'))).toBe('You have been signed out');
  });

  it('ends after 8 hours however active the person is', async () => {
    const police = new ConsoleClient(hub.url);
    await police.signIn({ persona: 'POLICE_NORTHUMBERLAND' });
    // A page every 25 minutes: never idle for 30, but 19 of them take it to 7 hours 55 minutes.
    for (let step = 1; step <= 19; step += 1) {
      clock.advance(25 * MINUTE);
      expect((await police.get('/alerts')).status, `after ${step * 25} minutes`).toBe(200);
    }
    clock.advance(25 * MINUTE);
    const ended = await police.get('/alerts');
    expect(ended.status).toBe(303);
    expect(ended.location).toBe('/signed-out?reason=expired&returnTo=%2Falerts');
    expect((await police.get(ended.location as string)).text).toContain('signed in for 8 hours');
  });

  it('ends on sign-out: the old cookie opens nothing', async () => {
    const police = new ConsoleClient(hub.url);
    await police.signIn({ persona: 'POLICE_NORTHUMBERLAND' });
    const cookie = police.cookies.get('mset-session') as string;
    expect((await police.get('/sign-out')).location).toBe('/signed-out');
    const replay = new ConsoleClient(hub.url);
    replay.cookies.set('mset-session', cookie);
    const page = await replay.get('/alerts');
    expect(page.status).toBe(303);
    expect(page.location).not.toBe('/alerts');
  });

  it('keeps a form sent after the time-out, and gives it back to the same person only', async () => {
    const police = new ConsoleClient(hub.url);
    await police.signIn({ persona: 'POLICE_NORTHUMBERLAND' });
    const csrf = (await police.csrfToken()) as string;
    clock.advance(45 * MINUTE);
    const late = await police.post('/alerts/new', { ...alertFormFields('Test Kept'), action: 'continue' }, { csrf });
    expect(late.status).toBe(303);
    expect(late.location).toBe('/form-kept?returnTo=%2Falerts%2Fnew');
    expect(heading(await police.get(late.location as string))).toBe('Sign in to finish what you were doing');

    // Someone else signs in on the same browser: the form is not theirs, and it is gone.
    const kept = police.cookies.get('mset-kept') as string;
    const other = new ConsoleClient(hub.url);
    other.cookies.set('mset-kept', kept);
    const otherLanded = await other.signIn({ persona: 'COORDINATOR_NORTH_TYNESIDE' }, '/alerts');
    expect(otherLanded.text).not.toContain('Test Kept');

    // A second kept form, then the same person: back on the form, filled in, told why.
    await police.signIn({ persona: 'POLICE_NORTHUMBERLAND' });
    const csrf2 = (await police.csrfToken()) as string;
    clock.advance(45 * MINUTE);
    await police.post('/alerts/new', { ...alertFormFields('Test Kept-Again'), action: 'continue' }, { csrf: csrf2 });
    const back = await police.signIn({ persona: 'POLICE_NORTHUMBERLAND' }, '/alerts');
    expect(back.status).toBe(200);
    expect(back.text).toContain('value="Test Kept-Again"');
    expect(back.text).toContain('You were signed out before your alert was sent');
    // Given back once.
    expect((await police.get('/alerts/new')).text).not.toContain('Test Kept-Again');
  });

  it('keeps each form of a share’s life sent after the time-out, and gives it back on its page, filled in', async () => {
    const token = await hub.token('northumberland', 'police');
    const alertId = (await hub.call('POST', '/v1/alerts', { token, body: sampleAlert(['north-tyneside']) })).json.alertId;
    const forms: Array<{ path: string; fields: Record<string, string>; what: string }> = [
      {
        path: `/alerts/${alertId}/forward`,
        fields: { area: 'newcastle', scopes: 'RISK', reason: 'Test kept forward reason' },
        what: 'forward',
      },
      {
        path: `/alerts/${alertId}/shares/north-tyneside/revoke`,
        fields: { reason: 'Test kept revoke reason' },
        what: 'decision to end the share',
      },
      {
        path: `/alerts/${alertId}/shares/north-tyneside/extend`,
        fields: { 'expiresAt-day': '9', 'expiresAt-month': '9', 'expiresAt-year': '2027', justification: 'Test kept justification' },
        what: 'extension',
      },
    ];
    for (const form of forms) {
      const police = new ConsoleClient(hub.url);
      await police.signIn({ persona: 'POLICE_NORTHUMBERLAND' });
      const csrf = (await police.csrfToken()) as string;
      clock.advance(45 * MINUTE);
      const late = await police.post(form.path, form.fields, { csrf });
      expect(late.location, form.path).toBe(`/form-kept?returnTo=${encodeURIComponent(form.path)}`);
      const back = await police.signIn({ persona: 'POLICE_NORTHUMBERLAND' }, '/alerts');
      expect(back.status).toBe(200);
      expect(back.text).toContain(`You were signed out before your ${form.what} was sent`);
      for (const typed of Object.values(form.fields)) expect(back.text, form.path).toContain(typed);
      if (form.what === 'forward') {
        // The choices too, not only the words.
        expect(back.text).toMatch(/<option value="newcastle" selected>/);
        expect(back.text).toMatch(/value="RISK" checked/);
      }
    }
    // Nothing was done meanwhile: no forward, no end, no extension.
    const view = await hub.call('GET', `/v1/alerts/${alertId}`, { token: await hub.token('northumberland', 'police') });
    expect(view.json.shares).toHaveLength(1);
    expect(view.json.shares[0].ended).toBeUndefined();
    expect(view.json.shares[0].expiry.extensions).toEqual([]);
  });

  it('sends an alert once however often "Send alert" is pressed', async () => {
    const police = new ConsoleClient(hub.url);
    await police.signIn({ persona: 'POLICE_NORTHUMBERLAND' });
    const checked = await police.post('/alerts/new', {
      ...alertFormFields('Test Once'),
      formId: 'send-once-form-0000000001',
      action: 'continue',
    });
    expect(checked.location).toBe('/alerts/new/check');
    const check = await police.get('/alerts/new/check');
    expect(check.text).toContain('Test Once Child-Alpha');
    const formId = /name="formId" value="([^"]+)"/.exec(check.text)?.[1] as string;
    const first = await police.post('/alerts/new/check', { formId });
    const second = await police.post('/alerts/new/check', { formId });
    expect(first.status).toBe(303);
    expect(first.location).toMatch(/^\/alerts\/[0-9a-f-]{36}\?done=sent$/);
    expect(second.location).toBe(first.location);
    const sent = await police.get('/alerts/sent');
    expect(sent.text.match(new RegExp(`href="${(first.location as string).split('?')[0]}"`, 'g'))).toHaveLength(1);
  });

  it('sends an alert once when "Send alert" is pressed twice at once, and shows both presses the alert it sent', async () => {
    const police = new ConsoleClient(hub.url);
    await police.signIn({ persona: 'POLICE_NORTHUMBERLAND' });
    await police.post('/alerts/new', { ...alertFormFields('Test Twice'), action: 'continue' });
    const { formId, csrf } = formOf(await police.get('/alerts/new/check'));
    // The second press finds the first still being sent, and waits for it: a browser shows only the last answer.
    const [first, second] = await Promise.all([
      police.post('/alerts/new/check', { formId }, { csrf }),
      police.post('/alerts/new/check', { formId }, { csrf }),
    ]);
    expect(first.status).toBe(303);
    expect(first.location).toMatch(/^\/alerts\/[0-9a-f-]{36}\?done=sent$/);
    expect(second.status).toBe(303);
    expect(second.location).toBe(first.location);
    const sent = await police.get('/alerts/sent');
    expect(sent.text.match(new RegExp(`href="${(first.location as string).split('?')[0]}"`, 'g'))).toHaveLength(1);
  });
});
