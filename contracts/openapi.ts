/**
 * The OpenAPI 3.1 document, generated from the zod contracts (zod 4 emits JSON Schema 2020-12, which
 * OpenAPI 3.1 uses as is). `npm run openapi` writes docs/openapi.json; a test fails if that file and this
 * generator disagree, so the published document can only change by changing a contract.
 */
import * as z from 'zod';
import {
  AcknowledgementReceipt,
  AcknowledgeRequest,
  AlertList,
  AlertView,
  CreateAlertRequest,
  CreateAlertResponse,
  ListAlertsQuery,
} from './alerts.js';
import { AreaList } from './areas.js';
import { AccessHistory, AccessHistoryQuery } from './audit.js';
import {
  CancelMeetingRequest,
  ListMeetingsQuery,
  MeetingList,
  MeetingResponseRequest,
  MeetingStatus,
  MeetingView,
  RecordMeetingRequest,
  RecordMeetingResponse,
  RequestMeetingRequest,
  RequestMeetingResponse,
  ScheduleMeetingRequest,
  UpdateActionRequest,
} from './meetings.js';
import { Problem } from './problem.js';

type Operation = {
  readonly summary: string;
  readonly roles?: string;
  readonly request?: z.ZodType;
  readonly query?: z.ZodObject;
  readonly success: { readonly status: number; readonly schema: z.ZodType; readonly mediaType?: string };
  readonly errors: readonly number[];
  readonly idempotent?: boolean;
  readonly public?: boolean;
};

/** Keyed by API Gateway route key, as functions/routes.ts is. */
export const OPERATIONS: Readonly<Record<string, Operation>> = {
  'GET /health': {
    summary: 'Liveness',
    success: { status: 200, schema: z.object({ status: z.literal('ok') }) },
    errors: [],
    public: true,
  },
  'GET /v1/areas': {
    summary: 'The area directory',
    success: { status: 200, schema: AreaList },
    errors: [401],
  },
  'POST /v1/alerts': {
    summary: 'Send a child-movement alert to one or more areas',
    roles: 'police, coordinator, chair',
    request: CreateAlertRequest,
    success: { status: 201, schema: CreateAlertResponse },
    errors: [400, 401, 403, 409, 413, 415, 422, 503],
    idempotent: true,
  },
  'GET /v1/alerts': {
    summary: "The caller's area's inbox or outbox, newest first (summaries, no child identity)",
    roles: 'police, coordinator, chair, practitioner',
    query: ListAlertsQuery,
    success: { status: 200, schema: AlertList },
    errors: [401, 403, 422, 503],
  },
  'GET /v1/alerts/{alertId}': {
    summary: 'Open an alert: the sender sees all of it, a recipient the sections its share grants',
    roles: 'police, coordinator, chair, practitioner',
    success: { status: 200, schema: AlertView },
    errors: [401, 403, 404, 503],
  },
  'POST /v1/alerts/{alertId}/acknowledgements': {
    summary: 'Acknowledge a received alert, once per share',
    roles: 'coordinator, chair (of a recipient area)',
    request: AcknowledgeRequest,
    success: { status: 201, schema: AcknowledgementReceipt },
    errors: [400, 401, 403, 404, 409, 413, 415, 422, 503],
    idempotent: true,
  },
  'GET /v1/alerts/{alertId}/audit': {
    summary: "An alert's access history, for the sending and receiving areas",
    roles: 'police, coordinator, chair, auditor',
    query: AccessHistoryQuery,
    success: { status: 200, schema: AccessHistory },
    errors: [401, 403, 404, 422, 503],
  },
  'POST /v1/meetings': {
    summary: 'Request a case-focussed cross-boundary meeting about a child, proposing slots',
    roles: 'coordinator, chair',
    request: RequestMeetingRequest,
    success: { status: 201, schema: RequestMeetingResponse },
    errors: [400, 401, 403, 409, 413, 415, 422, 503],
    idempotent: true,
  },
  'GET /v1/meetings': {
    summary: "The caller's area's requested (outbox) or invited (inbox) meetings, newest first",
    roles: 'police, coordinator, chair, practitioner',
    query: ListMeetingsQuery,
    success: { status: 200, schema: MeetingList },
    errors: [401, 403, 422, 503],
  },
  'GET /v1/meetings/{meetingId}': {
    summary: 'A meeting: slots, every area\'s answer, status, and once held the record and actions',
    roles: 'police, coordinator, chair, practitioner (of a participating area)',
    success: { status: 200, schema: MeetingView },
    errors: [401, 403, 404, 503],
  },
  'POST /v1/meetings/{meetingId}/responses': {
    summary: 'Accept a slot, decline with a reason, or propose another slot (until scheduled)',
    roles: 'coordinator, chair (of an invited area)',
    request: MeetingResponseRequest,
    success: { status: 201, schema: z.object({ meetingId: z.uuid(), area: z.string(), response: z.string(), slotId: z.string().optional() }) },
    errors: [400, 401, 403, 404, 409, 413, 415, 422, 503],
    idempotent: true,
  },
  'POST /v1/meetings/{meetingId}/schedule': {
    summary: 'Fix the slot (force: true for a slot nobody accepted)',
    roles: 'coordinator, chair (of the requesting area)',
    request: ScheduleMeetingRequest,
    success: { status: 200, schema: z.object({ meetingId: z.uuid(), status: MeetingStatus, slotId: z.string() }) },
    errors: [400, 401, 403, 404, 409, 413, 415, 422, 503],
    idempotent: true,
  },
  'POST /v1/meetings/{meetingId}/cancel': {
    summary: 'Cancel a meeting that has not happened',
    roles: 'coordinator, chair (of the requesting area)',
    request: CancelMeetingRequest,
    success: { status: 200, schema: z.object({ meetingId: z.uuid(), status: MeetingStatus }) },
    errors: [400, 401, 403, 404, 409, 413, 415, 422, 503],
    idempotent: true,
  },
  'GET /v1/meetings/{meetingId}/calendar.ics': {
    summary: 'The RFC 5545 invitation of a scheduled meeting (no child identity in it)',
    roles: 'police, coordinator, chair, practitioner (of a participating area)',
    success: { status: 200, schema: z.string(), mediaType: 'text/calendar' },
    errors: [401, 403, 404, 409, 503],
  },
  'POST /v1/meetings/{meetingId}/record': {
    summary: 'Record attendance, decisions, the disruption plan and actions, once, after the start',
    roles: 'coordinator, chair (of the requesting area)',
    request: RecordMeetingRequest,
    success: { status: 201, schema: RecordMeetingResponse },
    errors: [400, 401, 403, 404, 409, 413, 415, 422, 503],
    idempotent: true,
  },
  'PATCH /v1/meetings/{meetingId}/actions/{actionId}': {
    summary: "Update an action's status with a note",
    roles: 'police, coordinator, chair, practitioner (of the area that owns the action)',
    request: UpdateActionRequest,
    success: { status: 200, schema: z.object({ meetingId: z.uuid(), actionId: z.string(), status: z.string(), updatedAt: z.string() }) },
    errors: [400, 401, 403, 404, 409, 413, 415, 422, 503],
    idempotent: true,
  },
  'GET /v1/meetings/{meetingId}/audit': {
    summary: "A meeting's access history, for the participating areas",
    roles: 'police, coordinator, chair, auditor',
    query: AccessHistoryQuery,
    success: { status: 200, schema: AccessHistory },
    errors: [401, 403, 404, 422, 503],
  },
};

