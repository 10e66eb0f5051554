import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeCursor } from '../../../../functions/adapters/dynamodb/cursor.js';
import { DynamoMeetingStore } from '../../../../functions/adapters/dynamodb/meeting-store.js';
import type { CreationRecord } from '../../../../functions/core/creations.js';
import { DependencyUnavailableError, ValidationError } from '../../../../functions/core/errors.js';
import type { StoredMeeting } from '../../../../functions/core/meetings/ports.js';
import type { SealedBox } from '../../../../functions/core/sealed-box.js';
import { conditionalCheckFailed, internalServerError, networkError, throttled } from '../../../support/aws-errors.js';

const TABLE = 'meetings-table';
const MEETING_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
const NOW = '2026-03-10T10:00:00.000Z';
const BOX: SealedBox = { v: 1, key: 'a2V5', iv: 'aXZpdml2aXZpdml2', ct: 'Y3Q=', tag: 'dGFndGFndGFndGFndGFn' };
const PERSON = { sub: 'chair-1', name: 'Test Chair', agency: 'childrens-services' as const, area: 'northumberland' };

const meetingWith = (id: string, overrides: Partial<StoredMeeting> = {}): StoredMeeting => ({
  meetingId: id,
  version: 1,
  requestingArea: 'northumberland',
  invitedAreas: ['north-tyneside', 'newcastle'],
  status: 'REQUESTED',
  format: 'ONLINE',
  createdAt: NOW,
  expiresAt: '2028-03-10T10:00:00.000Z',
  createdBy: PERSON,
  alertIds: [],
  subject: BOX,
  request: BOX,
  slots: [{ slotId: 'slot-1', start: '2026-03-17T10:00:00.000Z', durationMinutes: 60, proposedBy: 'northumberland' }],
  responses: {},
  actions: [],
  ...overrides,
});
const meeting = meetingWith(MEETING_ID);

/**
 * The head of a meeting as the store writes it: the meeting but its answers' and notes' items, each action
 * with its count, and beside the actions each one's latest updates (as JSON) and receipts.
 */
const headOf = (stored: StoredMeeting) => {
  const { responses: _responses, ...rest } = stored;
  return {
    ...rest,
    layout: 3,
    notices: { pending: [] },
    answers: {},
    answered: {},
    actions: stored.actions.map(({ updates, ...action }) => ({ ...action, noted: updates.length })),
    latest: Object.fromEntries(
      stored.actions.map(({ actionId, updates }) => [
        actionId,
        JSON.stringify(
          updates.slice(-3).map((update, index) => ({ number: updates.length - Math.min(3, updates.length) + index + 1, update })),
        ),
      ]),
    ),
    actionReceipts: Object.fromEntries(stored.actions.map(({ actionId }) => [actionId, []])),
  };
};

/** A listing row as the index returns it. */
const boxRow = (id: string, area = 'north-tyneside', box = 'inbox') => ({
  pk: `MEETING#${id}`,
  sk: `AREA#${area}`,
  boxPk: `MEETINGS#${area}#${box}`,
  boxSk: `${NOW}#${id}`,
  meetingId: id,
});
const idOf = (n: number) => `aaaaaaaa-0000-4000-8000-00000000000${n}`;

const ddb = mockClient(DynamoDBDocumentClient);
let store: DynamoMeetingStore;

beforeEach(() => {
  ddb.reset();
  store = new DynamoMeetingStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-2' })), TABLE);
});

afterEach(() => {
  // No request path of the store may ever scan a table.
  expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
});

/** The key of the creation intent the store writes first: in the partition the sweep reads, oldest first. */
const INTENT_KEY = { pk: 'INTENT#MEETING', sk: `${NOW}#${MEETING_ID}` };
const MEETING_KEY = { pk: `MEETING#${MEETING_ID}`, sk: 'MEETING' };
const HISTORY_KEY = { pk: `MEETING#${MEETING_ID}`, sk: 'HOLDERS' };
const TTL = Math.floor(Date.parse('2028-03-10T10:00:00.000Z') / 1000);
/** The history record's own end of life, three years past the meeting's; the intent's too. */
const KEPT_TTL = Math.floor(Date.parse('2031-03-10T10:00:00.000Z') / 1000);
const HISTORY_ITEM = {
  ...HISTORY_KEY,
  ttl: KEPT_TTL,
  type: 'meeting',
  id: MEETING_ID,
  ownerArea: 'northumberland',
  holderAreas: ['north-tyneside', 'newcastle'],
  createdAt: NOW,
  expiresAt: '2028-03-10T10:00:00.000Z',
  keptUntil: '2031-03-10T10:00:00.000Z',
};
/** The audit facts of the request that created the meeting, as the use case hands them over. */
const RECORD: CreationRecord = {
  eventId: 'eeeeeeee-0000-4000-8000-000000000001',
  requestId: 'request-1',
  actor: { sub: 'chair-1', name: 'Test Chair', area: 'northumberland', agency: 'childrens-services', roles: ['chair'] },
  action: 'MEETING_REQUEST',
  resource: { type: 'meeting', id: MEETING_ID },
  attemptAt: NOW,
};

