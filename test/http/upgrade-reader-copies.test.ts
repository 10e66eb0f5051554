/**
 * An upgrade reseals alerts per reader and keeps every word. test/fixtures/data-70399f1/ (described in
 * test/fixtures/data-70399f1.md) was written by the main of 70399f1, which sealed each section, the share
 * terms and each acknowledgement note in a box of its own. What those boxes hold is read first, straight
 * from a copy of the fixture with the boxes' own format; then a hub starts on the fixture (migrating it) and
 * every section, term and note must read the same through the API, for the sender and for each recipient.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../functions/adapters/dynamodb/migrations.js';
import { legacyNoteScope, legacyTermsScope, openLegacyBox, type TermsText } from '../../functions/core/alerts/content.js';
import type { SealedBox } from '../../functions/core/sealed-box.js';
import { documentClientFor } from '../../functions/shared/wiring.js';
import { LOCAL_TABLE_NAMES, localDynamoClient, startDynalite } from '../../local/dynamodb.js';
import { lazyLocalKeyService } from '../../local/local-key-service.js';
import { FixedClock } from '../support/fakes.js';
import { startTestHub, type TestHub } from '../support/hub.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/data-70399f1/', import.meta.url));
const PENDING = 'ce183715-198b-45ef-92ad-91dcafa79051';
const ACKNOWLEDGED = '51117a88-4ee9-4450-abd6-c60afa13bca1';
/** The Tuesday after the fixture was written: both alerts live. */
const clock = new FixedClock(new Date('2026-12-01T10:00:00.000Z'));

/** The API's names for the sections, by scope. */
const FIELD_OF: Record<string, string> = {
  IDENTITY: 'child',
  MOVEMENT: 'movement',
  RISK: 'risk',
  PERPETRATORS: 'perpetrators',
  LOCATIONS: 'locations',
  DISRUPTION_PLAN: 'disruptionPlan',
  VOICE: 'voice',
  CONTACTS: 'contacts',
};

type Before = {
  sections: Record<string, unknown>;
  shares: Record<string, { scopes: string[]; terms: TermsText; note?: string }>;
};

/** What 70399f1 stored, opened as 70399f1 opened it. */
async function readBefore(): Promise<{ alerts: Record<string, Before>; items: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'mset-fixture-before-'));
  await cp(FIXTURE, dir, { recursive: true });
  const dynamo = await startDynalite(dir);
  const raw = localDynamoClient(dynamo.endpoint);
  const client = documentClientFor(raw);
  const keys = lazyLocalKeyService(dir);
  try {
    const { Items = [] } = await client.send(new ScanCommand({ TableName: LOCAL_TABLE_NAMES.alerts }));
    const alerts: Record<string, Before> = {};
    for (const item of Items.filter((row) => row['sk'] === 'ALERT')) {
      const sections: Record<string, unknown> = {};
      for (const [scope, box] of Object.entries(item['sections'] as Record<string, SealedBox>)) {
        sections[scope] = await openLegacyBox(keys, item['alertId'], item['senderArea'], scope, box);
      }
      alerts[item['alertId']] = { sections, shares: {} };
    }
    for (const share of Items.filter((row) => String(row['sk']).startsWith('SHARE#'))) {
      const { alertId, senderArea, recipientArea } = share as { alertId: string; senderArea: string; recipientArea: string };
      const note = share['acknowledgement']?.['note'] as SealedBox | undefined;
      (alerts[alertId] as Before).shares[recipientArea] = {
        scopes: share['scopes'],
        terms: await openLegacyBox<TermsText>(keys, alertId, senderArea, legacyTermsScope, share['termsText']),
        ...(note === undefined
          ? {}
          : { note: await openLegacyBox<string>(keys, alertId, senderArea, legacyNoteScope(recipientArea), note) }),
      };
    }
    return { alerts, items: Items.length };
  } finally {
    raw.destroy();
    await dynamo.close();
    await rm(dir, { recursive: true, force: true });
  }
}

let before: Awaited<ReturnType<typeof readBefore>>;
let hub: TestHub;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  before = await readBefore();
  hub = await startTestHub({ from: FIXTURE, clock });
  tokens['northumberland'] = await hub.token('northumberland', 'police');
  tokens['north-tyneside'] = await hub.token('north-tyneside', 'coordinator');
  tokens['newcastle'] = await hub.token('newcastle', 'coordinator');
});
afterAll(async () => hub?.stop());

async function storedAlerts() {
  const raw = localDynamoClient(hub.dynamoEndpoint);
  try {
    const { Items = [] } = await documentClientFor(raw).send(new ScanCommand({ TableName: LOCAL_TABLE_NAMES.alerts }));
    return Items.sort((a, b) => `${a['pk']}${a['sk']}`.localeCompare(`${b['pk']}${b['sk']}`));
  } finally {
    raw.destroy();
  }
}

