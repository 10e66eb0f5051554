/**
 * The key service on AWS KMS. Two outcomes matter to a caller: KMS could not do its part (retry later, a
 * 503) or KMS refused this wrapped key under this context (the record does not belong where it was asked
 * for; retrying cannot help). Everything is sorted into one of those two.
 */
import {
  DecryptCommand,
  type DecryptCommandOutput,
  GenerateDataKeyCommand,
  type GenerateDataKeyCommandOutput,
  KMSClient,
} from '@aws-sdk/client-kms';
import { DependencyUnavailableError } from '../../core/errors.js';
import type { DataKey, EncryptionContext, KeyService } from '../../core/ports.js';
import { awsClientConfig } from '../aws-client-config.js';
import { KeyIntegrityError } from '../errors.js';

/** Only these say something about the ciphertext; every other failure is about KMS or our access to it. */
const INTEGRITY_FAILURES = new Set(['InvalidCiphertextException', 'IncorrectKeyException']);

const DATA_KEY_BYTES = 32;

export type KmsKeyServiceOptions = { readonly client: KMSClient; readonly keyId: string };

export class KmsKeyService implements KeyService {
  private readonly client: KMSClient;
  private readonly keyId: string;

  constructor(options: KmsKeyServiceOptions) {
    if (!options.keyId) throw new TypeError('A KMS key id is required');
    this.client = options.client;
    this.keyId = options.keyId;
  }

  async generateDataKey(context: EncryptionContext): Promise<DataKey> {
    let output: GenerateDataKeyCommandOutput;
    try {
      output = await this.client.send(
        new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: 'AES_256', EncryptionContext: { ...context } }),
      );
    } catch (error) {
      throw new DependencyUnavailableError('key-service', { cause: error });
    }
    if (output.Plaintext?.length !== DATA_KEY_BYTES || !output.CiphertextBlob?.length) {
      throw new DependencyUnavailableError('key-service', { cause: new Error('KMS returned an incomplete data key') });
    }
    return { plaintext: output.Plaintext, encrypted: output.CiphertextBlob };
  }

  async decryptDataKey(encrypted: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    let output: DecryptCommandOutput;
    try {
      // KeyId pins the key: a blob wrapped by any other key is refused rather than decrypted with it.
      output = await this.client.send(
        new DecryptCommand({ CiphertextBlob: encrypted, EncryptionContext: { ...context }, KeyId: this.keyId }),
      );
    } catch (error) {
      if (error instanceof Error && INTEGRITY_FAILURES.has(error.name)) throw new KeyIntegrityError({ cause: error });
      throw new DependencyUnavailableError('key-service', { cause: error });
    }
    if (output.Plaintext?.length !== DATA_KEY_BYTES) {
      throw new DependencyUnavailableError('key-service', { cause: new Error('KMS returned an incomplete data key') });
    }
    return output.Plaintext;
  }
}

/** One client per container, made by the composition root, with the hub's shared retry policy. */
export function createKmsClient(region?: string): KMSClient {
  return new KMSClient(awsClientConfig(region));
}
