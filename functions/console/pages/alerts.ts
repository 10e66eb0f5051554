/** Alerts: received and sent lists, an alert, its acknowledgement, its access history, and sending one. */
import {
  AcknowledgeRequest,
  type AlertSummary,
  type AlertView,
  CreateAlertRequest,
  type CreateAlertResponse,
  EXPLOITATION_TYPES,
  LAWFUL_BASES,
  ListAlertsQuery,
  MOVEMENT_KINDS,
  ONWARD_SHARING,
  RISK_LEVELS,
  SCOPES,
  type Scope,
} from '../../../contracts/alerts.js';
import { acknowledgeAlert } from '../../core/alerts/acknowledge-alert.js';
import { createAlert } from '../../core/alerts/create-alert.js';
import { getAlert } from '../../core/alerts/get-alert.js';
import { getAlertAudit } from '../../core/alerts/get-alert-audit.js';
import { listAlerts } from '../../core/alerts/list-alerts.js';
import { hasRight } from '../../core/alerts/permissions.js';
import { ValidationError } from '../../core/errors.js';
import { parseInput } from '../../shared/http/input.js';
import type { PageContext, PageRoutes, View } from '../app.js';
import { date, dateTime, deadline, expiryTag, riskTagClass, statusTagClass, when } from '../format.js';
import { type ConsoleResponse, redirect } from '../http.js';
import { LABELS } from '../labels.js';
import { lastStepLine, notificationLines } from '../notifications.js';
import { cleaned, type FormErrors, formErrors, lines, newFormId, readForm } from './forms.js';
import { historyPage } from './history.js';
import { custodyRows, shareFlash, shareLife, sharesRights } from './shares.js';

const areaName = (page: PageContext, id: string) => page.deps.areas.get(id)?.name ?? id;

// ---- lists ----

function listRow(page: PageContext, alert: AlertSummary, box: 'inbox' | 'outbox') {
  const now = page.now;
  const mine = alert.shares.find((share) => share.area === page.context.caller.area);
  const shares = box === 'inbox' && mine !== undefined ? [mine] : alert.shares;
  return {
    href: `/alerts/${alert.alertId}`,
    from: areaName(page, alert.fromArea),
    to: alert.toAreas.map((area) => areaName(page, area)).join(', '),
    risk: { text: LABELS.risk[alert.riskLevel], classes: riskTagClass(alert.riskLevel) },
    exploitation: alert.exploitation.map((type) => LABELS.exploitation[type]).join(', '),
    received: when(alert.createdAt, now),
    shares: shares.map((share) => ({
      area: areaName(page, share.area),
      status:
        share.ended === undefined
          ? { text: LABELS.status[share.status], classes: statusTagClass(share.status) }
          : { text: 'Ended', classes: 'govuk-tag--grey' },
      outcome: share.outcome === undefined ? undefined : LABELS.outcome[share.outcome],
      redirectTo: share.redirectTo === undefined ? undefined : areaName(page, share.redirectTo),
      deadline: share.status === 'ACKNOWLEDGED' || share.ended !== undefined ? undefined : deadline(share.ackDueBy, now),
      // From 30 days before a live share ends, how long it has left; an ended one says Ended already.
      expiryTag:
        share.ended !== undefined || share.expiryWarning === undefined || share.expiresAt === undefined || share.expiryWarning === 'ENDED'
          ? undefined
          : expiryTag(share.expiryWarning, share.expiresAt, now),
      lastStep: lastStepLine(share, now),
      undelivered: share.undelivered,
    })),
  };
}

