/**
 * Round trips per request, counted at the adapter boundary (local/call-meter.ts): every call each route
 * makes to DynamoDB, the key service and the queues, and the longest chain of calls made one after another.
 * Asserted exactly: a change that adds a call or a link to a route fails here, and one that removes some
 * updates the table (and the README). The alert routes' figures are issue 11's shorter chains and issue
 * 12's keys per reader: a creation asks for one data key per reader (R recipients: R + 1), a read opens one
 * (the caller's own copy, whatever it holds), a listing none.
 * Counts, never times: the chain is ordered by the meter's ticks, not the clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallMeter, type CallSummary, PROFILES, summarize } from '../../local/call-meter.js';
import { callScenarios, movableClock, type Scenario } from '../support/call-scenarios.js';
import { startTestHub, type TestHub } from '../support/hub.js';

type Expected = { route: string } & CallSummary;
const calls = (route: string, dynamodb: number, kms: number, audit: number, chain: number): Expected => ({
  route,
  dynamodb,
  kms,
  audit,
  notifications: 0,
  chain,
});

/** Scenario name → the route key the gateway matched, and the calls of one request (docs/examples/alert.json: 6 sections). */
const EXPECTED: Record<string, Expected> = {
  'GET /health': calls('GET /health', 0, 0, 0, 0),
  'GET /v1/areas': calls('GET /v1/areas', 0, 0, 0, 0),
  // The intent and the audit record beside the keys; the shares; the commit beside the history record. (No
  // committed check: the alert's id is new, so nothing can be committed under it.)
  'POST /v1/alerts': calls('POST /v1/alerts', 4, 2, 1, 3),
  'POST /v1/alerts (3 recipients)': calls('POST /v1/alerts', 4, 4, 1, 3),
  // With them, no link more: the claim beside the keys, the answer to replay beside the shares.
  'POST /v1/alerts (Idempotency-Key)': calls('POST /v1/alerts', 6, 2, 1, 3),
  'GET /v1/alerts?box=inbox': calls('GET /v1/alerts', 2, 0, 1, 3),
  // The page's alerts (each with its shares' summaries) and the shares changed since the fold, together.
  'GET /v1/alerts?box=outbox': calls('GET /v1/alerts', 2, 0, 1, 2),
  // One Query of the alert's partition; then the caller's key beside the audit record.
  'GET /v1/alerts/{alertId} (sender)': calls('GET /v1/alerts/{alertId}', 1, 1, 1, 2),
  'GET /v1/alerts/{alertId} (sender, 3 recipients, 2 notes)': calls('GET /v1/alerts/{alertId}', 1, 1, 1, 2),
  'GET /v1/alerts/{alertId} (recipient)': calls('GET /v1/alerts/{alertId}', 1, 1, 1, 2),
  // The note is sealed into the recipient's copy and the sender's: both keys, beside the audit record.
  'POST /v1/alerts/{alertId}/acknowledgements': calls('POST /v1/alerts/{alertId}/acknowledgements', 2, 2, 1, 3),
  'POST /v1/alerts/{alertId}/acknowledgements (no note)': calls('POST /v1/alerts/{alertId}/acknowledgements', 2, 0, 1, 3),
  // A status filter is one key range of an index: one that matches nothing is one query, and no commit check.
  'GET /v1/alerts?box=inbox&status=ACKNOWLEDGED (none match)': calls('GET /v1/alerts', 1, 0, 1, 2),
  // The forwards and the ended share come with the same Query; their reasons are parts of the sender's copy.
  'GET /v1/alerts/{alertId} (sender, after a forward and a revocation)': calls('GET /v1/alerts/{alertId}', 1, 1, 1, 2),
  // A share's life. The alert's partition; the keys beside the audit record (the sender opens its own copy
  // and makes the new reader's key: 1 Decrypt + 1 GenerateDataKey; a recipient opens its own copy and the
  // sender's, for the reason: 2 Decrypts + 1); the forward beside the new holder (a share is reached only
  // through its alert's holders, so the holder comes first); the new share; then the source share read
  // again (a recipient's forward only: after the share is stored), so a forward never outlives its source.
  'POST /v1/alerts/{alertId}/forwards (sender)': calls('POST /v1/alerts/{alertId}/forwards', 5, 2, 1, 4),
  'POST /v1/alerts/{alertId}/forwards (recipient)': calls('POST /v1/alerts/{alertId}/forwards', 6, 3, 1, 5),
  // A request: the reason under the sender's key, the forward item, then the sender's mailbox told.
  'POST /v1/alerts/{alertId}/forwards (awaiting approval)': {
    ...calls('POST /v1/alerts/{alertId}/forwards', 2, 1, 1, 4),
    notifications: 1,
  },
  // An approval: the decision (conditional) before the new holder, then the share and the source read
  // again as a forward's, then the asking area told.
  'POST /v1/alerts/{alertId}/forwards/{forwardId}/decision': {
    ...calls('POST /v1/alerts/{alertId}/forwards/{forwardId}/decision', 6, 2, 1, 7),
    notifications: 1,
  },
  // The share ended; its area's hold on the history ended beside the search for shares forwarded from it
  // and the area told (those whose shares ended with it, if any, after the search).
  'POST /v1/alerts/{alertId}/shares/{area}/revoke': {
    ...calls('POST /v1/alerts/{alertId}/shares/{area}/revoke', 4, 1, 1, 4),
    notifications: 1,
  },
  // The share's new end and ladder, then the alert's and the history record's ends side by side.
  'POST /v1/alerts/{alertId}/shares/{area}/extension': calls('POST /v1/alerts/{alertId}/shares/{area}/extension', 4, 1, 1, 4),
  'GET /v1/alerts/{alertId}/audit': calls('GET /v1/alerts/{alertId}/audit', 2, 0, 1, 3),
  // As an alert's creation: the intent and the audit record beside the key; the listing rows; the meeting
  // item beside the history record.
  'POST /v1/meetings': calls('POST /v1/meetings', 4, 1, 1, 3),
  // With them, as an alert's: the claim beside the key, the answer to replay beside the parts.
  'POST /v1/meetings (Idempotency-Key)': calls('POST /v1/meetings', 6, 1, 1, 3),
  'GET /v1/meetings?box=inbox': calls('GET /v1/meetings', 2, 0, 1, 3),
  'GET /v1/meetings/{meetingId}': calls('GET /v1/meetings/{meetingId}', 1, 1, 1, 2),
  // The head alone, whatever the actions' histories: it holds each action's latest updates.
  'GET /v1/meetings/{meetingId} (an action updated 5 times)': calls('GET /v1/meetings/{meetingId}', 1, 1, 1, 2),
  // The head; then a page of notes beside the meeting's key and the audit record. A page among the latest
  // updates the head holds reads nothing more.
  'GET /v1/meetings/{meetingId}/actions/{actionId}/updates (5 updates)': calls(
    'GET /v1/meetings/{meetingId}/actions/{actionId}/updates',
    2,
    1,
    1,
    2,
  ),
  'GET /v1/meetings/{meetingId}/actions/{actionId}/updates (2 updates, all on the head)': calls(
    'GET /v1/meetings/{meetingId}/actions/{actionId}/updates',
    1,
    1,
    1,
    2,
  ),
  'POST /v1/meetings/{meetingId}/responses': calls('POST /v1/meetings/{meetingId}/responses', 2, 1, 1, 3),
  'POST /v1/meetings/{meetingId}/schedule': calls('POST /v1/meetings/{meetingId}/schedule', 2, 0, 1, 3),
  'POST /v1/meetings/{meetingId}/cancel': calls('POST /v1/meetings/{meetingId}/cancel', 2, 1, 1, 3),
  'GET /v1/meetings/{meetingId}/calendar.ics': calls('GET /v1/meetings/{meetingId}/calendar.ics', 1, 0, 1, 2),
  'POST /v1/meetings/{meetingId}/record': calls('POST /v1/meetings/{meetingId}/record', 2, 1, 1, 3),
  'PATCH /v1/meetings/{meetingId}/actions/{actionId}': calls('PATCH /v1/meetings/{meetingId}/actions/{actionId}', 3, 1, 1, 4),
  'GET /v1/meetings/{meetingId}/audit': calls('GET /v1/meetings/{meetingId}/audit', 2, 0, 1, 3),
  'GET /v1/unknown (ANY /v1/{proxy+})': calls('ANY /v1/{proxy+}', 0, 0, 0, 0),
  // The person's session; the draft opened beside the form's claim; the creation's three links (no committed
  // check: the claim is new, and the page to go to is remembered beside the shares); the draft cleared.
  'console POST /alerts/new/check (Send alert)': calls('$default', 8, 3, 1, 6),
  // The session; the form's claim; the creation's three links, the page to go to remembered beside the rows.
  'console POST /meetings/new (Send request)': calls('$default', 7, 1, 1, 5),
  // The session; the form's claim; then the API's acknowledgement (the Query, the audit event, the write);
  // then the form's answer remembered (an acknowledgement has no commit to prove it by).
  'console POST /alerts/{alertId} (Send acknowledgement)': calls('$default', 5, 0, 1, 6),
  // A page right after another (the scenario checks the session first): the session was just touched, so
  // it is read, not rewritten; a session idle for a while adds an UpdateCommand and a link.
  'console GET /alerts': calls('$default', 3, 0, 1, 4),
  'console GET /alerts/{alertId}': calls('$default', 2, 1, 1, 3),
  'console GET /meetings/{meetingId}': calls('$default', 2, 1, 1, 3),
  'console GET /meetings/{meetingId}/actions/{actionId}/updates (5 updates)': calls('$default', 3, 1, 1, 3),
};

