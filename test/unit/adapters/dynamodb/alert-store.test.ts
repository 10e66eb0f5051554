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
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { alertSummaryAttributes, DynamoAlertStore } from '../../../../functions/adapters/dynamodb/alert-store.js';
import { decodeCursor, encodeCursor } from '../../../../functions/adapters/dynamodb/cursor.js';
import { historyItem } from '../../../../functions/adapters/dynamodb/history-store.js';
import { alertHistory } from '../../../../functions/core/alerts/history.js';
import { listedAlert, listedShare } from '../../../../functions/core/alerts/listing.js';
import type { StoredAcknowledgement, StoredAlert, StoredShare } from '../../../../functions/core/alerts/ports.js';
import type { CreationRecord } from '../../../../functions/core/creations.js';
import { DependencyUnavailableError, ValidationError } from '../../../../functions/core/errors.js';
import type { ReaderCopy } from '../../../../functions/core/sealed-box.js';
import { conditionalCheckFailed, internalServerError, networkError, throttled } from '../../../support/aws-errors.js';

const TABLE = 'alerts-table';
const ALERT_ID = '3f0c7c1e-0000-4000-8000-000000000001';
const NOW = '2026-03-10T10:00:00.000Z';
/** A reader's copy as stored: never opened here, only carried. */
const COPY: ReaderCopy = { key: 'a2V5', parts: { IDENTITY: { iv: 'aXZpdml2aXZpdml2', ct: 'Y3Q=', tag: 'dGFndGFndGFndGFndGFn' } } };

const alert: StoredAlert = {
  alertId: ALERT_ID,
  senderArea: 'northumberland',
  createdAt: NOW,
  createdBy: { sub: 'officer-1', name: 'Test Officer', agency: 'police' },
  expiresAt: '2027-03-10T10:00:00.000Z',
  riskLevel: 'MODERATE',
  exploitation: ['CSE'],
  recipients: ['north-tyneside', 'newcastle'],
  senderCopy: COPY,
};

const shareFor = (area: string, overrides: Partial<StoredShare> = {}): StoredShare => ({
  alertId: ALERT_ID,
  senderArea: 'northumberland',
  recipientArea: area,
  scopes: ['IDENTITY'],
  status: 'PENDING',
  ackDueBy: '2026-03-11T10:00:00.000Z',
  createdAt: NOW,
  expiresAt: '2027-03-10T10:00:00.000Z',
  riskLevel: 'MODERATE',
  exploitation: ['CSE'],
  terms: { lawfulBasis: 'DPA2018_PART3_SCH8_PARA4', consentStatus: 'NOT_SOUGHT', handlingCode: 'P' },
  copy: COPY,
  ...overrides,
});
const shares = [shareFor('north-tyneside'), shareFor('newcastle')];

const ack: StoredAcknowledgement = {
  outcome: 'ACCEPTED',
  acknowledgedAt: NOW,
  by: { sub: 'coord-1', name: 'Test Coordinator', agency: 'childrens-services', area: 'north-tyneside' },
  eventId: 'eeeeeeee-0000-4000-8000-000000000001',
};

/** An inbox row as the table holds it: keys beside the share. */
const inboxRow = (n: number) => ({
  pk: `ALERT#id-${n}`,
  sk: 'SHARE#north-tyneside',
  inboxPk: 'INBOX#north-tyneside',
  inboxSk: `2026-03-10T10:00:0${n}.000Z#id-${n}`,
  ttl: 1_804_672_800,
  ...shareFor('north-tyneside', { alertId: `id-${n}` }),
});
const keyOf = (row: Record<string, unknown>) => ({ pk: row['pk'], sk: row['sk'], inboxPk: row['inboxPk'], inboxSk: row['inboxSk'] });

const ddb = mockClient(DynamoDBDocumentClient);
let store: DynamoAlertStore;

beforeEach(() => {
  ddb.reset();
  // Nothing is stored unless a test says so: a create first reads whether its alert is already committed.
  ddb.on(GetCommand).resolves({});
  // Backoff between batch attempts is full jitter; zero keeps the retry tests instant.
  vi.spyOn(Math, 'random').mockReturnValue(0);
  store = new DynamoAlertStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-2' })), TABLE);
});

afterEach(() => {
  // No request path of the store may ever scan a table.
  expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
  vi.restoreAllMocks();
});

/** The commands sent, by name, in order: what a crash between any two of them would leave. */
const sentNames = () => ddb.calls().map((call) => (call.args[0] as object).constructor.name);
/** Every DeleteRequest any BatchWrite carried. */
const batchDeletes = () =>
  ddb
    .commandCalls(BatchWriteCommand)
    .flatMap((call) => call.args[0].input.RequestItems?.[TABLE] ?? [])
    .flatMap((request) => (request.DeleteRequest ? [request.DeleteRequest.Key] : []));

const INTENT_KEY = { pk: 'INTENT#ALERT', sk: `${NOW}#${ALERT_ID}` };
const HISTORY_KEY = { pk: `ALERT#${ALERT_ID}`, sk: 'HOLDERS' };
/** The audit facts of the request that created the alert, as the use case hands them over. */
const RECORD: CreationRecord = {
  eventId: 'eeeeeeee-0000-4000-8000-000000000002',
  requestId: 'request-1',
  actor: { sub: 'officer-1', name: 'Test Officer', area: 'northumberland', agency: 'police', roles: ['police'] },
  action: 'ALERT_CREATE',
  resource: { type: 'alert', id: ALERT_ID },
  attemptAt: NOW,
};
/** What each PutCommand wrote, by its sort key (`committed` when it marks the intent). */
const putsInOrder = () =>
  ddb.commandCalls(PutCommand).map((call) => {
    const item = call.args[0].input.Item ?? {};
    return item['committed'] === true ? 'intent committed' : String(item['sk']).split('#')[0];
  });

