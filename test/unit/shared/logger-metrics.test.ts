/**
 * The hub's own logger and EMF metrics (functions/shared/logger.ts, metrics.ts), which took Powertools'
 * place: the lines keep Powertools' shape, levels filter, an error is logged by name only, and the metrics
 * are the records CloudWatch reads (a ColdStart once per container, the counts at the end of an invocation).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../support/apigw.js';

vi.hoisted(() => {
  process.env['POWERTOOLS_LOG_LEVEL'] = 'INFO';
  delete process.env['POWERTOOLS_METRICS_DISABLED'];
});

const { Logger } = await import('../../../functions/shared/logger.js');
const { countSuccess, invocationMetrics } = await import('../../../functions/shared/metrics.js');

let out: string[];
let err: string[];

beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => out.push(String(chunk)) > 0);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => err.push(String(chunk)) > 0);
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const parsed = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('the logger', () => {
  it('writes one JSON line per entry, warnings and errors to stderr, and drops what is below its level', () => {
    // Prepare
    const logger = new Logger({ serviceName: 'svc', logLevel: 'INFO' });

    // Act
    logger.debug('not shown');
    logger.info('shown', { count: 2 });
    logger.warn('careful');
    logger.error('failed', { errors: ['TypeError'] });

    // Assess
    expect(out.every((line) => line.endsWith('\n'))).toBe(true);
    expect(parsed(out)).toEqual([{ level: 'INFO', message: 'shown', count: 2, service: 'svc', timestamp: expect.any(String) }]);
    expect(parsed(err).map((line) => [line['level'], line['message']])).toEqual([
      ['WARN', 'careful'],
      ['ERROR', 'failed'],
    ]);
  });

  it('takes its level from POWERTOOLS_LOG_LEVEL, and SILENT writes nothing', () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'silent');
    const logger = new Logger({ serviceName: 'svc' });
    logger.error('not shown');
    expect(logger.getLevelName()).toBe('SILENT');
    expect([...out, ...err]).toEqual([]);
    logger.setLogLevel('DEBUG');
    logger.debug('shown');
    expect(parsed(out).map((line) => line['message'])).toEqual(['shown']);
  });

  it('logs an error by its name only, a bigint as text and a cycle as a marker', () => {
    const logger = new Logger({ serviceName: 'svc', logLevel: 'INFO' });
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    logger.info('odd values', { error: new RangeError('Test Child-Alpha'), big: 10n, cycle });
    expect(out.join('')).not.toContain('Child-Alpha');
    expect(parsed(out)[0]).toMatchObject({ error: { name: 'RangeError' }, big: '10', cycle: { self: '[Circular]' } });
  });

  it('carries the invocation’s context until it ends, and only the first invocation is cold', () => {
    // Prepare
    vi.stubEnv('_X_AMZN_TRACE_ID', 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1');
    const logger = new Logger({ serviceName: 'svc', logLevel: 'INFO' });

    // Act
    logger.startInvocation({ ...lambdaContext(), awsRequestId: 'first' });
    logger.info('one');
    logger.endInvocation();
    logger.info('between');
    logger.startInvocation({ ...lambdaContext(), awsRequestId: 'second' });
    logger.info('two');

    // Assess
    const [one, between, two] = parsed(out);
    expect(one).toMatchObject({
      cold_start: true,
      function_name: 'test-function',
      function_arn: 'arn:aws:lambda:eu-west-2:123456789012:function:test-function',
      function_memory_size: 256,
      function_request_id: 'first',
      xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
    });
    expect(between).not.toHaveProperty('function_request_id');
    expect(two).toMatchObject({ cold_start: false, function_request_id: 'second' });
  });
});

describe('the metrics', () => {
  const invoke = async (count: boolean) => {
    const middleware = invocationMetrics();
    const request = { context: lambdaContext() } as never;
    await middleware.before?.(request);
    if (count) countSuccess('AlertsCreated');
    await middleware.after?.(request);
  };

  it('write a ColdStart record on the first invocation, the counts at the end of each, and nothing for none', async () => {
    // Act
    await invoke(true);
    await invoke(false);
    await invoke(true);

    // Assess
    const records = parsed(out);
    expect(records).toHaveLength(3);
    expect(records[0]).toEqual({
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [
          { Namespace: 'MsetHub', Dimensions: [['service', 'function_name']], Metrics: [{ Name: 'ColdStart', Unit: 'Count' }] },
        ],
      },
      service: 'mset-hub',
      function_name: 'test-function',
      ColdStart: 1,
    });
    for (const record of records.slice(1)) {
      expect(record).toEqual({
        _aws: {
          Timestamp: expect.any(Number),
          CloudWatchMetrics: [{ Namespace: 'MsetHub', Dimensions: [['service']], Metrics: [{ Name: 'AlertsCreated', Unit: 'Count' }] }],
        },
        service: 'mset-hub',
        AlertsCreated: 1,
      });
    }
  });

  it('write nothing when POWERTOOLS_METRICS_DISABLED is set', async () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    await invoke(true);
    expect(out).toEqual([]);
  });
});
