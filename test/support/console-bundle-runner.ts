/**
 * Run in a fresh Node process by ./console-bundle.ts (bundled by esbuild first, so no TypeScript loader sits
 * between Node and the bundle under test): imports a built console bundle as Lambda imports it, wires it
 * through its exported `wire(env)` to a local hub's dynalite and key service, and hands it requests one after
 * another. DynamoDB is reached through the bundle's own SDK client (AWS_ENDPOINT_URL_DYNAMODB points it at
 * dynalite), so the code that runs is the code Lambda runs; only the key service and the queues are the
 * hub's twins. Prints one JSON line: the import's time and each response with the time since the import began.
 */
import { randomUUID } from 'node:crypto';
import { lazyLocalKeyService } from '../../local/local-key-service.js';
import type { ConsoleRun, ConsoleRunResult } from './console-bundle.js';

const run = JSON.parse(process.env['CONSOLE_RUN'] ?? '') as ConsoleRun;
// The same keys the hub sealed its alerts with: its master key in its data directory.
const keyService = lazyLocalKeyService(run.dataDir);
const audited: string[] = [];
const auditQueue = { send: async (message: { body: string }) => void audited.push(message.body) };
const notificationQueue = { send: async () => {}, changeVisibility: async () => {} };

const cpuAtStart = process.cpuUsage();
const start = performance.now();
const cpuMs = () => {
  const used = process.cpuUsage(cpuAtStart);
  return (used.user + used.system) / 1000;
};
const bundle = (await import(run.bundle)) as { wire(env: unknown): (event: unknown, context: unknown) => Promise<LambdaResult> };
const importMs = performance.now() - start;
const importCpuMs = cpuMs();

type LambdaResult = {
  statusCode: number;
  headers?: Record<string, string>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
};

const handler = bundle.wire({
  config: {
    region: 'eu-west-2',
    tables: run.tables,
    console: {
      // Where functions/shared/lambda-environment.ts finds them: the `console/` folder beside index.mjs.
      files: { templates: `${run.consoleDir}/console/templates.cjs`, assets: `${run.consoleDir}/console/assets` },
      identity: () => ({ issuer: 'https://issuer.example.invalid/', clientId: 'mset-hub', scope: 'profile' }),
      idleMinutes: 30,
      absoluteHours: 8,
    },
  },
  clock: { now: () => new Date() },
  ids: { newId: () => randomUUID() },
  adapters: {
    keyService,
    auditQueue,
    notificationQueue,
    ...(run.sentMail === undefined ? {} : { sentMail: { list: () => run.sentMail } }),
  },
});
const context = {
  functionName: 'console',
  functionVersion: '$LATEST',
  memoryLimitInMB: '1024',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-2:000000000000:function:console',
  awsRequestId: 'console-bundle-run',
  getRemainingTimeInMillis: () => 15_000,
};

const responses: ConsoleRunResult['responses'][number][] = [];
for (const [n, request] of run.requests.entries()) {
  const [path = '', query = ''] = request.path.split('?');
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: query,
    cookies: [`__Host-mset-session=${run.sessionToken}`],
    headers: {
      host: 'hub.example.invalid',
      'x-forwarded-proto': 'https',
      accept: 'text/html',
      ...(request.form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
    },
    requestContext: {
      accountId: '000000000000',
      apiId: 'api',
      domainName: 'hub.example.invalid',
      domainPrefix: 'hub',
      http: { method: request.method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'console-bundle-run' },
      requestId: `console-bundle-run-${n}`,
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    isBase64Encoded: false,
    ...(request.form === undefined ? {} : { body: new URLSearchParams(request.form).toString() }),
  };
  const result = await handler(event, context);
  responses.push({
    status: result.statusCode,
    headers: result.headers ?? {},
    cookies: result.cookies ?? [],
    body: result.body ?? '',
    ms: performance.now() - start,
    cpuMs: cpuMs(),
  });
}

const output: ConsoleRunResult = { importMs, importCpuMs, responses, audited };
// Exit once the output is written: a pipe may still hold it when process.exit() runs, and the bundle's
// clients keep sockets open that would otherwise keep the process alive.
process.stdout.write(JSON.stringify(output), () => process.exit(0));
