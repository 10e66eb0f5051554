/**
 * A share's whole life in the console: the chain of custody and each share's end on the alert's page, and
 * the forms that change a share (forward, decide on a forward request, revoke, extend). Each form page reads
 * the alert through the same use case as its page (so an area that may not know the alert exists gets "Page
 * not found", and a role that may not act gets "You do not have permission", both on record), and each
 * change runs the API's own use case, once per form.
 */
import { TZDate } from '@date-fns/tz';
import {
  type AlertView,
  type CustodyEntry,
  ExtensionRequest,
  ForwardDecisionRequest,
  ForwardRequest,
  RevokeRequest,
  SCOPES,
  type Scope,
  type ShareRecord,
} from '../../../contracts/alerts.js';
import type { AuditAction } from '../../../contracts/audit.js';
import { decideForward } from '../../core/alerts/decide-forward.js';
import { extendShare } from '../../core/alerts/extend-share.js';
import { forwardAlert } from '../../core/alerts/forward-alert.js';
import { getAlert } from '../../core/alerts/get-alert.js';
import { hasRight } from '../../core/alerts/permissions.js';
import { revokeShare } from '../../core/alerts/revoke-share.js';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import type { PageContext, PageRoutes, View } from '../app.js';
import { date, dateTime, expiryTag, forwardTagClass } from '../format.js';
import type { ConsoleResponse } from '../http.js';
import { LABELS } from '../labels.js';
import { cleaned, type FormErrors, formErrors, newFormId, readForm } from './forms.js';

type Values = Record<string, unknown>;

const areaName = (page: PageContext, id: string) => page.deps.areas.get(id)?.name ?? id;
const scopeWords = (scopes: readonly Scope[]) => scopes.map((scope) => LABELS.scope[scope]).join(', ');
const person = (page: PageContext, by: { name: string; agency: keyof typeof LABELS.agency; area: string }) =>
  `${by.name} (${LABELS.agency[by.agency]}, ${areaName(page, by.area)})`;
const need = (value: unknown, missing: string, tooLong: string) => (cleaned(value) === undefined ? missing : tooLong);
/** The contracts' limit on a reason or a justification, in words. */
const MAX_REASON = 'must be 2,000 characters or fewer';

const restoredFlash = (what: string) => ({
  html: `<p class="govuk-notification-banner__heading">You were signed out before your ${what} was sent. We kept what you typed: check it and send it again.</p>`,
});

function formState(values: Values, errors: FormErrors | undefined, restored: unknown, what: string) {
  return {
    formId: typeof values['formId'] === 'string' ? values['formId'] : newFormId(),
    errors: errors?.list,
    fieldErrors: errors?.byField ?? {},
    flash: restored === undefined ? undefined : restoredFlash(what),
  };
}

/** The sending area's police, coordinator and chair manage its shares; a recipient's coordinator and chair forward. */
export function sharesRights(page: PageContext, alert: AlertView) {
  const caller = page.context.caller;
  const isSender = alert.fromArea === caller.area;
  const mine = isSender ? undefined : alert.shares.find((share) => share.area === caller.area);
  return {
    isSender,
    manage: isSender && hasRight(caller, 'manageShares'),
    forward: isSender ? hasRight(caller, 'manageShares') : mine !== undefined && mine.ended === undefined && hasRight(caller, 'forward'),
    mine,
  };
}

/** Refuses, on record, what the person's role or side of the alert can never do. */
async function refuse(page: PageContext, action: AuditAction, alertId: string, message: string): Promise<never> {
  return page.deps.audit.forbidden(page.context, action, message, alertId);
}

async function senderAlert(page: PageContext, action: AuditAction): Promise<AlertView> {
  const alertId = page.params['alertId'] as string;
  const alert = await getAlert(page.deps, page.context, alertId);
  const rights = sharesRights(page, alert);
  if (!rights.isSender) await refuse(page, action, alertId, 'Only the sending area may do this');
  if (!rights.manage) await refuse(page, action, alertId, "Your role may not change the alert's shares");
  return alert;
}

