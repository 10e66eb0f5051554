/**
 * The console: server-rendered pages over the same use cases the API runs, called in process with a
 * caller built by the same claims parser from the person's session. So a page view is audited exactly as
 * an API call, and every rule (who may see what, what a change needs) is the use case's, never the page's.
 *
 * This file holds what every page shares: routing, the session and its time-outs, CSRF, security headers,
 * forms kept across a time-out, and errors mapped to GOV.UK error pages. The pages are in ./pages/.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AlertDeps } from '../core/alerts/deps.js';
import type { RequestContext } from '../core/audit.js';
import type { AnswerKeeper } from '../core/creations.js';
import {
  CompensationFailedError,
  ConflictError,
  DependencyUnavailableError,
  ForbiddenError,
  NotFoundError,
  OutcomeUnknownError,
  UnauthenticatedError,
  ValidationError,
} from '../core/errors.js';
import type { MeetingDeps } from '../core/meetings/deps.js';
import type { NotificationQueue } from '../core/notifications/ports.js';
import { open, seal } from '../core/sealing.js';
import { callerFromClaims } from '../shared/claims.js';
import type { IdempotencyStore } from '../shared/http/idempotency-store.js';
import { errorNames, logger } from '../shared/logger.js';
import { CsrfRefusedError, SignInFailedError, UnreadableFormError } from './errors.js';
import {
  type ConsoleRequest,
  type ConsoleResponse,
  clearCookie,
  parseForm,
  randomToken,
  readCookie,
  redirect,
  safeReturnPath,
  setCookie,
} from './http.js';
import { LABELS } from './labels.js';
import type { SentMail, Session, SessionStore } from './ports.js';
import { type ConsoleFiles, type Renderer, renderer } from './render.js';
import { type IdentitySettings, SignIn } from './sign-in.js';

/** What the alert and meeting use cases need, and the console's own session and idempotency stores. */
export type ConsoleDeps = AlertDeps &
  Pick<MeetingDeps, 'meetings'> & {
    readonly sessions: SessionStore;
    readonly idempotency: IdempotencyStore;
    /** A forward, a decision on one, a revocation: each tells an area's mailbox, as the API's routes do. */
    readonly notifications: NotificationQueue;
    /** The local hub's mail outbox, for its /outbox page; absent on a deployed hub, where the page is not found. */
    readonly sentMail?: SentMail | undefined;
  };

export type ConsoleSettings = {
  readonly files: ConsoleFiles;
  /** Read on the first sign-in: the local hub knows its provider's address only once it listens. */
  readonly identity: () => IdentitySettings;
  readonly idleMinutes: number;
  readonly absoluteHours: number;
  /** Shows the local hub's banner. */
  readonly localHub?: boolean;
  /** When the local hub runs on a shifted clock (for trainers): what its clock reads, shown in the banner. */
  readonly shiftedClock?: () => string;
};

export const DEFAULT_IDLE_MINUTES = 30;
export const DEFAULT_ABSOLUTE_HOURS = 8;

const SESSION_COOKIE = 'mset-session';
const KEPT_COOKIE = 'mset-kept';
const SIGN_IN_COOKIE = 'mset-sign-in';
/** Activity is written at most this often, so browsing a page a second costs no write a second. */
const TOUCH_AFTER_MS = 60_000;
const KEEP_FORMS_FOR_MS = 24 * 60 * 60 * 1000;
/** How a second press of a form waits for the first to finish: about 3 s in all, well within the function's time-out. */
const SAME_FORM_PAUSES_MS = [100, 200, 400, 800, 1500] as const;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export type View = { readonly view: string; readonly data: Record<string, unknown>; readonly status?: number };

/** What a page handler gets: the request, its path parameters, and for signed-in pages the person. */
export type PageContext = {
  readonly request: ConsoleRequest;
  readonly params: Readonly<Record<string, string>>;
  readonly deps: ConsoleDeps;
  readonly now: Date;
  readonly session: Session;
  /** The person, as the API's use cases see a caller. */
  readonly context: RequestContext;
  /** The form, parsed; CSRF has been checked before the page runs. */
  form(): Record<string, unknown>;
  /** What the person typed into this page's form before their session ended, given back once. */
  restored(): Promise<Record<string, unknown> | undefined>;
  /**
   * Runs a change once per form, however often the form is sent (a double click, a retry after a time-out).
   * The change answers with where the person goes next. A creation may remember that beside its own writes
   * (`keep`, see FormChange), so that nothing is written after its commit.
   */
  once(form: Record<string, unknown>, purpose: string, change: FormChange): Promise<ConsoleResponse>;
  saveDraft(value: unknown): Promise<void>;
  draft<T>(): Promise<T | undefined>;
  clearDraft(): Promise<void>;
};

