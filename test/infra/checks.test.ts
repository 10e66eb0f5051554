/**
 * cdk-nag: the AWS Solutions, Serverless and NIST 800-53 R5 packs find nothing unacknowledged in either
 * stack, and the acknowledgements are exactly the ones listed here, each on the construct it concerns,
 * each with a reason. A new finding fails the first test; a new acknowledgement fails the second until it
 * is added to the list below, where a reviewer sees it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHubApp } from '../../infra/app.js';
import { acknowledgementsIn, hubChecks } from '../../infra/checks.js';
import { AUDIENCE, ISSUER, type SynthesizedHub, synthesizeHub } from './support.js';

let hub: SynthesizedHub;

beforeAll(() => {
  hub = synthesizeHub();
});

const ACKNOWLEDGED = [
  'MsetHubStateful/AlertsTable: NIST.800.53.R5-DynamoDBInBackupPlan',
  'MsetHubStateful/AuditTable: NIST.800.53.R5-DynamoDBInBackupPlan',
  'MsetHubStateful/IdempotencyTable: NIST.800.53.R5-DynamoDBInBackupPlan',
  'MsetHubStateful/MeetingsTable: NIST.800.53.R5-DynamoDBInBackupPlan',
  'MsetHubStateful/SessionsTable: NIST.800.53.R5-DynamoDBInBackupPlan',
  'MsetHubStateful/AuditDeadLetterQueue: Serverless-SQSRedrivePolicy',
  'MsetHubStateful/RefusalsDeadLetterQueue: Serverless-SQSRedrivePolicy',
  'MsetHubStateful/RefusalsDeadLetterQueue: AwsSolutions-SQS3',
  'MsetHubStateful/NotificationDeadLetterQueue: Serverless-SQSRedrivePolicy',
  'MsetHubStateful/NotificationsTable: NIST.800.53.R5-DynamoDBInBackupPlan',
  'MsetHubStateless/TracingPolicy: AwsSolutions-IAM5[Resource::*]',
  'MsetHubStateless/Routes/RouteHealth: AwsSolutions-APIG4',
  'MsetHubStateless/Routes/RouteNotFound: AwsSolutions-APIG4',
  // The console's pages: browsers carry a session cookie, which the function checks (routes.ts, publicReason).
  'MsetHubStateless/Routes/RouteConsole: AwsSolutions-APIG4',
  'MsetHubStateless/Routes: Serverless-LambdaDLQ',
  'MsetHubStateless/Routes: NIST.800.53.R5-LambdaDLQ',
  'MsetHubStateless/AuditConsumer/Function/SqsEventSource:MsetHubStatelessAuditQueueRef9B5EDABA: Serverless-LambdaEventSourceMappingDestination',
  'MsetHubStateless/AuditConsumer/Function: Serverless-LambdaDLQ',
  'MsetHubStateless/AuditConsumer/Function: NIST.800.53.R5-LambdaDLQ',
  'MsetHubStateless/AuthorizerRefusals/Function/EventInvokeConfig: Serverless-LambdaAsyncFailureDestination',
  'MsetHubStateless/CommitSweep/Function: Serverless-LambdaDLQ',
  'MsetHubStateless/CommitSweep/Function: NIST.800.53.R5-LambdaDLQ',
  'MsetHubStateless/Routes: NIST.800.53.R5-LambdaInsideVPC',
  'MsetHubStateless/AuditConsumer: NIST.800.53.R5-LambdaInsideVPC',
  'MsetHubStateless/NotificationSender/Function/SqsEventSource:MsetHubStatelessNotificationQueueRefE3AA6B4F: Serverless-LambdaEventSourceMappingDestination',
  'MsetHubStateless/NotificationSender/Function: Serverless-LambdaDLQ',
  'MsetHubStateless/NotificationSender/Function: NIST.800.53.R5-LambdaDLQ',
  'MsetHubStateless/NotificationSender: NIST.800.53.R5-LambdaInsideVPC',
  'MsetHubStateless/AuthorizerRefusals: NIST.800.53.R5-LambdaInsideVPC',
  'MsetHubStateless/CommitSweep: NIST.800.53.R5-LambdaInsideVPC',
  'MsetHubStateless/LadderSweep/Function: Serverless-LambdaDLQ',
  'MsetHubStateless/LadderSweep/Function: NIST.800.53.R5-LambdaDLQ',
  'MsetHubStateless/LadderSweep: NIST.800.53.R5-LambdaInsideVPC',
  'MsetHubStateless/OutboxFold/Function: Serverless-LambdaDLQ',
  'MsetHubStateless/OutboxFold/Function: NIST.800.53.R5-LambdaDLQ',
  'MsetHubStateless/OutboxFold: NIST.800.53.R5-LambdaInsideVPC',
];

describe('cdk-nag', () => {
  it.each(['stateful', 'stateless'] as const)(
    'finds nothing unacknowledged in the %s stack (AWS Solutions, Serverless, NIST 800-53 R5)',
    (which) => {
      const stack = which === 'stateful' ? hub.stateful : hub.stateless;
      const findings = hubChecks().flatMap((pack) =>
        pack
          .validateScope(stack)
          .violations.map((violation) => `${violation.ruleName}: ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`),
      );
      expect(findings).toEqual([]);
    },
  );

  it('acknowledges exactly the listed findings, each on its own construct and with a reason', () => {
    const acknowledged = acknowledgementsIn(hub.app);
    expect(acknowledged.map(({ path, id }) => `${path}: ${id}`).sort()).toEqual([...ACKNOWLEDGED].sort());
    for (const { id, reason } of acknowledged) expect({ id, reason: reason.length >= 80 }).toEqual({ id, reason: true });
    const rules = new Set(acknowledged.map(({ id }) => id));
    console.info(`cdk-nag: ${acknowledged.length} acknowledgements of ${rules.size} rules:\n  ${[...rules].sort().join('\n  ')}`);
  });

  it('runs on every synth of the app, failing it on an unacknowledged finding', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'mset-hub-checks-'));
    try {
      const { app, stateless } = createHubApp({ outdir, context: { 'aws:cdk:bundling-stacks': [], issuer: ISSUER, audience: AUDIENCE } });
      // A queue with no TLS policy and no dead-letter queue.
      new Queue(stateless as Stack, 'Unchecked');
      expect(() => app.synth()).toThrow(/AwsSolutions-SQS4[\s\S]*Serverless-SQSRedrivePolicy/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
