/** Meetings: built next. */
import type { PageRoutes } from '../app.js';

export function meetingPages(routes: PageRoutes): PageRoutes {
  return routes;
}