export type Page = (page: PageContext) => Promise<View | ConsoleResponse>;

type RouteEntry = { readonly method: 'GET' | 'POST'; readonly pattern: RegExp; readonly names: readonly string[]; readonly page: Page };

/** Pages register themselves with paths like "/alerts/:alertId/acknowledge". */
export class PageRoutes {
  readonly entries: RouteEntry[] = [];
  private readonly sections: Array<{ readonly prefix: string; readonly load: () => Promise<PageRoutes> }> = [];

  get(path: string, page: Page): this {
    return this.add('GET', path, page);
  }

  post(path: string, page: Page): this {
    return this.add('POST', path, page);
  }

  /**
   * Pages at `prefix` and under it, whose code is loaded by the first request for one of them: a cold start
   * then reads the pages it serves (an alert's, say), not every page of the console (a meeting's, its
   * calendar file). Sections' prefixes do not overlap, so the order pages are matched in stays each section's.
   */
  section(prefix: string, register: () => Promise<(routes: PageRoutes) => unknown>): this {
    const within = (path: string, of: string) => path === of || path.startsWith(`${of}/`);
    const overlapping = this.sections.find((section) => within(prefix, section.prefix) || within(section.prefix, prefix));
    if (overlapping !== undefined) throw new TypeError(`The console section ${prefix} overlaps ${overlapping.prefix}`);
    let loaded: Promise<PageRoutes> | undefined;
    const load = () => {
      loaded ??= register().then((add) => {
        const routes = new PageRoutes();
        add(routes);
        return routes;
      });
      // A failed load is tried again by the next request, not remembered.
      loaded.catch(() => {
        loaded = undefined;
      });
      return loaded;
    };
    this.sections.push({ prefix, load });
    return this;
  }

  /** The page for a request and its path parameters, loading its section first if need be. */
  async match(method: string, path: string): Promise<{ entry: RouteEntry; params: Record<string, string> } | undefined> {
    const section = this.sections.find(({ prefix }) => path === prefix || path.startsWith(`${prefix}/`));
    const routes = section === undefined ? this : await section.load();
    for (const entry of routes.entries) {
      if (entry.method !== method) continue;
      const found = entry.pattern.exec(path);
      if (found === null) continue;
      const params: Record<string, string> = {};
      entry.names.forEach((name, i) => {
        params[name] = found[i + 1] ?? '';
      });
      return { entry, params };
    }
    return undefined;
  }

  private add(method: 'GET' | 'POST', path: string, page: Page): this {
    const names: string[] = [];
    const source = path
      .split(/(:[A-Za-z]+)/)
      .map((part) => {
        if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(part.slice(1));
        return '([A-Za-z0-9-]{1,64})';
      })
      .join('');
    this.entries.push({ method, pattern: new RegExp(`^${source}$`), names, page });
    return this;
  }
}

function navigationFor(context: RequestContext, path: string) {
  const roles = context.caller.roles;
  const items: Array<{ href: string; text: string }> = [];
  const reads = roles.some((role) => role !== 'auditor');
  if (reads) items.push({ href: '/alerts', text: 'Alerts received' }, { href: '/alerts/sent', text: 'Alerts sent' });
  if (roles.some((role) => role === 'police' || role === 'coordinator' || role === 'chair')) {
    items.push({ href: '/alerts/new', text: 'Send an alert' });
  }
  if (reads) items.push({ href: '/meetings', text: 'Meetings' });
  if (roles.some((role) => role !== 'practitioner')) items.push({ href: '/history', text: 'Access histories' });
  items.push({ href: '/areas', text: 'Areas' });
  const current = [...items]
    .sort((a, b) => b.href.length - a.href.length)
    .find((item) => path === item.href || path.startsWith(`${item.href}/`));
  return items.map((item) => ({ ...item, active: item === current, current: item.href === path }));
}

