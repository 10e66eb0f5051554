/**
 * The local hub's identity provider: mints tokens for test personas and verifies them the way API
 * Gateway's HTTP API JWT authorizer does, so a token the local gateway accepts is one the authorizer would
 * accept from a real issuer with the same issuer and audience settings.
 */
import { randomUUID } from 'node:crypto';
import { chmod, link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  jwtVerify,
  SignJWT,
} from 'jose';

// API Gateway documents JWT authorizers as RSA-only; the design asks for ES256 here because the local
// issuer never fronts the deployed API. Switching means changing this one constant and the key type.
const ALGORITHM = 'ES256';
const KEY_FILE = 'signing-key.jwk.json';
const DEFAULT_EXPIRY_SECONDS = 8 * 60 * 60;

export type PersonaClaims = {
  sub?: string;
  name?: string;
  area: string;
  agency?: string;
  roles: string[];
  /** The person's own (synthetic) email, as a real identity provider's token may carry it. */
  email?: string;
};

export type MintOptions = { expiresInSeconds?: number };

type StoredKey = { kid: string; privateJwk: JWK };

const ROLE_TITLES: Record<string, string> = {
  police: 'Officer',
  coordinator: 'Coordinator',
  chair: 'Chair',
  practitioner: 'Practitioner',
  auditor: 'Auditor',
};

export class LocalIdentityProvider {
  /** Independent of the port, so tokens survive a restart on another port. */
  readonly issuer = 'https://idp.mset-hub.local';
  readonly audience = 'mset-hub';

  private readonly keySet: ReturnType<typeof createLocalJWKSet>;

  private constructor(
    readonly kid: string,
    private readonly privateKey: CryptoKey,
    private readonly publicJwk: JWK,
    private readonly privateJwk: JWK,
  ) {
    this.keySet = createLocalJWKSet(this.jwks());
  }

  static async open(dataDir: string): Promise<LocalIdentityProvider> {
    const dir = join(dataDir, 'idp');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const stored = (await readStoredKey(join(dir, KEY_FILE))) ?? (await createStoredKey(dir));
    const privateKey = await importJWK(stored.privateJwk, ALGORITHM);
    if (privateKey instanceof Uint8Array) throw new Error('The stored signing key is not an asymmetric key');
    const { d: _private, ...publicJwk } = stored.privateJwk;
    return new LocalIdentityProvider(stored.kid, privateKey, publicJwk, stored.privateJwk);
  }

  jwks(): JSONWebKeySet {
    return { keys: [{ ...this.publicJwk, kid: this.kid, alg: ALGORITHM, use: 'sig' }] };
  }

  /** The signing key itself, for the local OpenID provider, which signs ID tokens with the same key. */
  signingJwk(): JWK {
    return { ...this.privateJwk };
  }

  async mint(claims: PersonaClaims, options: MintOptions = {}): Promise<string> {
    const expiresIn = options.expiresInSeconds ?? DEFAULT_EXPIRY_SECONDS;
    const firstRole = claims.roles[0] ?? 'none';
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      name: claims.name ?? `Test ${ROLE_TITLES[firstRole] ?? 'User'} (${claims.area})`,
      area: claims.area,
      agency: claims.agency ?? (claims.roles.includes('police') ? 'police' : 'childrens-services'),
      roles: [...claims.roles],
      ...(claims.email === undefined ? {} : { email: claims.email }),
    })
      .setProtectedHeader({ alg: ALGORITHM, kid: this.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setSubject(claims.sub ?? `local|${claims.area}|${claims.roles.join('+') || 'none'}`)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + expiresIn)
      .sign(this.privateKey);
  }

  /**
   * API Gateway's checks, in its order: a kid naming a key in the JWKS, the algorithm and signature, then
   * iss, aud (or client_id when aud is absent), exp required and in the future, nbf and iat not in the
   * future. No clock leeway: the authorizer documents none.
   */
  async verify(token: string): Promise<Record<string, unknown>> {
    const header = decodeProtectedHeader(token);
    if (typeof header.kid !== 'string' || header.kid.length === 0) {
      throw new Error('The token has no key id');
    }
    const { payload } = await jwtVerify(token, this.keySet, {
      algorithms: [ALGORITHM],
      issuer: this.issuer,
      requiredClaims: ['exp'],
    });
    const audience = payload.aud !== undefined ? payload.aud : payload['client_id'];
    const audiences = Array.isArray(audience) ? audience : [audience];
    if (!audiences.includes(this.audience)) throw new Error('The token does not have a valid audience');
    if (payload.iat !== undefined && payload.iat > Math.floor(Date.now() / 1000)) {
      throw new Error('The token was issued in the future');
    }
    return { ...payload };
  }
}

async function readStoredKey(path: string): Promise<StoredKey | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const jwk = JSON.parse(text) as JWK;
  if (typeof jwk.kid !== 'string' || typeof jwk.d !== 'string') {
    throw new Error(`The signing key at ${path} is not a private JWK with a kid`);
  }
  return { kid: jwk.kid, privateJwk: jwk };
}

/**
 * Written to a temporary file and then hard-linked into place: link fails if the key already exists, so
 * two processes opening a fresh data directory at once agree on one key and neither reads a half-written file.
 */
async function createStoredKey(dir: string): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  const privateJwk: JWK = { ...jwk, kid, alg: ALGORITHM, use: 'sig' };
  const finalPath = join(dir, KEY_FILE);
  const tempPath = join(dir, `.${KEY_FILE}.${process.pid}.${randomUUID()}`);
  await writeFile(tempPath, JSON.stringify(privateJwk, null, 2), { mode: 0o600, flag: 'wx' });
  await chmod(tempPath, 0o600);
  try {
    await link(tempPath, finalPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(tempPath);
  }
  const stored = await readStoredKey(finalPath);
  if (stored === undefined) throw new Error(`The signing key at ${finalPath} vanished while opening it`);
  return stored;
}
