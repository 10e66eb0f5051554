/** Every page of the console, in the order they are matched (a literal path before a parameter). */
import { PageRoutes } from '../app.js';
import { alertPages } from './alerts.js';
import { areaPages } from './areas.js';
import { historyPages } from './history.js';
import { meetingPages } from './meetings.js';
import { outboxPage } from './outbox.js';
import { sharePages } from './shares.js';

export function consolePages(): PageRoutes {
  const routes = new PageRoutes();
  alertPages(routes);
  sharePages(routes);
  meetingPages(routes);
  areaPages(routes);
  outboxPage(routes);
  historyPages(routes);
  return routes;
}
