/**
 * Child-movement alerts: requests and responses. These schemas are the single source of truth: handlers
 * validate with them, tests generate from them, and the OpenAPI document is derived from them.
 *
 * Every schema is declared `export const Name = schema(() => z...)` with esbuild's pure annotation before
 * `schema`, so that a Lambda bundle leaves out, and never builds, the schemas its function does not use
 * (contracts/schema.ts says why): wrap a new one the same way; plain constants and helper functions stay bare.
 */
import * as z from 'zod/mini';
import { Agency, AreaId } from './identity.js';
import { RecipientRole } from './notifications.js';
import { schema } from './schema.js';

/** Trimmed, non-empty, bounded free text. */
const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const isoDate = /* @__PURE__ */ schema(() => z.iso.date());
const isoDateTime = /* @__PURE__ */ schema(() => z.iso.datetime({ offset: true }));

export const SCOPES = ['IDENTITY', 'MOVEMENT', 'RISK', 'PERPETRATORS', 'LOCATIONS', 'DISRUPTION_PLAN', 'VOICE', 'CONTACTS'] as const;
export const Scope = /* @__PURE__ */ schema(() => z.enum(SCOPES));
export type Scope = z.infer<typeof Scope>;

export const LAWFUL_BASES = [
  'DPA2018_PART3_SCH8_PARA4',
  'UKGDPR_6_1_E_SCH1_PARA18',
  'UKGDPR_6_1_C',
  'UKGDPR_6_1_D',
  'UKGDPR_6_1_A_CONSENT',
] as const;
export const LawfulBasis = /* @__PURE__ */ schema(() => z.enum(LAWFUL_BASES));
export type LawfulBasis = z.infer<typeof LawfulBasis>;

export const CONSENT_STATUSES = ['OBTAINED', 'REFUSED', 'NOT_SOUGHT'] as const;
export const ConsentStatus = /* @__PURE__ */ schema(() => z.enum(CONSENT_STATUSES));
export type ConsentStatus = z.infer<typeof ConsentStatus>;

/** The 3x5x2 handling codes: P, lawful sharing permitted; C, permitted only under stated conditions. */
export const HandlingCode = /* @__PURE__ */ schema(() => z.enum(['P', 'C']));
export type HandlingCode = z.infer<typeof HandlingCode>;

/**
 * Whether a recipient may pass the alert on by itself (PERMITTED), or only with the sending area's
 * approval of each forward (ORIGINATOR_APPROVAL, like SIENA's handling code H2). Part of the share terms:
 * it travels unchanged with every forward, as the lawful basis and the handling conditions do.
 */
export const ONWARD_SHARING = ['PERMITTED', 'ORIGINATOR_APPROVAL'] as const;
export const OnwardSharing = /* @__PURE__ */ schema(() => z.enum(ONWARD_SHARING));
export type OnwardSharing = z.infer<typeof OnwardSharing>;

export const RISK_LEVELS = ['EMERGING', 'MODERATE', 'SIGNIFICANT'] as const;
export const RiskLevel = /* @__PURE__ */ schema(() => z.enum(RISK_LEVELS));
export type RiskLevel = z.infer<typeof RiskLevel>;

export const EXPLOITATION_TYPES = ['CSE', 'CCE', 'COUNTY_LINES', 'TRAFFICKING', 'ONLINE', 'MISSING'] as const;
export const ExploitationType = /* @__PURE__ */ schema(() => z.enum(EXPLOITATION_TYPES));
export type ExploitationType = z.infer<typeof ExploitationType>;

export const MOVEMENT_KINDS = ['FAMILY_MOVE', 'PLACEMENT', 'MISSING_BELIEVED_IN_AREA', 'SIGHTING'] as const;

const distinct = <T>(items: readonly T[]) => new Set(items).size === items.length;

export const Recipient = /* @__PURE__ */ schema(() =>
  z.strictObject({
    area: AreaId,
    scopes: z.array(Scope).check(z.minLength(1), z.maxLength(SCOPES.length), z.refine(distinct, 'scopes must be distinct')),
  }),
);
export type Recipient = z.infer<typeof Recipient>;

