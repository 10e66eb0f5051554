/**
 * The clients of a crash test: concurrent loops creating alerts and meetings, acknowledging and answering
 * them, each POST with its own Idempotency-Key, every request and every answer (or its absence) on record;
 * and the retry of every request left without a final answer, with the same key, body and token, as a
 * well-behaved client would after a crash.
 */
import { sampleAlert, sampleMeeting } from './hub.js';

/** A seeded generator (mulberry32): the same seed gives the same choices, so a failure can be replayed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export type Operation = 'create-alert' | 'acknowledge' | 'request-meeting' | 'respond';

export type Outcome =
  | {
      readonly kind: 'answer';
      readonly status: number;
      readonly json: any;
      readonly retryAfterSeconds?: number;
      readonly replayed: boolean;
    }
  | { readonly kind: 'cut-off'; readonly error: string };

export type RecordedRequest = {
  readonly seq: number;
  readonly operation: Operation;
  readonly key: string;
  readonly path: string;
  readonly body: any;
  readonly token: string;
  /** The caller's area. */
  readonly area: string;
  /** The hub run (1 = first start) the request was first sent to. */
  readonly run: number;
  readonly attempts: Outcome[];
  /** A create's unique child surname: how a stored alert or meeting is traced back to the request that made it. */
  readonly marker?: string;
  /** The alert or meeting an acknowledgement or a response is about. */
  readonly targetId?: string;
};

export type Tokens = {
  readonly police: string;
  readonly chair: string;
  /** A coordinator of every area, the sending area included. */
  readonly coordinators: Readonly<Record<string, string>>;
};

/**
 * Where the hub is, for clients: closed while it is down so they stop sending rather than pile up refused
 * connections, and opened again with the new run's address.
 */
export class HubGate {
  private waiting: Promise<string>;
  private release: ((url: string) => void) | undefined;
  run = 0;

  constructor() {
    this.waiting = new Promise((resolve) => {
      this.release = resolve;
    });
  }

  open(url: string): void {
    this.run += 1;
    this.release?.(url);
    this.release = undefined;
    this.waiting = Promise.resolve(url);
  }

  close(): void {
    if (this.release !== undefined) return;
    this.waiting = new Promise((resolve) => {
      this.release = resolve;
    });
  }

  wait(): Promise<string> {
    return this.waiting;
  }
}

const REQUEST_TIMEOUT_MS = 15_000;

export async function send(url: string, request: RecordedRequest): Promise<Outcome> {
  let outcome: Outcome;
  try {
    const response = await fetch(`${url}${request.path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${request.token}`,
        'content-type': 'application/json',
        'idempotency-key': request.key,
      },
      body: JSON.stringify(request.body),
      // A hub that hangs instead of dying must not hang the test: the request counts as cut off.
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = text;
    }
    const retryAfter = response.headers.get('retry-after');
    outcome = {
      kind: 'answer',
      status: response.status,
      json,
      ...(retryAfter === null || !/^\d+$/.test(retryAfter) ? {} : { retryAfterSeconds: Number(retryAfter) }),
      replayed: response.headers.get('idempotent-replayed') === 'true',
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    outcome = { kind: 'cut-off', error: cause?.code ?? cause?.message ?? (error as Error).message };
  }
  request.attempts.push(outcome);
  return outcome;
}

/**
 * A request needs another try while its last attempt is no final answer: cut off, a server error (503
 * says "try again"; a 500 from a half-done request is retried as a client would), or 409 for a key whose
 * first request is still running (the hub says so with Retry-After or in its words). A 409 for a lost
 * race (an acknowledged share, a changed meeting) is final: retrying cannot change it.
 */
export function needsRetry(outcome: Outcome | undefined): boolean {
  if (outcome === undefined || outcome.kind === 'cut-off') return true;
  if (outcome.status >= 500) return true;
  if (outcome.status !== 409) return false;
  return outcome.retryAfterSeconds !== undefined || /in progress/i.test(String(outcome.json?.detail ?? ''));
}

