/**
 * A meter at the adapter boundary: it wraps the DynamoDB document client, the key service and the queues a
 * hub plugs in (HubEnvironment.adapters), counts every call each request makes to them, and can delay each
 * call as AWS would (a latency profile), so the local hub shows the round trips a request makes on AWS.
 * It lives in local/ because it is a twin's concern: no handler, use case or adapter knows it is there, and
 * no Lambda bundle carries it (test/bench/bundle-budget.test.ts refuses anything from local/).
 *
 * Calls are attributed to the request whose handler made them through AsyncLocalStorage: the hub runs each
 * route's handler inside `meter.request(...)` and each queue consumer outside any request, so the audit
 * consumer's writes (which follow a request, on AWS in another function) are not counted as the request's.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MessageQueue, RedeliveringQueue } from '../functions/adapters/queue.js';
import type { KeyService } from '../functions/core/ports.js';
import type { AdapterOverrides } from '../functions/shared/wiring.js';

export const SERVICES = ['dynamodb', 'kms', 'audit', 'notifications'] as const;
export type Service = (typeof SERVICES)[number];

/** Milliseconds added to each call of a service: a model of one AWS round trip within a region. */
export type LatencyProfile = Readonly<Record<Service, number>>;

/** The three profiles (DynamoDB 3/5/8 ms, KMS 5/15/30 ms, SQS 10/20/30 ms for either queue). */
export const PROFILES = {
  low: { dynamodb: 3, kms: 5, audit: 10, notifications: 10 },
  mid: { dynamodb: 5, kms: 15, audit: 20, notifications: 20 },
  high: { dynamodb: 8, kms: 30, audit: 30, notifications: 30 },
} as const satisfies Record<string, LatencyProfile>;

const NO_DELAY: LatencyProfile = { dynamodb: 0, kms: 0, audit: 0, notifications: 0 };

export type MeteredCall = { readonly service: Service; readonly operation: string; readonly start: number; readonly end: number };

export type RequestTrace = {
  /** The route key the gateway matched, e.g. `GET /v1/alerts/{alertId}` (`$default` for the console). */
  readonly routeKey: string;
  /** The method and path asked for (tells the console's pages apart). */
  readonly request: string;
  readonly calls: readonly MeteredCall[];
};

export type CallSummary = Readonly<Record<Service, number>> & {
  /** The longest chain of calls each made after the one before it had answered. */
  readonly chain: number;
};

/**
 * The longest chain of calls one after another: the most calls that can be lined up so each starts at or
 * after the end of the previous one. Calls that overlap in time (sent together) can never both be in a
 * chain, so they cost one link, as they cost one round trip on AWS. Earliest end first is optimal for
 * this (the classic interval scheduling greedy).
 */
export function chainLength(calls: readonly MeteredCall[]): number {
  let links = 0;
  let free = Number.NEGATIVE_INFINITY;
  for (const call of [...calls].sort((a, b) => a.end - b.end)) {
    if (call.start >= free) {
      links += 1;
      free = call.end;
    }
  }
  return links;
}

export function summarize(calls: readonly MeteredCall[]): CallSummary {
  const counts: Record<Service, number> = { dynamodb: 0, kms: 0, audit: 0, notifications: 0 };
  for (const call of calls) counts[call.service] += 1;
  return { ...counts, chain: chainLength(calls) };
}

export class CallMeter {
  private readonly current = new AsyncLocalStorage<MeteredCall[]>();
  private traces: RequestTrace[] = [];
  private profile: LatencyProfile = NO_DELAY;
  private clock = 0;

  /** Delays every later call by the profile's figure for its service (none unless set). */
  setProfile(profile: LatencyProfile | undefined): void {
    this.profile = profile ?? NO_DELAY;
  }

  /** Runs one request's handler; the calls it makes are kept as one trace. */
  async request<T>(routeKey: string, request: string, handler: () => Promise<T>): Promise<T> {
    const calls: MeteredCall[] = [];
    try {
      return await this.current.run(calls, handler);
    } finally {
      this.traces.push({ routeKey, request, calls });
    }
  }

  /** Runs work (a queue consumer) outside any request, so its calls are not counted as the request's. */
  outside<T>(work: () => T): T {
    return this.current.exit(work);
  }

  /** The traces of requests finished since the last take, oldest first. */
  take(): RequestTrace[] {
    const taken = this.traces;
    this.traces = [];
    return taken;
  }

  /** The same adapters, each call counted and delayed; absent ones stay absent (the hub's AWS defaults). */
  wrap(adapters: AdapterOverrides): AdapterOverrides {
    return {
      ...adapters,
      ...(adapters.documentClient === undefined ? {} : { documentClient: this.meter(adapters.documentClient, 'dynamodb', ['send']) }),
      ...(adapters.keyService === undefined
        ? {}
        : { keyService: this.meter<KeyService>(adapters.keyService, 'kms', ['generateDataKey', 'decryptDataKey']) }),
      ...(adapters.auditQueue === undefined ? {} : { auditQueue: this.meter<MessageQueue>(adapters.auditQueue, 'audit', ['send']) }),
      ...(adapters.notificationQueue === undefined
        ? {}
        : {
            notificationQueue: this.meter<MessageQueue & RedeliveringQueue>(adapters.notificationQueue, 'notifications', [
              'send',
              'changeVisibility',
            ]),
          }),
    };
  }

  /**
   * A proxy whose listed methods are metered; everything else (a client's config, destroy) is the target's
   * own. The operation is the command's class name for the document client (GetCommand), else the method.
   */
  private meter<T extends object>(target: T, service: Service, methods: readonly string[]): T {
    const meter = this;
    return new Proxy(target, {
      get(object, property, receiver) {
        const value = Reflect.get(object, property, receiver) as unknown;
        if (typeof property !== 'string' || !methods.includes(property) || typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const first = args[0] as { constructor?: { name?: string } } | undefined;
          const operation = property === 'send' && service === 'dynamodb' ? (first?.constructor?.name ?? 'send') : property;
          return meter.call(service, operation, () => (value as (...a: unknown[]) => Promise<unknown>).apply(object, args));
        };
      },
    });
  }

  private async call<T>(service: Service, operation: string, forward: () => Promise<T>): Promise<T> {
    const calls = this.current.getStore();
    // Ticks, not times: a call is after another when it starts after that one's answer came, whatever the
    // clock says, so the chain is the same on a busy machine as on an idle one (counts, never times).
    const start = this.tick();
    try {
      const delay = this.profile[service];
      if (delay > 0) await sleep(delay);
      return await forward();
    } finally {
      calls?.push({ service, operation, start, end: this.tick() });
    }
  }

  private tick(): number {
    this.clock += 1;
    return this.clock;
  }
}
