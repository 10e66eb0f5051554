/**
 * Every page of the console, by section: the first request under a section's path loads its pages (and the
 * use cases behind them), so a cold start reads only the code of the page it serves. In each section pages
 * are matched in the order they are added (a literal path before a parameter).
 */
import { PageRoutes } from '../app.js';

export function consolePages(): PageRoutes {
  return (
    new PageRoutes()
      // An alert's pages link to its shares' (forward, revoke, extend), which live under its path.
      .section('/alerts', async () => {
        const [{ alertPages }, { sharePages }] = await Promise.all([import('./alerts.js'), import('./shares.js')]);
        return (routes) => sharePages(alertPages(routes));
      })
      .section('/meetings', async () => (await import('./meetings.js')).meetingPages)
      .section('/areas', async () => (await import('./areas.js')).areaPages)
      .section('/outbox', async () => (await import('./outbox.js')).outboxPage)
      .section('/history', async () => (await import('./history.js')).historyPages)
  );
}