describe('DynamoAlertStore.create', () => {
  /** Resolves every write; the alert put and the history put can be made to fail by their sort key. */
  const writes = (fail: { ALERT?: () => Error; HOLDERS?: () => Error } = {}) => {
    ddb.on(PutCommand).callsFake((input: { Item: { sk: string } }) => {
      const failure = fail[input.Item.sk as 'ALERT' | 'HOLDERS'];
      if (failure !== undefined) throw failure();
      return {};
    });
    ddb.on(BatchWriteCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
  };

  it('puts the creation on record beside its intent and its committed check, before any of its parts', async () => {
    // Prepare
    writes();
    const seenAtRecord: string[][] = [];

    // Act
    const result = await store.create(alert, shares, undefined, async () => {
      seenAtRecord.push(sentNames());
    });

    // Assess: the read and the intent (which carries what the sweep needs to correct the record) were sent, nothing else
    expect(result).toBe('CREATED');
    expect(seenAtRecord).toEqual([['GetCommand', 'PutCommand']]);
  });

  it('keeps its intent and never commits when the creation cannot be put on record', async () => {
    // Prepare
    writes();
    const refused = new DependencyUnavailableError('audit-queue');

    // Act
    const attempt = store.create(alert, shares, undefined, async () => {
      throw refused;
    });

    // Assess: the parts may be written meanwhile, invisible without the commit; the intent stays for the
    // sweep, which corrects the record and removes them if no retry creates the alert
    await expect(attempt).rejects.toBe(refused);
    expect(sentNames()).toEqual(['GetCommand', 'PutCommand', 'BatchWriteCommand']);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject(INTENT_KEY);
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('writes no part before its intent is written and its committed check has answered', async () => {
    // Prepare: the intent's write is slow
    let intentWritten = false;
    ddb.on(PutCommand).callsFake(async (input: { Item: { pk: string } }) => {
      if (input.Item.pk === 'INTENT#ALERT') {
        await new Promise((resolve) => setTimeout(resolve, 5));
        intentWritten = true;
      }
      return {};
    });
    const atBatch: boolean[] = [];
    ddb.on(BatchWriteCommand).callsFake(() => {
      atBatch.push(intentWritten);
      return {};
    });

    // Act
    const result = await store.create(alert, shares, RECORD, async () => undefined);

    // Assess
    expect(result).toBe('CREATED');
    expect(atBatch).toEqual([true]);
  });

  it('commits only once the creation is on record, however long the audit queue takes', async () => {
    // Prepare: the audit record is slow
    writes();
    let onRecord = false;

    // Act
    const creating = store.create(alert, shares, RECORD, async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      onRecord = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const putsBefore = putsInOrder();
    const result = await creating;

    // Assess: the parts went while the record was in flight; the commit waited for it
    expect(putsBefore).toEqual(['2026-03-10T10:00:00.000Z']);
    expect(onRecord).toBe(true);
    expect(result).toBe('CREATED');
    expect(putsInOrder()).toEqual(['2026-03-10T10:00:00.000Z', 'ALERT', 'HOLDERS']);
  });

  it('writes the intent, then the shares, then the alert only if new (the commit) beside the history record: three round trips, the intent left for the sweep', async () => {
    // Prepare
    writes();

    // Act
    const result = await store.create(alert, shares, RECORD);

    // Assess
    expect(result).toBe('CREATED');
    expect(sentNames()).toEqual(['GetCommand', 'PutCommand', 'BatchWriteCommand', 'PutCommand', 'PutCommand']);
    expect(putsInOrder()).toEqual(['2026-03-10T10:00:00.000Z', 'ALERT', 'HOLDERS']);
    const [intentPut, alertPut, historyPut] = ddb.commandCalls(PutCommand).map((call) => call.args[0].input);
    const history = historyItem(alertHistory(alert));
    const intent = {
      ...INTENT_KEY,
      alertId: ALERT_ID,
      recipients: ['north-tyneside', 'newcastle'],
      // Kept as long as the history record it may have to write.
      ttl: Date.parse('2030-03-10T10:00:00.000Z') / 1000,
      attempt: NOW,
      afterCommitWithCommit: true,
      afterCommit: [history],
      record: RECORD,
    };
    expect(intentPut).toEqual({ TableName: TABLE, Item: intent });
    // Beside the commit, so only if absent or left by an earlier attempt that never committed.
    expect(historyPut).toEqual({
      TableName: TABLE,
      Item: history,
      ConditionExpression: 'attribute_not_exists(pk) OR createdAt < :attempt',
      ExpressionAttributeValues: { ':attempt': NOW },
    });
    const requests = ddb.commandCalls(BatchWriteCommand)[0]?.args[0].input.RequestItems?.[TABLE] ?? [];
    expect(requests.map((request) => request.PutRequest?.Item)).toEqual([
      expect.objectContaining({
        pk: `ALERT#${ALERT_ID}`,
        sk: 'SHARE#north-tyneside',
        inboxPk: 'INBOX#north-tyneside',
        inboxSk: `${NOW}#${ALERT_ID}`,
      }),
      expect.objectContaining({ pk: `ALERT#${ALERT_ID}`, sk: 'SHARE#newcastle', inboxPk: 'INBOX#newcastle' }),
    ]);
    // The history record names who held the alert and sits under no index, so no listing meets it.
    expect(history).toMatchObject({
      ...HISTORY_KEY,
      type: 'alert',
      id: ALERT_ID,
      ownerArea: 'northumberland',
      holderAreas: ['north-tyneside', 'newcastle'],
    });
    expect(history).not.toHaveProperty('inboxPk');
    expect(alertPut?.TableName).toBe(TABLE);
    expect(alertPut?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(alertPut?.Item).toMatchObject({
      pk: `ALERT#${ALERT_ID}`,
      sk: 'ALERT',
      outboxPk: 'OUTBOX#northumberland',
      outboxSk: `${NOW}#${ALERT_ID}`,
      ttl: Date.parse(alert.expiresAt) / 1000,
      senderArea: 'northumberland',
    });
    // A fourth round trip on every creation would be the intent's delete: the sweep drops it instead.
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('sends the committed check, the intent and the audit record together, and seals while they are in flight', async () => {
    // Prepare: the content is not sealed until the test says so
    writes();
    let seal: (value: { alert: StoredAlert; shares: StoredShare[] }) => void = () => undefined;
    const sealed = new Promise<{ alert: StoredAlert; shares: StoredShare[] }>((resolve) => {
      seal = resolve;
    });
    let recorded = false;

    // Act
    const creating = store.createWhileSealing(alert, sealed, RECORD, async () => {
      recorded = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const beforeSealed = sentNames();
    seal({ alert, shares: [...shares] });

    // Assess: nothing of the content is written before it is sealed
    expect(beforeSealed).toEqual(['GetCommand', 'PutCommand']);
    expect(recorded).toBe(true);
    expect(await creating).toBe('CREATED');
  });

  it('keeps the alert item of a short-lived alert two days past its creation, longer than the commit sweep waits', async () => {
    // Prepare: an alert expiring an hour after its creation
    writes();

    // Act
    await store.create({ ...alert, expiresAt: '2026-03-10T11:00:00.000Z' }, shares);

    // Assess: the sweep must still see the commit, whatever the content's expiry
    const alertPut = ddb.commandCalls(PutCommand)[1]?.args[0].input;
    expect(alertPut?.Item).toMatchObject({ sk: 'ALERT', ttl: Date.parse('2026-03-12T10:00:00.000Z') / 1000 });
  });

  it('writes every share before the alert, even across batches of 25', async () => {
    // Prepare: 26 recipients make 26 writes
    const many = Array.from({ length: 26 }, (_, index) => shareFor(`area-${index}`));
    writes();

    // Act
    await store.create({ ...alert, recipients: many.map((share) => share.recipientArea) }, many);

    // Assess
    expect(sentNames().slice(0, 5)).toEqual(['GetCommand', 'PutCommand', 'BatchWriteCommand', 'BatchWriteCommand', 'PutCommand']);
    const written = ddb
      .commandCalls(BatchWriteCommand)
      .flatMap((call) => call.args[0].input.RequestItems?.[TABLE] ?? [])
      .map((request) => request.PutRequest?.Item?.['sk']);
    expect(written).toEqual(many.map((share) => `SHARE#${share.recipientArea}`));
    expect(putsInOrder()).toEqual(['2026-03-10T10:00:00.000Z', 'ALERT', 'HOLDERS']);
  });

  it('answers EXISTS, writing no part, when its consistent read finds the alert committed; the intent sent beside it is dropped', async () => {
    // Prepare: the alert is committed, and one of its shares may carry an acknowledgement.
    writes();
    ddb.on(GetCommand).resolves({ Item: { pk: `ALERT#${ALERT_ID}`, sk: 'ALERT', ...alert } });

    // Act
    const result = await store.create(alert, shares);

    // Assess
    expect(result).toBe('EXISTS');
    expect(sentNames()).toEqual(['GetCommand', 'PutCommand', 'DeleteCommand']);
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: `ALERT#${ALERT_ID}`, sk: 'ALERT' },
      ConsistentRead: true,
    });
    expect(ddb.commandCalls(DeleteCommand)[0]?.args[0].input).toEqual({ TableName: TABLE, Key: INTENT_KEY });
  });

  it('answers EXISTS when the commit finds the alert there, taking back only the history record it wrote beside it', async () => {
    // Prepare: the alert put finds the alert there
    writes({ ALERT: conditionalCheckFailed });

    // Act
    const result = await store.create(alert, shares);

    // Assess
    expect(result).toBe('EXISTS');
    expect(sentNames()).toEqual(['GetCommand', 'PutCommand', 'BatchWriteCommand', 'PutCommand', 'PutCommand', 'DeleteCommand']);
    expect(ddb.commandCalls(DeleteCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: HISTORY_KEY,
      ConditionExpression: 'createdAt = :attempt',
      ExpressionAttributeValues: { ':attempt': NOW },
    });
    expect(batchDeletes()).toEqual([]);
  });

  it('answers CREATED when the history record cannot be written beside the commit, leaving the intent for the sweep to write it', async () => {
    // Prepare
    writes({ HOLDERS: internalServerError });

    // Act
    const result = await store.create(alert, shares, RECORD);

    // Assess
    expect(result).toBe('CREATED');
    expect(putsInOrder()).toEqual(['2026-03-10T10:00:00.000Z', 'ALERT', 'HOLDERS']);
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('retries unprocessed share writes with only what was left', async () => {
    // Prepare
    writes();
    const leftOver = [{ PutRequest: { Item: { pk: `ALERT#${ALERT_ID}`, sk: 'SHARE#newcastle' } } }];
    ddb
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { [TABLE]: leftOver } })
      .resolves({});

    // Act
    const result = await store.create(alert, shares);

    // Assess
    expect(result).toBe('CREATED');
    const batch = ddb.commandCalls(BatchWriteCommand);
    expect(batch).toHaveLength(2);
    expect(batch[1]?.args[0].input.RequestItems?.[TABLE]).toEqual(leftOver);
    // The commit waits for every share.
    expect(sentNames().slice(0, 5)).toEqual(['GetCommand', 'PutCommand', 'BatchWriteCommand', 'BatchWriteCommand', 'PutCommand']);
    expect(putsInOrder()[1]).toBe('ALERT');
  });

  it('gives up after repeated unprocessed items and reports the database unavailable, never committing and undoing nothing', async () => {
    // Prepare
    ddb.on(PutCommand).resolves({});
    ddb.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, unknown[]> }) => ({
      UnprocessedItems: { [TABLE]: input.RequestItems[TABLE] ?? [] },
    }));

    // Act
    const attempt = store.create(alert, shares);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(attempt).rejects.toMatchObject({ dependency: 'database' });
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(5);
    // Only the intent was put: the shares written stay invisible without the alert, for a retry or the sweep.
    expect(ddb.commandCalls(PutCommand).map((call) => call.args[0].input.Item?.['pk'])).toEqual(['INTENT#ALERT']);
    expect(batchDeletes()).toEqual([]);
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  describe.each([
    ['throttling', throttled],
    ['an internal server error', internalServerError],
    ['a network error', networkError],
  ])('on %s', (_label, failure) => {
    it('at the intent put: DependencyUnavailableError(database), and nothing else is written', async () => {
      // Prepare
      ddb.on(PutCommand).rejects(failure());

      // Act
      const attempt = store.create(alert, shares);

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
      await expect(attempt).rejects.toMatchObject({ dependency: 'database' });
      expect(sentNames()).toEqual(['GetCommand', 'PutCommand']);
    });

    it('at the share batch: DependencyUnavailableError(database), no commit and no compensation', async () => {
      // Prepare
      writes();
      ddb.on(BatchWriteCommand).rejects(failure());

      // Act
      const attempt = store.create(alert, shares);

      // Assess
      await expect(attempt).rejects.toMatchObject({ name: 'DependencyUnavailableError', dependency: 'database' });
      expect(sentNames()).toEqual(['GetCommand', 'PutCommand', 'BatchWriteCommand']);
      expect(batchDeletes()).toEqual([]);
    });

    it('at the alert put: DependencyUnavailableError(database), not EXISTS; the history record written beside it is taken back', async () => {
      // Prepare
      writes({ ALERT: failure });

      // Act
      const attempt = store.create(alert, shares);

      // Assess
      await expect(attempt).rejects.toMatchObject({ name: 'DependencyUnavailableError', dependency: 'database' });
      // The intent stays: it is how the sweep finds the shares if no retry commits them.
      expect(sentNames()).toEqual(['GetCommand', 'PutCommand', 'BatchWriteCommand', 'PutCommand', 'PutCommand', 'DeleteCommand']);
      expect(ddb.commandCalls(DeleteCommand)[0]?.args[0].input.Key).toEqual(HISTORY_KEY);
      expect(batchDeletes()).toEqual([]);
    });
  });
});

describe('DynamoAlertStore.sweepUncommitted', () => {
  const BEFORE = '2026-03-09T09:00:00.000Z';
  const CREATED_AT = '2026-03-08T10:00:00.000Z';
  /** An intent as create writes it. */
  const intent = (alertId: string, recipients: string[]) => ({
    pk: 'INTENT#ALERT',
    sk: `${CREATED_AT}#${alertId}`,
    alertId,
    recipients,
    ttl: 1_899_367_200,
    attempt: CREATED_AT,
    afterCommit: [historyItem(alertHistory({ ...alert, alertId, recipients, createdAt: CREATED_AT }))],
    record: { ...RECORD, resource: { type: 'alert', id: alertId } },
  });
  /**
   * GetItem finds the alert items of `committed` only, each as the intent's attempt wrote it, and the history
   * records of `withHistory` only (of alerts committed and since expired).
   */
  const alertsCommitted = (...committed: string[]) => storedOnly(committed, []);
  const storedOnly = (committed: string[], withHistory: string[]) =>
    ddb.on(GetCommand).callsFake((input: { Key: { pk: string; sk: string } }) => {
      const alertId = input.Key.pk.replace('ALERT#', '');
      if (input.Key.sk === 'HOLDERS') {
        return withHistory.includes(alertId) ? { Item: intent(alertId, ['north-tyneside']).afterCommit[0] } : {};
      }
      return committed.includes(alertId) ? { Item: { pk: input.Key.pk, sk: 'ALERT', ...alert, alertId, createdAt: CREATED_AT } } : {};
    });
  let corrected: string[];
  const correct = async (record: CreationRecord) => {
    corrected.push(`${record.resource.id} after ${batchDeletes().length} deletes`);
  };
  beforeEach(() => {
    corrected = [];
  });

  it('reads only the intent partition below the cutoff, a bounded number at a time', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [] });

    // Act
    const result = await store.sweepUncommitted(BEFORE, correct, 25);

    // Assess
    expect(result).toEqual({ committed: 0, removed: 0, deferred: 0 });
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND sk < :before',
      ExpressionAttributeValues: { ':pk': 'INTENT#ALERT', ':before': BEFORE },
      Limit: 25,
    });
    expect(sentNames()).toEqual(['QueryCommand']);
  });

  it('completes a committed alert with its history record; corrects the record of one never committed (no alert, no history record), then removes only its shares', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [intent('committed-1', ['gateshead']), intent('cut-off-1', ['north-tyneside', 'newcastle'])] });
    alertsCommitted('committed-1');
    ddb.on(PutCommand).resolves({});
    ddb.on(BatchWriteCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});

    // Act
    const result = await store.sweepUncommitted(BEFORE, correct);

    // Assess
    expect(result).toEqual({ committed: 1, removed: 1, deferred: 0 });
    // Every creation leaves its intent to the sweep: a run takes a thousand.
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input.Limit).toBe(1000);
    // Each intent goes last, so a sweep cut off part-way leaves it for the next run.
    expect(sentNames()).toEqual([
      'QueryCommand',
      'GetCommand',
      'PutCommand',
      'DeleteCommand',
      'GetCommand',
      'GetCommand',
      'BatchWriteCommand',
      'DeleteCommand',
    ]);
    // The committed one's history record is not read: its alert proves the commit.
    expect(ddb.commandCalls(GetCommand).map((call) => call.args[0].input)).toEqual([
      { TableName: TABLE, Key: { pk: 'ALERT#committed-1', sk: 'ALERT' }, ConsistentRead: true },
      { TableName: TABLE, Key: { pk: 'ALERT#cut-off-1', sk: 'ALERT' }, ConsistentRead: true },
      { TableName: TABLE, Key: { pk: 'ALERT#cut-off-1', sk: 'HOLDERS' }, ConsistentRead: true },
    ]);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Item: intent('committed-1', ['gateshead']).afterCommit[0],
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    // The correction comes before anything of the creation is removed.
    expect(corrected).toEqual(['cut-off-1 after 0 deletes']);
    // A history record is written only after a commit: none can be this creation's, so none is removed.
    expect(batchDeletes()).toEqual([
      { pk: 'ALERT#cut-off-1', sk: 'SHARE#north-tyneside' },
      { pk: 'ALERT#cut-off-1', sk: 'SHARE#newcastle' },
    ]);
    expect(ddb.commandCalls(DeleteCommand).map((call) => call.args[0].input)).toEqual([
      { TableName: TABLE, Key: { pk: 'INTENT#ALERT', sk: intent('committed-1', []).sk } },
      { TableName: TABLE, Key: { pk: 'INTENT#ALERT', sk: intent('cut-off-1', []).sk } },
    ]);
  });

  it('leaves everything of an uncommitted alert whose correction cannot be recorded', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [intent('cut-off-4', ['north-tyneside'])] });
    alertsCommitted();

    // Act
    const result = await store.sweepUncommitted(BEFORE, () => Promise.reject(new DependencyUnavailableError('audit-queue')));

    // Assess
    expect(result).toEqual({ committed: 0, removed: 0, deferred: 1 });
    expect(sentNames()).toEqual(['QueryCommand', 'GetCommand', 'GetCommand']);
  });

  it('keeps an alert whose history record exists though the alert is gone (committed, then expired): drops only its intent', async () => {
    // Prepare: the alert item is gone and the intent never got its committed mark; its history record stands
    ddb.on(QueryCommand).resolves({ Items: [intent('expired-1', ['north-tyneside'])] });
    storedOnly([], ['expired-1']);
    ddb.on(DeleteCommand).resolves({});

    // Act
    const result = await store.sweepUncommitted(BEFORE, correct);

    // Assess: counted committed; nothing corrected, nothing written, nothing of it removed
    expect(result).toEqual({ committed: 1, removed: 0, deferred: 0 });
    expect(corrected).toEqual([]);
    expect(sentNames()).toEqual(['QueryCommand', 'GetCommand', 'GetCommand', 'DeleteCommand']);
    expect(ddb.commandCalls(GetCommand)[1]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'ALERT#expired-1', sk: 'HOLDERS' },
      ConsistentRead: true,
    });
    expect(ddb.commandCalls(DeleteCommand).map((call) => call.args[0].input.Key)).toEqual([
      { pk: 'INTENT#ALERT', sk: intent('expired-1', []).sk },
    ]);
  });

  it('removes an intent of an earlier version (no attempt) with its shares and history record, without reading the history record', async () => {
    // Prepare: that version wrote the history record before the commit, so a record found proves nothing
    const { attempt: _attempt, afterCommit: _after, record: _record, ...older } = intent('legacy-1', ['north-tyneside']);
    ddb.on(QueryCommand).resolves({ Items: [older] });
    storedOnly([], ['legacy-1']);
    ddb.on(BatchWriteCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});

    // Act
    const result = await store.sweepUncommitted(BEFORE, correct);

    // Assess
    expect(result).toEqual({ committed: 0, removed: 1, deferred: 0 });
    expect(corrected).toEqual([]);
    expect(sentNames()).toEqual(['QueryCommand', 'GetCommand', 'BatchWriteCommand', 'DeleteCommand']);
    expect(batchDeletes()).toEqual([
      { pk: 'ALERT#legacy-1', sk: 'SHARE#north-tyneside' },
      { pk: 'ALERT#legacy-1', sk: 'HOLDERS' },
    ]);
  });

  it.each([
    ['the intent query', QueryCommand],
    ['the alert read', GetCommand],
    ['the removal of the shares', BatchWriteCommand],
  ] as const)('reports an outage at %s as DependencyUnavailableError(database), keeping the intent', async (_label, failing) => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [intent('cut-off-2', ['north-tyneside'])] });
    alertsCommitted();
    ddb.on(BatchWriteCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    ddb.on(failing as typeof QueryCommand).rejects(internalServerError());

    // Act
    const attempt = store.sweepUncommitted(BEFORE, correct);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'DependencyUnavailableError', dependency: 'database' });
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('reports an outage on dropping an intent as DependencyUnavailableError(database), after its leftovers are gone', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [intent('cut-off-3', ['north-tyneside'])] });
    alertsCommitted();
    ddb.on(BatchWriteCommand).resolves({});
    ddb.on(DeleteCommand).rejects(throttled());

    // Act
    const attempt = store.sweepUncommitted(BEFORE, correct);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'DependencyUnavailableError', dependency: 'database' });
    expect(batchDeletes()).toEqual([{ pk: 'ALERT#cut-off-3', sk: 'SHARE#north-tyneside' }]);
  });
});