export function consoleApp(
  deps: ConsoleDeps,
  settings: ConsoleSettings,
  routes: PageRoutes,
): (request: ConsoleRequest) => Promise<ConsoleResponse> {
  let views: Renderer | undefined;
  const view = () => {
    views ??= renderer(settings.files);
    return views;
  };
  const signIn = new SignIn(settings.identity);
  const idleMs = settings.idleMinutes * 60_000;

  const render = (
    request: ConsoleRequest,
    name: string,
    data: Record<string, unknown>,
    status: number,
    signedIn?: { session: Session; context: RequestContext },
    cookies: readonly string[] = [],
  ): ConsoleResponse => {
    const nonce = randomBytes(16).toString('base64');
    const caller = signedIn?.context.caller;
    const body = view().render(name, {
      ...data,
      cspNonce: nonce,
      localHub: settings.localHub === true,
      ...(settings.shiftedClock === undefined ? {} : { shiftedClock: settings.shiftedClock() }),
      idleSeconds: settings.idleMinutes * 60,
      ...(caller === undefined || signedIn === undefined
        ? {}
        : {
            person: {
              name: caller.name,
              areaName: deps.areas.get(caller.area)?.name ?? caller.area,
              roles: caller.roles.map((role) => LABELS.role[role]).join(', ') || 'no role',
            },
            navigation: navigationFor(signedIn.context, request.path),
            csrfToken: signedIn.session.csrfToken,
          }),
    });
    return { status, headers: pageHeaders(request, nonce, 'text/html; charset=utf-8'), cookies, body };
  };

  const errorPage = (request: ConsoleRequest, status: number, signedIn?: { session: Session; context: RequestContext }) => {
    const pages: Record<number, { title: string; paragraphs: string[] }> = {
      400: { title: 'There is a problem with the form', paragraphs: ['The form could not be read. Go back and try again.'] },
      403: {
        title: 'You do not have permission to do this',
        paragraphs: ['Your role does not allow this, or the form had expired. Go back, reload the page and try again.'],
      },
      404: {
        title: 'Page not found',
        paragraphs: [
          'If you typed the web address, check it is correct.',
          'If you pasted the web address, check you copied the entire address.',
        ],
      },
      409: {
        title: 'That has already been done',
        paragraphs: ['Someone may have made a change at the same time. Go back and reload the page to see it.'],
      },
      503: {
        title: 'Sorry, there is a problem with the service',
        paragraphs: ['Try again later. Nothing you sent has been lost: if it did not go through, send it again.'],
      },
    };
    // A GET has no form: what it could not read is in its address (a changed filter or page link).
    const content =
      status === 400 && request.method === 'GET'
        ? {
            title: 'There is a problem with the page address',
            paragraphs: ['The address has something this service does not understand. Go back and try again.'],
          }
        : (pages[status] ?? (pages[503] as { title: string; paragraphs: string[] }));
    return render(request, 'error', content, status, signedIn);
  };

  /** Why the last session ended, for the page that says so: inactivity, or its absolute end. */
  const endedBecause = new WeakMap<ConsoleRequest, 'timeout' | 'expired'>();
  const loadSession = async (request: ConsoleRequest, now: Date): Promise<Session | 'ended' | undefined> => {
    const token = readCookie(request, SESSION_COOKIE);
    if (token === undefined) return undefined;
    const session = await deps.sessions.get(hashOf(token));
    // Signed out, or gone long ago: as if there were no cookie.
    if (session === undefined) return undefined;
    if (now >= new Date(session.endsAt)) {
      endedBecause.set(request, 'expired');
      return 'ended';
    }
    if (now.getTime() >= new Date(session.lastSeenAt).getTime() + idleMs) return 'ended';
    return session;
  };

  const handle = async (request: ConsoleRequest): Promise<ConsoleResponse> => {
    const now = deps.clock.now();
    const secure = request.origin.startsWith('https:');

    if (request.method === 'GET' && request.path.startsWith('/assets/')) return asset(view(), request);

    if (request.method === 'GET' && request.path === '/') {
      const session = await loadSession(request, now);
      if (session !== undefined && session !== 'ended') return redirect('/alerts');
      return render(request, 'start', { title: 'Sign in', returnTo: '/alerts' }, 200);
    }
    if (request.method === 'GET' && request.path === '/sign-in') {
      const pendingToken = randomToken();
      const location = await signIn.start(request, deps.sessions, hashOf(pendingToken), safeReturnPath(request.query['returnTo']), now);
      return redirect(location, [setCookie(SIGN_IN_COOKIE, pendingToken, { secure, maxAgeSeconds: 600 })]);
    }
    if (request.method === 'GET' && request.path === '/auth/callback') return finishSignIn(request, now, secure);
    if (request.method === 'GET' && request.path === '/signed-out') {
      // The page says the person is signed out, so they are: the time-out warning's countdown ends here
      // too, a moment before the server would have ended the session by itself.
      const token = readCookie(request, SESSION_COOKIE);
      if (token !== undefined) await deps.sessions.end(hashOf(token));
      const reason = request.query['reason'];
      const paragraphs: Record<string, string> = {
        timeout: `You were signed out because you had not used the service for ${settings.idleMinutes} minutes.`,
        expired: `You were signed out because you had been signed in for ${settings.absoluteHours} hours, the longest a session lasts.`,
      };
      return render(
        request,
        'signed-out',
        {
          title: reason === 'timeout' || reason === 'expired' ? 'You have been signed out' : 'You have signed out',
          paragraphs: [paragraphs[reason ?? ''] ?? 'You have signed out of the MSET Cross-Boundary Hub.'],
          returnTo: safeReturnPath(request.query['returnTo']),
        },
        200,
        undefined,
      );
    }
    if (request.method === 'GET' && request.path === '/form-kept') {
      return render(
        request,
        'signed-out',
        {
          title: 'Sign in to finish what you were doing',
          paragraphs: [
            'Your session had ended before your form arrived, so nothing was sent.',
            'We have kept what you typed, securely, for a day. Sign in again and you will go back to the form, filled in, to check and send it.',
          ],
          returnTo: safeReturnPath(request.query['returnTo']),
        },
        200,
      );
    }

    const session = await loadSession(request, now);
    if (session === undefined || session === 'ended') {
      if (session === 'ended') {
        const token = readCookie(request, SESSION_COOKIE);
        if (token !== undefined) {
          const ended = await deps.sessions.get(hashOf(token));
          await deps.sessions.end(hashOf(token));
          if (request.method === 'POST' && ended !== undefined) return keepForm(request, ended, now, secure);
        }
      }
      // Back to this page after signing in again (a POST's page is its form's, where it was kept).
      const returnTo = encodeURIComponent(safeReturnPath(request.path));
      if (session === undefined && (request.method === 'GET' || request.method === 'HEAD')) {
        // A cookie naming no session (signed out, or long gone) is dropped on the way.
        const dead = readCookie(request, SESSION_COOKIE) === undefined ? [] : [clearCookie(SESSION_COOKIE, secure)];
        return redirect(`/sign-in?returnTo=${returnTo}`, dead);
      }
      const reason = endedBecause.get(request) ?? 'timeout';
      return redirect(`/signed-out?reason=${reason}&returnTo=${returnTo}`, [clearCookie(SESSION_COOKIE, secure)]);
    }

    let context: RequestContext;
    try {
      context = { caller: callerFromClaims({ ...session.claims }), requestId: request.requestId };
    } catch {
      await deps.sessions.end(session.key);
      return redirect('/', [clearCookie(SESSION_COOKIE, secure)]);
    }
    const signedIn = { session, context };
    if (now.getTime() - new Date(session.lastSeenAt).getTime() >= TOUCH_AFTER_MS) {
      await deps.sessions.touch(session.key, now.toISOString());
    }

    if (request.method === 'GET' && request.path === '/sign-out') {
      await deps.sessions.end(session.key);
      await deps.audit.record(context, 'CONSOLE_SIGN_OUT', 'SUCCESS');
      return redirect('/signed-out', [clearCookie(SESSION_COOKIE, secure)]);
    }

    // Only a POST has a form; a GET's page reads none.
    let form: Record<string, unknown> = {};
    try {
      if (request.method === 'POST') {
        form = await parseForm(request);
        const token = form['csrfToken'];
        if (!sameToken(token, session.csrfToken)) throw new CsrfRefusedError('The form did not carry this session’s token');
        if (request.path === '/session/extend') {
          await deps.sessions.touch(session.key, now.toISOString());
          return { status: 204, headers: pageHeaders(request, undefined, 'text/plain'), body: '' };
        }
      }
      const found = await routes.match(request.method, request.path);
      if (found === undefined) return errorPage(request, 404, signedIn);
      const result = await found.entry.page({
        request,
        params: found.params,
        deps,
        now,
        session,
        context,
        form: () => form,
        restored: () => restoredForm(session, request),
        once: (fields, purpose, change) => once(deps, context, session, fields, purpose, change, now),
        saveDraft: async (value) =>
          deps.sessions.saveDraft(session.key, await seal(deps.keys, { purpose: 'console-draft', session: session.key }, value)),
        draft: async <T>() =>
          session.draft === undefined ? undefined : open<T>(deps.keys, { purpose: 'console-draft', session: session.key }, session.draft),
        clearDraft: () => deps.sessions.saveDraft(session.key, undefined),
      });
      if ('view' in result) return render(request, result.view, result.data, result.status ?? 200, signedIn);
      return result;
    } catch (error) {
      if (error instanceof CsrfRefusedError) {
        await deps.audit.record(context, 'CONSOLE_FORM', 'FORBIDDEN', { detail: { reason: 'csrf', path: request.path.slice(0, 200) } });
        return errorPage(request, 403, signedIn);
      }
      if (error instanceof NotFoundError) return errorPage(request, 404, signedIn);
      if (error instanceof ForbiddenError) return errorPage(request, 403, signedIn);
      if (error instanceof ConflictError) return errorPage(request, 409, signedIn);
      if (error instanceof UnreadableFormError || error instanceof ValidationError) {
        return errorPage(request, 400, signedIn);
      }
      if (error instanceof UnauthenticatedError) return redirect('/', [clearCookie(SESSION_COOKIE, secure)]);
      logger.error('console page failed', {
        requestId: request.requestId,
        errors: errorNames(error),
        ...(error instanceof DependencyUnavailableError ? { dependency: error.dependency } : {}),
      });
      return errorPage(request, 503, signedIn);
    }
  };

  const finishSignIn = async (request: ConsoleRequest, now: Date, secure: boolean): Promise<ConsoleResponse> => {
    const pendingToken = readCookie(request, SIGN_IN_COOKIE);
    const clear = [clearCookie(SIGN_IN_COOKIE, secure)];
    let result: Awaited<ReturnType<SignIn['finish']>>;
    try {
      if (pendingToken === undefined) throw new SignInFailedError('No sign-in under way');
      result = await signIn.finish(request, deps.sessions, hashOf(pendingToken), now);
    } catch (error) {
      logger.warn('sign-in refused', { requestId: request.requestId, errors: errorNames(error) });
      return {
        ...render(
          request,
          'signed-out',
          { title: 'Sign-in did not work', paragraphs: ['Try signing in again.'], returnTo: '/alerts' },
          400,
        ),
        cookies: clear,
      };
    }
    let context: RequestContext;
    try {
      context = { caller: callerFromClaims(result.claims), requestId: request.requestId };
    } catch (error) {
      logger.warn('sign-in refused', { requestId: request.requestId, errors: errorNames(error) });
      await deps.audit.unauthenticated(request.requestId, 'console sign-in');
      return {
        ...render(
          request,
          'error',
          {
            title: 'Your account cannot use this service',
            paragraphs: ['Your account does not name an MSET area and agency. Ask your administrator.'],
          },
          403,
        ),
        cookies: clear,
      };
    }
    const token = randomToken();
    const session: Session = {
      key: hashOf(token),
      claims: result.claims,
      csrfToken: randomToken(),
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      endsAt: new Date(now.getTime() + settings.absoluteHours * 3_600_000).toISOString(),
      ...(result.idToken === undefined ? {} : { idToken: result.idToken }),
    };
    await deps.sessions.create(session);
    await deps.audit.record(context, 'CONSOLE_SIGN_IN', 'SUCCESS');
    const cookies = [...clear, setCookie(SESSION_COOKIE, token, { secure })];
    // A form kept from an ended session goes back to the person who typed it, and to nobody else.
    const keptToken = readCookie(request, KEPT_COOKIE);
    if (keptToken !== undefined) {
      cookies.push(clearCookie(KEPT_COOKIE, secure));
      const kept = await deps.sessions.takeForm(hashOf(keptToken));
      if (kept !== undefined && kept.sub === context.caller.sub) {
        const { typed, draft } = await open<{ typed: Record<string, unknown>; draft?: Record<string, unknown> }>(
          deps.keys,
          { purpose: 'console-kept-form', sub: kept.sub },
          kept.fields,
        );
        const restored = { ...(draft ?? {}), restored: { path: kept.path, fields: typed } };
        await deps.sessions.saveDraft(session.key, await seal(deps.keys, { purpose: 'console-draft', session: session.key }, restored));
        // Back to the page the form was on, to check it and send it again: a GET, so nothing is sent unseen.
        return redirect(kept.path, cookies);
      }
    }
    return redirect(result.returnTo, cookies);
  };

  const keepForm = async (request: ConsoleRequest, ended: Session, now: Date, secure: boolean): Promise<ConsoleResponse> => {
    let fields: Record<string, unknown>;
    try {
      fields = await parseForm(request);
    } catch {
      return redirect('/signed-out?reason=timeout', [clearCookie(SESSION_COOKIE, secure)]);
    }
    const { csrfToken: _csrf, ...typed } = fields;
    const sub = ended.claims['sub'] ?? '';
    const token = randomToken();
    // An alert being checked before sending lives in the session's draft: it is kept with the form.
    const draft =
      ended.draft === undefined ? undefined : await open(deps.keys, { purpose: 'console-draft', session: ended.key }, ended.draft);
    await deps.sessions.keepForm({
      key: hashOf(token),
      sub,
      // Every form posts to the address it is shown at, so that is where it is given back.
      path: request.path,
      fields: await seal(deps.keys, { purpose: 'console-kept-form', sub }, { typed, draft }),
      expiresAt: new Date(now.getTime() + KEEP_FORMS_FOR_MS).toISOString(),
    });
    return redirect(`/form-kept?returnTo=${encodeURIComponent(request.path)}`, [
      clearCookie(SESSION_COOKIE, secure),
      setCookie(KEPT_COOKIE, token, { secure, maxAgeSeconds: KEEP_FORMS_FOR_MS / 1000 }),
    ]);
  };

  const restoredForm = async (session: Session, request: ConsoleRequest): Promise<Record<string, unknown> | undefined> => {
    if (session.draft === undefined) return undefined;
    const draft = await open<{ restored?: { path: string; fields: Record<string, unknown> } }>(
      deps.keys,
      { purpose: 'console-draft', session: session.key },
      session.draft,
    );
    if (draft?.restored === undefined || draft.restored.path !== request.path) return undefined;
    // Given back once; the rest of the draft (an alert being checked) stays.
    const { restored, ...rest } = draft;
    await deps.sessions.saveDraft(
      session.key,
      Object.keys(rest).length === 0 ? undefined : await seal(deps.keys, { purpose: 'console-draft', session: session.key }, rest),
    );
    return restored.fields;
  };

  return async (request) => {
    try {
      return await handle(request);
    } catch (error) {
      logger.error('console request failed', { requestId: request.requestId, errors: errorNames(error) });
      return errorPage(request, error instanceof UnreadableFormError ? 400 : 503);
    }
  };
}

