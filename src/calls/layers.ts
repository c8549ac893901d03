// Finds the board and case-store implementations. They are written alongside
// this layer; until their entry points exist this loads them by path so the
// call core compiles without them, and says clearly what is missing.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Board, BoardProfile, OpenOptions } from '../board/types.ts';
import type { CaseStore, OpenCaseStoreOptions } from '../cases/types.ts';
import { CallError } from './errors.ts';

const src = join(dirname(fileURLToPath(import.meta.url)), '..');

type OpenBoard = (profile: string | BoardProfile, options?: OpenOptions) => Board | Promise<Board>;
type OpenStore = (options?: OpenCaseStoreOptions) => CaseStore | Promise<CaseStore>;

async function findExport<T>(candidates: string[], name: string): Promise<T | null> {
  for (const rel of candidates) {
    const file = join(src, rel);
    if (!existsSync(file)) continue;
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    if (typeof mod[name] === 'function') return mod[name] as T;
  }
  return null;
}

export async function loadOpenBoard(): Promise<OpenBoard> {
  const f = await findExport<OpenBoard>(['board/index.ts', 'board/board.ts'], 'openBoard');
  if (!f) throw new CallError('CALL_BAD_OPTION', 'the board layer (src/board/board.ts, openBoard) is not built yet: the engine cannot start');
  return f;
}

export async function loadOpenCaseStore(): Promise<OpenStore> {
  const f = await findExport<OpenStore>(['cases/index.ts', 'cases/store.ts'], 'openCaseStore');
  if (!f) throw new CallError('CALL_BAD_OPTION', 'the case store (src/cases, openCaseStore) is not built yet: the engine cannot start');
  return f;
}

export async function layersAvailable(): Promise<{ board: boolean; cases: boolean }> {
  const b = await findExport(['board/index.ts', 'board/board.ts'], 'openBoard').catch(() => null);
  const c = await findExport(['cases/index.ts', 'cases/store.ts'], 'openCaseStore').catch(() => null);
  return { board: Boolean(b), cases: Boolean(c) };
}
