/**
 * The compiled templates (functions/console/templates.ts), rendered by nunjucks' runtime (render.ts),
 * make the same markup as nunjucks compiling the same views and GOV.UK templates from source, with the same
 * options: every view, with one context that fills its common fields (its lists left empty: a view's rows are
 * its own page's), renders byte for byte the same (or fails the same way in both).
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPILE_OPTIONS, MANIFEST_FILE, type Renderer, renderer, withConsoleHelpers } from '../../../functions/console/render.js';
import { buildConsoleTemplates, ensureConsoleTemplates, govukTemplatesDir, TEMPLATES_FILE } from '../../../functions/console/templates.js';

const VIEWS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'functions', 'console', 'views');
/** Views that need a field only their own page gives (each fails the same way compiled and from source). */
const EXPECTED_TO_FAIL = ['meeting-request', 'send-alert', 'share-forward'];

const MANIFEST = { 'application.css': 'application-0.css', 'console.mjs': 'console-0.mjs', 'favicon.svg': 'favicon-0.svg' };

let dir: string;
let compiled: Renderer;
let fromSource: nunjucks.Environment;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mset-console-templates-'));
  await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(MANIFEST));
  await buildConsoleTemplates(join(dir, TEMPLATES_FILE));
  compiled = renderer({ templates: join(dir, TEMPLATES_FILE), assets: dir });
  // What render.ts did before the templates were compiled at build: a file loader over the views and GOV.UK's.
  fromSource = new nunjucks.Environment(new nunjucks.FileSystemLoader([VIEWS, dirname(govukTemplatesDir())]), COMPILE_OPTIONS);
  withConsoleHelpers(fromSource, compiled.assetPath);
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const CONTEXT = {
  title: 'Alerts received',
  cspNonce: 'nonce',
  idleSeconds: 1800,
  localHub: true,
  // Markup in a value: both must escape it (autoescape is a compile option as well as a render one).
  person: { name: 'Test <script>Officer</script>', areaName: 'Northumberland', roles: 'Police' },
  navigation: [{ href: '/alerts', text: 'Alerts received', active: true, current: true }],
  csrfToken: 'token',
  paragraphs: ['One paragraph.'],
  rows: [],
  statuses: [{ value: 'ALL', text: 'All' }],
  errors: [],
};

function outcome(render: () => string): { html?: string; error?: string } {
  try {
    return { html: render() };
  } catch (error) {
    return { error: error instanceof Error ? error.message.replace(/\s+/g, ' ').slice(0, 200) : String(error) };
  }
}

describe('compiled templates', () => {
  it('render every view as nunjucks does from source', async () => {
    const views = (await readdir(VIEWS)).filter((file) => file.endsWith('.njk') && file !== 'layout.njk');
    expect(views.length).toBeGreaterThan(20);
    let rendered = 0;
    const failed: string[] = [];
    for (const file of views) {
      const view = file.slice(0, -'.njk'.length);
      const ours = outcome(() => compiled.render(view, CONTEXT));
      const theirs = outcome(() => fromSource.render(file, CONTEXT));
      expect(ours.html, view).toBe(theirs.html);
      expect(ours.error === undefined, `${view}: ${ours.error} / ${theirs.error}`).toBe(theirs.error === undefined);
      if (ours.html !== undefined) rendered += 1;
      else failed.push(view);
    }
    // Most views render with this context; these fail in both for a field only their page gives.
    expect(failed.sort()).toEqual(EXPECTED_TO_FAIL);
    expect(rendered).toBe(views.length - EXPECTED_TO_FAIL.length);
  });

  it('escape what a value holds', () => {
    const html = compiled.render('alerts', CONTEXT);
    expect(html).toContain('Test &lt;script&gt;Officer&lt;/script&gt;');
    expect(html).not.toContain('<script>Officer');
  });

  it('give two hubs starting at once on an empty cache the same module, whole', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'mset-console-template-cache-'));
    try {
      const [first, second] = await Promise.all([ensureConsoleTemplates(cache), ensureConsoleTemplates(cache)]);
      expect(second).toBe(first);
      const ready = renderer({ templates: first, assets: dir });
      expect(ready.render('alerts', CONTEXT)).toContain('govuk-template');
      // Nothing half-written is left beside it.
      expect((await readdir(dirname(first))).filter((name) => name.includes('partial'))).toEqual([]);
    } finally {
      await rm(cache, { recursive: true, force: true });
    }
  });
});
