/**
 * Finding an access history by its alert's or meeting's reference: the way in for a data protection
 * officer (the auditor role), who may read histories but not open alerts or list them, and for anyone
 * asked "who saw this?" about an alert they were told of. The history page itself is the use case's to
 * allow or refuse, as always.
 */

import type { AccessHistoryEntry, AuditAction, AuditOutcome } from '../../../contracts/audit.js';
import { AccessHistoryQuery } from '../../../contracts/audit.js';
import { parseInput } from '../../shared/http/input.js';
import type { PageContext, PageRoutes, View } from '../app.js';
import { dateTime } from '../format.js';
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

/** Every action the audit trail records, in words; the type makes a new action name its words here. */
export const ACTION_WORDS: Record<AuditAction, string> = {
  ALERT_CREATE: 'Sent the alert',
  ALERT_LIST: 'Listed alerts',
  ALERT_VIEW: 'Opened the alert',
  ALERT_ACKNOWLEDGE: 'Acknowledged the alert',
  ALERT_AUDIT_READ: 'Read the access history',
  ALERT_FORWARD: 'Passed the alert on to another area (or asked to)',
  ALERT_FORWARD_DECIDE: 'Approved or refused a request to pass the alert on',
  ALERT_SHARE_REVOKE: "Ended an area's share of the alert",
  ALERT_SHARE_EXTEND: "Extended an area's share of the alert",
  ALERT_SHARE_EXPIRE: "The hub ended an area's share at its expiry and destroyed its copy",
  MEETING_REQUEST: 'Requested the meeting',
  MEETING_VIEW: 'Opened the meeting',
  MEETING_RESPOND: 'Answered the invitation',
  MEETING_SCHEDULE: 'Scheduled the meeting',
  MEETING_CANCEL: 'Cancelled the meeting',
  MEETING_CALENDAR: 'Downloaded the calendar invitation',
  MEETING_RECORD: 'Recorded the meeting',
  MEETING_ACTION_UPDATE: 'Updated an action',
  MEETING_ACTION_UPDATES: "Read an action's updates",
  MEETING_AUDIT_READ: 'Read the access history',
  MEETING_LIST: 'Listed meetings',
  AUTHENTICATE: 'Refused: no usable sign-in',
  CONSOLE_SIGN_IN: 'Signed in',
  CONSOLE_SIGN_OUT: 'Signed out',
  CONSOLE_FORM: 'Sent a form',
  REQUEST_REPLAY: 'Sent the same request again',
  ALERT_NOTIFY: 'The hub notified an area (a reminder or escalation step)',
  MEETING_NOTIFY: 'The hub notified the areas in the meeting',
};

export const OUTCOME_WORDS: Record<AuditOutcome, string> = {
  SUCCESS: 'Done',
  FAILED: 'Failed (corrects an earlier entry)',
  UNAUTHENTICATED: 'Refused: not signed in',
  FORBIDDEN: 'Refused: not permitted',
  NOT_FOUND: 'Refused: not found',
  CONFLICT: 'Refused: conflicting change',
};

/**
 * An alert's or a meeting's access history as a page: the use case reads it (and decides who may), this
 * only lays it out. `path` is the alert's or meeting's own page; `mayOpen` whether the person may open it
 * (a data protection officer reads histories only, so goes back to the lookup).
 */
export async function historyPage(
  page: PageContext,
  what: 'alert' | 'meeting',
  path: string,
  mayOpen: boolean,
  read: (query: AccessHistoryQuery) => Promise<{ items: AccessHistoryEntry[]; nextCursor?: string }>,
): Promise<View> {
  const query = parseInput(
    AccessHistoryQuery,
    { limit: '100', ...(page.request.query['cursor'] === undefined ? {} : { cursor: page.request.query['cursor'] }) },
    'query',
  );
  const trail = await read(query);
  const areaName = (id: string) => page.deps.areas.get(id)?.name ?? id;
  return {
    view: 'history',
    data: {
      title: 'Access history',
      caption: `Who opened or changed this ${what}, newest first`,
      backLink: mayOpen ? path : '/history',
      rows: trail.items.map((entry) => ({
        when: dateTime(entry.occurredAt),
        who: entry.actor.name ?? entry.actor.sub,
        area: entry.actor.area === undefined ? '' : areaName(entry.actor.area),
        what: ACTION_WORDS[entry.action],
        outcome: OUTCOME_WORDS[entry.outcome],
      })),
      next: trail.nextCursor === undefined ? undefined : `${path}/history?cursor=${encodeURIComponent(trail.nextCursor)}`,
    },
  };
}