function notice(alertId: string, title: string, paragraphs: string[]): View {
  return { view: 'share-notice', status: 409, data: { title, paragraphs, backLink: `/alerts/${alertId}`, alertId } };
}

// ---- on the alert's page ----

/** The areas a share's end takes with it: those it passed the alert on to, and theirs in turn. */
function passedOnFrom(custody: readonly CustodyEntry[], area: string): string[] {
  const reached: string[] = [];
  const visit = (from: string) => {
    for (const entry of custody) {
      if (entry.fromArea !== from || entry.status !== 'SHARED' || reached.includes(entry.toArea)) continue;
      reached.push(entry.toArea);
      visit(entry.toArea);
    }
  };
  visit(area);
  return reached;
}

/** Each share's end of life, where it came from, and what the person may do with it. */
export function shareLife(page: PageContext, alert: AlertView, share: ShareRecord) {
  const rights = sharesRights(page, alert);
  const base = `/alerts/${alert.alertId}/shares/${share.area}`;
  const held = share.ended === undefined;
  const redirectTo = share.acknowledgement?.outcome === 'REDIRECTED' ? share.acknowledgement.redirectTo : undefined;
  // Following a redirect is one step for the sender: to the area named, with the sections the redirecting
  // area was given, unless that area holds (or held, or was asked for) a share already.
  const followable =
    redirectTo !== undefined &&
    rights.manage &&
    redirectTo !== alert.fromArea &&
    !alert.shares.some((other) => other.area === redirectTo) &&
    !alert.custody.some((entry) => entry.toArea === redirectTo && entry.status === 'AWAITING_APPROVAL');
  return {
    expires: dateTime(share.expiry.expiresAt),
    expiryTag: expiryTag(share.expiry.warning, share.expiry.expiresAt, page.now),
    warned: share.expiry.warned.map((warning) => `${warning.daysBefore} days before: warned at ${dateTime(warning.at)}`),
    extensions: share.expiry.extensions
      .map(
        (extension) =>
          `From ${dateTime(extension.from)} to ${dateTime(extension.to)}, by ${person(page, extension.by)} at ${dateTime(extension.at)}.${extension.justification === undefined ? '' : ` Why: ${extension.justification}`}`,
      )
      .join(' '),
    ended:
      share.ended === undefined
        ? undefined
        : {
            reason: LABELS.shareEnd[share.ended.reason],
            at: dateTime(share.ended.at),
            by: share.ended.by === undefined ? undefined : person(page, share.ended.by),
            note: share.ended.note,
          },
    origin:
      share.origin === undefined
        ? undefined
        : {
            from: areaName(page, share.origin.fromArea),
            by: person(page, share.origin.by),
            at: dateTime(share.origin.at),
            reason: share.origin.reason,
          },
    actions:
      rights.manage && held
        ? [
            { href: `${base}/extend`, text: 'Extend the share', hidden: ` of ${areaName(page, share.area)}` },
            { href: `${base}/revoke`, text: 'End the share', hidden: ` of ${areaName(page, share.area)}` },
          ]
        : [],
    followRedirect:
      followable && redirectTo !== undefined
        ? { href: `/alerts/${alert.alertId}/forward?to=${redirectTo}&like=${share.area}`, text: `Forward to ${areaName(page, redirectTo)}` }
        : undefined,
  };
}