export const Sharing = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      purpose: text(1000),
      lawfulBasis: LawfulBasis,
      consent: z.strictObject({
        status: ConsentStatus,
        reason: z.optional(text(1000)),
      }),
      handling: z.strictObject({
        code: HandlingCode,
        conditions: z.optional(text(1000)),
        onwardSharing: z._default(OnwardSharing, 'PERMITTED'),
      }),
      expiresAt: z.optional(isoDateTime),
    })
    .check(
      z.superRefine((sharing, ctx) => {
        // Consent is not required to share when a child is at risk, but the reason for sharing without it is.
        if (sharing.consent.status !== 'OBTAINED' && sharing.consent.reason === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['consent', 'reason'],
            message: 'a reason is required when consent is not obtained',
          });
        }
        if (sharing.handling.code === 'C' && sharing.handling.conditions === undefined) {
          ctx.addIssue({ code: 'custom', path: ['handling', 'conditions'], message: 'handling code C requires conditions' });
        }
      }),
    ),
);
export type Sharing = z.infer<typeof Sharing>;

export const Child = /* @__PURE__ */ schema(() =>
  z.strictObject({
    name: z.strictObject({ given: text(100), family: text(100) }),
    aliases: z.optional(z.array(text(100)).check(z.maxLength(20))),
    dateOfBirth: isoDate,
    gender: z.optional(text(50)),
    identifiers: z.optional(
      z.strictObject({
        localCaseNumber: z.optional(text(50)),
        nhsNumber: z.optional(z.string().check(z.trim(), z.regex(/^\d{3} ?\d{3} ?\d{4}$/, 'must be a 10-digit NHS number'))),
      }),
    ),
  }),
);

export const Movement = /* @__PURE__ */ schema(() =>
  z.strictObject({
    kind: z.enum(MOVEMENT_KINDS),
    from: z.optional(AreaId),
    to: z.optional(AreaId),
    on: isoDate,
    details: z.optional(text(2000)),
  }),
);

export const Risk = /* @__PURE__ */ schema(() =>
  z.strictObject({
    level: RiskLevel,
    exploitation: z
      .array(ExploitationType)
      .check(z.minLength(1), z.maxLength(EXPLOITATION_TYPES.length), z.refine(distinct, 'must be distinct')),
    summary: text(4000),
    section47: z.optional(z.enum(['NONE', 'ONGOING', 'CONCLUDED'])),
  }),
);

/** Police 3x5x2 grading of each intelligence item: source, intelligence and handling code. */
export const Grading = /* @__PURE__ */ schema(() =>
  z.strictObject({
    source: z.enum(['1', '2', '3']),
    intelligence: z.enum(['A', 'B', 'C', 'D', 'E']),
    handling: HandlingCode,
  }),
);

export const Perpetrator = /* @__PURE__ */ schema(() =>
  z.strictObject({
    names: z.optional(z.array(text(100)).check(z.maxLength(20))),
    nicknames: z.optional(z.array(text(100)).check(z.maxLength(20))),
    marks: z.optional(z.array(text(200)).check(z.maxLength(20))),
    vehicles: z.optional(
      z.array(z.strictObject({ registration: z.optional(text(20)), description: z.optional(text(200)) })).check(z.maxLength(10)),
    ),
    places: z.optional(z.array(text(200)).check(z.maxLength(20))),
    grading: Grading,
  }),
);

export const Location = /* @__PURE__ */ schema(() =>
  z.strictObject({
    description: text(500),
    postcode: z.optional(text(10)),
  }),
);

export const Contact = /* @__PURE__ */ schema(() =>
  z.strictObject({
    name: text(100),
    role: z.optional(text(100)),
    phone: z.optional(text(30)),
    email: z.optional(z.email().check(z.maxLength(254))),
  }),
);

