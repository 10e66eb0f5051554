/**
 * The production wiring (SQS audit trail, KMS key service, DynamoDB without a local endpoint) with every
 * AWS client mocked: each dependency's failure must end as a 503 problem with Retry-After, never a 500,
 * and a create is put on record before it is written: a refused record writes nothing, a failed write is
 * corrected on the record with FAILED.
 */
import { randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient, KMSServiceException } from '@aws-sdk/client-kms';
import { RequestThrottled, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DeleteCommand,
  type DeleteCommandInput,
  DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../contracts/audit.js';
import { apiEvent, claimsFor, lambdaContext } from '../../support/apigw.js';
import { throttled } from '../../support/aws-errors.js';
import { sampleAlert } from '../../support/hub.js';
import { useDeployedEnv } from '../../support/lambda-env.js';

// ---- the environment of a deployed function, set before any handler module reads it ----
const restoreEnv = useDeployedEnv();

// ---- the three clients, mocked before the handlers (and their clients) exist ----
const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const kms = mockClient(KMSClient);

type Item = Record<string, unknown>;
type Handler = (event: unknown, context: Context) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;

/** A DynamoDB table in memory, answering the commands the alert store sends. */
const table = new Map<string, Item>();
const itemKey = (key: Item) => `${String(key['pk'])}|${String(key['sk'])}`;

/** KMS in memory: a wrapped key is a random handle; Decrypt checks the encryption context, as KMS does. */
const dataKeys = new Map<string, { plaintext: Uint8Array; context: string }>();

function installFakes(): void {
  ddb.reset();
  sqs.reset();
  kms.reset();
  ddb.on(PutCommand).callsFake((input: PutCommandInput) => {
    const item = input.Item as Item;
    table.set(itemKey(item), structuredClone(item));
    return {};
  });
  ddb.on(BatchWriteCommand).callsFake((input: BatchWriteCommandInput) => {
    for (const request of Object.values(input.RequestItems ?? {}).flat()) {
      if (request.PutRequest?.Item) table.set(itemKey(request.PutRequest.Item), structuredClone(request.PutRequest.Item));
      if (request.DeleteRequest?.Key) table.delete(itemKey(request.DeleteRequest.Key));
    }
    return {};
  });
  ddb.on(DeleteCommand).callsFake((input: DeleteCommandInput) => {
    table.delete(itemKey(input.Key as Item));
    return {};
  });
  ddb.on(GetCommand).callsFake((input: GetCommandInput) => {
    const item = table.get(itemKey(input.Key as Item));
    return item === undefined ? {} : { Item: structuredClone(item) };
  });
  // Only the alert store's read of an alert's partition: every item under one pk.
  ddb.on(QueryCommand).callsFake((input: QueryCommandInput) => {
    const pk = input.ExpressionAttributeValues?.[':pk'];
    return { Items: [...table.values()].filter((item) => item['pk'] === pk).map((item) => structuredClone(item)) };
  });
  ddb.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => {
    const [name, request] = Object.entries(input.RequestItems ?? {})[0] ?? [];
    const items = (request?.Keys ?? []).flatMap((key) => table.get(itemKey(key)) ?? []);
    return { Responses: { [name as string]: items } };
  });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  kms.on(GenerateDataKeyCommand).callsFake((input: { EncryptionContext?: Record<string, string> }) => {
    const plaintext = new Uint8Array(randomBytes(32));
    const handle = randomBytes(48);
    dataKeys.set(handle.toString('hex'), { plaintext: plaintext.slice(), context: JSON.stringify(input.EncryptionContext) });
    return { Plaintext: plaintext, CiphertextBlob: new Uint8Array(handle), KeyId: process.env['KMS_KEY_ID'] };
  });
  kms.on(DecryptCommand).callsFake((input: { CiphertextBlob?: Uint8Array; EncryptionContext?: Record<string, string> }) => {
    const entry = dataKeys.get(Buffer.from(input.CiphertextBlob ?? []).toString('hex'));
    if (entry === undefined || entry.context !== JSON.stringify(input.EncryptionContext)) {
      throw Object.assign(new Error('InvalidCiphertextException'), { name: 'InvalidCiphertextException' });
    }
    return { Plaintext: entry.plaintext.slice(), KeyId: process.env['KMS_KEY_ID'] };
  });
}

const kmsThrottled = () =>
  new KMSServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
const sqsThrottled = () => new RequestThrottled({ message: 'Request is throttled', $metadata: { httpStatusCode: 400 } });

const CHILD_CANARIES = ['Child-Alpha', 'canary-voice-6b1e', 'canary-summary-0f3a', 'canary-purpose-91cc'];
const alertBody = () =>
  JSON.stringify(
    sampleAlert(['north-tyneside'], {
      voice: 'Voice canary-voice-6b1e',
      risk: { level: 'SIGNIFICANT', exploitation: ['CCE'], summary: 'Summary canary-summary-0f3a' },
      sharing: {
        purpose: 'Purpose canary-purpose-91cc',
        lawfulBasis: 'DPA2018_PART3_SCH8_PARA4',
        consent: { status: 'NOT_SOUGHT', reason: 'Synthetic reason' },
        handling: { code: 'P' },
      },
    }),
  );

