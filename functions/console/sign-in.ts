/**
 * Sign-in with OpenID Connect: the authorization code flow with PKCE, through `openid-client` (certified).
 * The console is the relying party and keeps the tokens on the server (a backend for the browser): the
 * browser holds only a random id for the sign-in under way, then for the session. The ID token's claims
 * are flattened as API Gateway flattens an access token's, so the same claims parser reads both.
 *
 * `openid-client` (with oauth4webapi, some 30 KB) is loaded on the first sign-in (./openid.ts), not when
 * the console loads: a person signs in once a session (hours), and every other page the console serves needs none of it
 * (issue 11, cold start). esbuild bundles the import all the same, so nothing is fetched at run time.
 */

import { flattenClaims } from '../shared/claims.js';
import { SignInFailedError } from './errors.js';
import type { ConsoleRequest } from './http.js';
import type * as OpenId from './openid.js';
import type { SessionStore } from './ports.js';

export type IdentitySettings = {
  /** The provider's issuer URL (Entra ID: https://login.microsoftonline.com/<tenant>/v2.0). */
  readonly issuer: string;
  readonly clientId: string;
  /** A confidential client's secret; without one the console signs in as a public client with PKCE alone. */
  readonly clientSecret?: string;
  /** Scopes beyond openid: the claims the hub reads (area, agency, roles) must come with them. */
  readonly scope: string;
  /** Plain-HTTP issuers are refused unless this is set: the local hub's provider only. */
  readonly allowHttp?: boolean;
  /** Always ask the person to sign in, rather than reuse the provider's session (the local persona picker). */
  readonly promptLogin?: boolean;
};

const SIGN_IN_MINUTES = 10;

function openIdClient(): Promise<typeof OpenId> {
  return import('./openid.js');
}

export class SignIn {
  private configuration: Promise<OpenId.Configuration> | undefined;

  constructor(private readonly settings: () => IdentitySettings) {}

  private config(): Promise<OpenId.Configuration> {
    this.configuration ??= (async () => {
      const client = await openIdClient();
      const settings = this.settings();
      const config = await client.discovery(
        new URL(settings.issuer),
        settings.clientId,
        settings.clientSecret,
        settings.clientSecret === undefined ? client.None() : client.ClientSecretBasic(settings.clientSecret),
        settings.allowHttp === true ? { execute: [client.allowInsecureRequests] } : undefined,
      );
      return config;
    })().catch((error: unknown) => {
      // A provider that was down is asked again next time.
      this.configuration = undefined;
      throw error;
    });
    return this.configuration;
  }

  /** Where to send the browser to sign in; the sign-in's secrets are stored under `key`. */
  async start(request: ConsoleRequest, sessions: SessionStore, key: string, returnTo: string, now: Date): Promise<string> {
    const config = await this.config();
    const client = await openIdClient();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    await sessions.startSignIn({
      key,
      codeVerifier,
      state,
      nonce,
      returnTo,
      expiresAt: new Date(now.getTime() + SIGN_IN_MINUTES * 60_000).toISOString(),
    });
    const settings = this.settings();
    return client
      .buildAuthorizationUrl(config, {
        redirect_uri: `${request.origin}/auth/callback`,
        scope: `openid ${settings.scope}`.trim(),
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
        ...(settings.promptLogin === true ? { prompt: 'login' } : {}),
      })
      .toString();
  }

  async finish(
    request: ConsoleRequest,
    sessions: SessionStore,
    key: string,
    _now: Date,
  ): Promise<{ claims: Record<string, string>; idToken: string | undefined; returnTo: string }> {
    const pending = await sessions.takeSignIn(key);
    if (pending === undefined) throw new SignInFailedError('The sign-in had expired or was already used');
    const config = await this.config();
    const client = await openIdClient();
    const query = new URLSearchParams(request.query);
    const currentUrl = new URL(`${request.origin}/auth/callback?${query.toString()}`);
    const tokens = await client.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (claims === undefined) throw new SignInFailedError('No ID token');
    return { claims: flattenClaims(claims as Record<string, unknown>), idToken: tokens.id_token, returnTo: pending.returnTo };
  }
}
