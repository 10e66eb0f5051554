/**
 * The notification sender's Lambda bundle, as the stack builds it (its own HubFunction construct, whose
 * NodejsFunction bundles with scripts/bundle.ts's options), sends an email end to end: imported in a fresh
 * Node process, wired through its exported `wire(env)` to dynalite and a fake GOV.UK Notify on 127.0.0.1,
 * and handed an SQS event as Lambda would hand it. That bundle holds a stub where the Notify client's
 * default transport (axios) was (scripts/bundle.ts, NOTIFY_DEFAULT_TRANSPORT_UNUSED), which fails any send:
 * an email that arrives proves the adapter gave the client its own transport before it sent.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { ManagedPolicy } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NotificationIntent, TEMPLATE_NAMES, type TemplateName } from '../../contracts/notifications.js';
import { HubFunction } from '../../infra/hub-function.js';
import { ensureTables, LOCAL_TABLE_NAMES, type LocalDynamo, localDynamoClient, startDynalite } from '../../local/dynamodb.js';
import { runNode } from '../../scripts/node-process.js';
import { FAKE_API_KEY, type FakeNotify, startFakeNotify } from '../support/fake-notify.js';

const TEMPLATE_IDS = Object.fromEntries(
  TEMPLATE_NAMES.map((name, i) => [name, `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`]),
) as Record<TemplateName, string>;
const ARN = 'arn:aws:dynamodb:eu-west-2:000000000000:table/x';

let workDir: string;
let bundle: string;
let dynamo: LocalDynamo;
let notify: FakeNotify;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'mset-hub-sender-bundle-'));
  // The stack's construct for the function, alone in a stack: bundling it is what `cdk synth` does for the sender.
  const app = new App({ outdir: join(workDir, 'cdk.out') });
  const stack = new Stack(app, 'SenderBundle', { env: { account: '000000000000', region: 'eu-west-2' } });
  new HubFunction(stack, 'NotificationSender', {
    name: 'notification-sender',
    timeout: Duration.seconds(30),
    memorySize: 1024,
    reservedConcurrency: 1,
    environment: {},
    resources: {
      alertsTableArn: ARN,
      auditTableArn: ARN,
      idempotencyTableArn: ARN,
      meetingsTableArn: ARN,
      sessionsTableArn: ARN,
      notificationsTableArn: ARN,
      auditQueueArn: 'arn:aws:sqs:eu-west-2:000000000000:audit.fifo',
      refusalsDeadLetterQueueArn: 'arn:aws:sqs:eu-west-2:000000000000:refusals',
      notificationQueueArn: 'arn:aws:sqs:eu-west-2:000000000000:notifications',
      notifyApiKeySecretArn: 'arn:aws:secretsmanager:eu-west-2:000000000000:secret:notify-AbCdEf',
      storageKeyArn: 'arn:aws:kms:eu-west-2:000000000000:key/00000000-0000-4000-8000-000000000001',
      contentKeyArn: 'arn:aws:kms:eu-west-2:000000000000:key/00000000-0000-4000-8000-000000000002',
    },
    storageKey: Key.fromKeyArn(stack, 'StorageKey', 'arn:aws:kms:eu-west-2:000000000000:key/00000000-0000-4000-8000-000000000001'),
    tracingPolicy: ManagedPolicy.fromAwsManagedPolicyName('AWSXRayDaemonWriteAccess'),
  });
  const assets = (await readdir(join(workDir, 'cdk.out'))).filter((name) => name.startsWith('asset.'));
  if (assets.length !== 1) throw new Error(`Expected the one function's asset, found ${assets.join(', ') || 'none'}`);
  bundle = join(workDir, 'cdk.out', assets[0] as string, 'index.mjs');

  dynamo = await startDynalite(join(workDir, 'dynamo'));
  const raw = localDynamoClient(dynamo.endpoint);
  await ensureTables(raw, LOCAL_TABLE_NAMES);
  raw.destroy();
  notify = await startFakeNotify();
}, 180_000);

afterAll(async () => {
  await notify?.close();
  await dynamo?.close();
  await rm(workDir, { recursive: true, force: true });
});

/** A notice (no `onlyWhile`), so the sender reads no alert before it sends: the send is what is under test. */
function intent(to: string): NotificationIntent {
  const alertId = randomUUID();
  return {
    intentId: randomUUID(),
    template: 'ALERT_SHARED',
    to,
    recipient: 'MSET_MAILBOX',
    recipientArea: 'north-tyneside',
    subject: { type: 'share', alertId, area: 'north-tyneside' },
    personalisation: { from_area: 'Northumberland', to_area: 'North Tyneside', risk_level: 'SIGNIFICANT', reference: 'A-1B2C3D4E' },
    path: `/alerts/${alertId}`,
    recordedAt: new Date().toISOString(),
  };
}