const createEvent = () =>
  apiEvent({
    method: 'POST',
    path: '/v1/alerts',
    headers: { 'content-type': 'application/json' },
    body: alertBody(),
    claims: claimsFor('northumberland', ['police']),
  });

const getEvent = (alertId: string, area = 'north-tyneside', roles = ['coordinator']) =>
  apiEvent({
    method: 'GET',
    path: `/v1/alerts/${alertId}`,
    routeKey: 'GET /v1/alerts/{alertId}',
    pathParameters: { alertId },
    claims: claimsFor(area, roles),
  });

const sentBodies = () => sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input.MessageBody ?? '');
const sentEvents = () => sentBodies().map((body) => JSON.parse(body) as AuditEvent);

function expectUnavailable(response: { statusCode: number; headers: Record<string, string>; body: string }): void {
  expect(response.statusCode).toBe(503);
  expect(response.headers['content-type']).toBe('application/problem+json');
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  for (const canary of CHILD_CANARIES) expect(response.body).not.toContain(canary);
}

let createAlert: Handler;
let getAlert: Handler;

beforeAll(async () => {
  installFakes();
  createAlert = (await import('../../../functions/handlers/create-alert.js')).handler as unknown as Handler;
  getAlert = (await import('../../../functions/handlers/get-alert.js')).handler as unknown as Handler;
});

afterAll(() => {
  restoreEnv();
});

beforeEach(() => {
  table.clear();
  installFakes();
});

/** Creates an alert through the handler with every dependency healthy, then forgets the calls. */
async function storedAlert(): Promise<string> {
  const response = await createAlert(createEvent(), lambdaContext());
  expect(response.statusCode).toBe(201);
  const { alertId } = JSON.parse(response.body) as { alertId: string };
  installFakes();
  return alertId;
}

describe('POST /v1/alerts on the production adapters', () => {
  it('creates (201) and sends an audit message that carries no child content', async () => {
    // Act
    const response = await createAlert(createEvent(), lambdaContext());

    // Assess
    expect(response.statusCode).toBe(201);
    const { alertId } = JSON.parse(response.body) as { alertId: string };
    expect(response.headers['location']).toBe(`/v1/alerts/${alertId}`);
    expect(sentEvents().map((event) => `${event.action}:${event.outcome}`)).toEqual(['ALERT_CREATE:SUCCESS']);
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageGroupId).toBe(alertId);
    for (const canary of CHILD_CANARIES) expect(sentBodies().join('\n')).not.toContain(canary);
    const stored = JSON.stringify([...table.values()]);
    for (const canary of CHILD_CANARIES) expect(stored).not.toContain(canary);
    // The alert, its one share, its history record, and the creation's intent (ids only), which a creation
    // leaves for the commit sweep to drop.
    expect([...table.keys()].map((key) => key.split('|')[1]).sort()).toEqual([
      expect.stringMatching(/^\d{4}-.*#/),
      'ALERT',
      'HOLDERS',
      'SHARE#north-tyneside',
    ]);
    // One data key per reader: the sender and the one recipient.
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(2);
  });

  it('answers 503 when SQS refuses the audit message, and commits nothing of the alert', async () => {
    // Prepare
    sqs.on(SendMessageCommand).rejects(sqsThrottled());

    // Act
    const response = await createAlert(createEvent(), lambdaContext());

    // Assess: the creation goes on record beside its intent, and its commit only after the record; the
    // shares written meanwhile stay invisible without the commit, and the intent names them for a retry,
    // or for the sweep to correct the record and remove them
    expectUnavailable(response);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.Item?.['pk']).toBe('INTENT#ALERT');
    expect([...table.keys()].filter((key) => key.endsWith('|ALERT') || key.endsWith('|HOLDERS'))).toEqual([]);
    expect([...table.keys()].some((key) => key.startsWith('INTENT#ALERT|'))).toBe(true);
  });

  it('answers 503 when KMS throttles: nothing of the alert is written, and the SUCCESS sent beside the keys is corrected', async () => {
    // Prepare
    kms.on(GenerateDataKeyCommand).rejects(kmsThrottled());

    // Act
    const response = await createAlert(createEvent(), lambdaContext());

    // Assess: only the intent (ids, no content) was written; the record says the creation failed
    expectUnavailable(response);
    expect(ddb.commandCalls(PutCommand).map((call) => call.args[0].input.Item?.['pk'])).toEqual(['INTENT#ALERT']);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
    const events = sentEvents();
    expect(events.map((event) => `${event.action}:${event.outcome}`)).toEqual(['ALERT_CREATE:SUCCESS', 'ALERT_CREATE:FAILED']);
    expect(events[1]?.detail).toEqual({ corrects: events[0]?.eventId });
  });

  it('answers 503 when DynamoDB throttles the alert write, and corrects the SUCCESS already sent with FAILED', async () => {
    // Prepare: the commit (the alert item, written only if new) fails; the intent and shares before it do not
    ddb.on(PutCommand, { ConditionExpression: 'attribute_not_exists(pk)' }).rejects(throttled());

    // Act
    const response = await createAlert(createEvent(), lambdaContext());

    // Assess
    expectUnavailable(response);
    const events = sentEvents();
    expect(events.map((event) => `${event.action}:${event.outcome}`)).toEqual(['ALERT_CREATE:SUCCESS', 'ALERT_CREATE:FAILED']);
    const alertId = events[0]?.resource?.id;
    expect(alertId).toEqual(expect.any(String));
    expect(events[1]?.resource?.id).toBe(alertId);
    expect(sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input.MessageGroupId)).toEqual([alertId, alertId]);
    for (const canary of CHILD_CANARIES) expect(sentBodies().join('\n')).not.toContain(canary);
    // Nothing committed: what was written before the commit (the intent, the shares) is invisible, the sweep's.
    expect([...table.keys()].filter((key) => key.endsWith('|ALERT'))).toEqual([]);
    expect([...table.keys()].some((key) => key.startsWith('INTENT#ALERT|'))).toBe(true);
  });

  it('answers 503 with no FAILED correction when the write fails and reading the alert back fails too (the outcome unknown)', async () => {
    // Prepare: the commit and the read-back after it both fail (a new alert's id is fresh: no read before)
    ddb.on(PutCommand, { ConditionExpression: 'attribute_not_exists(pk)' }).rejects(throttled());
    ddb.on(GetCommand).rejects(throttled());

    // Act
    const response = await createAlert(createEvent(), lambdaContext());

    // Assess: nothing says on record that a creation which may stand did not happen
    expectUnavailable(response);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
    expect(sentEvents().map((event) => `${event.action}:${event.outcome}`)).toEqual(['ALERT_CREATE:SUCCESS']);
  });

  it('still answers 503, not 500, when the write fails and its FAILED correction cannot be sent either', async () => {
    // Prepare
    ddb.on(PutCommand, { ConditionExpression: 'attribute_not_exists(pk)' }).rejects(throttled());
    sqs.on(SendMessageCommand).resolvesOnce({ MessageId: 'm-1' }).rejects(sqsThrottled());

    // Act
    const response = await createAlert(createEvent(), lambdaContext());

    // Assess
    expectUnavailable(response);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(2);
    expect(sentEvents().map((event) => `${event.action}:${event.outcome}`)).toEqual(['ALERT_CREATE:SUCCESS', 'ALERT_CREATE:FAILED']);
    expect([...table.keys()].filter((key) => key.endsWith('|ALERT'))).toEqual([]);
  });
});