/** Every command the store sent, in order, named by kind and the key of what it wrote, deleted or read. */
function sentInOrder(): string[] {
  return ddb.calls().map((call) => {
    const command = call.args[0] as { constructor: { name: string }; input: Record<string, any> };
    const input = command.input;
    const name = command.constructor.name.replace('Command', '');
    if (name === 'Put') return `Put ${input['Item'].pk}/${input['Item'].sk}`;
    if (name === 'Delete') return `Delete ${input['Key'].pk}/${input['Key'].sk}`;
    if (name === 'BatchWrite') {
      return `BatchWrite ${(input['RequestItems'][TABLE] as any[])
        .map((request) => (request.PutRequest ? `put ${request.PutRequest.Item.sk}` : `delete ${request.DeleteRequest.Key.sk}`))
        .join(',')}`;
    }
    if (name === 'Get') return `Get ${input['Key'].pk}/${input['Key'].sk}`;
    return name;
  });
}

/** Answers each PutCommand by what it writes: the intent, the meeting item (the commit), or the history record. */
function onPuts(answers: { intent?: () => Error; meeting?: () => Error; history?: () => Error }) {
  ddb.on(PutCommand).callsFake((input: { Item: { pk: string; sk: string } }) => {
    const failure = input.Item.pk === 'INTENT#MEETING' ? answers.intent : input.Item.sk === 'HOLDERS' ? answers.history : answers.meeting;
    if (failure !== undefined) throw failure();
    return {};
  });
}

