/** The /outbox page exists only where the composition root plugs in a mail outbox: the local hub. */
import { describe, expect, it } from 'vitest';
import { type PageContext, PageRoutes } from '../../../functions/console/app.js';
import { outboxPage } from '../../../functions/console/pages/outbox.js';
import { AreaDirectory } from '../../../functions/core/areas.js';
import { NotFoundError } from '../../../functions/core/errors.js';

const page = outboxPage(new PageRoutes()).entries[0]!.page;
const context = (sentMail: unknown, area = 'north-tyneside') =>
  ({
    deps: { sentMail, areas: AreaDirectory.fromBundledData() },
    context: { caller: { area } },
    now: new Date('2026-12-01T12:00:00Z'),
  }) as unknown as PageContext;

describe('the mail outbox page', () => {
  it('is not found on a hub without a mail outbox (a deployed hub sends through Notify)', async () => {
    await expect(page(context(undefined))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists the messages newest first, each body line by line for the template to escape', async () => {
    // Prepare
    const sentMail = {
      list: () => [
        {
          id: 'm-1',
          sentAt: '2026-12-01T11:00:00Z',
          template: 'ALERT_SHARED',
          to: 'mset@north-tyneside.example.gov.uk',
          reference: 'ref',
          subject: 'Subject',
          body: 'Line one\n<b>two</b>',
        },
      ],
    };

    // Act
    const view = (await page(context(sentMail))) as {
      view: string;
      data: { total: number; messages: { bodyLines: string[]; sent: string }[] };
    };

    // Assess
    expect(view.view).toBe('outbox');
    expect(view.data.total).toBe(1);
    expect(view.data.messages[0]).toMatchObject({ bodyLines: ['Line one', '<b>two</b>'], sent: '11:00 today' });
  });

  it("shows a person only the mail to their own area's mailboxes", async () => {
    const message = (to: string) => ({
      id: to,
      sentAt: '2026-12-01T11:00:00Z',
      template: 'T',
      to,
      reference: 'r',
      subject: 's',
      body: 'b',
    });
    const sentMail = { list: () => [message('mset@north-tyneside.example.gov.uk'), message('mset@newcastle.example.gov.uk')] };
    const view = (await page(context(sentMail, 'newcastle'))) as unknown as { data: { messages: { to: string }[] } };
    expect(view.data.messages.map((shown) => shown.to)).toEqual(['mset@newcastle.example.gov.uk']);
  });
});
