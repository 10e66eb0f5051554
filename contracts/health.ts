/**
 * GET /health's answer: a liveness probe, nothing more.
 *
 * Every schema is declared `export const Name = schema(() => z...)` with esbuild's pure annotation before
 * `schema`, so that a Lambda bundle leaves out, and never builds, the schemas its function does not use
 * (contracts/schema.ts says why): wrap a new one the same way; plain constants and helper functions stay bare.
 */
import * as z from 'zod/mini';
import { schema } from './schema.js';

export const Health = /* @__PURE__ */ schema(() => z.object({ status: z.literal('ok') }));
export type Health = z.infer<typeof Health>;
