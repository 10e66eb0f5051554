/**
 * The console function as the stack deploys it and as its Lambda environment reads it: the variables
 * infra/console.ts sets are the ones functions/shared/lambda-environment.ts parses, the sign-in client comes
 * from CDK context (or falls back to the API's issuer and audience), and a confidential client's secret is
 * named by its ARN, readable by the console's role alone, and fetched from Secrets Manager at cold start.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_ABSOLUTE_HOURS, DEFAULT_IDLE_MINUTES } from '../../functions/console/app.js';
import { consoleEnvironment, DEFAULT_CONSOLE_SCOPE, fetchConsoleClientSecret } from '../../functions/shared/lambda-environment.js';
import { createHubApp } from '../../infra/app.js';
import type { FunctionName } from '../../infra/permissions.js';
import { AUDIENCE, ISSUER, type SynthesizedHub, synthesizeHub } from './support.js';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:mset-hub/console-client-secret-AbC123';
const CONTEXT = {
  consoleIssuer: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0',
  consoleClientId: 'console-client',
  consoleClientSecretArn: SECRET_ARN,
  consoleScope: 'profile email',
};

let plain: SynthesizedHub;
let confidential: SynthesizedHub;

beforeAll(() => {
  plain = synthesizeHub();
  confidential = synthesizeHub({ context: CONTEXT });
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

function functionResource(hub: SynthesizedHub, name: FunctionName) {
  const fn = hub.stateless.functions.get(name)!;
  return hub.resources(hub.statelessTemplate, 'AWS::Lambda::Function')[hub.stateless.getLogicalId(fn.function.node.defaultChild as any)]!;
}

function variablesOf(hub: SynthesizedHub, name: FunctionName): Record<string, string> {
  return hub.render(functionResource(hub, name).Properties['Environment'].Variables) as Record<string, string>;
}

function statementsOf(hub: SynthesizedHub, name: FunctionName): any[] {
  const fn = hub.stateless.functions.get(name)!;
  const policy = hub.resources(hub.statelessTemplate, 'AWS::IAM::ManagedPolicy')[
    hub.stateless.getLogicalId(fn.policy.node.defaultChild as any)
  ]!;
  return hub.render(policy.Properties['PolicyDocument'].Statement) as any[];
}

describe('the console function in the stack', () => {
  it("signs in with the API's issuer and audience, as a public client, when the context names no console client", () => {
    expect(variablesOf(plain, 'console')).toMatchObject({
      SESSIONS_TABLE: 'SessionsTable',
      CONSOLE_OIDC_ISSUER: ISSUER,
      CONSOLE_OIDC_CLIENT_ID: AUDIENCE,
    });
    expect(Object.keys(variablesOf(plain, 'console'))).not.toContain('CONSOLE_OIDC_SECRET_ARN');
    expect(JSON.stringify(statementsOf(plain, 'console'))).not.toContain('secretsmanager');
  });

  it('takes its client from context, and names the secret by ARN only', () => {
    const variables = variablesOf(confidential, 'console');
    expect(variables).toMatchObject({
      SESSIONS_TABLE: 'SessionsTable',
      CONSOLE_OIDC_ISSUER: CONTEXT.consoleIssuer,
      CONSOLE_OIDC_CLIENT_ID: CONTEXT.consoleClientId,
      CONSOLE_OIDC_SCOPE: CONTEXT.consoleScope,
      CONSOLE_OIDC_SECRET_ARN: SECRET_ARN,
    });
    expect(Object.keys(variables).filter((name) => /SECRET/.test(name))).toEqual(['CONSOLE_OIDC_SECRET_ARN']);
  });

  it("lets the console's role, and no other, read that one secret", () => {
    expect(statementsOf(confidential, 'console').find((statement) => statement.Sid === 'ConsoleClientSecret')).toEqual({
      Sid: 'ConsoleClientSecret',
      Effect: 'Allow',
      Action: 'secretsmanager:GetSecretValue',
      Resource: SECRET_ARN,
    });
    for (const name of confidential.stateless.functions.keys()) {
      if (name === 'console') continue;
      // The notification sender reads Notify's key, and only that (test/infra/permissions.test.ts).
      expect({ name, secrets: JSON.stringify(statementsOf(confidential, name)).includes(SECRET_ARN) }).toEqual({
        name,
        secrets: false,
      });
      expect(Object.keys(variablesOf(confidential, name)).filter((variable) => /^(CONSOLE_|SESSIONS_)/.test(variable))).toEqual([]);
    }
  });

  it.each([
    ['a secret name rather than its full ARN', { consoleClientSecretArn: 'mset-hub/console-client-secret' }, /full ARN/],
    ['a plain-HTTP issuer', { consoleIssuer: 'http://login.example.invalid/' }, /https/],
  ])('refuses %s', (_what, context, message) => {
    expect(() =>
      createHubApp({ checks: false, context: { 'aws:cdk:bundling-stacks': [], issuer: ISSUER, audience: AUDIENCE, ...context } }),
    ).toThrow(message);
  });
});

describe("the console's Lambda environment", () => {
  const ROOT = '/var/task';

  it('reads what the stack sets: files beside the bundle, the client, the default scope and time-outs', () => {
    const settings = consoleEnvironment({ ...variablesOf(plain, 'console'), LAMBDA_TASK_ROOT: ROOT }, undefined);
    expect(settings?.sessionsTable).toBe('SessionsTable');
    expect(settings?.settings.files).toEqual({ templates: '/var/task/console/templates.cjs', assets: '/var/task/console/assets' });
    expect(settings?.settings.identity()).toEqual({ issuer: ISSUER, clientId: AUDIENCE, scope: DEFAULT_CONSOLE_SCOPE });
    expect(DEFAULT_CONSOLE_SCOPE).toBe('profile');
    expect(settings?.settings.idleMinutes).toBe(DEFAULT_IDLE_MINUTES);
    expect(settings?.settings.absoluteHours).toBe(DEFAULT_ABSOLUTE_HOURS);
  });

  it('gives a confidential client its secret, and takes the scope from the stack', () => {
    const settings = consoleEnvironment({ ...variablesOf(confidential, 'console'), LAMBDA_TASK_ROOT: ROOT }, 'the secret');
    expect(settings?.settings.identity()).toEqual({
      issuer: CONTEXT.consoleIssuer,
      clientId: CONTEXT.consoleClientId,
      scope: CONTEXT.consoleScope,
      clientSecret: 'the secret',
    });
  });

  it('is absent from every other function, and a half-configured console fails loudly', () => {
    expect(consoleEnvironment({ ...variablesOf(plain, 'get-alert'), LAMBDA_TASK_ROOT: ROOT }, undefined)).toBeUndefined();
    expect(() => consoleEnvironment({ SESSIONS_TABLE: 'SessionsTable', LAMBDA_TASK_ROOT: ROOT }, undefined)).toThrow();
    expect(() =>
      consoleEnvironment(
        { ...variablesOf(plain, 'console'), LAMBDA_TASK_ROOT: ROOT, CONSOLE_OIDC_ISSUER: 'http://insecure.example/' },
        undefined,
      ),
    ).toThrow();
  });

  it("fetches the client secret from Secrets Manager, and names only the secret's ARN when it is unusable", async () => {
    const secrets = mockClient(SecretsManagerClient);
    try {
      secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: ' s3cret-value\n' });
      await expect(fetchConsoleClientSecret(SECRET_ARN, 'eu-west-2')).resolves.toBe('s3cret-value');
      secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretBinary: Buffer.from('binary-value') });
      const refused = await fetchConsoleClientSecret(SECRET_ARN, 'eu-west-2').then(
        () => new Error('fetched a binary secret'),
        (error: unknown) => error as Error,
      );
      expect(refused).toBeInstanceOf(TypeError);
      expect(refused.message).toContain(SECRET_ARN);
      expect(refused.message).not.toContain('binary-value');
    } finally {
      secrets.restore();
    }
  });

  it('fetches it at cold start, before the first invocation wires the console, so identity() stays synchronous', async () => {
    const secrets = mockClient(SecretsManagerClient);
    try {
      secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: 'cold-start-secret' });
      for (const [name, value] of Object.entries({
        ...variablesOf(confidential, 'console'),
        ALERTS_TABLE: 'alerts',
        AUDIT_TABLE: 'audit',
        IDEMPOTENCY_TABLE: 'idempotency',
        MEETINGS_TABLE: 'meetings',
        KMS_KEY_ID: 'key',
        AUDIT_QUEUE_URL: 'https://sqs.eu-west-2.amazonaws.com/000000000000/audit.fifo',
        NOTIFICATION_QUEUE_URL: 'https://sqs.eu-west-2.amazonaws.com/000000000000/notifications',
        LAMBDA_TASK_ROOT: ROOT,
      })) {
        vi.stubEnv(name, value);
      }
      vi.resetModules();
      const { lambdaEnvironment } = await import('../../functions/shared/lambda-environment.js');
      expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
      const { config } = lambdaEnvironment();
      expect(config.tables.sessions).toBe('SessionsTable');
      expect(config.console?.identity().clientSecret).toBe('cold-start-secret');
      expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    } finally {
      secrets.restore();
    }
  });
});
