/**
 * The directory of local areas. Areas are data, not code, so a new area joins without a code change:
 * onboarding an area edits ../data/areas.json, and this class refuses a file whose references do not
 * resolve, so a typo fails at start-up rather than when a child's alert is routed.
 */

import type { RiskLevel } from '../../contracts/alerts.js';
import { type AckDeadline, type Area, AreaDirectoryFile, type WorkingHours } from '../../contracts/areas.js';
// A static import, not a read from disk, so esbuild inlines the directory into each Lambda bundle.
import bundledAreas from '../data/areas.json' with { type: 'json' };
import { DEFAULT_WORKING_HOURS } from './working-hours.js';

/**
 * The default time a receiving area has to acknowledge an alert, by risk level: 4 hours for significant,
 * 1 working day for moderate, 3 working days for emerging. Used wherever an area has not set its own.
 */
export const DEFAULT_ACK_DEADLINES: Readonly<Record<RiskLevel, AckDeadline>> = Object.freeze({
  SIGNIFICANT: Object.freeze({ unit: 'hours', value: 4 }),
  MODERATE: Object.freeze({ unit: 'workingDays', value: 1 }),
  EMERGING: Object.freeze({ unit: 'workingDays', value: 3 }),
});

export class AreaDirectory {
  private readonly areas: readonly Area[];
  private readonly byId: ReadonlyMap<string, Area>;

  /** @param file untrusted until parsed: a JSON import is typed too loosely to vouch for it. */
  constructor(file: unknown) {
    const parsed = AreaDirectoryFile.parse(file);
    const byId = new Map<string, Area>();
    for (const area of parsed.areas) {
      if (byId.has(area.id)) throw new Error(`Area directory: duplicate area id "${area.id}"`);
      byId.set(area.id, area);
    }
    for (const area of parsed.areas) {
      if (new Set(area.neighbours).size !== area.neighbours.length) {
        throw new Error(`Area directory: "${area.id}" lists a neighbour more than once`);
      }
      for (const neighbour of area.neighbours) {
        if (neighbour === area.id) throw new Error(`Area directory: "${area.id}" lists itself as a neighbour`);
        if (!byId.has(neighbour)) {
          throw new Error(`Area directory: "${area.id}" lists unknown neighbour "${neighbour}"`);
        }
      }
    }
    this.areas = Object.freeze(parsed.areas.map((area) => deepFreeze(area)));
    this.byId = new Map(this.areas.map((area) => [area.id, area]));
  }

  static fromBundledData(): AreaDirectory {
    return new AreaDirectory(bundledAreas);
  }

  list(): readonly Area[] {
    return this.areas;
  }

  get(id: string): Area | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /**
   * Throws for an unknown area: callers check recipients with `has` first, so reaching here with an
   * unknown id is a bug, and a silent default would hide it.
   */
  ackDeadlineFor(areaId: string, level: RiskLevel): AckDeadline {
    const area = this.byId.get(areaId);
    if (area === undefined) throw new RangeError(`Area directory: unknown area "${areaId}"`);
    return area.ackDeadlines?.[level] ?? DEFAULT_ACK_DEADLINES[level];
  }

  /** The area's own working hours, or the default 09:00 to 17:00; throws for an unknown area, as above. */
  workingHoursFor(areaId: string): WorkingHours {
    const area = this.byId.get(areaId);
    if (area === undefined) throw new RangeError(`Area directory: unknown area "${areaId}"`);
    return area.workingHours ?? DEFAULT_WORKING_HOURS;
  }
}

// Shared by every request in a warm Lambda, so no caller may mutate what another will read.
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
