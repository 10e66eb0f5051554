/**
 * One structured JSON logger per container (Powertools). What the hub logs is ids, routes, statuses,
 * durations and error names: never a request body, a decrypted value or an error message from a
 * dependency, any of which may carry child content.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';

export const logger = new Logger({ serviceName: process.env['POWERTOOLS_SERVICE_NAME'] ?? 'mset-hub' });

/** The names along an error's cause chain: enough to diagnose, nothing a message might carry. */
export function errorNames(error: unknown): string[] {
  const names: string[] = [];
  let current: unknown = error;
  while (current instanceof Error && names.length < 5) {
    names.push(current.name);
    current = current.cause;
  }
  return names;
}

/**
 * Powertools' middleware for every function: each log line of an invocation carries cold_start,
 * function_request_id and, on AWS, xray_trace_id, so one request's lines can be found together.
 */
export function lambdaContextLogging() {
  return injectLambdaContext(logger, { resetKeys: true });
}