describe('DynamoMeetingStore.create', () => {
  beforeEach(() => {
    // No meeting under the id yet, unless a test says otherwise.
    ddb.on(GetCommand).resolves({});
  });

  it('reads the meeting beside writing the intent, then the listing rows, then the meeting only if new beside the history record: three round trips, the intent left for the sweep', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    ddb.on(BatchWriteCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});

    // Act
    const result = await store.create(meeting, RECORD);

    // Assess
    expect(result).toBe('CREATED');
    // The meeting item is the commit: a crash anywhere before it leaves nothing a reader sees, and no
    // history record says the meeting exists.
    expect(sentInOrder()).toEqual([
      `Get MEETING#${MEETING_ID}/MEETING`,
      `Put INTENT#MEETING/${NOW}#${MEETING_ID}`,
      'BatchWrite put AREA#northumberland,put AREA#north-tyneside,put AREA#newcastle',
      `Put MEETING#${MEETING_ID}/MEETING`,
      `Put MEETING#${MEETING_ID}/HOLDERS`,
    ]);
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input.ConsistentRead).toBe(true);
    const [intentPut, meetingPut, historyPut] = ddb.commandCalls(PutCommand).map((call) => call.args[0].input);
    // The intent names what the sweep must remove or write, and the audit facts it must correct, and
    // nothing of the child; it carries no condition, and lasts as long as the history record it holds.
    const intent = {
      ...INTENT_KEY,
      meetingId: MEETING_ID,
      areas: ['northumberland', 'north-tyneside', 'newcastle'],
      ttl: KEPT_TTL,
      attempt: NOW,
      afterCommitWithCommit: true,
      afterCommit: [HISTORY_ITEM],
      record: RECORD,
    };
    expect(intentPut).toEqual({ TableName: TABLE, Item: intent });
    // The history record: who took part, kept three years past the meeting's end, under its own TTL;
    // beside the commit, so only if absent or left by an earlier attempt that never committed.
    expect(historyPut).toEqual({
      TableName: TABLE,
      Item: HISTORY_ITEM,
      ConditionExpression: 'attribute_not_exists(pk) OR createdAt < :attempt',
      ExpressionAttributeValues: { ':attempt': NOW },
    });
    expect(meetingPut?.TableName).toBe(TABLE);
    expect(meetingPut?.ConditionExpression).toBe('attribute_not_exists(pk)');
    // TTL deletes the meeting after its retention (reads filter it out before then).
    // The head, in the layout of a meeting as items: answers and notes come as their own items.
    expect(meetingPut?.Item).toEqual({ ...MEETING_KEY, ttl: TTL, ...headOf(meeting) });
    const items = (ddb.commandCalls(BatchWriteCommand)[0]?.args[0].input.RequestItems?.[TABLE] ?? []).map(
      (request) => request.PutRequest?.Item,
    );
    const rows = items;
    expect(rows).toEqual([
      { ...boxRow(MEETING_ID, 'northumberland', 'outbox'), ttl: TTL },
      { ...boxRow(MEETING_ID, 'north-tyneside', 'inbox'), ttl: TTL },
      { ...boxRow(MEETING_ID, 'newcastle', 'inbox'), ttl: TTL },
    ]);
    // listing rows carry no meeting content
    for (const row of rows) expect(Object.keys(row ?? {}).sort()).toEqual(['boxPk', 'boxSk', 'meetingId', 'pk', 'sk', 'ttl']);
    // A fourth round trip on every creation would be the intent's delete: the sweep drops it instead.
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('sends the committed check, the intent and the audit record together, and seals while they are in flight', async () => {
    // Prepare: the meeting is not sealed until the test says so
    ddb.on(PutCommand).resolves({});
    ddb.on(BatchWriteCommand).resolves({});
    let seal: (value: StoredMeeting) => void = () => undefined;
    const sealed = new Promise<StoredMeeting>((resolve) => {
      seal = resolve;
    });
    let recorded = false;

    // Act
    const creating = store.createWhileSealing(meeting, sealed, RECORD, async () => {
      recorded = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const beforeSealed = sentInOrder();
    seal(meeting);

    // Assess: nothing of the meeting is written before it is sealed
    expect(beforeSealed).toEqual([`Get MEETING#${MEETING_ID}/MEETING`, `Put INTENT#MEETING/${NOW}#${MEETING_ID}`]);
    expect(recorded).toBe(true);
    expect(await creating).toBe('CREATED');
  });

  it("writes nothing but its intent, and puts nothing on record, until the Idempotency-Key claimed beside it is the request's", async () => {
    // Prepare: the claim is still being made
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    ddb.on(BatchWriteCommand).resolves({});
    let refuse: (error: Error) => void = () => undefined;
    const claimed = new Promise<void>((_resolve, reject) => {
      refuse = reject;
    });
    const held = new Error('held (test)');
    let recorded = false;

    // Act
    const creating = store.createWhileSealing(
      meeting,
      Promise.resolve(meeting),
      RECORD,
      async () => {
        recorded = true;
      },
      { claimed },
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    const beforeClaimed = sentInOrder();
    refuse(held);

    // Assess: nothing was put on record, and the intent, all it wrote, goes at once
    await expect(creating).rejects.toBe(held);
    expect(recorded).toBe(false);
    expect(beforeClaimed).toEqual([`Get MEETING#${MEETING_ID}/MEETING`, `Put INTENT#MEETING/${NOW}#${MEETING_ID}`]);
    expect(sentInOrder()).toEqual([...beforeClaimed, `Delete INTENT#MEETING/${NOW}#${MEETING_ID}`]);
  });

  it('does not read for a committed meeting under a fresh id, and still commits only if none is there', async () => {
    // Prepare: a fresh id (as no Idempotency-Key, or a new one, gives), and then one an earlier try had taken
    ddb.on(PutCommand).resolves({});
    ddb.on(BatchWriteCommand).resolves({});

    // Act
    const created = await store.createWhileSealing(meeting, Promise.resolve(meeting), RECORD, async () => undefined, { idIsFresh: true });
    const freshCalls = sentInOrder();
    ddb.reset();
    ddb.on(PutCommand).resolves({});
    ddb.on(PutCommand, { Item: { pk: `MEETING#${MEETING_ID}`, sk: 'MEETING' } }).rejects(conditionalCheckFailed());
    ddb.on(BatchWriteCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    const taken = await store.createWhileSealing(meeting, Promise.resolve(meeting), RECORD, async () => undefined, { idIsFresh: true });

    // Assess
    expect(created).toBe('CREATED');
    expect(freshCalls.filter((call) => call.startsWith('Get '))).toEqual([]);
    expect(freshCalls).toContain(`Put MEETING#${MEETING_ID}/MEETING`);
    expect(taken).toBe('EXISTS');
  });

  it('remembers the answer beside the listing rows, before the commit, naming the meeting item as its proof', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    ddb.on(BatchWriteCommand).resolves({});
    const proofs: unknown[] = [];
    let sentWhenAnswered: string[] = [];
    let commitSentMeanwhile = false;

    // Act: the answer is not done until the commit has been sent, as it would never be if it waited for it
    const result = await store.createWhileSealing(meeting, Promise.resolve(meeting), RECORD, async () => undefined, {
      claimed: Promise.resolve(),
      answerWithCommit: async (proof) => {
        proofs.push(proof);
        sentWhenAnswered = sentInOrder();
        await vi.waitFor(() => expect(sentInOrder()).toContain(`Put MEETING#${MEETING_ID}/MEETING`));
        commitSentMeanwhile = true;
      },
    });

    // Assess: begun once the claim, the read and the key were done, before the rows were sent
    expect(result).toBe('CREATED');
    expect(proofs).toEqual([{ table: 'meetings', key: MEETING_KEY, createdAt: NOW }]);
    expect(sentWhenAnswered).toEqual([`Get MEETING#${MEETING_ID}/MEETING`, `Put INTENT#MEETING/${NOW}#${MEETING_ID}`]);
    expect(commitSentMeanwhile).toBe(true);
  });

  it('remembers no answer when the claim was another request’s, or the meeting was committed already', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    ddb.on(BatchWriteCommand).resolves({});
    const answered: unknown[] = [];
    const answerWithCommit = async (proof: unknown) => void answered.push(proof);
    const held = new Error('held (test)');
    const refused = Promise.reject(held);
    refused.catch(() => undefined);

    // Act
    const heldOutcome = store.createWhileSealing(meeting, Promise.resolve(meeting), RECORD, async () => undefined, {
      claimed: refused,
      answerWithCommit,
    });
    await expect(heldOutcome).rejects.toBe(held);
    ddb.on(GetCommand).resolves({ Item: { pk: `MEETING#${MEETING_ID}`, sk: 'MEETING', createdAt: NOW } });
    const existing = await store.createWhileSealing(meeting, Promise.resolve(meeting), RECORD, async () => undefined, {
      claimed: Promise.resolve(),
      answerWithCommit,
    });

    // Assess
    expect(existing).toBe('EXISTS');
    expect(answered).toEqual([]);
  });

  it("answers 'CREATED' when the history record beside the commit cannot be written, leaving the intent for the sweep", async () => {
    // Prepare
    onPuts({ history: throttled });
    ddb.on(BatchWriteCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});

    // Act
    const result = await store.create(meeting, RECORD);

    // Assess: the meeting is committed; readers fall back to it for its history until the sweep writes the record
    expect(result).toBe('CREATED');
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it("answers 'EXISTS' for a meeting already committed, writing none of it: only its own intent, beside the read, dropped at once", async () => {
    // Prepare: a retry under the same claim finds the meeting its first attempt committed
    ddb.on(GetCommand).resolves({ Item: { ...MEETING_KEY, ...meeting } });
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    const later = '2026-03-10T10:05:00.000Z';

    // Act
    const result = await store.create({ ...meeting, status: 'CANCELLED', createdAt: later });

    // Assess
    expect(result).toBe('EXISTS');
    expect(sentInOrder()).toEqual([
      `Get MEETING#${MEETING_ID}/MEETING`,
      `Put INTENT#MEETING/${later}#${MEETING_ID}`,
      `Delete INTENT#MEETING/${later}#${MEETING_ID}`,
    ]);
  });

  it("answers 'EXISTS' when another try of the claim commits between the read and the commit, deleting none of its rows", async () => {
    // Prepare: the read finds nothing; the conditional commit then finds the other try's meeting
    onPuts({ meeting: conditionalCheckFailed });
    ddb.on(BatchWriteCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});

    // Act
    const result = await store.create({ ...meeting, status: 'CANCELLED' });

    // Assess: the rows stay (they name the same meeting, whichever try wrote them); only a history record of
    // this attempt's own goes again; its intent is the sweep's
    expect(result).toBe('EXISTS');
    expect(ddb.commandCalls(DeleteCommand).map((call) => call.args[0].input)).toEqual([
      { TableName: TABLE, Key: HISTORY_KEY, ConditionExpression: 'createdAt = :attempt', ExpressionAttributeValues: { ':attempt': NOW } },
    ]);
    const deletes = ddb
      .commandCalls(BatchWriteCommand)
      .flatMap((call) => call.args[0].input.RequestItems?.[TABLE] ?? [])
      .filter((request) => request.DeleteRequest !== undefined);
    expect(deletes).toEqual([]);
  });

  it('retries unprocessed listing rows with only what was left', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    const leftOver = [{ PutRequest: { Item: boxRow(MEETING_ID, 'newcastle') } }];
    ddb
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { [TABLE]: leftOver } })
      .resolves({});

    // Act
    const result = await store.create(meeting);

    // Assess
    expect(result).toBe('CREATED');
    const batches = ddb.commandCalls(BatchWriteCommand);
    expect(batches).toHaveLength(2);
    expect(batches[1]?.args[0].input.RequestItems?.[TABLE]).toEqual(leftOver);
  });

  it('reports the database unavailable after repeated unprocessed rows, and never commits the meeting', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    ddb.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, unknown[]> }) => ({ UnprocessedItems: input.RequestItems }));
    ddb.on(DeleteCommand).resolves({});

    // Act
    const attempt = store.create(meeting);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(attempt).rejects.toMatchObject({ dependency: 'database' });
    expect(ddb.commandCalls(PutCommand).map((call) => call.args[0].input.Item?.['pk'])).toEqual(['INTENT#MEETING']);
  });

  it('writes no meeting and undoes nothing when the listing rows cannot be written: what was written stays invisible', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    ddb.on(BatchWriteCommand).rejects(networkError());
    ddb.on(DeleteCommand).resolves({});

    // Act
    const attempt = store.create(meeting);

    // Assess: no compensation to fail half-way; every reader requires the meeting item, never written, and
    // the intent is left for a retry under the same claim to complete, or for the sweep
    await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(sentInOrder()).toEqual([
      `Get MEETING#${MEETING_ID}/MEETING`,
      `Put INTENT#MEETING/${NOW}#${MEETING_ID}`,
      'BatchWrite put AREA#northumberland,put AREA#north-tyneside,put AREA#newcastle',
    ]);
  });

  it.each([
    ['throttling', throttled],
    ['a network error', networkError],
  ])(
    'turns %s on the meeting put into DependencyUnavailableError(database), undoing only the history record beside it',
    async (_label, failure) => {
      // Prepare
      onPuts({ meeting: failure });
      ddb.on(BatchWriteCommand).resolves({});
      ddb.on(DeleteCommand).resolves({});

      // Act
      const attempt = store.create(meeting);

      // Assess: the write may even have happened (a lost answer); the intent stays for the sweep to decide,
      // and the history record, which must not stand for a meeting that may not exist, goes again
      await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
      await expect(attempt).rejects.toMatchObject({ dependency: 'database' });
      expect(ddb.commandCalls(DeleteCommand).map((call) => call.args[0].input.Key)).toEqual([HISTORY_KEY]);
      expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(1);
    },
  );

  it.each([
    ['throttling', throttled],
    ['an internal server error', internalServerError],
    ['a network error', networkError],
  ])(
    'turns %s on the first read into DependencyUnavailableError(database) and writes nothing but the intent beside it',
    async (_label, failure) => {
      // Prepare
      ddb.on(GetCommand).rejects(failure());
      ddb.on(PutCommand).resolves({});

      // Act
      const attempt = store.create(meeting);

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
      await expect(attempt).rejects.toMatchObject({ dependency: 'database' });
      expect(ddb.commandCalls(PutCommand).map((call) => call.args[0].input.Item?.['pk'])).toEqual(['INTENT#MEETING']);
      expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
    },
  );

  it.each([
    ['throttling', throttled],
    ['an internal server error', internalServerError],
    ['a network error', networkError],
  ])('turns %s on the intent put into DependencyUnavailableError(database) and writes nothing else', async (_label, failure) => {
    // Prepare
    onPuts({ intent: failure });

    // Act
    const attempt = store.create(meeting);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(attempt).rejects.toMatchObject({ dependency: 'database' });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });

  it("answers 'CREATED' without dropping the intent: the meeting is committed, the sweep drops it", async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    ddb.on(BatchWriteCommand).resolves({});
    ddb.on(DeleteCommand).rejects(throttled());

    // Act
    const result = await store.create(meeting);

    // Assess
    expect(result).toBe('CREATED');
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject(INTENT_KEY);
  });
});

