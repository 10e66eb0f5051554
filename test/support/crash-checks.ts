/**
 * What a crash test checks once the dust has settled: the hub's state read two ways, through the API
 * (every area's listings, and each alert and meeting opened by every area that should see it) and straight
 * from the tables (dynalite opened on the stopped hub's data directory, scanned whole), and the crash-safety
 * invariants judged on both against what the clients were told.
 */
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_TABLE_NAMES, localDynamoClient, repairTableIndexes, startDynalite } from '../../local/dynamodb.js';
import { createdId, finalStatus, lastOutcome, needsRetry, type RecordedRequest, type Tokens } from './crash-client.js';

type Item = Record<string, any>;

export type Tables = { readonly alerts: Item[]; readonly audit: Item[]; readonly meetings: Item[]; readonly idempotency: Item[] };

/** Every item of every table. Only for a stopped hub: dynalite's LevelDB admits one process at a time. */
/**
 * How many index entries disagree with their tables (local/dynamodb.ts repairIndexes, counting only): none
 * after a clean stop, since each start after a kill repairs what the kill left.
 */
export async function indexMismatches(dataDir: string): Promise<number> {
  const dynamo = await startDynalite(dataDir);
  const client = localDynamoClient(dynamo.endpoint);
  try {
    return await repairTableIndexes(client, LOCAL_TABLE_NAMES, { countOnly: true });
  } finally {
    client.destroy();
    await dynamo.close();
  }
}

