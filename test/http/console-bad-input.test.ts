/**
 * Bad input to the console: generated forms (any field names, nesting, sizes and values, with and without
 * the CSRF token), queries and paths. A person gets a page (an error summary, "Page not found", a 4xx
 * page), never a 5xx or a stack trace, and a bad form changes nothing.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient } from '../support/console-client.js';
import { sampleAlert, startTestHub, type TestHub } from '../support/hub.js';

/** Nothing of the implementation in a page (GOV.UK's own visually hidden "Error:" prefix aside). */
const NO_INTERNALS = /\.ts:\d+|node_modules|\n\s+at [\w.<>]+ \(|dynalite|DynamoDB|ConditionalCheck|\b[A-Z][A-Za-z]+Error\b/;

let hub: TestHub;
let alertId: string;
/** For the forms of a share's life: an alert whose terms ask the sender's approval, and a request awaiting it. */
let lifeAlertId: string;
let requestId: string;
let police: ConsoleClient;
let coordinator: ConsoleClient;
let csrf: { police: string; coordinator: string };

beforeAll(async () => {
  hub = await startTestHub();
  const token = await hub.token('northumberland', 'police');
  alertId = (await hub.call('POST', '/v1/alerts', { token, body: sampleAlert(['north-tyneside']) })).json.alertId;
  lifeAlertId = (
    await hub.call('POST', '/v1/alerts', {
      token,
      body: sampleAlert(['north-tyneside'], {
        sharing: { ...sampleAlert().sharing, handling: { code: 'P', onwardSharing: 'ORIGINATOR_APPROVAL' } },
      }),
    })
  ).json.alertId;
  const asked = await hub.call('POST', `/v1/alerts/${lifeAlertId}/forwards`, {
    token: await hub.token('north-tyneside', 'coordinator'),
    body: { area: 'sunderland', scopes: ['IDENTITY'], reason: 'Test reason' },
  });
  expect(asked.status).toBe(202);
  requestId = asked.json.forwardId;
  police = new ConsoleClient(hub.url);
  await police.signIn({ persona: 'POLICE_NORTHUMBERLAND' });
  coordinator = new ConsoleClient(hub.url);
  await coordinator.signIn({ persona: 'COORDINATOR_NORTH_TYNESIDE' });
  csrf = { police: (await police.csrfToken()) as string, coordinator: (await coordinator.csrfToken()) as string };
}, 60_000);

afterAll(async () => {
  await hub?.stop();
});

const FIELD_NAMES = [
  'outcome',
  'redirectTo',
  'note',
  'action',
  'formId',
  'recipients[0][area]',
  'recipients[0][scopes][]',
  'recipients[][area]',
  'recipients[99][area]',
  'sharing[purpose]',
  'sharing[lawfulBasis]',
  'sharing[consent][status]',
  'child[name][given]',
  'child[dateOfBirth]',
  'child[aliases]',
  'risk[exploitation][]',
  'perpetrators[0][grading][source]',
  'perpetrators[0][vehicles]',
  'locations[0][description]',
  'a[b][c][d][e][f][g]',
  '__proto__[polluted]',
  'constructor[prototype][polluted]',
  'csrfToken',
  // a share's life
  'area',
  'scopes',
  'scopes[]',
  'reason',
  'fixedArea',
  'decision',
  'justification',
  'expiresAt-day',
  'expiresAt-month',
  'expiresAt-year',
];

const value = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    '',
    'ACCEPTED',
    'REDIRECTED',
    'north-tyneside',
    'IDENTITY',
    'add-recipient',
    'remove-recipients-0',
    'continue',
    '9'.repeat(30),
    'APPROVED',
    'REFUSED',
    'northumberland',
    'yes',
    '29',
    '2',
    '2027',
    '-1',
    '1e3',
  ),
  fc.string({ minLength: 4000, maxLength: 9000 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

const form = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.string({ maxLength: 12 })), value), { maxLength: 12 });

const target = fc.constantFrom(
  '/alerts/new',
  '/alerts/new/check',
  '/alerts/ID',
  '/alerts/00000000-0000-4000-8000-000000000000',
  '/session/extend',
  '/areas',
  '/outbox',
);

function encode(pairs: ReadonlyArray<readonly [string, string]>): string {
  const params = new URLSearchParams();
  for (const [name, item] of pairs) params.append(name, item);
  return params.toString();
}

/** The forms of a share's life, on an alert of their own (a valid form may change it: that is no fault). */
const lifeTarget = fc.constantFrom(
  '/alerts/LIFE/forward',
  '/alerts/LIFE/forwards/REQUEST/decision',
  '/alerts/LIFE/forwards/00000000-0000-4000-8000-000000000000/decision',
  '/alerts/LIFE/shares/north-tyneside/revoke',
  '/alerts/LIFE/shares/north-tyneside/extend',
  '/alerts/LIFE/shares/no-such-area/extend',
  '/alerts/00000000-0000-4000-8000-000000000000/shares/north-tyneside/revoke',
);

