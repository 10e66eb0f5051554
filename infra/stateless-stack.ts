/**
 * The stateless half: the HTTP API, one function per route (functions/routes.ts, the table the local hub's
 * gateway reads too; the console is the `$default` route, its pages at the root of the API's host, with its
 * sign-in client and files from ./console.ts), the audit queue's consumer, the function that audits the JWT
 * authorizer's refusals from the API's access log, and the scheduled jobs with their EventBridge Scheduler
 * schedules and their alarms (to the stateful stack's operations topic). Everything here can be destroyed
 * and redeployed without losing data (log groups are retained).
 *
 * Functions reach the stateful stack's resources only through the statements of ./permissions.ts; queues
 * are handed to CDK constructs as imported references (no key attached), so no construct can add a KMS
 * grant of its own.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, type CfnAlarm, ComparisonOperator, MathExpression, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { EventInvokeConfig, EventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { FilterPattern, LogGroup, SubscriptionFilter } from 'aws-cdk-lib/aws-logs';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  type HandlerName,
  ROUTE_LIST,
  type RouteDefinition,
  type Sizing,
  WORKER_LIST,
  WORKERS,
  type WorkerDefinition,
  type WorkerName,
} from '../functions/routes.js';
import { JOB_ITEMS_UNDONE, METRICS_NAMESPACE, METRICS_SERVICE } from '../functions/shared/metrics.js';
import { acknowledge } from './checks.js';
import { type ConsoleIdentity, consoleCommandHooks, consoleEnvironment } from './console.js';
import { HubFunction, type HubFunctionProps, LOG_RETENTION } from './hub-function.js';
import { JobSchedule } from './job-schedule.js';
import { type NotifySettings, notifyEnvironment } from './notify.js';
import type { FunctionName, HubResources } from './permissions.js';
import type { StatefulStack } from './stateful-stack.js';

export type StatelessStackProps = StackProps & {
  readonly stateful: StatefulStack;
  /** The OIDC issuer the JWT authorizer trusts (Entra ID, Cognito, ...): CDK context `issuer`. */
  readonly issuer: string;
  /** The audience (client id) tokens must carry: CDK context `audience`. */
  readonly audience: string;
  /** The console's OpenID Connect client (./console.ts: CDK context `consoleIssuer`, `consoleClientId`, ...). */
  readonly console: ConsoleIdentity;
  /** GOV.UK Notify (./notify.ts: CDK context `notifyApiKeySecret`, `notifyTemplateIds`). */
  readonly notify: NotifySettings;
};

/** Requests per second (steady, burst) across the stage, and per route below it. */
export const STAGE_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

type FunctionSizing = { readonly timeout: Duration; readonly memorySize: number; readonly reservedConcurrency: number };

/** A function's sizing as CDK takes it, from the route list's plain numbers. */
export function sizingOf(sizing: Sizing): FunctionSizing {
  return { timeout: Duration.seconds(sizing.timeoutSeconds), memorySize: sizing.memoryMb, reservedConcurrency: sizing.reservedConcurrency };
}

/** The consumer of a FIFO queue: few pollers; the event source's maximum concurrency equals its reservation. */
export const AUDIT_CONSUMER_SIZING: FunctionSizing = sizingOf(WORKERS['audit-consumer'].sizing);
export const REFUSALS_SIZING: FunctionSizing = sizingOf(WORKERS['authorizer-refusals'].sizing);

/**
 * The API's access log, one JSON object per request. Never a body or a query string (a cursor is opaque
 * but still the caller's business), never a header: `path` is the path alone. `status` and `requestId`
 * are what the authorizer-refusals function reads from the 401 lines.
 */
export const ACCESS_LOG_FORMAT: Readonly<Record<string, string>> = {
  requestId: '$context.requestId',
  requestTimeEpoch: '$context.requestTimeEpoch',
  routeKey: '$context.routeKey',
  httpMethod: '$context.httpMethod',
  path: '$context.path',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  ip: '$context.identity.sourceIp',
  protocol: '$context.protocol',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  integrationStatus: '$context.integrationStatus',
};

