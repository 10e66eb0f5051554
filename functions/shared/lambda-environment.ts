/**
 * The environment of a Lambda function: the configuration the CDK stack sets, the system clock and random
 * ids, and no adapter overrides, so only AWS adapters are built. Read from process.env once per container,
 * on the first invocation. Apart from the composition root so that a function that needs no adapter (the
 * public routes) loads none of it.
 *
 * The console function gets more (infra/console.ts sets it): its sessions table, its OpenID Connect client
 * and the folders the stack lays beside its bundle. Every other function has none of those variables and
 * gets no `config.console`; a console variable set without the others is a mistake and fails loudly.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { TEMPLATE_NAMES, TemplateName } from '../../contracts/notifications.js';
import { schema } from '../../contracts/schema.js';
import { awsClientConfig } from '../adapters/aws-client-config.js';
import { readSecretString } from '../adapters/secrets.js';
import type { Clock, IdGenerator } from '../core/ports.js';
import type { HubConfig, HubEnvironment } from './wiring.js';

export const systemClock: Clock = { now: () => new Date() };
export const randomIds: IdGenerator = { newId: () => randomUUID() };

/**
 * What the console asks the identity provider for beyond `openid`: `profile` gives `name`, and is what
 * Cognito needs to put readable custom attributes in the ID token; Entra ID puts app roles and mapped
 * claims in it either way.
 */
export const DEFAULT_CONSOLE_SCOPE = 'profile';
/** As DEFAULT_IDLE_MINUTES and DEFAULT_ABSOLUTE_HOURS in functions/console/app.ts (not imported: that module brings the whole console). */
export const DEFAULT_CONSOLE_IDLE_MINUTES = 30;
export const DEFAULT_CONSOLE_ABSOLUTE_HOURS = 8;

/** The variables that make a function the console; any one of them present requires the rest. */
const CONSOLE_VARIABLES = ['SESSIONS_TABLE', 'CONSOLE_OIDC_ISSUER', 'CONSOLE_OIDC_CLIENT_ID'] as const;

const ConsoleVariables = /* @__PURE__ */ schema(() =>
  z.object({
    SESSIONS_TABLE: z.string().check(z.minLength(1)),
    CONSOLE_OIDC_ISSUER: z.url({ protocol: /^https$/ }),
    CONSOLE_OIDC_CLIENT_ID: z.string().check(z.minLength(1)),
    CONSOLE_OIDC_SCOPE: z._default(z.string().check(z.trim(), z.minLength(1)), DEFAULT_CONSOLE_SCOPE),
    CONSOLE_IDLE_MINUTES: z._default(z.coerce.number().check(z.int(), z.positive()), DEFAULT_CONSOLE_IDLE_MINUTES),
    CONSOLE_ABSOLUTE_HOURS: z._default(z.coerce.number().check(z.int(), z.positive()), DEFAULT_CONSOLE_ABSOLUTE_HOURS),
    /** Where Lambda unpacked the function: the bundle, and the stack's `console/` folder beside it. */
    LAMBDA_TASK_ROOT: z.string().check(z.minLength(1)),
  }),
);

/**
 * A confidential client's secret, from Secrets Manager (never an environment variable, never logged):
 * fetched once, at cold start, by the top-level await below, so that `identity()` can stay synchronous.
 * Only the console's bundle carries the Secrets Manager client: every other function's bundle leaves these
 * two packages out (scripts/bundle.ts, CONSOLE_ONLY_PACKAGES), and none of them has the variable.
 */
export async function fetchConsoleClientSecret(secretArn: string, region: string | undefined): Promise<string> {
  const { SecretsProvider } = await import('@aws-lambda-powertools/parameters/secrets');
  const value = await new SecretsProvider({ clientConfig: awsClientConfig(region) }).get(secretArn);
  const secret = typeof value === 'string' ? value.trim() : '';
  // The message names the secret, never anything of its value.
  if (secret === '') throw new TypeError(`The console's client secret (${secretArn}) has no string value`);
  return secret;
}

/**
 * The notification sender's settings (infra/stateless-stack.ts sets them on that function alone): Notify's
 * template ids, and the ARN of its API key's secret, read on the first message, never at import.
 */
const NotifyVariables = /* @__PURE__ */ schema(() =>
  z.object({
    NOTIFY_TEMPLATE_IDS: z.pipe(
      z.string(),
      z.transform((value, ctx) => {
        const parsed = z.record(TemplateName, z.uuid()).safeParse(JSON.parse(value));
        if (!parsed.success || TEMPLATE_NAMES.some((name) => parsed.data[name] === undefined)) {
          ctx.issues.push({
            code: 'custom',
            input: value,
            message: 'NOTIFY_TEMPLATE_IDS must map every template name to a Notify template id',
          });
          return z.NEVER;
        }
        return parsed.data as Record<TemplateName, string>;
      }),
    ),
    NOTIFY_API_KEY_SECRET_ARN: z.string().check(z.minLength(1)),
    NOTIFY_API_URL: z.optional(z.url({ protocol: /^https$/ })),
    NOTIFY_LINK_BASE_URL: z.url(),
  }),
);