describe('DynamoAlertStore reads', () => {
  it('gets an alert with a consistent read and strips the table keys', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: { pk: `ALERT#${ALERT_ID}`, sk: 'ALERT', outboxPk: 'x', outboxSk: 'y', ttl: 1, ...alert } });

    // Act
    const found = await store.getAlert(ALERT_ID);

    // Assess
    expect(found).toEqual(alert);
    const input = ddb.commandCalls(GetCommand)[0]?.args[0].input;
    expect(input).toEqual({ TableName: TABLE, Key: { pk: `ALERT#${ALERT_ID}`, sk: 'ALERT' }, ConsistentRead: true });
  });

  it('answers undefined for a missing alert or share', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({});

    // Act
    const results = [await store.getAlert(ALERT_ID), await store.getShare(ALERT_ID, 'newcastle')];

    // Assess
    expect(results).toEqual([undefined, undefined]);
    expect(ddb.commandCalls(GetCommand)[1]?.args[0].input.Key).toEqual({ pk: `ALERT#${ALERT_ID}`, sk: 'SHARE#newcastle' });
  });

  it.each([
    ['throttling', throttled],
    ['an internal server error', internalServerError],
    ['a network error', networkError],
  ])('turns %s on a get into DependencyUnavailableError(database)', async (_label, failure) => {
    // Prepare
    ddb.on(GetCommand).rejects(failure());

    // Act
    const attempt = store.getShare(ALERT_ID, 'newcastle');

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'DependencyUnavailableError', dependency: 'database' });
  });

  it('batch-gets shares, retries unprocessed keys, and answers in the order asked', async () => {
    // Prepare
    const row = (area: string) => ({ pk: `ALERT#${ALERT_ID}`, sk: `SHARE#${area}`, inboxPk: 'p', inboxSk: 's', ttl: 1, ...shareFor(area) });
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [TABLE]: [row('newcastle')] },
        UnprocessedKeys: { [TABLE]: { Keys: [{ pk: `ALERT#${ALERT_ID}`, sk: 'SHARE#north-tyneside' }] } },
      })
      .resolves({ Responses: { [TABLE]: [row('north-tyneside')] } });

    // Act
    const found = await store.getShares([
      { alertId: ALERT_ID, area: 'north-tyneside' },
      { alertId: ALERT_ID, area: 'gateshead' },
      { alertId: ALERT_ID, area: 'newcastle' },
    ]);

    // Assess
    expect(found.map((share) => share.recipientArea)).toEqual(['north-tyneside', 'newcastle']);
    expect(found[0]).toEqual(shareFor('north-tyneside'));
    const calls = ddb.commandCalls(BatchGetCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.args[0].input.RequestItems?.[TABLE]?.ConsistentRead).toBe(true);
    expect(calls[1]?.args[0].input.RequestItems?.[TABLE]?.Keys).toEqual([{ pk: `ALERT#${ALERT_ID}`, sk: 'SHARE#north-tyneside' }]);
  });

  it('sends nothing for an empty batch get', async () => {
    // Act
    const found = await store.getShares([]);

    // Assess
    expect(found).toEqual([]);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('reports the database unavailable when keys stay unprocessed', async () => {
    // Prepare
    const key = { pk: `ALERT#${ALERT_ID}`, sk: 'SHARE#newcastle' };
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] }, UnprocessedKeys: { [TABLE]: { Keys: [key] } } });

    // Act
    const attempt = store.getShares([{ alertId: ALERT_ID, area: 'newcastle' }]);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'DependencyUnavailableError', dependency: 'database' });
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(5);
  });
});

