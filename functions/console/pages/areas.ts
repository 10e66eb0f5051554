/** The area directory: who is in the partnership, and how to reach each MSET. */
import type { PageRoutes } from '../app.js';

export function areaPages(routes: PageRoutes): PageRoutes {
  return routes.get('/areas', async (page) => ({
    view: 'areas',
    data: {
      title: 'Areas',
      rows: page.deps.areas.list().map((area) => ({
        name: area.name,
        police: area.policeForce,
        mailbox: area.msetMailbox,
        outOfHours: area.outOfHours,
        neighbours: area.neighbours.map((id) => page.deps.areas.get(id)?.name ?? id).join(', '),
        mine: area.id === page.context.caller.area,
      })),
    },
  }));
}
