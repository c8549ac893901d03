// Shared by the flow-check tests: variants of the default 12315 flow written
// to a temporary folder, and the refusal loadFlow gives one.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { DEFAULT_FLOW_FILE, loadFlow } from '../../src/ivr/flow.ts';
import type { PromptSet } from '../../src/ivr/prompts.ts';

export const base = parse(readFileSync(DEFAULT_FLOW_FILE, 'utf8'));

export function flowVariants(prompts: PromptSet) {
  const dir = mkdtempSync(join(tmpdir(), 'hl-flow-'));
  return {
    dir,
    /** The default flow, edited, written as YAML (or JSON). */
    variant(name: string, edit: (doc: any) => void, ext = 'yaml'): string {
      const doc = structuredClone(base);
      edit(doc);
      const file = join(dir, `${name}.${ext}`);
      writeFileSync(file, ext === 'json' ? JSON.stringify(doc) : stringify(doc));
      return file;
    },
    /** The error loadFlow throws for `file`; fails the test if it loads. */
    refusal(file: string): { code: string; message: string; info: any } {
      try {
        loadFlow(file, prompts);
      } catch (e) {
        return e as { code: string; message: string; info: any };
      }
      throw new Error(`flow ${file} was accepted but should have been refused`);
    },
  };
}