describe('DynamoMeetingStore.sweepUncommitted', () => {
  const BEFORE = '2026-03-11T09:00:00.000Z';
  /** An intent as create writes it; `extra` marks it committed, or drops what an older version did not write. */
  const intentOf = (id: string, areas: string[], extra: Record<string, unknown> = {}) => ({
    pk: 'INTENT#MEETING',
    sk: `${NOW}#${id}`,
    meetingId: id,
    areas,
    ttl: KEPT_TTL,
    attempt: NOW,
    afterCommit: [{ ...HISTORY_ITEM, pk: `MEETING#${id}`, id }],
    record: { ...RECORD, resource: { type: 'meeting', id } },
    ...extra,
  });
  /** The corrections the sweep asked for, and what it had sent by the first of them. */
  let corrected: CreationRecord[];
  let sentAtCorrection: string[] | undefined;
  const correct = async (record: CreationRecord) => {
    sentAtCorrection ??= sentInOrder();
    corrected.push(record);
  };
  beforeEach(() => {
    corrected = [];
    sentAtCorrection = undefined;
  });

  it('reads only the intents older than the cut-off, oldest first and bounded, never the meetings at large', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [] });

    // Act
    const result = await store.sweepUncommitted(BEFORE, correct);

    // Assess
    expect(result).toEqual({ committed: 0, removed: 0, deferred: 0 });
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND sk < :before',
      ExpressionAttributeValues: { ':pk': 'INTENT#MEETING', ':before': BEFORE },
      Limit: 100,
    });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('corrects the record of a meeting never committed (no meeting, no history record) first, then removes only its listing rows, then its intent', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [intentOf(MEETING_ID, ['northumberland', 'north-tyneside'])] });
    ddb.on(GetCommand).resolves({});
    ddb.on(BatchWriteCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});

    // Act
    const result = await store.sweepUncommitted(BEFORE, correct);

    // Assess
    expect(result).toEqual({ committed: 0, removed: 1, deferred: 0 });
    expect(corrected).toEqual([RECORD]);
    // Audit first: nothing was removed when the correction was asked for, and both reads said "never committed".
    expect(sentAtCorrection).toEqual(['Query', `Get MEETING#${MEETING_ID}/MEETING`, `Get MEETING#${MEETING_ID}/HOLDERS`]);
    expect(sentInOrder()).toEqual([
      'Query',
      `Get MEETING#${MEETING_ID}/MEETING`,
      `Get MEETING#${MEETING_ID}/HOLDERS`,
      'BatchWrite delete AREA#northumberland,delete AREA#north-tyneside',
      `Delete INTENT#MEETING/${NOW}#${MEETING_ID}`,
    ]);
    expect(ddb.commandCalls(GetCommand).map((call) => call.args[0].input)).toEqual([
      { TableName: TABLE, Key: MEETING_KEY, ConsistentRead: true },
      { TableName: TABLE, Key: HISTORY_KEY, ConsistentRead: true },
    ]);
    // A history record is written only after a commit: none can be this creation's, so none is removed.
    const keys = (ddb.commandCalls(BatchWriteCommand)[0]?.args[0].input.RequestItems?.[TABLE] ?? []).map(
      (request) => request.DeleteRequest?.Key,
    );
    expect(keys).toEqual([
      { pk: `MEETING#${MEETING_ID}`, sk: 'AREA#northumberland' },
      { pk: `MEETING#${MEETING_ID}`, sk: 'AREA#north-tyneside' },
    ]);
  });

  it('keeps a creation whose history record exists though its meeting is gone (committed, then expired): drops only its intent', async () => {
    // Prepare: the meeting item was deleted by TTL and the intent never got its committed mark
    ddb.on(QueryCommand).resolves({ Items: [intentOf(MEETING_ID, ['northumberland', 'north-tyneside'])] });
    ddb.on(GetCommand).callsFake((input: { Key: { sk: string } }) => (input.Key.sk === 'HOLDERS' ? { Item: HISTORY_ITEM } : {}));
    ddb.on(DeleteCommand).resolves({});

    // Act
    const result = await store.sweepUncommitted(BEFORE, correct);

    // Assess: counted committed; nothing corrected, nothing written, nothing of it removed
    expect(result).toEqual({ committed: 1, removed: 0, deferred: 0 });
    expect(corrected).toEqual([]);
    expect(sentInOrder()).toEqual([
      'Query',
      `Get MEETING#${MEETING_ID}/MEETING`,
      `Get MEETING#${MEETING_ID}/HOLDERS`,
      `Delete INTENT#MEETING/${NOW}#${MEETING_ID}`,
    ]);
    expect(ddb.commandCalls(GetCommand)[1]?.args[0].input).toEqual({ TableName: TABLE, Key: HISTORY_KEY, ConsistentRead: true });
  });

  it('keeps the intent, correcting nothing, when the history record cannot be read', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [intentOf(MEETING_ID, ['northumberland'])] });
    ddb.on(GetCommand).callsFake((input: { Key: { sk: string } }) => {
      if (input.Key.sk === 'HOLDERS') throw throttled();
      return {};
    });
    ddb.on(BatchWriteCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});

    // Act
    const attempt = store.sweepUncommitted(BEFORE, correct);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'DependencyUnavailableError', dependency: 'database' });
    expect(corrected).toEqual([]);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('removes a creation of an earlier version (no audit facts, no history to write) without a correction', async () => {
    // Prepare
    const { record: _record, afterCommit: _after, attempt: _attempt, ...older } = intentOf(MEETING_ID, ['northumberland']);
    ddb.on(QueryCommand).resolves({ Items: [older] });
    ddb.on(GetCommand).resolves({});
    ddb.on(BatchWriteCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});

    // Act
    const result = await store.sweepUncommitted(BEFORE, correct);

    // Assess
    expect(result).toEqual({ committed: 0, removed: 1, deferred: 0 });
    expect(corrected).toEqual([]);
    // Its version wrote the history record before the commit: it is not read as proof of one, and goes too.
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
    expect(sentInOrder().slice(2)).toEqual([
      'BatchWrite delete AREA#northumberland,delete HOLDERS',
      `Delete INTENT#MEETING/${NOW}#${MEETING_ID}`,
    ]);
  });

  it('leaves an uncommitted creation whole when its correction cannot be recorded, and goes on with the next', async () => {
    // Prepare: the first correction fails, the second is recorded
    const other = idOf(2);
    ddb.on(QueryCommand).resolves({ Items: [intentOf(MEETING_ID, ['northumberland']), intentOf(other, ['northumberland'])] });
    ddb.on(GetCommand).resolves({});
    ddb.on(BatchWriteCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    let calls = 0;
    const failingOnce = async (record: CreationRecord) => {
      calls += 1;
      if (calls === 1) throw new DependencyUnavailableError('audit-queue');
      corrected.push(record);
    };

    // Act
    const result = await store.sweepUncommitted(BEFORE, failingOnce);

    // Assess: the first stays, everything of it, for the next run
    expect(result).toEqual({ committed: 0, removed: 1, deferred: 1 });
    expect(corrected.map((record) => record.resource.id)).toEqual([other]);
    expect(sentInOrder()).toEqual([
      'Query',
      `Get MEETING#${MEETING_ID}/MEETING`,
      `Get MEETING#${MEETING_ID}/HOLDERS`,
      `Get MEETING#${other}/MEETING`,
      `Get MEETING#${other}/HOLDERS`,
      'BatchWrite delete AREA#northumberland',
      `Delete INTENT#MEETING/${NOW}#${other}`,
    ]);
  });

  it('rolls a committed meeting forward: writes its history record only if absent, drops its intent, corrects nothing', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [intentOf(MEETING_ID, ['northumberland', 'north-tyneside'])] });
    ddb.on(GetCommand).resolves({ Item: { ...MEETING_KEY, ...meeting } });
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});

    // Act
    const result = await store.sweepUncommitted(BEFORE, correct);

    // Assess
    expect(result).toEqual({ committed: 1, removed: 0, deferred: 0 });
    expect(corrected).toEqual([]);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand).map((call) => call.args[0].input)).toEqual([
      { TableName: TABLE, Item: HISTORY_ITEM, ConditionExpression: 'attribute_not_exists(pk)' },
    ]);
    expect(ddb.commandCalls(DeleteCommand).map((call) => call.args[0].input.Key)).toEqual([INTENT_KEY]);
  });

  it('rolls forward on the committed mark when the meeting itself is gone (expired and deleted before the sweep)', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [intentOf(MEETING_ID, ['northumberland'], { committed: true })] });
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});

    // Act
    const result = await store.sweepUncommitted(BEFORE, correct);

    // Assess
    expect(result).toEqual({ committed: 1, removed: 0, deferred: 0 });
    expect(corrected).toEqual([]);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
    expect(sentInOrder().slice(2)).toEqual([`Put MEETING#${MEETING_ID}/HOLDERS`, `Delete INTENT#MEETING/${NOW}#${MEETING_ID}`]);
  });

  it('keeps a history record already there: a failed condition is success', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [intentOf(MEETING_ID, ['northumberland'])] });
    ddb.on(GetCommand).resolves({ Item: { ...MEETING_KEY, ...meeting } });
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(DeleteCommand).resolves({});

    // Act
    const result = await store.sweepUncommitted(BEFORE, correct);

    // Assess
    expect(result).toEqual({ committed: 1, removed: 0, deferred: 0 });
    expect(ddb.commandCalls(DeleteCommand).map((call) => call.args[0].input.Key)).toEqual([INTENT_KEY]);
  });

  it("writes nothing for an earlier attempt of a meeting a later attempt committed: only the committing attempt's dates stand", async () => {
    // Prepare: the stored meeting was created by a retry, a minute after the attempt this intent is from
    ddb.on(QueryCommand).resolves({ Items: [intentOf(MEETING_ID, ['northumberland'])] });
    ddb.on(GetCommand).resolves({ Item: { ...MEETING_KEY, ...meeting, createdAt: '2026-03-10T10:01:00.000Z' } });
    ddb.on(DeleteCommand).resolves({});

    // Act
    const result = await store.sweepUncommitted(BEFORE, correct);

    // Assess
    expect(result).toEqual({ committed: 1, removed: 0, deferred: 0 });
    expect(corrected).toEqual([]);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
    expect(ddb.commandCalls(DeleteCommand).map((call) => call.args[0].input.Key)).toEqual([INTENT_KEY]);
  });

  it.each([
    ['the history record cannot be written', 'roll forward'],
    ['the leftovers cannot be removed', 'removal'],
  ])('keeps the intent when %s, so the next sweep tries again', async (_label, path) => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [intentOf(MEETING_ID, ['northumberland'])] });
    ddb.on(GetCommand).resolves(path === 'removal' ? {} : { Item: { ...MEETING_KEY, ...meeting } });
    ddb.on(PutCommand).rejects(throttled());
    ddb.on(BatchWriteCommand).rejects(throttled());
    ddb.on(DeleteCommand).resolves({});

    // Act
    const attempt = store.sweepUncommitted(BEFORE, correct);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
  });
});

