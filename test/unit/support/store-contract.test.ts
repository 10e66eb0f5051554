/**
 * The in-memory stores the use-case tests run on, held to the same contract as the DynamoDB stores
 * (test/integration/store-contract.test.ts runs the same suite on dynalite).
 */
import { describe, expect } from 'vitest';
import { InMemoryAlertRepository, InMemoryAuditStore, InMemoryHistoryRecords } from '../../support/fakes.js';
import { InMemoryMeetingRepository } from '../../support/meeting-fakes.js';
import {
  alertRepositoryContract,
  auditStoreContract,
  historyRecordsContract,
  meetingRepositoryContract,
} from '../../support/store-contract.js';

/** The history records each repository was made with, where its creations write theirs. */
const histories = new WeakMap<object, InMemoryHistoryRecords>();
const historyOf = (store: object): InMemoryHistoryRecords =>
  histories.get(store) ?? expect.fail('a store made without its history records');

describe('InMemoryAlertRepository', () => {
  alertRepositoryContract(async () => {
    const history = new InMemoryHistoryRecords();
    const store = new InMemoryAlertRepository(history);
    histories.set(store, history);
    return store;
  }, historyOf);
});

describe('InMemoryMeetingRepository', () => {
  meetingRepositoryContract(async () => {
    const history = new InMemoryHistoryRecords();
    const store = new InMemoryMeetingRepository(history);
    histories.set(store, history);
    return store;
  }, historyOf);
});

describe('InMemoryAuditStore', () => {
  auditStoreContract(async () => new InMemoryAuditStore());
});

describe('InMemoryHistoryRecords', () => {
  historyRecordsContract(async () => new InMemoryHistoryRecords());
});
