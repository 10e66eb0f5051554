/**
 * The Notifier on GOV.UK Notify, through its official client (notifications-node-client). Templates are
 * Notify templates, named by the hub and identified by the ids the deployment configures; the API key is
 * read once, when the first message is sent (on AWS from Secrets Manager, by the sender function alone).
 * A Notify test key works end to end and delivers nothing.
 *
 * Notify's answers: 201 sent; 400 refused for good (a team-only key and an address outside the team, a
 * malformed address); 403 a bad key, 429 over the rate limit, 5xx an outage: all three may pass, so they are
 * retried, and a key that stays bad ends in the dead-letter queue and its alarm. Errors keep Notify's error
 * codes only: its messages can quote the address.
 */
import { NotifyClient } from 'notifications-node-client';
import type { TemplateName } from '../../../contracts/notifications.js';
import { NotificationRejectedError, NotifierUnavailableError } from '../../core/notifications/errors.js';
import type { Notifier, OutgoingEmail } from '../../core/notifications/ports.js';
import { fetchTransport } from './fetch-transport.js';

export type NotifyNotifierOptions = {
  /** Resolves to the API key; called once, on first use. */
  readonly apiKey: () => Promise<string>;
  /** Each template's id in the Notify service. */
  readonly templateIds: Readonly<Record<TemplateName, string>>;
  /** Notify's API unless given (a test's fake Notify on 127.0.0.1). */
  readonly baseUrl?: string;
  /** Per request: a stalled Notify fails the attempt, which is retried, rather than hold the function. */
  readonly timeoutMs?: number;
};

const NOTIFY_API = 'https://api.notifications.service.gov.uk';

export class NotifyNotifier implements Notifier {
  private client: Promise<NotifyClient> | undefined;

  constructor(private readonly options: NotifyNotifierOptions) {}

  async sendEmail(email: OutgoingEmail): Promise<{ id: string }> {
    const client = await this.notify();
    try {
      const response = await client.sendEmail(this.options.templateIds[email.template], email.to, {
        personalisation: { ...email.personalisation },
        reference: email.reference,
      });
      return { id: String(response.data.id) };
    } catch (error) {
      throw notifyError(error);
    }
  }

  async findSent(reference: string): Promise<string | undefined> {
    const client = await this.notify();
    try {
      const response = await client.getNotifications('email', undefined, reference);
      const found = (response.data as { notifications?: Array<{ id?: unknown; reference?: unknown }> }).notifications ?? [];
      const sent = found.find((notification) => notification.reference === reference);
      return sent?.id === undefined ? undefined : String(sent.id);
    } catch (error) {
      throw notifyError(error);
    }
  }

  private notify(): Promise<NotifyClient> {
    this.client ??= this.options.apiKey().then((apiKey) => {
      const client = new NotifyClient(this.options.baseUrl ?? NOTIFY_API, apiKey);
      // Always, before any request: the client's default transport (axios) waits for ever, and is not in the
      // sender's Lambda bundle at all (scripts/bundle.ts). A bounded request lets the queue retry a stalled Notify.
      client.setClient(
        // Typed by the client as an axios instance; it calls it with a request and reads the answer, no more.
        fetchTransport({ timeoutMs: this.options.timeoutMs ?? 10_000 }) as unknown as Parameters<NotifyClient['setClient']>[0],
      );
      return client;
    });
    // A key that could not be read is read again next time, not cached as a failure.
    this.client.catch(() => {
      this.client = undefined;
    });
    return this.client;
  }
}

/** Notify's error as one of ours: its status and error codes only. */
function notifyError(error: unknown): Error {
  const response = (error as { response?: { status?: unknown; data?: unknown } } | undefined)?.response;
  const status = typeof response?.status === 'number' ? response.status : undefined;
  if (status === 400) {
    const errors = (response?.data as { errors?: Array<{ error?: unknown }> } | undefined)?.errors ?? [];
    return new NotificationRejectedError(errors.map((entry) => String(entry.error ?? 'Error').slice(0, 64)));
  }
  // No cause: whatever the transport's error holds stays out of ours; the status and codes say enough.
  return new NotifierUnavailableError(status);
}
