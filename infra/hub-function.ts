/**
 * One of the hub's Lambda functions with everything it owns: its log group, its role and the one
 * customer-managed policy that says what the role may do. The function is handed the role "without policy
 * updates", so no CDK grant (an event source, a dead-letter queue, tracing) can widen it behind the
 * reader's back: every permission is a statement in ./permissions.ts or the log statement below.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type IManagedPolicy, ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type ICommandHooks, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { aliasArgsOf, ESM_REQUIRE_BANNER, externalPackagesOf } from '../scripts/bundle.js';
import { type FunctionName, type HubResources, statementsFor } from './permissions.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** A year: long enough for an incident or a subject access request to be traced, and no longer. */
export const LOG_RETENTION = RetentionDays.ONE_YEAR;

export type HubFunctionProps = {
  readonly name: FunctionName;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly reservedConcurrency: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly resources: HubResources;
  readonly storageKey: IKey;
  /** Attached to every function's role (X-Ray accepts no resource-level permissions). */
  readonly tracingPolicy: IManagedPolicy;
  /** Asynchronous invocations only: where Lambda puts an event after its retries. */
  readonly deadLetterQueue?: IQueue;
  readonly retryAttempts?: number;
  /** Files a function reads from disk, laid beside its bundle after esbuild (the console's: ./console.ts). */
  readonly commandHooks?: ICommandHooks;
};

export class HubFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;
  readonly policy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: HubFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: LOG_RETENTION,
      encryptionKey: props.storageKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `MSET hub function ${props.name}`,
    });
    this.policy = new ManagedPolicy(this, 'Policy', {
      description: `MSET hub function ${props.name}: exactly what it calls`,
      statements: [
        new PolicyStatement({
          sid: 'WriteOwnLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          // The log group's Arn attribute ends in ":*": its log streams.
          resources: [this.logGroup.logGroupArn],
        }),
        ...statementsFor(this, props.name, props.resources),
      ],
      roles: [this.role],
    });
    this.role.addManagedPolicy(props.tracingPolicy);

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(ROOT, 'functions', 'handlers', `${props.name}.ts`),
      handler: 'handler',
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: { ...props.environment },
      role: this.role.withoutPolicyUpdates(),
      logGroup: this.logGroup,
      // Lambda's own segments only (no SDK instrumentation): timings and service names, no payloads.
      tracing: Tracing.ACTIVE,
      ...(props.deadLetterQueue === undefined ? {} : { deadLetterQueue: props.deadLetterQueue }),
      ...(props.retryAttempts === undefined ? {} : { retryAttempts: props.retryAttempts }),
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
        // Bundle the AWS SDK too: the runtime's built-in SDK drifts from the version we test. Only the
        // console's Secrets Manager client stays out of the other bundles (scripts/bundle.ts).
        externalModules: externalPackagesOf(props.name),
        // The sender's Notify client gets a stub for the default transport it never uses, and its JWT library
        // the answers to its Node version checks without semver (scripts/bundle.ts).
        // NodejsFunction has no alias option; an empty list passes no flag.
        esbuildArgs: { '--alias': aliasArgsOf(props.name) },
        ...(props.commandHooks === undefined ? {} : { commandHooks: props.commandHooks }),
      },
    });
    // Lambda checks the role can write to a dead-letter queue (and an event source mapping that it can read
    // the queue) when the resource is created, so the policy must exist first.
    this.function.node.addDependency(this.policy);
  }
}
