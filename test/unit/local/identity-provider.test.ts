import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64url, decodeJwt, decodeProtectedHeader, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalIdentityProvider } from '../../../local/identity-provider.js';

const tempDirs: string[] = [];

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mset-idp-'));
  tempDirs.push(dir);
  return dir;
}

async function storedPrivateKey(dataDir: string) {
  const jwk = JSON.parse(await readFile(join(dataDir, 'idp', 'signing-key.jwk.json'), 'utf8')) as JWK;
  return importJWK(jwk, 'ES256');
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

describe('LocalIdentityProvider', () => {
  let dataDir: string;
  let provider: LocalIdentityProvider;

  /** Signs with the provider's own key, so only the claim under test is wrong. */
  async function signed(claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
    const key = await storedPrivateKey(dataDir);
    return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: provider.kid, ...header }).sign(key);
  }

  function goodClaims(): Record<string, unknown> {
    return {
      iss: provider.issuer,
      aud: provider.audience,
      sub: 'local|gateshead|coordinator',
      area: 'gateshead',
      agency: 'childrens-services',
      roles: ['coordinator'],
      iat: nowSeconds(),
      exp: nowSeconds() + 600,
    };
  }

  beforeAll(async () => {
    dataDir = await freshDir();
    provider = await LocalIdentityProvider.open(dataDir);
  });

  afterAll(async () => {
    await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('mints a token it accepts, with roles as a JSON array and persona defaults', async () => {
    // Prepare / Act
    const token = await provider.mint({ area: 'northumberland', roles: ['police', 'chair'] });
    const payload = await provider.verify(token);

    // Assess
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', kid: provider.kid, typ: 'JWT' });
    expect(payload).toMatchObject({
      iss: 'https://idp.mset-hub.local',
      aud: 'mset-hub',
      sub: 'local|northumberland|police+chair',
      name: 'Test Officer (northumberland)',
      area: 'northumberland',
      agency: 'police',
      roles: ['police', 'chair'],
    });
    const exp = payload['exp'] as number;
    expect(exp - (payload['iat'] as number)).toBe(8 * 60 * 60);
  });

  it('defaults the agency to childrens-services for roles other than police, and honours overrides', async () => {
    // Prepare / Act
    const coordinator = decodeJwt(await provider.mint({ area: 'sunderland', roles: ['coordinator'] }));
    const nurse = decodeJwt(
      await provider.mint(
        { area: 'sunderland', roles: ['practitioner'], agency: 'health', sub: 'nurse-1', name: 'Test Nurse' },
        { expiresInSeconds: 60 },
      ),
    );

    // Assess
    expect(coordinator).toMatchObject({ agency: 'childrens-services', name: 'Test Coordinator (sunderland)' });
    expect(nurse).toMatchObject({ agency: 'health', sub: 'nurse-1', name: 'Test Nurse' });
    expect((nurse.exp ?? 0) - (nurse.iat ?? 0)).toBe(60);
  });

  it('publishes only the public key in its JWKS', () => {
    // Prepare / Act
    const { keys } = provider.jwks();

    // Assess
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', kid: provider.kid, alg: 'ES256', use: 'sig' });
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('rejects an expired token', async () => {
    // Prepare
    const token = await provider.mint({ area: 'gateshead', roles: ['coordinator'] }, { expiresInSeconds: -5 });

    // Act / Assess
    await expect(provider.verify(token)).rejects.toThrow();
  });

  it('rejects a token without exp', async () => {
    // Prepare
    const { exp: _exp, ...claims } = goodClaims();

    // Act / Assess
    await expect(provider.verify(await signed(claims))).rejects.toThrow(/exp/);
  });

  it.each([
    ['the wrong issuer', { iss: 'https://idp.elsewhere.example' }],
    ['no issuer', { iss: undefined }],
    ['the wrong audience', { aud: 'another-api' }],
    ['no audience', { aud: undefined }],
    ['nbf in the future', { nbf: nowSeconds() + 300 }],
    ['iat in the future', { iat: nowSeconds() + 300 }],
  ])('rejects a token with %s', async (_label, override) => {
    // Prepare
    const claims = Object.fromEntries(Object.entries({ ...goodClaims(), ...override }).filter(([, value]) => value !== undefined));
    const control = await signed(goodClaims());

    // Act / Assess
    await expect(provider.verify(control)).resolves.toBeDefined();
    await expect(provider.verify(await signed(claims))).rejects.toThrow();
  });

  it('accepts aud as a list containing the audience, and client_id when aud is absent, as API Gateway does', async () => {
    // Prepare
    const { aud: _aud, ...withoutAud } = goodClaims();
    const listed = await signed({ ...goodClaims(), aud: ['other', provider.audience] });
    const clientId = await signed({ ...withoutAud, client_id: provider.audience });
    const audWins = await signed({ ...goodClaims(), aud: 'other', client_id: provider.audience });

    // Act / Assess
    await expect(provider.verify(listed)).resolves.toMatchObject({ area: 'gateshead' });
    await expect(provider.verify(clientId)).resolves.toMatchObject({ area: 'gateshead' });
    await expect(provider.verify(audWins)).rejects.toThrow();
  });

  it('rejects a token from another data directory (another key)', async () => {
    // Prepare
    const other = await LocalIdentityProvider.open(await freshDir());
    const token = await other.mint({ area: 'gateshead', roles: ['coordinator'] });

    // Act / Assess
    expect(other.kid).not.toBe(provider.kid);
    await expect(provider.verify(token)).rejects.toThrow();
  });

  it('rejects a token signed by another key that claims this kid', async () => {
    // Prepare
    const { privateKey } = await generateKeyPair('ES256');
    const token = await new SignJWT(goodClaims()).setProtectedHeader({ alg: 'ES256', kid: provider.kid }).sign(privateKey);

    // Act / Assess
    await expect(provider.verify(token)).rejects.toThrow();
  });

  it('rejects a token without a kid', async () => {
    // Prepare
    const key = await storedPrivateKey(dataDir);
    const token = await new SignJWT(goodClaims()).setProtectedHeader({ alg: 'ES256' }).sign(key);

    // Act / Assess
    await expect(provider.verify(token)).rejects.toThrow(/key id/);
  });

  it('rejects alg none', async () => {
    // Prepare
    const header = base64url.encode(JSON.stringify({ alg: 'none', kid: provider.kid, typ: 'JWT' }));
    const payload = base64url.encode(JSON.stringify(goodClaims()));
    const token = `${header}.${payload}.`;

    // Act / Assess
    await expect(provider.verify(token)).rejects.toThrow();
  });

  it('rejects a token whose payload was changed after signing', async () => {
    // Prepare
    const [header, payload, signature] = (await provider.mint({ area: 'gateshead', roles: ['practitioner'] })).split('.');
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload!))) as Record<string, unknown>;
    const tampered = base64url.encode(JSON.stringify({ ...claims, roles: ['practitioner', 'auditor'] }));

    // Act / Assess
    await expect(provider.verify(`${header}.${tampered}.${signature}`)).rejects.toThrow();
  });

  it('rejects garbage', async () => {
    // Act / Assess
    await expect(provider.verify('not-a-token')).rejects.toThrow();
    await expect(provider.verify('')).rejects.toThrow();
  });
});

