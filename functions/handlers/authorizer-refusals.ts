/**
 * API Gateway's JWT authorizer refuses a request with no valid token before any function runs, so no
 * handler can audit it. This function, subscribed to the API's access log (filtered to the authorizer's
 * 401s), records each such refusal in the audit trail like every other refused attempt. The local hub's
 * gateway records them directly, so this function runs only on AWS.
 */
import { gunzipSync } from 'node:zlib';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { schema } from '../../contracts/schema.js';
import type { AuditRecorder } from '../core/audit.js';
import { uuidFrom } from '../core/request-ids.js';
import { worker } from '../shared/function.js';
import { errorNames, logger } from '../shared/logger.js';
import { auditRecorder } from '../shared/wiring.js';

/** The fields of the access log format infra/ configures that this function reads. */
const AccessLogLine = /* @__PURE__ */ schema(() =>
  z.object({
    requestId: z.string().check(z.minLength(1), z.maxLength(256)),
    routeKey: z._default(z.string().check(z.maxLength(256)), '-'),
    status: z.string(),
    /** "-" when no function ran: the authorizer refused the request. Otherwise a function did, and audited it. */
    integrationStatus: z._default(z.string(), ''),
    requestTimeEpoch: z.optional(z.coerce.number().check(z.int(), z.positive())),
  }),
);

type LogsPayload = { logEvents: { id: string; timestamp: number; message: string }[] };

export const { handler, wire } = worker((env) => {
  const audit = auditRecorder(env);
  return (event: CloudWatchLogsEvent) => recordRefusals(audit, event);
});

async function recordRefusals(audit: AuditRecorder, event: CloudWatchLogsEvent): Promise<void> {
  const payload = JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8')) as LogsPayload;
  let skipped = 0;
  for (const logEvent of payload.logEvents) {
    const line = parseLine(logEvent.message);
    if (line === undefined || line.status !== '401' || line.integrationStatus !== '-') {
      skipped += 1;
      continue;
    }
    // A thrown error makes Lambda retry the whole delivery; the fixed event id keeps that from
    // recording any refusal twice.
    await audit.unauthenticated(line.requestId, line.routeKey, {
      occurredAt: new Date(line.requestTimeEpoch ?? logEvent.timestamp),
      // A stable id per request: a redelivered log line is the same audit event.
      eventId: uuidFrom(`authorizer-refusal:${line.requestId}`),
      source: 'api-gateway',
    });
  }
  // The subscription's filter sends only 401 lines; anything else arriving is a filter to fix.
  if (skipped > 0) logger.warn('access log lines skipped', { skipped });
}

function parseLine(message: string): z.infer<typeof AccessLogLine> | undefined {
  try {
    const parsed = AccessLogLine.safeParse(JSON.parse(message));
    return parsed.success ? parsed.data : undefined;
  } catch (error) {
    logger.warn('access log line is not JSON', { errors: errorNames(error) });
    return undefined;
  }
}
