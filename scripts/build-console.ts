/**
 * The console's files, built outside any request: its compiled assets (functions/console/assets.ts), and for
 * a Lambda bundle, everything the console function reads from disk beside its `index.mjs`:
 *
 *   console/templates.cjs  its views and GOV.UK Frontend's templates, compiled (functions/console/templates.ts)
 *   console/assets         the fingerprinted assets and their manifest.json
 *
 * which is the layout functions/shared/lambda-environment.ts expects under LAMBDA_TASK_ROOT.
 *
 *   node --import tsx scripts/build-console.ts <outDir>              the assets only (`npm run build:console`)
 *   node --import tsx scripts/build-console.ts --bundle <bundleDir>  the whole layout above, into a bundle
 *
 * The console's build (scripts/bundle.ts buildConsoleFunction, which the CDK stack runs from the console
 * function's afterBundling hook, infra/console.ts) calls buildConsoleBundleFiles() after writing its code.
 */
import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildConsoleAssets } from '../functions/console/assets.js';
import { buildConsoleTemplates, TEMPLATES_FILE } from '../functions/console/templates.js';

/** The folder, beside a bundle's `index.mjs`, that holds the console's files. */
export const CONSOLE_FILES_DIR = 'console';

/** Where each kind of file lands inside CONSOLE_FILES_DIR (ConsoleFiles in functions/console/render.ts). */
export const CONSOLE_FILE_NAMES = { templates: TEMPLATES_FILE, assets: 'assets' } as const;

export type ConsoleBundleFiles = { readonly templates: string; readonly assets: string };

/** Lays out `<bundleDir>/console/{templates.cjs,assets}`, replacing what was there. */
export async function buildConsoleBundleFiles(bundleDir: string): Promise<ConsoleBundleFiles> {
  const root = join(resolve(bundleDir), CONSOLE_FILES_DIR);
  await rm(root, { recursive: true, force: true });
  const templates = join(root, CONSOLE_FILE_NAMES.templates);
  const assets = join(root, CONSOLE_FILE_NAMES.assets);
  await buildConsoleTemplates(templates);
  await buildConsoleAssets(assets);
  return { templates, assets };
}

async function main(args: readonly string[]): Promise<void> {
  const [first, second] = args;
  if (first === '--bundle' && second !== undefined) {
    const files = await buildConsoleBundleFiles(second);
    process.stdout.write(`console files (compiled templates, assets) written under ${dirname(files.templates)}\n`);
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
