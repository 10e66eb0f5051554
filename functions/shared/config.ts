/**
 * Configuration, parsed once from the environment with zod. The same variables drive a Lambda function
 * and the local hub; only their values differ, and the composition root (./wiring.ts) picks adapters
 * from them.
 */
import * as z from 'zod';

const Config = z.object({
  ALERTS_TABLE: z.string().min(1),
  AUDIT_TABLE: z.string().min(1),
  IDEMPOTENCY_TABLE: z.string().min(1),
  MEETINGS_TABLE: z.string().min(1),
  AWS_REGION: z.string().min(1).default('eu-west-2'),
  /** Set only for a DynamoDB API other than AWS's own, such as the local hub's dynalite. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  KEY_SERVICE: z.enum(['kms', 'local']).default('kms'),
  KMS_KEY_ID: z.string().min(1).optional(),
  AUDIT_QUEUE: z.enum(['sqs', 'in-process']).default('sqs'),
  AUDIT_QUEUE_URL: z.url().optional(),
  /** The local key service keeps its master key here. */
  HUB_DATA_DIR: z.string().min(1).default('.data'),
})
  .refine((c) => c.KEY_SERVICE !== 'kms' || c.KMS_KEY_ID !== undefined, {
    message: 'KMS_KEY_ID is required when KEY_SERVICE is kms',
    path: ['KMS_KEY_ID'],
  })
  .refine((c) => c.AUDIT_QUEUE !== 'sqs' || c.AUDIT_QUEUE_URL !== undefined, {
    message: 'AUDIT_QUEUE_URL is required when AUDIT_QUEUE is sqs',
    path: ['AUDIT_QUEUE_URL'],
  });
export type Config = z.infer<typeof Config>;

let cached: Config | undefined;

export function config(): Config {
  cached ??= Config.parse(process.env);
  return cached;
}
