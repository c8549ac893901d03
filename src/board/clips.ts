// Prompt files and audio buffers turned into native clips, cached: a file by
// path while its mtime, size and gain are unchanged (most recently used kept,
// at most FILE_CACHE_MAX), a buffer by identity while it lives.
import { readFileSync, statSync } from 'node:fs';
import { boardError } from './errors.ts';
import { nativeClipClass, type NativeClip } from './native.ts';

const FILE_CACHE_MAX = 1024;
const fileCache = new Map<string, { mtimeMs: number; size: number; gainDb: number; clip: NativeClip }>();
const bufferCache = new WeakMap<object, { format: number; bytes: number; gainDb: number; clip: NativeClip }>();

export function fileClip(file: string, gainDb: number): NativeClip {
  let st;
  try {
    st = statSync(file);
  } catch {
    throw boardError('BOARD_FILE_NOT_FOUND', file, { file });
  }
  if (!st.isFile()) throw boardError('BOARD_FILE_NOT_FOUND', `${file} is not a file`, { file });
  const hit = fileCache.get(file);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size && hit.gainDb === gainDb) {
    fileCache.delete(file); // most recently used goes last
    fileCache.set(file, hit);
    return hit.clip;
  }
  let clip: NativeClip;
  try {
    clip = new (nativeClipClass())({ wav: readFileSync(file) }, gainDb);
  } catch (e) {
    throw boardError('BOARD_FILE_FORMAT', `${file}: ${(e as Error).message}`, { file, native: (e as { code?: string }).code });
  }
  fileCache.set(file, { mtimeMs: st.mtimeMs, size: st.size, gainDb, clip });
  if (fileCache.size > FILE_CACHE_MAX) fileCache.delete(fileCache.keys().next().value!);
  return clip;
}

export function bufferClip(data: Uint8Array | Int16Array, format: number, gainDb: number): NativeClip {
  const hit = bufferCache.get(data);
  if (hit && hit.format === format && hit.bytes === data.byteLength && hit.gainDb === gainDb) return hit.clip;
  let clip: NativeClip;
  try {
    clip = new (nativeClipClass())({ data, format }, gainDb);
  } catch (e) {
    throw boardError('BOARD_ARG', `audio buffer: ${(e as Error).message}`);
  }
  bufferCache.set(data, { format, bytes: data.byteLength, gainDb, clip });
  return clip;
}

