// The case store: open the embedded LMDB implementation of CaseStore.
//   const store = await openCaseStore({ dir: './data' });
import { checkSchema } from './maintenance.ts';
import { LmdbCaseStore } from './store.ts';
import type { OpenCaseStoreOptions } from './types.ts';

export async function openCaseStore(opts: OpenCaseStoreOptions = {}): Promise<LmdbCaseStore> {
  const s = new LmdbCaseStore(opts);
  try {
    checkSchema(s, opts.readOnly === true);
  } catch (e) {
    await s.env.close();
    throw e;
  }
  return s;
}

export { LmdbCaseStore, SCHEMA_VERSION, KIND_LABEL } from './store.ts';
export { verifyStore, rebuildDerived, type VerifyResult } from './maintenance.ts';
export { validateCaseNumber, formatCaseNumber, checkDigit } from './number.ts';
export { BureauCalendar } from './calendar.ts';
export { DEFAULT_DEADLINES, DEFAULT_CATEGORIES } from './config.ts';
export { CaseErrors } from './errors.ts';
export type * from './types.ts';
