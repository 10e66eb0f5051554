/**
 * The local hub's GOV.UK Notify: a mail outbox in the data directory. Every message the hub would send is
 * rendered from its template as Notify renders it (contracts/notifications.ts) and kept, one JSON line per
 * message, in `mail/outbox.jsonl`, so a person (or a trainer) sees exactly what would have gone, on the
 * console's /outbox page. Nothing leaves the machine.
 *
 * Like Notify it answers by reference, so the sender's check of a message in doubt works the same here.
 * A test can make it refuse a mailbox for good, or be unavailable for a number of sends.
 */
import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { renderTemplate, TEMPLATES, type TemplateName } from '../contracts/notifications.js';
import { NotificationRejectedError, NotifierUnavailableError } from '../functions/core/notifications/errors.js';
import type { Notifier, OutgoingEmail } from '../functions/core/notifications/ports.js';

export type OutboxMessage = {
  readonly id: string;
  readonly sentAt: string;
  readonly template: TemplateName;
  readonly to: string;
  readonly reference: string;
  readonly subject: string;
  readonly body: string;
};

/** What `npm start` prints for a message: never its content. */
export type SentNotice = Pick<OutboxMessage, 'template' | 'to' | 'reference'>;

export type MailOutboxOptions = {
  /** Called once a message is kept. */
  readonly onSend?: (notice: SentNotice) => void;
  /** When messages are dated (the hub's clock). */
  readonly now?: () => Date;
};

export class MailOutbox implements Notifier {
  private readonly messages: OutboxMessage[] = [];
  private readonly refused = new Set<string>();
  private unavailable = 0;

  private constructor(
    private readonly path: string,
    private readonly options: MailOutboxOptions,
  ) {}

  static async open(path: string, options: MailOutboxOptions = {}): Promise<MailOutbox> {
    const outbox = new MailOutbox(path, options);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        outbox.messages.push(JSON.parse(line) as OutboxMessage);
      } catch {
        // A line cut short by a crash: that message was never reported sent, so its intent sends it again.
      }
    }
    return outbox;
  }

  async sendEmail(email: OutgoingEmail): Promise<{ id: string }> {
    if (this.unavailable > 0) {
      this.unavailable -= 1;
      throw new NotifierUnavailableError(500);
    }
    if (this.refused.has(email.to)) throw new NotificationRejectedError(['BadRequestError']);
    const rendered = renderTemplate(TEMPLATES[email.template], email.personalisation);
    const message: OutboxMessage = {
      id: randomUUID(),
      sentAt: (this.options.now?.() ?? new Date()).toISOString(),
      template: email.template,
      to: email.to,
      reference: email.reference,
      ...rendered,
    };
    await appendFile(this.path, `${JSON.stringify(message)}\n`, { mode: 0o600 });
    this.messages.push(message);
    this.options.onSend?.({ template: message.template, to: message.to, reference: message.reference });
    return { id: message.id };
  }

  async findSent(reference: string): Promise<string | undefined> {
    return this.messages.find((message) => message.reference === reference)?.id;
  }

  /** Every message kept, newest first. */
  list(): readonly OutboxMessage[] {
    return [...this.messages].reverse();
  }

  /** From now on, messages to `to` are refused for good, as Notify refuses a mailbox it will not send to. */
  refuse(to: string): void {
    this.refused.add(to);
  }

  /** The next `sends` messages fail as Notify's outage would. */
  failNext(sends: number): void {
    this.unavailable = sends;
  }
}
