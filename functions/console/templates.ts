/**
 * The console's Nunjucks templates (its views and GOV.UK Frontend's), compiled to JavaScript outside any
 * request, so that a cold start renders its first page without lexing, parsing and compiling the Design
 * System's macros from source (about 100 ms of a first page). Written as one CommonJS module, a function
 * per template that returns what nunjucks' compiler made of it: only the templates a page uses are run, the
 * rest are only read. render.ts loads the module with nunjucks' runtime alone.
 *
 * Built into every console Lambda bundle by the CDK stack (scripts/build-console.ts), and by the local hub
 * at start, cached by input like the assets (assets.ts); never at request time. Nunjucks' compiler is
 * imported here only, so it stays out of the Lambda bundle.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import nunjucks from 'nunjucks';
import { COMPILE_OPTIONS, GOVUK_PREFIX, resolveTemplateName } from './render.js';

const VIEWS_DIR = fileURLToPath(new URL('./views/', import.meta.url));
const require = createRequire(import.meta.url);

/** The compiled templates' file name, in the console's files and in the local hub's cache. */
export const TEMPLATES_FILE = 'templates.cjs';

/** govuk-frontend's `dist/govuk` folder in this checkout (its `package.json` is the one export every version keeps). */
export function govukTemplatesDir(): string {
  return join(dirname(require.resolve('govuk-frontend/package.json')), 'dist', 'govuk');
}

/** Every `.njk` file under `dir`, by the name a template includes it by (`prefix` + its path, with `/`). */
async function templatesUnder(dir: string, prefix: string): Promise<Array<{ name: string; source: string }>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.njk'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  return Promise.all(
    files.map(async (file) => ({ name: prefix + relative(dir, file).split(sep).join('/'), source: await readFile(file, 'utf8') })),
  );
}

/** Our views by their own names (`alerts.njk`), GOV.UK Frontend's as its macros import them (`govuk/...`). */
async function templateSources(): Promise<Array<{ name: string; source: string }>> {
  return [...(await templatesUnder(VIEWS_DIR, '')), ...(await templatesUnder(govukTemplatesDir(), GOVUK_PREFIX))];
}

/**
 * The module's source: `module.exports = { "<name>": function () { <compiled code> }, ... }`. Each function
 * returns the compiled template's root and blocks, as nunjucks' own precompiled templates do; a function, not
 * its result, so that loading the module compiles none of them. Only our views and the GOV.UK templates they
 * reach (by the literal names their compiled code asks for) are kept: the Design System's other components
 * would only be read at every cold start.
 */
export async function compileConsoleTemplates(): Promise<string> {
  // The compiler reads trimBlocks and lstripBlocks from an environment's options; the rest apply at render.
  const env = new nunjucks.Environment([], COMPILE_OPTIONS);
  // The wrapper is handed a list of compiled templates (@types/nunjucks says one): here, always one.
  const wrapper = (templates: unknown) => (templates as Array<{ template: string }>)[0]?.template ?? '';
  const compiled = new Map(
    (await templateSources()).map(({ name, source }) => [name, nunjucks.precompileString(source, { name, env, wrapper })]),
  );
  const reached = new Set([...compiled.keys()].filter((name) => !name.startsWith(GOVUK_PREFIX)));
  const pending = [...reached];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    const code = compiled.get(name) ?? '';
    // A name computed at render time could be any template: keep none out rather than miss one.
    if (/env\.getTemplate\((?!")/.test(code)) return compiledModule(compiled);
    for (const [, asked] of code.matchAll(/env\.getTemplate\("((?:[^"\\]|\\.)*)"/g)) {
      const target = resolveTemplateName(name, JSON.parse(`"${asked}"`) as string);
      if (!compiled.has(target)) throw new Error(`${name} asks for ${target}, which is not a template`);
      if (reached.has(target)) continue;
      reached.add(target);
      pending.push(target);
    }
  }
  return compiledModule(new Map([...compiled].filter(([name]) => reached.has(name))));
}

async function compiledModule(compiled: ReadonlyMap<string, string>): Promise<string> {
  const entries = [...compiled.keys()].sort().map((name) => `${JSON.stringify(name)}: function () {\n${compiled.get(name)}\n}`);
  const source = `'use strict';\nmodule.exports = {\n${entries.join(',\n')}\n};\n`;
  // Minified (names inside each function, whitespace): a third smaller, so a cold start reads less.
  const { code } = await transform(source, { minify: true, format: 'cjs', platform: 'node', target: 'node24', legalComments: 'none' });
  return `// Compiled by functions/console/templates.ts from the console's views and GOV.UK Frontend's templates.\n${code}`;
}

/** Writes the compiled templates to `file` (replacing it whole, so a reader never sees half of one). */
export async function buildConsoleTemplates(file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  // Its own name: two hubs started at once (in one process or two) each write one, and rename it whole.
  const partial = `${file}.${process.pid}.${randomUUID()}.partial`;
  await writeFile(partial, await compileConsoleTemplates());
  await rename(partial, file);
}

/** What the compiled module depends on: every template's name and text, the compiler's version and options, and this module. */
async function templateInputsHash(): Promise<string> {
  const hash = createHash('sha256')
    .update(String(require('nunjucks/package.json').version))
    .update(JSON.stringify(COMPILE_OPTIONS))
    .update(await readFile(fileURLToPath(import.meta.url)))
    // render.ts resolves the names a template asks for, which decides the templates kept.
    .update(await readFile(fileURLToPath(new URL('./render.ts', import.meta.url))));
  for (const { name, source } of await templateSources()) hash.update(`\0${name}\0${source}`);
  return hash.digest('hex').slice(0, 16);
}

/** The local hub's compiled templates: built into `cacheDir` once per set of inputs; returns the module's path. */
export async function ensureConsoleTemplates(cacheDir: string): Promise<string> {
  const file = join(cacheDir, await templateInputsHash(), TEMPLATES_FILE);
  // Hubs started together in one process share one build (those in two each write theirs whole).
  let built = templateBuilds.get(file);
  if (built === undefined) {
    built = stat(file).then(
      () => undefined,
      () => buildConsoleTemplates(file),
    );
    templateBuilds.set(file, built);
    built.catch(() => templateBuilds.delete(file));
  }
  await built;
  return file;
}

const templateBuilds = new Map<string, Promise<void>>();
