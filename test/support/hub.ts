/**
 * Starts a real local hub (dynalite, gateway, in-process queue, local key service) in a fresh temporary
 * data directory. A hub holds its own adapters, so a test file may start several.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '../../contracts/identity.js';
import type { Clock } from '../../functions/core/ports.js';
import { type Hub, type HubOptions, startHub } from '../../local/hub.js';
import { checkContract } from './contract.js';

export type TestHub = Hub & {
  token(area: string, roles: Role | Role[], options?: { agency?: string; sub?: string }): Promise<string>;
  /**
   * fetch against the hub with a bearer token and JSON body. Rejects with a ContractDrift when the answer
   * breaks the published contract (contract.ts), so every HTTP test also checks what it receives.
   */
  call(method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<TestResponse>;
};

export type TestResponse = { status: number; headers: Headers; text: string; json: any };

/**
 * `from` is a data directory to start from (copied, so the original is never changed), as an upgrade
 * starts on what an earlier version wrote; `clock` replaces the system clock.
 */
export async function startTestHub(
  options: { from?: string; clock?: Clock } & Pick<HubOptions, 'notifier' | 'notificationRetrySeconds' | 'jobIntervalMs' | 'meter'> = {},
): Promise<TestHub> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mset-hub-test-'));
  const { from, ...hubOptions } = options;
  if (from !== undefined) await cp(from, dataDir, { recursive: true });
  // Tests run scheduled jobs by hand (runJob), so a timer never races what a test counts.
  const hub = await startHub({ port: 0, dataDir, jobIntervalMs: 0, notificationRetrySeconds: 0, ...hubOptions });
  return {
    ...hub,
    stop: async () => {
      await hub.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
    token: (area, roles, options = {}) => {
      const list = Array.isArray(roles) ? roles : [roles];
      return hub.identity.mint({
        area,
        roles: list,
        agency: options.agency ?? (list.includes('police') ? 'police' : 'childrens-services'),
        sub: options.sub ?? `test-${area}-${list.join('-')}`,
        name: `Test ${list.join(' ')} ${area}`,
      });
    },
    call: async (method, path, options = {}) => {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
      let body: string | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const url = new URL(`${hub.url}${path}`);
      const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
      const text = await response.text();
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      // The path as fetch sent it (dot segments resolved, no fragment) is the one the gateway routed.
      checkContract({
        method,
        path: `${url.pathname}${url.search}`,
        status: response.status,
        contentType: response.headers.get('content-type'),
        text,
      });
      return { status: response.status, headers: response.headers, text, json };
    },
  };
}

/** A valid alert from `from`'s police to `to`, with every optional section present. Synthetic child. */
export function sampleAlert(to: string[] = ['north-tyneside'], overrides: Record<string, unknown> = {}) {
  return {
    recipients: to.map((area) => ({ area, scopes: ['IDENTITY', 'MOVEMENT', 'RISK', 'CONTACTS'] })),
    sharing: {
      purpose: 'Child known to MSET is moving area',
      lawfulBasis: 'DPA2018_PART3_SCH8_PARA4',
      consent: { status: 'NOT_SOUGHT', reason: 'Seeking consent would increase risk' },
      handling: { code: 'P' },
    },
    child: { name: { given: 'Test', family: 'Child-Alpha' }, dateOfBirth: '2011-01-01' },
    movement: { kind: 'FAMILY_MOVE', on: '2026-12-01' },
    risk: { level: 'MODERATE', exploitation: ['CSE'], summary: 'Synthetic summary' },
    ...overrides,
  };
}

/**
 * A valid meeting request from a coordinator or chair: invites `to`, about the synthetic child, with one
 * slot a week ahead (or the given slots). `overrides` replaces whole fields.
 */
export function sampleMeeting(to: string[] = ['north-tyneside'], overrides: Record<string, unknown> = {}) {
  const weekAhead = new Date(Date.now() + 7 * 24 * 60 * 60 * 1000);
  weekAhead.setUTCHours(10, 0, 0, 0);
  return {
    invitedAreas: to,
    subject: { name: { given: 'Test', family: 'Child-Alpha' }, dateOfBirth: '2011-01-01' },
    reason: 'Synthetic reason: repeated missing episodes across the boundary',
    agenda: 'Synthetic agenda: share what each area knows; agree a disruption plan',
    proposedSlots: [{ start: weekAhead.toISOString(), durationMinutes: 60 }],
    format: 'ONLINE',
    ...overrides,
  };
}

/** A slot start `seconds` from now, on a whole second (so an invitation's DTSTART can be compared exactly). */
export function slotIn(seconds: number): string {
  const start = new Date(Date.now() + seconds * 1000);
  start.setUTCMilliseconds(0);
  if (start.getTime() < Date.now() + seconds * 1000 - 1) start.setTime(start.getTime() + 1000);
  return start.toISOString();
}

/** The calendar date (UTC) `offsetDays` from now, as YYYY-MM-DD. */
export function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}