const schema = (type: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(type, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [routeKey, operation] of Object.entries(OPERATIONS)) {
    const [method = '', path = ''] = routeKey.split(' ');
    const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
    const queryShape = operation.query === undefined ? {} : (schema(operation.query, 'input')['properties'] as Record<string, unknown>);
    const parameters = [
      ...pathParams.map((name) => ({
        name,
        in: 'path',
        required: true,
        schema: name === 'actionId' ? { type: 'string' } : { type: 'string', format: 'uuid' },
      })),
      ...Object.entries(queryShape).map(([name, value]) => ({ name, in: 'query', required: false, schema: value })),
      ...(operation.idempotent === true
        ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 128 } }]
        : []),
    ];
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[method.toLowerCase()] = {
      summary: operation.summary,
      ...(operation.roles === undefined ? {} : { description: `Roles: ${operation.roles}.` }),
      ...(operation.public === true ? { security: [] } : {}),
      ...(parameters.length === 0 ? {} : { parameters }),
      ...(operation.request === undefined
        ? {}
        : { requestBody: { required: true, content: { 'application/json': { schema: schema(operation.request, 'input') } } } }),
      responses: {
        [operation.success.status]: {
          description: 'Success',
          content: { [operation.success.mediaType ?? 'application/json']: { schema: schema(operation.success.schema, 'output') } },
        },
        ...Object.fromEntries(
          operation.errors.map((status) => [
            status,
            { description: 'Problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
          ]),
        ),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'MSET Cross-Boundary Hub',
      version: '1',
      description: 'Child-movement alerts between MSET partnerships. Synthetic data only in examples.',
    },
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Problem: schema(Problem, 'output') },
    },
    paths,
  };
}
