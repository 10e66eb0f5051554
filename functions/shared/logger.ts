/**
 * One structured JSON logger per container. What the hub logs is ids, routes, statuses, durations and error
 * names: never a request body, a decrypted value or an error message from a dependency, any of which may
 * carry child content.
 *
 * Written here rather than taken from Powertools: the hub uses a JSON line per event with the Lambda context
 * on it and a level, no more, and Powertools' Logger (with its commons, its log buffer and a Console of its
 * own) was about a third of what a function's import cost beyond its AWS clients (issue 11, cold start).
 * The lines keep Powertools' shape and key names (level, message, timestamp, service, cold_start,
 * function_request_id, xray_trace_id...), so log queries and CloudWatch Logs Insights fields are unchanged,
 * and so does the level's variable, POWERTOOLS_LOG_LEVEL, which the stack sets and the tests use.
 */
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

const LEVELS = { TRACE: 6, DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 } as const;
export type LogLevel = keyof typeof LEVELS;

/** What a line may carry beside its message: ids, names, counts; nested plain objects and arrays of them. */
export type LogAttributes = Readonly<Record<string, unknown>>;

function levelFrom(value: string | undefined): LogLevel | undefined {
  const name = value?.trim().toUpperCase();
  return name !== undefined && name in LEVELS ? (name as LogLevel) : undefined;
}

/** Lambda's context on every line of an invocation, as Powertools names it. */
type InvocationKeys = {
  readonly cold_start: boolean;
  readonly function_arn: string;
  readonly function_memory_size: number;
  readonly function_name: string;
  readonly function_request_id: string;
  readonly xray_trace_id?: string;
};

/**
 * A line is JSON whatever its attributes hold: a bigint becomes its decimal text, an Error its name only
 * (a message may quote what it failed on), a cycle a marker.
 */
function serialize(entry: Record<string, unknown>): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(entry, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) return { name: value.name };
    if (typeof value === 'object' && value !== null) {
      if (seen.has(value)) return '[Circular]';
      seen.add(value);
    }
    return value;
  });
}

export class Logger {
  readonly #service: string;
  #level: LogLevel;
  #invocation: InvocationKeys | undefined;
  #coldStart: boolean;

  constructor(options: { readonly serviceName: string; readonly logLevel?: LogLevel }) {
    this.#service = options.serviceName;
    this.#level = options.logLevel ?? levelFrom(process.env['POWERTOOLS_LOG_LEVEL']) ?? levelFrom(process.env['LOG_LEVEL']) ?? 'INFO';
    // Provisioned concurrency initialises the container before any request: no request waits on it.
    this.#coldStart = process.env['AWS_LAMBDA_INITIALIZATION_TYPE'] !== 'provisioned-concurrency';
  }

  getLevelName(): LogLevel {
    return this.#level;
  }

  setLogLevel(level: LogLevel): void {
    this.#level = level;
  }

  debug(message: string, attributes?: LogAttributes): void {
    this.#write('DEBUG', message, attributes);
  }

  info(message: string, attributes?: LogAttributes): void {
    this.#write('INFO', message, attributes);
  }

  warn(message: string, attributes?: LogAttributes): void {
    this.#write('WARN', message, attributes);
  }

  error(message: string, attributes?: LogAttributes): void {
    this.#write('ERROR', message, attributes);
  }

  /** Puts the invocation's context on every line until `endInvocation`; the first invocation is the cold one. */
  startInvocation(context: Context): void {
    const traceId = process.env['_X_AMZN_TRACE_ID']?.match(/Root=([^;]+)/)?.[1];
    this.#invocation = {
      cold_start: this.#coldStart,
      function_arn: context.invokedFunctionArn,
      function_memory_size: Number(context.memoryLimitInMB),
      function_name: context.functionName,
      function_request_id: context.awsRequestId,
      ...(traceId === undefined ? {} : { xray_trace_id: traceId }),
    };
    this.#coldStart = false;
  }

  endInvocation(): void {
    this.#invocation = undefined;
  }

  #write(level: Exclude<LogLevel, 'SILENT'>, message: string, attributes: LogAttributes | undefined): void {
    if (LEVELS[level] < LEVELS[this.#level]) return;
    const line = serialize({
      ...attributes,
      level,
      message,
      timestamp: new Date().toISOString(),
      service: this.#service,
      ...this.#invocation,
    });
    // As Powertools' Console did: warnings and errors to stderr, the rest to stdout; Lambda sends both to the log.
    (LEVELS[level] >= LEVELS.WARN ? process.stderr : process.stdout).write(`${line}\n`);
  }
}

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
 * The middleware for every function: each log line of an invocation carries cold_start,
 * function_request_id and, on AWS, xray_trace_id, so one request's lines can be found together; none of
 * it outlives the invocation.
 */
export function lambdaContextLogging(): MiddlewareObj<unknown, unknown, Error, Context> {
  return {
    before: (request) => logger.startInvocation(request.context),
    after: () => logger.endInvocation(),
    onError: () => logger.endInvocation(),
  };
}