const meter = new CallMeter();
const clock = movableClock();
let hub: TestHub;
let scenarios: Scenario<any>[];

beforeAll(async () => {
  hub = await startTestHub({ meter, clock });
  scenarios = await callScenarios(hub, clock);
});

afterAll(async () => {
  await hub?.stop();
});

describe('calls to AWS per request, at the adapter boundary', () => {
  it('every scenario has its expected figures, and every route of the list is among them', async () => {
    const { ROUTE_LIST } = await import('../../functions/routes.js');
    expect(scenarios.map((scenario) => scenario.name).sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(new Set(Object.values(EXPECTED).map((expected) => expected.route))).toEqual(new Set(ROUTE_LIST.map((route) => route.routeKey)));
  });

  it('each route makes exactly the calls and the chain it makes today', async () => {
    const measured: Record<string, Expected> = {};
    for (const scenario of scenarios) {
      const state = await scenario.prepare();
      // The audit consumer's own writes run outside any request; drained so nothing is in flight.
      await hub.drainAudit();
      meter.take();
      await scenario.request(state);
      const traces = meter.take();
      expect(traces, scenario.name).toHaveLength(1);
      measured[scenario.name] = { route: traces[0]!.routeKey, ...summarize(traces[0]!.calls) };
    }
    expect(measured).toEqual(EXPECTED);
  });

  it('each route makes the same calls and chain with every call delayed as on AWS (the mid profile)', async () => {
    // A chain is counted as the calls ran: one started as soon as it could may fall after another and add a
    // link that the undelayed run, where the calls end in another order, does not show. (A hub of its own:
    // the scenarios expect the state they left behind in one pass.)
    const delayedMeter = new CallMeter();
    const delayedClock = movableClock();
    const delayed = await startTestHub({ meter: delayedMeter, clock: delayedClock });
    try {
      const measured: Record<string, Expected> = {};
      for (const scenario of await callScenarios(delayed, delayedClock)) {
        const state = await scenario.prepare();
        await delayed.drainAudit();
        delayedMeter.take();
        delayedMeter.setProfile(PROFILES.mid);
        try {
          await scenario.request(state);
        } finally {
          delayedMeter.setProfile(undefined);
        }
        const traces = delayedMeter.take();
        expect(traces, scenario.name).toHaveLength(1);
        measured[scenario.name] = { route: traces[0]!.routeKey, ...summarize(traces[0]!.calls) };
      }
      expect(measured).toEqual(EXPECTED);
    } finally {
      await delayed.stop();
    }
  }, 60_000);

  it("the audit consumer's writes are not counted as a request's", async () => {
    // Prepare
    const create = scenarios.find((scenario) => scenario.name === 'POST /v1/alerts')!;
    const body = await create.prepare();
    meter.take();

    // Act
    await create.request(body);
    await hub.drainAudit();

    // Assess
    const traces = meter.take();
    expect(traces.map((trace) => trace.routeKey)).toEqual(['POST /v1/alerts']);
    // The intent, the alert and the history record: the audit record goes to the queue, not the table.
    expect(traces[0]!.calls.filter((call) => call.operation === 'PutCommand')).toHaveLength(3);
  });
});
