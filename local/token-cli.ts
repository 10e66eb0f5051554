/**
 * Mints a token for a test persona from the local hub's identity provider:
 *   npm run -s token -- --area northumberland --role police
 * Only the token goes to stdout, so `TOKEN=$(npm run -s token -- ...)` works in a shell.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AGENCIES, AreaId, ROLES } from '../contracts/identity.js';
import { LocalIdentityProvider } from './identity-provider.js';

const USAGE = `usage: npm run -s token -- --area <area-id> --role <role> [--role <role>...] [--agency <agency>] [--sub <sub>] [--name <name>] [--expires-in <seconds>]
  roles:    ${ROLES.join(', ')} (repeat --role or separate with commas)
  agencies: ${AGENCIES.join(', ')}
  data dir: $HUB_DATA_DIR, default .data`;

class UsageError extends Error {}

type Request = {
  area: string;
  roles: string[];
  agency?: string;
  sub?: string;
  name?: string;
  expiresInSeconds?: number;
};

/** A parse error from the options is the user's mistake, shown as usage, not a crash. */
function parseOrUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function parseRequest(argv: string[]): Request {
  const values = parseOrUsage(() =>
    parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        area: { type: 'string' },
        role: { type: 'string', multiple: true },
        agency: { type: 'string' },
        sub: { type: 'string' },
        name: { type: 'string' },
        'expires-in': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  ).values;
  if (values.help) throw new UsageError('');
  const area = AreaId.safeParse(values.area ?? '');
  if (!area.success) throw new UsageError('--area must be a kebab-case area id, e.g. northumberland');
  const roles = (values.role ?? [])
    .flatMap((role) => role.split(','))
    .map((role) => role.trim())
    .filter(Boolean);
  if (roles.length === 0) throw new UsageError('--role is required');
  // A typo in a role would mint a token the hub silently reads as having no such role.
  const unknown = roles.filter((role) => !(ROLES as readonly string[]).includes(role));
  if (unknown.length > 0) throw new UsageError(`unknown role(s): ${unknown.join(', ')}`);
  if (values.agency !== undefined && !(AGENCIES as readonly string[]).includes(values.agency)) {
    throw new UsageError(`unknown agency: ${values.agency}`);
  }
  const request: Request = { area: area.data, roles: [...new Set(roles)] };
  if (values.agency !== undefined) request.agency = values.agency;
  if (values.sub !== undefined) request.sub = values.sub;
  if (values.name !== undefined) request.name = values.name;
  if (values['expires-in'] !== undefined) {
    const seconds = Number(values['expires-in']);
    if (!Number.isInteger(seconds) || seconds <= 0) throw new UsageError('--expires-in must be a positive whole number of seconds');
    request.expiresInSeconds = seconds;
  }
  return request;
}

async function main(): Promise<number> {
  let request: Request;
  try {
    request = parseRequest(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message ? `token: ${error.message}\n` : ''}${USAGE}\n`);
    return 2;
  }
  const provider = await LocalIdentityProvider.open(resolve(process.env['HUB_DATA_DIR'] ?? '.data'));
  const { expiresInSeconds, ...claims } = request;
  const token = await provider.mint(claims, expiresInSeconds === undefined ? {} : { expiresInSeconds });
  process.stdout.write(`${token}\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
