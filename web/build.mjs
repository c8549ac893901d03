#!/usr/bin/env node
// Builds the web console into web/dist: each page's TypeScript entry bundled
// by esbuild (one file per page, no inline script: the CSP allows 'self'
// only), the HTML and CSS copied beside them. `npm install` runs it
// (package.json "prepare"); the seat server serves web/dist (src/seats/web.ts).
//   node web/build.mjs            build once
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
export const DIST = join(here, 'dist');
/** One bundle per page. */
const PAGES = ['login', 'agent', 'supervisor', 'recordings', 'admin', 'reports', 'cases'];

export async function buildConsole({ outdir = DIST, minify = true } = {}) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await esbuild.build({
    // The browser phone's AudioWorklet module: a file of its own, loaded from 'self' (CSP).
    entryPoints: [...PAGES.map((p) => join(here, 'src', `${p}.ts`)), join(here, 'src', 'worklets', 'voice-worklets.ts')],
    outdir,
    bundle: true,
    format: 'esm',
    // Chromium of Debian 12 and the browsers of the bureau's PCs: ES2020 is safe.
    target: ['es2020'],
    minify,
    sourcemap: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  cpSync(join(here, 'static'), outdir, { recursive: true });
  return outdir;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const out = await buildConsole();
    process.stdout.write(`web console built into ${out}\n`);
  } catch (e) {
    process.stderr.write(`web console build failed: ${e?.message ?? e}\n`);
    process.exitCode = 1;
  }
}