describe('DynamoAlertStore.acknowledge', () => {
  it('writes the acknowledgement only if the share exists, is PENDING and has not expired', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});

    // Act
    const result = await store.acknowledge(ALERT_ID, 'north-tyneside', ack, NOW);

    // Assess
    expect(result).toBe('ACKNOWLEDGED');
    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.Key).toEqual({ pk: `ALERT#${ALERT_ID}`, sk: 'SHARE#north-tyneside' });
    expect(input?.ConditionExpression).toBe(
      'attribute_exists(pk) AND attribute_not_exists(#ended) AND #status = :pending AND expiresAt > :now',
    );
    // In the same write, the ladder's version goes up (no step read before it is taken after it) and the
    // share is due at once in the index of pending shares, for the notice to the sender.
    expect(input?.UpdateExpression).toBe(
      'SET #status = :acknowledged, acknowledgement = :ack, ladderVersion = if_not_exists(ladderVersion, :zero) + :one, ladderSteps = if_not_exists(ladderSteps, :none), ladderDueAt = :at, ladderPk = :ladderPk, ladderSk = :ladderSk, ' +
        // ...and it moves to its area's acknowledged listing, newest first, with the outcome but not the note,
        'acknowledged = :listed, inboxStatusPk = :listedPk, inboxStatusSk = inboxSk, ' +
        // ...and the outbox shows the change (its row among the changed shares, at a version one higher).
        'summaryPk = if_not_exists(sentPk, :unlisted), summarySk = if_not_exists(sentSk, :unlisted), listedVersion = if_not_exists(listedVersion, :zero) + :one',
    );
    expect(input?.ExpressionAttributeNames).toEqual({ '#status': 'status', '#ended': 'ended' });
    expect(input?.ExpressionAttributeValues).toEqual({
      ':pending': 'PENDING',
      ':acknowledged': 'ACKNOWLEDGED',
      ':ack': ack,
      ':now': NOW,
      ':zero': 0,
      ':one': 1,
      ':none': [],
      ':at': ack.acknowledgedAt,
      ':ladderPk': 'LADDER',
      ':ladderSk': `${ack.acknowledgedAt}#${ALERT_ID}#north-tyneside`,
      ':listed': {
        outcome: ack.outcome,
        acknowledgedAt: ack.acknowledgedAt,
        ...(ack.redirectTo === undefined ? {} : { redirectTo: ack.redirectTo }),
      },
      ':listedPk': 'INBOX#north-tyneside#ACKNOWLEDGED',
      ':unlisted': 'UNLISTED',
    });
  });

  it('answers ALREADY_ACKNOWLEDGED when the condition fails on a live, acknowledged share', async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves({ Item: shareFor('north-tyneside', { status: 'ACKNOWLEDGED', acknowledgement: ack }) });

    // Act
    const result = await store.acknowledge(ALERT_ID, 'north-tyneside', ack, NOW);

    // Assess
    expect(result).toBe('ALREADY_ACKNOWLEDGED');
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input.ConsistentRead).toBe(true);
  });

  it.each([
    ['missing', undefined],
    ['expired', shareFor('north-tyneside', { expiresAt: NOW })],
  ])('answers GONE when the condition fails on a %s share', async (_label, item) => {
    // Prepare
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand).resolves(item === undefined ? {} : { Item: item });

    // Act
    const result = await store.acknowledge(ALERT_ID, 'north-tyneside', ack, NOW);

    // Assess
    expect(result).toBe('GONE');
  });

  it.each([
    ['throttling', throttled],
    ['an internal server error', internalServerError],
    ['a network error', networkError],
  ])('turns %s into DependencyUnavailableError(database), never a conflict', async (_label, failure) => {
    // Prepare
    ddb.on(UpdateCommand).rejects(failure());

    // Act
    const attempt = store.acknowledge(ALERT_ID, 'north-tyneside', ack, NOW);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'DependencyUnavailableError', dependency: 'database' });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });
});

