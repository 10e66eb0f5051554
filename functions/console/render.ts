/**
 * Server-side rendering with GOV.UK Frontend's own Nunjucks macros, so the markup is the Design System's
 * and follows its releases. The templates (the views here, and govuk-frontend's) are compiled to JavaScript
 * before the function starts (templates.ts: by the CDK stack into the console's files, by the local hub at
 * start), so a request runs nunjucks' runtime alone (its environment module; the Lambda bundle leaves out the
 * lexer, parser and compiler that module requires, scripts/bundle.ts NUNJUCKS_RUNTIME_ONLY): a cold start
 * neither carries them nor compiles the Design System's macros from source for its first page.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, posix } from 'node:path';
import { type CompiledLoader, Environment } from 'nunjucks/src/environment.js';

/**
 * Logical name to the fingerprinted name it is served under (assets.ts writes it). Here, not in assets.ts,
 * so that the function does not reach that module and the Sass compiler it imports.
 */
export type AssetManifest = Readonly<Record<string, string>>;

export const MANIFEST_FILE = 'manifest.json';

/** Where the console's files are: its compiled templates (a module, templates.ts) and the built assets. */
export type ConsoleFiles = { readonly templates: string; readonly assets: string };

/** The options nunjucks' compiler reads (the rest of an environment's options apply when rendering). */
export const COMPILE_OPTIONS = { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true } as const;

/** The folder GOV.UK Frontend's macros import each other under: `govuk/components/button/macro.njk`. */
export const GOVUK_PREFIX = 'govuk/';

/** What a compiled template is: what nunjucks' precompiled templates hold (a root and its blocks). */
type CompiledTemplates = Readonly<Record<string, () => object>>;

export type Renderer = {
  render(view: string, context: Record<string, unknown>): string;
  /** The fingerprinted file name an asset is served under, or undefined if there is no such asset. */
  readonly served: ReadonlyMap<string, string>;
  assetPath(name: string): string;
};

/** A name a template includes or imports, as the loader finds it: `./` and `../` are relative to the template's own. */
export function resolveTemplateName(from: string, name: string): string {
  return name.startsWith('./') || name.startsWith('../') ? posix.join(posix.dirname(from), name) : name;
}

/**
 * Finds a compiled template by name. A template's own includes and imports that start with `./` or `../`
 * (GOV.UK's macros include `./template.njk`) are relative to its name, as they were to its file.
 */
function compiledLoader(compiled: CompiledTemplates): CompiledLoader {
  return {
    getSource: (name: string) => {
      const template = Object.hasOwn(compiled, name) ? compiled[name] : undefined;
      return template === undefined ? null : { src: { type: 'code', obj: template() }, path: name, noCache: false };
    },
    isRelative: (name: string) => name.startsWith('./') || name.startsWith('../'),
    resolve: resolveTemplateName,
  };
}

/** The global and filters every view may use; any nunjucks environment (the runtime's, or a compiling one). */
export function withConsoleHelpers(
  env: { addGlobal(name: string, value: unknown): unknown; addFilter(name: string, filter: (...args: never[]) => unknown): unknown },
  assetPath: (name: string) => string,
): void {
  env.addGlobal('asset', assetPath);
  type Item = { value: string; text: string };
  const chosen = (values: unknown) => new Set((Array.isArray(values) ? values : values === undefined ? [] : [values]).map(String));
  // GOV.UK's select, radios and checkboxes take `selected` or `checked` on each item.
  env.addFilter('selectItems', (items: Item[], value: unknown) =>
    items.map((item) => ({ ...item, selected: chosen(value).has(item.value) })),
  );
  env.addFilter('checkedItems', (items: Item[], values: unknown) =>
    items.map((item) => ({ ...item, checked: chosen(values).has(item.value) })),
  );
  env.addFilter('sentence', (text: unknown) => {
    const value = String(text ?? '');
    return value.charAt(0).toUpperCase() + value.slice(1);
  });
}

export function renderer(files: ConsoleFiles): Renderer {
  const manifest = JSON.parse(readFileSync(join(files.assets, MANIFEST_FILE), 'utf8')) as AssetManifest;
  const served = new Map(Object.values(manifest).map((name) => [name, join(files.assets, name)]));
  const assetPath = (name: string) => {
    const file = manifest[name];
    if (file === undefined) throw new Error(`No asset named ${name}`);
    return `/assets/${file}`;
  };
  // CommonJS, so a synchronous require() loads it, in the Lambda bundle and under tsx alike.
  const compiled = createRequire(import.meta.url)(files.templates) as CompiledTemplates;
  const env = new Environment(compiledLoader(compiled), COMPILE_OPTIONS);
  withConsoleHelpers(env, assetPath);
  return {
    render: (view, context) => env.render(`${view}.njk`, context),
    served,
    assetPath,
  };
}
