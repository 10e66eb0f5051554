/**
 * A share's life under races, over HTTP against dynalite: a revocation at the same moment as an
 * acknowledgement, as a forward from the revoked share, or as another revocation; two decisions on one
 * request. Each race, run many times, ends in one consistent outcome, and never in a forwarded share that
 * outlives the share it came from.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertRepository } from '../../functions/shared/wiring.js';
import { sampleAlert, startTestHub, type TestHub } from '../support/hub.js';

const ROUNDS = 12;
let hub: TestHub;
let police: string;
let northTyneside: string;

beforeAll(async () => {
  hub = await startTestHub();
  police = await hub.token('northumberland', 'police');
  northTyneside = await hub.token('north-tyneside', 'coordinator');
});
afterAll(async () => hub?.stop());

async function alertFor(onwardSharing: 'PERMITTED' | 'ORIGINATOR_APPROVAL' = 'PERMITTED'): Promise<string> {
  const created = await hub.call('POST', '/v1/alerts', {
    token: police,
    body: sampleAlert(['north-tyneside'], {
      sharing: {
        purpose: 'Synthetic purpose',
        lawfulBasis: 'DPA2018_PART3_SCH8_PARA4',
        consent: { status: 'NOT_SOUGHT', reason: 'Synthetic reason' },
        handling: { code: 'P', onwardSharing },
      },
    }),
  });
  expect(created.status).toBe(201);
  return created.json.alertId;
}

const revoke = (alertId: string, area = 'north-tyneside') =>
  hub.call('POST', `/v1/alerts/${alertId}/shares/${area}/revoke`, { token: police, body: { reason: 'Synthetic: in error' } });

describe('a revocation racing', () => {
  it('an acknowledgement: either the acknowledgement came first and the share then ended, or it is refused as gone', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      // Prepare
      const alertId = await alertFor();

      // Act
      const [revoked, acknowledged] = await Promise.all([
        revoke(alertId),
        hub.call('POST', `/v1/alerts/${alertId}/acknowledgements`, { token: northTyneside, body: { outcome: 'ACCEPTED' } }),
      ]);

      // Assess: the revocation always wins in the end; the acknowledgement only if it was first
      expect(revoked.status).toBe(200);
      expect([201, 404]).toContain(acknowledged.status);
      const share = await alertRepository(hub.environment).getShare(alertId, 'north-tyneside');
      expect(share?.ended?.reason).toBe('REVOKED');
      expect(share?.copy).toBeUndefined();
      expect(share?.status).toBe(acknowledged.status === 201 ? 'ACKNOWLEDGED' : 'PENDING');
      expect((await hub.call('GET', `/v1/alerts/${alertId}`, { token: northTyneside })).status).toBe(404);
    }
  });

  it('a forward from the revoked share: the forwarded share never outlives its source', async () => {
    const newcastle = await hub.token('newcastle', 'coordinator');
    for (let round = 0; round < ROUNDS; round += 1) {
      // Prepare
      const alertId = await alertFor();

      // Act
      const [revoked, forwarded] = await Promise.all([
        revoke(alertId),
        hub.call('POST', `/v1/alerts/${alertId}/forwards`, {
          token: northTyneside,
          body: { area: 'newcastle', scopes: ['RISK'], reason: 'Synthetic reason' },
        }),
      ]);

      // Assess
      expect(revoked.status).toBe(200);
      expect([201, 404]).toContain(forwarded.status);
      const onward = await alertRepository(hub.environment).getShare(alertId, 'newcastle');
      // Whoever came first, Newcastle holds nothing it can open, and is answered as never having held it.
      if (onward !== undefined) {
        expect(onward.ended?.reason).toBe('REVOKED');
        expect(onward.copy).toBeUndefined();
      }
      expect((await hub.call('GET', `/v1/alerts/${alertId}`, { token: newcastle })).status).toBe(404);
      expect((await hub.call('GET', `/v1/alerts/${alertId}/audit`, { token: newcastle })).status).toBe(404);
    }
  });

  it('another revocation of the same share: one ends it, the other is a conflict', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const alertId = await alertFor();
      const answers = await Promise.all([revoke(alertId), revoke(alertId)]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    }
  });
});

describe('two decisions on one request', () => {
  it('an approval and a refusal at once: exactly one stands, and a share exists only if the approval won', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      // Prepare
      const alertId = await alertFor('ORIGINATOR_APPROVAL');
      const asked = await hub.call('POST', `/v1/alerts/${alertId}/forwards`, {
        token: northTyneside,
        body: { area: 'newcastle', scopes: ['RISK'], reason: 'Synthetic reason' },
      });
      expect(asked.status).toBe(202);
      const decide = (decision: string) =>
        hub.call('POST', `/v1/alerts/${alertId}/forwards/${asked.json.forwardId}/decision`, {
          token: police,
          body: { decision, reason: 'Synthetic reason' },
        });

      // Act
      const [approved, refused] = await Promise.all([decide('APPROVED'), decide('REFUSED')]);

      // Assess
      expect([approved.status, refused.status].sort()).toEqual([200, 409]);
      const share = await alertRepository(hub.environment).getShare(alertId, 'newcastle');
      expect(share !== undefined).toBe(approved.status === 200);
      const view = await hub.call('GET', `/v1/alerts/${alertId}`, { token: police });
      expect(view.json.custody[0].status).toBe(approved.status === 200 ? 'SHARED' : 'REFUSED');
    }
  });
});