export const lastOutcome = (request: RecordedRequest): Outcome | undefined => request.attempts[request.attempts.length - 1];

export const finalStatus = (request: RecordedRequest): number | undefined => {
  const last = lastOutcome(request);
  return last?.kind === 'answer' && !needsRetry(last) ? last.status : undefined;
};

/** What a 201 to a create returned: the id of the alert or meeting it made. */
export const createdId = (request: RecordedRequest): string | undefined => {
  const last = lastOutcome(request);
  if (last?.kind !== 'answer' || last.status !== 201) return undefined;
  return request.operation === 'create-alert'
    ? last.json?.alertId
    : request.operation === 'request-meeting'
      ? last.json?.meetingId
      : undefined;
};

const WEIGHTS: ReadonlyArray<[Operation, number]> = [
  ['create-alert', 0.4],
  ['acknowledge', 0.3],
  ['request-meeting', 0.15],
  ['respond', 0.15],
];

type Pending = { readonly id: string; readonly area: string };

/**
 * The load: `clients` loops, each with its own seeded stream, sending one request at a time. Only what a
 * client saw succeed is acted on later (acknowledged, answered), and each share or invitation at most once,
 * so every stored acknowledgement and answer has exactly one request that could have made it.
 */
export class Workload {
  readonly requests: RecordedRequest[] = [];
  private readonly toAcknowledge: Pending[] = [];
  private readonly toAnswer: Pending[] = [];
  private stopped = false;
  private seq = 0;

  constructor(
    private readonly options: {
      readonly seed: number;
      readonly clients: number;
      readonly senderArea: string;
      readonly otherAreas: readonly string[];
      readonly tokens: Tokens;
      readonly gate: HubGate;
    },
  ) {}

  /** Starts the loops; the promise resolves when they have all stopped after `stop()`. */
  run(): Promise<void> {
    return Promise.all(Array.from({ length: this.options.clients }, (_, client) => this.loop(client))).then(() => undefined);
  }

  stop(): void {
    this.stopped = true;
  }

  private async loop(client: number): Promise<void> {
    const random = prng(this.options.seed + 7919 * (client + 1));
    while (!this.stopped) {
      const url = await this.options.gate.wait();
      if (this.stopped) return;
      const request = this.next(random);
      const outcome = await send(url, request);
      if (outcome.kind === 'answer' && outcome.status === 201) this.remember(request, outcome.json);
    }
  }

  private next(random: () => number): RecordedRequest {
    let roll = random();
    let operation: Operation = 'create-alert';
    for (const [candidate, weight] of WEIGHTS) {
      if (roll < weight) {
        operation = candidate;
        break;
      }
      roll -= weight;
    }
    if (operation === 'acknowledge' && this.toAcknowledge.length > 0) return this.acknowledge(random);
    if (operation === 'respond' && this.toAnswer.length > 0) return this.respond(random);
    if (operation === 'request-meeting') return this.requestMeeting(random);
    return this.createAlert(random);
  }

  private record(fields: Omit<RecordedRequest, 'seq' | 'key' | 'attempts' | 'run'>): RecordedRequest {
    const request: RecordedRequest = { ...fields, seq: this.seq++, key: crypto.randomUUID(), attempts: [], run: this.options.gate.run };
    this.requests.push(request);
    return request;
  }

  private createAlert(random: () => number): RecordedRequest {
    const recipients = pickSome(random, this.options.otherAreas, 3, 10);
    const marker = `Child-A${this.seq}`;
    return this.record({
      operation: 'create-alert',
      path: '/v1/alerts',
      body: sampleAlert(recipients, { child: { name: { given: 'Test', family: marker }, dateOfBirth: '2011-01-01' } }),
      token: this.options.tokens.police,
      area: this.options.senderArea,
      marker,
    });
  }

  private requestMeeting(random: () => number): RecordedRequest {
    const invited = pickSome(random, this.options.otherAreas, 1, 5);
    const marker = `Child-M${this.seq}`;
    return this.record({
      operation: 'request-meeting',
      path: '/v1/meetings',
      body: sampleMeeting(invited, { subject: { name: { given: 'Test', family: marker }, dateOfBirth: '2011-01-01' } }),
      token: this.options.tokens.chair,
      area: this.options.senderArea,
      marker,
    });
  }

