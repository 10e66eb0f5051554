/**
 * A secret's string from Secrets Manager (never an environment variable, never logged), read with the
 * function's own role: only the functions whose bundles carry the client (scripts/bundle.ts,
 * SECRET_READERS) and whose policies name the secret can read one.
 */
import { awsClientConfig } from './aws-client-config.js';

export async function readSecretString(secretArn: string, what: string): Promise<string> {
  const { SecretsProvider } = await import('@aws-lambda-powertools/parameters/secrets');
  // A secret is read in its own region, which its ARN names.
  const region = secretArn.split(':')[3] || process.env['AWS_REGION'];
  const value = await new SecretsProvider({ clientConfig: awsClientConfig(region) }).get(secretArn);
  const secret = typeof value === 'string' ? value.trim() : '';
  // The message names the secret, never anything of its value.
  if (secret === '') throw new TypeError(`${what} (${secretArn}) has no string value`);
  return secret;
}