async function alertList(page: PageContext, box: 'inbox' | 'outbox'): Promise<View> {
  const status = page.request.query['status'];
  const query = parseInput(
    ListAlertsQuery,
    {
      box,
      limit: '20',
      ...(status === undefined || status === '' || status === 'ALL' ? {} : { status }),
      ...(page.request.query['cursor'] === undefined ? {} : { cursor: page.request.query['cursor'] }),
    },
    'query',
  );
  const list = await listAlerts(page.deps, page.context, query);
  const base = box === 'inbox' ? '/alerts' : '/alerts/sent';
  const filter = query.status === undefined ? '' : `status=${query.status}&`;
  return {
    view: 'alerts',
    data: {
      title: box === 'inbox' ? 'Alerts received' : 'Alerts sent',
      box,
      base,
      status: query.status ?? 'ALL',
      statuses: [
        { value: 'ALL', text: 'All' },
        { value: 'PENDING', text: LABELS.status.PENDING },
        { value: 'OVERDUE', text: LABELS.status.OVERDUE },
        { value: 'ACKNOWLEDGED', text: LABELS.status.ACKNOWLEDGED },
      ],
      rows: list.items.map((alert) => listRow(page, alert, box)),
      next: list.nextCursor === undefined ? undefined : `${base}?${filter}cursor=${encodeURIComponent(list.nextCursor)}`,
      first: page.request.query['cursor'] === undefined ? undefined : `${base}${filter === '' ? '' : `?${filter.slice(0, -1)}`}`,
      mayCreate: hasRight(page.context.caller, 'create'),
    },
  };
}

// ---- one alert ----

const ACK_MESSAGES = {
  outcome: 'Select what you are doing with this alert',
  redirectTo: 'Select the area the alert should go to instead',
  note: 'The note must be 4,000 characters or fewer',
};

function sections(page: PageContext, alert: AlertView) {
  const rows = (pairs: Array<[string, string | undefined]>) =>
    pairs
      .filter(([, value]) => value !== undefined && value !== '')
      .map(([key, value]) => ({ key: { text: key }, value: { text: value } }));
  const result: Array<{ title: string; rows: ReturnType<typeof rows>; items?: Array<{ title: string; rows: ReturnType<typeof rows> }> }> =
    [];
  if (alert.child !== undefined) {
    const child = alert.child;
    result.push({
      title: 'The child',
      rows: rows([
        ['Name', `${child.name.given} ${child.name.family}`],
        ['Also known as', child.aliases?.join(', ')],
        ['Date of birth', date(child.dateOfBirth)],
        ['Gender', child.gender],
        ['Local case number', child.identifiers?.localCaseNumber],
        ['NHS number', child.identifiers?.nhsNumber],
      ]),
    });
  }
  if (alert.movement !== undefined) {
    const movement = alert.movement;
    result.push({
      title: 'Movement',
      rows: rows([
        ['Kind', LABELS.movementKind[movement.kind]],
        ['From', movement.from === undefined ? undefined : areaName(page, movement.from)],
        ['To', movement.to === undefined ? undefined : areaName(page, movement.to)],
        ['On', date(movement.on)],
        ['Details', movement.details],
      ]),
    });
  }
  if (alert.risk !== undefined) {
    const risk = alert.risk;
    result.push({
      title: 'Risk',
      rows: rows([
        ['Level', LABELS.risk[risk.level]],
        ['Exploitation', risk.exploitation.map((type) => LABELS.exploitation[type]).join(', ')],
        ['Summary', risk.summary],
        ['Section 47 enquiry', risk.section47 === undefined ? undefined : LABELS.section47[risk.section47]],
      ]),
    });
  }
  if (alert.perpetrators !== undefined) {
    result.push({
      title: 'Perpetrators',
      rows: [],
      items: alert.perpetrators.map((person, i) => ({
        title: `Perpetrator ${i + 1}`,
        rows: rows([
          ['Names', person.names?.join(', ')],
          ['Nicknames', person.nicknames?.join(', ')],
          ['Marks', person.marks?.join(', ')],
          ['Vehicles', person.vehicles?.map((v) => [v.registration, v.description].filter(Boolean).join(': ')).join('; ')],
          ['Places', person.places?.join(', ')],
          ['Grading (3x5x2)', `${person.grading.source}${person.grading.intelligence}${person.grading.handling}`],
        ]),
      })),
    });
  }
  if (alert.locations !== undefined) {
    result.push({
      title: 'Locations',
      rows: rows(
        alert.locations.map((location, i) => [`Location ${i + 1}`, [location.description, location.postcode].filter(Boolean).join(', ')]),
      ),
    });
  }
  if (alert.disruptionPlan !== undefined) result.push({ title: 'Disruption plan', rows: rows([['Plan', alert.disruptionPlan]]) });
  if (alert.voice !== undefined) result.push({ title: "The child's voice", rows: rows([['In their words', alert.voice]]) });
  if (alert.contacts !== undefined) {
    const contact = (
      label: string,
      c: { name: string; role?: string | undefined; phone?: string | undefined; email?: string | undefined } | undefined,
    ) =>
      [label, c === undefined ? undefined : [c.name, c.role, c.phone, c.email].filter(Boolean).join(', ')] as [string, string | undefined];
    result.push({
      title: 'Contacts',
      rows: rows([
        contact('Lead professional', alert.contacts.leadProfessional),
        contact('Police', alert.contacts.police),
        contact('Out of hours', alert.contacts.outOfHours),
      ]),
    });
  }
  return result;
}

