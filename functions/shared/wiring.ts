/**
 * The composition root: the one place that decides which adapter serves each port. A function runs in a
 * HubEnvironment: the configuration, a clock and an id source, and optionally adapters that replace the AWS
 * ones. On Lambda the environment comes from process.env and replaces nothing, so only AWS adapters are
 * built; the local hub makes its own environment and plugs in its twins (dynalite's client, the in-process
 * queue, the local key service) through `adapters`. Nothing here or in a handler asks where it runs, and no
 * local twin is imported from this side, so none reaches a Lambda bundle.
 *
 * A Lambda function's environment is built by ./lambda-environment.ts; the local hub builds its own.
 *
 * Each getter builds its adapter once per environment (clients outside the handler, as Lambda rewards) and
 * only when a function asks for it, so a function that never decrypts never loads the KMS client.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TemplateName } from '../../contracts/notifications.js';
import { awsClientConfig } from '../adapters/aws-client-config.js';
import { DynamoAlertStore } from '../adapters/dynamodb/alert-store.js';
import { DynamoAuditStore } from '../adapters/dynamodb/audit-store.js';
import { DynamoDeliveryRecords } from '../adapters/dynamodb/delivery-records.js';
import { DynamoHistoryRecords } from '../adapters/dynamodb/history-store.js';
import { DynamoIdempotencyStore } from '../adapters/dynamodb/idempotency-store.js';
import { DynamoMeetingStore } from '../adapters/dynamodb/meeting-store.js';
import { DynamoSessionStore } from '../adapters/dynamodb/session-store.js';
import type { TableNames } from '../adapters/dynamodb/tables.js';
import { createKmsClient, KmsKeyService } from '../adapters/kms/kms-key-service.js';
import type { MessageQueue, RedeliveringQueue } from '../adapters/queue.js';
import { QueueAuditTrail } from '../adapters/queue-audit-trail.js';
import { QueueNotifications } from '../adapters/queue-notifications.js';
import { createSqsClient, SqsQueue } from '../adapters/sqs/sqs-queue.js';
import type { ConsoleSettings } from '../console/app.js';
import type { SentMail } from '../console/ports.js';
import { AreaDirectory } from '../core/areas.js';
import { AuditRecorder } from '../core/audit.js';
import { WorkingCalendars } from '../core/deadlines.js';
import type { Notifier } from '../core/notifications/ports.js';
import type { Clock, IdGenerator, KeyService } from '../core/ports.js';

export type HubConfig = {
  readonly region: string;
  readonly tables: TableNames;
  /** The content key (KMS key id or ARN); needed unless a key service is plugged in. */
  readonly contentKeyId?: string;
  /** Needed unless an audit queue is plugged in. */
  readonly auditQueueUrl?: string;
  /** How long a request holds its Idempotency-Key before a retry may take it over (the default suits Lambda). */
  readonly idempotencyLeaseSeconds?: number;
  /** The console's settings; only the console function reads them. */
  readonly console?: ConsoleSettings;
  /** Where ladder steps send their notification intents; needed unless a notification queue is plugged in. */
  readonly notificationQueueUrl?: string;
  /** GOV.UK Notify: only the notification sender has it, and needs it unless a notifier is plugged in. */
  readonly notify?: {
    readonly templateIds: Readonly<Record<TemplateName, string>>;
    /** Read once, on the first message (on AWS from Secrets Manager). */
    readonly apiKey: () => Promise<string>;
    readonly apiUrl?: string;
  };
  /** The console's address, which every message links into; read when a message is sent. */
  readonly consoleUrl?: () => string;
  /** The first wait before a message Notify could not take is tried again; it doubles each time (30 s unless set). */
  readonly notificationRetrySeconds?: number;
};

/** Adapters that replace the AWS ones: where the local hub's twins plug in. */
export type AdapterOverrides = {
  /** A client for another implementation of the DynamoDB API (dynalite). */
  readonly documentClient?: DynamoDBDocumentClient;
  readonly keyService?: KeyService;
  readonly auditQueue?: MessageQueue;
  /** The notifications queue's twin; its consumer puts off a failed message's next delivery (a backoff). */
  readonly notificationQueue?: MessageQueue & RedeliveringQueue;
  /** Where messages go instead of GOV.UK Notify (the local hub's mail outbox). */
  readonly notifier?: Notifier;
  /** What was sent, for the console's /outbox page: only the local hub's mail outbox has a list. */
  readonly sentMail?: SentMail;
};

export type HubEnvironment = {
  readonly config: HubConfig;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly adapters?: AdapterOverrides;
};

/** A getter of one adapter: built on first use in an environment, then the same object for it. */
export type Getter<T> = (env: HubEnvironment) => T;

/**
 * Each getter below is marked pure so esbuild can drop the ones a function never names, and with them their
 * adapters and AWS clients: without the mark a module-level call is kept for its possible effects, and every
 * bundle would carry every client (the bundle budget test checks this).
 */
function perEnvironment<T>(create: (env: HubEnvironment) => T): Getter<T> {
  const built = new WeakMap<HubEnvironment, T>();
  return (env) => {
    if (built.has(env)) return built.get(env) as T;
    const value = create(env);
    built.set(env, value);
    return value;
  };
}

function required(value: string | undefined, name: string): string {
  if (value === undefined) throw new TypeError(`${name} is not configured`);
  return value;
}

