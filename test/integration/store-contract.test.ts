/**
 * The DynamoDB stores on dynalite, held to the same contract as the in-memory stores the use-case tests
 * run on (test/unit/support/store-contract.test.ts runs the same suite on them). Each test gets tables of
 * its own in one dynalite.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { DynamoAlertStore } from '../../functions/adapters/dynamodb/alert-store.js';
import { DynamoAuditStore } from '../../functions/adapters/dynamodb/audit-store.js';
import { DynamoHistoryRecords } from '../../functions/adapters/dynamodb/history-store.js';
import { DynamoMeetingStore } from '../../functions/adapters/dynamodb/meeting-store.js';
import type { TableNames } from '../../functions/adapters/dynamodb/tables.js';
import type { HistoryRecords } from '../../functions/core/history.js';
import { ensureTables } from '../../local/dynamodb.js';
import { expectNoScan, startTestDynamo, type TestDynamo } from '../support/dynalite.js';
import {
  alertRepositoryContract,
  auditStoreContract,
  historyRecordsContract,
  meetingRepositoryContract,
} from '../support/store-contract.js';

const namesFor = (suffix: string): TableNames => ({
  alerts: `contract-alerts-${suffix}`,
  audit: `contract-audit-${suffix}`,
  idempotency: `contract-idempotency-${suffix}`,
  meetings: `contract-meetings-${suffix}`,
});

let dynamo: TestDynamo;
let tableSets = 0;

async function freshTables(): Promise<TableNames> {
  tableSets += 1;
  const names = namesFor(String(tableSets));
  await ensureTables(dynamo.raw, names);
  return names;
}

beforeAll(async () => {
  dynamo = await startTestDynamo('mset-contract-it-', namesFor('0'));
});

afterAll(async () => {
  // Every store call went through this client: none of them scanned a table.
  expectNoScan(dynamo.sent);
  await dynamo?.stop();
});

/** The history records in the tables each store was made on, where its creations write theirs. */
const histories = new WeakMap<object, HistoryRecords>();
const historyOf = (store: object): HistoryRecords => histories.get(store) ?? expect.fail('a store made without its history records');

describe('DynamoAlertStore on dynalite', () => {
  alertRepositoryContract(async () => {
    const names = await freshTables();
    const store = new DynamoAlertStore(dynamo.client, names.alerts);
    histories.set(store, new DynamoHistoryRecords(dynamo.client, names));
    return store;
  }, historyOf);
});

describe('DynamoMeetingStore on dynalite', () => {
  meetingRepositoryContract(async () => {
    const names = await freshTables();
    const store = new DynamoMeetingStore(dynamo.client, names.meetings);
    histories.set(store, new DynamoHistoryRecords(dynamo.client, names));
    return store;
  }, historyOf);
});

describe('DynamoAuditStore on dynalite', () => {
  auditStoreContract(async () => new DynamoAuditStore(dynamo.client, (await freshTables()).audit));
});

describe('DynamoHistoryRecords on dynalite', () => {
  historyRecordsContract(async () => new DynamoHistoryRecords(dynamo.client, await freshTables()));
});