describe('DynamoMeetingStore.get', () => {
  it("reads the meeting's head alone in one consistent Query, without its notes, listing rows or history record, and strips the table keys", async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [{ pk: `MEETING#${MEETING_ID}`, sk: 'MEETING', ttl: TTL, ...headOf(meeting) }] });

    // Act
    const found = await store.get(MEETING_ID);

    // Assess
    expect(found).toEqual(meeting);
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND sk = :sk',
      ExpressionAttributeValues: { ':pk': `MEETING#${MEETING_ID}`, ':sk': 'MEETING' },
      ConsistentRead: true,
    });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
  });

  it('returns undefined for no meeting', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [] });

    // Act
    const found = await store.get(MEETING_ID);

    // Assess
    expect(found).toBeUndefined();
  });

  it('reports the database unavailable when the read fails', async () => {
    // Prepare
    ddb.on(QueryCommand).rejects(internalServerError());

    // Act
    const attempt = store.get(MEETING_ID);

    // Assess
    await expect(attempt).rejects.toMatchObject({ dependency: 'database' });
  });
});

describe('DynamoMeetingStore.save', () => {
  it('puts the meeting only where it exists at the expected version', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    const next = { ...meeting, version: 4, status: 'SCHEDULED' as const };

    // Act
    const result = await store.save(next, 3);

    // Assess
    expect(result).toBe('SAVED');
    const put = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put?.ConditionExpression).toBe('attribute_exists(pk) AND version = :expected AND layout = :layout');
    expect(put?.ExpressionAttributeValues).toEqual({ ':expected': 3, ':layout': 3 });
    expect(put?.Item).toEqual({
      pk: `MEETING#${MEETING_ID}`,
      sk: 'MEETING',
      ttl: Math.floor(Date.parse('2028-03-10T10:00:00.000Z') / 1000),
      ...headOf(next),
    });
  });

  it("answers 'CONFLICT' when the condition fails and the meeting is not one still stored as one item", async () => {
    // Prepare
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(QueryCommand).resolves({ Items: [{ ...MEETING_KEY, ttl: TTL, ...headOf({ ...meeting, version: 2 }) }] });

    // Act
    const result = await store.save({ ...meeting, version: 2 }, 1);

    // Assess
    expect(result).toBe('CONFLICT');
  });

  it.each([
    ['throttling', throttled],
    ['an internal server error', internalServerError],
    ['a network error', networkError],
  ])('turns %s into DependencyUnavailableError(database)', async (_label, failure) => {
    // Prepare
    ddb.on(PutCommand).rejects(failure());

    // Act
    const attempt = store.save({ ...meeting, version: 2 }, 1);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(attempt).rejects.toMatchObject({ dependency: 'database' });
  });
});

