/**
 * Every schema is declared `export const Name = schema(() => z...)` with esbuild's pure annotation before
 * `schema`, so that a Lambda bundle leaves out, and never builds, the schemas its function does not use
 * (contracts/schema.ts says why): wrap a new one the same way; plain constants and helper functions stay bare.
 */
import * as z from 'zod/mini';
import { AreaId } from './identity.js';
import { schema } from './schema.js';

/** How long a receiving area has to acknowledge, for one risk level. */
export const AckDeadline = /* @__PURE__ */ schema(() =>
  z.discriminatedUnion('unit', [
    z.strictObject({ unit: z.literal('hours'), value: z.int().check(z.gte(1), z.lte(168)) }),
    z.strictObject({ unit: z.literal('workingDays'), value: z.int().check(z.gte(1), z.lte(20)) }),
  ]),
);
export type AckDeadline = z.infer<typeof AckDeadline>;

/** A London wall-clock time of day, HH:MM (24-hour). */
export const TimeOfDay = /* @__PURE__ */ schema(() => z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM, 24-hour')));

/**
 * When an area's MSET works, on its working days (Monday to Friday less its jurisdiction's bank holidays):
 * MODERATE and EMERGING notifications to it fall inside these hours; SIGNIFICANT ones go at any time.
 */
export const WorkingHours = /* @__PURE__ */ schema(() =>
  z
    .strictObject({ start: TimeOfDay, end: TimeOfDay })
    .check(z.refine((hours) => hours.start < hours.end, { message: 'must end after it starts', path: ['end'] })),
);
export type WorkingHours = z.infer<typeof WorkingHours>;

export const Area = /* @__PURE__ */ schema(() =>
  z.strictObject({
    id: AreaId,
    name: z.string().check(z.minLength(1)),
    policeForce: z.string().check(z.minLength(1)),
    /** England and Wales, or Scotland: a different legal system for a cross-border case. */
    jurisdiction: z.enum(['england-and-wales', 'scotland']),
    /** Where alerts, reminders and meeting notices for the area's MSET go. */
    msetMailbox: z.email(),
    /** Where an alert the area has not acknowledged in time is escalated. */
    dutyManagerMailbox: z.email(),
    /** The out-of-hours (emergency duty team) telephone: a person to call, never a message service. */
    outOfHours: z.string().check(z.minLength(1)),
    neighbours: z.array(AreaId),
    /** Overrides of the default acknowledgement deadlines, set by the receiving area. */
    ackDeadlines: z.optional(
      z.strictObject({
        SIGNIFICANT: z.optional(AckDeadline),
        MODERATE: z.optional(AckDeadline),
        EMERGING: z.optional(AckDeadline),
      }),
    ),
    /** Overrides the default working hours (09:00 to 17:00), set by the area. */
    workingHours: z.optional(WorkingHours),
  }),
);
export type Area = z.infer<typeof Area>;

export const AreaDirectoryFile = /* @__PURE__ */ schema(() => z.strictObject({ areas: z.array(Area).check(z.minLength(1)) }));
export const AreaList = /* @__PURE__ */ schema(() => z.object({ items: z.array(z.omit(Area, { ackDeadlines: true })) }));
export type AreaList = z.infer<typeof AreaList>;