/**
 * A form's change: where the person goes next, or that and the answer it was worked out from. `keep` makes
 * the AnswerKeeper a creation's use case calls beside its writes, remembering the page `locate` gives for its
 * answer before the commit that makes it true has landed (a second send of the form is shown it only once
 * that commit is found). That stands only if the change answers with the very answer it kept: one that
 * found another attempt of the form's claim had made the creation answers with that one's, whose commit the
 * kept proof does not name, and is remembered again, without one.
 */
export type FormChange = (
  context: RequestContext,
  keep: <A>(locate: (answer: A) => string) => AnswerKeeper<A>,
) => Promise<string | { readonly location: string; readonly answer: unknown }>;

function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** PageContext.once: exported for its fault paths' tests; pages reach it through their PageContext. */
export async function once(
  deps: Pick<ConsoleDeps, 'idempotency'>,
  context: RequestContext,
  session: Pick<Session, 'claims'>,
  fields: Record<string, unknown>,
  purpose: string,
  change: FormChange,
  now: Date,
): Promise<ConsoleResponse> {
  const formId = typeof fields['formId'] === 'string' && /^[A-Za-z0-9_-]{20,64}$/.test(fields['formId']) ? fields['formId'] : undefined;
  // Without a form id there is no claim, and nothing to remember an answer for.
  if (formId === undefined) return redirect(locationOf(await change(context, () => async () => undefined)));
  const key = `console:${session.claims['sub']}:${purpose}:${formId}`;
  const { csrfToken: _csrf, ...rest } = fields;
  const requestHash = createHash('sha256').update(JSON.stringify(rest)).digest('hex');
  const leaseUntil = new Date(now.getTime() + 35_000);
  const claimForm = () =>
    deps.idempotency.claim(key, requestHash, { now, leaseUntil, expiresAt: new Date(now.getTime() + 24 * 3_600_000) });
  let claim = await claimForm();
  // Pressed again while the first press is still being sent (a browser shows only the last answer): this
  // one waits for the first, a few seconds at most and asking less often the longer it waits, to show the
  // person what it did rather than a refusal.
  for (const pause of SAME_FORM_PAUSES_MS) {
    if (claim.claimed || claim.record.state !== 'IN_PROGRESS' || claim.record.requestHash !== requestHash) break;
    await sleep(pause);
    claim = await claimForm();
  }
  if (!claim.claimed) {
    // Sent twice: the first one's result stands, and the person is shown it.
    // The same form changed and sent again (Back, edit, send) is not sent twice either: the person is told.
    if (claim.record.requestHash !== requestHash) throw new ConflictError('This form was already sent');
    if (claim.record.state === 'COMPLETED') return redirect(JSON.parse(claim.record.response).location as string);
    throw new ConflictError('This form is still being sent');
  }
  const held = claim.claim;
  const rememberUntil = new Date(now.getTime() + 24 * 3_600_000);
  let kept: unknown;
  const keep =
    <A>(locate: (answer: A) => string): AnswerKeeper<A> =>
    async (answer, proof) => {
      await deps.idempotency.complete(key, held, JSON.stringify({ location: locate(answer) }), rememberUntil, proof);
      kept = answer;
    };
  let changed: Awaited<ReturnType<FormChange>>;
  try {
    // A new key's claim id is new too: the change need not look for what an earlier try stored under it.
    changed = await change({ ...context, claim: held, ...(claim.fresh === true ? { claimIsNew: true as const } : {}) }, keep);
  } catch (error) {
    // Whether the change stands is not known, or its correction is not on record: the claim is kept, so that
    // the next send (after the lease) is the same attempt, with the same events, and finds out.
    if (!(error instanceof OutcomeUnknownError || error instanceof CompensationFailedError)) {
      await deps.idempotency.release(key, held, leaseUntil).catch(() => undefined);
    }
    throw error;
  }
  const location = locationOf(changed);
  if (kept === undefined || typeof changed === 'string' || changed.answer !== kept) {
    const response = JSON.stringify({ location });
    // The change is made: failing to remember it must neither fail it nor free the form for a second one.
    // One retry, then a line operators see; a send after the lease runs the same attempt, which finds it made.
    await deps.idempotency
      .complete(key, held, response, rememberUntil)
      .catch(() => deps.idempotency.complete(key, held, response, rememberUntil))
      .catch((error: unknown) => logger.error('console form answer not remembered', { purpose, errors: errorNames(error) }));
  }
  return redirect(location);
}