async function alertPage(page: PageContext, form?: { values: Record<string, unknown>; errors: FormErrors }): Promise<View> {
  const alertId = page.params['alertId'] as string;
  const alert = await getAlert(page.deps, page.context, alertId);
  const caller = page.context.caller;
  const isSender = alert.fromArea === caller.area;
  const mine = alert.shares.find((share) => share.area === caller.area);
  const rights = sharesRights(page, alert);
  const mayAcknowledge =
    !isSender &&
    mine !== undefined &&
    mine.acknowledgement === undefined &&
    (caller.roles.includes('coordinator') || caller.roles.includes('chair'));
  const restored = form === undefined && mayAcknowledge ? await page.restored() : undefined;
  const conditions = alert.shares.map((share) => share.sharing.handling).find((handling) => handling.code === 'C')?.conditions;
  const notice = page.request.query['done'];
  return {
    view: 'alert',
    status: form === undefined ? 200 : 422,
    data: {
      title: `Alert from ${areaName(page, alert.fromArea)}`,
      backLink: isSender ? '/alerts/sent' : '/alerts',
      alert: {
        id: alert.alertId,
        from: areaName(page, alert.fromArea),
        sentAt: dateTime(alert.createdAt),
        sentBy: `${alert.createdBy.name} (${LABELS.agency[alert.createdBy.agency]})`,
      },
      isSender,
      conditions,
      sections: sections(page, alert),
      shares: alert.shares.map((share) => ({
        area: areaName(page, share.area),
        scopes: share.scopes.map((scope) => LABELS.scope[scope]).join(', '),
        // An ended share says so first: what it stood at before is in its acknowledgement, if any.
        status:
          share.ended === undefined
            ? { text: LABELS.status[share.status], classes: statusTagClass(share.status) }
            : { text: 'Ended', classes: 'govuk-tag--grey' },
        deadline: share.status === 'ACKNOWLEDGED' || share.ended !== undefined ? undefined : deadline(share.ackDueBy, page.now),
        purpose: share.sharing.purpose,
        lawfulBasis: LABELS.lawfulBasis[share.sharing.lawfulBasis],
        consent: LABELS.consent[share.sharing.consent.status],
        consentReason: share.sharing.consent.reason,
        handling: LABELS.handling[share.sharing.handling.code],
        handlingConditions: share.sharing.handling.conditions,
        onwardSharing: LABELS.onwardSharing[share.sharing.handling.onwardSharing],
        life: shareLife(page, alert, share),
        notifications: ((lines) => ({ ...lines, warnings: isSender ? lines.warnings : [] }))(
          // What to telephone, and why, is for the sender: the receiving area is the one to be reached.
          notificationLines(share.notifications, { area: share.area, senderArea: alert.fromArea }, page.deps.areas, page.now),
        ),
        acknowledgement:
          share.acknowledgement === undefined
            ? undefined
            : {
                outcome: LABELS.outcome[share.acknowledgement.outcome],
                at: dateTime(share.acknowledgement.acknowledgedAt),
                by: `${share.acknowledgement.by.name} (${LABELS.agency[share.acknowledgement.by.agency]}, ${areaName(page, share.acknowledgement.by.area)})`,
                redirectTo: share.acknowledgement.redirectTo === undefined ? undefined : areaName(page, share.acknowledgement.redirectTo),
                note: share.acknowledgement.note,
              },
      })),
      mayAcknowledge,
      ackDeadline:
        mayAcknowledge && mine !== undefined
          ? (({ absolute, relative }) => `${absolute} (${relative})`)(deadline(mine.ackDueBy, page.now))
          : undefined,
      mayRequestMeeting: caller.roles.includes('coordinator') || caller.roles.includes('chair'),
      // The chain of custody: who passed the alert to whom (the sending area sees every link).
      custody: custodyRows(page, alert),
      mayForward: rights.forward,
      forwardNeedsApproval: !isSender && mine?.sharing.handling.onwardSharing === 'ORIGINATOR_APPROVAL',
      ackForm: {
        formId: newFormId(),
        values: form?.values ?? restored ?? {},
        restored: restored !== undefined,
        areas: page.deps.areas
          .list()
          .filter((area) => area.id !== caller.area)
          .map((area) => ({ value: area.id, text: area.name })),
      },
      errors: form?.errors.list,
      fieldErrors: form?.errors.byField ?? {},
      flash:
        shareFlash(page) ??
        (notice === 'sent'
          ? { success: true, html: '<h3 class="govuk-notification-banner__heading">Alert sent</h3>' }
          : notice === 'acknowledged'
            ? { success: true, html: '<h3 class="govuk-notification-banner__heading">Alert acknowledged</h3>' }
            : restored !== undefined
              ? {
                  html: '<p class="govuk-notification-banner__heading">You were signed out before your acknowledgement was sent. We kept what you chose: check it and send it again.</p>',
                }
              : undefined),
    },
  };
}

