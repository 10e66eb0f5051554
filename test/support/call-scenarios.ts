/**
 * One request per route (and a few console pages), each with what it needs made first: what the call-count
 * test (test/http/call-counts.test.ts) and the bench's latency model (bench/run.ts) both run against a hub
 * started with a CallMeter. A scenario's `prepare` makes fresh state (its own alert or meeting) so that
 * `request` can be repeated; only `request` is counted and timed. Synthetic data only.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Role } from '../../contracts/identity.js';
import type { Hub } from '../../local/hub.js';
import { alertFormFields, ConsoleClient, formOf } from './console-client.js';

/** The hub's clock runs `offsetMs` ahead of the machine's, so a meeting can be recorded without waiting for it. */
export type MovableClock = { now(): Date; advance(ms: number): void };

export function movableClock(): MovableClock {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance: (ms) => {
      offsetMs += ms;
    },
  };
}

export type Scenario<S = unknown> = {
  readonly name: string;
  prepare(): Promise<S>;
  /** The one request measured; throws unless it answers as the route should. */
  request(state: S): Promise<void>;
};

type Tokens = Record<'police' | 'chair' | 'ntCoordinator' | 'ntPractitioner' | 'newcastleCoordinator', string>;

const ROOT = join(import.meta.dirname, '..', '..');

async function expectStatus(response: Response, status: number, what: string): Promise<any> {
  const text = await response.text();
  if (response.status !== status) throw new Error(`${what} answered ${response.status}, not ${status}: ${text.slice(0, 300)}`);
  const type = response.headers.get('content-type') ?? '';
  return type.includes('json') ? JSON.parse(text) : text;
}

