/**
 * The composition root: the one place that decides which adapter serves each port, from configuration.
 * Each getter builds its adapter once per container (clients outside the handler, as Lambda rewards) and
 * only when a function asks for it, so a function that never decrypts never loads the KMS client.
 * Nothing else in the hub asks where it is running.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsClientConfig } from '../adapters/aws-client-config.js';
import { DynamoAlertStore } from '../adapters/dynamodb/alert-store.js';
import { DynamoAuditStore } from '../adapters/dynamodb/audit-store.js';
import { DynamoIdempotencyStore } from '../adapters/dynamodb/idempotency-store.js';
import { DynamoMeetingStore } from '../adapters/dynamodb/meeting-store.js';
import { createKmsClient, KmsKeyService } from '../adapters/kms/kms-key-service.js';
import { InProcessAuditTrail, InProcessQueue } from '../adapters/local/in-process-queue.js';
import { LocalKeyService } from '../adapters/local/local-key-service.js';
import { createSqsClient, SqsAuditTrail } from '../adapters/sqs/sqs-audit-trail.js';
import { AreaDirectory } from '../core/areas.js';
import { AuditRecorder } from '../core/audit.js';
import { WorkingCalendars } from '../core/deadlines.js';
import type { AuditTrail, Clock, EncryptionContext, IdGenerator, KeyService } from '../core/ports.js';
import { config } from './config.js';

/**
 * Each getter below is marked pure so esbuild can drop the ones a function never calls, and with them
 * their adapters and AWS clients: without the mark a module-level call is kept for its possible effects,
 * and every bundle would carry every client (test/bench/bundle-budget.test.ts checks this).
 */
function once<T>(create: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= create();
    return value;
  };
}

export const clock: Clock = { now: () => new Date() };
export const ids: IdGenerator = { newId: () => randomUUID() };

export const areaDirectory = /* @__PURE__ */ once(() => AreaDirectory.fromBundledData());
export const workingCalendars = /* @__PURE__ */ once(() => WorkingCalendars.fromBundledData());

export const documentClient = /* @__PURE__ */ once(() => {
  const { AWS_REGION, DYNAMODB_ENDPOINT } = config();
  const client = new DynamoDBClient({
    ...awsClientConfig(AWS_REGION),
    // Another implementation of the DynamoDB API (dynalite) takes any credentials; AWS uses the role's.
    ...(DYNAMODB_ENDPOINT === undefined
      ? {}
      : { endpoint: DYNAMODB_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
});

export const alertRepository = /* @__PURE__ */ once(() => new DynamoAlertStore(documentClient(), config().ALERTS_TABLE));
export const auditStore = /* @__PURE__ */ once(() => new DynamoAuditStore(documentClient(), config().AUDIT_TABLE));
export const meetingRepository = /* @__PURE__ */ once(() => new DynamoMeetingStore(documentClient(), config().MEETINGS_TABLE));
export const idempotencyStore = /* @__PURE__ */ once(() => new DynamoIdempotencyStore(documentClient(), config().IDEMPOTENCY_TABLE));

/** The local hub's queue, shared by every producer in the process and its one consumer. */
export const inProcessAuditQueue = /* @__PURE__ */ once(() => new InProcessQueue({ queueName: 'mset-hub-audit.fifo' }));

export const auditTrail = /* @__PURE__ */ once((): AuditTrail => {
  const { AUDIT_QUEUE, AUDIT_QUEUE_URL, AWS_REGION } = config();
  return AUDIT_QUEUE === 'in-process'
    ? new InProcessAuditTrail(inProcessAuditQueue())
    : new SqsAuditTrail({ client: createSqsClient(AWS_REGION), queueUrl: AUDIT_QUEUE_URL as string });
});

export const auditRecorder = /* @__PURE__ */ once(() => new AuditRecorder(auditTrail(), clock, ids));

export const keyService = /* @__PURE__ */ once((): KeyService => {
  const { KEY_SERVICE, KMS_KEY_ID, AWS_REGION, HUB_DATA_DIR } = config();
  if (KEY_SERVICE === 'kms') return new KmsKeyService({ client: createKmsClient(AWS_REGION), keyId: KMS_KEY_ID as string });
  // The local key service reads its master key from disk on first use; a failed read is tried again on
  // the next request rather than remembered.
  let opening: Promise<LocalKeyService> | undefined;
  const open = () => {
    opening ??= LocalKeyService.open(HUB_DATA_DIR).catch((error: unknown) => {
      opening = undefined;
      throw error;
    });
    return opening;
  };
  return {
    generateDataKey: async (context: EncryptionContext) => (await open()).generateDataKey(context),
    decryptDataKey: async (encrypted: Uint8Array, context: EncryptionContext) =>
      (await open()).decryptDataKey(encrypted, context),
  };
});