async function acknowledge(page: PageContext): Promise<View | ConsoleResponse> {
  const alertId = page.params['alertId'] as string;
  const fields = page.form();
  const values = {
    outcome: fields['outcome'],
    redirectTo: fields['outcome'] === 'REDIRECTED' ? fields['redirectTo'] : undefined,
    note: fields['note'],
  };
  const read = readForm(AcknowledgeRequest, cleaned(values), ACK_MESSAGES, ['outcome', 'redirectTo', 'note']);
  if (!read.ok) return alertPage(page, { values: fields, errors: read.errors });
  try {
    return await page.once(fields, `acknowledge:${alertId}`, async (context) => {
      await acknowledgeAlert(page.deps, context, alertId, read.value);
      return `/alerts/${alertId}?done=acknowledged`;
    });
  } catch (error) {
    if (error instanceof ValidationError) {
      return alertPage(page, { values: fields, errors: formErrors(error, ACK_MESSAGES, ['outcome', 'redirectTo', 'note']) });
    }
    throw error;
  }
}

function history(page: PageContext): Promise<View> {
  const alertId = page.params['alertId'] as string;
  return historyPage(page, 'alert', `/alerts/${alertId}`, hasRight(page.context.caller, 'read'), (query) =>
    getAlertAudit(page.deps, page.context, alertId, query),
  );
}

// ---- sending an alert ----

