/** The console's page sections (functions/console/app.ts, PageRoutes.section): loaded once, never overlapping. */
import { describe, expect, it } from 'vitest';
import { type Page, PageRoutes } from '../../../functions/console/app.js';

const page: Page = async () => ({ status: 204, headers: {}, body: '' });

describe('console sections', () => {
  it('refuse a section inside another, or around it: which one a path loads would depend on the order', () => {
    expect(() => new PageRoutes().section('/alerts', async () => () => {}).section('/alerts/sent', async () => () => {})).toThrow(
      'The console section /alerts/sent overlaps /alerts',
    );
    expect(() => new PageRoutes().section('/alerts/sent', async () => () => {}).section('/alerts', async () => () => {})).toThrow(
      'The console section /alerts overlaps /alerts/sent',
    );
    // A prefix of the text, not of the path: no overlap.
    expect(() => new PageRoutes().section('/alerts', async () => () => {}).section('/alerts-archive', async () => () => {})).not.toThrow();
  });

  it('load a section on its first request, once, and match its pages with their parameters', async () => {
    let loads = 0;
    const routes = new PageRoutes().section('/meetings', async () => {
      loads += 1;
      return (section) => section.get('/meetings/:meetingId', page);
    });

    const found = await routes.match('GET', '/meetings/m-1');
    const again = await routes.match('GET', '/meetings/m-2');

    expect(found?.params).toEqual({ meetingId: 'm-1' });
    expect(again?.params).toEqual({ meetingId: 'm-2' });
    expect(loads).toBe(1);
    expect(await routes.match('POST', '/meetings/m-1')).toBeUndefined();
    expect(await routes.match('GET', '/meetingsx')).toBeUndefined();
    expect(loads).toBe(1);
  });

  it('try a section whose load failed again on the next request', async () => {
    let loads = 0;
    const routes = new PageRoutes().section('/areas', async () => {
      loads += 1;
      if (loads === 1) throw new Error('chunk not read');
      return (section) => section.get('/areas', page);
    });

    await expect(routes.match('GET', '/areas')).rejects.toThrow('chunk not read');
    expect((await routes.match('GET', '/areas'))?.params).toEqual({});
    expect(loads).toBe(2);
  });
});
