/**
 * The stateful half of the hub: what holds data and must outlive any deployment of the code. Two keys, the
 * tables (one per definition in tables.ts), the audit queue and the dead-letter queues, and the operations topic their alarms notify.
 * Every resource is retained on stack deletion and has a fixed logical id, so a refactor of this file can
 * never make CloudFormation replace a table, a queue or a key.
 *
 * Two keys, because they protect different things from different principals:
 * - StorageKey encrypts at rest what AWS services store for us (tables, queues, log groups, the topic). Its
 *   key policy lets CloudWatch Logs and CloudWatch alarms use it; functions reach it only through DynamoDB
 *   and SQS (`kms:ViaService` in their policies).
 * - ContentKey wraps the data keys that envelope-encrypt child content. No service principal may use it;
 *   only the functions that seal or open content, each only with the encryption context the code binds.
 */

import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Alarm, type CfnAlarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, BillingMode, type CfnTable, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type CfnKey, Key } from 'aws-cdk-lib/aws-kms';
import { type CfnTopic, Topic } from 'aws-cdk-lib/aws-sns';
import { type CfnQueue, DeduplicationScope, FifoThroughputLimit, Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  ALERTS_TABLE,
  AUDIT_TABLE,
  IDEMPOTENCY_TABLE,
  MEETINGS_TABLE,
  NOTIFICATIONS_TABLE,
  SESSIONS_TABLE,
  type TableDefinition,
} from '../functions/adapters/dynamodb/tables.js';
import { NOTIFICATION_MAX_RECEIVES } from '../functions/adapters/queue-notifications.js';
import { WORKERS } from '../functions/routes.js';
import { acknowledge } from './checks.js';

/** The audit consumer's timeout; the queue's visibility timeout is six times it, as Lambda advises. */
export const AUDIT_CONSUMER_TIMEOUT = Duration.seconds(WORKERS['audit-consumer'].sizing.timeoutSeconds);
export const AUDIT_VISIBILITY_TIMEOUT = Duration.seconds(AUDIT_CONSUMER_TIMEOUT.toSeconds() * 6);
export const AUDIT_MAX_RECEIVE_COUNT = 5;
/** The notification sender's timeout; its queue's visibility timeout is six times it, as for the audit queue. */
export const NOTIFICATION_VISIBILITY_TIMEOUT = Duration.seconds(WORKERS['notification-sender'].sizing.timeoutSeconds * 6);

const PITR = 'Point-in-time recovery is on (restore to any second of the last 35 days) and the table is deletion-protected and retained.';

/** Why each table has no AWS Backup plan: the reasons differ with what the table holds. */
const BACKUP_REASONS: Readonly<Record<string, string>> = {
  default: `${PITR} An AWS Backup plan would keep copies of child data beyond the expiry of the shares it belongs to, which data minimisation forbids unless a retention policy asks for it; add one in the account if yours does.`,
  AuditTable: `${PITR} It holds no child content, and no event is ever changed or deleted by the hub; a partnership whose retention schedule requires the audit trail beyond what the live table keeps adds an AWS Backup plan (or exports) in its account, with the retention its DPO sets.`,
  IdempotencyTable: `${PITR} It holds request fingerprints and response ids for 24 hours, no child content: nothing in it is worth restoring beyond that.`,
  NotificationsTable: `${PITR} It holds, per notification, whether it was sent (ids, states, times: no content, no address) for a month: nothing in it is worth restoring.`,
  SessionsTable: `${PITR} It holds the console's sessions (8 hours at most), sign-ins under way (10 minutes) and forms kept across a time-out (a day, sealed with the content key): nothing in it outlives a day, and a restored session would only sign someone back in.`,
};