describe('a hub started on the data of 70399f1 (alerts sealed per scope)', () => {
  it('read the fixture as described: two alerts, one with two acknowledgement notes', () => {
    expect(Object.keys(before.alerts).sort()).toEqual([ACKNOWLEDGED, PENDING].sort());
    expect(Object.keys(before.alerts[PENDING]!.sections).sort()).toEqual(['CONTACTS', 'DISRUPTION_PLAN', 'IDENTITY', 'MOVEMENT', 'RISK']);
    expect(before.alerts[ACKNOWLEDGED]!.shares['north-tyneside']?.note).toBe('Synthetic note: the family went on to Newcastle');
    expect(before.alerts[ACKNOWLEDGED]!.shares['newcastle']?.note).toBe('Synthetic note: known to our MSET');
  });

  it('shows the sender every section, the terms and every note exactly as they were stored', async () => {
    for (const [alertId, stored] of Object.entries(before.alerts)) {
      // Act
      const view = await hub.call('GET', `/v1/alerts/${alertId}`, { token: tokens['northumberland'] });

      // Assess
      expect(view.status).toBe(200);
      for (const [scope, value] of Object.entries(stored.sections)) expect(view.json[FIELD_OF[scope]!]).toEqual(value);
      for (const share of view.json.shares) {
        const was = stored.shares[share.area]!;
        expect(share.sharing.purpose).toBe(was.terms.purpose);
        expect(share.sharing.consent.reason).toBe(was.terms.consentReason);
        expect(share.sharing.handling.conditions).toBe(was.terms.conditions);
        expect(share.acknowledgement?.note).toBe(was.note);
      }
      expect(view.json.shares.map((share: { area: string }) => share.area).sort()).toEqual(Object.keys(stored.shares).sort());
    }
  });

  it('shows each recipient its granted sections, its terms and its own note, and nothing more', async () => {
    for (const [alertId, stored] of Object.entries(before.alerts)) {
      for (const [area, share] of Object.entries(stored.shares)) {
        // Act
        const view = await hub.call('GET', `/v1/alerts/${alertId}`, { token: tokens[area] });

        // Assess
        expect(view.status).toBe(200);
        for (const [scope, value] of Object.entries(stored.sections)) {
          expect(view.json[FIELD_OF[scope]!]).toEqual(share.scopes.includes(scope) ? value : undefined);
        }
        expect(view.json.shares).toHaveLength(1);
        expect(view.json.shares[0].sharing.purpose).toBe(share.terms.purpose);
        expect(view.json.shares[0].sharing.consent.reason).toBe(share.terms.consentReason);
        expect(view.json.shares[0].acknowledgement?.note).toBe(share.note);
      }
    }
  });

  it('stores one copy per reader and no box of the old form', async () => {
    // Act
    const items = await storedAlerts();

    // Assess
    const alerts = items.filter((item) => item['sk'] === 'ALERT');
    const shares = items.filter((item) => String(item['sk']).startsWith('SHARE#'));
    expect(alerts).toHaveLength(2);
    expect(shares).toHaveLength(3);
    for (const alert of alerts) {
      expect(alert).not.toHaveProperty('sections');
      expect(Object.keys(alert['senderCopy'].parts).sort()).toEqual(
        [...Object.keys(before.alerts[alert['alertId']]!.sections), 'SHARE_TERMS'].sort(),
      );
    }
    for (const share of shares) {
      expect(share).not.toHaveProperty('termsText');
      expect(share['acknowledgement'] ?? {}).not.toHaveProperty('note');
      const was = before.alerts[share['alertId']]!.shares[share['recipientArea']]!;
      expect(share['acknowledgement']?.['noteForSender'] !== undefined).toBe(was.note !== undefined);
      const granted = was.scopes.filter((scope) => scope in before.alerts[share['alertId']]!.sections);
      expect(Object.keys(share['copy'].parts).sort()).toEqual(
        [...granted, 'SHARE_TERMS', ...(was.note === undefined ? [] : ['ACKNOWLEDGEMENT'])].sort(),
      );
    }
  });

  it('is idempotent: migrating again reseals nothing and changes no item', async () => {
    // Prepare
    const first = await storedAlerts();
    const raw = localDynamoClient(hub.dynamoEndpoint);

    // Act
    const report = await migrate(documentClientFor(raw), LOCAL_TABLE_NAMES, lazyLocalKeyService(hub.dataDir)).finally(() => raw.destroy());

    // Assess
    expect(report.alertsResealed).toBe(0);
    expect(await storedAlerts()).toEqual(first);
  });
});