export const CreateAlertRequest = /* @__PURE__ */ schema(() =>
  z.strictObject({
    recipients: z.array(Recipient).check(
      z.minLength(1),
      z.maxLength(10),
      z.refine((rs) => distinct(rs.map((r) => r.area)), 'recipient areas must be distinct'),
    ),
    sharing: Sharing,
    child: Child,
    movement: Movement,
    risk: Risk,
    perpetrators: z.optional(z.array(Perpetrator).check(z.maxLength(20))),
    locations: z.optional(z.array(Location).check(z.maxLength(50))),
    disruptionPlan: z.optional(text(8000)),
    voice: z.optional(text(4000)),
    contacts: z.optional(
      z.strictObject({
        leadProfessional: z.optional(Contact),
        police: z.optional(Contact),
        outOfHours: z.optional(Contact),
      }),
    ),
  }),
);
export type CreateAlertRequest = z.infer<typeof CreateAlertRequest>;

/**
 * The alert's content grouped by share scope: what is sealed, one box per scope, and what a recipient
 * is given, section by section.
 */
export type AlertSections = {
  IDENTITY?: z.infer<typeof Child>;
  MOVEMENT?: z.infer<typeof Movement>;
  RISK?: z.infer<typeof Risk>;
  PERPETRATORS?: z.infer<typeof Perpetrator>[];
  LOCATIONS?: z.infer<typeof Location>[];
  DISRUPTION_PLAN?: string;
  VOICE?: string;
  CONTACTS?: NonNullable<CreateAlertRequest['contacts']>;
};

export const SHARE_STATUSES = ['PENDING', 'ACKNOWLEDGED', 'OVERDUE'] as const;
export const ShareStatus = /* @__PURE__ */ schema(() => z.enum(SHARE_STATUSES));
export type ShareStatus = z.infer<typeof ShareStatus>;

export const AckOutcome = /* @__PURE__ */ schema(() => z.enum(['ACCEPTED', 'ALREADY_KNOWN', 'REDIRECTED']));

export const AcknowledgeRequest = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      outcome: AckOutcome,
      note: z.optional(text(4000)),
      redirectTo: z.optional(AreaId),
    })
    .check(
      z.superRefine((ack, ctx) => {
        if (ack.outcome === 'REDIRECTED' && ack.redirectTo === undefined) {
          ctx.addIssue({ code: 'custom', path: ['redirectTo'], message: 'required when the outcome is REDIRECTED' });
        }
        if (ack.outcome !== 'REDIRECTED' && ack.redirectTo !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['redirectTo'], message: 'only allowed when the outcome is REDIRECTED' });
        }
      }),
    ),
);
export type AcknowledgeRequest = z.infer<typeof AcknowledgeRequest>;

export const ListAlertsQuery = /* @__PURE__ */ schema(() =>
  z.strictObject({
    box: z._default(z.enum(['inbox', 'outbox']), 'inbox'),
    status: z
      .optional(ShareStatus)
      .check(
        z.describe(
          'Only shares (in the outbox: alerts with a share) in this status. The inbox lists newest first, and so under ACKNOWLEDGED; under PENDING and OVERDUE by deadline, the earliest first',
        ),
      ),
    limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
  }),
);
export type ListAlertsQuery = z.infer<typeof ListAlertsQuery>;

// ---- responses ----

export const ShareSummary = /* @__PURE__ */ schema(() =>
  z.object({
    area: AreaId,
    scopes: z.array(Scope),
    status: ShareStatus,
    ackDueBy: isoDateTime,
  }),
);

export const CreateAlertResponse = /* @__PURE__ */ schema(() =>
  z.object({
    alertId: z.uuid(),
    createdAt: isoDateTime,
    shares: z.array(ShareSummary),
  }),
);
export type CreateAlertResponse = z.infer<typeof CreateAlertResponse>;