/** The chain of custody as the page shows it: the sending area every link, a recipient its own forwards. */
export function custodyRows(page: PageContext, alert: AlertView) {
  const rights = sharesRights(page, alert);
  if (alert.custody.length === 0) return [];
  // For the sending area the chain starts with the alert itself: each share it made, and why.
  const sent = rights.isSender
    ? alert.shares
        .filter((share) => share.origin === undefined)
        .map((share) => ({
          from: areaName(page, alert.fromArea),
          to: areaName(page, share.area),
          scopes: scopeWords(share.scopes),
          by: person(page, { ...alert.createdBy, area: alert.fromArea }),
          at: dateTime(alert.createdAt),
          reason: `Sent the alert: ${share.sharing.purpose}`,
          status:
            share.ended === undefined
              ? { text: LABELS.forwardStatus.SHARED, classes: forwardTagClass('SHARED') }
              : { text: LABELS.forwardStatus.ENDED, classes: forwardTagClass('ENDED') },
          decision: undefined,
          decide: undefined,
        }))
    : [];
  return [
    ...sent,
    ...alert.custody.map((entry) => ({
      from: areaName(page, entry.fromArea),
      to: areaName(page, entry.toArea),
      scopes: scopeWords(entry.scopes),
      by: person(page, entry.by),
      at: dateTime(entry.at),
      reason: entry.reason,
      status: { text: LABELS.forwardStatus[entry.status], classes: forwardTagClass(entry.status) },
      decision:
        entry.decision === undefined
          ? undefined
          : `${entry.decision.decision === 'APPROVED' ? 'Approved' : 'Refused'} by ${person(page, entry.decision.by)}, ${dateTime(entry.decision.at)}${entry.decision.reason === undefined ? '' : `: ${entry.decision.reason}`}`,
      decide:
        rights.manage && entry.status === 'AWAITING_APPROVAL'
          ? { href: `/alerts/${alert.alertId}/forwards/${entry.forwardId}/decision`, text: 'Approve or refuse' }
          : undefined,
    })),
  ];
}

/** The banner after a change, naming only an area the directory knows. */
export function shareFlash(page: PageContext): { success: true; html: string } | undefined {
  const done = page.request.query['done'];
  const area = page.request.query['area'];
  const name = area !== undefined && page.deps.areas.has(area) ? areaName(page, area) : undefined;
  const heading = (text: string) => ({ success: true as const, html: `<h3 class="govuk-notification-banner__heading">${text}</h3>` });
  if (name === undefined) return undefined;
  if (done === 'forwarded') return heading(`Alert forwarded to ${escaped(name)}`);
  if (done === 'approved') return heading(`Request approved: ${escaped(name)} now holds a share`);
  if (done === 'refused') return heading(`Request refused: ${escaped(name)} was not given the alert`);
  if (done === 'revoked') return heading(`${escaped(name)}’s share has ended`);
  if (done === 'extended') return heading(`${escaped(name)}’s share has been extended`);
  return undefined;
}

const escaped = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

// ---- forwarding ----

const FORWARD_FIELDS = ['area', 'scopes', 'reason'];

const forwardMessages = (form: Values) => ({
  area: 'Select the area to pass the alert on to',
  scopes: 'Select what the area may see',
  reason: need(form['reason'], 'Enter why you are passing the alert on', `The reason ${MAX_REASON}`),
});
/** The use case's own refusals, in words. */
const FORWARD_RULES = {
  area: 'Select an area other than yours and the sending area',
  scopes: 'Select only what your own area was given',
};

