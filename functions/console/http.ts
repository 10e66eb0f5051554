/**
 * The console's view of an HTTP request and response, apart from API Gateway's event shape (which only the
 * handler module knows), so the pages can be tested without building events.
 */
import { randomBytes } from 'node:crypto';
import { UnreadableFormError } from './errors.js';

export type ConsoleRequest = {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body, for forms. */
  readonly body: string;
  readonly requestId: string;
  /** "https://host" as the browser sees it. */
  readonly origin: string;
};

export type ConsoleResponse = {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies?: readonly string[];
  readonly body: string;
  readonly isBase64Encoded?: boolean;
};

/** Forms carry free text up to 8,000 characters a field; a whole alert fits well inside this. */
export const MAX_FORM_BYTES = 256 * 1024;

/**
 * A form body as nested fields: `recipients[0][scopes][]` becomes an array inside an object inside an
 * array, so a form reads like the JSON request the contract describes. Depth and sizes are bounded, so a
 * hostile body cannot build a large structure. qs (with the side-channel and object-inspect it brings, some
 * 50 KB) is loaded by the first form: a cold start that serves a page or an asset does not read it.
 */
export async function parseForm(request: ConsoleRequest): Promise<Record<string, unknown>> {
  if (Buffer.byteLength(request.body) > MAX_FORM_BYTES) throw new UnreadableFormError('The form is too large');
  const type = request.headers['content-type'] ?? '';
  if (request.body.length > 0 && !type.startsWith('application/x-www-form-urlencoded')) {
    throw new UnreadableFormError('The form was not sent as a form');
  }
  const { default: qs } = await import('qs');
  return qs.parse(request.body, { depth: 5, arrayLimit: 50, parameterLimit: 2000, allowDots: false, strictNullHandling: false });
}

export function parseCookies(header: readonly string[] | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const pair of header ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const name = pair.slice(0, at).trim();
    if (!(name in cookies)) cookies[name] = pair.slice(at + 1).trim();
  }
  return cookies;
}

export const randomToken = (): string => randomBytes(32).toString('base64url');

export type CookieOptions = { readonly secure: boolean; readonly maxAgeSeconds?: number };

/**
 * On HTTPS the `__Host-` prefix binds the cookie to this host and path "/" with Secure; the local hub is
 * plain HTTP, where browsers refuse Secure and the prefix, so the name is plain there.
 */
export function cookieName(base: string, secure: boolean): string {
  return secure ? `__Host-${base}` : base;
}

export function setCookie(base: string, value: string, options: CookieOptions): string {
  const parts = [`${cookieName(base, options.secure)}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (options.secure) parts.push('Secure');
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  return parts.join('; ');
}

export function clearCookie(base: string, secure: boolean): string {
  return setCookie(base, '', { secure, maxAgeSeconds: 0 });
}

export function readCookie(request: ConsoleRequest, base: string): string | undefined {
  const value = request.cookies[cookieName(base, request.origin.startsWith('https:'))];
  return value !== undefined && /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : undefined;
}

/** Only a path on this host: never another origin, never a scheme-relative "//host". */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || !/^\/(?![/\\])[A-Za-z0-9\-._~/%?=&]*$/.test(value) || value.length > 500) return '/alerts';
  return value;
}

export function redirect(location: string, cookies: readonly string[] = []): ConsoleResponse {
  return { status: 303, headers: { location, 'cache-control': 'no-store' }, cookies, body: '' };
}
