/**
 * The local hub's OpenID provider: `oidc-provider` (OpenID-certified), signing ID tokens with the local
 * identity provider's key, in place of the Entra ID or Cognito a deployment signs in with. Its sign-in page
 * is a persona picker (area, agency, roles, name) that says plainly it is the local sign-in; it asks for no
 * password, since every person here is synthetic. It runs beside the gateway under /idp: on AWS the provider
 * is another host, so nothing here is a route or ships in a Lambda bundle.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JWK } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';
import { AGENCIES, ROLES } from '../contracts/identity.js';
import type { AreaDirectory } from '../functions/core/areas.js';
import { OidcStateFile, oidcAdapter } from './oidc-state.js';
import { PERSONAS } from './personas.js';

export const LOCAL_CONSOLE_CLIENT = 'mset-console';
export const IDP_PREFIX = '/idp';
/** What the console asks for beyond openid: the person's name, and the claims the hub reads. */
export const LOCAL_SCOPE = 'profile email mset';

type PersonClaims = { sub: string; name: string; area: string; agency: string; roles: string[]; email?: string };

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export type LocalOidcProvider = {
  readonly issuer: string;
  handle(req: IncomingMessage, res: ServerResponse): void;
};

export function localOidcProvider(options: {
  readonly hubUrl: string;
  readonly signingKey: JWK;
  readonly areas: AreaDirectory;
  /** The console's stylesheet, so the local sign-in looks like the service it signs in to. */
  readonly stylesheet: string;
  /** The file its state is kept in, in the hub's data directory. */
  readonly statePath: string;
}): LocalOidcProvider {
  const issuer = `${options.hubUrl}${IDP_PREFIX}`;
  // The same hub answers at localhost and 127.0.0.1; the console sends whichever the browser used.
  const origins = [options.hubUrl, options.hubUrl.replace('127.0.0.1', 'localhost')];
  const state = new OidcStateFile(options.statePath);
  const personBySub = (sub: string) => state.get(`Person:${sub}`) as PersonClaims | undefined;

  const configuration: Configuration = {
    clients: [
      {
        client_id: LOCAL_CONSOLE_CLIENT,
        token_endpoint_auth_method: 'none',
        redirect_uris: [...new Set(origins)].map((origin) => `${origin}/auth/callback`),
        grant_types: ['authorization_code'],
        response_types: ['code'],
        id_token_signed_response_alg: 'ES256',
      },
    ],
    jwks: { keys: [options.signingKey as never] },
    claims: { openid: ['sub'], profile: ['name'], email: ['email'], mset: ['area', 'agency', 'roles'] },
    scopes: ['openid', 'profile', 'email', 'mset'],
    // The console reads the person from the ID token, as it would from Entra ID's.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    // Short-lived: the console keeps its own session once signed in, and asks for a login each time.
    ttl: { Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
    interactions: { url: (_ctx, interaction) => `${IDP_PREFIX}/interaction/${interaction.uid}` },
    adapter: oidcAdapter(state),
    // The cookie keys are kept too, so the provider's cookies from before a restart still verify.
    cookies: { keys: [cookieKey(state)] },
    findAccount: (_ctx, id) => {
      const claims = personBySub(id);
      if (claims === undefined) return undefined;
      return { accountId: id, claims: () => ({ ...claims }) };
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page(
        options.stylesheet,
        'Sign-in did not work',
        `<p class="govuk-body">${escapeHtml(String(out['error_description'] ?? out['error'] ?? 'error'))}</p><p class="govuk-body"><a class="govuk-link" href="${escapeHtml(options.hubUrl)}/">Start again</a></p>`,
      );
    },
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();

  const interaction = async (req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined) => {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    if (req.method === 'GET' && action === undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(pickerPage(options.stylesheet, uid, options.areas));
      return;
    }
    if (req.method === 'POST' && action === 'login') {
      const form = new URLSearchParams(await body(req));
      const chosen = chosenPerson(form, options.areas);
      if (chosen === undefined) {
        res.writeHead(400, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(
          pickerPage(options.stylesheet, uid, options.areas, 'Choose a person, or give a name, an area, an agency and at least one role'),
        );
        return;
      }
      await state.set(`Person:${chosen.sub}`, chosen);
      const grant = new provider.Grant({ accountId: chosen.sub, clientId: String(details.params['client_id']) });
      grant.addOIDCScope(String(details.params['scope']));
      const grantId = await grant.save();
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: chosen.sub }, consent: { grantId } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    res.writeHead(404).end();
  };

  return {
    issuer,
    handle: (req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const found = /^\/idp\/interaction\/([A-Za-z0-9_-]+)(?:\/(login))?$/.exec(path);
      if (found !== null) {
        interaction(req, res, found[1] as string, found[2]).catch(() => {
          if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
          res.end(
            page(options.stylesheet, 'Sign-in did not work', `<p class="govuk-body"><a class="govuk-link" href="/">Start again</a></p>`),
          );
        });
        return;
      }
      // The provider's routes are relative to where it is mounted, as under an Express mount.
      const original = req.url ?? '/';
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = original;
      req.url = original.slice(IDP_PREFIX.length) || '/';
      callback(req, res);
    },
  };
}

function cookieKey(state: OidcStateFile): string {
  const stored = state.get('CookieKey:current')?.['key'];
  if (typeof stored === 'string') return stored;
  const key = crypto.randomUUID();
  void state.set('CookieKey:current', { key });
  return key;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > 10_000) req.destroy();
    });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function chosenPerson(form: URLSearchParams, areas: AreaDirectory): PersonClaims | undefined {
  const picked = form.get('person');
  const persona = PERSONAS.find((candidate) => candidate.variable === picked);
  if (persona !== undefined) {
    return {
      sub: persona.claims.sub ?? persona.variable,
      name: persona.claims.name ?? persona.label,
      area: persona.claims.area,
      agency: persona.claims.agency ?? 'other',
      roles: [...persona.claims.roles],
      ...(persona.claims.email === undefined ? {} : { email: persona.claims.email }),
    };
  }
  if (picked !== 'someone-else') return undefined;
  const name = (form.get('name') ?? '').trim();
  const area = form.get('area') ?? '';
  const agency = form.get('agency') ?? '';
  const roles = form.getAll('roles').filter((role) => (ROLES as readonly string[]).includes(role));
  if (
    name.length === 0 ||
    name.length > 100 ||
    !areas.has(area) ||
    !(AGENCIES as readonly string[]).includes(agency) ||
    roles.length === 0
  ) {
    return undefined;
  }
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return { sub: `local-${area}-${slug}-${roles.join('-')}`, name, area, agency, roles };
}

function page(stylesheet: string, title: string, content: string): string {
  return `<!DOCTYPE html>
<html lang="en" class="govuk-template">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} – Local sign-in</title>
<link rel="stylesheet" href="${escapeHtml(stylesheet)}"></head>
<body class="govuk-template__body">
<div class="app-local-banner"><p class="govuk-body govuk-width-container govuk-!-margin-0"><strong>Local sign-in.</strong> This is the local hub’s own identity provider, for trying the service with synthetic people. A deployed hub signs in with your organisation’s account instead.</p></div>
<div class="govuk-width-container"><main class="govuk-main-wrapper" id="main-content">
<h1 class="govuk-heading-l">${escapeHtml(title)}</h1>
${content}
</main></div></body></html>`;
}

function pickerPage(stylesheet: string, uid: string, areas: AreaDirectory, error?: string): string {
  const personas = PERSONAS.map(
    (persona, i) => `<div class="govuk-radios__item">
      <input class="govuk-radios__input" id="person-${i}" name="person" type="radio" value="${escapeHtml(persona.variable)}"${i === 0 ? ' checked' : ''}>
      <label class="govuk-label govuk-radios__label" for="person-${i}">${escapeHtml(persona.claims.name ?? persona.label)}
      <span class="govuk-hint govuk-radios__hint">${escapeHtml(persona.label)}</span></label></div>`,
  ).join('\n');
  const areaOptions = areas
    .list()
    .map((area) => `<option value="${escapeHtml(area.id)}">${escapeHtml(area.name)}</option>`)
    .join('');
  const agencyOptions = AGENCIES.map((agency) => `<option value="${agency}">${agency}</option>`).join('');
  const roleBoxes = ROLES.map(
    (
      role,
    ) => `<div class="govuk-checkboxes__item"><input class="govuk-checkboxes__input" id="role-${role}" name="roles" type="checkbox" value="${role}">
      <label class="govuk-label govuk-checkboxes__label" for="role-${role}">${role}</label></div>`,
  ).join('');
  const errorHtml =
    error === undefined
      ? ''
      : `<div class="govuk-error-summary" data-module="govuk-error-summary"><div role="alert"><h2 class="govuk-error-summary__title">There is a problem</h2><div class="govuk-error-summary__body"><ul class="govuk-list govuk-error-summary__list"><li><a href="#person-0">${escapeHtml(error)}</a></li></ul></div></div></div>`;
  return page(
    stylesheet,
    'Who are you signing in as?',
    `${errorHtml}<form method="post" action="${IDP_PREFIX}/interaction/${escapeHtml(uid)}/login" novalidate>
  <div class="govuk-form-group"><fieldset class="govuk-fieldset"><legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Choose a person</legend>
  <div class="govuk-radios" data-module="govuk-radios">${personas}
  <div class="govuk-radios__item"><input class="govuk-radios__input" id="person-other" name="person" type="radio" value="someone-else">
  <label class="govuk-label govuk-radios__label" for="person-other">Someone else</label>
  <div class="govuk-hint govuk-radios__hint">Give their name, area, agency and roles below</div></div>
  </div></fieldset></div>
  <div class="govuk-form-group"><label class="govuk-label" for="name">Name</label><input class="govuk-input govuk-!-width-two-thirds" id="name" name="name" type="text" autocomplete="off"></div>
  <div class="govuk-form-group"><label class="govuk-label" for="area">Area</label><select class="govuk-select" id="area" name="area">${areaOptions}</select></div>
  <div class="govuk-form-group"><label class="govuk-label" for="agency">Agency</label><select class="govuk-select" id="agency" name="agency">${agencyOptions}</select></div>
  <div class="govuk-form-group"><fieldset class="govuk-fieldset"><legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Roles</legend><div class="govuk-checkboxes govuk-checkboxes--small">${roleBoxes}</div></fieldset></div>
  <button type="submit" class="govuk-button">Sign in</button>
</form>`,
  );
}
