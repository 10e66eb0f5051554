import type { AlertRepository } from '../alerts/ports.js';
import type { AreaDirectory } from '../areas.js';
import type { AuditRecorder } from '../audit.js';
import type { WorkingCalendars } from '../deadlines.js';
import type { HistoryRecords } from '../history.js';
import type { AuditStore, Clock, IdGenerator, KeyService } from '../ports.js';
import type { MeetingRepository } from './ports.js';

/** Everything the meeting use cases need; each names the subset it uses. */
export type MeetingDeps = {
  readonly meetings: MeetingRepository;
  /** Only to check which alerts an area may link or see linked: never to share them. */
  readonly alerts: AlertRepository;
  readonly audit: AuditRecorder;
  readonly auditStore: AuditStore;
  /** Who held each alert and meeting, kept after the content for the access histories. */
  readonly history: HistoryRecords;
  readonly keys: KeyService;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly areas: AreaDirectory;
  /** Working days, for the reminders of a meeting's actions. */
  readonly calendars: WorkingCalendars;
};
