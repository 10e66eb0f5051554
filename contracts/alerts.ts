/**
 * Child-movement alerts: requests and responses. These schemas are the single source of truth: handlers
 * validate with them, tests generate from them, and the OpenAPI document is derived from them.
 *
 * Every schema is declared `export const Name = schema(() => z...)` with esbuild's pure annotation before
 * `schema`, so that a Lambda bundle leaves out, and never builds, the schemas its function does not use
 * (contracts/schema.ts says why): wrap a new one the same way; plain constants and helper functions stay bare.
 */
import * as z from 'zod';
import { Agency, AreaId } from './identity.js';
import { RecipientRole } from './notifications.js';
import { schema } from './schema.js';

/** Trimmed, non-empty, bounded free text. */
const text = (max: number) => z.string().trim().min(1).max(max);
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
    scopes: z.array(Scope).min(1).max(SCOPES.length).refine(distinct, 'scopes must be distinct'),
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
        reason: text(1000).optional(),
      }),
      handling: z.strictObject({
        code: HandlingCode,
        conditions: text(1000).optional(),
      }),
      expiresAt: isoDateTime.optional(),
    })
    .superRefine((sharing, ctx) => {
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
);
export type Sharing = z.infer<typeof Sharing>;

export const Child = /* @__PURE__ */ schema(() =>
  z.strictObject({
    name: z.strictObject({ given: text(100), family: text(100) }),
    aliases: z.array(text(100)).max(20).optional(),
    dateOfBirth: isoDate,
    gender: text(50).optional(),
    identifiers: z
      .strictObject({
        localCaseNumber: text(50).optional(),
        nhsNumber: z
          .string()
          .trim()
          .regex(/^\d{3} ?\d{3} ?\d{4}$/, 'must be a 10-digit NHS number')
          .optional(),
      })
      .optional(),
  }),
);

export const Movement = /* @__PURE__ */ schema(() =>
  z.strictObject({
    kind: z.enum(MOVEMENT_KINDS),
    from: AreaId.optional(),
    to: AreaId.optional(),
    on: isoDate,
    details: text(2000).optional(),
  }),
);

export const Risk = /* @__PURE__ */ schema(() =>
  z.strictObject({
    level: RiskLevel,
    exploitation: z.array(ExploitationType).min(1).max(EXPLOITATION_TYPES.length).refine(distinct, 'must be distinct'),
    summary: text(4000),
    section47: z.enum(['NONE', 'ONGOING', 'CONCLUDED']).optional(),
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
    names: z.array(text(100)).max(20).optional(),
    nicknames: z.array(text(100)).max(20).optional(),
    marks: z.array(text(200)).max(20).optional(),
    vehicles: z
      .array(z.strictObject({ registration: text(20).optional(), description: text(200).optional() }))
      .max(10)
      .optional(),
    places: z.array(text(200)).max(20).optional(),
    grading: Grading,
  }),
);

export const Location = /* @__PURE__ */ schema(() =>
  z.strictObject({
    description: text(500),
    postcode: text(10).optional(),
  }),
);

export const Contact = /* @__PURE__ */ schema(() =>
  z.strictObject({
    name: text(100),
    role: text(100).optional(),
    phone: text(30).optional(),
    email: z.email().max(254).optional(),
  }),
);

export const CreateAlertRequest = /* @__PURE__ */ schema(() =>
  z.strictObject({
    recipients: z
      .array(Recipient)
      .min(1)
      .max(10)
      .refine((rs) => distinct(rs.map((r) => r.area)), 'recipient areas must be distinct'),
    sharing: Sharing,
    child: Child,
    movement: Movement,
    risk: Risk,
    perpetrators: z.array(Perpetrator).max(20).optional(),
    locations: z.array(Location).max(50).optional(),
    disruptionPlan: text(8000).optional(),
    voice: text(4000).optional(),
    contacts: z
      .strictObject({
        leadProfessional: Contact.optional(),
        police: Contact.optional(),
        outOfHours: Contact.optional(),
      })
      .optional(),
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
      note: text(4000).optional(),
      redirectTo: AreaId.optional(),
    })
    .superRefine((ack, ctx) => {
      if (ack.outcome === 'REDIRECTED' && ack.redirectTo === undefined) {
        ctx.addIssue({ code: 'custom', path: ['redirectTo'], message: 'required when the outcome is REDIRECTED' });
      }
      if (ack.outcome !== 'REDIRECTED' && ack.redirectTo !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['redirectTo'], message: 'only allowed when the outcome is REDIRECTED' });
      }
    }),
);
export type AcknowledgeRequest = z.infer<typeof AcknowledgeRequest>;

