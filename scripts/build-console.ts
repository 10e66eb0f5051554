/**
 * The console's files, built outside any request: its compiled assets (functions/console/assets.ts), and for
 * a Lambda bundle, everything the console function reads from disk beside its `index.mjs`:
 *
 *   console/views      a copy of functions/console/views (our Nunjucks views)
 *   console/frontend   govuk-frontend's `dist/govuk` templates and macros (the `.njk` files only, in their
 *                      folders, since they include each other by relative path), as `frontend/govuk/...`
 *   console/assets     the fingerprinted assets and their manifest.json
 *
 * which is the layout functions/shared/lambda-environment.ts expects under LAMBDA_TASK_ROOT.
 *
 *   node --import tsx scripts/build-console.ts <outDir>              the assets only (`npm run build:console`)
 *   node --import tsx scripts/build-console.ts --bundle <bundleDir>  the whole layout above, into a bundle
 *
 * The CDK stack runs the second from the console function's afterBundling hook (infra/console.ts), and
 * scripts/bundle.ts calls buildConsoleBundleFiles() for its own bundles.
 */
import { cp, mkdir, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildConsoleAssets } from '../functions/console/assets.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VIEWS_DIR = join(ROOT, 'functions', 'console', 'views');

/** The folder, beside a bundle's `index.mjs`, that holds the console's files. */
export const CONSOLE_FILES_DIR = 'console';

/** Where each kind of file lands inside CONSOLE_FILES_DIR (ConsoleFiles in functions/console/render.ts). */
export const CONSOLE_FILE_FOLDERS = { views: 'views', frontend: 'frontend', assets: 'assets' } as const;

/** govuk-frontend's `dist/govuk` folder in this checkout (its `package.json` is the one export every version keeps). */
export function govukTemplatesDir(): string {
  const packageJson = createRequire(import.meta.url).resolve('govuk-frontend/package.json');
  return join(dirname(packageJson), 'dist', 'govuk');
}

/** Copies every `.njk` file under `from` to the same relative path under `to`; returns how many. */
async function copyTemplates(from: string, to: string): Promise<number> {
  const entries = await readdir(from, { recursive: true, withFileTypes: true });
  const templates = entries.filter((entry) => entry.isFile() && entry.name.endsWith('.njk'));
  for (const entry of templates) {
    const source = join(entry.parentPath, entry.name);
    const target = join(to, relative(from, source));
    await mkdir(dirname(target), { recursive: true });
    await cp(source, target);
  }
  return templates.length;
}

export type ConsoleBundleFiles = { readonly views: string; readonly frontend: string; readonly assets: string; readonly templates: number };

/** Lays out `<bundleDir>/console/{views,frontend/govuk,assets}`, replacing what was there. */
export async function buildConsoleBundleFiles(bundleDir: string): Promise<ConsoleBundleFiles> {
  const root = join(resolve(bundleDir), CONSOLE_FILES_DIR);
  await rm(root, { recursive: true, force: true });
  const views = join(root, CONSOLE_FILE_FOLDERS.views);
  const frontend = join(root, CONSOLE_FILE_FOLDERS.frontend);
  const assets = join(root, CONSOLE_FILE_FOLDERS.assets);
  const ours = await copyTemplates(VIEWS_DIR, views);
  const theirs = await copyTemplates(govukTemplatesDir(), join(frontend, 'govuk'));
  await buildConsoleAssets(assets);
  return { views, frontend, assets, templates: ours + theirs };
}

async function main(args: readonly string[]): Promise<void> {
  const [first, second] = args;
  if (first === '--bundle' && second !== undefined) {
    const files = await buildConsoleBundleFiles(second);
    process.stdout.write(`console files (${files.templates} templates, assets) written under ${dirname(files.views)}\n`);
    return;
  }
  if (first !== undefined && !first.startsWith('-') && second === undefined) {
    const manifest = await buildConsoleAssets(resolve(first));
    process.stdout.write(`${Object.keys(manifest).length} console assets written to ${first}\n`);
    return;
  }
  throw new Error('Usage: build-console.ts <outDir> | build-console.ts --bundle <bundleDir>');
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
