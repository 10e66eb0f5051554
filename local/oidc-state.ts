/**
 * Where the local OpenID provider keeps its state (sign-ins under way, its own sessions, codes, grants,
 * and the people picked on its sign-in page): a JSON file in the hub's data directory, so a sign-in
 * survives a restart as the rest of the hub's state does. oidc-provider's own default is an in-memory
 * store meant for quick starts. Small by nature (one person at a keyboard), so the whole file is rewritten
 * on each change, through a temporary file and a rename, so a crash never leaves half a file.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

type Entry = { payload: Record<string, unknown>; expiresAt: number | null };
type Stored = Record<string, Entry>;

export class OidcStateFile {
  private readonly entries: Map<string, Entry>;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {
    let stored: Stored = {};
    try {
      stored = JSON.parse(readFileSync(path, 'utf8')) as Stored;
    } catch {
      // No file yet (or an unreadable one): start empty, as after signing everyone out.
    }
    this.entries = new Map(Object.entries(stored));
  }

  get(key: string): Record<string, unknown> | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== null && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  async set(key: string, payload: Record<string, unknown>, expiresInSeconds?: number): Promise<void> {
    this.entries.set(key, { payload, expiresAt: expiresInSeconds === undefined ? null : Date.now() + expiresInSeconds * 1000 });
    await this.save();
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.entries.delete(key);
    await this.save();
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  private save(): Promise<void> {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt !== null && entry.expiresAt <= now) this.entries.delete(key);
    const text = JSON.stringify(Object.fromEntries(this.entries));
    // One write at a time, in order: the last one written is the newest state.
    this.writing = this.writing.then(async () => {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      const temporary = `${this.path}.${process.pid}.tmp`;
      await writeFile(temporary, text, { mode: 0o600 });
      await rename(temporary, this.path);
    });
    return this.writing;
  }
}

const GRANTABLE: ReadonlySet<string> = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

/** An oidc-provider adapter class over the file: one instance per model (Session, AuthorizationCode, ...). */
export function oidcAdapter(state: OidcStateFile) {
  return class FileAdapter {
    constructor(private readonly model: string) {}

    private key(id: string): string {
      return `${this.model}:${id}`;
    }

    async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number): Promise<void> {
      await state.set(this.key(id), payload, expiresIn);
      if (typeof payload['uid'] === 'string') await state.set(`${this.model}:uid:${payload['uid']}`, { id }, expiresIn);
      // Only what a grant issued goes when the grant is revoked: not the provider's own session, nor a
      // sign-in under way, which also carry the grant's id (as oidc-provider's own adapter decides).
      if (GRANTABLE.has(this.model) && typeof payload['grantId'] === 'string') {
        await state.set(`grant:${payload['grantId']}:${this.key(id)}`, { key: this.key(id) }, expiresIn);
      }
    }

    async find(id: string): Promise<Record<string, unknown> | undefined> {
      return state.get(this.key(id));
    }

    async findByUid(uid: string): Promise<Record<string, unknown> | undefined> {
      const pointer = state.get(`${this.model}:uid:${uid}`);
      return typeof pointer?.['id'] === 'string' ? state.get(this.key(pointer['id'])) : undefined;
    }

    async findByUserCode(): Promise<undefined> {
      // The device flow is not enabled: no user codes are ever stored.
      return undefined;
    }

    async consume(id: string): Promise<void> {
      const payload = state.get(this.key(id));
      if (payload !== undefined) await state.set(this.key(id), { ...payload, consumed: Math.floor(Date.now() / 1000) });
    }

    async destroy(id: string): Promise<void> {
      await state.delete([this.key(id)]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      const members = state.keys().filter((key) => key.startsWith(`grant:${grantId}:`));
      const targets = members.flatMap((member) => {
        const key = state.get(member)?.['key'];
        return typeof key === 'string' ? [key] : [];
      });
      await state.delete([...members, ...targets]);
    }
  };
}