describe('DynamoMeetingStore.list', () => {
  it('queries the area box on the byArea index newest first, then gets the meetings in one consistent batch, in index order', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [boxRow(idOf(3)), boxRow(idOf(2)), boxRow(idOf(1))] });
    // BatchGetItem returns items in no particular order
    ddb.on(BatchGetCommand).resolves({
      Responses: { [TABLE]: [1, 3, 2].map((n) => ({ pk: `MEETING#${idOf(n)}`, sk: 'MEETING', ...meetingWith(idOf(n)) })) },
    });

    // Act
    const page = await store.list('north-tyneside', 'inbox', 3);

    // Assess
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      IndexName: 'byArea',
      KeyConditionExpression: 'boxPk = :pk',
      ExpressionAttributeValues: { ':pk': 'MEETINGS#north-tyneside#inbox' },
      ScanIndexForward: false,
      Limit: 3,
    });
    const batch = ddb.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems?.[TABLE];
    expect(batch?.ConsistentRead).toBe(true);
    expect(batch?.Keys).toEqual([3, 2, 1].map((n) => ({ pk: `MEETING#${idOf(n)}`, sk: 'MEETING' })));
    // Only the summary's attributes: no sealed content is read for a listing.
    const projected = (batch?.ProjectionExpression ?? '').split(', ').map((name) => batch?.ExpressionAttributeNames?.[name]);
    expect(projected.sort()).toEqual([
      'actions',
      'answered',
      'createdAt',
      'expiresAt',
      'format',
      'invitedAreas',
      'meetingId',
      'requestingArea',
      'scheduled',
      'slots',
      'status',
    ]);
    expect(page.items.map((item) => item.meetingId)).toEqual([idOf(3), idOf(2), idOf(1)]);
    expect(page.items[0]).not.toHaveProperty('pk');
    expect(Object.hasOwn(page, 'nextCursor')).toBe(false);
  });

  it('reads the outbox partition for box=outbox', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [] });

    // Act
    const page = await store.list('northumberland', 'outbox', 20);

    // Assess
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input.ExpressionAttributeValues).toEqual({ ':pk': 'MEETINGS#northumberland#outbox' });
    expect(page.items).toEqual([]);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(0);
  });

  it('retries unprocessed keys of the batch get', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [boxRow(idOf(2)), boxRow(idOf(1))] });
    const key2 = { pk: `MEETING#${idOf(2)}`, sk: 'MEETING' };
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [TABLE]: [{ pk: 'x', sk: 'MEETING', ...meetingWith(idOf(1)) }] },
        UnprocessedKeys: { [TABLE]: { Keys: [key2] } },
      })
      .resolves({ Responses: { [TABLE]: [{ ...key2, ...meetingWith(idOf(2)) }] } });

    // Act
    const page = await store.list('north-tyneside', 'inbox', 2);

    // Assess
    expect(ddb.commandCalls(BatchGetCommand)[1]?.args[0].input.RequestItems?.[TABLE]?.Keys).toEqual([key2]);
    expect(page.items.map((item) => item.meetingId)).toEqual([idOf(2), idOf(1)]);
  });

  it('issues a cursor of the last key, bound to the area and box, and resumes from it', async () => {
    // Prepare
    const last = boxRow(idOf(2));
    ddb
      .on(QueryCommand)
      .resolves({ Items: [boxRow(idOf(3)), last], LastEvaluatedKey: { pk: last.pk, sk: last.sk, boxPk: last.boxPk, boxSk: last.boxSk } });
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });

    // Act
    const first = await store.list('north-tyneside', 'inbox', 2);
    await store.list('north-tyneside', 'inbox', 2, first.nextCursor);

    // Assess
    expect(first.nextCursor).toBeDefined();
    expect(ddb.commandCalls(QueryCommand)[1]?.args[0].input.ExclusiveStartKey).toEqual({
      pk: last.pk,
      sk: last.sk,
      boxPk: last.boxPk,
      boxSk: last.boxSk,
    });
  });

  it.each([
    ['another area', 'newcastle', 'inbox'],
    ['the same area other box', 'north-tyneside', 'outbox'],
  ] as const)('refuses a cursor for %s with ValidationError, querying nothing', async (_label, area, box) => {
    // Prepare
    const last = boxRow(idOf(2));
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [last], LastEvaluatedKey: { pk: last.pk, sk: last.sk, boxPk: last.boxPk, boxSk: last.boxSk } });
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    const { nextCursor } = await store.list('north-tyneside', 'inbox', 1);

    // Act
    const attempt = store.list(area, box, 1, nextCursor);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ issues: [{ path: 'cursor' }] });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
  });

  it.each([
    ['garbage', 'not-a-cursor!!'],
    [
      'a forged key for another area under this scope',
      encodeCursor('meetings:north-tyneside:inbox', {
        pk: 'MEETING#x',
        sk: 'AREA#newcastle',
        boxPk: 'MEETINGS#newcastle#inbox',
        boxSk: 'z',
      }),
    ],
  ])('refuses %s with ValidationError', async (_label, cursor) => {
    // Act
    const attempt = store.list('north-tyneside', 'inbox', 5, cursor);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('reports the database unavailable when the query fails', async () => {
    // Prepare
    ddb.on(QueryCommand).rejects(throttled());

    // Act
    const attempt = store.list('north-tyneside', 'inbox', 5);

    // Assess
    await expect(attempt).rejects.toMatchObject({ dependency: 'database' });
  });
});
