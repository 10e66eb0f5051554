/**
 * What every handler module exports: `handler`, the Lambda entry point, wired to the AWS environment on its
 * first invocation; and `wire`, which builds the same handler for any other environment (the local hub
 * passes its own, with its twins plugged in). So one module serves Lambda and the local hub unchanged, and a
 * process may hold several hubs, each with its own adapters.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { JobFailedError } from './errors.js';
import { lambdaEnvironment } from './lambda-environment.js';
import { errorNames, lambdaContextLogging, logger } from './logger.js';
import { countJobRun } from './metrics.js';
import type { Getter, HubEnvironment } from './wiring.js';

// biome-ignore lint/suspicious/noExplicitAny: each worker's event type is its own (SQS, CloudWatch Logs, a schedule).
export type LambdaHandler = (event: any, context: Context) => Promise<unknown>;

export type Wired<H extends LambdaHandler> = { readonly handler: H; readonly wire: (env: HubEnvironment) => H };

export type HttpHandler = (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export type HttpFunction = Wired<HttpHandler>;
export type WorkerFunction = Wired<LambdaHandler>;

/** Binds `wire` to the Lambda environment lazily: importing a handler module builds no adapter. */
export function lambdaFunction<H extends LambdaHandler>(wire: (env: HubEnvironment) => H): Wired<H> {
  let built: H | undefined;
  const handler = ((event: unknown, context: Context) => {
    built ??= wire(lambdaEnvironment());
    return built(event, context);
  }) as H;
  return { handler, wire };
}

/** The adapters a function uses, by the names its use case's dependencies have. */
export type Needs = Readonly<Record<string, Getter<unknown>>>;
export type Resolved<N extends Needs> = { readonly [K in keyof N]: ReturnType<N[K]> };

export function resolveNeeds<N extends Needs>(needs: N, env: HubEnvironment): Resolved<N> {
  return Object.fromEntries(Object.entries(needs).map(([name, get]) => [name, get(env)])) as Resolved<N>;
}

/**
 * A function that is not an HTTP route (a queue consumer, a log subscriber): its logs carry the Lambda
 * context (cold start, request id, trace id) like every route's.
 */
export function worker<E, R>(run: (env: HubEnvironment) => (event: E, context: Context) => Promise<R>): WorkerFunction {
  return lambdaFunction<LambdaHandler>((env) => {
    const handle = run(env);
    const handler = middy<E, R, Error, Context>()
      .use(lambdaContextLogging())
      .handler((event: E, context: Context) => handle(event, context));
    return handler;
  });
}

/** What a scheduled job reports: counts only, logged at the end of each run. */
export type JobResult = Readonly<Record<string, number>>;

/**
 * A job run on a schedule (EventBridge Scheduler on AWS, a timer in the local hub). It gets the time from
 * the environment's clock, not from the event, so the local hub's clock and a test's drive it alike.
 *
 * `undone` reads from a run's result how many items it could not do (a step not taken, a correction not
 * recorded). A job carries on past each, so that one bad item stops nothing else, and the run succeeds: only
 * this count, logged and counted as the `JobItemsUndone` metric, lets an alarm see a job failing item by item.
 */
export function scheduledJob<N extends Needs, R extends JobResult>(
  name: string,
  needs: N,
  run: (input: { readonly deps: Resolved<N>; readonly now: Date }) => Promise<R>,
  undone: (result: R) => number,
): WorkerFunction {
  return worker((env) => {
    const deps = resolveNeeds(needs, env);
    return async () => {
      let result: R;
      try {
        result = await run({ deps, now: env.clock.now() });
      } catch (error) {
        const causes = errorNames(error);
        logger.error('job failed', { job: name, errors: causes });
        throw new JobFailedError(name, causes);
      }
      const left = undone(result);
      if (left > 0) logger.error('job left items undone', { job: name, undone: left, ...result });
      else logger.info('job finished', { job: name, ...result });
      countJobRun(name, left);
      return result;
    };
  });
}