async function forwardPage(page: PageContext, form?: Values, errors?: FormErrors): Promise<View> {
  const alertId = page.params['alertId'] as string;
  const alert = await getAlert(page.deps, page.context, alertId);
  const rights = sharesRights(page, alert);
  if (!rights.forward) await refuse(page, 'ALERT_FORWARD', alertId, 'Your role may not pass this alert on');
  const caller = page.context.caller;
  const restored = form === undefined ? await page.restored() : undefined;
  const query = page.request.query;
  // The sender may grant any section; a recipient only what its own share gives.
  const allowed: readonly Scope[] = rights.isSender ? SCOPES : (rights.mine?.scopes ?? []);
  const like = rights.isSender ? alert.shares.find((share) => share.area === query['like']) : undefined;
  const fixed =
    form === undefined && restored === undefined ? query['to'] : typeof form?.['fixedArea'] === 'string' ? form['area'] : undefined;
  const holding = new Set(alert.shares.map((share) => share.area));
  const areas = page.deps.areas
    .list()
    .filter((area) => area.id !== caller.area && area.id !== alert.fromArea && !(rights.isSender && holding.has(area.id)));
  const fixedArea = typeof fixed === 'string' ? areas.find((area) => area.id === fixed) : undefined;
  const values: Values = form ??
    restored ?? {
      ...(fixedArea === undefined ? {} : { area: fixedArea.id }),
      ...(like === undefined ? {} : { scopes: like.scopes.filter((scope) => allowed.includes(scope)) }),
    };
  const terms = (rights.isSender ? alert.shares[0] : rights.mine)?.sharing;
  const approval = !rights.isSender && terms?.handling.onwardSharing === 'ORIGINATOR_APPROVAL';
  return {
    view: 'share-forward',
    status: errors === undefined ? 200 : 422,
    data: {
      title: fixedArea === undefined ? 'Pass the alert on to another area' : `Forward the alert to ${fixedArea.name}`,
      backLink: `/alerts/${alertId}`,
      alertId,
      fixedArea: fixedArea === undefined ? undefined : { value: fixedArea.id, text: fixedArea.name },
      redirectedBy:
        like !== undefined && fixedArea !== undefined && like.acknowledgement?.redirectTo === fixedArea.id
          ? areaName(page, like.area)
          : undefined,
      areas: areas.map((area) => ({ value: area.id, text: area.name })),
      scopes: allowed.map((scope) => ({ value: scope, text: LABELS.scope[scope] })),
      isSender: rights.isSender,
      approval,
      sender: areaName(page, alert.fromArea),
      terms:
        terms === undefined
          ? undefined
          : {
              lawfulBasis: LABELS.lawfulBasis[terms.lawfulBasis],
              handling: `${LABELS.handling[terms.handling.code]}${terms.handling.conditions === undefined ? '' : `. ${terms.handling.conditions}`}`,
              onward: LABELS.onwardSharing[terms.handling.onwardSharing],
              ends: rights.isSender ? undefined : dateTime(terms.expiresAt),
            },
      form: values,
      ...formState(values, errors, restored, 'forward'),
    },
  };
}

async function forward(page: PageContext): Promise<View | ConsoleResponse> {
  const alertId = page.params['alertId'] as string;
  const form = page.form();
  const messages = forwardMessages(form);
  const scopes = form['scopes'];
  const read = readForm(
    ForwardRequest,
    cleaned({
      area: form['area'],
      scopes: Array.isArray(scopes) ? scopes : scopes === undefined ? undefined : [scopes],
      reason: form['reason'],
    }) ?? {},
    messages,
    FORWARD_FIELDS,
  );
  if (!read.ok) return forwardPage(page, form, read.errors);
  try {
    return await page.once(form, `forward:${alertId}`, async (context) => {
      const receipt = await forwardAlert(page.deps, context, alertId, read.value);
      return receipt.status === 'AWAITING_APPROVAL'
        ? `/alerts/${alertId}/forwards/${receipt.forwardId}/requested`
        : `/alerts/${alertId}?done=forwarded&area=${receipt.toArea}`;
    });
  } catch (error) {
    if (error instanceof ValidationError)
      return forwardPage(page, form, formErrors(error, { ...messages, ...FORWARD_RULES }, FORWARD_FIELDS));
    if (error instanceof ConflictError) {
      // Said as a problem with the choice of area, not as a page of its own.
      const text = 'You cannot pass the alert on to that area. Select another area';
      return forwardPage(page, form, { list: [{ text, href: '#area' }], byField: { area: text } });
    }
    throw error;
  }
}

/** After a forward the sending area must approve: what happens next, and where to see it. */
async function requested(page: PageContext): Promise<View> {
  const alertId = page.params['alertId'] as string;
  const forwardId = page.params['forwardId'];
  const alert = await getAlert(page.deps, page.context, alertId);
  const entry = alert.custody.find((candidate) => candidate.forwardId === forwardId && candidate.fromArea === page.context.caller.area);
  if (entry === undefined) throw new NotFoundError('No such forward');
  return {
    view: 'share-requested',
    data: {
      title:
        entry.status === 'AWAITING_APPROVAL' ? 'Request sent for approval' : `Request ${LABELS.forwardStatus[entry.status].toLowerCase()}`,
      alertId,
      status: entry.status,
      to: areaName(page, entry.toArea),
      sender: areaName(page, alert.fromArea),
      scopes: scopeWords(entry.scopes),
    },
  };
}