export const ListAlertsQuery = /* @__PURE__ */ schema(() =>
  z.strictObject({
    box: z.enum(['inbox', 'outbox']).default('inbox'),
    status: ShareStatus.optional().describe(
      'Only shares (in the outbox: alerts with a share) in this status. The inbox lists newest first, and so under ACKNOWLEDGED; under PENDING and OVERDUE by deadline, the earliest first',
    ),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().min(1).max(2048).optional(),
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
    redirectTo: AreaId.optional(),
    note: z.string().optional(),
  }),
);
export type Acknowledgement = z.infer<typeof Acknowledgement>;

/** The ladder's steps (functions/core/alerts/ladder.ts): what the hub told whom about a share. */
export const LADDER_STEPS = ['SHARED', 'REMINDER', 'OVERDUE', 'ACKNOWLEDGED', 'REDIRECTED'] as const;
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
        telephone: z.string().optional(),
      }),
    ),
    nextStep: z.object({ step: LadderStep, at: isoDateTime }).optional(),
    /** Messages that did not reach their mailbox: telephone instead. */
    undelivered: z.array(
      z.object({
        at: isoDateTime,
        step: LadderStep.optional(),
        recipient: RecipientRole,
        area: AreaId,
        reason: z.enum(['REFUSED', 'UNDELIVERED']),
        telephone: z.string(),
      }),
    ),
  }),
);
export type ShareNotifications = z.infer<typeof ShareNotifications>;

/** What the recipient sees of its own share record, and the sender of every share. */
export const ShareRecord = /* @__PURE__ */ schema(() =>
  ShareSummary.extend({
    sharing: z.object({
      purpose: z.string(),
      lawfulBasis: LawfulBasis,
      consent: z.object({ status: ConsentStatus, reason: z.string().optional() }),
      handling: z.object({ code: HandlingCode, conditions: z.string().optional() }),
      expiresAt: isoDateTime,
    }),
    acknowledgement: Acknowledgement.optional(),
    notifications: ShareNotifications,
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
        outcome: AckOutcome.optional(),
        redirectTo: AreaId.optional(),
        /** The ladder's latest step, for a list ("reminder sent 12:30"). */
        lastStep: z.object({ step: LadderStep, at: isoDateTime }).optional(),
        /** How many messages about the share did not reach their mailbox. */
        undelivered: z.number().int().min(0),
      }),
    ),
  }),
);
export type AlertSummary = z.infer<typeof AlertSummary>;

export const AlertList = /* @__PURE__ */ schema(() => z.object({ items: z.array(AlertSummary), nextCursor: z.string().optional() }));
export type AlertList = z.infer<typeof AlertList>;

export const AlertView = /* @__PURE__ */ schema(() =>
  z.object({
    alertId: z.uuid(),
    fromArea: AreaId,
    createdAt: isoDateTime,
    createdBy: z.object({ name: z.string(), agency: Agency }),
    /** Present only for the sections the caller's area may see. */
    child: Child.optional(),
    movement: Movement.optional(),
    risk: Risk.optional(),
    perpetrators: z.array(Perpetrator).optional(),
    locations: z.array(Location).optional(),
    disruptionPlan: z.string().optional(),
    voice: z.string().optional(),
    contacts: CreateAlertRequest.shape.contacts,
    /** The sender sees every share; a recipient sees only its own. */
    shares: z.array(ShareRecord),
  }),
);
export type AlertView = z.infer<typeof AlertView>;

export const AcknowledgementReceipt = /* @__PURE__ */ schema(() =>
  z.object({
    alertId: z.uuid(),
    area: AreaId,
    outcome: AckOutcome,
    acknowledgedAt: isoDateTime,
    redirectTo: AreaId.optional(),
  }),
);
export type AcknowledgementReceipt = z.infer<typeof AcknowledgementReceipt>;
