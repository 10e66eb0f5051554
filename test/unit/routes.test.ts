/**
 * The route list names each function's module twice over: the local hub loads it through the entry's
 * `load`, and the CDK stack bundles functions/handlers/<name>.ts. Both must be the same module, or the
 * local hub would run code Lambda never does.
 */
import { describe, expect, it } from 'vitest';
import { ROUTE_LIST, ROUTES, WORKER_LIST } from '../../functions/routes.js';

const FUNCTIONS = [
  ...ROUTE_LIST.map((route) => ({ name: route.handler, load: route.load })),
  ...WORKER_LIST.map((worker) => ({ name: worker.name, load: worker.load })),
];

describe('the route list', () => {
  it.each(FUNCTIONS)('loads $name from functions/handlers/$name.ts, the module the stack bundles', async ({ name, load }) => {
    const loaded = await load();
    const bundled = await import(`../../functions/handlers/${name}.ts`);
    expect(loaded).toBe(bundled);
    expect(typeof loaded.handler).toBe('function');
    expect(typeof loaded.wire).toBe('function');
  });

  it('names every route and worker once', () => {
    const names = FUNCTIONS.map((fn) => fn.name);
    expect(new Set(names).size).toBe(names.length);
    const routeKeys = ROUTE_LIST.map((route) => route.routeKey);
    expect(new Set(routeKeys).size).toBe(routeKeys.length);
  });

  it('gives every public route its reason, and leaves only health, the catch-alls and the console public', () => {
    const open = ROUTE_LIST.filter((route) => !route.authorized);
    // The console ($default) checks its own session cookie; the API's catch-all answers only 404.
    expect(open.map((route) => route.routeKey).sort()).toEqual(['$default', 'ANY /v1/{proxy+}', 'GET /health']);
    expect(ROUTES.console.routeKey).toBe('$default');
    for (const route of open) expect(route.authorized === false && route.publicReason.length > 40).toBe(true);
  });
});
