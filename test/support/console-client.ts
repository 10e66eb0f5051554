/**
 * A person using the console over plain HTTP, without a browser: signs in through the local OpenID
 * provider's persona picker exactly as a browser would (following every redirect, keeping cookies), then
 * reads and posts pages. For the page tests that need many people and many requests (authorization across
 * areas and roles, bad forms, the bench); the browser tests cover what needs a browser. Free of vitest, so
 * the bench can use it too.
 */

export type PageResponse = { status: number; headers: Headers; text: string; location: string | undefined };

/** Who signs in: one of the picker's personas, or someone described on its form. */
export type Person =
  | { readonly persona: 'POLICE_NORTHUMBERLAND' | 'COORDINATOR_NORTH_TYNESIDE' | 'COORDINATOR_NEWCASTLE' | 'CHAIR_NORTHUMBERLAND' }
  | { readonly name: string; readonly area: string; readonly agency: string; readonly roles: readonly string[] };

export class ConsoleClient {
  readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  private remember(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(method: string, url: string, form?: Record<string, string | string[]> | string): Promise<PageResponse> {
    const target = new URL(url, this.base);
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers['cookie'] = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    let body: string | undefined;
    if (form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      if (typeof form === 'string') body = form;
      else {
        const params = new URLSearchParams();
        for (const [name, value] of Object.entries(form))
          for (const item of Array.isArray(value) ? value : [value]) params.append(name, item);
        body = params.toString();
      }
    }
    const response = await fetch(target, { method, headers, redirect: 'manual', ...(body === undefined ? {} : { body }) });
    this.remember(response.headers);
    const location = response.headers.get('location') ?? undefined;
    return { status: response.status, headers: response.headers, text: await response.text(), location };
  }

  get(url: string): Promise<PageResponse> {
    return this.request('GET', url);
  }

  /** Posts a form with the CSRF token of the page it came from (or none, when `csrf` is false). */
  async post(url: string, fields: Record<string, string | string[]>, options: { csrf?: string | false } = {}): Promise<PageResponse> {
    const token = options.csrf === false ? undefined : (options.csrf ?? (await this.csrfToken()));
    return this.request('POST', url, { ...(token === undefined ? {} : { csrfToken: token }), ...fields });
  }

  /** Follows redirects from a response, as a browser would. */
  async follow(response: PageResponse, limit = 10): Promise<PageResponse> {
    let current = response;
    for (let i = 0; i < limit && current.location !== undefined && current.status >= 300 && current.status < 400; i++) {
      current = await this.get(current.location);
    }
    return current;
  }

  /** The session's CSRF token, read from any signed-in page. */
  async csrfToken(): Promise<string | undefined> {
    const page = await this.get('/areas');
    return /name="csrfToken" value="([^"]+)"/.exec(page.text)?.[1];
  }

  async signIn(person: Person, returnTo = '/alerts'): Promise<PageResponse> {
    const picker = await this.follow(await this.get(`/sign-in?returnTo=${encodeURIComponent(returnTo)}`));
    if (picker.status !== 200) throw new Error(`The local sign-in page answered ${picker.status}`);
    const action = /<form method="post" action="([^"]+)"/.exec(picker.text)?.[1];
    if (action === undefined) throw new Error('The local sign-in page has no form');
    const fields: Record<string, string | string[]> =
      'persona' in person
        ? { person: person.persona }
        : { person: 'someone-else', name: person.name, area: person.area, agency: person.agency, roles: [...person.roles] };
    const landed = await this.follow(await this.request('POST', action, fields));
    if (!this.cookies.has('mset-session')) throw new Error(`Signing in did not start a session (landed on ${landed.status})`);
    return landed;
  }
}

/** The form id and CSRF token a page's form carries, to send it later as a browser would; throws without them. */
export function formOf(page: PageResponse): { readonly formId: string; readonly csrf: string } {
  const formId = /name="formId" value="([^"]+)"/.exec(page.text)?.[1];
  const csrf = /name="csrfToken" value="([^"]+)"/.exec(page.text)?.[1];
  if (formId === undefined || csrf === undefined) throw new Error(`A page that answered ${page.status} has no form to send`);
  return { formId, csrf };
}

/** The visible text of a page's <h1>, tags stripped. */
export function heading(page: PageResponse): string {
  return (/<h1[^>]*>([\s\S]*?)<\/h1>/.exec(page.text)?.[1] ?? '').replace(/<[^>]+>/g, '').trim();
}

/**
 * The fields of a complete "Send an alert" form to North Tyneside, for a child named `given` Child-Alpha,
 * moving on `movedOn` (YYYY-MM-DD). Synthetic.
 */
export function alertFormFields(given: string, movedOn = '2026-11-30'): Record<string, string | string[]> {
  return {
    'recipients[0][area]': 'north-tyneside',
    'recipients[0][scopes][]': ['IDENTITY', 'RISK'],
    'sharing[purpose]': 'To safeguard the child on arrival',
    'sharing[lawfulBasis]': 'UKGDPR_6_1_E_SCH1_PARA18',
    'sharing[consent][status]': 'NOT_SOUGHT',
    'sharing[consent][reason]': 'Seeking consent would place the child at risk',
    'sharing[handling][code]': 'P',
    'child[name][given]': given,
    'child[name][family]': 'Child-Alpha',
    'child[dateOfBirth]': '2011-03-27',
    'movement[kind]': 'FAMILY_MOVE',
    'movement[on]': movedOn,
    'risk[level]': 'SIGNIFICANT',
    'risk[exploitation][]': ['CCE'],
    'risk[summary]': 'Synthetic summary',
  };
}
