/**
 * The whole meeting story over HTTP on a real hub with three areas: Northumberland's chair requests a
 * cross-boundary meeting about the child of an alert with North Tyneside and Newcastle; both answer; the
 * chair schedules it; everyone downloads the invitation; the chair records the outcome with actions owned by
 * each area; North Tyneside marks its action done; everyone sees the action list. Along the way: a linked
 * alert is not shared by the meeting, Gateshead (not invited) gets 404 on every route, the inbox and
 * outbox filter and page, overdue actions are flagged, and the access history shows each step by area.
 *
 * The tests run in order and build on each other (one story); each names what it proves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoDay, sampleAlert, sampleMeeting, slotIn, startTestHub, type TestHub, type TestResponse } from '../support/hub.js';

let hub: TestHub;
const tokens = {} as Record<'police' | 'chair' | 'ntCoordinator' | 'ntPractitioner' | 'newcastleChair' | 'gatesheadChair', string>;
let alertId: string;
let meetingId: string;
/** The slot Newcastle proposes and the chair schedules: a few seconds ahead, so the record can follow. */
let proposedStart: string;
let calendars: Record<string, TestResponse>;
let views: Record<string, TestResponse>;
let recordedActions: Array<{ actionId: string; ownerArea: string }>;

const REASON = 'Synthetic reason: repeated missing episodes in both areas';
const AGENDA = 'Synthetic agenda: locations of concern, who holds the return home interview';
const DECISIONS = 'Synthetic decisions: joint disruption of the identified address';
const PLAN = 'Synthetic disruption plan: patrol plan shared with North Tyneside';
const NOTE = 'Synthetic note: visit made, return home interview completed';
const DAY = 24 * 60 * 60 * 1000;

const sleepUntil = async (iso: string) => {
  const wait = new Date(iso).getTime() - Date.now() + 150;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
};

beforeAll(async () => {
  hub = await startTestHub();
  tokens.police = await hub.token('northumberland', 'police');
  tokens.chair = await hub.token('northumberland', 'chair');
  tokens.ntCoordinator = await hub.token('north-tyneside', 'coordinator');
  tokens.ntPractitioner = await hub.token('north-tyneside', 'practitioner', { agency: 'health' });
  tokens.newcastleChair = await hub.token('newcastle', 'chair');
  tokens.gatesheadChair = await hub.token('gateshead', ['police', 'coordinator', 'chair', 'practitioner', 'auditor']);
  // Northumberland's police alerted North Tyneside only: Newcastle never received the alert.
  const alert = await hub.call('POST', '/v1/alerts', { token: tokens.police, body: sampleAlert(['north-tyneside']) });
  expect(alert.status).toBe(201);
  alertId = alert.json.alertId;
});

afterAll(async () => {
  await hub?.stop();
});

/** Minimal RFC 5545 reader: unfolds content lines and nests components; throws on anything malformed. */
type Component = { name: string; properties: Array<{ name: string; params: string; value: string }>; children: Component[] };
function parseCalendar(text: string): Component {
  expect(text.endsWith('\r\n') || text.endsWith('END:VCALENDAR')).toBe(true);
  const physical = text.replace(/\r\n$/, '').split('\r\n');
  for (const line of physical) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
  const lines = physical.reduce<string[]>((unfolded, line) => {
    if (/^[ \t]/.test(line)) unfolded[unfolded.length - 1] += line.slice(1);
    else unfolded.push(line);
    return unfolded;
  }, []);
  const stack: Component[] = [];
  let root: Component | undefined;
  for (const line of lines) {
    const match = /^([A-Za-z0-9-]+)((?:;[^:]*)?):(.*)$/.exec(line);
    if (match === null) throw new Error(`not a content line: ${line}`);
    const [, name, params, value] = match as unknown as [string, string, string, string];
    if (name === 'BEGIN') {
      const component: Component = { name: value, properties: [], children: [] };
      stack.at(-1)?.children.push(component);
      stack.push(component);
      root ??= component;
    } else if (name === 'END') {
      const closed = stack.pop();
      if (closed?.name !== value) throw new Error(`END:${value} closes ${closed?.name}`);
    } else {
      const current = stack.at(-1);
      if (current === undefined) throw new Error(`property outside a component: ${name}`);
      current.properties.push({ name, params, value });
    }
  }
  if (root === undefined || stack.length > 0) throw new Error('unbalanced BEGIN/END');
  return root;
}
const property = (component: Component, name: string) => component.properties.find((item) => item.name === name)?.value;
/** An iCalendar TEXT value unescaped (RFC 5545 3.3.11). */
const unescapeText = (value: string) => value.replace(/\\n/gi, '\n').replace(/\\([,;\\])/g, '$1');
const icsUtc = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');

