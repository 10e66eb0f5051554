/**
 * The CDK app: `npx cdk synth` (cdk.json runs this file). Two stacks, so the data outlives the code:
 * StatefulStack (keys, tables, queues, alarms) and StatelessStack (HTTP API, functions).
 *
 *   npx cdk synth -c issuer=https://login.microsoftonline.com/<tenant>/v2.0 -c audience=<client id>
 *
 * cdk.json holds placeholder values so a synth works on a fresh clone. The console's sign-in takes optional
 * context too (consoleIssuer, consoleClientId, consoleClientSecretArn, consoleScope: ./console.ts); without
 * it the console uses the API's issuer and audience as a public client.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type AppProps } from 'aws-cdk-lib';
import { addHubChecks } from './checks.js';
import { consoleIdentityFromContext } from './console.js';
import { notifySettingsFromContext } from './notify.js';
import { StatefulStack } from './stateful-stack.js';
import { StatelessStack } from './stateless-stack.js';

export type HubApp = { readonly app: App; readonly stateful: StatefulStack; readonly stateless: StatelessStack };

/**
 * Feature flags the app depends on, in code so the CLI's synth and the tests' in-process synth agree
 * (context from cdk.json or -c still overrides them).
 */
const DEFAULT_CONTEXT: Readonly<Record<string, unknown>> = {
  // Classic CloudFormation exports: the stateful stack cannot be deleted while the API still uses it.
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
};

export type HubAppOptions = AppProps & {
  /**
   * Run cdk-nag (AWS Solutions, Serverless, NIST 800-53 R5) as validation plugins on synth: on by default,
   * so `npx cdk synth` reports every unacknowledged finding and fails. Tests that only read templates turn
   * it off and run the packs themselves with validateScope (test/infra/checks.test.ts).
   */
  readonly checks?: boolean;
};

export function createHubApp(options: HubAppOptions = {}): HubApp {
  const { checks = true, ...props } = options;
  const app = new App({ ...props, context: { ...DEFAULT_CONTEXT, ...props.context } });
  if (checks) addHubChecks(app);
  const issuer = requiredContext(app, 'issuer');
  const audience = requiredContext(app, 'audience');
  const description = 'MSET Cross-Boundary Hub';
  const stateful = new StatefulStack(app, 'MsetHubStateful', { description: `${description}: data (keys, tables, queues)` });
  // The stateless stack references the stateful one's resources, which orders their deployment.
  const stateless = new StatelessStack(app, 'MsetHubStateless', {
    description: `${description}: API and functions`,
    stateful,
    issuer,
    audience,
    console: consoleIdentityFromContext(app, { issuer, audience }),
    notify: notifySettingsFromContext(app),
  });
  return { app, stateful, stateless };
}

function requiredContext(app: App, name: string): string {
  const value: unknown = app.node.tryGetContext(name);
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`CDK context "${name}" is required: -c ${name}=...`);
  }
  return value;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  createHubApp().app.synth();
}
