/**
 * The GOV.UK Notify client's HTTP transport on Node's own fetch, handed to the official client through its
 * documented extension point, `setClient` (notifications-node-client's api_client.js). The client builds an
 * axios-style request ({ method, url, headers, data } on a POST; on a GET the query already in the url, and
 * `responseType: 'arraybuffer'` for a letter's PDF) and reads `response.data`, or on a failure
 * `error.response.status` and `.data`: that much of axios, and no more, is what this gives it. The hub uses
 * it everywhere (tests, local hub, Lambda), so what the tests send through is what runs; axios itself, which
 * the client would load for its default transport, is left out of the sender's Lambda bundle (scripts/bundle.ts,
 * NOTIFY_DEFAULT_TRANSPORT_UNUSED).
 */

/** What the Notify client passes to its transport (api_client.js get and post). */
export type NotifyRequest = {
  readonly method: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** A POST's body: JSON, as axios sends a plain object. */
  readonly data?: unknown;
  /** axios's query parameters: the client puts its query in the url, but a caller's extra options may name some. */
  readonly params?: Readonly<Record<string, string | number | boolean | null | undefined>>;
  /** `arraybuffer` for a letter's PDF; otherwise JSON where the body is JSON, as axios answers. */
  readonly responseType?: string;
  /** Set only by the client's setProxy, which the hub never calls. */
  readonly proxy?: unknown;
};

export type NotifyResponse = {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly data: unknown;
};

/**
 * Notify's answer other than 2xx, shaped as axios shapes one (`response: { status, data }`), which is what
 * the client (a letter PDF's error body) and the adapter read. Holds Notify's answer only, not the request.
 */
export class NotifyHttpError extends Error {
  readonly response: NotifyResponse;

  constructor(response: NotifyResponse) {
    super(`Request failed with status code ${response.status}`);
    this.name = 'NotifyHttpError';
    this.response = response;
  }
}

/**
 * No answer at all: the connection failed, or Notify took longer than the time-out. No `response`, as with
 * axios, so it reads as an outage (retried), and no cause: fetch's would name the request.
 */
export class NotifyUnreachableError extends Error {
  constructor(readonly timedOut: boolean) {
    super(timedOut ? 'Notify did not answer in time' : 'Notify could not be reached');
    this.name = 'NotifyUnreachableError';
  }
}

/** A transport for `NotifyClient.setClient`: each request bounded by `timeoutMs`, body and all. */
export function fetchTransport(options: { readonly timeoutMs: number }): (request: NotifyRequest) => Promise<NotifyResponse> {
  return async (request) => {
    // A proxy would be silently bypassed: fetch has no per-request proxy option.
    if (request.proxy !== undefined && request.proxy !== null) throw new TypeError('The Notify transport does not support a proxy');
    const url = new URL(request.url);
    for (const [name, value] of Object.entries(request.params ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.append(name, String(value));
    }
    const headers = new Headers(request.headers);
    if (!headers.has('accept')) headers.set('accept', 'application/json, text/plain, */*');
    const sent = request.data === undefined ? undefined : typeof request.data === 'string' ? request.data : JSON.stringify(request.data);
    if (sent !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
    const signal = AbortSignal.timeout(options.timeoutMs);
    let response: Response;
    let body: ArrayBuffer;
    try {
      response = await fetch(url, {
        method: request.method.toUpperCase(),
        headers,
        ...(sent === undefined ? {} : { body: sent }),
        signal,
      });
      body = await response.arrayBuffer();
    } catch {
      throw new NotifyUnreachableError(signal.aborted);
    }
    const answer: NotifyResponse = {
      status: response.status,
      statusText: response.statusText,
      headers: Object.fromEntries(response.headers),
      data: request.responseType === 'arraybuffer' ? Buffer.from(body) : parsed(new TextDecoder().decode(body)),
    };
    if (response.status < 200 || response.status >= 300) throw new NotifyHttpError(answer);
    return answer;
  };
}

/** As axios reads a body by default: JSON where it parses, the text where it does not. */
function parsed(text: string): unknown {
  if (text === '') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
