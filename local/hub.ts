/**
 * The local hub: the whole system in one process, with the same handler modules Lambda runs. dynalite
 * plays DynamoDB, the gateway plays API Gateway (JWT authorizer included), the in-process queue plays SQS
 * and feeds the same audit consumer, and the local key service plays KMS. This file is a composition
 * root for the process: it sets the configuration the functions' own root (functions/shared/wiring.ts)
 * reads, then loads the handlers. One hub per process, because the functions' adapters are per process,
 * as they are per Lambda container.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ROUTES } from '../functions/routes.js';
import { ensureTables, LOCAL_TABLE_NAMES, localDynamoClient, type LocalDynamo, startDynalite } from './dynamodb.js';
import { type GatewayRoute, type RunningGateway, startGateway } from './gateway.js';
import { HANDLER_MODULES } from './handlers.js';
import { LocalIdentityProvider } from './identity-provider.js';

export type HubOptions = {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  readonly dataDir: string;
};

export type Hub = {
  readonly url: string;
  readonly dataDir: string;
  readonly dynamoEndpoint: string;
  readonly identity: LocalIdentityProvider;
  /** Resolves when every audit event sent so far has been delivered to the consumer. */
  drainAudit(): Promise<void>;
  /** Audit messages the consumer gave up on (the local dead-letter queue). */
  auditDeadLetters(): readonly string[];
  stop(): Promise<void>;
};

let running = false;

export async function startHub(options: HubOptions): Promise<Hub> {
  if (running) throw new Error('One hub per process: its functions share per-process adapters');
  running = true;
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });

  const dynamo = await startDynalite(dataDir);
  const admin = localDynamoClient(dynamo.endpoint);
  await ensureTables(admin);
  admin.destroy();

  Object.assign(process.env, {
    ALERTS_TABLE: LOCAL_TABLE_NAMES.alerts,
    AUDIT_TABLE: LOCAL_TABLE_NAMES.audit,
    IDEMPOTENCY_TABLE: LOCAL_TABLE_NAMES.idempotency,
    MEETINGS_TABLE: LOCAL_TABLE_NAMES.meetings,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    AWS_REGION: 'eu-west-2',
    AWS_EC2_METADATA_DISABLED: 'true',
    KEY_SERVICE: 'local',
    AUDIT_QUEUE: 'in-process',
    HUB_DATA_DIR: dataDir,
    // CloudWatch metrics mean nothing on one machine; the same code emits them on AWS.
    POWERTOOLS_METRICS_DISABLED: 'true',
  });

  // Loaded only now: the handler modules build their adapters from the configuration at import.
  const wiring = await import('../functions/shared/wiring.js');
  const consumer = await import('../functions/handlers/audit-consumer.js');
  const queue = wiring.inProcessAuditQueue();
  queue.subscribe((event: SQSEvent): Promise<SQSBatchResponse> => consumer.handler(event, lambdaContext('audit-consumer')));

  const identity = await LocalIdentityProvider.open(dataDir);
  const routes: GatewayRoute[] = await Promise.all(
    ROUTES.map(async (route) => {
      const load = HANDLER_MODULES[route.handler];
      if (load === undefined) throw new Error(`No handler module for ${route.routeKey}`);
      const module = await load();
      return { routeKey: route.routeKey, authorized: route.authorized, handler: module.handler, functionName: `mset-hub-${route.handler}` };
    }),
  );

  let gateway: RunningGateway;
  try {
    gateway = await startGateway({
      port: options.port,
      ...(options.host === undefined ? {} : { host: options.host }),
      routes,
      verifyToken: (token) => identity.verify(token),
      // API Gateway rejects these before any function runs; the hub records them as refused attempts.
      onUnauthorized: (attempt) => wiring.auditRecorder().unauthenticated(attempt.requestId, attempt.routeKey),
    });
  } catch (error) {
    await dynamo.close();
    running = false;
    throw error;
  }

  return {
    url: gateway.url,
    dataDir,
    dynamoEndpoint: dynamo.endpoint,
    identity,
    drainAudit: () => queue.drain(),
    auditDeadLetters: () => queue.deadLetters(),
    stop: async () => {
      await gateway.close();
      await queue.drain();
      queue.close();
      wiring.documentClient().destroy();
      await dynamo.close();
      running = false;
    },
  };
}

function lambdaContext(name: string): Context {
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `mset-hub-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-2:000000000000:function:mset-hub-${name}`,
    memoryLimitInMB: '256',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/mset-hub-${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
