/**
 * What the console function gets beyond every other function: its OpenID Connect client (from CDK context),
 * the variables functions/shared/lambda-environment.ts reads, and the files laid beside its bundle
 * (scripts/bundle.ts --console, run from NodejsFunction's afterBundling hook with the Node that runs this app).
 *
 *   npx cdk deploy --all -c issuer=... -c audience=... \
 *     -c consoleIssuer=... -c consoleClientId=... [-c consoleClientSecretArn=...] [-c consoleScope=...]
 *
 * Without consoleIssuer and consoleClientId the console signs in against the API's own issuer and audience
 * (one app registration for both, which Entra ID and Cognito allow); without a secret it is a public
 * client, with PKCE alone.
 */
import type { ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';

/** The console's OpenID Connect client, as the CDK context gives it. */
export type ConsoleIdentity = {
  readonly issuer: string;
  readonly clientId: string;
  /** Scopes beyond `openid`; lambda-environment.ts's default (`profile`) when absent. */
  readonly scope?: string;
  /** A confidential client's secret in Secrets Manager: the full ARN, with its six-character suffix. */
  readonly clientSecretArn?: string;
};

/** A secret's full ARN: IAM matches the suffixed ARN, so a name or partial ARN would grant nothing. */
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/;

function optionalContext(scope: Construct, name: string): string | undefined {
  const value: unknown = scope.node.tryGetContext(name);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`CDK context "${name}" must be a string`);
  return value.trim();
}

/** The console's client from CDK context, falling back to the API's issuer and audience. */
export function consoleIdentityFromContext(scope: Construct, api: { readonly issuer: string; readonly audience: string }): ConsoleIdentity {
  const issuer = optionalContext(scope, 'consoleIssuer') ?? api.issuer;
  const clientId = optionalContext(scope, 'consoleClientId') ?? api.audience;
  const scopes = optionalContext(scope, 'consoleScope');
  const clientSecretArn = optionalContext(scope, 'consoleClientSecretArn');
  if (!/^https:\/\/[^\s/]+/.test(issuer)) throw new Error(`CDK context "consoleIssuer" must be an https:// URL, not ${issuer}`);
  if (clientSecretArn !== undefined && !SECRET_ARN.test(clientSecretArn)) {
    throw new Error(
      'CDK context "consoleClientSecretArn" must be the full ARN of a Secrets Manager secret, ending in the six random characters Secrets Manager adds',
    );
  }
  return {
    issuer,
    clientId,
    ...(scopes === undefined ? {} : { scope: scopes }),
    ...(clientSecretArn === undefined ? {} : { clientSecretArn }),
  };
}

/** The variables the console reads (functions/shared/lambda-environment.ts); the secret's ARN, never the secret. */
export function consoleEnvironment(sessionsTableName: string, identity: ConsoleIdentity): Record<string, string> {
  return {
    SESSIONS_TABLE: sessionsTableName,
    CONSOLE_OIDC_ISSUER: identity.issuer,
    CONSOLE_OIDC_CLIENT_ID: identity.clientId,
    ...(identity.scope === undefined ? {} : { CONSOLE_OIDC_SCOPE: identity.scope }),
    ...(identity.clientSecretArn === undefined ? {} : { CONSOLE_OIDC_SECRET_ARN: identity.clientSecretArn }),
  };
}

/** POSIX single quotes: bundling runs each hook command with `bash -c`. */
function quoted(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/**
 * After esbuild has written `index.mjs`, replaces it with the console's split build (`index.mjs` and the
 * chunks that only some pages load, scripts/bundle.ts buildConsoleFunction) and lays `console/{templates.cjs,
 * assets}` beside it. Runs in the project root (NodejsFunction's local bundling runs hooks there) with the
 * Node that runs the CDK app: the pinned Node 24 under `npx cdk`.
 */
export function consoleCommandHooks(): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir, outputDir) => [`${quoted(process.execPath)} --import tsx scripts/bundle.ts --console ${quoted(outputDir)}`],
  };
}
