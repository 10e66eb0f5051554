/**
 * The CDK app, synthesized in-process with bundling skipped (bundling is what the CLI synth test and the
 * bundle budget test exercise). Asserts what a DPO and a penetration tester are promised: encryption
 * everywhere with the hub's own keys, recoverable and undeletable tables with every index the code
 * queries, stable logical ids for everything that holds data, dead-letter queues with alarms that notify
 * someone, every route but /health, the API's catch-all and the console ($default) behind the JWT
 * authorizer, throttled, every function on nodejs24.x / arm64 with reserved concurrency, a timeout and an
 * encrypted log group it alone writes, and each scheduled job on its schedule, invoked through a role that
 * may invoke that job alone, with alarms that notify someone when it keeps failing or is not run.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALERTS_TABLE, AUDIT_TABLE, IDEMPOTENCY_TABLE, MEETINGS_TABLE, SESSIONS_TABLE } from '../../functions/adapters/dynamodb/tables.js';
import { ROUTE_LIST, ROUTES, WORKER_LIST } from '../../functions/routes.js';
import { AUDIT_MAX_RECEIVE_COUNT } from '../../infra/stateful-stack.js';
import { ACCESS_LOG_FORMAT, JOB_CONSEQUENCES, REFUSALS_FILTER_PATTERN } from '../../infra/stateless-stack.js';
import { AUDIENCE, ISSUER, type Resource, type SynthesizedHub, synthesizeHub } from './support.js';

let hub: SynthesizedHub;
let statefulResources: Record<string, Resource>;
let statelessResources: Record<string, Resource>;

beforeAll(() => {
  hub = synthesizeHub();
  statefulResources = hub.statefulTemplate.toJSON()['Resources'];
  statelessResources = hub.statelessTemplate.toJSON()['Resources'];
});

const ofType = (resources: Record<string, Resource>, type: string) =>
  Object.fromEntries(Object.entries(resources).filter(([, resource]) => resource.Type === type));

describe('stateful stack', () => {
  it('keeps fixed logical ids for everything that holds data, so a redeploy never replaces it', () => {
    const ids = Object.entries(statefulResources)
      .filter(([, resource]) => !resource.Type.endsWith('Policy'))
      .map(([id, resource]) => `${resource.Type} ${id}`)
      .sort();
    expect(ids).toEqual(
      [
        'AWS::KMS::Key StorageKey',
        'AWS::KMS::Key ContentKey',
        'AWS::DynamoDB::Table AlertsTable',
        'AWS::DynamoDB::Table AuditTable',
        'AWS::DynamoDB::Table IdempotencyTable',
        'AWS::DynamoDB::Table MeetingsTable',
        'AWS::DynamoDB::Table SessionsTable',
        'AWS::DynamoDB::Table NotificationsTable',
        'AWS::SQS::Queue AuditQueue',
        'AWS::SQS::Queue NotificationQueue',
        'AWS::SQS::Queue NotificationDeadLetterQueue',
        'AWS::SQS::Queue AuditDeadLetterQueue',
        'AWS::SQS::Queue RefusalsDeadLetterQueue',
        'AWS::SNS::Topic OperationsTopic',
        'AWS::CloudWatch::Alarm AuditDeadLetterAlarm',
        'AWS::CloudWatch::Alarm RefusalsDeadLetterAlarm',
        'AWS::CloudWatch::Alarm NotificationDeadLetterAlarm',
      ].sort(),
    );
  });

  it('retains every resource that holds data when the stack is deleted', () => {
    for (const [id, resource] of Object.entries(statefulResources)) {
      if (/Policy$|Alarm$/.test(resource.Type)) continue;
      expect({ id, deletion: resource.DeletionPolicy, replace: resource.UpdateReplacePolicy }).toEqual({
        id,
        deletion: 'Retain',
        replace: 'Retain',
      });
    }
  });

  it('has two customer-managed keys, both rotated', () => {
    const keys = ofType(statefulResources, 'AWS::KMS::Key');
    expect(Object.keys(keys).sort()).toEqual(['ContentKey', 'StorageKey']);
    for (const key of Object.values(keys)) expect(key.Properties['EnableKeyRotation']).toBe(true);
  });

  it("lets only CloudWatch Logs (this account's log groups) and CloudWatch alarms use the storage key as services", () => {
    const statements = hub.render(statefulResources['StorageKey']!.Properties['KeyPolicy'].Statement) as any[];
    expect(statements).toEqual([
      { Action: 'kms:*', Effect: 'Allow', Principal: { AWS: 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' }, Resource: '*' },
      {
        Sid: 'CloudWatchLogsEncryptLogGroups',
        Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        Effect: 'Allow',
        Principal: { Service: 'logs.${AWS::Region}.amazonaws.com' },
        Resource: '*',
        Condition: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*' },
        },
      },
      {
        Sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceAccount': '${AWS::AccountId}' },
          ArnLike: { 'aws:SourceArn': 'arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*' },
        },
      },
    ]);
  });

  it("gives no service principal the content key: only IAM policies (the functions') can use it", () => {
    const statements = hub.render(statefulResources['ContentKey']!.Properties['KeyPolicy'].Statement) as any[];
    expect(statements).toEqual([
      { Action: 'kms:*', Effect: 'Allow', Principal: { AWS: 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' }, Resource: '*' },
    ]);
  });

  it('encrypts every table with the storage key, with PITR, deletion protection and on-demand billing', () => {
    const tables = ofType(statefulResources, 'AWS::DynamoDB::Table');
    expect(Object.keys(tables).length).toBe(6);
    for (const table of Object.values(tables)) {
      expect(hub.render(table.Properties['SSESpecification'])).toEqual({
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: 'StorageKey.Arn',
      });
      expect(table.Properties['PointInTimeRecoverySpecification']).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.Properties['DeletionProtectionEnabled']).toBe(true);
      expect(table.Properties['BillingMode']).toBe('PAY_PER_REQUEST');
    }
  });

  it.each([
    ['AlertsTable', ALERTS_TABLE],
    ['AuditTable', AUDIT_TABLE],
    ['IdempotencyTable', IDEMPOTENCY_TABLE],
    ['MeetingsTable', MEETINGS_TABLE],
    ['SessionsTable', SESSIONS_TABLE],
  ] as const)('%s has the keys, every index and the TTL attribute of tables.ts', (logicalId, definition) => {
    const properties = statefulResources[logicalId]!.Properties;
    expect(properties['KeySchema']).toEqual([
      { AttributeName: definition.partitionKey, KeyType: 'HASH' },
      ...('sortKey' in definition ? [{ AttributeName: definition.sortKey, KeyType: 'RANGE' }] : []),
    ]);
    const indexes = (properties['GlobalSecondaryIndexes'] ?? []) as Array<{ IndexName: string; KeySchema: unknown; Projection: unknown }>;
    expect(indexes.map((index) => index.IndexName).sort()).toEqual(definition.indexes.map((index) => index.name).sort());
    for (const index of definition.indexes) {
      const found = indexes.find((candidate) => candidate.IndexName === index.name);
      expect(found?.KeySchema).toEqual([
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ]);
      expect(found?.Projection).toEqual(
        'include' in index ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.include] } : { ProjectionType: 'ALL' },
      );
    }
    if ('ttlAttribute' in definition) {
      expect(properties['TimeToLiveSpecification']).toEqual({ AttributeName: definition.ttlAttribute, Enabled: true });
    } else {
      expect(properties['TimeToLiveSpecification']).toBeUndefined();
    }
  });

  it('holds no sealed attribute in a listing index', () => {
    const indexes = (statefulResources['AlertsTable']!.Properties['GlobalSecondaryIndexes'] ?? []) as Array<{
      IndexName: string;
      Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
    }>;
    const listing = indexes.filter((index) => ['received', 'receivedByStatus', 'sent', 'sentSummaries'].includes(index.IndexName));
    expect(listing).toHaveLength(4);
    for (const index of listing) {
      expect(index.Projection.ProjectionType).toBe('INCLUDE');
      for (const sealed of ['sections', 'senderCopy', 'termsText', 'copy', 'acknowledgement']) {
        expect(index.Projection.NonKeyAttributes).not.toContain(sealed);
      }
    }
  });

  it('declares only the first n indexes of the alerts table with -c alertsIndexes=n: one new index per stack update', () => {
    // Act
    const staged = synthesizeHub({ checks: false, context: { alertsIndexes: '4' } });
    const template = staged.app.synth().getStackByName(staged.stateful.stackName).template as { Resources: Record<string, Resource> };

    // Assess
    const names = ((template.Resources['AlertsTable']?.Properties['GlobalSecondaryIndexes'] ?? []) as { IndexName: string }[]).map(
      (index) => index.IndexName,
    );
    expect(names).toEqual(ALERTS_TABLE.indexes.slice(0, 4).map((index) => index.name));
    expect(() => synthesizeHub({ checks: false, context: { alertsIndexes: '0' } })).toThrow(/alertsIndexes/);
  });

  it('encrypts every queue with the storage key and refuses every request without TLS', () => {
    const queues = ofType(statefulResources, 'AWS::SQS::Queue');
    for (const queue of Object.values(queues)) expect(hub.render(queue.Properties['KmsMasterKeyId'])).toBe('StorageKey.Arn');
    const policies = Object.values(ofType(statefulResources, 'AWS::SQS::QueuePolicy'));
    const guarded = policies.flatMap((policy) => {
      const denies = (policy.Properties['PolicyDocument'].Statement as any[]).some(
        (statement) => statement.Effect === 'Deny' && statement.Condition?.Bool?.['aws:SecureTransport'] === 'false',
      );
      return denies ? (hub.render(policy.Properties['Queues']) as string[]) : [];
    });
    expect(guarded.sort()).toEqual(Object.keys(queues).sort());
  });

  it('makes the audit queue FIFO, redriven after 3 to 5 receives to a FIFO dead-letter queue', () => {
    const queue = statefulResources['AuditQueue']!.Properties;
    expect(queue['FifoQueue']).toBe(true);
    expect(queue['ContentBasedDeduplication']).toBe(false);
    expect(hub.render(queue['RedrivePolicy'])).toEqual({
      deadLetterTargetArn: 'AuditDeadLetterQueue.Arn',
      maxReceiveCount: AUDIT_MAX_RECEIVE_COUNT,
    });
    expect(AUDIT_MAX_RECEIVE_COUNT).toBeGreaterThanOrEqual(3);
    expect(AUDIT_MAX_RECEIVE_COUNT).toBeLessThanOrEqual(5);
    expect(statefulResources['AuditDeadLetterQueue']!.Properties['FifoQueue']).toBe(true);
    expect(statefulResources['AuditDeadLetterQueue']!.Properties['RedrivePolicy']).toBeUndefined();
    // Lambda's asynchronous dead-letter queue must be a standard queue.
    expect(statefulResources['RefusalsDeadLetterQueue']!.Properties['FifoQueue']).toBeUndefined();
  });

  it("sets the audit queue's visibility timeout to at least six times its consumer's timeout", () => {
    const consumer =
      statelessResources[hub.stateless.getLogicalId(hub.stateless.functions.get('audit-consumer')!.function.node.defaultChild as any)]!;
    const consumerTimeout = consumer.Properties['Timeout'] as number;
    expect(consumerTimeout).toBeGreaterThan(0);
    expect(statefulResources['AuditQueue']!.Properties['VisibilityTimeout']).toBeGreaterThanOrEqual(6 * consumerTimeout);
  });

  it('raises an alarm to the operations topic when a dead-letter queue holds a message', () => {
    const alarms = ofType(statefulResources, 'AWS::CloudWatch::Alarm');
    const watched = Object.values(alarms).map((alarm) => {
      const properties = hub.render(alarm.Properties) as any;
      expect(properties).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        AlarmActions: ['OperationsTopic'],
      });
      return properties.Dimensions[0].Value as string;
    });
    expect(watched.sort()).toEqual([
      'AuditDeadLetterQueue.QueueName',
      'NotificationDeadLetterQueue.QueueName',
      'RefusalsDeadLetterQueue.QueueName',
    ]);
  });

  it("encrypts the operations topic with the storage key, TLS-only, and lets only this account's alarms publish", () => {
    expect(hub.render(statefulResources['OperationsTopic']!.Properties['KmsMasterKeyId'])).toBe('StorageKey.Arn');
    const [policy] = Object.values(ofType(statefulResources, 'AWS::SNS::TopicPolicy'));
    const statements = hub.render(policy!.Properties['PolicyDocument'].Statement) as any[];
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'sns:Publish',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': '${AWS::AccountId}' } }),
      }),
    );
  });
});

describe('stateless stack', () => {
  const functions = () => ofType(statelessResources, 'AWS::Lambda::Function');

  it('has a JWT authorizer with the issuer and audience from context', () => {
    const authorizers = Object.values(ofType(statelessResources, 'AWS::ApiGatewayV2::Authorizer'));
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0]!.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: ISSUER, Audience: [AUDIENCE] },
    });
  });

  it('has every route of functions/routes.ts, JWT-authorized except GET /health, the API catch-all and $default (the console)', () => {
    const routes = Object.values(ofType(statelessResources, 'AWS::ApiGatewayV2::Route'));
    expect(routes.map((route) => route.Properties['RouteKey']).sort()).toEqual(ROUTE_LIST.map((route) => route.routeKey).sort());
    for (const route of routes) {
      const key = route.Properties['RouteKey'] as string;
      if (key === 'GET /health' || key === 'ANY /v1/{proxy+}' || key === '$default') {
        expect({ key, type: route.Properties['AuthorizationType'] ?? 'NONE', id: route.Properties['AuthorizerId'] }).toEqual({
          key,
          type: 'NONE',
          id: undefined,
        });
      } else {
        expect({ key, type: route.Properties['AuthorizationType'] }).toEqual({ key, type: 'JWT' });
        expect(route.Properties['AuthorizerId']).toBeDefined();
      }
    }
    expect(
      ROUTE_LIST.filter((route) => !route.authorized)
        .map((route) => route.routeKey)
        .sort(),
    ).toEqual(['$default', 'ANY /v1/{proxy+}', 'GET /health']);
  });

  it('sends each route to its own function', () => {
    const integrations = ofType(statelessResources, 'AWS::ApiGatewayV2::Integration');
    const targets = Object.values(ofType(statelessResources, 'AWS::ApiGatewayV2::Route')).map((route) => {
      const integrationId = (hub.render(route.Properties['Target']) as string).replace('integrations/', '');
      return hub.render(integrations[integrationId]!.Properties['IntegrationUri']);
    });
    expect(new Set(targets).size).toBe(ROUTE_LIST.length);
  });

  it('throttles the stage and every route', () => {
    const [stage] = Object.values(ofType(statelessResources, 'AWS::ApiGatewayV2::Stage'));
    const properties = stage!.Properties;
    expect(properties['StageName']).toBe('$default');
    expect(properties['DefaultRouteSettings']).toEqual({
      ThrottlingRateLimit: expect.any(Number),
      ThrottlingBurstLimit: expect.any(Number),
    });
    expect(Object.keys(properties['RouteSettings']).sort()).toEqual(ROUTE_LIST.map((route) => route.routeKey).sort());
    for (const setting of Object.values(properties['RouteSettings']) as any[]) {
      expect(setting.ThrottlingRateLimit).toBeGreaterThan(0);
      expect(setting.ThrottlingRateLimit).toBeLessThanOrEqual(properties['DefaultRouteSettings'].ThrottlingRateLimit);
      expect(setting.ThrottlingBurstLimit).toBeGreaterThanOrEqual(setting.ThrottlingRateLimit);
    }
    // Route settings name routes, which must exist before the stage.
    const routeIds = Object.keys(ofType(statelessResources, 'AWS::ApiGatewayV2::Route'));
    expect(stage!.DependsOn).toEqual(expect.arrayContaining(routeIds));
  });

  it('writes a JSON access log to its own encrypted log group, without bodies, query strings or headers', () => {
    const [stage] = Object.values(ofType(statelessResources, 'AWS::ApiGatewayV2::Stage'));
    const settings = stage!.Properties['AccessLogSettings'];
    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(format).toEqual(ACCESS_LOG_FORMAT);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      requestTimeEpoch: '$context.requestTimeEpoch',
      httpMethod: '$context.httpMethod',
      path: '$context.path',
      ip: '$context.identity.sourceIp',
      responseLength: '$context.responseLength',
      integrationError: '$context.integrationErrorMessage',
      authorizerError: '$context.authorizer.error',
    });
    for (const variable of Object.values(format)) expect(variable).not.toMatch(/body|querystring|queryString|header|\$input|claims/i);
    const logGroupId = (hub.render(settings.DestinationArn) as string).replace(/\.Arn$/, '');
    expect(statelessResources[logGroupId]!.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroupId).toBe(hub.stateless.getLogicalId(hub.stateless.accessLogs.node.defaultChild as any));
  });

  it("runs every function on nodejs24.x and arm64 with a timeout, reserved concurrency, tracing and the hub's configuration", () => {
    const all = Object.values(functions());
    expect(all).toHaveLength(new Set(ROUTE_LIST.map((route) => route.handler)).size + WORKER_LIST.length);
    expect([...hub.stateless.functions.keys()]).toHaveLength(all.length);
    for (const [name, { function: fn }] of hub.stateless.functions) {
      const properties = statelessResources[hub.stateless.getLogicalId(fn.node.defaultChild as any)]!.Properties;
      expect(properties['Runtime']).toBe('nodejs24.x');
      expect(properties['Architectures']).toEqual(['arm64']);
      expect(properties['Timeout']).toBeGreaterThan(0);
      // API Gateway waits 30 seconds for a route's function; a worker (no caller waiting) gets a minute.
      expect({ name, timeout: properties['Timeout'] <= (name in ROUTES ? 30 : 60) }).toEqual({ name, timeout: true });
      expect(properties['ReservedConcurrentExecutions']).toBeGreaterThanOrEqual(1);
      expect(properties['ReservedConcurrentExecutions']).toBeLessThanOrEqual(20);
      expect(properties['TracingConfig']).toEqual({ Mode: 'Active' });
      // The console also gets its sessions table and its sign-in client (with no context: the API's own).
      const consoleOnly =
        name === 'console' ? { SESSIONS_TABLE: 'SessionsTable', CONSOLE_OIDC_ISSUER: ISSUER, CONSOLE_OIDC_CLIENT_ID: AUDIENCE } : {};
      // The sender alone gets Notify's settings (the secret's name, never the key), its table and the console's address.
      const senderOnly =
        name === 'notification-sender'
          ? {
              NOTIFICATIONS_TABLE: 'NotificationsTable',
              NOTIFY_LINK_BASE_URL: expect.stringContaining('HttpApi'),
              NOTIFY_API_KEY_SECRET_ARN: 'mset-hub/notify-api-key',
              NOTIFY_TEMPLATE_IDS: expect.stringContaining('"ALERT_SHARED":'),
            }
          : {};
      expect(hub.render(properties['Environment'].Variables)).toEqual({
        ALERTS_TABLE: 'AlertsTable',
        AUDIT_TABLE: 'AuditTable',
        IDEMPOTENCY_TABLE: 'IdempotencyTable',
        MEETINGS_TABLE: 'MeetingsTable',
        KMS_KEY_ID: 'ContentKey.Arn',
        AUDIT_QUEUE_URL: 'AuditQueue',
        NOTIFICATION_QUEUE_URL: 'NotificationQueue',
        POWERTOOLS_SERVICE_NAME: 'mset-hub',
        POWERTOOLS_METRICS_NAMESPACE: 'MsetHub',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // Exactly these: no NODE_OPTIONS (source maps would be parsed on every cold start: stateless-stack.ts).
        ...consoleOnly,
        ...senderOnly,
      });
    }
  });

  it('reserves the total concurrency the README tells a deployer to have quota for', () => {
    const total = Object.values(functions()).reduce((sum, fn) => sum + (fn.Properties['ReservedConcurrentExecutions'] as number), 0);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`reserve **${total}** concurrent executions`);
    expect(readme).toContain(`must be at least ${total + 100}`);
  });

  it("gives every function its own log group: KMS-encrypted with the storage key, a year's retention, retained", () => {
    const logGroups = ofType(statelessResources, 'AWS::Logs::LogGroup');
    const used = Object.values(functions()).map((fn) => hub.render(fn.Properties['LoggingConfig']?.LogGroup) as string);
    expect(new Set(used).size).toBe(used.length);
    for (const id of [...used, hub.stateless.getLogicalId(hub.stateless.accessLogs.node.defaultChild as any)]) {
      const logGroup = logGroups[id]!;
      expect(hub.render(logGroup.Properties['KmsKeyId'])).toBe('StorageKey.Arn');
      expect(logGroup.Properties['RetentionInDays']).toBe(365);
      expect(logGroup.DeletionPolicy).toBe('Retain');
    }
    expect(Object.keys(logGroups)).toHaveLength(used.length + 1);
  });

  it('feeds the notification sender from its queue, reporting partial batch failures, within its reserved concurrency', () => {
    const mappings = Object.values(ofType(statelessResources, 'AWS::Lambda::EventSourceMapping'))
      .map((resource) => hub.render(resource.Properties) as any)
      .filter((properties) => properties.EventSourceArn === 'NotificationQueue.Arn');
    expect(mappings).toHaveLength(1);
    const sender = hub.stateless.functions.get('notification-sender')!;
    expect(mappings[0]).toMatchObject({
      FunctionName: hub.stateless.getLogicalId(sender.function.node.defaultChild as any),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it("keeps the notification queue's undeliverable messages in its dead-letter queue after five tries, encrypted", () => {
    const queue = statefulResources['NotificationQueue']!.Properties;
    expect(hub.render(queue['RedrivePolicy'])).toEqual({ deadLetterTargetArn: 'NotificationDeadLetterQueue.Arn', maxReceiveCount: 5 });
    expect(queue['VisibilityTimeout']).toBe(360);
    expect(queue['FifoQueue']).toBeUndefined();
    expect(hub.render(queue['KmsMasterKeyId'])).toBe('StorageKey.Arn');
    expect(statefulResources['NotificationDeadLetterQueue']!.DeletionPolicy).toBe('Retain');
  });

  it('feeds the audit consumer from the queue, reporting partial batch failures, within its reserved concurrency', () => {
    const mappings = Object.values(ofType(statelessResources, 'AWS::Lambda::EventSourceMapping'))
      .map((resource) => hub.render(resource.Properties) as any)
      .filter((properties) => properties.EventSourceArn === 'AuditQueue.Arn');
    expect(mappings).toHaveLength(1);
    const mapping = mappings[0];
    const consumer = hub.stateless.functions.get('audit-consumer')!;
    expect(mapping).toMatchObject({
      EventSourceArn: 'AuditQueue.Arn',
      FunctionName: hub.stateless.getLogicalId(consumer.function.node.defaultChild as any),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(mapping.ScalingConfig.MaximumConcurrency).toBeLessThanOrEqual(
      statelessResources[mapping.FunctionName]!.Properties['ReservedConcurrentExecutions'],
    );
  });

  it("sends the access log's 401 lines to the authorizer-refusals function, which has a dead-letter queue and 2 retries", () => {
    const refusals = hub.stateless.functions.get('authorizer-refusals')!;
    const refusalsId = hub.stateless.getLogicalId(refusals.function.node.defaultChild as any);
    const filters = Object.values(ofType(statelessResources, 'AWS::Logs::SubscriptionFilter'));
    expect(filters.map((filter) => hub.render(filter.Properties))).toEqual([
      {
        FilterPattern: REFUSALS_FILTER_PATTERN,
        LogGroupName: hub.stateless.getLogicalId(hub.stateless.accessLogs.node.defaultChild as any),
        DestinationArn: `${refusalsId}.Arn`,
      },
    ]);
    expect(REFUSALS_FILTER_PATTERN).toBe('{ ($.status = "401") && ($.integrationStatus = "-") }');
    expect(hub.render(statelessResources[refusalsId]!.Properties['DeadLetterConfig'])).toEqual({
      TargetArn: 'RefusalsDeadLetterQueue.Arn',
    });
    const [invokeConfig] = Object.values(ofType(statelessResources, 'AWS::Lambda::EventInvokeConfig'));
    expect(hub.render(invokeConfig!.Properties)).toEqual({ FunctionName: refusalsId, MaximumRetryAttempts: 2, Qualifier: '$LATEST' });
    // Only CloudWatch Logs, from the access log group, may invoke it.
    const permissions = Object.values(ofType(statelessResources, 'AWS::Lambda::Permission'))
      .map((permission) => hub.render(permission.Properties) as any)
      .filter((permission) => permission.FunctionName === `${refusalsId}.Arn`);
    expect(permissions).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: `${refusalsId}.Arn`,
        Principal: 'logs.amazonaws.com',
        SourceArn: `${hub.stateless.getLogicalId(hub.stateless.accessLogs.node.defaultChild as any)}.Arn`,
      },
    ]);
  });

  it('lets API Gateway invoke each route function only from this API', () => {
    const permissions = Object.values(ofType(statelessResources, 'AWS::Lambda::Permission')).map(
      (permission) => hub.render(permission.Properties) as any,
    );
    const fromApi = permissions.filter((permission) => permission.Principal === 'apigateway.amazonaws.com');
    expect(fromApi).toHaveLength(ROUTE_LIST.length);
    const apiId = Object.keys(ofType(statelessResources, 'AWS::ApiGatewayV2::Api'))[0]!;
    for (const permission of fromApi) expect(permission.SourceArn).toContain(`:${apiId}/*/`);
  });

  it('runs each scheduled job on an EventBridge Scheduler rate schedule, through a role of its own, with no input', () => {
    const scheduled = WORKER_LIST.filter((worker) => worker.trigger.kind === 'schedule').map((worker) => worker.name);
    expect(scheduled).toEqual(['commit-sweep', 'ladder-sweep', 'outbox-fold']);
    expect(WORKER_LIST.find((worker) => worker.name === 'commit-sweep')!.trigger).toEqual({ kind: 'schedule', everyMinutes: 60 });
    const schedules = ofType(statelessResources, 'AWS::Scheduler::Schedule');
    expect([...hub.stateless.schedules.keys()]).toEqual(scheduled);
    expect(Object.keys(schedules)).toHaveLength(scheduled.length);

    const sweep = hub.stateless.functions.get('commit-sweep')!;
    const sweepId = hub.stateless.getLogicalId(sweep.function.node.defaultChild as any);
    const { schedule, role, policy } = hub.stateless.schedules.get('commit-sweep')!;
    const resource = schedules[hub.stateless.getLogicalId(schedule.node.defaultChild as any)]!;
    expect(hub.render(resource.Properties)).toEqual({
      Description: 'MSET hub: commit-sweep, every 60 minutes',
      // 60 minutes, as CDK writes it.
      ScheduleExpression: 'rate(1 hour)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: `${sweepId}.Arn`,
        RoleArn: `${hub.stateless.getLogicalId(role.node.defaultChild as any)}.Arn`,
        // Scheduler retries an invocation Lambda refused, until the next tick is due; no dead-letter queue.
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
      },
    });
    // The first tick finds the role able to invoke.
    expect(resource.DependsOn).toEqual([hub.stateless.getLogicalId(policy.node.defaultChild as any)]);
    // A run ends long before the next tick, and one at a time.
    expect(statelessResources[sweepId]!.Properties['Timeout']).toBeLessThan(60 * 60);
    expect(statelessResources[sweepId]!.Properties['ReservedConcurrentExecutions']).toBe(1);
    // Scheduler invokes with its role's rights: the function's resource policy lets nothing in.
    const permissions = Object.values(ofType(statelessResources, 'AWS::Lambda::Permission'))
      .map((permission) => hub.render(permission.Properties) as any)
      .filter((permission) => permission.FunctionName === `${sweepId}.Arn` || permission.FunctionName === sweepId);
    expect(permissions).toEqual([]);
  });

  it('runs the ladder sweep every minute, one run at a time, a late tick dropped rather than stacked', () => {
    expect(WORKER_LIST.find((worker) => worker.name === 'ladder-sweep')!.trigger).toEqual({ kind: 'schedule', everyMinutes: 1 });
    const sweep = hub.stateless.functions.get('ladder-sweep')!;
    const sweepId = hub.stateless.getLogicalId(sweep.function.node.defaultChild as any);
    const { schedule, role } = hub.stateless.schedules.get('ladder-sweep')!;
    const resource = ofType(statelessResources, 'AWS::Scheduler::Schedule')[hub.stateless.getLogicalId(schedule.node.defaultChild as any)]!;
    expect(hub.render(resource.Properties)).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      Target: {
        Arn: `${sweepId}.Arn`,
        RoleArn: `${hub.stateless.getLogicalId(role.node.defaultChild as any)}.Arn`,
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 },
      },
    });
    expect(statelessResources[sweepId]!.Properties['Timeout']).toBe(60);
    expect(statelessResources[sweepId]!.Properties['ReservedConcurrentExecutions']).toBe(1);
  });

  it('tells the operations topic when a scheduled job keeps failing or stops being run, and when it recovers', () => {
    const alarms = Object.entries(ofType(statelessResources, 'AWS::CloudWatch::Alarm')).map(([id, alarm]) => ({
      id,
      ...(hub.render(alarm.Properties) as any),
    }));
    const scheduled = WORKER_LIST.filter((worker) => worker.trigger.kind === 'schedule');
    const expected = scheduled.flatMap((worker) => {
      const period = (worker.trigger.kind === 'schedule' ? Math.max(5, worker.trigger.everyMinutes) : 0) * 60;
      const functionId = hub.stateless.getLogicalId(hub.stateless.functions.get(worker.name)!.function.node.defaultChild as any);
      const common = {
        Threshold: 1,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        AlarmActions: ['OperationsTopic'],
        OKActions: ['OperationsTopic'],
      };
      const stat = (Namespace: string, MetricName: string, Dimensions: { Name: string; Value: string }[]) => ({
        MetricStat: { Metric: { Namespace, MetricName, Dimensions }, Period: period, Stat: 'Sum' },
      });
      return [
        // Failed runs and items a run left undone (a job carries on past each), in each of three windows:
        // a run that fails once, and its two retries, are not enough.
        {
          ...common,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
          Metrics: [
            expect.objectContaining({ Expression: 'FILL(runsFailed, 0) + FILL(itemsUndone, 0)', ReturnData: true }),
            { Id: 'runsFailed', ReturnData: false, ...stat('AWS/Lambda', 'Errors', [{ Name: 'FunctionName', Value: functionId }]) },
            {
              Id: 'itemsUndone',
              ReturnData: false,
              // The record functions/shared/metrics.ts countJobRun writes: namespace and dimensions as the functions set them.
              ...stat(
                hub.render(statelessResources[functionId]!.Properties['Environment'].Variables.POWERTOOLS_METRICS_NAMESPACE) as string,
                'JobItemsUndone',
                [
                  { Name: 'job', Value: worker.name },
                  { Name: 'service', Value: 'mset-hub' },
                ],
              ),
            },
          ],
        },
        // No invocation in three windows: a window with none has no data, which counts against it.
        {
          ...common,
          Namespace: 'AWS/Lambda',
          MetricName: 'Invocations',
          Dimensions: [{ Name: 'FunctionName', Value: functionId }],
          Statistic: 'Sum',
          Period: period,
          ComparisonOperator: 'LessThanThreshold',
          TreatMissingData: 'breaching',
        },
      ];
    });
    expect(alarms.map(({ id: _id, AlarmDescription: _text, ...alarm }) => alarm)).toEqual(expect.arrayContaining(expected));
    expect(alarms).toHaveLength(expected.length);
    // Each says which job, for how long, and what its users lose meanwhile.
    for (const worker of scheduled) {
      const said = alarms.filter((alarm) => alarm.AlarmDescription.startsWith(`${worker.name} has`)).map((alarm) => alarm.AlarmDescription);
      expect(said).toHaveLength(2);
      for (const text of said) expect(text).toContain(JOB_CONSEQUENCES[worker.name as keyof typeof JOB_CONSEQUENCES]);
    }
    expect(alarms.find((alarm) => alarm.id === 'LadderSweepStoppedAlarm')?.AlarmDescription).toMatch(
      /^ladder-sweep has not run for 15 minutes: reminders/,
    );
    expect(alarms.find((alarm) => alarm.id === 'CommitSweepFailingAlarm')?.AlarmDescription).toMatch(
      /^commit-sweep has failed, or left items undone, in every 60-minute window for 180 minutes/,
    );
  });
});