const RESULT = 'SENDER-RESULT ';

/**
 * Imports the bundle in a fresh process, wires it to dynalite (the SDK's endpoint variable: the bundle's own
 * DynamoDB client) and the fake Notify, and delivers the intents as one SQS batch; the handler's answer.
 */
async function deliverInFreshProcess(intents: readonly NotificationIntent[]): Promise<{ batchItemFailures: unknown[] }> {
  const script = `
    const { wire } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
    const settings = JSON.parse(process.env.SENDER_SETTINGS);
    const handler = wire({
      config: {
        region: 'eu-west-2',
        tables: settings.tables,
        notificationQueueUrl: 'https://sqs.eu-west-2.amazonaws.com/000000000000/notifications',
        notify: { templateIds: settings.templateIds, apiKey: async () => settings.apiKey, apiUrl: settings.notifyUrl },
        consoleUrl: () => 'https://console.mset-hub.example.gov.uk',
      },
      clock: { now: () => new Date() },
      ids: { newId: () => crypto.randomUUID() },
    });
    const event = {
      Records: settings.bodies.map((body, n) => ({
        messageId: 'message-' + n,
        receiptHandle: 'receipt-' + n,
        body,
        attributes: { ApproximateReceiveCount: '1' },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:eu-west-2:000000000000:notifications',
        awsRegion: 'eu-west-2',
      })),
    };
    const context = { functionName: 'notification-sender', awsRequestId: 'request-1', getRemainingTimeInMillis: () => 30000 };
    const result = await handler(event, context);
    process.stdout.write('\\n${RESULT}' + JSON.stringify(result) + '\\n');
    process.exit(0);
  `;
  const settings = {
    tables: LOCAL_TABLE_NAMES,
    templateIds: TEMPLATE_IDS,
    apiKey: FAKE_API_KEY,
    notifyUrl: notify.url,
    bodies: intents.map((one) => JSON.stringify(one)),
  };
  const { code, stdout, stderr } = await runNode(['--input-type=module', '-e', script], {
    env: {
      SENDER_SETTINGS: JSON.stringify(settings),
      AWS_REGION: 'eu-west-2',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      // Nothing else reaches AWS (a retry's SQS call, were a send to fail): a port nothing listens on.
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  });
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(RESULT));
  if (code !== 0 || line === undefined) throw new Error(`The sender bundle failed (exit ${code}): ${stderr.slice(0, 2000)}`);
  return JSON.parse(line.slice(RESULT.length));
}

describe('the notification sender’s Lambda bundle', () => {
  it('holds the stub for the Notify client’s default transport, and no axios; the stand-in for semver, and no semver', async () => {
    // Act
    const code = await readFile(bundle, 'utf8');

    // Assess: the stub's message, and none of axios's own names
    expect(code).toContain('call setClient before any request');
    expect(code).not.toMatch(/AxiosError|AxiosHeaders|axios\/\d/);
    // And, by the second alias CDK passes, the stand-in for semver: its refusal, and not semver's own grammar.
    expect(code).toContain('semver is left out of this bundle');
    expect(code).not.toContain('SEMVER_SPEC_VERSION');
  });

  it('sends an email through the fake Notify, once however often it is delivered', async () => {
    // Prepare
    const one = intent('sender-bundle@north-tyneside.example.gov.uk');

    // Act: delivered, then delivered again by another cold start (SQS delivers at least once)
    const first = await deliverInFreshProcess([one]);
    const again = await deliverInFreshProcess([one]);

    // Assess
    expect(first.batchItemFailures).toEqual([]);
    expect(again.batchItemFailures).toEqual([]);
    const sent = notify.sent.filter((email) => email.to === 'sender-bundle@north-tyneside.example.gov.uk');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ templateId: TEMPLATE_IDS.ALERT_SHARED, reference: one.intentId });
    expect(sent[0]?.personalisation['link']).toBe(`https://console.mset-hub.example.gov.uk${one.path}`);
  });
});