describe('DynamoAlertStore.listInbox', () => {
  /** The keys-only BatchGet of alert items answers for the committed alerts only: all but `uncommitted`. */
  const alertsCommittedExcept = (...uncommitted: string[]) =>
    ddb.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: { pk: string; sk: string }[] }> }) => ({
      Responses: {
        [TABLE]: (input.RequestItems[TABLE]?.Keys ?? []).filter((key) => !uncommitted.includes(key.pk.replace('ALERT#', ''))),
      },
    }));

  beforeEach(() => {
    alertsCommittedExcept();
  });

  it.each([
    [undefined, 'received', 'inboxPk = :pk', { ':pk': 'INBOX#north-tyneside' }, false],
    [
      'PENDING',
      'receivedByStatus',
      'inboxStatusPk = :pk AND inboxStatusSk > :edge',
      { ':pk': 'INBOX#north-tyneside#PENDING', ':edge': `${NOW}#~` },
      true,
    ],
    [
      'OVERDUE',
      'receivedByStatus',
      'inboxStatusPk = :pk AND inboxStatusSk < :edge',
      { ':pk': 'INBOX#north-tyneside#PENDING', ':edge': `${NOW}#~` },
      true,
    ],
    ['ACKNOWLEDGED', 'receivedByStatus', 'inboxStatusPk = :pk', { ':pk': 'INBOX#north-tyneside#ACKNOWLEDGED' }, false],
  ] as const)('queries %s as one key range of the %s index, reading the page and one row', async (status, index, keys, values, forward) => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [] });

    // Act
    await store.listInbox('north-tyneside', { now: NOW, ...(status === undefined ? {} : { status }) }, 20);

    // Assess
    const calls = ddb.commandCalls(QueryCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.TableName).toBe(TABLE);
    expect(input?.IndexName).toBe(index);
    expect(input?.KeyConditionExpression).toBe(keys);
    // Expiry is filtered on every read: TTL deletes late. An ended share is left out even were its keys left behind.
    expect(input?.FilterExpression).toBe('expiresAt > :now AND attribute_not_exists(endedAs)');
    expect(input?.ExpressionAttributeValues).toEqual({ ...values, ':now': NOW });
    // Only the summary and the keys a cursor needs: never a sealed attribute, nor the acknowledgement (its note).
    const projected = String(input?.ProjectionExpression)
      .split(', ')
      .map((placeholder) => input?.ExpressionAttributeNames?.[placeholder]);
    expect(projected).toEqual([
      'pk',
      'sk',
      ...(index === 'received' ? ['inboxPk', 'inboxSk'] : ['inboxStatusPk', 'inboxStatusSk']),
      'alertId',
      'senderArea',
      'recipientArea',
      'riskLevel',
      'exploitation',
      'createdAt',
      'expiresAt',
      'status',
      'ackDueBy',
      'acknowledged',
      'endedAs',
      'ladderSteps',
      'deliveryFailures',
    ]);
    // Newest first; pending and overdue by deadline, the earliest first.
    expect(input?.ScanIndexForward).toBe(forward);
    expect(input?.Limit).toBe(21);
    expect(input?.ExclusiveStartKey).toBeUndefined();
  });

  it('returns the rows without table keys and no cursor when the index is exhausted', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [inboxRow(1)] });

    // Act
    const page = await store.listInbox('north-tyneside', { now: NOW }, 5);

    // Assess
    expect(page.items).toEqual([listedShare(shareFor('north-tyneside', { alertId: 'id-1' }))]);
    expect(Object.hasOwn(page, 'nextCursor')).toBe(false);
  });

  it('keeps querying until the page is full, then stops with a cursor of the last row returned', async () => {
    // Prepare
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [inboxRow(1), inboxRow(2)], LastEvaluatedKey: keyOf(inboxRow(4)) })
      .resolvesOnce({ Items: [inboxRow(5)], LastEvaluatedKey: keyOf(inboxRow(6)) })
      .resolves({ Items: [inboxRow(7)] });

    // Act
    const page = await store.listInbox('north-tyneside', { now: NOW }, 3);

    // Assess: each query asks for the rows still wanted and one more
    const calls = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(calls).toHaveLength(3);
    expect(calls.map((input) => input.Limit)).toEqual([4, 2, 1]);
    expect(calls[1]?.ExclusiveStartKey).toEqual(keyOf(inboxRow(4)));
    expect(calls[2]?.ExclusiveStartKey).toEqual(keyOf(inboxRow(6)));
    expect(page.items.map((share) => share.alertId)).toEqual(['id-1', 'id-2', 'id-5']);
    const key = decodeCursor(page.nextCursor, 'inbox:north-tyneside:ALL', ['pk', 'sk', 'inboxPk', 'inboxSk'], {
      inboxPk: 'INBOX#north-tyneside',
    });
    expect(key).toEqual(keyOf(inboxRow(5)));
  });

  it('reads at most 8 queries for one page and hands back DynamoDB own last key', async () => {
    // Prepare: a long partition of rows all left out (expired, not yet deleted by TTL)
    ddb.on(QueryCommand).resolves({ Items: [], LastEvaluatedKey: keyOf(inboxRow(9)) });

    // Act
    const page = await store.listInbox('north-tyneside', { now: NOW }, 10);

    // Assess
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(8);
    expect(page.items).toEqual([]);
    expect(page.nextCursor).toEqual(expect.any(String));
    const key = decodeCursor(page.nextCursor, 'inbox:north-tyneside:ALL', ['pk', 'sk', 'inboxPk', 'inboxSk'], {
      inboxPk: 'INBOX#north-tyneside',
    });
    expect(key).toEqual(keyOf(inboxRow(9)));
  });

  it('cuts a query that returned more matches than the page holds, and resumes after the last one handed out', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [inboxRow(1), inboxRow(2), inboxRow(3)] });

    // Act
    const page = await store.listInbox('north-tyneside', { now: NOW }, 2);

    // Assess
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
    expect(page.items.map((share) => share.alertId)).toEqual(['id-1', 'id-2']);
    const key = decodeCursor(page.nextCursor, 'inbox:north-tyneside:ALL', ['pk', 'sk', 'inboxPk', 'inboxSk'], {
      inboxPk: 'INBOX#north-tyneside',
    });
    expect(key).toEqual(keyOf(inboxRow(2)));
  });

  it('leaves out rows whose alert is not committed, asking once per alert for its keys only, consistently', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [inboxRow(1), inboxRow(2), inboxRow(3)] });
    alertsCommittedExcept('id-2');

    // Act
    const page = await store.listInbox('north-tyneside', { now: NOW }, 5);

    // Assess
    expect(page.items.map((share) => share.alertId)).toEqual(['id-1', 'id-3']);
    expect(Object.hasOwn(page, 'nextCursor')).toBe(false);
    const gets = ddb.commandCalls(BatchGetCommand);
    expect(gets).toHaveLength(1);
    expect(gets[0]?.args[0].input.RequestItems?.[TABLE]).toEqual({
      Keys: [1, 2, 3].map((n) => ({ pk: `ALERT#id-${n}`, sk: 'ALERT' })),
      ConsistentRead: true,
      ProjectionExpression: 'pk, sk',
    });
  });

  it('fills the page past uncommitted rows, with a cursor at the last row handed out', async () => {
    // Prepare
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [inboxRow(1), inboxRow(2), inboxRow(3)], LastEvaluatedKey: keyOf(inboxRow(3)) })
      .resolves({ Items: [inboxRow(4), inboxRow(5)], LastEvaluatedKey: keyOf(inboxRow(5)) });
    alertsCommittedExcept('id-2');

    // Act
    const page = await store.listInbox('north-tyneside', { now: NOW }, 3);

    // Assess
    const calls = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.ExclusiveStartKey).toEqual(keyOf(inboxRow(3)));
    expect(page.items.map((share) => share.alertId)).toEqual(['id-1', 'id-3', 'id-4']);
    const key = decodeCursor(page.nextCursor, 'inbox:north-tyneside:ALL', ['pk', 'sk', 'inboxPk', 'inboxSk'], {
      inboxPk: 'INBOX#north-tyneside',
    });
    expect(key).toEqual(keyOf(inboxRow(4)));
  });

  it('issues no cursor when only uncommitted rows remain after a full page', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [inboxRow(1), inboxRow(2), inboxRow(3)] });
    alertsCommittedExcept('id-3');

    // Act
    const page = await store.listInbox('north-tyneside', { now: NOW }, 2);

    // Assess
    expect(page.items.map((share) => share.alertId)).toEqual(['id-1', 'id-2']);
    expect(Object.hasOwn(page, 'nextCursor')).toBe(false);
  });

  it('reads on past a query of uncommitted rows only, asking nothing for an empty one', async () => {
    // Prepare
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [inboxRow(1)], LastEvaluatedKey: keyOf(inboxRow(1)) })
      .resolvesOnce({ Items: [], LastEvaluatedKey: keyOf(inboxRow(2)) })
      .resolves({ Items: [inboxRow(3)] });
    alertsCommittedExcept('id-1');

    // Act
    const page = await store.listInbox('north-tyneside', { now: NOW }, 2);

    // Assess
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(3);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(2);
    expect(page.items.map((share) => share.alertId)).toEqual(['id-3']);
    expect(Object.hasOwn(page, 'nextCursor')).toBe(false);
  });

  it('turns a failed check of the alerts into DependencyUnavailableError(database), never a page without it', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [inboxRow(1)] });
    ddb.on(BatchGetCommand).rejects(throttled());

    // Act
    const attempt = store.listInbox('north-tyneside', { now: NOW }, 2);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'DependencyUnavailableError', dependency: 'database' });
  });

  it('starts the next page where the cursor says', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [] });
    const cursor = encodeCursor('inbox:north-tyneside:ALL', keyOf(inboxRow(3)) as Record<string, string>);

    // Act
    await store.listInbox('north-tyneside', { now: NOW }, 2, cursor);

    // Assess
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input.ExclusiveStartKey).toEqual(keyOf(inboxRow(3)));
  });

  it.each([
    ['another area listing', 'inbox:newcastle:ALL', { ...keyOf(inboxRow(3)), inboxPk: 'INBOX#newcastle' }],
    ['another area partition under this listing name', 'inbox:north-tyneside:ALL', { ...keyOf(inboxRow(3)), inboxPk: 'INBOX#newcastle' }],
    ['another status filter', 'inbox:north-tyneside:PENDING', keyOf(inboxRow(3))],
    ['the outbox', 'outbox:north-tyneside', { pk: 'a', sk: 'b', outboxPk: 'OUTBOX#north-tyneside', outboxSk: 'c' }],
  ])('refuses a cursor issued for %s before querying anything', async (_label, scope, key) => {
    // Prepare
    const cursor = encodeCursor(scope, key as Record<string, string>);

    // Act
    const error = await store.listInbox('north-tyneside', { now: NOW }, 2, cursor).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.path).toBe('cursor');
    expect(ddb.calls()).toHaveLength(0);
  });

  it('starts the next PENDING page from the start of the range when the cursor share has fallen overdue since', async () => {
    // Prepare: a cursor naming a share due before now, issued when it was still pending
    ddb.on(QueryCommand).resolves({ Items: [] });
    const key = { pk: 'ALERT#id-1', sk: 'SHARE#north-tyneside', inboxStatusPk: 'INBOX#north-tyneside#PENDING' };
    const fallen = encodeCursor('inbox:north-tyneside:PENDING', { ...key, inboxStatusSk: `2026-03-10T09:00:00.000Z#${NOW}#id-1` });
    const ahead = encodeCursor('inbox:north-tyneside:PENDING', { ...key, inboxStatusSk: `2026-03-11T09:00:00.000Z#${NOW}#id-1` });

    // Act
    await store.listInbox('north-tyneside', { now: NOW, status: 'PENDING' }, 2, fallen);
    await store.listInbox('north-tyneside', { now: NOW, status: 'PENDING' }, 2, ahead);

    // Assess: every pending share left sorts after the one that fell overdue
    const [first, second] = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(first?.ExclusiveStartKey).toBeUndefined();
    expect(second?.ExclusiveStartKey).toEqual({ ...key, inboxStatusSk: `2026-03-11T09:00:00.000Z#${NOW}#id-1` });
  });

  it('refuses an OVERDUE cursor naming a share not yet due, before querying anything', async () => {
    // Prepare
    const cursor = encodeCursor('inbox:north-tyneside:OVERDUE', {
      pk: 'ALERT#id-1',
      sk: 'SHARE#north-tyneside',
      inboxStatusPk: 'INBOX#north-tyneside#PENDING',
      inboxStatusSk: `2026-03-11T09:00:00.000Z#${NOW}#id-1`,
    });

    // Act
    const error = await store.listInbox('north-tyneside', { now: NOW, status: 'OVERDUE' }, 2, cursor).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('turns a throttled query into DependencyUnavailableError(database)', async () => {
    // Prepare
    ddb.on(QueryCommand).rejects(throttled());

    // Act
    const attempt = store.listInbox('north-tyneside', { now: NOW }, 2);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'DependencyUnavailableError', dependency: 'database' });
  });
});