const SEND_MESSAGES: Record<string, string> = {
  recipients: 'Add at least one area to send the alert to, each once',
  'recipients.*.area': 'Select an area to send the alert to',
  'recipients.*.scopes': 'Select what this area may see',
  'sharing.purpose': 'Enter why you are sharing this information',
  'sharing.lawfulBasis': 'Select the lawful basis for sharing',
  'sharing.consent.status': 'Select whether consent was obtained',
  'sharing.consent.reason': 'Enter why you are sharing without consent',
  'sharing.handling.code': 'Select a handling code',
  'sharing.handling.conditions': 'Enter the conditions for handling code C',
  'sharing.handling.onwardSharing': 'Select whether the areas may pass the alert on',
  'child.name.given': "Enter the child's first name",
  'child.name.family': "Enter the child's last name",
  'child.dateOfBirth': "Enter the child's date of birth as a real date, for example 2011-03-27",
  'child.identifiers.nhsNumber': 'Enter a 10-digit NHS number, or leave it blank',
  'movement.kind': 'Select what kind of movement this is',
  'movement.on': 'Enter the date of the movement as a real date, for example 2026-11-30',
  'movement.from': 'Select the area the child is moving from',
  'movement.to': 'Select the area the child is moving to',
  'risk.level': 'Select the risk level',
  'risk.exploitation': 'Select at least one type of exploitation',
  'risk.summary': 'Enter a summary of the risk',
  'perpetrators.*.grading': 'Select the grading of this intelligence (source, intelligence and handling)',
  'perpetrators.*.vehicles': 'Enter a registration or a description for each vehicle, or remove it',
  'locations.*.description': 'Enter a description of the location',
  'contacts.leadProfessional.email': 'Enter an email address in the correct format, like name@example.org',
  'contacts.police.email': 'Enter an email address in the correct format, like name@example.org',
  'contacts.outOfHours.email': 'Enter an email address in the correct format, like name@example.org',
};

/** Fields the send page shows, so each contract path links to the field that holds it. */
const SEND_FIELDS = [
  'recipients',
  'recipients.*.area',
  'recipients.*.scopes',
  'sharing.purpose',
  'sharing.lawfulBasis',
  'sharing.consent.status',
  'sharing.consent.reason',
  'sharing.handling.code',
  'sharing.handling.conditions',
  'sharing.handling.onwardSharing',
  'child.name.given',
  'child.name.family',
  'child.aliases',
  'child.dateOfBirth',
  'child.gender',
  'child.identifiers.localCaseNumber',
  'child.identifiers.nhsNumber',
  'movement.kind',
  'movement.from',
  'movement.to',
  'movement.on',
  'movement.details',
  'risk.level',
  'risk.exploitation',
  'risk.summary',
  'risk.section47',
  'perpetrators',
  'perpetrators.*.names',
  'perpetrators.*.nicknames',
  'perpetrators.*.marks',
  'perpetrators.*.places',
  'perpetrators.*.grading',
  'perpetrators.*.vehicles',
  'perpetrators.*.vehicles.*.registration',
  'perpetrators.*.vehicles.*.description',
  'locations',
  'locations.*.description',
  'locations.*.postcode',
  'disruptionPlan',
  'voice',
  ...['leadProfessional', 'police', 'outOfHours'].flatMap((contact) =>
    ['name', 'role', 'phone', 'email'].map((field) => `contacts.${contact}.${field}`),
  ),
];

type SendForm = Record<string, unknown> & {
  recipients?: Array<Record<string, unknown>>;
  perpetrators?: Array<Record<string, unknown>>;
  locations?: Array<Record<string, unknown>>;
};

const asArray = (value: unknown): Array<Record<string, unknown>> =>
  Array.isArray(value)
    ? (value as Array<Record<string, unknown>>)
    : value !== null && typeof value === 'object'
      ? (Object.values(value) as Array<Record<string, unknown>>)
      : [];

/** The form's fields as the contract's request: lists typed one per line become arrays. */
function requestFrom(form: SendForm): unknown {
  const perpetrators = asArray(form.perpetrators).map((p) => {
    const grading = (p['grading'] ?? {}) as Record<string, unknown>;
    const vehicles = asArray(p['vehicles']);
    return {
      names: lines(p['names']),
      nicknames: lines(p['nicknames']),
      marks: lines(p['marks']),
      vehicles,
      places: lines(p['places']),
      grading:
        cleaned(grading) === undefined &&
        [p['names'], p['nicknames'], p['marks'], p['vehicles'], p['places']].every((v) => cleaned(v) === undefined)
          ? undefined
          : grading,
    };
  });
  const child = (form['child'] ?? {}) as Record<string, unknown>;
  const request = (cleaned({
    recipients: asArray(form.recipients),
    sharing: form['sharing'],
    child: { ...child, aliases: lines(child['aliases']) },
    movement: form['movement'],
    risk: form['risk'],
    perpetrators,
    locations: asArray(form.locations),
    disruptionPlan: form['disruptionPlan'],
    voice: form['voice'],
    contacts: form['contacts'],
  }) ?? {}) as Record<string, Record<string, unknown> | undefined>;
  // A section left wholly empty is there, empty, so the contract names each field it needs, not the section.
  const section = (holder: Record<string, unknown>, key: string) => {
    holder[key] ??= {};
    return holder[key] as Record<string, unknown>;
  };
  const sharing = section(request, 'sharing');
  section(sharing, 'consent');
  section(sharing, 'handling');
  section(section(request, 'child'), 'name');
  section(request, 'movement');
  section(request, 'risk');
  request['recipients'] ??= [] as never;
  return request;
}

