/**
 * The stateful half of the hub: what holds data and must outlive any deployment of the code. The key,
 * the three tables and the audit queues. Every resource is retained on stack deletion and has a fixed
 * logical id, so a refactor of this file can never make CloudFormation replace a table.
 *
 * First cut (issue 2); issue 3 hardens it (alarms, cdk-nag, finer key policy).
 */
import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, type CfnTable, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { type CfnKey, Key } from 'aws-cdk-lib/aws-kms';
import { type CfnQueue, DeduplicationScope, FifoThroughputLimit, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  ALERTS_TABLE,
  AUDIT_TABLE,
  IDEMPOTENCY_TABLE,
  type TableDefinition,
} from '../functions/adapters/dynamodb/tables.js';

/** The audit consumer's timeout; the queue's visibility timeout is six times it, as Lambda advises. */
export const AUDIT_CONSUMER_TIMEOUT = Duration.seconds(30);
export const AUDIT_MAX_RECEIVE_COUNT = 5;

export class StatefulStack extends Stack {
  readonly key: Key;
  readonly alertsTable: Table;
  readonly auditTable: Table;
  readonly idempotencyTable: Table;
  readonly auditQueue: Queue;
  readonly auditDeadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.key = new Key(this, 'DataKey', {
      description: 'MSET hub: tables, audit queues and the envelope encryption of child content',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    (this.key.node.defaultChild as CfnKey).overrideLogicalId('DataKey');

    this.alertsTable = this.table('AlertsTable', ALERTS_TABLE);
    this.auditTable = this.table('AuditTable', AUDIT_TABLE);
    this.idempotencyTable = this.table('IdempotencyTable', IDEMPOTENCY_TABLE);

    const queueDefaults = {
      fifo: true,
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      dataKeyReuse: Duration.minutes(5),
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    } as const;
    this.auditDeadLetterQueue = new Queue(this, 'AuditDeadLetterQueue', {
      ...queueDefaults,
      retentionPeriod: Duration.days(14),
    });
    (this.auditDeadLetterQueue.node.defaultChild as CfnQueue).overrideLogicalId('AuditDeadLetterQueue');
    this.auditQueue = new Queue(this, 'AuditQueue', {
      ...queueDefaults,
      // Producers set the deduplication id and message group (one group per alert) themselves.
      contentBasedDeduplication: false,
      deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      visibilityTimeout: Duration.seconds(AUDIT_CONSUMER_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: this.auditDeadLetterQueue, maxReceiveCount: AUDIT_MAX_RECEIVE_COUNT },
    });
    (this.auditQueue.node.defaultChild as CfnQueue).overrideLogicalId('AuditQueue');
  }

  /** A table from its definition in functions/adapters/dynamodb/tables.ts: the same keys the code uses. */
  private table(id: string, definition: TableDefinition): Table {
    const table = new Table(this, id, {
      partitionKey: { name: definition.partitionKey, type: AttributeType.STRING },
      ...(definition.sortKey === undefined ? {} : { sortKey: { name: definition.sortKey, type: AttributeType.STRING } }),
      billingMode: BillingMode.PAY_PER_REQUEST,
      // TableV2 with a customer-managed key does not synthesize environment-agnostic; Table does.
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(definition.ttlAttribute === undefined ? {} : { timeToLiveAttribute: definition.ttlAttribute }),
    });
    for (const index of definition.indexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      });
    }
    (table.node.defaultChild as CfnTable).overrideLogicalId(id);
    return table;
  }
}
