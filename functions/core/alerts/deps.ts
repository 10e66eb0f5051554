import type { AreaDirectory } from '../areas.js';
import type { AuditRecorder } from '../audit.js';
import type { WorkingCalendars } from '../deadlines.js';
import type { HistoryRecords } from '../history.js';
import type { AuditStore, Clock, IdGenerator, KeyService } from '../ports.js';
import type { AlertRepository } from './ports.js';

/** Everything the alert use cases need; each use case names the subset it uses. */
export type AlertDeps = {
  readonly alerts: AlertRepository;
  readonly audit: AuditRecorder;
  readonly auditStore: AuditStore;
  /** Who held each alert and meeting, kept after the content for the access histories. */
  readonly history: HistoryRecords;
  readonly keys: KeyService;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly areas: AreaDirectory;
  readonly calendars: WorkingCalendars;
};