/**
 * What the authorizer-refusals function is sent: 401s that never reached a function (no integration
 * status), i.e. the JWT authorizer's refusals, with or without an authorizer error message. A 401 a
 * function returned itself (claims naming no known area) has been audited by its middleware already.
 */
export const REFUSALS_FILTER_PATTERN = '{ ($.status = "401") && ($.integrationStatus = "-") }';

type Worker = WorkerDefinition & { readonly name: WorkerName };

/** The workers run by a schedule. */
export type ScheduledJobName = { [K in WorkerName]: (typeof WORKERS)[K]['trigger']['kind'] extends 'schedule' ? K : never }[WorkerName];

/**
 * What stops happening for the hub's users while a scheduled job fails or is not run, in the words its
 * alarms send the operations topic. A job added to the route list without one fails the type check.
 */
export const JOB_CONSEQUENCES: Readonly<Record<ScheduledJobName, string>> = {
  'ladder-sweep':
    'reminders and escalations of unacknowledged alerts are not sent, and meeting notices wait: a receiving MSET may not be told an alert needs it',
  'outbox-fold':
    "changed shares are not folded into their alerts' rows: the Alerts sent pages stay correct but read more and slow down the longer it lasts",
  'commit-sweep': 'creations cut off part-way are neither finished nor removed, and the audit trail keeps their creation uncorrected',
};

/**
 * A job's alarms look at windows of its interval, and at least five minutes: a run that fails once is
 * retried by Lambda twice within about three minutes, and the next tick does whatever is then due, so one
 * failed window is a blip. Three windows in a row is a job that is failing, or not being run at all.
 */
export const JOB_ALARM_WINDOWS = 3;
export function jobAlarmPeriod(everyMinutes: number): Duration {
  return Duration.minutes(Math.max(5, everyMinutes));
}
type CommonProps = Omit<HubFunctionProps, 'name' | 'timeout' | 'memorySize' | 'reservedConcurrency'>;

export class StatelessStack extends Stack {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly functions: ReadonlyMap<FunctionName, HubFunction>;
  /** Each scheduled job's schedule (with its role), by the job's name. */
  readonly schedules: ReadonlyMap<WorkerName, JobSchedule>;
  private readonly jobSchedules = new Map<WorkerName, JobSchedule>();

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { stateful } = props;

    const resources: HubResources = {
      alertsTableArn: stateful.alertsTable.tableArn,
      auditTableArn: stateful.auditTable.tableArn,
      idempotencyTableArn: stateful.idempotencyTable.tableArn,
      meetingsTableArn: stateful.meetingsTable.tableArn,
      sessionsTableArn: stateful.sessionsTable.tableArn,
      auditQueueArn: stateful.auditQueue.queueArn,
      refusalsDeadLetterQueueArn: stateful.refusalsDeadLetterQueue.queueArn,
      notificationsTableArn: stateful.notificationsTable.tableArn,
      notificationQueueArn: stateful.notificationQueue.queueArn,
      notifyApiKeySecretArn: props.notify.apiKeySecretArn(this),
      storageKeyArn: stateful.storageKey.keyArn,
      contentKeyArn: stateful.contentKey.keyArn,
      ...(props.console.clientSecretArn === undefined ? {} : { consoleClientSecretArn: props.console.clientSecretArn }),
    };
    const environment: Record<string, string> = {
      ALERTS_TABLE: stateful.alertsTable.tableName,
      AUDIT_TABLE: stateful.auditTable.tableName,
      IDEMPOTENCY_TABLE: stateful.idempotencyTable.tableName,
      MEETINGS_TABLE: stateful.meetingsTable.tableName,
      KMS_KEY_ID: stateful.contentKey.keyArn,
      AUDIT_QUEUE_URL: stateful.auditQueue.queueUrl,
      // Only a function whose needs allow sending or receiving (functions/routes.ts) can use it.
      NOTIFICATION_QUEUE_URL: stateful.notificationQueue.queueUrl,
      POWERTOOLS_SERVICE_NAME: 'mset-hub',
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      // No --enable-source-maps: with it Node reads and parses each bundle's map (about 2 MB) as it imports
      // the bundle, some 14 ms of CPU on every cold start (40% of a route's import), for stack traces the hub
      // never logs (its log lines name an error, never its message or stack: they can quote child data).
      // The map stays beside each bundle, to read a runtime's own report of a crash offline.
    };

