/**
 * The stateless half: the HTTP API and one function per route (functions/routes.ts, the table the local
 * hub's gateway reads too), plus the audit queue's consumer. Everything here can be destroyed and
 * redeployed without losing data.
 *
 * First cut (issue 2); issue 3 hardens it (least-privilege KMS conditions, log groups, throttling,
 * Powertools metrics, cdk-nag).
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpRoute, HttpRouteKey } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { ROUTES, type RouteDefinition } from '../functions/routes.js';
import { ESM_REQUIRE_BANNER } from '../scripts/bundle.js';
import { AUDIT_CONSUMER_TIMEOUT, type StatefulStack } from './stateful-stack.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export type StatelessStackProps = StackProps & {
  readonly stateful: StatefulStack;
  /** The OIDC issuer the JWT authorizer trusts (Entra ID, Cognito, ...): CDK context `issuer`. */
  readonly issuer: string;
  /** The audience (client id) tokens must carry: CDK context `audience`. */
  readonly audience: string;
};

/** What each function may touch, beyond what every function gets (nothing). */
type Access = {
  readonly alerts?: 'read' | 'write';
  readonly audit?: 'read' | 'write';
  readonly idempotency?: boolean;
  /** Seals or opens child content with data keys. */
  readonly content?: boolean;
  /** Sends audit events (every function behind the authorizer). */
  readonly auditEvents?: boolean;
};

const ACCESS: Readonly<Record<string, Access>> = {
  health: {},
  'not-found': {},
  'list-areas': { auditEvents: true },
  'create-alert': { alerts: 'write', idempotency: true, content: true, auditEvents: true },
  'list-alerts': { alerts: 'read', auditEvents: true },
  'get-alert': { alerts: 'read', content: true, auditEvents: true },
  'acknowledge-alert': { alerts: 'write', idempotency: true, content: true, auditEvents: true },
  'get-alert-audit': { alerts: 'read', audit: 'read', auditEvents: true },
  'audit-consumer': { audit: 'write' },
};

export class StatelessStack extends Stack {
  readonly api: HttpApi;
  readonly functions: ReadonlyMap<string, NodejsFunction>;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { stateful } = props;

    this.api = new HttpApi(this, 'HttpApi', {
      apiName: 'mset-hub',
      description: 'MSET Cross-Boundary Hub',
      createDefaultStage: true,
    });
    const authorizer = new HttpJwtAuthorizer('JwtAuthorizer', props.issuer, {
      jwtAudience: [props.audience],
      identitySource: ['$request.header.Authorization'],
    });

    const environment: Record<string, string> = {
      ALERTS_TABLE: stateful.alertsTable.tableName,
      AUDIT_TABLE: stateful.auditTable.tableName,
      IDEMPOTENCY_TABLE: stateful.idempotencyTable.tableName,
      KEY_SERVICE: 'kms',
      KMS_KEY_ID: stateful.key.keyArn,
      AUDIT_QUEUE: 'sqs',
      AUDIT_QUEUE_URL: stateful.auditQueue.queueUrl,
      POWERTOOLS_SERVICE_NAME: 'mset-hub',
      NODE_OPTIONS: '--enable-source-maps',
    };

    const functions = new Map<string, NodejsFunction>();
    for (const route of ROUTES) {
      const fn = functions.get(route.handler) ?? this.function(route.handler, environment, Duration.seconds(10));
      functions.set(route.handler, fn);
      this.route(route, fn, authorizer);
    }

    const consumer = this.function('audit-consumer', environment, AUDIT_CONSUMER_TIMEOUT);
    consumer.addEventSource(
      new SqsEventSource(stateful.auditQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );
    functions.set('audit-consumer', consumer);
    this.functions = functions;

    for (const [name, fn] of functions) this.grant(name, fn, stateful);

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
  }

  private function(name: string, environment: Record<string, string>, timeout: Duration): NodejsFunction {
    const props: NodejsFunctionProps = {
      entry: join(ROOT, 'functions', 'handlers', `${name}.ts`),
      handler: 'handler',
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout,
      environment,
      bundling: {
        // Local esbuild (a devDependency), never Docker.
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node24',
        platform: 'node',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        // Bundle the AWS SDK too: the runtime's built-in SDK drifts from the version we test.
        externalModules: [],
      },
    };
    return new NodejsFunction(this, `${pascal(name)}Function`, props);
  }

  private route(route: RouteDefinition, fn: NodejsFunction, authorizer: HttpJwtAuthorizer): void {
    const integration = new HttpLambdaIntegration(`${pascal(route.handler)}Integration`, fn);
    const routeKey = route.routeKey === '$default' ? HttpRouteKey.DEFAULT : parseRouteKey(route.routeKey);
    new HttpRoute(this, `Route${pascal(route.handler)}`, {
      httpApi: this.api,
      routeKey,
      integration,
      ...(route.authorized ? { authorizer } : {}),
    });
  }

  private grant(name: string, fn: NodejsFunction, stateful: StatefulStack): void {
    const access = ACCESS[name];
    if (access === undefined) throw new Error(`No access declared for function ${name}`);
    if (access.alerts === 'read') stateful.alertsTable.grantReadData(fn);
    if (access.alerts === 'write') stateful.alertsTable.grantReadWriteData(fn);
    if (access.audit === 'read') stateful.auditTable.grantReadData(fn);
    if (access.audit === 'write') stateful.auditTable.grantWriteData(fn);
    if (access.idempotency === true) stateful.idempotencyTable.grantReadWriteData(fn);
    if (access.content === true) stateful.key.grant(fn, 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey');
    if (access.auditEvents === true) stateful.auditQueue.grantSendMessages(fn);
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
