/**
 * The console's sessions table on dynalite: a session is found by the hash of its cookie only, touched
 * only while it exists, ended on sign-out; kept forms and sign-ins under way are read once; everything
 * carries a TTL and is checked against the clock in code too, since DynamoDB deletes late.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoSessionStore } from '../../functions/adapters/dynamodb/session-store.js';
import type { TableNames } from '../../functions/adapters/dynamodb/tables.js';
import type { Session } from '../../functions/console/ports.js';
import type { SealedBox } from '../../functions/core/sealed-box.js';
import { expectNoScan, startTestDynamo, type TestDynamo } from '../support/dynalite.js';

const NAMES: TableNames = {
  alerts: 'it-s-alerts',
  audit: 'it-s-audit',
  idempotency: 'it-s-idempotency',
  meetings: 'it-s-meetings',
  sessions: 'it-s-sessions',
};
const BOX: SealedBox = { v: 1, key: 'a2V5', iv: 'aXZpdml2aXZpdml2', ct: 'Y3Q=', tag: 'dGFndGFndGFndGFndGFn' };

let dynamo: TestDynamo;
let now = new Date('2026-11-30T10:00:00Z');
let store: DynamoSessionStore;

const session = (key: string, overrides: Partial<Session> = {}): Session => ({
  key,
  claims: { sub: 'test-officer', area: 'northumberland', agency: 'police', roles: '[police]', name: 'Test Officer' },
  csrfToken: 'csrf-token-csrf-token-csrf-token-csrf-token',
  createdAt: now.toISOString(),
  lastSeenAt: now.toISOString(),
  endsAt: new Date(now.getTime() + 8 * 3_600_000).toISOString(),
  ...overrides,
});

beforeAll(async () => {
  dynamo = await startTestDynamo('mset-sessions-it-', NAMES);
  store = new DynamoSessionStore(dynamo.client, NAMES.sessions as string, () => now);
});

afterAll(async () => {
  expectNoScan(dynamo.sent);
  await dynamo.stop();
});

describe('the sessions table', () => {
  it('creates a session once, finds it, records activity and ends it', async () => {
    await store.create(session('k1'));
    await expect(store.create(session('k1'))).rejects.toThrow();
    expect(await store.get('k1')).toEqual(session('k1'));
    await store.touch('k1', '2026-11-30T10:05:00.000Z');
    expect((await store.get('k1'))?.lastSeenAt).toBe('2026-11-30T10:05:00.000Z');
    await store.end('k1');
    expect(await store.get('k1')).toBeUndefined();
    // Touching or saving a draft on an ended session does not bring it back.
    await store.touch('k1', '2026-11-30T10:06:00.000Z');
    await store.saveDraft('k1', BOX);
    expect(await store.get('k1')).toBeUndefined();
  });

  it('keeps an ended session 16 hours for its late form (a draft is gone within a day), then forgets it even before DynamoDB deletes it', async () => {
    const start = now;
    await store.create(session('k2'));
    const item = await dynamo.client.send(new GetCommand({ TableName: NAMES.sessions, Key: { pk: 'SESSION#k2' } }));
    expect(item.Item?.['ttl']).toBe(Math.ceil((start.getTime() + 8 * 3_600_000) / 1000) + 16 * 3600);
    now = new Date(start.getTime() + 9 * 3_600_000);
    expect(await store.get('k2')).toBeDefined();
    now = new Date(start.getTime() + 25 * 3_600_000);
    expect(await store.get('k2')).toBeUndefined();
    now = start;
  });

  it('holds a draft as a sealed box and removes it', async () => {
    await store.create(session('k3'));
    await store.saveDraft('k3', BOX);
    expect((await store.get('k3'))?.draft).toEqual(BOX);
    await store.saveDraft('k3', undefined);
    expect((await store.get('k3'))?.draft).toBeUndefined();
  });

  it('gives a kept form and a sign-in under way back once, and not once expired', async () => {
    const expiresAt = new Date(now.getTime() + 60_000).toISOString();
    await store.keepForm({ key: 'f1', sub: 'test-officer', path: '/alerts/new', fields: BOX, expiresAt });
    expect(await store.takeForm('f1')).toEqual({ key: 'f1', sub: 'test-officer', path: '/alerts/new', fields: BOX, expiresAt });
    expect(await store.takeForm('f1')).toBeUndefined();
    await store.startSignIn({ key: 's1', codeVerifier: 'v', state: 's', nonce: 'n', returnTo: '/alerts', expiresAt });
    const [first, second] = await Promise.all([store.takeSignIn('s1'), store.takeSignIn('s1')]);
    expect([first, second].filter((taken) => taken !== undefined)).toHaveLength(1);
    await store.keepForm({ key: 'f2', sub: 'test-officer', path: '/alerts/new', fields: BOX, expiresAt });
    now = new Date(now.getTime() + 120_000);
    expect(await store.takeForm('f2')).toBeUndefined();
  });
});