describe('LocalIdentityProvider persistence', () => {
  afterAll(async () => {
    await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('keeps its key across opens, so earlier tokens still verify', async () => {
    // Prepare
    const dir = await freshDir();
    const first = await LocalIdentityProvider.open(dir);
    const token = await first.mint({ area: 'darlington', roles: ['auditor'] });

    // Act
    const second = await LocalIdentityProvider.open(dir);

    // Assess
    expect(second.kid).toBe(first.kid);
    await expect(second.verify(token)).resolves.toMatchObject({ area: 'darlington', roles: ['auditor'] });
  });

  it('stores the private key readable by its owner only, and leaves no temporary files', async () => {
    // Prepare
    const dir = await freshDir();

    // Act
    await LocalIdentityProvider.open(dir);

    // Assess
    const mode = (await stat(join(dir, 'idp', 'signing-key.jwk.json'))).mode & 0o777;
    expect(mode).toBe(0o600);
    expect(await readdir(join(dir, 'idp'))).toEqual(['signing-key.jwk.json']);
  });

  it('agrees on one key when several opens race on a fresh directory', async () => {
    // Prepare
    const dir = await freshDir();

    // Act
    const providers = await Promise.all(Array.from({ length: 5 }, () => LocalIdentityProvider.open(dir)));

    // Assess
    expect(new Set(providers.map((p) => p.kid)).size).toBe(1);
    const token = await providers[0]!.mint({ area: 'hartlepool', roles: ['chair'] });
    await expect(providers[4]!.verify(token)).resolves.toBeDefined();
  });
});