describe('GET /v1/alerts/{alertId} on the production adapters', () => {
  it('opens the alert for the recipient (200) and audits the view without child content', async () => {
    // Prepare
    const alertId = await storedAlert();

    // Act
    const response = await getAlert(getEvent(alertId), lambdaContext());

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Child-Alpha');
    expect(sentEvents().map((event) => `${event.action}:${event.outcome}`)).toEqual(['ALERT_VIEW:SUCCESS']);
    for (const canary of CHILD_CANARIES) expect(sentBodies().join('\n')).not.toContain(canary);
  });

  it('releases nothing (503) when SQS refuses the view event', async () => {
    // Prepare
    const alertId = await storedAlert();
    sqs.on(SendMessageCommand).rejects(sqsThrottled());

    // Act
    const response = await getAlert(getEvent(alertId), lambdaContext());

    // Assess
    expectUnavailable(response);
    expect(kms.commandCalls(DecryptCommand).length).toBeGreaterThan(0);
  });

  it('answers 503 when KMS throttles the decrypt, and corrects the view sent on record beside it', async () => {
    // Prepare
    const alertId = await storedAlert();
    kms.on(DecryptCommand).rejects(kmsThrottled());

    // Act
    const response = await getAlert(getEvent(alertId), lambdaContext());

    // Assess: nothing was released, and the record says so
    expectUnavailable(response);
    const events = sentEvents();
    expect(events.map((event) => `${event.action}:${event.outcome}`)).toEqual(['ALERT_VIEW:SUCCESS', 'ALERT_VIEW:FAILED']);
    expect(events[1]?.detail).toEqual({ corrects: events[0]?.eventId });
  });

  it('answers 503 when DynamoDB throttles the read', async () => {
    // Prepare
    const alertId = await storedAlert();
    ddb.on(QueryCommand).rejects(throttled());

    // Act
    const response = await getAlert(getEvent(alertId), lambdaContext());

    // Assess
    expectUnavailable(response);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('answers 503, not 404, when the NOT_FOUND event for an unrelated area cannot be sent', async () => {
    // Prepare
    const alertId = await storedAlert();
    sqs.on(SendMessageCommand).rejects(sqsThrottled());

    // Act
    const response = await getAlert(getEvent(alertId, 'gateshead'), lambdaContext());

    // Assess
    expectUnavailable(response);
  });
});
