/**
 * The in-memory stores the use-case tests run on, held to the same contract as the DynamoDB stores
 * (test/integration/store-contract.test.ts runs the same suite on dynalite).
 */
import { describe } from 'vitest';
import { InMemoryAlertRepository, InMemoryAuditStore, InMemoryHistoryRecords } from '../../support/fakes.js';
import { InMemoryMeetingRepository } from '../../support/meeting-fakes.js';
import {
  alertRepositoryContract,
  auditStoreContract,
  historyRecordsContract,
  meetingRepositoryContract,
} from '../../support/store-contract.js';

describe('InMemoryAlertRepository', () => {
  alertRepositoryContract(async () => new InMemoryAlertRepository());
});

describe('InMemoryMeetingRepository', () => {
  meetingRepositoryContract(async () => new InMemoryMeetingRepository());
});

describe('InMemoryAuditStore', () => {
  auditStoreContract(async () => new InMemoryAuditStore());
});

describe('InMemoryHistoryRecords', () => {
  historyRecordsContract(async () => new InMemoryHistoryRecords());
});
