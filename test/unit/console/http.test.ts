import { describe, expect, it } from 'vitest';
import { UnreadableFormError } from '../../../functions/console/errors.js';
import { deadline, when } from '../../../functions/console/format.js';
import {
  type ConsoleRequest,
  clearCookie,
  parseCookies,
  parseForm,
  readCookie,
  safeReturnPath,
  setCookie,
} from '../../../functions/console/http.js';

const request = (overrides: Partial<ConsoleRequest> = {}): ConsoleRequest => ({
  method: 'POST',
  path: '/alerts/new',
  query: {},
  cookies: {},
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: '',
  requestId: 'r',
  origin: 'http://localhost:3000',
  ...overrides,
});

describe('cookies', () => {
  it('are HttpOnly and SameSite=Lax, and on HTTPS Secure under the __Host- prefix', () => {
    expect(setCookie('mset-session', 'abc', { secure: true })).toBe('__Host-mset-session=abc; Path=/; HttpOnly; SameSite=Lax; Secure');
    expect(setCookie('mset-session', 'abc', { secure: false })).toBe('mset-session=abc; Path=/; HttpOnly; SameSite=Lax');
    expect(clearCookie('mset-session', true)).toContain('Max-Age=0');
  });

  it('are read under the name the origin gives them, and only when shaped like an id the hub issued', () => {
    const token = 'a'.repeat(43);
    expect(readCookie(request({ origin: 'https://hub.example', cookies: { '__Host-mset-session': token } }), 'mset-session')).toBe(token);
    // A plain-named cookie on HTTPS may have been set by a sibling host: not ours.
    expect(readCookie(request({ origin: 'https://hub.example', cookies: { 'mset-session': token } }), 'mset-session')).toBeUndefined();
    expect(readCookie(request({ cookies: { 'mset-session': 'short' } }), 'mset-session')).toBeUndefined();
    expect(readCookie(request({ cookies: { 'mset-session': `${token};x` } }), 'mset-session')).toBeUndefined();
  });

  it('parses the first of each name', () => {
    expect(parseCookies(['a=1', 'b = 2', 'a=3', 'broken', '=x'])).toEqual({ a: '1', b: '2' });
  });
});

describe('forms', () => {
  it('nest bracketed names like the JSON request', async () => {
    const body =
      'recipients%5B0%5D%5Barea%5D=north-tyneside&recipients%5B0%5D%5Bscopes%5D%5B%5D=IDENTITY&recipients%5B0%5D%5Bscopes%5D%5B%5D=RISK';
    await expect(parseForm(request({ body }))).resolves.toEqual({ recipients: [{ area: 'north-tyneside', scopes: ['IDENTITY', 'RISK'] }] });
  });

  it('cannot pollute prototypes or nest without bound', async () => {
    const parsed = await parseForm(request({ body: '__proto__%5Bpolluted%5D=1&a%5Bb%5D%5Bc%5D%5Bd%5D%5Be%5D%5Bf%5D%5Bg%5D%5Bh%5D=1' }));
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(JSON.stringify(parsed).length).toBeLessThan(200);
  });

  it('refuses what is not a form, or too large', async () => {
    await expect(parseForm(request({ headers: { 'content-type': 'application/json' }, body: '{}' }))).rejects.toThrow(UnreadableFormError);
    await expect(parseForm(request({ body: 'a='.padEnd(300 * 1024, 'x') }))).rejects.toThrow(UnreadableFormError);
  });
});

describe('return paths', () => {
  it.each(['/alerts', '/alerts/123?status=OVERDUE', '/meetings/abc'])('keeps %s', (path) => {
    expect(safeReturnPath(path)).toBe(path);
  });

  it.each(['//evil.example', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)', '', undefined, ['/alerts'], '/a b'])(
    'replaces %s with the inbox',
    (path) => {
      expect(safeReturnPath(path)).toBe('/alerts');
    },
  );
});

describe('deadlines in words and London time', () => {
  const now = new Date('2026-06-01T10:00:00Z'); // 11:00 in London (BST)

  it('says how long is left and by when', () => {
    expect(deadline('2026-06-01T13:10:00Z', now)).toEqual({
      overdue: false,
      relative: 'due in 3 hours 10 minutes',
      absolute: 'by 14:10 today',
    });
    expect(deadline('2026-06-02T08:00:00Z', now).absolute).toBe('by 09:00 tomorrow');
  });

  it('says overdue in words, not only in colour', () => {
    expect(deadline('2026-06-01T09:40:00Z', now)).toEqual({ overdue: true, relative: 'overdue by 20 minutes', absolute: 'by 10:40 today' });
    expect(deadline('2026-06-01T10:00:00Z', now).overdue).toBe(true);
  });

  it('names a day further away', () => {
    expect(when('2026-06-04T08:00:00Z', now)).toBe('09:00 on Thursday 4 June');
  });
});