describe('the meeting journey, Northumberland with North Tyneside and Newcastle', () => {
  it("Northumberland's chair requests a meeting about the alert's child, linking the alert", async () => {
    // Act
    const response = await hub.call('POST', '/v1/meetings', {
      token: tokens.chair,
      body: sampleMeeting(['north-tyneside', 'newcastle'], {
        alertIds: [alertId],
        reason: REASON,
        agenda: AGENDA,
        proposedSlots: [
          { start: slotIn(3600), durationMinutes: 60 },
          { start: new Date(Date.now() + 7 * DAY).toISOString(), durationMinutes: 90 },
        ],
        format: 'HYBRID',
      }),
    });

    // Assess
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({
      status: 'REQUESTED',
      slots: [
        { slotId: expect.any(String), durationMinutes: 60 },
        { slotId: expect.any(String), durationMinutes: 90 },
      ],
    });
    meetingId = response.json.meetingId;
    expect(response.headers.get('location')).toBe(`/v1/meetings/${meetingId}`);
    expect(response.text).not.toContain('Child-Alpha');
  });

  it('both invited areas answer: North Tyneside accepts, Newcastle proposes a slot, North Tyneside accepts that one instead', async () => {
    // Prepare
    proposedStart = slotIn(3);

    // Act
    const accepted = await hub.call('POST', `/v1/meetings/${meetingId}/responses`, {
      token: tokens.ntCoordinator,
      body: { response: 'ACCEPT', slotId: 'slot-1', attendees: [{ agency: 'childrens-services', role: 'MSET coordinator' }] },
    });
    const proposed = await hub.call('POST', `/v1/meetings/${meetingId}/responses`, {
      token: tokens.newcastleChair,
      body: {
        response: 'PROPOSE',
        slot: { start: proposedStart, durationMinutes: 45 },
        attendees: [{ agency: 'police', role: 'DS, exploitation team' }],
      },
    });
    const changed = await hub.call('POST', `/v1/meetings/${meetingId}/responses`, {
      token: tokens.ntCoordinator,
      body: { response: 'ACCEPT', slotId: proposed.json?.slotId },
    });
    const view = await hub.call('GET', `/v1/meetings/${meetingId}`, { token: tokens.chair });

    // Assess
    expect(accepted.status).toBe(201);
    expect(accepted.json).toMatchObject({ meetingId, area: 'north-tyneside', response: 'ACCEPT', slotId: 'slot-1' });
    expect(proposed.status).toBe(201);
    expect(proposed.json).toMatchObject({ area: 'newcastle', response: 'PROPOSE', slotId: 'slot-3' });
    expect(changed.status).toBe(201);
    expect(view.status).toBe(200);
    expect(view.json.status).toBe('REQUESTED');
    expect(view.json.slots).toEqual([
      expect.objectContaining({ slotId: 'slot-1', proposedBy: 'northumberland' }),
      expect.objectContaining({ slotId: 'slot-2', proposedBy: 'northumberland' }),
      { slotId: 'slot-3', start: proposedStart, durationMinutes: 45, proposedBy: 'newcastle' },
    ]);
    expect(view.json.responses).toEqual([
      expect.objectContaining({ area: 'north-tyneside', response: 'ACCEPT', slotId: 'slot-3' }),
      expect.objectContaining({
        area: 'newcastle',
        response: 'PROPOSE',
        slotId: 'slot-3',
        attendees: [{ agency: 'police', role: 'DS, exploitation team' }],
        by: expect.objectContaining({ area: 'newcastle' }),
      }),
    ]);
  });

  it('the chair schedules the agreed slot (no force needed: North Tyneside accepted it)', async () => {
    // Act
    const response = await hub.call('POST', `/v1/meetings/${meetingId}/schedule`, { token: tokens.chair, body: { slotId: 'slot-3' } });

    // Assess
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ meetingId, status: 'SCHEDULED', slotId: 'slot-3', start: proposedStart, durationMinutes: 45 });
  });

  it('every participating area downloads the invitation', async () => {
    // Act
    calendars = {
      northumberland: await hub.call('GET', `/v1/meetings/${meetingId}/calendar.ics`, { token: tokens.chair }),
      'north-tyneside': await hub.call('GET', `/v1/meetings/${meetingId}/calendar.ics`, { token: tokens.ntPractitioner }),
      newcastle: await hub.call('GET', `/v1/meetings/${meetingId}/calendar.ics`, { token: tokens.newcastleChair }),
    };

    // Assess
    for (const [area, response] of Object.entries(calendars)) {
      expect(response.status, area).toBe(200);
      expect(response.headers.get('content-type'), area).toMatch(/^text\/calendar(;|$)/);
      expect(response.headers.get('content-disposition'), area).toMatch(/^attachment; filename="[^"]+\.ics"$/);
    }
    expect(calendars['north-tyneside']!.text).toBe(calendars['northumberland']!.text);
    expect(calendars['newcastle']!.text).toBe(calendars['northumberland']!.text);
  });

  it('the invitation is an RFC 5545 VCALENDAR whose VEVENT starts at the slot, naming the reference and the areas, and no child', () => {
    // Prepare
    const text = calendars['northumberland']!.text;

    // Act
    const calendar = parseCalendar(text);

    // Assess
    expect(calendar.name).toBe('VCALENDAR');
    expect(property(calendar, 'VERSION')).toBe('2.0');
    expect(property(calendar, 'PRODID')).toBeTruthy();
    const events = calendar.children.filter((child) => child.name === 'VEVENT');
    expect(events).toHaveLength(1);
    const event = events[0]!;
    expect(property(event, 'DTSTART')).toBe(icsUtc(proposedStart));
    expect(property(event, 'DTEND')).toBe(icsUtc(new Date(new Date(proposedStart).getTime() + 45 * 60_000).toISOString()));
    expect(property(event, 'UID')).toContain(meetingId);
    expect(property(event, 'DTSTAMP')).toMatch(/^\d{8}T\d{6}Z$/);
    const words = unescapeText(`${property(event, 'SUMMARY')}\n${property(event, 'DESCRIPTION')}`);
    expect(words).toContain(`MSET-${meetingId.slice(0, 8).toUpperCase()}`);
    for (const name of ['Northumberland', 'North Tyneside', 'Newcastle']) expect(words).toContain(name);
    expect(words.toLowerCase()).toContain('hybrid');
    // Nothing about the child, nor the alert that names it
    const unfolded = text.replace(/\r\n[ \t]/g, '');
    for (const secret of ['Child-Alpha', 'Test Child', '2011-01-01', '20110101', REASON, AGENDA, 'Synthetic', alertId]) {
      expect(unfolded, secret).not.toContain(secret);
    }
  });

  it('the chair records the outcome after the start, with actions owned by each area', async () => {
    // Prepare
    await sleepUntil(proposedStart);

    // Act
    const response = await hub.call('POST', `/v1/meetings/${meetingId}/record`, {
      token: tokens.chair,
      body: {
        attendance: [
          { area: 'northumberland', agency: 'police' },
          { area: 'northumberland', agency: 'childrens-services' },
          { area: 'north-tyneside', agency: 'childrens-services' },
          { area: 'newcastle', agency: 'police' },
        ],
        decisions: DECISIONS,
        disruptionPlan: PLAN,
        reviewDate: isoDay(28),
        actions: [
          {
            description: 'Synthetic action: return home interview',
            ownerArea: 'north-tyneside',
            ownerAgency: 'childrens-services',
            dueBy: isoDay(7),
          },
          { description: 'Synthetic action: share the patrol plan', ownerArea: 'northumberland', ownerAgency: 'police', dueBy: isoDay(14) },
          {
            description: 'Synthetic action: check the address (already late)',
            ownerArea: 'newcastle',
            ownerAgency: 'police',
            dueBy: isoDay(-3),
          },
        ],
      },
    });

    // Assess
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ meetingId, status: 'HELD' });
    recordedActions = response.json.actions;
    expect(recordedActions.map((item) => item.ownerArea)).toEqual(['north-tyneside', 'northumberland', 'newcastle']);
    expect(new Set(recordedActions.map((item) => item.actionId)).size).toBe(3);
    expect(response.text).not.toContain('Synthetic');
  });

  it('North Tyneside marks its own action done with a note', async () => {
    // Prepare
    const own = recordedActions.find((item) => item.ownerArea === 'north-tyneside')!;

    // Act
    const response = await hub.call('PATCH', `/v1/meetings/${meetingId}/actions/${own.actionId}`, {
      token: tokens.ntPractitioner,
      body: { status: 'DONE', note: NOTE },
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ meetingId, actionId: own.actionId, status: 'DONE' });
  });

  it('North Tyneside may not update an action another area owns (403)', async () => {
    // Prepare
    const others = recordedActions.filter((item) => item.ownerArea !== 'north-tyneside');

    // Act
    const responses = await Promise.all(
      others.map((item) =>
        hub.call('PATCH', `/v1/meetings/${meetingId}/actions/${item.actionId}`, {
          token: tokens.ntCoordinator,
          body: { status: 'DONE', note: 'Not ours' },
        }),
      ),
    );

    // Assess
    expect(responses.map((response) => response.status)).toEqual([403, 403]);
  });

  it('every participating area sees the same record and action list, with the overdue action flagged', async () => {
    // Act
    views = {
      northumberland: await hub.call('GET', `/v1/meetings/${meetingId}`, { token: tokens.chair }),
      'north-tyneside': await hub.call('GET', `/v1/meetings/${meetingId}`, { token: tokens.ntPractitioner }),
      newcastle: await hub.call('GET', `/v1/meetings/${meetingId}`, { token: tokens.newcastleChair }),
    };

    // Assess
    for (const [area, view] of Object.entries(views)) {
      expect(view.status, area).toBe(200);
      expect(view.json, area).toMatchObject({
        meetingId,
        requestingArea: 'northumberland',
        invitedAreas: ['north-tyneside', 'newcastle'],
        status: 'HELD',
        format: 'HYBRID',
        subject: { name: { given: 'Test', family: 'Child-Alpha' }, dateOfBirth: '2011-01-01' },
        reason: REASON,
        agenda: AGENDA,
        scheduled: { slotId: 'slot-3', start: proposedStart, durationMinutes: 45 },
        record: { decisions: DECISIONS, disruptionPlan: PLAN, reviewDate: isoDay(28), by: { area: 'northumberland' } },
        overdueActions: 1,
      });
      expect(view.json.record.attendance, area).toHaveLength(4);
      const actions = view.json.actions as Array<Record<string, any>>;
      expect(
        actions.map((item) => [item.ownerArea, item.status, item.overdue]),
        area,
      ).toEqual([
        ['north-tyneside', 'DONE', false],
        ['northumberland', 'OPEN', false],
        ['newcastle', 'OPEN', true],
      ]);
      expect(actions[0]!.description).toBe('Synthetic action: return home interview');
      expect(actions[0]!.latestUpdates, area).toEqual([
        {
          number: 1,
          status: 'DONE',
          note: NOTE,
          at: expect.any(String),
          by: expect.objectContaining({ area: 'north-tyneside', agency: 'health' }),
        },
      ]);
      expect(actions.map((item) => item.updateCount)).toEqual([1, 0, 0]);
      // Staff are named across areas, but their token subjects stay in the audit trail
      expect(view.text, area).not.toContain('test-north-tyneside');
    }
    // The same meeting for all, but for the linked alerts
    const withoutAlerts = (view: TestResponse) => ({ ...view.json, alertIds: undefined });
    expect(withoutAlerts(views['north-tyneside']!)).toEqual(withoutAlerts(views['northumberland']!));
    expect(withoutAlerts(views['newcastle']!)).toEqual(withoutAlerts(views['northumberland']!));
  });

  it('the linked alert shows only to areas that already had it: Northumberland and North Tyneside, not Newcastle', async () => {
    // Act
    const newcastleAlert = await hub.call('GET', `/v1/alerts/${alertId}`, { token: tokens.newcastleChair });

    // Assess
    expect(views['northumberland']!.json.alertIds).toEqual([alertId]);
    expect(views['north-tyneside']!.json.alertIds).toEqual([alertId]);
    expect(views['newcastle']!.json.alertIds).toEqual([]);
    expect(views['newcastle']!.text).not.toContain(alertId);
    expect(newcastleAlert.status).toBe(404);
  });

  it('after the meeting is held, no more answers are taken (409)', async () => {
    // Act
    const late = await hub.call('POST', `/v1/meetings/${meetingId}/responses`, {
      token: tokens.newcastleChair,
      body: { response: 'DECLINE', reason: 'Too late' },
    });

    // Assess
    expect(late.status).toBe(409);
    expect(late.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('Gateshead, not invited, learns nothing', () => {
  it('gets 404 on every meeting route, exactly as for a meeting that does not exist', async () => {
    // Prepare
    const missing = crypto.randomUUID();
    const token = tokens.gatesheadChair;
    const calls = (id: string) => [
      hub.call('GET', `/v1/meetings/${id}`, { token }),
      hub.call('POST', `/v1/meetings/${id}/responses`, { token, body: { response: 'ACCEPT', slotId: 'slot-1' } }),
      hub.call('POST', `/v1/meetings/${id}/schedule`, { token, body: { slotId: 'slot-1', force: true } }),
      hub.call('POST', `/v1/meetings/${id}/cancel`, { token, body: { reason: 'Synthetic' } }),
      hub.call('GET', `/v1/meetings/${id}/calendar.ics`, { token }),
      hub.call('POST', `/v1/meetings/${id}/record`, {
        token,
        body: { attendance: [{ area: 'gateshead', agency: 'police' }], decisions: 'Synthetic', reviewDate: isoDay(7), actions: [] },
      }),
      hub.call('PATCH', `/v1/meetings/${id}/actions/${recordedActions[0]!.actionId}`, {
        token,
        body: { status: 'DONE', note: 'Synthetic' },
      }),
      hub.call('GET', `/v1/meetings/${id}/audit`, { token }),
    ];
    const stripInstance = (response: TestResponse) => ({ ...response.json, instance: undefined });

    // Act
    const real = await Promise.all(calls(meetingId));
    const absent = await Promise.all(calls(missing));
    const inbox = await hub.call('GET', '/v1/meetings?box=inbox', { token });
    const outbox = await hub.call('GET', '/v1/meetings?box=outbox', { token });

    // Assess
    expect(real).toHaveLength(8);
    for (const [index, response] of real.entries()) {
      expect(response.status, `route ${index}`).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(stripInstance(response)).toEqual(stripInstance(absent[index]!));
      expect(response.json.detail).toBe('No such meeting');
      expect(response.text).not.toContain('Child-Alpha');
    }
    expect(inbox.status).toBe(200);
    expect(inbox.json.items).toEqual([]);
    expect(outbox.json.items).toEqual([]);
  });
});

describe('inbox and outbox', () => {
  let others: string[];

  beforeAll(async () => {
    // Two more meetings from Northumberland to North Tyneside only: one left requested, one cancelled.
    others = [];
    for (const reason of ['Synthetic second meeting', 'Synthetic third meeting']) {
      const created = await hub.call('POST', '/v1/meetings', { token: tokens.chair, body: sampleMeeting(['north-tyneside'], { reason }) });
      expect(created.status).toBe(201);
      others.push(created.json.meetingId);
    }
    const cancelled = await hub.call('POST', `/v1/meetings/${others[1]}/cancel`, {
      token: tokens.chair,
      body: { reason: 'Synthetic: child returned home' },
    });
    expect(cancelled.status).toBe(200);
  });

  it('the outbox pages newest first with limit=1 over the three meetings, each once', async () => {
    // Act
    const pages: TestResponse[] = [];
    let cursor: string | undefined;
    do {
      const page = await hub.call(
        'GET',
        `/v1/meetings?box=outbox&limit=1${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
        {
          token: tokens.chair,
        },
      );
      pages.push(page);
      cursor = page.json?.nextCursor;
    } while (cursor !== undefined && pages.length < 10);

    // Assess
    expect(pages.every((page) => page.status === 200)).toBe(true);
    const ids = pages.flatMap((page) => page.json.items.map((item: { meetingId: string }) => item.meetingId));
    expect(ids).toEqual([others[1], others[0], meetingId]);
    expect(pages.slice(0, 2).every((page) => page.json.items.length === 1)).toBe(true);
  });

  it('the status filter picks the held, requested and cancelled meetings out of the outbox', async () => {
    // Act
    const held = await hub.call('GET', '/v1/meetings?box=outbox&status=HELD', { token: tokens.chair });
    const requested = await hub.call('GET', '/v1/meetings?box=outbox&status=REQUESTED', { token: tokens.chair });
    const cancelled = await hub.call('GET', '/v1/meetings?box=outbox&status=CANCELLED', { token: tokens.chair });
    const scheduled = await hub.call('GET', '/v1/meetings?box=outbox&status=SCHEDULED', { token: tokens.chair });

    // Assess
    const idsOf = (response: TestResponse) => response.json.items.map((item: { meetingId: string }) => item.meetingId);
    expect(idsOf(held)).toEqual([meetingId]);
    expect(idsOf(requested)).toEqual([others[0]]);
    expect(idsOf(cancelled)).toEqual([others[1]]);
    expect(idsOf(scheduled)).toEqual([]);
  });

  it('the summary flags the overdue open action and counts the open ones, without child content', async () => {
    // Act
    const outbox = await hub.call('GET', '/v1/meetings?box=outbox&status=HELD', { token: tokens.chair });

    // Assess
    expect(outbox.json.items[0]).toEqual({
      meetingId,
      requestingArea: 'northumberland',
      invitedAreas: ['north-tyneside', 'newcastle'],
      status: 'HELD',
      format: 'HYBRID',
      createdAt: expect.any(String),
      scheduledStart: proposedStart,
      responses: [
        { area: 'north-tyneside', response: 'ACCEPT' },
        { area: 'newcastle', response: 'PROPOSE' },
      ],
      openActions: 2,
      overdueActions: 1,
    });
    expect(outbox.text).not.toMatch(/Child-Alpha|Synthetic|2011-01-01/);
  });

  it("the invited areas' inboxes hold their meetings only; the requester's inbox is empty", async () => {
    // Act
    const northTyneside = await hub.call('GET', '/v1/meetings?box=inbox', { token: tokens.ntPractitioner });
    const newcastle = await hub.call('GET', '/v1/meetings?box=inbox', { token: tokens.newcastleChair });
    const newcastleHeld = await hub.call('GET', '/v1/meetings?box=inbox&status=HELD', { token: tokens.newcastleChair });
    const requesterInbox = await hub.call('GET', '/v1/meetings', { token: tokens.chair });

    // Assess
    const idsOf = (response: TestResponse) => response.json.items.map((item: { meetingId: string }) => item.meetingId);
    expect(idsOf(northTyneside)).toEqual([others[1], others[0], meetingId]);
    expect(idsOf(newcastle)).toEqual([meetingId]);
    expect(newcastleHeld.json.items[0]).toMatchObject({ meetingId, overdueActions: 1, openActions: 2 });
    expect(idsOf(requesterInbox)).toEqual([]);
  });
});

describe("the meeting's access history", () => {
  type Entry = { action: string; outcome: string; actor: { area: string } };
  const stepsOf = (response: TestResponse) =>
    (response.json.items as Entry[]).map((item) => `${item.actor.area} ${item.action} ${item.outcome}`);

  it('shows the requester every step by area, Gateshead refusals included', async () => {
    // Prepare
    await hub.drainAudit();

    // Act
    const history = await hub.call('GET', `/v1/meetings/${meetingId}/audit?limit=500`, { token: tokens.chair });

    // Assess
    expect(history.status).toBe(200);
    expect(history.json.meetingId).toBe(meetingId);
    const steps = stepsOf(history);
    expect(steps).toEqual(
      expect.arrayContaining([
        'northumberland MEETING_REQUEST SUCCESS',
        'north-tyneside MEETING_RESPOND SUCCESS',
        'newcastle MEETING_RESPOND SUCCESS',
        'northumberland MEETING_VIEW SUCCESS',
        'northumberland MEETING_SCHEDULE SUCCESS',
        'northumberland MEETING_CALENDAR SUCCESS',
        'north-tyneside MEETING_CALENDAR SUCCESS',
        'newcastle MEETING_CALENDAR SUCCESS',
        'northumberland MEETING_RECORD SUCCESS',
        'north-tyneside MEETING_ACTION_UPDATE SUCCESS',
        'north-tyneside MEETING_ACTION_UPDATE FORBIDDEN',
        'north-tyneside MEETING_VIEW SUCCESS',
        'newcastle MEETING_VIEW SUCCESS',
        'newcastle MEETING_RESPOND CONFLICT',
        'gateshead MEETING_VIEW NOT_FOUND',
        'gateshead MEETING_RECORD NOT_FOUND',
        'gateshead MEETING_AUDIT_READ NOT_FOUND',
      ]),
    );
    expect(steps.filter((step) => step === 'north-tyneside MEETING_RESPOND SUCCESS')).toHaveLength(2);
    expect(steps.filter((step) => step.startsWith('gateshead '))).toHaveLength(8);
    // Newest first
    const times = (history.json.items as Array<{ occurredAt: string }>).map((item) => item.occurredAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(history.text).not.toMatch(/Child-Alpha|Synthetic/);
  });

  it("shows an invited area the participating areas' steps, not an outsider's refusals", async () => {
    // Act
    const history = await hub.call('GET', `/v1/meetings/${meetingId}/audit?limit=500`, { token: tokens.ntCoordinator });

    // Assess
    expect(history.status).toBe(200);
    const steps = stepsOf(history);
    expect(steps).toEqual(expect.arrayContaining(['northumberland MEETING_RECORD SUCCESS', 'newcastle MEETING_RESPOND SUCCESS']));
    expect(steps.some((step) => step.startsWith('gateshead '))).toBe(false);
  });
});