// ---- deciding on a forward request ----

const decisionMessages = (form: Values) => ({
  decision: 'Select whether you approve or refuse the request',
  reason: need(form['reason'], 'Enter the reason for your decision', `The reason ${MAX_REASON}`),
});

async function decisionPage(page: PageContext, form?: Values, errors?: FormErrors): Promise<View> {
  const alert = await senderAlert(page, 'ALERT_FORWARD_DECIDE');
  const entry = alert.custody.find((candidate) => candidate.forwardId === page.params['forwardId']);
  if (entry === undefined) throw new NotFoundError('No such forward');
  if (entry.status !== 'AWAITING_APPROVAL') {
    return notice(alert.alertId, 'This request has already been decided', [
      `${areaName(page, entry.fromArea)} asked to pass the alert on to ${areaName(page, entry.toArea)}. ${custodyRows(page, { ...alert, custody: [entry] })[0]?.decision ?? ''}`,
    ]);
  }
  const restored = form === undefined ? await page.restored() : undefined;
  const values = form ?? restored ?? {};
  return {
    view: 'share-decision',
    status: errors === undefined ? 200 : 422,
    data: {
      title: `${areaName(page, entry.fromArea)} asks to pass the alert on to ${areaName(page, entry.toArea)}`,
      backLink: `/alerts/${alert.alertId}`,
      alertId: alert.alertId,
      forwardId: entry.forwardId,
      from: areaName(page, entry.fromArea),
      to: areaName(page, entry.toArea),
      request: [
        ['Asked by', person(page, entry.by)],
        ['When', dateTime(entry.at)],
        ['Sections it would see', scopeWords(entry.scopes)],
        ['Why', entry.reason ?? 'Not given'],
      ].map(([key, value]) => ({ key: { text: key }, value: { text: value } })),
      form: values,
      ...formState(values, errors, restored, 'decision'),
    },
  };
}

async function decide(page: PageContext): Promise<View | ConsoleResponse> {
  const alertId = page.params['alertId'] as string;
  const forwardId = page.params['forwardId'] as string;
  const form = page.form();
  const messages = decisionMessages(form);
  const read = readForm(ForwardDecisionRequest, cleaned({ decision: form['decision'], reason: form['reason'] }) ?? {}, messages, [
    'decision',
    'reason',
  ]);
  if (!read.ok) return decisionPage(page, form, read.errors);
  try {
    return await page.once(form, `decide:${alertId}:${forwardId}`, async (context) => {
      const receipt = await decideForward(page.deps, context, alertId, forwardId, read.value);
      return `/alerts/${alertId}?done=${read.value.decision === 'APPROVED' ? 'approved' : 'refused'}&area=${receipt.toArea}`;
    });
  } catch (error) {
    if (error instanceof ValidationError) return decisionPage(page, form, formErrors(error, messages, ['decision', 'reason']));
    throw error;
  }
}

// ---- one share: revoke, extend ----

async function shareOf(page: PageContext, action: AuditAction): Promise<{ alert: AlertView; share: ShareRecord }> {
  const alert = await senderAlert(page, action);
  const share = alert.shares.find((candidate) => candidate.area === page.params['area']);
  if (share === undefined) throw new NotFoundError('No such share');
  return { alert, share };
}

const revokeMessages = (form: Values) => ({
  reason: need(form['reason'], 'Enter why you are ending the share', `The reason ${MAX_REASON}`),
});

