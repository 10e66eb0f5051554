/**
 * The Notify client's transport on fetch, against a server on 127.0.0.1 that records what it was sent: the
 * official client's requests arrive as axios would have sent them, and its answers come back in the shape
 * the client and the adapter read (api_client.js, notify-notifier.ts).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NotifyClient } from 'notifications-node-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchTransport, NotifyHttpError, NotifyUnreachableError } from '../../../functions/adapters/notify/fetch-transport.js';
import { FAKE_API_KEY } from '../../support/fake-notify.js';

type Received = { method: string; url: string; headers: IncomingHttpHeaders; body: string };

let received: Received[] = [];
/** The next answer: status, content type and body. */
let next: { status: number; type: string; body: string | Buffer } = { status: 200, type: 'application/json', body: '{}' };
let base: string;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    res.writeHead(next.status, { 'content-type': next.type, 'x-request-id': 'r-1' }).end(next.body);
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received = [];
  next = { status: 200, type: 'application/json', body: '{}' };
});

const transport = fetchTransport({ timeoutMs: 2_000 });

function officialClient(): NotifyClient {
  const client = new NotifyClient(base, FAKE_API_KEY);
  client.setClient(transport as unknown as Parameters<NotifyClient['setClient']>[0]);
  return client;
}

describe('the Notify transport on fetch', () => {
  it("carries the official client's POST as axios did: its JWT and User-Agent, the body as JSON", async () => {
    // Prepare
    next = { status: 201, type: 'application/json', body: JSON.stringify({ id: 'n-1', reference: 'ref-1' }) };

    // Act
    const response = await officialClient().sendEmail('template-1', 'mset@north-tyneside.example.gov.uk', {
      personalisation: { from_area: 'Northumberland' },
      reference: 'ref-1',
    });

    // Assess
    const [request] = received;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v2/notifications/email');
    expect(request?.headers['authorization']).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(request?.headers['user-agent']).toMatch(/^NOTIFY-API-NODE-CLIENT\/\d+\.\d+\.\d+$/);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      template_id: 'template-1',
      email_address: 'mset@north-tyneside.example.gov.uk',
      personalisation: { from_area: 'Northumberland' },
      reference: 'ref-1',
    });
    expect(response.status).toBe(201);
    expect(response.data).toEqual({ id: 'n-1', reference: 'ref-1' });
    expect(response.headers['x-request-id']).toBe('r-1');
  });

  it("carries the official client's GET with its query and no body", async () => {
    // Prepare
    next = { status: 200, type: 'application/json', body: JSON.stringify({ notifications: [], links: {} }) };

    // Act
    const response = await officialClient().getNotifications('email', undefined, 'ref 2&x');

    // Assess
    const [request] = received;
    expect(request?.method).toBe('GET');
    const url = new URL(request?.url ?? '', base);
    expect(url.pathname).toBe('/v2/notifications');
    expect(Object.fromEntries(url.searchParams)).toEqual({ template_type: 'email', reference: 'ref 2&x' });
    expect(request?.body).toBe('');
    expect(request?.headers['content-type']).toBeUndefined();
    expect(response.data).toEqual({ notifications: [], links: {} });
  });

  it("adds axios's `params` to the query", async () => {
    // Act
    await transport({ method: 'get', url: `${base}/v2/templates?type=email`, params: { older_than: 'id-1', skipped: undefined } });

    // Assess
    expect(received[0]?.url).toBe('/v2/templates?type=email&older_than=id-1');
  });

  it.each([400, 403, 429, 500])('rejects a %i with axios’s shape: response.status and the parsed body', async (status) => {
    // Prepare
    const body = { status_code: status, errors: [{ error: 'SomeError', message: 'some message' }] };
    next = { status, type: 'application/json', body: JSON.stringify(body) };

    // Act
    const error = await officialClient()
      .sendEmail('template-1', 'mset@north-tyneside.example.gov.uk', {})
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(NotifyHttpError);
    expect((error as NotifyHttpError).response).toMatchObject({ status, data: body });
  });

  it('gives a body that is not JSON as its text, as axios does', async () => {
    // Prepare
    next = { status: 502, type: 'text/html', body: '<html>Bad gateway</html>' };

    // Act
    const error = await transport({ method: 'get', url: `${base}/v2/notifications` }).catch((e: unknown) => e);

    // Assess
    expect((error as NotifyHttpError).response).toMatchObject({ status: 502, data: '<html>Bad gateway</html>' });
  });

  it("answers a letter's PDF as bytes (the client asks for an arraybuffer)", async () => {
    // Prepare
    next = { status: 200, type: 'application/pdf', body: Buffer.from([0x25, 0x50, 0x44, 0x46, 0xff]) };

    // Act
    const pdf = await officialClient().getPdfForLetterNotification('a4d6b7e2-0f6e-4c52-8a51-7d1c2e3f4a5b');

    // Assess
    expect([...pdf]).toEqual([0x25, 0x50, 0x44, 0x46, 0xff]);
  });

  it('rejects without a response when nothing answers, as axios does (the adapter reads it as an outage)', async () => {
    // Prepare: a port nothing listens on
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));

    // Act
    const error = await transport({ method: 'get', url: `http://127.0.0.1:${port}/v2/notifications` }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(NotifyUnreachableError);
    expect((error as NotifyUnreachableError).timedOut).toBe(false);
    expect(error).not.toHaveProperty('response');
  });

  it('gives up at the time-out on a server that takes the request and never answers, without a response', async () => {
    // Prepare
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;

    // Act
    const error = await fetchTransport({ timeoutMs: 100 })({
      method: 'post',
      url: `http://127.0.0.1:${port}/v2/notifications/email`,
      data: {},
    }).catch((e: unknown) => e);
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));

    // Assess
    expect(error).toBeInstanceOf(NotifyUnreachableError);
    expect((error as NotifyUnreachableError).timedOut).toBe(true);
    expect(error).not.toHaveProperty('response');
  });

  it('refuses a proxy rather than bypass it', async () => {
    // Act
    const error = await transport({ method: 'get', url: `${base}/v2/notifications`, proxy: { host: 'proxy', port: 3128 } }).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(TypeError);
    expect(received).toEqual([]);
  });
});