describe('generated bad input to the console', () => {
  it('never answers a form with a 5xx, and every answer is a page or a redirect', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('police', 'coordinator'),
        target,
        form,
        fc.constantFrom('valid', 'missing', 'wrong'),
        fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x'),
        async (who, path, pairs, token, contentType) => {
          const client = who === 'police' ? police : coordinator;
          const fields = pairs.filter(([name]) => name !== 'csrfToken');
          if (token !== 'missing') fields.unshift(['csrfToken', token === 'valid' ? csrf[who] : 'forged-token-forged-token-forged']);
          const headers: Record<string, string> = {
            'content-type': contentType,
            cookie: [...client.cookies].map(([n, v]) => `${n}=${v}`).join('; '),
          };
          const response = await fetch(new URL(path.replace('ID', alertId), hub.url), {
            method: 'POST',
            headers,
            body: encode(fields),
            redirect: 'manual',
          });
          const text = await response.text();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          expect(response.status).toBeLessThan(500);
          if (response.status >= 300 && response.status < 400) {
            // Only to a page of the console, never another host.
            expect(response.headers.get('location')).toMatch(/^\/(?!\/)/);
          } else if (path !== '/session/extend' || response.status !== 204) {
            expect(response.headers.get('content-type')).toMatch(/^text\/html/);
            expect(text).toMatch(/<h1/);
          }
          expect(text).not.toMatch(NO_INTERNALS);
        },
      ),
      { numRuns: 400 },
    );
    // The runs reached the pages' own checks, not only the CSRF gate.
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([403, 422]));
    // Nothing was acknowledged or sent by any of it: the coordinator's share is still pending.
    const view = await hub.call('GET', `/v1/alerts/${alertId}`, { token: await hub.token('north-tyneside', 'coordinator') });
    expect(view.json.shares[0].acknowledgement).toBeUndefined();
  });

  it('never answers a form of a share’s life with a 5xx: a page, an error summary or a redirect to the console', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('police', 'coordinator'),
        lifeTarget,
        form,
        fc.constantFrom('valid', 'missing'),
        async (who, path, pairs, token) => {
          const client = who === 'police' ? police : coordinator;
          const fields = pairs.filter(([name]) => name !== 'csrfToken');
          if (token === 'valid') fields.unshift(['csrfToken', csrf[who]]);
          const response = await fetch(new URL(path.replace('LIFE', lifeAlertId).replace('REQUEST', requestId), hub.url), {
            method: 'POST',
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              cookie: [...client.cookies].map(([n, v]) => `${n}=${v}`).join('; '),
            },
            body: encode(fields),
            redirect: 'manual',
          });
          const text = await response.text();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          expect(response.status).toBeLessThan(500);
          if (response.status >= 300 && response.status < 400) expect(response.headers.get('location')).toMatch(/^\/(?!\/)/);
          else {
            expect(response.headers.get('content-type')).toMatch(/^text\/html/);
            expect(text).toMatch(/<h1/);
          }
          if (response.status === 422) expect(text).toContain('govuk-error-summary');
          expect(text).not.toMatch(NO_INTERNALS);
        },
      ),
      { numRuns: 400 },
    );
    // The runs reached each side of the pages: refused (the recipient on the sender's forms), not found,
    // and the forms' own error summaries.
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([403, 404, 422]));
  });

  it('answers generated queries and paths with pages, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/alerts',
          '/alerts/sent',
          '/alerts/ID/history',
          '/alerts/ID/forward',
          '/alerts/ID/shares/north-tyneside/extend',
          '/alerts/ID/shares/north-tyneside/revoke',
          '/alerts/new',
          '/alerts/new/check',
          '/meetings',
          '/sign-in',
          '/signed-out',
          '/form-kept',
          '/auth/callback',
        ),
        fc.array(
          fc.tuple(
            fc.constantFrom('status', 'cursor', 'returnTo', 'reason', 'change', 'done', 'code', 'state', 'alertId', 'to', 'like', 'area'),
            value,
          ),
          {
            maxLength: 4,
          },
        ),
        async (path, query) => {
          const response = await police.get(`${path.replace('ID', alertId)}?${encode(query)}`);
          expect(response.status).toBeLessThan(500);
          if (response.location !== undefined) {
            const location = new URL(response.location, hub.url);
            // Redirects stay on this host, or go to its own sign-in provider.
            expect(location.host).toBe(new URL(hub.url).host);
          }
          expect(response.text).not.toMatch(NO_INTERNALS);
        },
      ),
      { numRuns: 300 },
    );
  });
});
