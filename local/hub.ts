/**
 * The local hub: the whole system in one process, with the same handler modules Lambda runs. dynalite
 * plays DynamoDB, the gateway plays API Gateway (JWT authorizer included), the in-process queue plays SQS
 * and feeds the same audit consumer, the local key service plays KMS, and timers play EventBridge Scheduler.
 * This file is the process's composition root: it builds a HubEnvironment with those twins plugged in and
 * wires every function of the route list to it. Nothing is set on process.env, so one process may run
 * several hubs, each with its own data directory and adapters.
 */
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { migrate } from '../functions/adapters/dynamodb/migrations.js';
import { NOTIFICATION_MAX_RECEIVES } from '../functions/adapters/queue-notifications.js';
import { DEFAULT_ABSOLUTE_HOURS, DEFAULT_IDLE_MINUTES } from '../functions/console/app.js';
import { ensureConsoleAssets } from '../functions/console/assets.js';
import { ensureConsoleTemplates } from '../functions/console/templates.js';
import { londonDateTime } from '../functions/core/alerts/ladder.js';
import type { Notifier } from '../functions/core/notifications/ports.js';
import type { Clock } from '../functions/core/ports.js';
import { ROUTE_LIST, WORKERS } from '../functions/routes.js';
import { randomIds, systemClock } from '../functions/shared/lambda-environment.js';
import { logger } from '../functions/shared/logger.js';
import { areaDirectory, auditRecorder, documentClientFor, type HubEnvironment } from '../functions/shared/wiring.js';
import type { CallMeter } from './call-meter.js';
import { ensureTables, LOCAL_TABLE_NAMES, localDynamoClient, repairTableIndexes, startDynalite } from './dynamodb.js';
import { type GatewayRoute, type RunningGateway, startGateway } from './gateway.js';
import { LocalIdentityProvider } from './identity-provider.js';
import { InProcessQueue } from './in-process-queue.js';
import { type RunningJobs, startJobs } from './jobs.js';
import { lazyLocalKeyService } from './local-key-service.js';
import { MailOutbox, type SentNotice } from './mail-outbox.js';
import { IDP_PREFIX, LOCAL_CONSOLE_CLIENT, LOCAL_SCOPE, type LocalOidcProvider, localOidcProvider } from './oidc-provider.js';

const REPOSITORY = fileURLToPath(new URL('..', import.meta.url));
/** In the data directory while a hub runs on it (see startHub). */
export const RUNNING_MARKER = 'hub.running';
/** The console's assets and compiled templates are built once per change of their inputs, and shared by every hub on the machine. */
const ASSET_CACHE = join(REPOSITORY, 'node_modules', '.cache', 'mset-console-assets');
const TEMPLATE_CACHE = join(REPOSITORY, 'node_modules', '.cache', 'mset-console-templates');

export type HubOptions = {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  readonly dataDir: string;
  /** The hub's clock; the system clock unless a test or a trainer moves it. */
  readonly clock?: Clock;
  /**
   * How long a request holds its Idempotency-Key before a retry may take it over. The default suits any
   * request; a test that kills the hub shortens it so that its retries need not wait.
   */
  readonly idempotencyLeaseSeconds?: number;
  /** How often scheduled jobs run, overriding each job's own schedule; 0 starts no timer (`runJob` still runs one). */
  readonly jobIntervalMs?: number;
  /** How often one job runs, by name (the ladder sweep's, from configuration), unless `jobIntervalMs` is set. */
  readonly jobIntervals?: Readonly<Record<string, number>>;
  /**
   * Runs the hub's clock this far ahead of (or behind) the machine's, for trainers watching the ladder:
   * shown in the console's banner. Ignored when `clock` is given.
   */
  readonly clockShiftMs?: number;
  /** The console's idle and absolute session time-outs (30 minutes and 8 hours unless set). */
  readonly consoleIdleMinutes?: number;
  readonly consoleAbsoluteHours?: number;
  /** Told of every message the mail outbox keeps (`npm start` prints a line: kind, mailbox, reference). */
  readonly onMail?: (notice: SentNotice) => void;
  /** Sends through this instead of the mail outbox (a test's real Notify client against a fake Notify). */
  readonly notifier?: Notifier;
  /** The first wait before a message that could not be sent is tried again, doubling after (1 s unless set). */
  readonly notificationRetrySeconds?: number;
  /**
   * Counts (and may delay) every call the adapters make to DynamoDB, the key service and the queues, per
   * request: the bench's latency model and the call-count tests. Wraps the twins; handlers never know.
   */
  readonly meter?: CallMeter;
};