    const tracingPolicy = new ManagedPolicy(this, 'TracingPolicy', {
      description: 'MSET hub functions: send X-Ray segments',
      statements: [
        new PolicyStatement({ sid: 'SendTraces', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] }),
      ],
    });
    acknowledge(
      tracingPolicy,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray has no resource-level permissions: PutTraceSegments and PutTelemetryRecords accept only "*". The policy allows those two write-only actions and nothing else.',
    );

    const common = { environment, resources, storageKey: stateful.storageKey, tracingPolicy };
    const functions = new Map<FunctionName, HubFunction>();

    // --- The API: JWT authorizer, access log, throttling, one function per route.
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: LOG_RETENTION,
      encryptionKey: stateful.storageKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.api = new HttpApi(this, 'HttpApi', {
      apiName: 'mset-hub',
      description: 'MSET Cross-Boundary Hub',
      createDefaultStage: false,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: STAGE_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FORMAT)),
      },
    });
    const authorizer = new HttpJwtAuthorizer('JwtAuthorizer', props.issuer, {
      jwtAudience: [props.audience],
      identitySource: ['$request.header.Authorization'],
    });

    const routes = new Construct(this, 'Routes');
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const route of ROUTE_LIST) {
      const name = route.handler;
      // The console also gets its sessions table and sign-in settings, and its pages' files beside its bundle.
      const consoleProps =
        name === 'console'
          ? {
              environment: { ...environment, ...consoleEnvironment(stateful.sessionsTable.tableName, props.console) },
              commandHooks: consoleCommandHooks(),
            }
          : {};
      const fn = new HubFunction(routes, pascal(name), { ...common, ...sizingOf(route.sizing), name, ...consoleProps });
      functions.set(name, fn);
      const httpRoute = this.route(routes, route, fn, authorizer);
      // The route list's type requires a reason for every route without the authorizer.
      if (!route.authorized) acknowledge(httpRoute, 'AwsSolutions-APIG4', route.publicReason);
      // Route settings name routes that must exist first.
      this.stage.node.addDependency(httpRoute);
      routeSettings[route.routeKey] = { ThrottlingRateLimit: route.throttle.rate, ThrottlingBurstLimit: route.throttle.burst };
    }
    (this.stage.node.defaultChild as CfnStage).addPropertyOverride('RouteSettings', routeSettings);
    acknowledge(
      routes,
      'Serverless-LambdaDLQ',
      'Route functions are invoked synchronously by API Gateway, which returns any failure to the caller as a problem response; a dead-letter queue only receives failed asynchronous invocations and would stay empty while widening every role by sqs:SendMessage and a KMS grant.',
    );
    acknowledge(
      routes,
      'NIST.800.53.R5-LambdaDLQ',
      'Route functions are invoked synchronously by API Gateway, which returns any failure to the caller as a problem response; a dead-letter queue only receives failed asynchronous invocations and would stay empty while widening every role by sqs:SendMessage and a KMS grant.',
    );

    // --- The workers: each built by its trigger, and a trigger the stack cannot build fails the type check.
    // Built at the stack's top level, where each has always been, so their logical ids stay put.
    const builders = {
      'audit-queue': (worker) => this.auditConsumer(this, worker, common, stateful),
      'notification-queue': (worker) => this.notificationSender(this, worker, common, stateful, props.notify),
      'access-log-refusals': (worker) => this.refusalsRecorder(this, worker, common, stateful),
      schedule: (worker) => this.scheduledJob(this, worker, common, stateful),
    } satisfies Record<WorkerDefinition['trigger']['kind'], (worker: Worker) => HubFunction>;
    const workers: HubFunction[] = [];
    for (const worker of WORKER_LIST) {
      const build: (worker: Worker) => HubFunction = builders[worker.trigger.kind];
      const fn = build(worker);
      workers.push(fn);
      functions.set(worker.name, fn);
    }
    for (const scope of [routes, ...workers]) {
      acknowledge(
        scope,
        'NIST.800.53.R5-LambdaInsideVPC',
        'The functions reach only AWS APIs (DynamoDB, SQS, KMS, CloudWatch Logs, X-Ray), over TLS and signed with their role; there is no private resource to reach. A VPC would add a NAT gateway or four interface endpoints (SQS, KMS, CloudWatch Logs, X-Ray: about $60 a month idle across two AZs) to a hub that otherwise costs a few dollars idle, and no control the IAM policies do not already give.',
      );
    }
    this.functions = functions;
    this.schedules = this.jobSchedules;

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint, description: 'The hub API base URL' });
    new CfnOutput(this, 'ConsoleUrl', {
      value: `${this.api.apiEndpoint}/`,
      description: "The console's address (its pages are at the root)",
    });
    new CfnOutput(this, 'ConsoleRedirectUri', {
      value: `${this.api.apiEndpoint}/auth/callback`,
      description: "Register this as the redirect URI of the console's client at the identity provider (README, Deploy to AWS)",
    });
  }

  /** The audit queue's consumer: the only writer of the audit table. */
  private auditConsumer(scope: Construct, worker: Worker, common: CommonProps, stateful: StatefulStack): HubFunction {
    const sizing = sizingOf(worker.sizing);
    const consumer = new HubFunction(scope, 'AuditConsumer', { ...common, ...sizing, name: worker.name });
    const auditQueue = Queue.fromQueueAttributes(this, 'AuditQueueRef', {
      queueArn: stateful.auditQueue.queueArn,
      queueUrl: stateful.auditQueue.queueUrl,
      fifo: true,
    });
    consumer.function.addEventSource(
      new SqsEventSource(auditQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: sizing.reservedConcurrency,
      }),
    );
    const mapping = consumer.function.node.children.find((child) => child instanceof EventSourceMapping);
    if (mapping === undefined) throw new Error('The audit consumer has no event source mapping');
    acknowledge(
      mapping,
      'Serverless-LambdaEventSourceMappingDestination',
      "Lambda supports on-failure destinations for stream and Kafka event sources, not SQS. For SQS the failure destination is the queue's own redrive policy: after 5 receives a message moves to the audit dead-letter queue, whose alarm notifies operators.",
    );
    for (const rule of ['Serverless-LambdaDLQ', 'NIST.800.53.R5-LambdaDLQ']) {
      acknowledge(
        consumer.function,
        rule,
        "Invoked synchronously by the SQS event source mapping, never asynchronously: a message that fails is retried by SQS and moved by the audit queue's redrive policy (maxReceiveCount 5) to its dead-letter queue, which has an alarm.",
      );
    }
    return consumer;
  }

  /**
   * The notifications queue's consumer: it alone has Notify's settings, the notifications table and the
   * console's address (for the links in messages).
   */
  private notificationSender(
    scope: Construct,
    worker: Worker,
    common: CommonProps,
    stateful: StatefulStack,
    notify: NotifySettings,
  ): HubFunction {
    const sizing = sizingOf(worker.sizing);
    const sender = new HubFunction(scope, 'NotificationSender', {
      ...common,
      ...sizing,
      name: worker.name,
      environment: {
        ...common.environment,
        NOTIFICATIONS_TABLE: stateful.notificationsTable.tableName,
        NOTIFY_LINK_BASE_URL: `${this.api.apiEndpoint}/`,
        ...notifyEnvironment(notify),
      },
    });
    const queue = Queue.fromQueueAttributes(this, 'NotificationQueueRef', {
      queueArn: stateful.notificationQueue.queueArn,
      queueUrl: stateful.notificationQueue.queueUrl,
    });
    sender.function.addEventSource(
      new SqsEventSource(queue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: sizing.reservedConcurrency }),
    );
    const mapping = sender.function.node.children.find((child) => child instanceof EventSourceMapping);
    if (mapping === undefined) throw new Error('The notification sender has no event source mapping');
    acknowledge(
      mapping,
      'Serverless-LambdaEventSourceMappingDestination',
      "Lambda supports on-failure destinations for stream and Kafka event sources, not SQS. For SQS the failure destination is the queue's own redrive policy: after 5 receives a message moves to the notification dead-letter queue, whose alarm notifies operators.",
    );
    for (const rule of ['Serverless-LambdaDLQ', 'NIST.800.53.R5-LambdaDLQ']) {
      acknowledge(
        sender.function,
        rule,
        "Invoked synchronously by the SQS event source mapping, never asynchronously: a message that fails is retried by SQS (with a backoff) and moved by the notification queue's redrive policy (maxReceiveCount 5) to its dead-letter queue, which has an alarm.",
      );
    }
    return sender;
  }

  /** The JWT authorizer refuses before any function runs; its 401s reach the audit trail from the access log. */
  private refusalsRecorder(scope: Construct, worker: Worker, common: CommonProps, stateful: StatefulStack): HubFunction {
    const refusals = new HubFunction(scope, 'AuthorizerRefusals', {
      ...common,
      ...sizingOf(worker.sizing),
      name: worker.name,
      deadLetterQueue: Queue.fromQueueArn(this, 'RefusalsDeadLetterQueueRef', stateful.refusalsDeadLetterQueue.queueArn),
      retryAttempts: 2,
    });
    new SubscriptionFilter(this, 'RefusalsSubscription', {
      logGroup: this.accessLogs,
      destination: new LambdaDestination(refusals.function),
      filterPattern: FilterPattern.literal(REFUSALS_FILTER_PATTERN),
    });
    const invokeConfig = refusals.function.node.children.find((child) => child instanceof EventInvokeConfig);
    if (invokeConfig === undefined) throw new Error('The authorizer-refusals function has no asynchronous invocation config');
    acknowledge(
      invokeConfig,
      'Serverless-LambdaAsyncFailureDestination',
      "Failed asynchronous invocations (after 2 retries) go to the function's dead-letter queue (DeadLetterConfig), which has an alarm. An on-failure destination as well would put every failure in two places.",
    );
    return refusals;
  }

  /**
   * A job on an EventBridge Scheduler rate schedule (to the minute), invoking its function with no input,
   * asynchronously, through a role of its own that may invoke that function alone (./job-schedule.ts).
   */
  private scheduledJob(scope: Construct, worker: Worker, common: CommonProps, stateful: StatefulStack): HubFunction {
    if (worker.trigger.kind !== 'schedule') throw new Error(`${worker.name} is not a scheduled job`);
    const id = pascal(worker.name);
    const job = new HubFunction(scope, id, { ...common, ...sizingOf(worker.sizing), name: worker.name });
    const schedule = new JobSchedule(scope, `${id}Schedule`, {
      name: worker.name,
      function: job.function,
      everyMinutes: worker.trigger.everyMinutes,
    });
    this.jobSchedules.set(worker.name, schedule);
    this.jobAlarms(id, worker.name as ScheduledJobName, job, worker.trigger.everyMinutes, stateful);
    for (const rule of ['Serverless-LambdaDLQ', 'NIST.800.53.R5-LambdaDLQ']) {
      acknowledge(
        job.function,
        rule,
        "Invoked asynchronously by its schedule, with no input: a failed run (after Lambda retries it twice) carries nothing to keep, and the next tick takes up whatever is then due, oldest first. A dead-letter queue would hold only empty, stale ticks while widening the role by sqs:SendMessage and a KMS grant; failures show in the function's Errors metric, which an alarm to the operations topic watches, and its log.",
      );
    }
    return job;
  }

  /**
   * A job that fails, or is not run (its schedule disabled, its role unable to invoke it, Scheduler failing),
   * does so silently: nobody calls it. Each gets two alarms to the operations topic, and each tells the
   * topic again when the job recovers. Failing counts failed runs and the items runs left undone, which
   * a job that carries on past each bad item reports as a metric (functions/shared/function.ts).
   */
  private jobAlarms(id: string, name: ScheduledJobName, job: HubFunction, everyMinutes: number, stateful: StatefulStack): void {
    const period = jobAlarmPeriod(everyMinutes);
    const window = `${period.toMinutes() * JOB_ALARM_WINDOWS} minutes`;
    const consequence = JOB_CONSEQUENCES[name];
    const failures = new MathExpression({
      expression: 'FILL(runsFailed, 0) + FILL(itemsUndone, 0)',
      usingMetrics: {
        runsFailed: job.function.metricErrors({ period, statistic: 'Sum' }),
        itemsUndone: new Metric({
          namespace: METRICS_NAMESPACE,
          metricName: JOB_ITEMS_UNDONE,
          dimensionsMap: { service: METRICS_SERVICE, job: name },
          period,
          statistic: 'Sum',
        }),
      },
      period,
      label: `${name}: failed runs and items left undone`,
    });
    const alarms = [
      new Alarm(this, `${id}FailingAlarm`, {
        alarmDescription: `${name} has failed, or left items undone, in every ${period.toMinutes()}-minute window for ${window}: ${consequence}. See its log group's ERROR lines (README, "Deploy to AWS").`,
        metric: failures,
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: JOB_ALARM_WINDOWS,
        datapointsToAlarm: JOB_ALARM_WINDOWS,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      // No data is no invocation: Lambda reports Invocations only for windows with at least one.
      new Alarm(this, `${id}StoppedAlarm`, {
        alarmDescription: `${name} has not run for ${window}: ${consequence}. Check its EventBridge Scheduler schedule and its function (README, "Deploy to AWS").`,
        metric: job.function.metricInvocations({ period, statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: JOB_ALARM_WINDOWS,
        datapointsToAlarm: JOB_ALARM_WINDOWS,
        treatMissingData: TreatMissingData.BREACHING,
      }),
    ];
    for (const alarm of alarms) {
      alarm.addAlarmAction(new SnsAction(stateful.operationsTopic));
      alarm.addOkAction(new SnsAction(stateful.operationsTopic));
      (alarm.node.defaultChild as CfnAlarm).overrideLogicalId(alarm.node.id);
    }
  }

  private route(
    scope: Construct,
    route: RouteDefinition & { readonly handler: HandlerName },
    fn: HubFunction,
    authorizer: HttpJwtAuthorizer,
  ): HttpRoute {
    const integration = new HttpLambdaIntegration(`${pascal(route.handler)}Integration`, fn.function);
    const routeKey = route.routeKey === '$default' ? HttpRouteKey.DEFAULT : parseRouteKey(route.routeKey);
    return new HttpRoute(scope, `Route${pascal(route.handler)}`, {
      httpApi: this.api,
      routeKey,
      integration,
      ...(route.authorized ? { authorizer } : {}),
    });
  }
}

function parseRouteKey(routeKey: string): HttpRouteKey {
  const [method, path] = routeKey.split(' ');
  if (method === undefined || path === undefined || !(method in HttpMethod)) throw new Error(`Bad route key ${routeKey}`);
  return HttpRouteKey.with(path, HttpMethod[method as keyof typeof HttpMethod]);
}

function pascal(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