describe('DynamoAlertStore.listOutbox', () => {
  const alertRow = (alertId: string, createdAt: string, summarized: readonly StoredShare[] = []) => ({
    pk: `ALERT#${alertId}`,
    sk: 'ALERT',
    ...listedAlert({ ...alert, alertId, createdAt }, []),
    shares: undefined,
    ...alertSummaryAttributes({ ...alert, alertId, createdAt }, summarized as unknown as Record<string, unknown>[]),
  });
  const changedRow = (alertId: string, createdAt: string, area: string, listedVersion: number, overrides: Partial<StoredShare> = {}) => ({
    pk: `ALERT#${alertId}`,
    sk: `SHARE#${area}`,
    summaryPk: 'OUTBOX#northumberland',
    summarySk: `S#${createdAt}#${alertId}#${area}`,
    listedVersion,
    ...shareFor(area, { alertId, createdAt, ...overrides }),
  });
  const summaryKey = (row: Record<string, unknown>) => ({
    pk: row['pk'],
    sk: row['sk'],
    summaryPk: row['summaryPk'],
    summarySk: row['summarySk'],
  });
  const LATER = '2026-03-10T11:00:00.000Z';
  const alertsQuery = { IndexName: 'sentSummaries', KeyConditionExpression: 'summaryPk = :pk AND begins_with(summarySk, :alerts)' };
  const changedQuery = { IndexName: 'sentSummaries', KeyConditionExpression: 'summaryPk = :pk AND summarySk BETWEEN :from AND :to' };

  it("reads the page's alert rows and the changed shares at once, and lists each share from its summary or, changed since, from its row", async () => {
    // Prepare
    const acknowledged = {
      status: 'ACKNOWLEDGED' as const,
      acknowledged: { outcome: 'ACCEPTED', acknowledgedAt: LATER },
    } as Partial<StoredShare>;
    const newest = alertRow('id-2', LATER, [shareFor('north-tyneside', { alertId: 'id-2', createdAt: LATER })]);
    const oldest = alertRow('id-1', NOW, [
      shareFor('newcastle', { alertId: 'id-1', createdAt: NOW }),
      shareFor('north-tyneside', { alertId: 'id-1', createdAt: NOW }),
    ]);
    const next = alertRow('id-0', '2026-03-10T09:00:00.000Z');
    ddb.on(QueryCommand, alertsQuery).resolves({ Items: [newest, oldest, next], LastEvaluatedKey: summaryKey(next) });
    ddb.on(QueryCommand, changedQuery).resolves({
      Items: [
        // A share of an alert never committed, between the page's two: it matches no alert row.
        changedRow('id-9', '2026-03-10T10:30:00.000Z', 'gateshead', 1),
        changedRow('id-1', NOW, 'north-tyneside', 1, acknowledged),
      ],
    });

    // Act
    const page = await store.listOutbox('northumberland', NOW, 2);

    // Assess
    const queries = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(queries).toHaveLength(2);
    expect(queries.find((query) => query.KeyConditionExpression === alertsQuery.KeyConditionExpression)).toMatchObject({
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':pk': 'OUTBOX#northumberland', ':alerts': 'A#', ':now': NOW },
      ScanIndexForward: false,
      Limit: 3,
    });
    expect(queries.find((query) => query.KeyConditionExpression === changedQuery.KeyConditionExpression)).toMatchObject({
      ExpressionAttributeValues: { ':pk': 'OUTBOX#northumberland', ':from': 'S#', ':to': 'S#~' },
      ScanIndexForward: false,
      Limit: 50,
    });
    expect(page.items).toEqual([
      listedAlert({ ...alert, alertId: 'id-2', createdAt: LATER }, [shareFor('north-tyneside', { alertId: 'id-2', createdAt: LATER })]),
      // In the order of the alert's recipients.
      listedAlert({ ...alert, alertId: 'id-1', createdAt: NOW }, [
        shareFor('newcastle', { alertId: 'id-1', createdAt: NOW }),
        {
          ...listedShare(shareFor('north-tyneside', { alertId: 'id-1', createdAt: NOW, status: 'ACKNOWLEDGED' })),
          acknowledgement: { outcome: 'ACCEPTED', acknowledgedAt: LATER },
        },
      ] as never),
    ]);
    // The cursor names the keys of the index the outbox was read from before (`sent`): the same values.
    const key = decodeCursor(page.nextCursor, 'sent:northumberland', ['pk', 'sk', 'sentPk', 'sentSk'], { sentPk: 'OUTBOX#northumberland' });
    expect(key).toEqual({ pk: 'ALERT#id-1', sk: 'ALERT', sentPk: 'OUTBOX#northumberland', sentSk: `A#${NOW}#id-1` });
  });

  it('keeps a summary taken at a later version than a changed row the index has not yet caught up with', async () => {
    // Prepare
    const summarized = shareFor('north-tyneside', { alertId: 'id-1', status: 'ACKNOWLEDGED' });
    const row = alertRow('id-1', NOW, [{ ...summarized, listedVersion: 2 } as StoredShare]);
    ddb.on(QueryCommand, alertsQuery).resolves({ Items: [row] });
    ddb.on(QueryCommand, changedQuery).resolves({ Items: [changedRow('id-1', NOW, 'north-tyneside', 1)] });

    // Act
    const page = await store.listOutbox('northumberland', NOW, 20);

    // Assess
    expect(page.items[0]?.shares.map((share) => share.status)).toEqual(['ACKNOWLEDGED']);
  });

  it("reads on for changed shares when one read did not reach the page's oldest alert, from where it stopped", async () => {
    // Prepare
    const rows = [alertRow('id-2', LATER), alertRow('id-1', NOW)];
    const first = changedRow('id-2', LATER, 'north-tyneside', 1);
    const second = changedRow('id-1', NOW, 'north-tyneside', 1);
    ddb.on(QueryCommand, alertsQuery).resolves({ Items: rows });
    ddb
      .on(QueryCommand, changedQuery)
      .resolvesOnce({ Items: [first], LastEvaluatedKey: summaryKey(first) })
      .resolves({ Items: [second] });

    // Act
    const page = await store.listOutbox('northumberland', NOW, 20);

    // Assess
    const reads = ddb.commandCalls(QueryCommand, changedQuery).map((call) => call.args[0].input);
    expect(reads).toHaveLength(2);
    expect(reads[1]).toMatchObject({
      ExpressionAttributeValues: { ':from': `S#${NOW}#id-1#`, ':to': 'S#~' },
      ExclusiveStartKey: summaryKey(first),
    });
    // The rest of the page's range in one query: no Limit.
    expect(reads[1]?.Limit).toBeUndefined();
    expect(page.items.map((item) => item.shares.map((share) => share.recipientArea))).toEqual([['north-tyneside'], ['north-tyneside']]);
  });

  it("reads no further changed shares once a read has passed the page's oldest alert", async () => {
    // Prepare
    const older = changedRow('id-0', '2026-03-10T09:00:00.000Z', 'north-tyneside', 1);
    ddb.on(QueryCommand, alertsQuery).resolves({ Items: [alertRow('id-1', NOW)] });
    ddb.on(QueryCommand, changedQuery).resolves({ Items: [older], LastEvaluatedKey: summaryKey(older) });

    // Act
    await store.listOutbox('northumberland', NOW, 20);

    // Assess
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(2);
  });

  it('reads the changed shares from the cursor down on a later page', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [] });
    const cursor = encodeCursor('sent:northumberland', {
      pk: 'ALERT#id-1',
      sk: 'ALERT',
      sentPk: 'OUTBOX#northumberland',
      sentSk: `A#${NOW}#id-1`,
    });

    // Act
    const page = await store.listOutbox('northumberland', NOW, 20, cursor);

    // Assess
    expect(page).toEqual({ items: [] });
    expect(ddb.commandCalls(QueryCommand, alertsQuery)[0]?.args[0].input.ExclusiveStartKey).toEqual({
      pk: 'ALERT#id-1',
      sk: 'ALERT',
      summaryPk: 'OUTBOX#northumberland',
      summarySk: `A#${NOW}#id-1`,
    });
    expect(ddb.commandCalls(QueryCommand, changedQuery)[0]?.args[0].input.ExpressionAttributeValues).toMatchObject({
      ':from': 'S#',
      ':to': `S#${NOW}#id-1#~`,
    });
  });

  it.each([
    ['an inbox cursor', encodeCursor('inbox:northumberland:ALL', keyOf(inboxRow(1)) as Record<string, string>)],
    [
      'a cursor naming a share row',
      encodeCursor('sent:northumberland', {
        pk: 'ALERT#id-1',
        sk: 'SHARE#gateshead',
        sentPk: 'OUTBOX#northumberland',
        sentSk: `S#${NOW}#id-1#gateshead`,
      }),
    ],
    [
      'another sender',
      encodeCursor('sent:northumberland', { pk: 'ALERT#id-1', sk: 'ALERT', sentPk: 'OUTBOX#gateshead', sentSk: `A#${NOW}#id-1` }),
    ],
  ])('refuses %s before querying anything', async (_label, cursor) => {
    // Act
    const attempt = store.listOutbox('northumberland', NOW, 1, cursor);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('DynamoAlertStore.remove', () => {
  it('deletes every share and the alert in one batch', async () => {
    // Prepare
    ddb.on(BatchWriteCommand).resolves({});

    // Act
    await store.remove(ALERT_ID, ['north-tyneside']);

    // Assess
    expect(ddb.commandCalls(BatchWriteCommand)[0]?.args[0].input.RequestItems?.[TABLE]).toEqual([
      { DeleteRequest: { Key: { pk: `ALERT#${ALERT_ID}`, sk: 'SHARE#north-tyneside' } } },
      { DeleteRequest: { Key: { pk: `ALERT#${ALERT_ID}`, sk: 'ALERT' } } },
    ]);
  });

  it('reports a failed delete as the database unavailable', async () => {
    // Prepare
    ddb.on(BatchWriteCommand).rejects(internalServerError());

    // Act
    const attempt = store.remove(ALERT_ID, ['north-tyneside']);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});