async function revokePage(page: PageContext, form?: Values, errors?: FormErrors): Promise<View> {
  const { alert, share } = await shareOf(page, 'ALERT_SHARE_REVOKE');
  const name = areaName(page, share.area);
  if (share.ended !== undefined) {
    return notice(alert.alertId, `${name}’s share has already ended`, [
      `${LABELS.shareEnd[share.ended.reason]} at ${dateTime(share.ended.at)}.`,
    ]);
  }
  const restored = form === undefined ? await page.restored() : undefined;
  const values = form ?? restored ?? {};
  const onward = passedOnFrom(alert.custody, share.area).map((area) => areaName(page, area));
  return {
    view: 'share-revoke',
    status: errors === undefined ? 200 : 422,
    data: {
      title: `Are you sure you want to end ${name}’s share?`,
      backLink: `/alerts/${alert.alertId}`,
      alertId: alert.alertId,
      area: share.area,
      name,
      onward: onward.length === 0 ? undefined : onward.join(', '),
      form: values,
      ...formState(values, errors, restored, 'decision to end the share'),
    },
  };
}

async function revoke(page: PageContext): Promise<View | ConsoleResponse> {
  const alertId = page.params['alertId'] as string;
  const area = page.params['area'] as string;
  const form = page.form();
  const messages = revokeMessages(form);
  const read = readForm(RevokeRequest, cleaned({ reason: form['reason'] }) ?? {}, messages, ['reason']);
  if (!read.ok) return revokePage(page, form, read.errors);
  try {
    return await page.once(form, `revoke:${alertId}:${area}`, async (context) => {
      await revokeShare(page.deps, context, alertId, area, read.value);
      return `/alerts/${alertId}?done=revoked&area=${area}`;
    });
  } catch (error) {
    if (error instanceof ValidationError) return revokePage(page, form, formErrors(error, messages, ['reason']));
    throw error;
  }
}

const LONDON = 'Europe/London';
const londonDay = (iso: string) => new Intl.DateTimeFormat('en-CA', { timeZone: LONDON }).format(new Date(iso));

/**
 * The day typed, as the instant the share ends: that London day at the time of day the share ends now (so
 * extending by whole days keeps the hour), but never past the latest the share may reach, which ends on a
 * day of its own. Not a real date: undefined.
 */
function newEnd(day: unknown, month: unknown, year: unknown, current: string, latest: string): string | undefined {
  const [d, m, y] = [day, month, year].map((part) =>
    typeof part === 'string' && /^\s*\d{1,4}\s*$/.test(part) ? Number(part) : Number.NaN,
  );
  if (d === undefined || m === undefined || y === undefined || [d, m, y].some(Number.isNaN) || y < 2000 || y > 2200) return undefined;
  const at = new TZDate(new Date(current).getTime(), LONDON);
  const end = new TZDate(y, m - 1, d, at.getHours(), at.getMinutes(), at.getSeconds(), LONDON);
  if (end.getFullYear() !== y || end.getMonth() !== m - 1 || end.getDate() !== d) return undefined;
  const iso = new Date(end.getTime()).toISOString();
  return iso > latest && londonDay(latest) === londonDay(iso) ? latest : iso;
}

const EXTEND_FIELDS = ['expiresAt', 'justification'];

function extendMessages(form: Values, share: ShareRecord) {
  const given = ['expiresAt-day', 'expiresAt-month', 'expiresAt-year'].some((name) => cleaned(form[name]) !== undefined);
  return {
    expiresAt: given ? 'The date the share ends must be a real date, for example 27 3 2027' : 'Enter the date the share should now end',
    justification: need(form['justification'], 'Enter why the share needs to last longer', `The justification ${MAX_REASON}`),
    tooEarly: `The new end must be after the share’s current end, ${date(share.expiry.expiresAt)}`,
    tooLate: `The new end must be no later than ${date(share.expiry.latestExtension)}, two years from when the alert was sent`,
  };
}

/** The date input's errors link to its first box, as GOV.UK's date input asks. */
function toDayBox(errors: FormErrors): FormErrors {
  return {
    list: errors.list.map((item) => (item.href === '#expiresAt' ? { ...item, href: '#expiresAt-day' } : item)),
    byField: errors.byField,
  };
}

