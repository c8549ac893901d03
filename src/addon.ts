// Loads the native addon (build/Release or prebuilds/) once. Each layer keeps a
// typed view of the functions it uses (e.g. src/board/native.ts) and casts
// `addon` to it; the native error table arrives as `addon.errors`.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineErrors } from './errors.ts';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface NativeErrorRow {
  errno: number;
  code: string;
  message: string;
}

export interface AddonBase {
  errors: NativeErrorRow[];
  parts: string[];
}

const load = require('node-gyp-build') as (dir: string) => unknown;
export const addon = load(root) as AddonBase & Record<string, unknown>;

/** The native error table (native/include/hl_errors.def) as the `native`
 * layer's catalog: its HL_* codes and sentences come only from the .def. */
export const NATIVE_ERRORS = defineErrors('native', Object.fromEntries(addon.errors.map((r) => [r.code, r.message])) as Record<string, string>);
