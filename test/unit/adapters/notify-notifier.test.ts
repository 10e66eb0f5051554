/** The real GOV.UK Notify client (notifications-node-client) against a fake Notify API on 127.0.0.1. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATE_NAMES, type TemplateName } from '../../../contracts/notifications.js';
import { NotifyNotifier } from '../../../functions/adapters/notify/notify-notifier.js';
import { NotificationRejectedError, NotifierUnavailableError } from '../../../functions/core/notifications/errors.js';
import { FAKE_API_KEY, type FakeNotify, startFakeNotify } from '../../support/fake-notify.js';

const TEMPLATE_IDS = Object.fromEntries(
  TEMPLATE_NAMES.map((name, i) => [name, `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`]),
) as Record<TemplateName, string>;

let notify: FakeNotify;
let keyReads = 0;
let notifier: NotifyNotifier;

beforeAll(async () => {
  notify = await startFakeNotify();
  notifier = new NotifyNotifier({
    apiKey: async () => {
      keyReads += 1;
      return FAKE_API_KEY;
    },
    templateIds: TEMPLATE_IDS,
    baseUrl: notify.url,
  });
});
afterAll(async () => notify?.close());

const email = (to: string, reference: string) => ({
  template: 'ALERT_SHARED' as const,
  to,
  personalisation: { from_area: 'Northumberland', to_area: 'North Tyneside', risk_level: 'SIGNIFICANT', reference: 'A-1B2C3D4E' },
  reference,
});

describe('NotifyNotifier', () => {
  it("sends with the template's configured id, the personalisation and the intent id as Notify's reference", async () => {
    // Act
    const sent = await notifier.sendEmail(email('mset@north-tyneside.example.gov.uk', 'a4d6b7e2-0f6e-4c52-8a51-7d1c2e3f4a5b'));

    // Assess
    const accepted = notify.sent.at(-1);
    expect(accepted).toMatchObject({
      id: sent.id,
      templateId: TEMPLATE_IDS.ALERT_SHARED,
      to: 'mset@north-tyneside.example.gov.uk',
      reference: 'a4d6b7e2-0f6e-4c52-8a51-7d1c2e3f4a5b',
    });
    expect(accepted?.personalisation['risk_level']).toBe('SIGNIFICANT');
  });

  it('takes any 2xx as sent (Notify answers 201; 202 too)', async () => {
    // Prepare
    notify.successStatus = 202;

    // Act
    const sent = await notifier.sendEmail(email('mset@newcastle.example.gov.uk', 'b4d6b7e2-0f6e-4c52-8a51-7d1c2e3f4a5b'));

    // Assess
    notify.successStatus = 201;
    expect(sent.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports a 400 as refused for good, with Notify’s error code and not its message (which can quote the address)', async () => {
    // Prepare
    notify.script('refused@gateshead.example.gov.uk', [400]);

    // Act
    const error = await notifier
      .sendEmail(email('refused@gateshead.example.gov.uk', 'c4d6b7e2-0f6e-4c52-8a51-7d1c2e3f4a5b'))
      .catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(NotificationRejectedError);
    expect(error.name).toBe('NotificationRejectedError');
    expect(error.codes).toEqual(['BadRequestError']);
    expect(String(error.message)).not.toContain('gateshead');
    expect(error.cause).toBeUndefined();
  });

  it.each([429, 500, 403])('reports a %i as a failure to retry, and the retry then goes', async (status) => {
    // Prepare
    const to = `busy-${status}@sunderland.example.gov.uk`;
    notify.script(to, [status]);

    // Act
    const first = await notifier.sendEmail(email(to, 'd4d6b7e2-0f6e-4c52-8a51-7d1c2e3f4a5b')).catch((e) => e);
    const second = await notifier.sendEmail(email(to, 'd4d6b7e2-0f6e-4c52-8a51-7d1c2e3f4a5b'));

    // Assess
    expect(first).toBeInstanceOf(NotifierUnavailableError);
    expect(first.status).toBe(status);
    expect(second.id).toBeDefined();
  });

  it('finds a message already sent by its reference, and nothing for a reference never sent', async () => {
    // Prepare
    const sent = await notifier.sendEmail(email('mset@hartlepool.example.gov.uk', 'e4d6b7e2-0f6e-4c52-8a51-7d1c2e3f4a5b'));

    // Act and assess
    expect(await notifier.findSent('e4d6b7e2-0f6e-4c52-8a51-7d1c2e3f4a5b')).toBe(sent.id);
    expect(await notifier.findSent('f4d6b7e2-0f6e-4c52-8a51-7d1c2e3f4a5b')).toBeUndefined();
  });

  it('reads the API key once, and fails to retry when Notify cannot be reached', async () => {
    // Prepare
    const unreachable = new NotifyNotifier({ apiKey: async () => FAKE_API_KEY, templateIds: TEMPLATE_IDS, baseUrl: 'http://127.0.0.1:9' });

    // Act
    const error = await unreachable
      .sendEmail(email('mset@darlington.example.gov.uk', 'a5d6b7e2-0f6e-4c52-8a51-7d1c2e3f4a5b'))
      .catch((e) => e);

    // Assess
    expect(keyReads).toBe(1);
    expect(error).toBeInstanceOf(NotifierUnavailableError);
    expect(error.status).toBeUndefined();
  });

  it('gives up on a Notify that takes the request and never answers, as a failure to retry', async () => {
    // Prepare: a server that reads the request and sends nothing back
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const stalled = new NotifyNotifier({
      apiKey: async () => FAKE_API_KEY,
      templateIds: TEMPLATE_IDS,
      baseUrl: `http://127.0.0.1:${port}`,
      timeoutMs: 200,
    });

    // Act
    const error = await stalled.sendEmail(email('mset@redcar.example.gov.uk', 'b5d6b7e2-0f6e-4c52-8a51-7d1c2e3f4a5b')).catch((e) => e);
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));

    // Assess: without the adapter's time-out the request would wait for ever, and this test with it
    expect(error).toBeInstanceOf(NotifierUnavailableError);
    expect(error.status).toBeUndefined();
  });
});