export const clock: Getter<Clock> = (env) => env.clock;
export const ids: Getter<IdGenerator> = (env) => env.ids;
export const areaDirectory = /* @__PURE__ */ perEnvironment(() => AreaDirectory.fromBundledData());
export const workingCalendars = /* @__PURE__ */ perEnvironment(() => WorkingCalendars.fromBundledData());

/** Marshalling options every DynamoDB document client in the hub shares, AWS's and a twin's alike. */
export function documentClientFor(client: DynamoDBClient): DynamoDBDocumentClient {
  // The SDK's logger middleware copies every request and response through its sensitive-data filter
  // before handing them to a logger that, by default, drops them: work in proportion to the rows read
  // (measured at about 0.3 ms of a 2.7 ms query of 200 outbox share rows). The hub never logs SDK calls;
  // its own logger says what it did, without the data.
  client.middlewareStack.remove('loggerMiddleware');
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export const documentClient = /* @__PURE__ */ perEnvironment(
  (env) => env.adapters?.documentClient ?? documentClientFor(new DynamoDBClient(awsClientConfig(env.config.region))),
);

export const alertRepository = /* @__PURE__ */ perEnvironment((env) => new DynamoAlertStore(documentClient(env), env.config.tables.alerts));
export const auditStore = /* @__PURE__ */ perEnvironment((env) => new DynamoAuditStore(documentClient(env), env.config.tables.audit));
export const meetingRepository = /* @__PURE__ */ perEnvironment(
  (env) => new DynamoMeetingStore(documentClient(env), env.config.tables.meetings),
);
/** Each record lives in its resource's table, so a function reaches only the table its route names. */
export const historyRecords = /* @__PURE__ */ perEnvironment(
  (env) => new DynamoHistoryRecords(documentClient(env), { alerts: env.config.tables.alerts, meetings: env.config.tables.meetings }),
);
export const idempotencyStore = /* @__PURE__ */ perEnvironment(
  (env) =>
    new DynamoIdempotencyStore(documentClient(env), env.config.tables.idempotency, {
      alerts: env.config.tables.alerts,
      meetings: env.config.tables.meetings,
    }),
);

export const auditTrail = /* @__PURE__ */ perEnvironment(
  (env) =>
    new QueueAuditTrail(
      env.adapters?.auditQueue ??
        new SqsQueue({ client: createSqsClient(env.config.region), queueUrl: required(env.config.auditQueueUrl, 'The audit queue URL') }),
    ),
);

export const auditRecorder = /* @__PURE__ */ perEnvironment((env) => new AuditRecorder(auditTrail(env), env.clock, env.ids));

export const keyService = /* @__PURE__ */ perEnvironment(
  (env): KeyService =>
    env.adapters?.keyService ??
    new KmsKeyService({ client: createKmsClient(env.config.region), keyId: required(env.config.contentKeyId, 'The content key id') }),
);

export const sessionStore = /* @__PURE__ */ perEnvironment(
  (env) => new DynamoSessionStore(documentClient(env), required(env.config.tables.sessions, 'The sessions table'), () => env.clock.now()),
);

/** The notifications queue, as its producers send to it and its consumer puts off a redelivery. */
export const notificationQueueClient = /* @__PURE__ */ perEnvironment(
  (env): MessageQueue & RedeliveringQueue =>
    env.adapters?.notificationQueue ??
    new SqsQueue({
      client: createSqsClient(env.config.region),
      queueUrl: required(env.config.notificationQueueUrl, 'The notification queue URL'),
    }),
);
export const notificationQueue = /* @__PURE__ */ perEnvironment((env) => new QueueNotifications(notificationQueueClient(env)));

export const notifier = /* @__PURE__ */ perEnvironment((env): Notifier => {
  if (env.adapters?.notifier !== undefined) return env.adapters.notifier;
  const notify = env.config.notify;
  if (notify === undefined) throw new TypeError('GOV.UK Notify is not configured');
  // Imported here, not at the top: the Notify client and its token signing belong in the sender's bundle alone, and a
  // static import would put them in every bundle that wires anything.
  let built: Promise<Notifier> | undefined;
  const real = () => {
    built ??= import('../adapters/notify/notify-notifier.js').then(
      ({ NotifyNotifier }) =>
        new NotifyNotifier({
          apiKey: notify.apiKey,
          templateIds: notify.templateIds,
          ...(notify.apiUrl === undefined ? {} : { baseUrl: notify.apiUrl }),
        }),
    );
    return built;
  };
  return {
    sendEmail: async (email) => (await real()).sendEmail(email),
    findSent: async (reference) => (await real()).findSent(reference),
  };
});

export const deliveryRecords = /* @__PURE__ */ perEnvironment(
  (env) => new DynamoDeliveryRecords(documentClient(env), required(env.config.tables.notifications, 'The notifications table')),
);

/** The console's address for links in messages; read when a message is sent. */
export const consoleUrl: Getter<() => string> = (env) => () => {
  if (env.config.consoleUrl === undefined) throw new TypeError('The console URL is not configured');
  return env.config.consoleUrl();
};

/** The local hub's mail outbox for the console's /outbox page; undefined on AWS, where that page is not found. */
export const sentMail: Getter<SentMail | undefined> = (env) => env.adapters?.sentMail;
