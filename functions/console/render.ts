/**
 * Server-side rendering with GOV.UK Frontend's own Nunjucks macros, so the markup is the Design System's
 * and follows its releases. Templates are read from disk (the views here, and govuk-frontend's), which the
 * CDK stack copies beside the console's bundle.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nunjucks from 'nunjucks';
import { type AssetManifest, MANIFEST_FILE } from './assets.js';

/** Where the console's files are: its views, GOV.UK Frontend's `dist` folder, and the built assets. */
export type ConsoleFiles = { readonly views: string; readonly frontend: string; readonly assets: string };

export type Renderer = {
  render(view: string, context: Record<string, unknown>): string;
  /** The fingerprinted file name an asset is served under, or undefined if there is no such asset. */
  readonly served: ReadonlyMap<string, string>;
  assetPath(name: string): string;
};

export function renderer(files: ConsoleFiles): Renderer {
  const manifest = JSON.parse(readFileSync(join(files.assets, MANIFEST_FILE), 'utf8')) as AssetManifest;
  const served = new Map(Object.values(manifest).map((name) => [name, join(files.assets, name)]));
  const assetPath = (name: string) => {
    const file = manifest[name];
    if (file === undefined) throw new Error(`No asset named ${name}`);
    return `/assets/${file}`;
  };
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader([files.views, files.frontend]), {
    autoescape: true,
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
  });
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
  return {
    render: (view, context) => env.render(`${view}.njk`, context),
    served,
    assetPath,
  };
}
