import * as z from 'zod';
import { AreaId } from './identity.js';

/** How long a receiving area has to acknowledge, for one risk level. */
export const AckDeadline = z.discriminatedUnion('unit', [
  z.strictObject({ unit: z.literal('hours'), value: z.number().int().min(1).max(168) }),
  z.strictObject({ unit: z.literal('workingDays'), value: z.number().int().min(1).max(20) }),
]);
export type AckDeadline = z.infer<typeof AckDeadline>;

export const Area = z.strictObject({
  id: AreaId,
  name: z.string().min(1),
  policeForce: z.string().min(1),
  /** England and Wales, or Scotland: a different legal system for a cross-border case. */
  jurisdiction: z.enum(['england-and-wales', 'scotland']),
  msetMailbox: z.email(),
  outOfHours: z.string().min(1),
  neighbours: z.array(AreaId),
  /** Overrides of the default acknowledgement deadlines, set by the receiving area. */
  ackDeadlines: z
    .strictObject({
      SIGNIFICANT: AckDeadline.optional(),
      MODERATE: AckDeadline.optional(),
      EMERGING: AckDeadline.optional(),
    })
    .optional(),
});
export type Area = z.infer<typeof Area>;

export const AreaDirectoryFile = z.strictObject({ areas: z.array(Area).min(1) });
export const AreaList = z.object({ items: z.array(Area.omit({ ackDeadlines: true })) });
export type AreaList = z.infer<typeof AreaList>;