export const Acknowledgement = /* @__PURE__ */ schema(() =>
  z.object({
    outcome: AckOutcome,
    acknowledgedAt: isoDateTime,
    by: z.object({ sub: z.string(), name: z.string(), agency: Agency, area: AreaId }),
    redirectTo: z.optional(AreaId),
    note: z.optional(z.string()),
  }),
);
export type Acknowledgement = z.infer<typeof Acknowledgement>;

/** The ladder's steps (functions/core/alerts/ladder.ts): what the hub told whom about a share. */
// The expiry steps come last: the sending area is warned 30 and 7 days before a share ends, and at its
// end the share's copy of the content is destroyed.
export const LADDER_STEPS = [
  'SHARED',
  'REMINDER',
  'OVERDUE',
  'ACKNOWLEDGED',
  'REDIRECTED',
  'EXPIRY_WARNING_30',
  'EXPIRY_WARNING_7',
  'EXPIRED',
] as const;
export const LadderStep = /* @__PURE__ */ schema(() => z.enum(LADDER_STEPS));

/** What the hub has told whom about a share, what it will do next, and any message that did not arrive. */
export const ShareNotifications = /* @__PURE__ */ schema(() =>
  z.object({
    /** Oldest first: "reminder sent 12:30", "escalated to the duty manager 14:30". */
    steps: z.array(
      z.object({
        step: LadderStep,
        at: isoDateTime,
        to: z.array(RecipientRole),
        /** Out of hours for a SIGNIFICANT alert: the receiving area's out-of-hours number, for the sender to call. */
        telephone: z.optional(z.string()),
      }),
    ),
    nextStep: z.optional(z.object({ step: LadderStep, at: isoDateTime })),
    /** Messages that did not reach their mailbox: telephone instead. */
    undelivered: z.array(
      z.object({
        at: isoDateTime,
        step: z.optional(LadderStep),
        recipient: RecipientRole,
        area: AreaId,
        reason: z.enum(['REFUSED', 'UNDELIVERED']),
        telephone: z.string(),
      }),
    ),
  }),
);
export type ShareNotifications = z.infer<typeof ShareNotifications>;

/** A person as the hub names them on a record: no contact details. */
export const Person = /* @__PURE__ */ schema(() => z.object({ name: z.string(), agency: Agency, area: AreaId }));
export type Person = z.infer<typeof Person>;

/**
 * How near a share is to its end: NONE until 30 days before it, then DUE_IN_30_DAYS, DUE_IN_7_DAYS from 7
 * days before, ENDED once it has ended (expired or revoked). The sender is warned at 30 and at 7 days.
 */
export const EXPIRY_WARNINGS = ['NONE', 'DUE_IN_30_DAYS', 'DUE_IN_7_DAYS', 'ENDED'] as const;
export const ExpiryWarning = /* @__PURE__ */ schema(() => z.enum(EXPIRY_WARNINGS));
export type ExpiryWarning = z.infer<typeof ExpiryWarning>;

export const ShareEndReason = /* @__PURE__ */ schema(() => z.enum(['REVOKED', 'EXPIRED']));
export type ShareEndReason = z.infer<typeof ShareEndReason>;

export const ShareExpiry = /* @__PURE__ */ schema(() =>
  z.object({
    expiresAt: isoDateTime,
    warning: ExpiryWarning,
    /** The warnings the sending area was sent, oldest first. */
    warned: z.array(z.object({ daysBefore: z.union([z.literal(30), z.literal(7)]), at: isoDateTime })),
    /** The latest an extension may reach: two years from the alert's creation. */
    latestExtension: isoDateTime,
    /** Each extension, oldest first; the justification only for the sending area. */
    extensions: z.array(
      z.object({ at: isoDateTime, by: Person, from: isoDateTime, to: isoDateTime, justification: z.optional(z.string()) }),
    ),
  }),
);
export type ShareExpiry = z.infer<typeof ShareExpiry>;