function blankRows(form: SendForm): SendForm {
  const recipients = asArray(form.recipients);
  const perpetrators = asArray(form.perpetrators);
  const locations = asArray(form.locations);
  return {
    ...form,
    recipients: recipients.length === 0 ? [{}] : recipients,
    perpetrators,
    locations,
  };
}

function sendView(page: PageContext, form: SendForm, errors?: FormErrors, restored = false): View {
  const caller = page.context.caller;
  const areas = page.deps.areas.list().map((area) => ({ value: area.id, text: area.name }));
  return {
    view: 'send-alert',
    status: errors === undefined ? 200 : 422,
    data: {
      title: 'Send an alert',
      backLink: '/alerts/sent',
      form: blankRows(form),
      formId: typeof form['formId'] === 'string' ? form['formId'] : newFormId(),
      areas,
      recipientAreas: areas.filter((area) => area.value !== caller.area),
      scopes: SCOPES.map((scope) => ({ value: scope, text: LABELS.scope[scope] })),
      onwardSharing: ONWARD_SHARING.map((value) => ({
        value,
        text: { PERMITTED: 'Yes, within what they were given', ORIGINATOR_APPROVAL: 'Only with our approval of each one' }[value],
      })),
      lawfulBases: LAWFUL_BASES.map((value) => ({ value, text: LABELS.lawfulBasis[value] })),
      riskLevels: [...RISK_LEVELS].reverse().map((value) => ({ value, text: LABELS.risk[value] })),
      exploitationTypes: EXPLOITATION_TYPES.map((value) => ({ value, text: LABELS.exploitation[value] })),
      movementKinds: MOVEMENT_KINDS.map((value) => ({ value, text: LABELS.movementKind[value] })),
      errors: errors?.list,
      fieldErrors: errors?.byField ?? {},
      flash: restored
        ? {
            html: '<p class="govuk-notification-banner__heading">You were signed out before your alert was sent. We kept what you typed: check it and continue.</p>',
          }
        : undefined,
    },
  };
}

async function newAlert(page: PageContext): Promise<View> {
  if (!hasRight(page.context.caller, 'create')) {
    await page.deps.audit.forbidden(page.context, 'ALERT_CREATE', 'Your role may not send alerts');
  }
  const restored = await page.restored();
  if (restored !== undefined) return sendView(page, restored as SendForm, undefined, true);
  // Back from "Check your answers": the draft, to change.
  const draft = page.request.query['change'] === 'yes' ? await page.draft<{ form?: SendForm }>() : undefined;
  return sendView(page, draft?.form ?? {});
}