  private acknowledge(random: () => number): RecordedRequest {
    const { id, area } = takeOne(random, this.toAcknowledge);
    const outcome = random() < 0.7 ? 'ACCEPTED' : 'ALREADY_KNOWN';
    return this.record({
      operation: 'acknowledge',
      path: `/v1/alerts/${id}/acknowledgements`,
      body: { outcome, note: `Synthetic acknowledgement ${this.seq}` },
      token: this.options.tokens.coordinators[area]!,
      area,
      targetId: id,
    });
  }

  private respond(random: () => number): RecordedRequest {
    const { id, area } = takeOne(random, this.toAnswer);
    const body =
      random() < 0.7 ? { response: 'ACCEPT', slotId: 'slot-1' } : { response: 'DECLINE', reason: 'Synthetic: not known to this MSET' };
    return this.record({
      operation: 'respond',
      path: `/v1/meetings/${id}/responses`,
      body,
      token: this.options.tokens.coordinators[area]!,
      area,
      targetId: id,
    });
  }

  private remember(request: RecordedRequest, json: any): void {
    if (request.operation === 'create-alert' && typeof json?.alertId === 'string') {
      for (const recipient of request.body.recipients as Array<{ area: string }>)
        this.toAcknowledge.push({ id: json.alertId, area: recipient.area });
    }
    if (request.operation === 'request-meeting' && typeof json?.meetingId === 'string') {
      for (const area of request.body.invitedAreas as string[]) this.toAnswer.push({ id: json.meetingId, area });
    }
  }
}

function pickSome(random: () => number, from: readonly string[], min: number, max: number): string[] {
  const pool = [...from];
  const count = Math.min(pool.length, min + Math.floor(random() * (max - min + 1)));
  const picked: string[] = [];
  while (picked.length < count) picked.push(pool.splice(Math.floor(random() * pool.length), 1)[0]!);
  return picked;
}

function takeOne<T>(random: () => number, from: T[]): T {
  return from.splice(Math.floor(random() * from.length), 1)[0]!;
}

export type RetryReport = { retried: number; attempts: number; rounds: number; unresolved: RecordedRequest[] };

/**
 * Retries every request without a final answer, with its own key, body and token, in rounds: every
 * pending request is sent once per round, so a request whose first run still holds its key cannot starve
 * the others of their retries. Between rounds the clients wait what the hub asked (Retry-After) or back
 * off, up to a cap, so a hub asking for a long wait ends the retries (leaving requests unresolved) rather
 * than the test's time budget.
 */
export async function retryUnfinished(
  url: string,
  requests: readonly RecordedRequest[],
  options: { readonly deadline: number; readonly maxRounds: number; readonly concurrency: number; readonly maxWaitMs: number },
): Promise<RetryReport> {
  let pending = requests.filter((request) => needsRetry(lastOutcome(request)));
  const report: RetryReport = { retried: pending.length, attempts: 0, rounds: 0, unresolved: [] };
  while (pending.length > 0 && report.rounds < options.maxRounds && Date.now() < options.deadline) {
    const queue = [...pending];
    let asked = 0;
    const worker = async () => {
      for (let request = queue.shift(); request !== undefined; request = queue.shift()) {
        const outcome = await send(url, request);
        report.attempts += 1;
        if (outcome.kind === 'answer' && outcome.retryAfterSeconds !== undefined && needsRetry(outcome)) {
          asked = Math.max(asked, outcome.retryAfterSeconds * 1000);
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    report.rounds += 1;
    pending = pending.filter((request) => needsRetry(lastOutcome(request)));
    if (pending.length === 0) break;
    const backoff = 100 * 2 ** report.rounds;
    await sleep(Math.min(options.maxWaitMs, Math.max(asked, backoff), Math.max(0, options.deadline - Date.now())));
  }
  report.unresolved = pending;
  return report;
}
