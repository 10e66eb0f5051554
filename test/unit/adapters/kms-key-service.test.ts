import {
  DecryptCommand,
  DependencyTimeoutException,
  DisabledException,
  GenerateDataKeyCommand,
  IncorrectKeyException,
  InvalidCiphertextException,
  KeyUnavailableException,
  KMSClient,
  KMSInternalException,
  KMSInvalidStateException,
  KMSServiceException,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyIntegrityError } from '../../../functions/adapters/errors.js';
import { createKmsClient, KmsKeyService } from '../../../functions/adapters/kms/kms-key-service.js';
import { DependencyUnavailableError } from '../../../functions/core/errors.js';
import type { EncryptionContext } from '../../../functions/core/ports.js';

const KEY_ID = 'arn:aws:kms:eu-west-2:111122223333:key/00000000-0000-4000-8000-00000000000a';
const context: EncryptionContext = {
  alertId: '3f0c7c1e-0000-4000-8000-000000000001',
  sendingArea: 'northumberland',
  scope: 'IDENTITY',
};
const $metadata = {};
const plaintext = new Uint8Array(32).fill(3);
const wrapped = new Uint8Array(180).fill(9);

const kms = mockClient(KMSClient);
let service: KmsKeyService;

beforeEach(() => {
  kms.reset();
  service = new KmsKeyService({ client: new KMSClient({ region: 'eu-west-2' }), keyId: KEY_ID });
});

afterEach(() => {
  kms.reset();
});

const outages: Array<[string, () => Error]> = [
  [
    'ThrottlingException',
    () => new KMSServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata, message: 'Rate exceeded' }),
  ],
  ['KMSInternalException', () => new KMSInternalException({ $metadata, message: 'internal' })],
  ['DependencyTimeoutException', () => new DependencyTimeoutException({ $metadata, message: 'timeout' })],
  ['DisabledException', () => new DisabledException({ $metadata, message: 'disabled' })],
  ['KeyUnavailableException', () => new KeyUnavailableException({ $metadata, message: 'unavailable' })],
  ['KMSInvalidStateException', () => new KMSInvalidStateException({ $metadata, message: 'pending deletion' })],
  [
    'AccessDeniedException',
    () => new KMSServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata, message: 'denied' }),
  ],
  ['a network error', () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
];

describe('KmsKeyService.generateDataKey', () => {
  it('asks KMS for an AES-256 data key under the configured key and the encryption context', async () => {
    // Prepare
    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: plaintext, CiphertextBlob: wrapped, KeyId: KEY_ID });

    // Act
    const dataKey = await service.generateDataKey(context);

    // Assess
    expect(dataKey).toEqual({ plaintext, encrypted: wrapped });
    const calls = kms.commandCalls(GenerateDataKeyCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({ KeyId: KEY_ID, KeySpec: 'AES_256', EncryptionContext: context });
  });

  it.each(outages)('reports %s as the key service being unavailable', async (_label, failure) => {
    // Prepare
    const cause = failure();
    kms.on(GenerateDataKeyCommand).rejects(cause);

    // Act
    const error = await service.generateDataKey(context).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect((error as DependencyUnavailableError).dependency).toBe('key-service');
    expect((error as Error).cause).toBe(cause);
  });

  it('treats a response without a usable data key as an outage', async () => {
    // Prepare
    kms.on(GenerateDataKeyCommand).resolves({ CiphertextBlob: wrapped });

    // Act / Assess
    await expect(service.generateDataKey(context)).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});

describe('KmsKeyService.decryptDataKey', () => {
  it('decrypts with the blob, the encryption context and the key pinned', async () => {
    // Prepare
    kms.on(DecryptCommand).resolves({ Plaintext: plaintext, KeyId: KEY_ID });

    // Act
    const decrypted = await service.decryptDataKey(wrapped, context);

    // Assess
    expect(decrypted).toEqual(plaintext);
    const calls = kms.commandCalls(DecryptCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({ CiphertextBlob: wrapped, EncryptionContext: context, KeyId: KEY_ID });
  });

  it.each([
    ['InvalidCiphertextException', () => new InvalidCiphertextException({ $metadata, message: 'invalid' })],
    ['IncorrectKeyException', () => new IncorrectKeyException({ $metadata, message: 'incorrect key' })],
  ])('reports %s (wrong context or tampering) as an integrity failure, not an outage', async (_label, failure) => {
    // Prepare
    const cause = failure();
    kms.on(DecryptCommand).rejects(cause);

    // Act
    const error = await service.decryptDataKey(wrapped, { ...context, scope: 'RISK' }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(KeyIntegrityError);
    expect(error).not.toBeInstanceOf(DependencyUnavailableError);
    expect((error as Error).cause).toBe(cause);
  });

  it.each(outages)('reports %s as the key service being unavailable', async (_label, failure) => {
    // Prepare
    kms.on(DecryptCommand).rejects(failure());

    // Act / Assess
    await expect(service.decryptDataKey(wrapped, context)).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  it('treats a response without a 32-byte plaintext as an outage', async () => {
    // Prepare
    kms.on(DecryptCommand).resolves({ Plaintext: new Uint8Array(16) });

    // Act / Assess
    await expect(service.decryptDataKey(wrapped, context)).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});

describe('createKmsClient', () => {
  it('retries three times in standard mode in the given region', async () => {
    // Act
    const client = createKmsClient('eu-west-2');

    // Assess
    const strategy = await client.config.retryStrategy();
    expect(await client.config.maxAttempts()).toBe(3);
    expect((strategy as { mode?: string }).mode).toBe('standard');
    expect(await client.config.region()).toBe('eu-west-2');
  });

  it('refuses a service without a key id', () => {
    // Act / Assess
    expect(() => new KmsKeyService({ client: new KMSClient({ region: 'eu-west-2' }), keyId: '' })).toThrow(TypeError);
  });
});