async function submitAlert(page: PageContext): Promise<View | ConsoleResponse> {
  const form = page.form() as SendForm;
  const action = typeof form['action'] === 'string' ? form['action'] : 'continue';
  // "Add another" works without JavaScript: the page comes back with one more empty row.
  const adders: Record<string, 'recipients' | 'perpetrators' | 'locations'> = {
    'add-recipient': 'recipients',
    'add-perpetrator': 'perpetrators',
    'add-location': 'locations',
  };
  const list = adders[action];
  if (list !== undefined) return sendView(page, { ...form, [list]: [...asArray(form[list]), {}] });
  // Vehicles are a list inside each perpetrator: "Add a vehicle" and "Remove" work on that perpetrator's.
  const vehicle = /^(add|remove)-vehicle-(\d+)(?:-(\d+))?$/.exec(action);
  if (vehicle !== null) {
    const people = asArray(form.perpetrators).map((person) => ({ ...person }));
    const person = people[Number(vehicle[2])];
    if (person !== undefined) {
      const vehicles = asArray(person['vehicles']);
      person['vehicles'] = vehicle[1] === 'add' ? [...vehicles, {}] : vehicles.filter((_item, i) => i !== Number(vehicle[3]));
    }
    return sendView(page, { ...form, perpetrators: people });
  }
  const removing = /^remove-(recipients|perpetrators|locations)-(\d+)$/.exec(action);
  if (removing !== null) {
    const name = removing[1] as 'recipients' | 'perpetrators' | 'locations';
    const items = asArray(form[name]).filter((_item, i) => i !== Number(removing[2]));
    return sendView(page, { ...form, [name]: items });
  }
  const read = readForm(CreateAlertRequest, requestFrom(form), SEND_MESSAGES, SEND_FIELDS);
  if (!read.ok) return sendView(page, form, read.errors);
  const { csrfToken: _csrf, action: _action, ...kept } = form;
  await page.saveDraft({ form: kept, request: read.value });
  return redirect('/alerts/new/check');
}

async function checkAnswers(page: PageContext): Promise<View | ConsoleResponse> {
  const draft = await page.draft<{ form?: SendForm; request?: CreateAlertRequest }>();
  if (draft?.request === undefined) return redirect('/alerts/new');
  const request = draft.request;
  const name = (id: string) => areaName(page, id);
  const text = (value: string | undefined) => value ?? 'Not given';
  const change = '/alerts/new?change=yes';
  const row = (key: string, value: string, anchor: string) => ({
    key: { text: key },
    value: { text: value },
    actions: { items: [{ href: `${change}#${anchor}`, text: 'Change', visuallyHiddenText: key.toLowerCase() }] },
  });
  const optional = (key: string, value: string | undefined, anchor: string) => (value === undefined ? [] : [row(key, value, anchor)]);
  return {
    view: 'check-alert',
    data: {
      title: 'Check your answers before sending the alert',
      backLink: change,
      formId: typeof draft.form?.['formId'] === 'string' ? draft.form['formId'] : newFormId(),
      groups: [
        {
          title: 'Who it goes to',
          rows: request.recipients.map((recipient, i) =>
            row(name(recipient.area), recipient.scopes.map((scope: Scope) => LABELS.scope[scope]).join(', '), `recipients-${i}-area`),
          ),
        },
        {
          title: 'Why you are sharing',
          rows: [
            row('Purpose', request.sharing.purpose, 'sharing-purpose'),
            row('Lawful basis', LABELS.lawfulBasis[request.sharing.lawfulBasis], 'sharing-lawfulBasis'),
            row(
              'Consent',
              `${LABELS.consent[request.sharing.consent.status]}${request.sharing.consent.reason ? `: ${request.sharing.consent.reason}` : ''}`,
              'sharing-consent-status',
            ),
            row(
              'Handling code',
              `${LABELS.handling[request.sharing.handling.code]}${request.sharing.handling.conditions ? `. ${request.sharing.handling.conditions}` : ''}`,
              'sharing-handling-code',
            ),
            row('Passing it on', LABELS.onwardSharing[request.sharing.handling.onwardSharing], 'sharing-handling-onwardSharing'),
          ],
        },
        {
          title: 'The child',
          rows: [
            row('Name', `${request.child.name.given} ${request.child.name.family}`, 'child-name-given'),
            row('Date of birth', date(request.child.dateOfBirth), 'child-dateOfBirth'),
            ...optional('Also known as', request.child.aliases?.join(', '), 'child-aliases'),
            ...optional('Gender', request.child.gender, 'child-gender'),
            ...optional('Local case number', request.child.identifiers?.localCaseNumber, 'child-identifiers-localCaseNumber'),
            ...optional('NHS number', request.child.identifiers?.nhsNumber, 'child-identifiers-nhsNumber'),
          ],
        },
        {
          title: 'Movement and risk',
          rows: [
            row('Movement', `${LABELS.movementKind[request.movement.kind]} on ${date(request.movement.on)}`, 'movement-kind'),
            ...optional(
              'From and to',
              request.movement.from === undefined && request.movement.to === undefined
                ? undefined
                : `${request.movement.from === undefined ? 'Not given' : name(request.movement.from)} to ${request.movement.to === undefined ? 'not given' : name(request.movement.to)}`,
              'movement-from',
            ),
            ...optional('Details', request.movement.details, 'movement-details'),
            row('Risk level', LABELS.risk[request.risk.level], 'risk-level'),
            row('Exploitation', request.risk.exploitation.map((type) => LABELS.exploitation[type]).join(', '), 'risk-exploitation'),
            row('Summary', request.risk.summary, 'risk-summary'),
            ...optional(
              'Section 47 enquiry',
              request.risk.section47 === undefined ? undefined : LABELS.section47[request.risk.section47],
              'risk-section47',
            ),
          ],
        },
        {
          title: 'More information',
          rows: [
            // What was typed, not a count: this is the last look before it goes to other areas.
            ...(request.perpetrators === undefined || request.perpetrators.length === 0
              ? [row('Perpetrators', 'None', 'perpetrators')]
              : request.perpetrators.map((person, i) =>
                  row(
                    `Perpetrator ${i + 1}`,
                    `${[...(person.names ?? []), ...(person.nicknames ?? []).map((nickname) => `“${nickname}”`)].join(', ') || 'No name given'} (graded ${person.grading.source}${person.grading.intelligence}${person.grading.handling})`,
                    `perpetrators-${i}-names`,
                  ),
                )),
            ...(request.locations === undefined || request.locations.length === 0
              ? [row('Locations', 'None', 'locations')]
              : request.locations.map((location, i) =>
                  row(
                    `Location ${i + 1}`,
                    [location.description, location.postcode].filter(Boolean).join(', '),
                    `locations-${i}-description`,
                  ),
                )),
            row('Disruption plan', text(request.disruptionPlan), 'disruptionPlan'),
            row("Child's voice", text(request.voice), 'voice'),
            ...(['leadProfessional', 'police', 'outOfHours'] as const).flatMap((key) => {
              const contact = request.contacts?.[key];
              const label = { leadProfessional: 'Lead professional', police: 'Police contact', outOfHours: 'Out of hours contact' }[key];
              return contact === undefined
                ? []
                : [
                    row(
                      label,
                      [contact.name, contact.role, contact.phone, contact.email].filter(Boolean).join(', '),
                      `contacts-${key}-name`,
                    ),
                  ];
            }),
          ],
        },
      ],
    },
  };
}

