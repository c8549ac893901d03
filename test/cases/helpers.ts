// Shared fixtures for the case-store tests: a real LMDB store in a fresh
// temporary folder with a clock the test moves, removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCaseStore, type LmdbCaseStore } from '../../src/cases/index.ts';
import type { CreateCaseInput, OpenCaseStoreOptions } from '../../src/cases/types.ts';

export interface Fixture {
  dir: string;
  store: LmdbCaseStore;
  clock: { now: number };
  done(): Promise<void>;
}

/** Beijing local time → epoch ms. */
export const bj = (y: number, mo: number, d: number, h = 10, mi = 0): number => Date.UTC(y, mo - 1, d, h - 8, mi);

export async function fixture(start = bj(2026, 3, 2), extra: Partial<OpenCaseStoreOptions> = {}): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-cases-test-'));
  const clock = { now: start };
  let store: LmdbCaseStore;
  try {
    store = await openCaseStore({ ...extra, dir, config: { ...extra.config, now: () => clock.now } });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    dir,
    store,
    clock,
    async done() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function complaint(over: Partial<CreateCaseInput> = {}): CreateCaseInput {
  return {
    kind: 'complaint',
    channel: 'hotline',
    callerNumber: '13800138000',
    complainant: { name: '张三', phone: '13800138000', address: '北京市朝阳区幸福路1号' },
    business: { name: '朝阳超市', address: '北京市朝阳区商业街2号' },
    request: '退货退款',
    facts: '在朝阳超市购买的牛奶已过期，商家拒绝退款。',
    categoryId: 'goods.food',
    ...over,
  };
}
