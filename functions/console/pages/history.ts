/**
 * Finding an access history by its alert's or meeting's reference: the way in for a data protection
 * officer (the auditor role), who may read histories but not open alerts or list them, and for anyone
 * asked "who saw this?" about an alert they were told of. The history page itself is the use case's to
 * allow or refuse, as always.
 */
import type { PageRoutes } from '../app.js';
import { redirect } from '../http.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function historyPages(routes: PageRoutes): PageRoutes {
  return routes.get('/history', async (page) => {
    const { type, reference } = page.request.query;
    if (type === undefined && reference === undefined) {
      return { view: 'history-lookup', data: { title: 'Find an access history', values: {} } };
    }
    const errors: Array<{ text: string; href: string }> = [];
    const fieldErrors: Record<string, string> = {};
    if (type !== 'alert' && type !== 'meeting') {
      fieldErrors['type'] = 'Select whether it is an alert or a meeting';
      errors.push({ text: fieldErrors['type'], href: '#type' });
    }
    const id = (reference ?? '').trim().toLowerCase();
    if (!UUID.test(id)) {
      fieldErrors['reference'] = 'Enter the reference as it appears in the page address, like 86274ca3-6323-48d2-84cd-42b46a3c360c';
      errors.push({ text: fieldErrors['reference'], href: '#reference' });
    }
    if (errors.length > 0) {
      return {
        view: 'history-lookup',
        status: 422,
        data: { title: 'Find an access history', values: { type, reference }, errors, fieldErrors },
      };
    }
    return redirect(type === 'alert' ? `/alerts/${id}/history` : `/meetings/${id}/history`);
  });
}
