/**
 * RFC 9457 problem details, the body of every error response.
 *
 * Every schema is declared `export const Name = schema(() => z...)` with esbuild's pure annotation before
 * `schema`, so that a Lambda bundle leaves out, and never builds, the schemas its function does not use
 * (contracts/schema.ts says why): wrap a new one the same way; plain constants and helper functions stay bare.
 */
import * as z from 'zod/mini';
import { schema } from './schema.js';

export const Problem = /* @__PURE__ */ schema(() =>
  z.object({
    /** about:blank when the status says it all, else one of the hub's own problem types. */
    type: z.union([z.literal('about:blank'), z.string().check(z.regex(/^urn:mset-hub:problem:[a-z0-9]+(?:-[a-z0-9]+)*$/))]),
    title: z.string().check(z.minLength(1)),
    status: z.int().check(z.gte(400), z.lte(599)),
    detail: z.optional(z.string()),
    instance: z.optional(z.string()),
    errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
  }),
);
export type Problem = z.infer<typeof Problem>;

/**
 * API Gateway answers some requests itself, before any function runs, with its own body and no way to
 * change it on an HTTP API: a malformed request (400), a missing or invalid token (401), a body over its
 * limit (413). Those three statuses may carry this instead of a Problem.
 */
export const GATEWAY_REFUSAL_STATUSES: readonly number[] = [400, 401, 413];
export const GatewayRefusal = /* @__PURE__ */ schema(() => z.strictObject({ message: z.string() }));
export type GatewayRefusal = z.infer<typeof GatewayRefusal>;