/** What the recipient sees of its own share record, and the sender of every share. */
export const ShareRecord = /* @__PURE__ */ schema(() =>
  z.extend(ShareSummary, {
    sharing: z.object({
      purpose: z.string(),
      lawfulBasis: LawfulBasis,
      consent: z.object({ status: ConsentStatus, reason: z.optional(z.string()) }),
      handling: z.object({ code: HandlingCode, conditions: z.optional(z.string()), onwardSharing: OnwardSharing }),
      expiresAt: isoDateTime,
    }),
    acknowledgement: z.optional(Acknowledgement),
    notifications: ShareNotifications,
    /** A share passed on by a forward: from which area, by whom, when and why (each recipient sees its own). */
    origin: z.optional(
      z.object({
        forwardId: z.uuid(),
        fromArea: AreaId,
        by: Person,
        at: isoDateTime,
        reason: z.string(),
      }),
    ),
    /** Where the share stands against its end of life, and how it was extended. */
    expiry: ShareExpiry,
    /** A share that has ended (the sending area alone still sees it): its content is destroyed. */
    ended: z.optional(z.object({ reason: ShareEndReason, at: isoDateTime, by: z.optional(Person), note: z.optional(z.string()) })),
  }),
);
export type ShareRecord = z.infer<typeof ShareRecord>;

export const AlertSummary = /* @__PURE__ */ schema(() =>
  z.object({
    alertId: z.uuid(),
    fromArea: AreaId,
    toAreas: z.array(AreaId),
    riskLevel: RiskLevel,
    exploitation: z.array(ExploitationType),
    createdAt: isoDateTime,
    ackDueBy: isoDateTime,
    /** Per share; `outcome` and `redirectTo` once acknowledged, so a redirect is not read as "picked up". */
    shares: z.array(
      z.object({
        area: AreaId,
        status: ShareStatus,
        ackDueBy: isoDateTime,
        outcome: z.optional(AckOutcome),
        redirectTo: z.optional(AreaId),
        /** The ladder's latest step, for a list ("reminder sent 12:30"). */
        lastStep: z.optional(z.object({ step: LadderStep, at: isoDateTime })),
        /** How many messages about the share did not reach their mailbox. */
        undelivered: z.int().check(z.gte(0)),
        /** A share that has ended: the sending area's outbox keeps it, without content. */
        ended: z.optional(ShareEndReason),
        expiresAt: z.optional(isoDateTime),
        expiryWarning: z.optional(ExpiryWarning),
      }),
    ),
  }),
);
export type AlertSummary = z.infer<typeof AlertSummary>;

export const AlertList = /* @__PURE__ */ schema(() => z.object({ items: z.array(AlertSummary), nextCursor: z.optional(z.string()) }));
export type AlertList = z.infer<typeof AlertList>;

/**
 * A forward as it stands: AWAITING_APPROVAL (the sending area has not decided), SHARED (the new area holds
 * a share), REFUSED (the sending area refused it), or ENDED (the share it made has ended since).
 */
export const FORWARD_STATUSES = ['AWAITING_APPROVAL', 'SHARED', 'REFUSED', 'ENDED'] as const;
export const ForwardStatus = /* @__PURE__ */ schema(() => z.enum(FORWARD_STATUSES));
export type ForwardStatus = z.infer<typeof ForwardStatus>;

export const ForwardDecision = /* @__PURE__ */ schema(() => z.enum(['APPROVED', 'REFUSED']));
export type ForwardDecision = z.infer<typeof ForwardDecision>;

/**
 * One link of the chain of custody: who passed what to whom, when, why, and how it stands. The sending
 * area sees every link; a recipient sees only those its own area made.
 */
export const CustodyEntry = /* @__PURE__ */ schema(() =>
  z.object({
    forwardId: z.uuid(),
    fromArea: AreaId,
    toArea: AreaId,
    scopes: z.array(Scope),
    by: Person,
    at: isoDateTime,
    reason: z.optional(z.string()),
    status: ForwardStatus,
    decision: z.optional(z.object({ decision: ForwardDecision, at: isoDateTime, by: Person, reason: z.optional(z.string()) })),
  }),
);
export type CustodyEntry = z.infer<typeof CustodyEntry>;