/** The scenarios against one hub: tokens are minted and the console signed in once, here. */
export async function callScenarios(hub: Pick<Hub, 'url' | 'identity'>, clock: MovableClock): Promise<Scenario<any>[]> {
  const mint = (area: string, role: Role, agency: 'police' | 'childrens-services') =>
    hub.identity.mint({ area, roles: [role], agency, sub: `calls-${area}-${role}`, name: `Calls ${role} ${area}` });
  const tokens: Tokens = {
    police: await mint('northumberland', 'police', 'police'),
    chair: await mint('northumberland', 'chair', 'childrens-services'),
    ntCoordinator: await mint('north-tyneside', 'coordinator', 'childrens-services'),
    ntPractitioner: await mint('north-tyneside', 'practitioner', 'childrens-services'),
    newcastleCoordinator: await mint('newcastle', 'coordinator', 'childrens-services'),
  };
  const example = JSON.parse(await readFile(join(ROOT, 'docs', 'examples', 'alert.json'), 'utf8')) as { movement: { on: string } };
  const alertBody = () => JSON.stringify({ ...example, movement: { ...example.movement, on: clock.now().toISOString().slice(0, 10) } });
  let keys = 0;

  const call = (method: string, path: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${hub.url}${path}`, {
      method,
      headers: {
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });

  const newAlert = async (): Promise<string> =>
    (await expectStatus(await call('POST', '/v1/alerts', tokens.police, alertBody()), 201, 'POST /v1/alerts')).alertId;
  /** The example alert to three areas: the keys a creation asks for grow with its readers, nothing else. */
  const threeRecipients = () => {
    const body = JSON.parse(alertBody()) as { recipients: { area: string; scopes: string[] }[] };
    return JSON.stringify({
      ...body,
      recipients: [...body.recipients, { area: 'newcastle', scopes: ['RISK'] }, { area: 'gateshead', scopes: ['IDENTITY', 'RISK'] }],
    });
  };
  /** An alert to three areas, two of which acknowledged it with a note: what the sender opens is still one key. */
  const acknowledgedTwice = async (): Promise<string> => {
    const { alertId } = await expectStatus(await call('POST', '/v1/alerts', tokens.police, threeRecipients()), 201, 'create');
    for (const [token, note] of [
      [tokens.ntCoordinator, 'Synthetic note one'],
      [tokens.newcastleCoordinator, 'Synthetic note two'],
    ] as const) {
      await expectStatus(await call('POST', `/v1/alerts/${alertId}/acknowledgements`, token, { outcome: 'ACCEPTED', note }), 201, 'ack');
    }
    return alertId;
  };
  // Newcastle's inbox fills with pending shares nobody acknowledges: a filter that matches none of them.
  const toNewcastle = async (): Promise<void> => {
    const body = { ...JSON.parse(alertBody()), recipients: [{ area: 'newcastle', scopes: ['IDENTITY', 'RISK'] }] };
    await expectStatus(await call('POST', '/v1/alerts', tokens.police, body), 201, 'POST /v1/alerts to Newcastle');
  };

  /** The example alert under ORIGINATOR_APPROVAL, forwarded by North Tyneside only as a request. */
  const onApproval = async (): Promise<string> => {
    const body = JSON.parse(alertBody()) as { sharing: { handling: Record<string, unknown> } };
    body.sharing.handling = { ...body.sharing.handling, onwardSharing: 'ORIGINATOR_APPROVAL' };
    return (await expectStatus(await call('POST', '/v1/alerts', tokens.police, body), 201, 'create')).alertId;
  };
  const forwardBody = { area: 'newcastle', scopes: ['RISK'], reason: 'Synthetic reason: the family moved on' };
  const requested = async (): Promise<{ alertId: string; forwardId: string }> => {
    const alertId = await onApproval();
    const asked = await expectStatus(await call('POST', `/v1/alerts/${alertId}/forwards`, tokens.ntCoordinator, forwardBody), 202, 'ask');
    return { alertId, forwardId: asked.forwardId };
  };
  /** An alert North Tyneside forwarded to Newcastle, whose share the sender then revoked. */
  const forwardedAndRevoked = async (): Promise<string> => {
    const alertId = await newAlert();
    await expectStatus(await call('POST', `/v1/alerts/${alertId}/forwards`, tokens.ntCoordinator, forwardBody), 201, 'forward');
    await expectStatus(
      await call('POST', `/v1/alerts/${alertId}/shares/north-tyneside/revoke`, tokens.police, { reason: 'Synthetic: in error' }),
      200,
      'revoke',
    );
    return alertId;
  };

  const meetingBody = () => {
    // A minute ahead on the hub's clock, on a whole second; recording moves the clock past it.
    const start = new Date(clock.now().getTime() + 60_000);
    start.setUTCMilliseconds(0);
    return {
      invitedAreas: ['north-tyneside'],
      subject: { name: { given: 'Test', family: 'Child-Alpha' }, dateOfBirth: '2011-01-01' },
      reason: 'Synthetic reason: repeated missing episodes across the boundary',
      agenda: 'Synthetic agenda: share what each area knows',
      proposedSlots: [{ start: start.toISOString(), durationMinutes: 60 }],
      format: 'ONLINE',
    };
  };
  const newMeeting = async (): Promise<string> =>
    (await expectStatus(await call('POST', '/v1/meetings', tokens.chair, meetingBody()), 201, 'POST /v1/meetings')).meetingId;
  const scheduled = async (): Promise<string> => {
    const meetingId = await newMeeting();
    await expectStatus(
      await call('POST', `/v1/meetings/${meetingId}/schedule`, tokens.chair, { slotId: 'slot-1', force: true }),
      200,
      'schedule',
    );
    return meetingId;
  };
  const isoDay = (days: number) => new Date(clock.now().getTime() + days * 86_400_000).toISOString().slice(0, 10);
  // One at a time: moving the clock past one meeting's slot must not put another's, being made, in the past.
  let clockTurn: Promise<unknown> = Promise.resolve();
  const pastItsStart = (): Promise<string> => {
    const turn = clockTurn.then(async () => {
      const meetingId = await scheduled();
      clock.advance(120_000);
      return meetingId;
    });
    clockTurn = turn.catch(() => undefined);
    return turn;
  };
  const recorded = async (): Promise<{ meetingId: string; actionId: string }> => {
    const meetingId = await pastItsStart();
    const record = await expectStatus(
      await call('POST', `/v1/meetings/${meetingId}/record`, tokens.chair, {
        attendance: [{ area: 'north-tyneside', agency: 'childrens-services' }],
        decisions: 'Synthetic decisions',
        reviewDate: isoDay(28),
        actions: [
          {
            description: 'Synthetic action',
            ownerArea: 'north-tyneside',
            ownerAgency: 'childrens-services',
            dueBy: isoDay(7),
          },
        ],
      }),
      201,
      'record',
    );
    return { meetingId, actionId: record.actions[0].actionId };
  };

  /** A recorded meeting whose action has had `count` updates, one after another. */
  const updated = async (count: number): Promise<{ meetingId: string; actionId: string }> => {
    const held = await recorded();
    for (let n = 1; n <= count; n += 1) {
      await expectStatus(
        await call('PATCH', `/v1/meetings/${held.meetingId}/actions/${held.actionId}`, tokens.ntPractitioner, {
          status: 'OPEN',
          note: `Synthetic note ${n}`,
        }),
        200,
        'action update',
      );
    }
    return held;
  };

  const person = new ConsoleClient(hub.url);
  await person.signIn({ name: 'Calls Coordinator', area: 'north-tyneside', agency: 'childrens-services', roles: ['coordinator'] });
  // The movable clock runs past the console's idle time-out over a long bench: sign in again when it has.
  // One at a time too: the person has one cookie jar, and two sign-ins at once would race for it.
  let signing: Promise<unknown> = Promise.resolve();
  const signedIn = (): Promise<void> => {
    const turn = signing.then(async () => {
      if ((await person.get('/areas')).status !== 200) {
        await person.signIn({ name: 'Calls Coordinator', area: 'north-tyneside', agency: 'childrens-services', roles: ['coordinator'] });
      }
    });
    signing = turn.catch(() => undefined);
    return turn;
  };
  const page = async (path: string) => {
    const response = await person.get(path);
    if (response.status !== 200) throw new Error(`The console's ${path} answered ${response.status}`);
  };

  /**
   * A police officer at "Check your answers", the alert in the session's draft: what "Send alert" sends.
   * Each in a session of its own, as the draft is the session's and the bench prepares several at once.
   */
  const atCheckAnswers = async (): Promise<{ police: ConsoleClient; formId: string; csrf: string }> => {
    const police = new ConsoleClient(hub.url);
    await police.signIn({ persona: 'POLICE_NORTHUMBERLAND' });
    const continued = await police.post('/alerts/new', {
      ...alertFormFields('Test', clock.now().toISOString().slice(0, 10)),
      action: 'continue',
    });
    if (continued.location !== '/alerts/new/check') throw new Error(`The alert form answered ${continued.status}`);
    return { police, ...formOf(await police.get('/alerts/new/check')) };
  };

  /** A chair with "Request a meeting" open, in a session of their own: what "Send request" sends. */
  const atMeetingRequest = async (): Promise<{ person: ConsoleClient; formId: string; csrf: string }> => {
    const person = new ConsoleClient(hub.url);
    await person.signIn({ persona: 'CHAIR_NORTHUMBERLAND' });
    return { person, ...formOf(await person.get('/meetings/new')) };
  };
  /** A page's form sent once, which answers by sending the person to `to`. */
  const sent = async (person: ConsoleClient, path: string, fields: Record<string, string | string[]>, csrf: string, to: RegExp) => {
    const response = await person.post(path, fields, { csrf });
    if (response.status !== 303 || !to.test(response.location ?? '')) {
      throw new Error(`The console's POST ${path} answered ${response.status}, to ${response.location}`);
    }
  };

  const none = async () => undefined;
  const scenarios: Scenario<any>[] = [
    {
      name: 'GET /health',
      prepare: none,
      request: async () => void (await expectStatus(await call('GET', '/health', undefined), 200, 'health')),
    },
    {
      name: 'GET /v1/areas',
      prepare: none,
      request: async () => void (await expectStatus(await call('GET', '/v1/areas', tokens.police), 200, 'areas')),
    },
    {
      name: 'POST /v1/alerts',
      prepare: async () => alertBody(),
      request: async (body: string) => void (await expectStatus(await call('POST', '/v1/alerts', tokens.police, body), 201, 'create')),
    },
    {
      name: 'POST /v1/alerts (3 recipients)',
      prepare: async () => threeRecipients(),
      request: async (body: string) => void (await expectStatus(await call('POST', '/v1/alerts', tokens.police, body), 201, 'create')),
    },
    {
      name: 'POST /v1/alerts (Idempotency-Key)',
      prepare: async () => alertBody(),
      request: async (body: string) => {
        keys += 1;
        const headers = { 'idempotency-key': `calls-${Date.now()}-${keys}` };
        await expectStatus(await call('POST', '/v1/alerts', tokens.police, body, headers), 201, 'create with a key');
      },
    },
    {
      name: 'GET /v1/alerts?box=inbox',
      prepare: newAlert,
      request: async () =>
        void (await expectStatus(await call('GET', '/v1/alerts?box=inbox&limit=20', tokens.ntCoordinator), 200, 'inbox')),
    },
    {
      name: 'GET /v1/alerts?box=outbox',
      prepare: newAlert,
      request: async () => void (await expectStatus(await call('GET', '/v1/alerts?box=outbox&limit=20', tokens.police), 200, 'outbox')),
    },
    {
      name: 'GET /v1/alerts?box=inbox&status=ACKNOWLEDGED (none match)',
      prepare: toNewcastle,
      request: async () => {
        const list = await expectStatus(
          await call('GET', '/v1/alerts?box=inbox&status=ACKNOWLEDGED&limit=20', tokens.newcastleCoordinator),
          200,
          'inbox, filtered',
        );
        if (list.items.length !== 0) throw new Error(`Newcastle's acknowledged inbox listed ${list.items.length} alerts, not none`);
      },
    },
    {
      name: 'GET /v1/alerts/{alertId} (sender)',
      prepare: newAlert,
      request: async (id: string) => void (await expectStatus(await call('GET', `/v1/alerts/${id}`, tokens.police), 200, 'get')),
    },
    {
      name: 'GET /v1/alerts/{alertId} (sender, 3 recipients, 2 notes)',
      prepare: acknowledgedTwice,
      request: async (id: string) => void (await expectStatus(await call('GET', `/v1/alerts/${id}`, tokens.police), 200, 'get')),
    },
    {
      name: 'GET /v1/alerts/{alertId} (recipient)',
      prepare: newAlert,
      request: async (id: string) => void (await expectStatus(await call('GET', `/v1/alerts/${id}`, tokens.ntCoordinator), 200, 'get')),
    },
    {
      name: 'POST /v1/alerts/{alertId}/acknowledgements',
      prepare: newAlert,
      request: async (id: string) =>
        void (await expectStatus(
          await call('POST', `/v1/alerts/${id}/acknowledgements`, tokens.ntCoordinator, { outcome: 'ACCEPTED', note: 'Synthetic note' }),
          201,
          'acknowledge',
        )),
    },
    {
      name: 'POST /v1/alerts/{alertId}/acknowledgements (no note)',
      prepare: newAlert,
      request: async (id: string) =>
        void (await expectStatus(
          await call('POST', `/v1/alerts/${id}/acknowledgements`, tokens.ntCoordinator, { outcome: 'ALREADY_KNOWN' }),
          201,
          'acknowledge',
        )),
    },
    {
      name: 'GET /v1/alerts/{alertId} (sender, after a forward and a revocation)',
      prepare: forwardedAndRevoked,
      request: async (id: string) => void (await expectStatus(await call('GET', `/v1/alerts/${id}`, tokens.police), 200, 'get')),
    },
    {
      name: 'POST /v1/alerts/{alertId}/forwards (sender)',
      prepare: newAlert,
      request: async (id: string) =>
        void (await expectStatus(await call('POST', `/v1/alerts/${id}/forwards`, tokens.police, forwardBody), 201, 'forward')),
    },
    {
      name: 'POST /v1/alerts/{alertId}/forwards (recipient)',
      prepare: newAlert,
      request: async (id: string) =>
        void (await expectStatus(await call('POST', `/v1/alerts/${id}/forwards`, tokens.ntCoordinator, forwardBody), 201, 'forward')),
    },
    {
      name: 'POST /v1/alerts/{alertId}/forwards (awaiting approval)',
      prepare: onApproval,
      request: async (id: string) =>
        void (await expectStatus(await call('POST', `/v1/alerts/${id}/forwards`, tokens.ntCoordinator, forwardBody), 202, 'ask')),
    },
    {
      name: 'POST /v1/alerts/{alertId}/forwards/{forwardId}/decision',
      prepare: requested,
      request: async ({ alertId, forwardId }: { alertId: string; forwardId: string }) =>
        void (await expectStatus(
          await call('POST', `/v1/alerts/${alertId}/forwards/${forwardId}/decision`, tokens.police, {
            decision: 'APPROVED',
            reason: 'Agreed',
          }),
          200,
          'decide',
        )),
    },
    {
      name: 'POST /v1/alerts/{alertId}/shares/{area}/revoke',
      prepare: newAlert,
      request: async (id: string) =>
        void (await expectStatus(
          await call('POST', `/v1/alerts/${id}/shares/north-tyneside/revoke`, tokens.police, { reason: 'Synthetic: in error' }),
          200,
          'revoke',
        )),
    },
    {
      name: 'POST /v1/alerts/{alertId}/shares/{area}/extension',
      prepare: newAlert,
      request: async (id: string) =>
        void (await expectStatus(
          await call('POST', `/v1/alerts/${id}/shares/north-tyneside/extension`, tokens.police, {
            expiresAt: new Date(clock.now().getTime() + 540 * 86_400_000).toISOString(),
            justification: 'Synthetic: still at risk',
          }),
          200,
          'extend',
        )),
    },
    {
      name: 'GET /v1/alerts/{alertId}/audit',
      prepare: newAlert,
      request: async (id: string) => void (await expectStatus(await call('GET', `/v1/alerts/${id}/audit`, tokens.police), 200, 'audit')),
    },
    {
      name: 'POST /v1/meetings',
      prepare: async () => meetingBody(),
      request: async (body: unknown) => void (await expectStatus(await call('POST', '/v1/meetings', tokens.chair, body), 201, 'meeting')),
    },
    {
      name: 'POST /v1/meetings (Idempotency-Key)',
      prepare: async () => meetingBody(),
      request: async (body: unknown) => {
        keys += 1;
        const headers = { 'idempotency-key': `calls-meeting-${Date.now()}-${keys}` };
        await expectStatus(await call('POST', '/v1/meetings', tokens.chair, body, headers), 201, 'meeting with a key');
      },
    },
    {
      name: 'GET /v1/meetings?box=inbox',
      prepare: newMeeting,
      request: async () =>
        void (await expectStatus(await call('GET', '/v1/meetings?box=inbox&limit=20', tokens.ntCoordinator), 200, 'meetings')),
    },
    {
      name: 'GET /v1/meetings/{meetingId}',
      prepare: newMeeting,
      request: async (id: string) => void (await expectStatus(await call('GET', `/v1/meetings/${id}`, tokens.chair), 200, 'meeting')),
    },
    {
      name: 'POST /v1/meetings/{meetingId}/responses',
      prepare: newMeeting,
      request: async (id: string) =>
        void (await expectStatus(
          await call('POST', `/v1/meetings/${id}/responses`, tokens.ntCoordinator, {
            response: 'ACCEPT',
            slotId: 'slot-1',
            attendees: [{ agency: 'childrens-services', role: 'MSET coordinator' }],
          }),
          201,
          'respond',
        )),
    },
    {
      name: 'POST /v1/meetings/{meetingId}/schedule',
      prepare: newMeeting,
      request: async (id: string) =>
        void (await expectStatus(
          await call('POST', `/v1/meetings/${id}/schedule`, tokens.chair, { slotId: 'slot-1', force: true }),
          200,
          'schedule',
        )),
    },
    {
      name: 'POST /v1/meetings/{meetingId}/cancel',
      prepare: newMeeting,
      request: async (id: string) =>
        void (await expectStatus(
          await call('POST', `/v1/meetings/${id}/cancel`, tokens.chair, { reason: 'Synthetic: child returned home' }),
          200,
          'cancel',
        )),
    },
    {
      name: 'GET /v1/meetings/{meetingId}/calendar.ics',
      prepare: scheduled,
      request: async (id: string) =>
        void (await expectStatus(await call('GET', `/v1/meetings/${id}/calendar.ics`, tokens.ntPractitioner), 200, 'calendar')),
    },
    {
      name: 'POST /v1/meetings/{meetingId}/record',
      prepare: pastItsStart,
      request: async (id: string) =>
        void (await expectStatus(
          await call('POST', `/v1/meetings/${id}/record`, tokens.chair, {
            attendance: [{ area: 'north-tyneside', agency: 'childrens-services' }],
            decisions: 'Synthetic decisions',
            reviewDate: isoDay(28),
            actions: [
              { description: 'Synthetic action', ownerArea: 'north-tyneside', ownerAgency: 'childrens-services', dueBy: isoDay(7) },
            ],
          }),
          201,
          'record',
        )),
    },
    {
      name: 'PATCH /v1/meetings/{meetingId}/actions/{actionId}',
      prepare: recorded,
      request: async ({ meetingId, actionId }: { meetingId: string; actionId: string }) =>
        void (await expectStatus(
          await call('PATCH', `/v1/meetings/${meetingId}/actions/${actionId}`, tokens.ntPractitioner, {
            status: 'DONE',
            note: 'Synthetic',
          }),
          200,
          'action',
        )),
    },
    {
      name: 'GET /v1/meetings/{meetingId} (an action updated 5 times)',
      prepare: () => updated(5),
      request: async ({ meetingId }: { meetingId: string }) =>
        void (await expectStatus(await call('GET', `/v1/meetings/${meetingId}`, tokens.chair), 200, 'meeting')),
    },
    {
      name: 'GET /v1/meetings/{meetingId}/actions/{actionId}/updates (5 updates)',
      prepare: () => updated(5),
      request: async ({ meetingId, actionId }: { meetingId: string; actionId: string }) =>
        void (await expectStatus(await call('GET', `/v1/meetings/${meetingId}/actions/${actionId}/updates`, tokens.chair), 200, 'updates')),
    },
    {
      name: 'GET /v1/meetings/{meetingId}/actions/{actionId}/updates (2 updates, all on the head)',
      prepare: () => updated(2),
      request: async ({ meetingId, actionId }: { meetingId: string; actionId: string }) =>
        void (await expectStatus(await call('GET', `/v1/meetings/${meetingId}/actions/${actionId}/updates`, tokens.chair), 200, 'updates')),
    },
    {
      name: 'GET /v1/meetings/{meetingId}/audit',
      prepare: newMeeting,
      request: async (id: string) =>
        void (await expectStatus(await call('GET', `/v1/meetings/${id}/audit`, tokens.chair), 200, 'meeting audit')),
    },
    {
      name: 'GET /v1/unknown (ANY /v1/{proxy+})',
      prepare: none,
      request: async () => void (await expectStatus(await call('GET', '/v1/unknown', tokens.police), 404, 'unknown route')),
    },
    {
      name: 'console POST /alerts/new/check (Send alert)',
      prepare: atCheckAnswers,
      request: ({ police, formId, csrf }: { police: ConsoleClient; formId: string; csrf: string }) =>
        sent(police, '/alerts/new/check', { formId }, csrf, /^\/alerts\/[0-9a-f-]{36}\?done=sent$/),
    },
    {
      name: 'console POST /meetings/new (Send request)',
      prepare: atMeetingRequest,
      request: ({ person, formId, csrf }: { person: ConsoleClient; formId: string; csrf: string }) =>
        sent(person, '/meetings/new', consoleMeetingForm(formId, clock.now()), csrf, /^\/meetings\/[0-9a-f-]{36}\?done=requested$/),
    },
    {
      name: 'console POST /alerts/{alertId} (Send acknowledgement)',
      // North Tyneside's coordinator on an alert just sent to them, the page's form read first.
      prepare: async () => {
        await signedIn();
        const alertId = await newAlert();
        return { alertId, ...formOf(await person.get(`/alerts/${alertId}`)) };
      },
      request: ({ alertId, formId, csrf }: { alertId: string; formId: string; csrf: string }) =>
        sent(person, `/alerts/${alertId}`, { outcome: 'ACCEPTED', formId }, csrf, new RegExp(`^/alerts/${alertId}\\?done=acknowledged$`)),
    },
    { name: 'console GET /alerts', prepare: () => signedIn().then(newAlert), request: () => page('/alerts') },
    { name: 'console GET /alerts/{alertId}', prepare: () => signedIn().then(newAlert), request: (id: string) => page(`/alerts/${id}`) },
    {
      name: 'console GET /meetings/{meetingId}',
      prepare: () => signedIn().then(newMeeting),
      request: (id: string) => page(`/meetings/${id}`),
    },
    {
      name: 'console GET /meetings/{meetingId}/actions/{actionId}/updates (5 updates)',
      // Signed in (or the session touched) after the meeting's clock moved, as a page right after another.
      prepare: async () => {
        const held = await updated(5);
        await signedIn();
        return held;
      },
      request: ({ meetingId, actionId }: { meetingId: string; actionId: string }) =>
        page(`/meetings/${meetingId}/actions/${actionId}/updates`),
    },
  ];
  return scenarios;
}

/** The fields of a complete "Request a meeting" form to North Tyneside, a week after `today` (synthetic). */
function consoleMeetingForm(formId: string, today: Date): Record<string, string | string[]> {
  const weekOn = new Date(today.getTime() + 7 * 24 * 3_600_000).toISOString().slice(0, 10);
  return {
    formId,
    action: 'send',
    'invitedAreas[]': ['north-tyneside'],
    'subject[name][given]': 'Test',
    'subject[name][family]': 'Child-Alpha',
    'subject[dateOfBirth]': '2011-03-27',
    reason: 'Synthetic reason for a joint meeting',
    agenda: 'Synthetic agenda',
    format: 'ONLINE',
    'proposedSlots[0][date]': weekOn,
    'proposedSlots[0][time]': '10:00',
    'proposedSlots[0][durationMinutes]': '60',
  };
}