async function send(page: PageContext): Promise<View | ConsoleResponse> {
  // Opened while the form's claim is made: neither waits for the other.
  const draft = page.draft<{ form?: SendForm; request?: CreateAlertRequest }>();
  draft.catch(() => undefined);
  const sentTo = (alertId: string) => `/alerts/${alertId}?done=sent`;
  // Without a draft there is nothing to send; but a second click on "Send alert" after the first one sent
  // it (and cleared the draft) is answered from the first: the alert it created.
  const response = await page.once(page.form(), 'create-alert', async (context, keep) => {
    const request = (await draft)?.request;
    if (request === undefined) return '/alerts/new';
    const created = await createAlert(
      page.deps,
      context,
      request,
      keep<CreateAlertResponse>((receipt) => sentTo(receipt.alertId)),
    );
    return { location: sentTo(created.alertId), answer: created };
  });
  await page.clearDraft();
  return response;
}

export function alertPages(routes: PageRoutes): PageRoutes {
  return routes
    .get('/alerts', (page) => alertList(page, 'inbox'))
    .get('/alerts/sent', (page) => alertList(page, 'outbox'))
    .get('/alerts/new', newAlert)
    .post('/alerts/new', submitAlert)
    .get('/alerts/new/check', checkAnswers)
    .post('/alerts/new/check', send)
    .get('/alerts/:alertId', (page) => alertPage(page))
    .post('/alerts/:alertId', acknowledge)
    .get('/alerts/:alertId/history', history);
}