function locationOf(changed: Awaited<ReturnType<FormChange>>): string {
  return typeof changed === 'string' ? changed : changed.location;
}

async function asset(views: Renderer, request: ConsoleRequest): Promise<ConsoleResponse> {
  const name = request.path.slice('/assets/'.length);
  const file = views.served.get(name);
  if (file === undefined) return { status: 404, headers: { 'content-type': 'text/plain', 'cache-control': 'no-store' }, body: 'Not found' };
  const type = name.endsWith('.css')
    ? 'text/css'
    : name.endsWith('.svg')
      ? 'image/svg+xml'
      : name.endsWith('.js') || name.endsWith('.mjs')
        ? 'text/javascript'
        : 'application/octet-stream';
  const content = await readFile(file);
  return {
    status: 200,
    // The name changes with the content, so the file never does.
    headers: { 'content-type': type, 'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff' },
    body: content.toString('base64'),
    isBase64Encoded: true,
  };
}

export function pageHeaders(request: ConsoleRequest, nonce: string | undefined, type: string): Record<string, string> {
  const csp = [
    "default-src 'self'",
    `script-src 'self'${nonce === undefined ? '' : ` 'nonce-${nonce}'`}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
  return {
    'content-type': type,
    'content-security-policy': csp,
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    // Every page may hold child data: nothing is kept by the browser or a proxy.
    'cache-control': 'no-store',
    ...(request.origin.startsWith('https:') ? { 'strict-transport-security': 'max-age=63072000; includeSubDomains' } : {}),
  };
}