export type Hub = {
  readonly url: string;
  readonly dataDir: string;
  readonly dynamoEndpoint: string;
  readonly identity: LocalIdentityProvider;
  /** The environment every function of this hub runs in. */
  readonly environment: HubEnvironment;
  /** The audit queue's twin: tests make it fail to show that nothing is released without an audit event. */
  readonly auditQueue: InProcessQueue;
  /** Resolves when every audit event sent so far has been delivered to the consumer. */
  drainAudit(): Promise<void>;
  /** Audit messages the consumer gave up on (the local dead-letter queue). */
  auditDeadLetters(): readonly string[];
  /** The notifications queue's twin (journaled in the data directory), fed to the same sender function. */
  readonly notificationQueue: InProcessQueue;
  /** Where messages go instead of GOV.UK Notify. */
  readonly mailOutbox: MailOutbox;
  /** Resolves when every notification recorded so far has been sent, refused or dead-lettered. */
  drainNotifications(): Promise<void>;
  /** Runs a scheduled job now, as its timer would. */
  runJob(name: string): Promise<unknown>;
  stop(): Promise<void>;
};

export async function startHub(options: HubOptions): Promise<Hub> {
  const dataDir = resolve(options.dataDir);
  // Without a meter nothing is wrapped: the hub runs its twins as they are.
  const meter: Pick<CallMeter, 'wrap' | 'outside' | 'request'> = options.meter ?? {
    wrap: (adapters) => adapters,
    outside: (work) => work(),
    request: (_routeKey, _request, handler) => handler(),
  };
  await mkdir(dataDir, { recursive: true, mode: 0o700 });

  // There while a hub runs on the directory, gone once it has stopped cleanly: found at a start, the last
  // run was killed, perhaps while dynalite was writing, and its indexes are repaired before anything reads.
  const running = join(dataDir, RUNNING_MARKER);
  const killedLastTime = await stat(running).then(
    () => true,
    () => false,
  );
  await writeFile(running, `${process.pid}\n`);
  const dynamo = await startDynalite(dataDir);
  const dynamoClient = localDynamoClient(dynamo.endpoint);
  const stopping: Array<() => Promise<void> | void> = [() => dynamo.close()];
  let stopped: Promise<void> | undefined;
  // Last started, first stopped; every step runs even if one fails, and a second stop waits for the first.
  const stopAll = () => {
    stopped ??= (async () => {
      const failures: unknown[] = [];
      for (const step of [...stopping].reverse()) {
        try {
          await step();
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length > 0) throw new AggregateError(failures, 'The hub did not stop cleanly');
      await rm(running, { force: true });
    })();
    return stopped;
  };
  try {
    await ensureTables(dynamoClient);
    if (killedLastTime) {
      const repaired = await repairTableIndexes(dynamoClient);
      if (repaired > 0) logger.warn('index entries repaired after an unclean stop', { repaired });
    }
    // Data written by an earlier version of the hub is brought up to this one before anything reads it.
    await migrate(documentClientFor(dynamoClient), LOCAL_TABLE_NAMES, lazyLocalKeyService(dataDir));
    // Journaled in the data directory, so an audit event the hub has accepted survives the hub being killed.
    const auditQueue = await InProcessQueue.open({
      queueName: 'mset-hub-audit.fifo',
      journalPath: join(dataDir, 'queues', 'mset-hub-audit.fifo.journal'),
    });
    stopping.push(() => auditQueue.close());
    const notificationQueue = await InProcessQueue.open({
      queueName: 'mset-hub-notifications',
      journalPath: join(dataDir, 'queues', 'mset-hub-notifications.journal'),
      maxReceiveCount: NOTIFICATION_MAX_RECEIVES,
    });
    stopping.push(() => notificationQueue.close());
    const shift = options.clock === undefined ? (options.clockShiftMs ?? 0) : 0;
    const clock: Clock = options.clock ?? (shift === 0 ? systemClock : { now: () => new Date(Date.now() + shift) });
    const mailOutbox = await MailOutbox.open(join(dataDir, 'mail', 'outbox.jsonl'), {
      now: () => clock.now(),
      ...(options.onMail === undefined ? {} : { onSend: options.onMail }),
    });
    let hubUrl: string | undefined;
    const assets = await ensureConsoleAssets(ASSET_CACHE);
    const templates = await ensureConsoleTemplates(TEMPLATE_CACHE);
    let oidc: LocalOidcProvider | undefined;
    const environment: HubEnvironment = {
      config: {
        region: 'eu-west-2',
        tables: LOCAL_TABLE_NAMES,
        console: {
          files: { templates, assets },
          identity: () => {
            if (oidc === undefined) throw new Error('The local OpenID provider has not started');
            return { issuer: oidc.issuer, clientId: LOCAL_CONSOLE_CLIENT, scope: LOCAL_SCOPE, allowHttp: true, promptLogin: true };
          },
          idleMinutes: options.consoleIdleMinutes ?? DEFAULT_IDLE_MINUTES,
          absoluteHours: options.consoleAbsoluteHours ?? DEFAULT_ABSOLUTE_HOURS,
          localHub: true,
          ...(shift === 0 ? {} : { shiftedClock: () => describeShift(clock.now(), shift) }),
        },
        ...(options.idempotencyLeaseSeconds === undefined ? {} : { idempotencyLeaseSeconds: options.idempotencyLeaseSeconds }),
        consoleUrl: () => {
          if (hubUrl === undefined) throw new Error('The local hub is not listening yet');
          return hubUrl.replace('127.0.0.1', 'localhost');
        },
        notificationRetrySeconds: options.notificationRetrySeconds ?? 1,
      },
      clock,
      ids: randomIds,
      adapters: meter.wrap({
        documentClient: documentClientFor(dynamoClient),
        keyService: lazyLocalKeyService(dataDir),
        auditQueue,
        notificationQueue,
        notifier: options.notifier ?? mailOutbox,
        sentMail: mailOutbox,
      }),
    };
    stopping.push(() => dynamoClient.destroy());

    const consumer = (await WORKERS['audit-consumer'].load()).wire(environment);
    // Consumers run outside the request that sent the message, as on AWS they run in another function.
    auditQueue.subscribe((event: SQSEvent) =>
      meter.outside(() => consumer(event, lambdaContext('audit-consumer')) as Promise<SQSBatchResponse>),
    );
    stopping.push(async () => {
      await auditQueue.drain();
      await auditQueue.close();
    });
    const sender = (await WORKERS['notification-sender'].load()).wire(environment);
    notificationQueue.subscribe((event: SQSEvent) =>
      meter.outside(() => sender(event, lambdaContext('notification-sender')) as Promise<SQSBatchResponse>),
    );

    const identity = await LocalIdentityProvider.open(dataDir);
    const routes: GatewayRoute[] = await Promise.all(
      ROUTE_LIST.map(async (route) => {
        const handler = (await route.load()).wire(environment);
        return {
          routeKey: route.routeKey,
          authorized: route.authorized,
          handler: (event, context) =>
            meter.request(route.routeKey, `${event.requestContext.http.method} ${event.rawPath}`, () =>
              Promise.resolve(handler(event, context)),
            ),
          functionName: `mset-hub-${route.handler}`,
        };
      }),
    );
    const audit = auditRecorder(environment);
    const jobs: RunningJobs = await startJobs({
      environment,
      ...(options.jobIntervalMs === undefined ? {} : { intervalMs: options.jobIntervalMs }),
      ...(options.jobIntervals === undefined ? {} : { intervals: options.jobIntervals }),
      context: lambdaContext,
    });
    stopping.push(() => jobs.stop());

    const gateway: RunningGateway = await startGateway({
      port: options.port,
      ...(options.host === undefined ? {} : { host: options.host }),
      routes,
      verifyToken: (token) => identity.verify(token),
      // API Gateway rejects these before any function runs; the hub records them as refused attempts.
      onUnauthorized: (attempt) => audit.unauthenticated(attempt.requestId, attempt.routeKey),
      mounts: [
        {
          prefix: IDP_PREFIX,
          handle: (req, res) => {
            if (oidc === undefined) res.writeHead(503).end();
            else oidc.handle(req, res);
          },
        },
      ],
    });
    stopping.push(() => gateway.close());
    hubUrl = gateway.url;
    const manifest = JSON.parse(await readFile(join(assets, 'manifest.json'), 'utf8')) as Record<string, string>;
    oidc = localOidcProvider({
      hubUrl: gateway.url,
      signingKey: identity.signingJwk(),
      areas: areaDirectory(environment),
      stylesheet: `/assets/${manifest['application.css']}`,
      statePath: join(dataDir, 'idp', 'oidc-provider-state.json'),
    });

    return {
      url: gateway.url,
      dataDir,
      dynamoEndpoint: dynamo.endpoint,
      identity,
      environment,
      auditQueue,
      drainAudit: () => auditQueue.drain(),
      auditDeadLetters: () => auditQueue.deadLetters(),
      notificationQueue,
      mailOutbox,
      drainNotifications: () => notificationQueue.drain(),
      runJob: (name) => jobs.run(name),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** "17:30 on Tuesday 1 December 2026, 3 hours ahead of the real time" (London time). */
export function describeShift(now: Date, shiftMs: number): string {
  const minutes = Math.round(Math.abs(shiftMs) / 60_000);
  const amount =
    minutes % 60 === 0 ? `${minutes / 60} ${minutes === 60 ? 'hour' : 'hours'}` : `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
  return `${londonDateTime(now.toISOString())}, ${amount} ${shiftMs > 0 ? 'ahead of' : 'behind'} the real time`;
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