export function notifyEnvironment(env: NodeJS.ProcessEnv): Pick<HubConfig, 'notify' | 'consoleUrl'> | undefined {
  if (env['NOTIFY_TEMPLATE_IDS'] === undefined && env['NOTIFY_API_KEY_SECRET_ARN'] === undefined) return undefined;
  const vars = NotifyVariables.parse(env);
  return {
    notify: {
      templateIds: vars.NOTIFY_TEMPLATE_IDS,
      apiKey: () => readSecretString(vars.NOTIFY_API_KEY_SECRET_ARN, 'The Notify API key'),
      ...(vars.NOTIFY_API_URL === undefined ? {} : { apiUrl: vars.NOTIFY_API_URL }),
    },
    consoleUrl: () => vars.NOTIFY_LINK_BASE_URL,
  };
}

const consoleSecretArn = process.env['CONSOLE_OIDC_SECRET_ARN'];
const consoleClientSecret: string | undefined =
  consoleSecretArn === undefined || consoleSecretArn === ''
    ? undefined
    : // A secret is read in its own region, which its ARN names.
      await fetchConsoleClientSecret(consoleSecretArn, consoleSecretArn.split(':')[3] || process.env['AWS_REGION']);

export type ConsoleEnvironment = { readonly settings: NonNullable<HubConfig['console']>; readonly sessionsTable: string };

/** The console's settings and sessions table from its variables, or undefined for every other function. */
export function consoleEnvironment(env: NodeJS.ProcessEnv, clientSecret: string | undefined): ConsoleEnvironment | undefined {
  if (!CONSOLE_VARIABLES.some((name) => env[name] !== undefined)) return undefined;
  const vars = ConsoleVariables.parse(env);
  const root = join(vars.LAMBDA_TASK_ROOT, 'console');
  const identity = {
    issuer: vars.CONSOLE_OIDC_ISSUER,
    clientId: vars.CONSOLE_OIDC_CLIENT_ID,
    scope: vars.CONSOLE_OIDC_SCOPE,
    ...(clientSecret === undefined ? {} : { clientSecret }),
  };
  return {
    settings: {
      files: { templates: join(root, 'templates.cjs'), assets: join(root, 'assets') },
      identity: () => identity,
      idleMinutes: vars.CONSOLE_IDLE_MINUTES,
      absoluteHours: vars.CONSOLE_ABSOLUTE_HOURS,
    },
    sessionsTable: vars.SESSIONS_TABLE,
  };
}

let lambda: HubEnvironment | undefined;

export function lambdaEnvironment(): HubEnvironment {
  if (lambda === undefined) {
    const env = z
      .object({
        ALERTS_TABLE: z.string().check(z.minLength(1)),
        AUDIT_TABLE: z.string().check(z.minLength(1)),
        IDEMPOTENCY_TABLE: z.string().check(z.minLength(1)),
        MEETINGS_TABLE: z.string().check(z.minLength(1)),
        AWS_REGION: z._default(z.string().check(z.minLength(1)), 'eu-west-2'),
        KMS_KEY_ID: z.string().check(z.minLength(1)),
        AUDIT_QUEUE_URL: z.url(),
        // Only the functions that take ladder steps or send their messages have these.
        NOTIFICATION_QUEUE_URL: z.optional(z.url()),
        NOTIFICATIONS_TABLE: z.optional(z.string().check(z.minLength(1))),
      })
      .parse(process.env);
    const consoleEnv = consoleEnvironment(process.env, consoleClientSecret);
    const notifyEnv = notifyEnvironment(process.env);
    lambda = {
      config: {
        region: env.AWS_REGION,
        tables: {
          alerts: env.ALERTS_TABLE,
          audit: env.AUDIT_TABLE,
          idempotency: env.IDEMPOTENCY_TABLE,
          meetings: env.MEETINGS_TABLE,
          ...(consoleEnv === undefined ? {} : { sessions: consoleEnv.sessionsTable }),
          ...(env.NOTIFICATIONS_TABLE === undefined ? {} : { notifications: env.NOTIFICATIONS_TABLE }),
        },
        contentKeyId: env.KMS_KEY_ID,
        auditQueueUrl: env.AUDIT_QUEUE_URL,
        ...(env.NOTIFICATION_QUEUE_URL === undefined ? {} : { notificationQueueUrl: env.NOTIFICATION_QUEUE_URL }),
        ...(notifyEnv ?? {}),
        ...(consoleEnv === undefined ? {} : { console: consoleEnv.settings }),
      },
      clock: systemClock,
      ids: randomIds,
    };
  }
  return lambda;
}