export class StatefulStack extends Stack {
  /** Encryption at rest of tables, queues, log groups and the operations topic. */
  readonly storageKey: Key;
  /** Envelope encryption of child content only (KMS_KEY_ID of the functions). */
  readonly contentKey: Key;
  readonly alertsTable: Table;
  readonly auditTable: Table;
  readonly idempotencyTable: Table;
  readonly meetingsTable: Table;
  /** The console's sessions, sign-ins under way and kept forms (functions/adapters/dynamodb/session-store.ts). */
  readonly sessionsTable: Table;
  /** What was sent for each notification intent (functions/adapters/dynamodb/delivery-records.ts). */
  readonly notificationsTable: Table;
  readonly auditQueue: Queue;
  /** Notification intents, for the sender; after NOTIFICATION_MAX_RECEIVES deliveries, its dead-letter queue. */
  readonly notificationQueue: Queue;
  readonly notificationDeadLetterQueue: Queue;
  readonly auditDeadLetterQueue: Queue;
  /** Where Lambda puts a CloudWatch Logs delivery the authorizer-refusals function failed three times. */
  readonly refusalsDeadLetterQueue: Queue;
  /** Alarms notify it; operators subscribe themselves (README, "Deploy to AWS"). */
  readonly operationsTopic: Topic;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.storageKey = this.key('StorageKey', 'MSET hub: encryption at rest of tables, queues, log groups and the operations topic');
    this.allowServicesToUseStorageKey();
    this.contentKey = this.key('ContentKey', 'MSET hub: envelope encryption of child content (data keys per sealed box)');

    this.alertsTable = this.table('AlertsTable', ALERTS_TABLE);
    this.auditTable = this.table('AuditTable', AUDIT_TABLE);
    this.idempotencyTable = this.table('IdempotencyTable', IDEMPOTENCY_TABLE);
    this.meetingsTable = this.table('MeetingsTable', MEETINGS_TABLE);
    this.sessionsTable = this.table('SessionsTable', SESSIONS_TABLE);
    this.notificationsTable = this.table('NotificationsTable', NOTIFICATIONS_TABLE);

    this.auditDeadLetterQueue = this.queue('AuditDeadLetterQueue', { fifo: true });
    this.auditQueue = this.queue('AuditQueue', {
      fifo: true,
      // Producers set the deduplication id and message group (one group per alert) themselves.
      contentBasedDeduplication: false,
      deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      visibilityTimeout: AUDIT_VISIBILITY_TIMEOUT,
      deadLetterQueue: { queue: this.auditDeadLetterQueue, maxReceiveCount: AUDIT_MAX_RECEIVE_COUNT },
    });
    this.refusalsDeadLetterQueue = this.queue('RefusalsDeadLetterQueue', {});
    this.notificationDeadLetterQueue = this.queue('NotificationDeadLetterQueue', {});
    // Standard, not FIFO: the sender's claim per intent keeps a message from going twice, and a failing
    // message must not hold up the others behind it.
    this.notificationQueue = this.queue('NotificationQueue', {
      visibilityTimeout: NOTIFICATION_VISIBILITY_TIMEOUT,
      deadLetterQueue: { queue: this.notificationDeadLetterQueue, maxReceiveCount: NOTIFICATION_MAX_RECEIVES },
    });
    for (const deadLetterQueue of [this.auditDeadLetterQueue, this.refusalsDeadLetterQueue, this.notificationDeadLetterQueue]) {
      acknowledge(
        deadLetterQueue,
        'Serverless-SQSRedrivePolicy',
        'This queue is itself a dead-letter queue, the end of the line: its messages wait (14 days) for an operator, whom its alarm notifies. A redrive policy on it would only move them somewhere less watched.',
      );
    }
    acknowledge(
      this.refusalsDeadLetterQueue,
      'AwsSolutions-SQS3',
      "It is a dead-letter queue: the authorizer-refusals function's (DeadLetterConfig, stateless stack). The rule looks for the function in the same stack only; the queue lives here so that it, like the other queues, outlives a redeployment of the code.",
    );

