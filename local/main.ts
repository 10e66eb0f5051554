/**
 * `npm start`: the local hub at http://localhost:3000 (PORT overrides), state under .data/ (HUB_DATA_DIR
 * overrides), with ready tokens for the walkthrough's three people.
 */
// CloudWatch metrics mean nothing on one machine (the same code emits them on AWS); read when the metrics
// module loads, so set before the hub's modules are imported.
process.env['POWERTOOLS_METRICS_DISABLED'] ??= 'true';
const { describeShift, startHub } = await import('./hub.js');
const { PERSONAS } = await import('./personas.js');

const port = Number.parseInt(process.env['PORT'] ?? '3000', 10);
const dataDir = process.env['HUB_DATA_DIR'] ?? '.data';

const leaseSetting = process.env['HUB_IDEMPOTENCY_LEASE_SECONDS'];
const lease = leaseSetting === undefined ? undefined : Number(leaseSetting);
if (lease !== undefined && !(Number.isInteger(lease) && lease >= 1)) {
  process.stderr.write('HUB_IDEMPOTENCY_LEASE_SECONDS must be a whole number of seconds, 1 or more\n');
  process.exit(2);
}
/** A whole number of at least 1 from the environment, or undefined when unset; anything else stops the hub. */
function positiveInteger(name: string): number | undefined {
  const setting = process.env[name];
  if (setting === undefined) return undefined;
  const value = Number(setting);
  if (!(Number.isInteger(value) && value >= 1)) {
    process.stderr.write(`${name} must be a whole number, 1 or more\n`);
    process.exit(2);
  }
  return value;
}
const idleMinutes = positiveInteger('HUB_CONSOLE_IDLE_MINUTES');
const absoluteHours = positiveInteger('HUB_CONSOLE_ABSOLUTE_HOURS');
/** The ladder sweep runs every minute on AWS; locally every 10 seconds unless set, so a message shows at once. */
const sweepSeconds = positiveInteger('HUB_LADDER_SWEEP_SECONDS') ?? 10;

/**
 * For trainers: HUB_CLOCK_OFFSET ("+3h", "90m", "-1d": hours, minutes or days) runs the hub's clock that far
 * from the machine's; HUB_CLOCK_START (an ISO time) starts it at that time. Restarting three hours on, on
 * the same data directory, shows the reminder of a SIGNIFICANT alert.
 */
function clockShift(): number {
  const offset = process.env['HUB_CLOCK_OFFSET'];
  const start = process.env['HUB_CLOCK_START'];
  if (offset !== undefined && start !== undefined) {
    process.stderr.write('Set HUB_CLOCK_OFFSET or HUB_CLOCK_START, not both\n');
    process.exit(2);
  }
  if (offset !== undefined) {
    const match = /^([+-]?)(\d{1,5})([mhd])$/.exec(offset.trim());
    if (match === null) {
      process.stderr.write('HUB_CLOCK_OFFSET must be a whole number of minutes, hours or days, like +3h, 90m or -1d\n');
      process.exit(2);
    }
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[3] as 'm' | 'h' | 'd'];
    return (match[1] === '-' ? -1 : 1) * Number(match[2]) * unit;
  }
  if (start !== undefined) {
    const at = Date.parse(start);
    if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}T/.test(start)) {
      process.stderr.write('HUB_CLOCK_START must be an ISO date and time, like 2026-12-01T02:00:00Z\n');
      process.exit(2);
    }
    return at - Date.now();
  }
  return 0;
}
const shift = clockShift();
const hub = await startHub({
  port,
  dataDir,
  clockShiftMs: shift,
  jobIntervals: { 'ladder-sweep': sweepSeconds * 1000 },
  // One line per message: what, to which mailbox, under which reference; never its content.
  onMail: (mail) => process.stdout.write(`notify: ${mail.template} to ${mail.to} (reference ${mail.reference})\n`),
  ...(lease === undefined ? {} : { idempotencyLeaseSeconds: lease }),
  ...(idleMinutes === undefined ? {} : { consoleIdleMinutes: idleMinutes }),
  ...(absoluteHours === undefined ? {} : { consoleAbsoluteHours: absoluteHours }),
});
const url = hub.url.replace('127.0.0.1', 'localhost');
const lines = [
  `MSET Cross-Boundary Hub (local): open ${url} in a browser to sign in to the console`,
  `API under ${url}/v1; state: ${hub.dataDir}`,
  `Messages it would send: ${url}/outbox (and a line here for each); the ladder sweep runs every ${sweepSeconds} s`,
  ...(shift === 0 ? [] : [`Shifted clock: the hub's time is ${describeShift(hub.environment.clock.now(), shift)}`]),
  '',
  'API tokens (8 hours):',
];
for (const persona of PERSONAS) {
  lines.push(`# ${persona.label}`, `export ${persona.variable}=${await hub.identity.mint(persona.claims)}`);
}
lines.push('', 'Mint another: npm run -s token -- --area <id> --role <role>', 'Ctrl-C stops the hub.');
process.stdout.write(`${lines.join('\n')}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await hub.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