export async function scanTables(dataDir: string): Promise<Tables> {
  const dynamo = await startDynalite(dataDir);
  const client = localDynamoClient(dynamo.endpoint);
  const documents = DynamoDBDocumentClient.from(client);
  try {
    const scan = async (tableName: string) => {
      const items: Item[] = [];
      let start: Item | undefined;
      do {
        const page = await documents.send(
          new ScanCommand({ TableName: tableName, ...(start === undefined ? {} : { ExclusiveStartKey: start }) }),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
      return items;
    };
    return {
      alerts: await scan(LOCAL_TABLE_NAMES.alerts),
      audit: await scan(LOCAL_TABLE_NAMES.audit),
      meetings: await scan(LOCAL_TABLE_NAMES.meetings),
      idempotency: await scan(LOCAL_TABLE_NAMES.idempotency),
    };
  } finally {
    client.destroy();
    await dynamo.close();
  }
}

/** An alert's items: the alert itself and its share records, and anything else stored under its key. */
type AlertItems = { readonly id: string; alert?: Item; readonly shares: Map<string, Item>; readonly other: Item[] };
/** A meeting's items: the meeting itself and one listing row per participating area. */
type MeetingItems = { readonly id: string; meeting?: Item; readonly rows: Set<string>; readonly other: Item[] };

export function alertsIn(tables: Tables): Map<string, AlertItems> {
  const groups = new Map<string, AlertItems>();
  for (const item of tables.alerts) {
    const match = /^ALERT#(.+)$/.exec(String(item['pk']));
    if (match === null) continue;
    const id = match[1]!;
    const group: AlertItems = groups.get(id) ?? { id, shares: new Map(), other: [] };
    groups.set(id, group);
    const sk = String(item['sk']);
    if (sk === 'ALERT') group.alert = item;
    else if (sk.startsWith('SHARE#')) group.shares.set(sk.slice('SHARE#'.length), item);
    else group.other.push(item);
  }
  return groups;
}

export function meetingsIn(tables: Tables): Map<string, MeetingItems> {
  const groups = new Map<string, MeetingItems>();
  for (const item of tables.meetings) {
    const match = /^MEETING#(.+)$/.exec(String(item['pk']));
    if (match === null) continue;
    const id = match[1]!;
    const group: MeetingItems = groups.get(id) ?? { id, rows: new Set(), other: [] };
    groups.set(id, group);
    const sk = String(item['sk']);
    if (sk === 'MEETING') group.meeting = item;
    else if (sk.startsWith('AREA#')) group.rows.add(sk.slice('AREA#'.length));
    else group.other.push(item);
  }
  return groups;
}

/** Each area's answer as the meeting's head holds it (`answers`; `responses` in a meeting stored as one item). */
function answersOf(head: Record<string, any> | undefined): Record<string, { response?: string }> | undefined {
  return head?.['answers'] ?? head?.['responses'];
}

export type KnownRecords = {
  readonly alerts: ReadonlyMap<string, { sender: string; recipients: Iterable<string> }>;
  readonly meetings: ReadonlyMap<string, { requester: string; invited: Iterable<string> }>;
};

/**
 * Every alert and meeting the tables or the clients know of, with the areas that might see it: any item
 * at all under an id counts, so a fragment without its main item is still opened by the areas its
 * fragments name, which is how its invisibility is shown rather than assumed.
 */
export function knownRecords(data: Tables, requests: readonly RecordedRequest[], senderArea: string): KnownRecords {
  const alerts = new Map<string, { sender: string; recipients: string[] }>();
  for (const [id, group] of alertsIn(data)) {
    const recipients: string[] = group.alert?.['recipients'] ?? [];
    alerts.set(id, {
      sender: group.alert?.['senderArea'] ?? senderArea,
      recipients: [...new Set([...recipients, ...group.shares.keys()])],
    });
  }
  const meetings = new Map<string, { requester: string; invited: string[] }>();
  for (const [id, group] of meetingsIn(data)) {
    const invited: string[] = group.meeting?.['invitedAreas'] ?? [];
    meetings.set(id, { requester: group.meeting?.['requestingArea'] ?? senderArea, invited: [...new Set([...invited, ...group.rows])] });
  }
  for (const request of requests) {
    const id = createdId(request);
    if (id === undefined) continue;
    if (request.operation === 'create-alert' && !alerts.has(id)) {
      alerts.set(id, { sender: senderArea, recipients: request.body.recipients.map((recipient: { area: string }) => recipient.area) });
    }
    if (request.operation === 'request-meeting' && !meetings.has(id)) {
      meetings.set(id, { requester: senderArea, invited: request.body.invitedAreas });
    }
  }
  return { alerts, meetings };
}

type Reply = { readonly status: number; readonly json: any };

/** What every area sees, through the API. */
export type ApiSnapshot = {
  /** `area box` → the alert ids that listing returned, every page of it. */
  readonly alertListings: Map<string, Set<string>>;
  readonly meetingListings: Map<string, Set<string>>;
  /** `id area` → the answer to GET of that alert or meeting with a coordinator token of that area. */
  readonly alertViews: Map<string, Reply>;
  readonly meetingViews: Map<string, Reply>;
};

const BOXES = ['inbox', 'outbox'] as const;
const PAGE = 100;
/** A runaway cursor must end the listing, not the test's time. */
const MAX_PAGES = 50;

/**
 * Lists every box of every area, then opens each alert and meeting that any listing, the tables or the
 * clients know of, as its sender and as every area that is, or claims to be, among its recipients.
 */
export async function readThroughApi(
  url: string,
  tokens: Tokens,
  areas: readonly string[],
  known: KnownRecords,
  concurrency = 6,
): Promise<ApiSnapshot> {
  // A 503 says nothing was released and to try again shortly, as a client would: what is checked here is
  // what is stored, not whether the hub was available at that moment. Each one is reported, not hidden.
  const get = async (path: string, token: string): Promise<Reply> => {
    for (let attempt = 1; ; attempt += 1) {
      const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(15_000) });
      const text = await response.text();
      const reply = { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
      if (reply.status !== 503 || attempt === 3) return reply;
      console.warn(`read-through: ${path.split('?')[0]} answered 503 (try ${attempt}); trying again`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
  const list = async (resource: 'alerts' | 'meetings', area: string, box: string): Promise<{ ids: Set<string>; items: any[] }> => {
    const ids = new Set<string>();
    const items: any[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const query = `box=${box}&limit=${PAGE}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
      const reply = await get(`/v1/${resource}?${query}`, tokens.coordinators[area]!);
      if (reply.status !== 200)
        throw new Error(`Listing ${resource} ${area} ${box} answered ${reply.status}: ${JSON.stringify(reply.json)}`);
      for (const item of reply.json.items) {
        ids.add(resource === 'alerts' ? item.alertId : item.meetingId);
        items.push(item);
      }
      cursor = reply.json.nextCursor;
      if (cursor === undefined) break;
    }
    return { ids, items };
  };

  const alertListings = new Map<string, Set<string>>();
  const meetingListings = new Map<string, Set<string>>();
  // Who else may be involved, by what the listings themselves claim.
  const alertAreas = new Map<string, Set<string>>();
  const meetingAreas = new Map<string, Set<string>>();
  const involve = (map: Map<string, Set<string>>, id: string, found: Iterable<string>) => {
    const set = map.get(id) ?? new Set<string>();
    for (const area of found) set.add(area);
    map.set(id, set);
  };
  await limited(
    concurrency,
    areas.flatMap((area) => BOXES.map((box) => [area, box] as const)),
    async ([area, box]) => {
      const alerts = await list('alerts', area, box);
      alertListings.set(`${area} ${box}`, alerts.ids);
      for (const item of alerts.items) involve(alertAreas, item.alertId, [area, item.fromArea, ...item.toAreas]);
      const meetings = await list('meetings', area, box);
      meetingListings.set(`${area} ${box}`, meetings.ids);
      for (const item of meetings.items) involve(meetingAreas, item.meetingId, [area, item.requestingArea, ...item.invitedAreas]);
    },
  );
  for (const [id, alert] of known.alerts) involve(alertAreas, id, [alert.sender, ...alert.recipients]);
  for (const [id, meeting] of known.meetings) involve(meetingAreas, id, [meeting.requester, ...meeting.invited]);

  const alertViews = new Map<string, Reply>();
  const meetingViews = new Map<string, Reply>();
  await limited(
    concurrency,
    [...alertAreas].flatMap(([id, involved]) => [...involved].map((area) => [id, area] as const)),
    async ([id, area]) => {
      alertViews.set(`${id} ${area}`, await get(`/v1/alerts/${id}`, tokens.coordinators[area]!));
    },
  );
  await limited(
    concurrency,
    [...meetingAreas].flatMap(([id, involved]) => [...involved].map((area) => [id, area] as const)),
    async ([id, area]) => {
      meetingViews.set(`${id} ${area}`, await get(`/v1/meetings/${id}`, tokens.coordinators[area]!));
    },
  );
  return { alertListings, meetingListings, alertViews, meetingViews };
}

async function limited<T>(concurrency: number, items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export type Findings = {
  readonly figures: Record<string, number>;
  /** What is allowed but worth knowing: leftovers nobody can see, creations on record that never happened. */
  readonly notes: string[];
  /** Per invariant, a line per violation, naming the request or item: empty when it holds. */
  readonly violations: {
    readonly unresolved: string[];
    readonly missing201: string[];
    readonly partialsVisible: string[];
    readonly duplicates: string[];
    readonly countMismatch: string[];
    readonly missingAudit: string[];
    readonly duplicateEvents: string[];
  };
};

const sameSet = (a: Iterable<string>, b: Iterable<string>) => {
  const left = [...new Set(a)].sort();
  const right = [...new Set(b)].sort();
  return left.length === right.length && left.every((value, index) => value === right[index]);
};

/**
 * The invariants. A record is "whole" when every part is stored and every area that should see it does;
 * "visible" when anyone at all can see any of it. Visible and not whole is a partial that escaped.
 */
export function evaluate(input: {
  readonly requests: readonly RecordedRequest[];
  readonly senderArea: string;
  readonly areas: readonly string[];
  readonly data: Tables;
  readonly audit: Tables;
  readonly api: ApiSnapshot;
}): Findings {
  const { requests, senderArea, areas, data, api } = input;
  const alerts = alertsIn(data);
  const meetings = meetingsIn(data);
  const listedIn = (listings: Map<string, Set<string>>, id: string) =>
    [...listings].filter(([, ids]) => ids.has(id)).map(([where]) => where);

  const alertIds = new Set<string>([...alerts.keys(), ...[...api.alertViews.keys()].map((key) => key.split(' ')[0]!)]);
  for (const ids of api.alertListings.values()) for (const id of ids) alertIds.add(id);
  const meetingIds = new Set<string>([...meetings.keys(), ...[...api.meetingViews.keys()].map((key) => key.split(' ')[0]!)]);
  for (const ids of api.meetingListings.values()) for (const id of ids) meetingIds.add(id);

  const alertState = new Map<string, { visible: boolean; problems: string[]; marker?: string }>();
  for (const id of alertIds) {
    const stored = alerts.get(id);
    const recipients: string[] = stored?.alert?.['recipients'] ?? [];
    const sender: string = stored?.alert?.['senderArea'] ?? senderArea;
    const senderView = api.alertViews.get(`${id} ${sender}`);
    const listed = listedIn(api.alertListings, id);
    const seenBy = areas.filter((area) => api.alertViews.get(`${id} ${area}`)?.status === 200);
    const problems: string[] = [];
    if (stored?.alert === undefined) problems.push('no alert item');
    const missingShares = recipients.filter((area) => !stored?.shares.has(area));
    if (missingShares.length > 0) problems.push(`no share item for ${missingShares.join(',')}`);
    const strayShares = [...(stored?.shares.keys() ?? [])].filter((area) => !recipients.includes(area));
    if (strayShares.length > 0) {
      problems.push(`${stored?.alert === undefined ? 'orphan share items' : 'share items for non-recipients'} ${strayShares.join(',')}`);
    }
    if (senderView?.status !== 200) problems.push(`sender GET ${senderView?.status ?? 'not asked'}`);
    else if (
      !sameSet(
        senderView.json.shares.map((share: any) => share.area),
        recipients,
      )
    ) {
      problems.push(
        `sender sees shares [${senderView.json.shares.map((share: any) => share.area).join(',')}] of [${recipients.join(',')}]`,
      );
    }
    if (!listed.includes(`${sender} outbox`)) problems.push('not in the outbox');
    for (const area of recipients) {
      const view = api.alertViews.get(`${id} ${area}`);
      if (view?.status !== 200) problems.push(`${area} GET ${view?.status ?? 'not asked'}`);
      if (!listed.includes(`${area} inbox`)) problems.push(`not in ${area}'s inbox`);
    }
    const strangers = listed.filter((where) => where !== `${sender} outbox` && !recipients.some((area) => where === `${area} inbox`));
    if (strangers.length > 0) problems.push(`listed in ${strangers.join(', ')}`);
    const outsiders = seenBy.filter((area) => area !== sender && !recipients.includes(area));
    if (outsiders.length > 0) problems.push(`opened by non-recipients ${outsiders.join(',')}`);
    const marker = senderView?.status === 200 ? senderView.json.child?.name?.family : undefined;
    alertState.set(id, { visible: listed.length > 0 || seenBy.length > 0, problems, ...(marker === undefined ? {} : { marker }) });
  }

  const meetingState = new Map<string, { visible: boolean; problems: string[]; marker?: string }>();
  for (const id of meetingIds) {
    const stored = meetings.get(id);
    const invited: string[] = stored?.meeting?.['invitedAreas'] ?? [];
    const requester: string = stored?.meeting?.['requestingArea'] ?? senderArea;
    const requesterView = api.meetingViews.get(`${id} ${requester}`);
    const listed = listedIn(api.meetingListings, id);
    const seenBy = areas.filter((area) => api.meetingViews.get(`${id} ${area}`)?.status === 200);
    const problems: string[] = [];
    if (stored?.meeting === undefined) problems.push('no meeting item');
    const missingRows = [requester, ...invited].filter((area) => !stored?.rows.has(area));
    if (missingRows.length > 0) problems.push(`no listing row for ${missingRows.join(',')}`);
    if (requesterView?.status !== 200) problems.push(`requester GET ${requesterView?.status ?? 'not asked'}`);
    else if (!sameSet(requesterView.json.invitedAreas, invited))
      problems.push(`requester sees invited ${requesterView.json.invitedAreas.join(',')}`);
    if (!listed.includes(`${requester} outbox`)) problems.push('not in the outbox');
    for (const area of invited) {
      const view = api.meetingViews.get(`${id} ${area}`);
      if (view?.status !== 200) problems.push(`${area} GET ${view?.status ?? 'not asked'}`);
      if (!listed.includes(`${area} inbox`)) problems.push(`not in ${area}'s inbox`);
    }
    const outsiders = seenBy.filter((area) => area !== requester && !invited.includes(area));
    if (outsiders.length > 0) problems.push(`opened by non-participants ${outsiders.join(',')}`);
    const marker = requesterView?.status === 200 ? requesterView.json.subject?.name?.family : undefined;
    meetingState.set(id, { visible: listed.length > 0 || seenBy.length > 0, problems, ...(marker === undefined ? {} : { marker }) });
  }

  const violations: Findings['violations'] = {
    unresolved: [],
    missing201: [],
    partialsVisible: [],
    duplicates: [],
    countMismatch: [],
    missingAudit: [],
    duplicateEvents: [],
  };
  const describe = (request: RecordedRequest) =>
    `#${request.seq} ${request.operation} key ${request.key} (run ${request.run}, ${request.attempts
      .map((attempt) =>
        attempt.kind === 'cut-off' ? `cut off ${attempt.error}` : `${attempt.status}${attempt.replayed ? ' replayed' : ''}`,
      )
      .join(' → ')})`;

  // 0: every request ends with an answer that says what happened.
  for (const request of requests) if (needsRetry(lastOutcome(request))) violations.unresolved.push(describe(request));

  // 1: every 201 a client saw is stored with all its parts, and everyone it concerns sees it.
  for (const request of requests) {
    if (finalStatus(request) !== 201 && !request.attempts.some((attempt) => attempt.kind === 'answer' && attempt.status === 201)) continue;
    const fail = (why: string) => violations.missing201.push(`${describe(request)}: ${why}`);
    if (request.operation === 'create-alert') {
      const id = createdId(request);
      const state = id === undefined ? undefined : alertState.get(id);
      if (id === undefined || state === undefined) fail('no alert id answered');
      else if (state.problems.length > 0) fail(`alert ${id}: ${state.problems.join('; ')}`);
      else if (
        !sameSet(
          alerts.get(id)?.alert?.['recipients'] ?? [],
          request.body.recipients.map((r: any) => r.area),
        )
      )
        fail(`alert ${id}: other recipients`);
    } else if (request.operation === 'request-meeting') {
      const id = createdId(request);
      const state = id === undefined ? undefined : meetingState.get(id);
      if (id === undefined || state === undefined) fail('no meeting id answered');
      else if (state.problems.length > 0) fail(`meeting ${id}: ${state.problems.join('; ')}`);
      else if (!sameSet(meetings.get(id)?.meeting?.['invitedAreas'] ?? [], request.body.invitedAreas))
        fail(`meeting ${id}: other invitees`);
    } else if (request.operation === 'acknowledge') {
      const share = alerts.get(request.targetId!)?.shares.get(request.area);
      const view = api.alertViews.get(`${request.targetId} ${senderArea}`);
      const shown = view?.status === 200 ? view.json.shares.find((s: any) => s.area === request.area) : undefined;
      if (share?.['status'] !== 'ACKNOWLEDGED' || share['acknowledgement']?.outcome !== request.body.outcome) {
        fail(`share ${request.targetId}/${request.area} stored as ${share?.['status'] ?? 'nothing'}`);
      } else if (shown?.acknowledgement?.outcome !== request.body.outcome) fail(`sender sees ${shown?.status ?? 'no share'}`);
    } else {
      const stored = answersOf(meetings.get(request.targetId!)?.meeting)?.[request.area];
      const view = api.meetingViews.get(`${request.targetId} ${senderArea}`);
      const shown = view?.status === 200 ? view.json.responses.find((r: any) => r.area === request.area) : undefined;
      if (stored?.response !== request.body.response) fail(`response of ${request.area} stored as ${stored?.response ?? 'nothing'}`);
      else if (shown?.response !== request.body.response) fail(`requester sees ${shown?.response ?? 'nothing'}`);
    }
  }

  // 2: nothing partial is visible to anyone.
  const notes: string[] = [];
  let leftovers = 0;
  for (const [kind, states, stored] of [
    ['alert', alertState, alerts],
    ['meeting', meetingState, meetings],
  ] as const) {
    for (const [id, state] of states) {
      if (state.visible && state.problems.length > 0) violations.partialsVisible.push(`${kind} ${id}: ${state.problems.join('; ')}`);
      if (!state.visible && stored.has(id)) {
        leftovers += 1;
        notes.push(`invisible leftover ${kind} ${id}: ${state.problems.join('; ')}`);
      }
    }
  }

  // 3: no alert (or meeting) exists twice, and exactly one exists per create key that got 201.
  const visibleAlerts = [...alertState].filter(([, state]) => state.visible);
  const visibleMeetings = [...meetingState].filter(([, state]) => state.visible);
  for (const [kind, visible] of [
    ['alert', visibleAlerts],
    ['meeting', visibleMeetings],
  ] as const) {
    const byMarker = new Map<string, string[]>();
    for (const [id, state] of visible) byMarker.set(state.marker ?? id, [...(byMarker.get(state.marker ?? id) ?? []), id]);
    for (const [marker, ids] of byMarker)
      if (ids.length > 1) violations.duplicates.push(`${ids.length} ${kind}s from the request for ${marker}: ${ids.join(', ')}`);
  }
  const createKeys = (operation: 'create-alert' | 'request-meeting') =>
    new Set(
      requests.filter((request) => request.operation === operation && createdId(request) !== undefined).map((request) => request.key),
    );
  const alertKeys201 = createKeys('create-alert');
  const meetingKeys201 = createKeys('request-meeting');
  const answeredIds = new Set(requests.map(createdId).filter((id) => id !== undefined));
  if (visibleAlerts.length !== alertKeys201.size) {
    violations.countMismatch.push(`${visibleAlerts.length} alerts exist for ${alertKeys201.size} create keys answered 201`);
  }
  if (visibleMeetings.length !== meetingKeys201.size) {
    violations.countMismatch.push(`${visibleMeetings.length} meetings exist for ${meetingKeys201.size} create keys answered 201`);
  }
  const unanswered = [...visibleAlerts, ...visibleMeetings].filter(([id]) => !answeredIds.has(id));
  for (const [id, state] of unanswered)
    violations.countMismatch.push(`${id} (${state.marker ?? 'unknown request'}) exists but no client was told so`);

  // 4: every stored change has its audit event; no event is stored twice.
  const events = input.audit.audit.map((item) => item['event']).filter((event) => event !== undefined);
  const eventsFor = new Map<string, any[]>();
  const eventCounts = new Map<string, number>();
  for (const event of events) {
    const key = event.resource === undefined ? '' : `${event.resource.type} ${event.resource.id}`;
    eventsFor.set(key, [...(eventsFor.get(key) ?? []), event]);
    eventCounts.set(event.eventId, (eventCounts.get(event.eventId) ?? 0) + 1);
  }
  const hasEvent = (type: string, id: string, action: string, match: (event: any) => boolean = () => true) =>
    (eventsFor.get(`${type} ${id}`) ?? []).some((event) => event.action === action && event.outcome === 'SUCCESS' && match(event));
  let storedChanges = 0;
  for (const [id] of visibleAlerts) {
    storedChanges += 1;
    if (!hasEvent('alert', id, 'ALERT_CREATE')) violations.missingAudit.push(`ALERT_CREATE of alert ${id}`);
    for (const [area, share] of alerts.get(id)?.shares ?? []) {
      if (share['status'] !== 'ACKNOWLEDGED') continue;
      storedChanges += 1;
      const eventId = share['acknowledgement']?.eventId;
      const found = hasEvent('alert', id, 'ALERT_ACKNOWLEDGE', (event) =>
        eventId === undefined ? event.actor.area === area : event.eventId === eventId,
      );
      if (!found)
        violations.missingAudit.push(`ALERT_ACKNOWLEDGE of alert ${id} by ${area}${eventId === undefined ? '' : ` (event ${eventId})`}`);
    }
  }
  for (const [id] of visibleMeetings) {
    storedChanges += 1;
    if (!hasEvent('meeting', id, 'MEETING_REQUEST')) violations.missingAudit.push(`MEETING_REQUEST of meeting ${id}`);
    for (const area of Object.keys(answersOf(meetings.get(id)?.meeting) ?? {})) {
      storedChanges += 1;
      if (!hasEvent('meeting', id, 'MEETING_RESPOND', (event) => event.actor.area === area)) {
        violations.missingAudit.push(`MEETING_RESPOND to meeting ${id} by ${area}`);
      }
    }
  }
  for (const [eventId, count] of eventCounts) if (count > 1) violations.duplicateEvents.push(`event ${eventId} stored ${count} times`);

  // Not an invariant of the brief, but what a reader of the trail would trip over: a creation on record
  // for something that never came to exist, with no FAILED correction.
  let phantomCreations = 0;
  for (const event of events) {
    if (event.outcome !== 'SUCCESS' || (event.action !== 'ALERT_CREATE' && event.action !== 'MEETING_REQUEST')) continue;
    const state = event.resource.type === 'alert' ? alertState.get(event.resource.id) : meetingState.get(event.resource.id);
    const corrected = (eventsFor.get(`${event.resource.type} ${event.resource.id}`) ?? []).some(
      (other) => other.action === event.action && other.outcome === 'FAILED',
    );
    if (!state?.visible && !corrected) {
      phantomCreations += 1;
      notes.push(`${event.action} ${event.outcome} on record for ${event.resource.type} ${event.resource.id}, which does not exist`);
    }
  }

  const attempted = (test: (request: RecordedRequest) => boolean) => requests.filter(test).length;
  const figures: Record<string, number> = {
    requests: requests.length,
    creates: attempted((request) => request.operation === 'create-alert'),
    acknowledgements: attempted((request) => request.operation === 'acknowledge'),
    meetingRequests: attempted((request) => request.operation === 'request-meeting'),
    responses: attempted((request) => request.operation === 'respond'),
    cutOff: attempted((request) => request.attempts[0]?.kind === 'cut-off'),
    unresolved: violations.unresolved.length,
    alerts: visibleAlerts.length,
    alertKeys201: alertKeys201.size,
    meetings: visibleMeetings.length,
    meetingKeys201: meetingKeys201.size,
    partialsVisible: violations.partialsVisible.length,
    leftovers,
    duplicates: violations.duplicates.length,
    missing201: violations.missing201.length,
    storedChanges,
    missingAudit: violations.missingAudit.length,
    auditEvents: events.length,
    duplicateEvents: violations.duplicateEvents.length,
    phantomCreations,
    // Claims a crashed run left behind: each one answers its key's retries with 409 until it lapses.
    keysInProgress: input.audit.idempotency.filter((item) => item['state'] === 'IN_PROGRESS').length,
  };
  // How the requests ended, by operation and status: a change that refuses most requests outright proves
  // little about crashes, and this is where it shows.
  for (const request of requests) {
    const last = lastOutcome(request);
    const name = `${request.operation}:${last?.kind === 'answer' ? last.status : 'cut-off'}`;
    figures[name] = (figures[name] ?? 0) + 1;
  }
  return { figures, notes, violations };
}
