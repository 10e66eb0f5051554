/**
 * The one place that turns JWT claims into a Caller. API Gateway's JWT authorizer hands the function every
 * claim as a string (numbers as "1700000000", an array such as roles as "[police coordinator]"), so the
 * parser below reads strings only; the local gateway flattens with `flattenClaims`, which lives here so
 * that the flattening and its parser change together and the tests exercise the parser AWS runs.
 */
import * as z from 'zod/mini';
import { Agency, AreaId, type Caller, ROLES, type Role } from '../../contracts/identity.js';
import { schema } from '../../contracts/schema.js';
import { UnauthenticatedError } from '../core/errors.js';

/**
 * API Gateway formats a non-string claim the way Go's fmt `%v` prints a decoded JSON value: arrays as
 * `[a b]`, objects as `map[k:v]` with sorted keys, null as `<nil>`. Numbers keep JavaScript's rendering,
 * which matches what API Gateway sends for integer claims such as `exp` ("1583348638", not "1.583348638e+09").
 */
export function flattenClaims(payload: Record<string, unknown>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined) continue;
    flat[name] = flattenValue(value);
  }
  return flat;
}

function flattenValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(flattenValue).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((key) => `${key}:${flattenValue((value as Record<string, unknown>)[key])}`);
    return `map[${entries.join(' ')}]`;
  }
  return String(value);
}

const KNOWN_ROLES: ReadonlySet<string> = new Set(ROLES);

/**
 * Accepts exactly the forms of a roles claim the README documents: an array (which API Gateway flattens
 * to `[police coordinator]`, and a gateway that passes arrays through sends as a JSON array string), or
 * one string of roles separated by spaces, a single role being the shortest. Only spaces separate:
 * `police,coordinator` is one item naming no role, so no undocumented form grants anything. Roles this
 * version does not know are dropped rather than rejected, so an identity provider can add roles first.
 */
function parseRoles(raw: string | undefined): Role[] {
  if (raw === undefined) return [];
  const text = raw.replace(/^ +| +$/g, '');
  let items: string[];
  if (text.startsWith('[') && text.endsWith(']')) {
    const inner = text.slice(1, -1).replace(/^ +| +$/g, '');
    items = inner.startsWith('"') ? parseJsonArray(text) : inner.split(/ +/);
  } else {
    items = text.split(/ +/);
  }
  const roles: Role[] = [];
  for (const item of items) {
    if (KNOWN_ROLES.has(item) && !roles.includes(item as Role)) roles.push(item as Role);
  }
  return roles;
}

function parseJsonArray(text: string): string[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * The claims this parser reads. Others never reach a record or a message, so a token is not refused for
 * what they hold.
 */
const READ_CLAIMS = ['sub', 'name', 'area', 'agency', 'roles'] as const;

/**
 * A character SQS refuses in a message body (a lone surrogate among them). Every audit event goes through
 * SQS with the caller's sub and name in it, so one of these in a claim would fail every audited request,
 * leaving no record of it; refused here, it is a 401, and the refusal is audited. Every claim read is held
 * to the rule, so none can carry such a character into a record later.
 */
const NOT_SQS_CHARACTER = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** C0 and C1 controls, DEL among them: no person's id or name holds one, and logs and screens misread them. */
const CONTROL_CHARACTER = /\p{Cc}/u;

const IDENTITY_CLAIMS: ReadonlySet<string> = new Set(['sub', 'name']);

function unusableClaims(claims: Record<string, unknown>): string[] {
  return READ_CLAIMS.filter((name) => {
    const value = claims[name];
    if (typeof value !== 'string') return false;
    return NOT_SQS_CHARACTER.test(value) || (IDENTITY_CLAIMS.has(name) && CONTROL_CHARACTER.test(value));
  });
}

const ClaimStrings = /* @__PURE__ */ schema(() =>
  z.object({
    sub: z.string().check(z.trim(), z.minLength(1), z.maxLength(256)),
    name: z.optional(z.string().check(z.trim(), z.maxLength(256))),
    area: AreaId,
    agency: Agency,
    roles: z.optional(z.string()),
  }),
);

const PersonEmail = /* @__PURE__ */ schema(() => z.email().check(z.maxLength(254)));

export function callerFromClaims(claims: Record<string, string> | undefined): Caller {
  const parsed = ClaimStrings.safeParse(claims ?? {});
  const unusable = unusableClaims(claims ?? {});
  if (!parsed.success || unusable.length > 0) {
    // Claim names only: the values may be anything a token carried, and errors end up in logs.
    const invalid = parsed.success ? [] : parsed.error.issues.map((issue) => String(issue.path[0] ?? 'claims'));
    const names = [...new Set([...invalid, ...unusable])];
    throw new UnauthenticatedError(`The token's claims do not identify a caller (missing or invalid: ${names.join(', ')})`);
  }
  const { sub, name, area, agency, roles } = parsed.data;
  // Optional, and only ever an address: a token without one, or with something else there, still signs in.
  const email = PersonEmail.safeParse(claims?.['email']);
  return {
    sub,
    name: name !== undefined && name.length > 0 ? name : sub,
    area,
    agency,
    roles: parseRoles(roles),
    ...(email.success ? { email: email.data } : {}),
  };
}
