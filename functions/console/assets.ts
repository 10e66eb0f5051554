/**
 * The console's static assets: GOV.UK Frontend's Sass compiled once with the hub's own settings (a system
 * font stack, no GDS Transport, no crown), its JavaScript, and the console's own small modules, each written
 * under a name that carries a hash of its content so that browsers may cache it for a year. Built by
 * `npm run build:console` (and by the local hub at start, cached by input), and into every console Lambda
 * bundle by the CDK stack; never at request time.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AssetManifest, MANIFEST_FILE } from './render.js';

const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));
const require = createRequire(import.meta.url);

function fingerprinted(name: string, content: string | Buffer): string {
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 12);
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}-${hash}${name.slice(dot)}`;
}

async function sources(): Promise<{ scss: string; frontendJs: string; files: Record<string, string> }> {
  const frontendJs = require.resolve('govuk-frontend/dist/govuk/govuk-frontend.min.js');
  const files: Record<string, string> = {};
  for (const name of ['console.mjs', 'timeout-warning.mjs', 'favicon.svg']) files[name] = await readFile(join(STATIC_DIR, name), 'utf8');
  return { scss: join(STATIC_DIR, 'application.scss'), frontendJs, files };
}

/** A hash of everything that goes into the assets, so a build can be reused until one of them changes. */
export async function assetInputsHash(): Promise<string> {
  const { scss, frontendJs, files } = await sources();
  const hash = createHash('sha256');
  hash.update(await readFile(scss));
  hash.update(await readFile(frontendJs));
  hash.update(await readFile(join(dirname(frontendJs), '..', '..', 'package.json')));
  for (const [name, content] of Object.entries(files)) hash.update(name).update(content);
  return hash.digest('hex').slice(0, 16);
}

/** Builds every asset into `outDir` (replacing what was there) and returns the manifest it wrote. */
export async function buildConsoleAssets(outDir: string): Promise<AssetManifest> {
  const sass = await import('sass');
  const { scss, frontendJs, files } = await sources();
  // Its own name: two hubs started at once (in one process or two) each build, and neither's half is the other's.
  const staging = `${outDir}.${process.pid}.${randomUUID()}.tmp`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const manifest: Record<string, string> = {};
  const write = async (name: string, content: string | Buffer) => {
    const served = fingerprinted(name, content);
    manifest[name] = served;
    await writeFile(join(staging, served), content);
  };

  const css = await sass.compileAsync(scss, { importers: [new sass.NodePackageImporter()], style: 'compressed', quietDeps: true });
  await write('application.css', css.css);
  // The map names a file that is not served.
  await write('govuk-frontend.min.js', (await readFile(frontendJs, 'utf8')).replace(/\n?\/\/# sourceMappingURL=.*$/m, ''));
  await write('timeout-warning.mjs', files['timeout-warning.mjs'] as string);
  await write('favicon.svg', files['favicon.svg'] as string);
  // Imports name the fingerprinted files, so a cached entry module never loads a stale dependency.
  const entry = (files['console.mjs'] as string)
    .replace("'./govuk-frontend.min.js'", `'./${manifest['govuk-frontend.min.js']}'`)
    .replace("'./timeout-warning.mjs'", `'./${manifest['timeout-warning.mjs']}'`);
  await write('console.mjs', entry);
  await writeFile(join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);

  await rm(outDir, { recursive: true, force: true });
  await mkdir(dirname(outDir), { recursive: true });
  await rename(staging, outDir);
  return manifest;
}

/**
 * The built assets for this checkout, under `cacheDir/<inputs hash>`: built on first use, then reused, so
 * every hub a test suite starts shares one build.
 */
export async function ensureConsoleAssets(cacheDir: string): Promise<string> {
  const dir = join(cacheDir, await assetInputsHash());
  // Hubs started together in one process share one build rather than replace each other's folder.
  let built = assetBuilds.get(dir);
  if (built === undefined) {
    built = readFile(join(dir, MANIFEST_FILE)).then(
      () => undefined,
      async () => {
        const own = `${dir}.${process.pid}.${randomUUID()}.built`;
        await buildConsoleAssets(own);
        // A hub in another process may have put the same build there first, and may be serving from it: it
        // stays, and this one goes.
        await rename(own, dir).catch(async (error: unknown) => {
          const code = (error as NodeJS.ErrnoException).code;
          if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
          await rm(own, { recursive: true, force: true });
        });
      },
    );
    assetBuilds.set(dir, built);
    built.catch(() => assetBuilds.delete(dir));
  }
  await built;
  return dir;
}

const assetBuilds = new Map<string, Promise<void>>();
