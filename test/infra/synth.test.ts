/**
 * The CDK app, synthesized in-process with bundling skipped (bundling is what `npx cdk synth` and the
 * bundle budget test exercise). Asserts the first cut's promises: encrypted, recoverable tables with every
 * index the code queries; a FIFO audit queue with a dead-letter queue; every route of functions/routes.ts
 * behind the JWT authorizer except /health and $default; every function on nodejs24.x and arm64.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALERTS_TABLE, AUDIT_TABLE, IDEMPOTENCY_TABLE } from '../../functions/adapters/dynamodb/tables.js';
import { ROUTES } from '../../functions/routes.js';
import { createHubApp } from '../../infra/app.js';

let stateful: Template;
let stateless: Template;

beforeAll(() => {
  // Prepare: one synth for the file; no asset is bundled.
  const { stateful: statefulStack, stateless: statelessStack } = createHubApp({
    context: {
      'aws:cdk:bundling-stacks': [],
      issuer: 'https://issuer.example.invalid/',
      audience: 'mset-hub-test',
    },
  });
  stateful = Template.fromStack(statefulStack);
  stateless = Template.fromStack(statelessStack);
});

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

describe('stateful stack', () => {
  it('has a customer-managed KMS key with rotation, retained', () => {
    stateful.resourceCountIs('AWS::KMS::Key', 1);
    stateful.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
  });

  it('has three tables, each KMS-encrypted with the key, with PITR, deletion protection and retention', () => {
    const tables = stateful.findResources('AWS::DynamoDB::Table') as Record<string, Resource>;
    expect(Object.keys(tables).sort()).toEqual(['AlertsTable', 'AuditTable', 'IdempotencyTable']);
    for (const table of Object.values(tables)) {
      expect(table.Properties['SSESpecification']).toEqual({
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::GetAtt': ['DataKey', 'Arn'] },
      });
      expect(table.Properties['PointInTimeRecoverySpecification']).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.Properties['DeletionProtectionEnabled']).toBe(true);
      expect(table.Properties['BillingMode']).toBe('PAY_PER_REQUEST');
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
    }
  });

  it.each([
    ['AlertsTable', ALERTS_TABLE],
    ['AuditTable', AUDIT_TABLE],
    ['IdempotencyTable', IDEMPOTENCY_TABLE],
  ] as const)('%s has the keys, every index and the TTL attribute of tables.ts', (logicalId, definition) => {
    const table = (stateful.findResources('AWS::DynamoDB::Table') as Record<string, Resource>)[logicalId];
    expect(table).toBeDefined();
    const properties = table!.Properties;
    expect(properties['KeySchema']).toEqual([
      { AttributeName: definition.partitionKey, KeyType: 'HASH' },
      ...('sortKey' in definition ? [{ AttributeName: definition.sortKey, KeyType: 'RANGE' }] : []),
    ]);
    const indexes = (properties['GlobalSecondaryIndexes'] ?? []) as Array<{ IndexName: string; KeySchema: unknown }>;
    expect(indexes.map((index) => index.IndexName).sort()).toEqual(definition.indexes.map((index) => index.name).sort());
    for (const index of definition.indexes) {
      expect(indexes.find((candidate) => candidate.IndexName === index.name)?.KeySchema).toEqual([
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ]);
    }
    if ('ttlAttribute' in definition) {
      expect(properties['TimeToLiveSpecification']).toEqual({ AttributeName: definition.ttlAttribute, Enabled: true });
    } else {
      expect(properties['TimeToLiveSpecification']).toBeUndefined();
    }
  });

  it('has a KMS-encrypted FIFO audit queue whose dead-letter queue is FIFO and encrypted too, both TLS-only', () => {
    stateful.resourceCountIs('AWS::SQS::Queue', 2);
    stateful.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      KmsMasterKeyId: { 'Fn::GetAtt': ['DataKey', 'Arn'] },
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['AuditDeadLetterQueue', 'Arn'] }, maxReceiveCount: Match.anyValue() },
    });
    stateful.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      KmsMasterKeyId: { 'Fn::GetAtt': ['DataKey', 'Arn'] },
      RedrivePolicy: Match.absent(),
    });
    const policies = stateful.findResources('AWS::SQS::QueuePolicy') as Record<string, Resource>;
    expect(Object.keys(policies)).toHaveLength(2);
    for (const policy of Object.values(policies)) {
      expect(policy.Properties['PolicyDocument'].Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });
});

describe('stateless stack', () => {
  it('has a JWT authorizer with the issuer and audience from context', () => {
    stateless.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: 'https://issuer.example.invalid/', Audience: ['mset-hub-test'] },
    });
  });

  it('has every route of functions/routes.ts, JWT-authorized except /health and $default', () => {
    const routes = Object.values(stateless.findResources('AWS::ApiGatewayV2::Route') as Record<string, Resource>);
    expect(routes.map((route) => route.Properties['RouteKey']).sort()).toEqual(ROUTES.map((route) => route.routeKey).sort());
    for (const route of ROUTES) {
      const found = routes.find((candidate) => candidate.Properties['RouteKey'] === route.routeKey)!;
      if (route.routeKey === 'GET /health' || route.routeKey === '$default') {
        expect(found.Properties['AuthorizationType'] ?? 'NONE').toBe('NONE');
        expect(found.Properties['AuthorizerId']).toBeUndefined();
      } else {
        expect(found.Properties['AuthorizationType']).toBe('JWT');
        expect(found.Properties['AuthorizerId']).toBeDefined();
      }
    }
    // The table itself agrees: only those two are public.
    expect(ROUTES.filter((route) => !route.authorized).map((route) => route.routeKey).sort()).toEqual(['$default', 'GET /health']);
  });

  it('runs every function on nodejs24.x and arm64: one per route handler plus the audit consumer', () => {
    const functions = Object.values(stateless.findResources('AWS::Lambda::Function') as Record<string, Resource>);
    expect(functions).toHaveLength(new Set(ROUTES.map((route) => route.handler)).size + 1);
    for (const fn of functions) {
      expect(fn.Properties['Runtime']).toBe('nodejs24.x');
      expect(fn.Properties['Architectures']).toEqual(['arm64']);
      expect(fn.Properties['Environment'].Variables).toMatchObject({ KEY_SERVICE: 'kms', AUDIT_QUEUE: 'sqs' });
    }
  });

  it('feeds the audit consumer from the queue, reporting partial batch failures', () => {
    stateless.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });
});
