/**
 * The environment of a deployed function, as the CDK stack sets it: a handler builds AWS adapters from it (SQS
 * audit trail, KMS key service, DynamoDB) on its first invocation, and reads it once.
 */
const DEPLOYED_ENV = {
  ALERTS_TABLE: 'alerts-table',
  AUDIT_TABLE: 'audit-table',
  IDEMPOTENCY_TABLE: 'idempotency-table',
  MEETINGS_TABLE: 'meetings-table',
  AUDIT_QUEUE_URL: 'https://sqs.eu-west-2.amazonaws.com/123456789012/mset-hub-audit.fifo',
  KMS_KEY_ID: 'arn:aws:kms:eu-west-2:123456789012:key/00000000-0000-4000-8000-000000000000',
  AWS_REGION: 'eu-west-2',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
} as const;

/** Sets the deployed function's environment on `process.env`; the returned function puts the old one back. */
export function useDeployedEnv(): () => void {
  const saved = { ...process.env };
  Object.assign(process.env, DEPLOYED_ENV);
  return () => {
    process.env = saved;
  };
}
