/**
 * `npm start`: the local hub at http://localhost:3000 (PORT overrides), state under .data/ (HUB_DATA_DIR
 * overrides), with ready tokens for the walkthrough's three people.
 */
// CloudWatch metrics mean nothing on one machine (the same code emits them on AWS); read when the metrics
// module loads, so set before the hub's modules are imported.
process.env['POWERTOOLS_METRICS_DISABLED'] ??= 'true';
const { startHub } = await import('./hub.js');
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
const hub = await startHub({
  port,
  dataDir,
  ...(lease === undefined ? {} : { idempotencyLeaseSeconds: lease }),
  ...(idleMinutes === undefined ? {} : { consoleIdleMinutes: idleMinutes }),
  ...(absoluteHours === undefined ? {} : { consoleAbsoluteHours: absoluteHours }),
});
const url = hub.url.replace('127.0.0.1', 'localhost');
const lines = [
  `MSET Cross-Boundary Hub (local): open ${url} in a browser to sign in to the console`,
  `API under ${url}/v1; state: ${hub.dataDir}`,
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
