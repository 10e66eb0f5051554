/**
 * Every schema is declared `export const Name = schema(() => z...)` with esbuild's pure annotation before
 * `schema`, so that a Lambda bundle leaves out, and never builds, the schemas its function does not use
 * (contracts/schema.ts says why): wrap a new one the same way; plain constants and helper functions stay bare.
 */
import * as z from 'zod/mini';
import { schema } from './schema.js';

export const AGENCIES = ['police', 'childrens-services', 'health', 'education', 'other'] as const;
export const Agency = /* @__PURE__ */ schema(() => z.enum(AGENCIES));
export type Agency = z.infer<typeof Agency>;

export const ROLES = ['police', 'coordinator', 'chair', 'practitioner', 'auditor'] as const;
export const Role = /* @__PURE__ */ schema(() => z.enum(ROLES));
export type Role = z.infer<typeof Role>;

/** Area ids are kebab-case; whether an id names a real area is the directory's call, not the schema's. */
export const AreaId = /* @__PURE__ */ schema(() =>
  z.string().check(z.trim(), z.regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/, 'must be a kebab-case area id'), z.maxLength(64)),
);
export type AreaId = z.infer<typeof AreaId>;

/** Who is calling, as established from the verified token's claims. Never from the request body. */
export type Caller = {
  readonly sub: string;
  readonly name: string;
  readonly area: AreaId;
  readonly agency: Agency;
  readonly roles: readonly Role[];
  /** The person's own email, when their token carries one: messages meant for them (an overdue alert they sent). */
  readonly email?: string;
};
