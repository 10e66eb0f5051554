/**
 * A fake GOV.UK Notify API on 127.0.0.1, for the real notifications-node-client to talk to. It checks what
 * Notify checks (the JWT signed with the key's secret, issued by the key's service, recent; the request's
 * shape) and answers as Notify answers: 201 with the notification, 400/403/429/500 with Notify's error
 * body. A test scripts the answers per mailbox, then counts what was accepted.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAKE_SERVICE_ID = '26785a09-ab16-4eb0-8407-a37497a57506';
export const FAKE_SECRET = '3d844edf-8d35-48ac-975b-e847b4f122b0';
/** A Notify key is `<name>-<service id>-<secret>`. */
export const FAKE_API_KEY = `mset_hub_test-${FAKE_SERVICE_ID}-${FAKE_SECRET}`;

export type SentEmail = {
  readonly id: string;
  readonly templateId: string;
  readonly to: string;
  readonly personalisation: Record<string, string>;
  readonly reference: string | undefined;
};

export type FakeNotify = {
  readonly url: string;
  /** Accepted messages, in order. */
  readonly sent: SentEmail[];
  /** Every request to send, accepted or not. */
  attempts(): number;
  /** The next answers for a mailbox, in order (201 once they run out). */
  script(to: string, statuses: readonly number[]): void;
  /** The status every accepted send answers with (Notify: 201). */
  successStatus: number;
  close(): Promise<void>;
};

const ERRORS: Record<number, { error: string; message: string }> = {
  400: { error: 'BadRequestError', message: 'Can’t send to this recipient using a team-only API key' },
  403: { error: 'AuthError', message: 'Invalid token: API key not found' },
  429: { error: 'RateLimitError', message: 'Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds' },
  500: { error: 'Exception', message: 'Internal server error' },
};

export async function startFakeNotify(): Promise<FakeNotify> {
  const sent: SentEmail[] = [];
  const scripts = new Map<string, number[]>();
  let attempts = 0;
  const fake = {
    url: '',
    sent,
    attempts: () => attempts,
    script: (to: string, statuses: readonly number[]) => scripts.set(to, [...statuses]),
    successStatus: 201,
    close: async () => undefined,
  } as FakeNotify;

  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number) =>
    answer(res, status, { status_code: status, errors: [ERRORS[status] ?? { error: 'Exception', message: 'Error' }] });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (!authorised(req.headers['authorization'])) return fail(res, 403);
      const url = new URL(req.url ?? '/', 'http://fake-notify');
      if (req.method === 'GET' && url.pathname === '/v2/notifications') {
        const reference = url.searchParams.get('reference');
        const found = sent.filter((email) => reference === null || email.reference === reference);
        return answer(res, 200, {
          notifications: found.map((email) => ({
            id: email.id,
            reference: email.reference,
            email_address: email.to,
            type: 'email',
            status: 'delivered',
          })),
          links: {},
        });
      }
      if (req.method !== 'POST' || url.pathname !== '/v2/notifications/email') return fail(res, 400);
      attempts += 1;
      let body: { template_id?: unknown; email_address?: unknown; personalisation?: unknown; reference?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return fail(res, 400);
      }
      if (typeof body.template_id !== 'string' || typeof body.email_address !== 'string') return fail(res, 400);
      const scripted = scripts.get(body.email_address)?.shift();
      if (scripted !== undefined && scripted >= 300) return fail(res, scripted);
      const email: SentEmail = {
        id: randomUUID(),
        templateId: body.template_id,
        to: body.email_address,
        personalisation: (body.personalisation ?? {}) as Record<string, string>,
        reference: typeof body.reference === 'string' ? body.reference : undefined,
      };
      sent.push(email);
      return answer(res, scripted ?? fake.successStatus, {
        id: email.id,
        reference: email.reference ?? null,
        content: { subject: 'subject', body: 'body', from_email: 'mset.hub@notifications.service.gov.uk' },
        uri: `${fake.url}/v2/notifications/${email.id}`,
        template: { id: email.templateId, version: 1, uri: `${fake.url}/v2/template/${email.templateId}` },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (fake as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return fake;
}

/** Notify's check: an HS256 JWT signed with the key's secret, issued by its service, at most 30 seconds old. */
function authorised(header: string | undefined): boolean {
  const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
  const [head, payload, signature] = token?.split('.') ?? [];
  if (head === undefined || payload === undefined || signature === undefined) return false;
  const expected = createHmac('sha256', FAKE_SECRET).update(`${head}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown; iat?: unknown };
  return claims.iss === FAKE_SERVICE_ID && typeof claims.iat === 'number' && Math.abs(Date.now() / 1000 - claims.iat) <= 30;
}