    this.operationsTopic = new Topic(this, 'OperationsTopic', {
      displayName: 'MSET hub operations',
      masterKey: this.storageKey,
      enforceSSL: true,
    });
    (this.operationsTopic.node.defaultChild as CfnTopic).overrideLogicalId('OperationsTopic');
    this.operationsTopic.applyRemovalPolicy(RemovalPolicy.RETAIN);
    // CloudWatch alarms publish as the service; only alarms of this account may.
    this.operationsTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.operationsTopic.topicArn],
        conditions: this.alarmsOfThisAccount(),
      }),
    );

    new CfnOutput(this, 'OperationsTopicArn', {
      value: this.operationsTopic.topicArn,
      description: 'Subscribe to be told when a dead-letter queue holds a message',
    });

    this.deadLetterAlarm('AuditDeadLetterAlarm', this.auditDeadLetterQueue, 'An audit event failed to be stored five times');
    this.deadLetterAlarm('RefusalsDeadLetterAlarm', this.refusalsDeadLetterQueue, 'An authorizer refusal failed to be recorded');
    this.deadLetterAlarm(
      'NotificationDeadLetterAlarm',
      this.notificationDeadLetterQueue,
      `A notification could not be sent through GOV.UK Notify after ${NOTIFICATION_MAX_RECEIVES} tries (the share or meeting shows it as undelivered)`,
    );
  }

  private key(id: string, description: string): Key {
    const key = new Key(this, id, { description, enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
    (key.node.defaultChild as CfnKey).overrideLogicalId(id);
    return key;
  }

  /**
   * CloudWatch Logs encrypts this account's log groups with the key, and CloudWatch alarms publish to the
   * encrypted topic; nothing else gets a service grant. Functions are allowed by their own IAM policies.
   */
  private allowServicesToUseStorageKey(): void {
    const { region, account, partition } = Stack.of(this);
    this.storageKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchLogsEncryptLogGroups',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal(`logs.${region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${account}:log-group:*` },
        },
      }),
    );
    this.storageKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: this.alarmsOfThisAccount(),
      }),
    );
  }

  private alarmsOfThisAccount(): Record<string, Record<string, string>> {
    const { region, account, partition } = Stack.of(this);
    return {
      StringEquals: { 'aws:SourceAccount': account },
      ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
    };
  }

  /** A table from its definition in functions/adapters/dynamodb/tables.ts: the same keys the code uses. */
  private table(id: string, definition: TableDefinition): Table {
    const table = new Table(this, id, {
      partitionKey: { name: definition.partitionKey, type: AttributeType.STRING },
      ...(definition.sortKey === undefined ? {} : { sortKey: { name: definition.sortKey, type: AttributeType.STRING } }),
      billingMode: BillingMode.PAY_PER_REQUEST,
      // TableV2 with a customer-managed key does not synthesize environment-agnostic; Table does.
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.storageKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(definition.ttlAttribute === undefined ? {} : { timeToLiveAttribute: definition.ttlAttribute }),
    });
    for (const index of definition.indexes.slice(0, this.indexesToDeclare(id, definition))) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        ...(index.include === undefined ? {} : { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.include] }),
      });
    }
    (table.node.defaultChild as CfnTable).overrideLogicalId(id);
    acknowledge(table, 'NIST.800.53.R5-DynamoDBInBackupPlan', BACKUP_REASONS[id] ?? BACKUP_REASONS['default'] ?? '');
    return table;
  }

  /**
   * CloudFormation adds or removes one index per table per stack update, and fails an update that adds two.
   * A deployment made before a release that added several indexes to the alerts table is upgraded one
   * index at a time: `-c alertsIndexes=<n>` declares only its first n, in the order of tables.ts, where the
   * new ones come last (README, "Deploy to AWS"). Without it, every index is declared.
   */
  private indexesToDeclare(id: string, definition: TableDefinition): number {
    const value: unknown = this.node.tryGetContext('alertsIndexes');
    if (id !== 'AlertsTable' || value === undefined) return definition.indexes.length;
    const count = Number(value);
    if (!Number.isInteger(count) || count < 1 || count > definition.indexes.length) {
      throw new Error(`CDK context "alertsIndexes" must be a whole number from 1 to ${definition.indexes.length}`);
    }
    return count;
  }

  /** KMS-encrypted with the storage key, TLS-only, 14 days' retention, retained. */
  private queue(id: string, props: QueueProps): Queue {
    const queue = new Queue(this, id, {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.storageKey,
      dataKeyReuse: Duration.minutes(5),
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
      ...props,
    });
    (queue.node.defaultChild as CfnQueue).overrideLogicalId(id);
    return queue;
  }

  /** Any message in a dead-letter queue is a record the hub failed to keep: page someone. */
  private deadLetterAlarm(id: string, queue: Queue, description: string): Alarm {
    const alarm = new Alarm(this, id, {
      alarmDescription: `${description}: see its dead-letter queue (README, "Deploy to AWS")`,
      metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.operationsTopic));
    alarm.addOkAction(new SnsAction(this.operationsTopic));
    (alarm.node.defaultChild as CfnAlarm).overrideLogicalId(id);
    return alarm;
  }
}
