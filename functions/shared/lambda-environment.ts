/**
 * The environment of a Lambda function: the configuration the CDK stack sets, the system clock and random
 * ids, and no adapter overrides, so only AWS adapters are built. Read from process.env once per container,
 * on the first invocation. Apart from the composition root so that a function that needs no adapter (the
 * public routes) loads none of it.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import type { Clock, IdGenerator } from '../core/ports.js';
import type { HubEnvironment } from './wiring.js';

export const systemClock: Clock = { now: () => new Date() };
export const randomIds: IdGenerator = { newId: () => randomUUID() };

let lambda: HubEnvironment | undefined;

export function lambdaEnvironment(): HubEnvironment {
  if (lambda === undefined) {
    const env = z
      .object({
        ALERTS_TABLE: z.string().min(1),
        AUDIT_TABLE: z.string().min(1),
        IDEMPOTENCY_TABLE: z.string().min(1),
        MEETINGS_TABLE: z.string().min(1),
        AWS_REGION: z.string().min(1).default('eu-west-2'),
        KMS_KEY_ID: z.string().min(1),
        AUDIT_QUEUE_URL: z.url(),
      })
      .parse(process.env);
    lambda = {
      config: {
        region: env.AWS_REGION,
        tables: { alerts: env.ALERTS_TABLE, audit: env.AUDIT_TABLE, idempotency: env.IDEMPOTENCY_TABLE, meetings: env.MEETINGS_TABLE },
        contentKeyId: env.KMS_KEY_ID,
        auditQueueUrl: env.AUDIT_QUEUE_URL,
      },
      clock: systemClock,
      ids: randomIds,
    };
  }
  return lambda;
}
