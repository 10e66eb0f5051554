/** GET /health's answer: a liveness probe, nothing more. */
import * as z from 'zod';

export const Health = z.object({ status: z.literal('ok') });
export type Health = z.infer<typeof Health>;
