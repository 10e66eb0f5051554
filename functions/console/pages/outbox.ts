/**
 * The local hub's mail outbox: every message the hub would have sent through GOV.UK Notify, as Notify would
 * render it. Only the local hub has one (its composition root plugs it in); on a deployed hub the page is
 * not found, like any page that does not exist. Every message is synthetic and carries no child content.
 */
import { NotFoundError } from '../../core/errors.js';
import type { PageRoutes } from '../app.js';
import { when } from '../format.js';

/** A busy training day fits on one page; the file in the data directory keeps them all. */
const SHOWN = 200;

export function outboxPage(routes: PageRoutes): PageRoutes {
  return routes.get('/outbox', async (page) => {
    const sentMail = page.deps.sentMail;
    if (sentMail === undefined) throw new NotFoundError('No mail outbox');
    // Each area sees the mail to its own mailboxes, as it would in its own email: the outbox is not a way
    // to learn which alerts other areas exchanged.
    const area = page.deps.areas.get(page.context.caller.area);
    const mailboxes = new Set([area?.msetMailbox, area?.dutyManagerMailbox].filter((mailbox) => mailbox !== undefined));
    const messages = sentMail.list().filter((message) => mailboxes.has(message.to));
    return {
      view: 'outbox',
      data: {
        title: 'Mail outbox',
        areaName: area?.name ?? page.context.caller.area,
        total: messages.length,
        messages: messages.slice(0, SHOWN).map((message) => ({
          to: message.to,
          sent: when(message.sentAt, page.now),
          template: message.template,
          reference: message.reference,
          subject: message.subject,
          // Line by line, each escaped by the template: the message's text, never markup.
          bodyLines: message.body.split('\n'),
        })),
      },
    };
  });
}