export const AlertView = /* @__PURE__ */ schema(() =>
  z.object({
    alertId: z.uuid(),
    fromArea: AreaId,
    createdAt: isoDateTime,
    createdBy: z.object({ name: z.string(), agency: Agency }),
    /** Present only for the sections the caller's area may see. */
    child: z.optional(Child),
    movement: z.optional(Movement),
    risk: z.optional(Risk),
    perpetrators: z.optional(z.array(Perpetrator)),
    locations: z.optional(z.array(Location)),
    disruptionPlan: z.optional(z.string()),
    voice: z.optional(z.string()),
    contacts: CreateAlertRequest.shape.contacts,
    /** The sender sees every share (ended ones too); a recipient sees only its own. */
    shares: z.array(ShareRecord),
    /** The chain of custody: every forward for the sending area, a recipient's own forwards for it. */
    custody: z.array(CustodyEntry),
  }),
);
export type AlertView = z.infer<typeof AlertView>;

export const AcknowledgementReceipt = /* @__PURE__ */ schema(() =>
  z.object({
    alertId: z.uuid(),
    area: AreaId,
    outcome: AckOutcome,
    acknowledgedAt: isoDateTime,
    redirectTo: z.optional(AreaId),
  }),
);
export type AcknowledgementReceipt = z.infer<typeof AcknowledgementReceipt>;

// ---- a share's life: forwards, revocation, extension ----

const distinctScopes = /* @__PURE__ */ schema(() =>
  z.array(Scope).check(z.minLength(1), z.maxLength(SCOPES.length), z.refine(distinct, 'scopes must be distinct')),
);

/** Pass the alert on to a further area, within the forwarding area's own scopes (the sender: any). */
export const ForwardRequest = /* @__PURE__ */ schema(() =>
  z.strictObject({
    area: AreaId,
    scopes: distinctScopes,
    reason: text(2000),
  }),
);
export type ForwardRequest = z.infer<typeof ForwardRequest>;

/** 201 when shared at once; 202 when the share terms ask for the sending area's approval first. */
export const ForwardReceipt = /* @__PURE__ */ schema(() =>
  z.object({
    alertId: z.uuid(),
    forwardId: z.uuid(),
    fromArea: AreaId,
    toArea: AreaId,
    scopes: z.array(Scope),
    status: ForwardStatus,
    at: isoDateTime,
    /** The new area's share, once there is one. */
    share: z.optional(ShareSummary),
  }),
);
export type ForwardReceipt = z.infer<typeof ForwardReceipt>;

export const ForwardDecisionRequest = /* @__PURE__ */ schema(() =>
  z.strictObject({
    decision: ForwardDecision,
    reason: text(2000),
  }),
);
export type ForwardDecisionRequest = z.infer<typeof ForwardDecisionRequest>;

export const RevokeRequest = /* @__PURE__ */ schema(() => z.strictObject({ reason: text(2000) }));
export type RevokeRequest = z.infer<typeof RevokeRequest>;

export const RevocationReceipt = /* @__PURE__ */ schema(() =>
  z.object({
    alertId: z.uuid(),
    area: AreaId,
    revokedAt: isoDateTime,
    /** Every share that ended: the revoked one, and those forwarded from it. */
    ended: z.array(AreaId),
  }),
);
export type RevocationReceipt = z.infer<typeof RevocationReceipt>;

export const ExtensionRequest = /* @__PURE__ */ schema(() =>
  z.strictObject({
    expiresAt: isoDateTime,
    justification: text(2000),
  }),
);
export type ExtensionRequest = z.infer<typeof ExtensionRequest>;

export const ExtensionReceipt = /* @__PURE__ */ schema(() =>
  z.object({
    alertId: z.uuid(),
    area: AreaId,
    from: isoDateTime,
    expiresAt: isoDateTime,
    extendedAt: isoDateTime,
  }),
);
export type ExtensionReceipt = z.infer<typeof ExtensionReceipt>;
