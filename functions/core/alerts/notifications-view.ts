/** What a share record says of its notifications: the ladder's steps, its next step, and undelivered messages. */
import type { ShareNotifications } from '../../../contracts/alerts.js';
import type { AreaDirectory } from '../areas.js';
import type { WorkingCalendars } from '../deadlines.js';
import { nextStep } from './ladder.js';
import type { LadderStep, StoredShare } from './ports.js';

const STEP_OF_TEMPLATE: Readonly<Record<string, LadderStep>> = {
  ALERT_SHARED: 'SHARED',
  ALERT_REMINDER: 'REMINDER',
  ALERT_OVERDUE_DUTY_MANAGER: 'OVERDUE',
  ALERT_OVERDUE_SENDER: 'OVERDUE',
};

export function notificationsOf(
  share: StoredShare,
  now: Date,
  deps: { readonly areas: AreaDirectory; readonly calendars: WorkingCalendars },
): ShareNotifications {
  const outOfHours = (area: string) => deps.areas.get(area)?.outOfHours ?? '';
  const next = share.ladder === undefined ? undefined : nextStep(share, now, deps);
  return {
    steps: (share.ladder?.steps ?? []).map((step) => ({
      step: step.step,
      at: step.at,
      to: [...step.to],
      ...(step.telephone === true ? { telephone: outOfHours(share.recipientArea) } : {}),
    })),
    ...(next === undefined ? {} : { nextStep: { step: next.step, at: next.dueAt } }),
    undelivered: (share.deliveryFailures ?? []).map((failure) => {
      const step =
        STEP_OF_TEMPLATE[failure.template] ??
        (failure.template === 'ALERT_ACKNOWLEDGED'
          ? share.ladder?.steps.find((s) => s.step === 'ACKNOWLEDGED' || s.step === 'REDIRECTED')?.step
          : undefined);
      return {
        at: failure.at,
        ...(step === undefined ? {} : { step }),
        recipient: failure.recipient,
        area: failure.recipientArea,
        reason: failure.reason,
        // Whoever's mailbox it was, the receiving area is the one to reach: its out-of-hours team answers.
        telephone: outOfHours(share.recipientArea),
      };
    }),
  };
}