async function extendPage(page: PageContext, form?: Values, errors?: FormErrors): Promise<View> {
  const { alert, share } = await shareOf(page, 'ALERT_SHARE_EXTEND');
  const name = areaName(page, share.area);
  if (share.ended !== undefined) {
    return notice(alert.alertId, `${name}’s share has ended`, [
      `${LABELS.shareEnd[share.ended.reason]} at ${dateTime(share.ended.at)}. Its copy of the alert is destroyed, so it cannot be extended. Send a new alert if ${name} needs the information again.`,
    ]);
  }
  const restored = form === undefined ? await page.restored() : undefined;
  const values = form ?? restored ?? {};
  return {
    view: 'share-extend',
    status: errors === undefined ? 200 : 422,
    data: {
      title: `Extend ${name}’s share`,
      backLink: `/alerts/${alert.alertId}`,
      alertId: alert.alertId,
      area: share.area,
      name,
      current: dateTime(share.expiry.expiresAt),
      tag: expiryTag(share.expiry.warning, share.expiry.expiresAt, page.now),
      latest: date(share.expiry.latestExtension),
      form: values,
      ...formState(values, errors, restored, 'extension'),
    },
  };
}

async function extend(page: PageContext): Promise<View | ConsoleResponse> {
  const alertId = page.params['alertId'] as string;
  const area = page.params['area'] as string;
  const form = page.form();
  // The share's current end and latest extension word the date's messages: read first, authorized as the page.
  const { share } = await shareOf(page, 'ALERT_SHARE_EXTEND');
  const messages = extendMessages(form, share);
  const fail = (field: 'expiresAt' | 'justification', text: string, more?: FormErrors): Promise<View> => {
    const list = [{ text, href: `#${field === 'expiresAt' ? 'expiresAt-day' : field}` }, ...(more?.list ?? [])];
    return extendPage(page, form, { list, byField: { [field]: text, ...(more?.byField ?? {}) } });
  };
  const expiresAt = newEnd(
    form['expiresAt-day'],
    form['expiresAt-month'],
    form['expiresAt-year'],
    share.expiry.expiresAt,
    share.expiry.latestExtension,
  );
  const read = readForm(
    ExtensionRequest,
    cleaned({ expiresAt, justification: form['justification'] }) ?? {},
    { expiresAt: messages.expiresAt, justification: messages.justification },
    EXTEND_FIELDS,
  );
  if (!read.ok) return extendPage(page, form, toDayBox(read.errors));
  if (read.value.expiresAt <= share.expiry.expiresAt) return fail('expiresAt', messages.tooEarly);
  if (read.value.expiresAt > share.expiry.latestExtension) return fail('expiresAt', messages.tooLate);
  try {
    return await page.once(form, `extend:${alertId}:${area}`, async (context) => {
      await extendShare(page.deps, context, alertId, area, read.value);
      return `/alerts/${alertId}?done=extended&area=${area}`;
    });
  } catch (error) {
    if (error instanceof ValidationError) {
      return extendPage(
        page,
        form,
        toDayBox(
          formErrors(
            error,
            {
              expiresAt: `Enter a date after the share’s current end, ${date(share.expiry.expiresAt)}, and no later than ${date(share.expiry.latestExtension)}`,
              justification: messages.justification,
            },
            EXTEND_FIELDS,
          ),
        ),
      );
    }
    throw error;
  }
}

export function sharePages(routes: PageRoutes): PageRoutes {
  return routes
    .get('/alerts/:alertId/forward', (page) => forwardPage(page))
    .post('/alerts/:alertId/forward', forward)
    .get('/alerts/:alertId/forwards/:forwardId/requested', requested)
    .get('/alerts/:alertId/forwards/:forwardId/decision', (page) => decisionPage(page))
    .post('/alerts/:alertId/forwards/:forwardId/decision', decide)
    .get('/alerts/:alertId/shares/:area/revoke', (page) => revokePage(page))
    .post('/alerts/:alertId/shares/:area/revoke', revoke)
    .get('/alerts/:alertId/shares/:area/extend', (page) => extendPage(page))
    .post('/alerts/:alertId/shares/:area/extend', extend);
}
