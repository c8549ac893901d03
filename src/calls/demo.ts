// Scripts of simulated callers for `hotline start --demo-callers N`, the
// traffic test and the benchmark: each walks one branch of the 12315 flow the
// way a person would: listen until the prompt ends, key, speak, hang up.
import type { PromptSet } from '../ivr/prompts.ts';
import { SimCaller } from './sim-caller.ts';

export type Scenario = 'complaint' | 'query' | 'mailbox' | 'consult' | 'survey' | 'hangup_early';
export const SCENARIOS: Scenario[] = ['complaint', 'query', 'mailbox', 'consult', 'survey', 'hangup_early'];

export interface DemoContext {
  prompts: PromptSet;
  /** Case numbers a query caller may ask about (e.g. from earlier calls). */
  knownCases: () => string[];
  /** 0 ≤ x < 1, seeded in tests. */
  random: () => number;
}

/** Runs one scripted call; returns false if the IVR did not answer. Always leaves the line idle. */
export async function runScenario(c: SimCaller, s: Scenario, ctx: DemoContext): Promise<boolean> {
  if (!(await c.dial())) {
    await c.hangup();
    return false;
  }
  try {
    await script(c, s, ctx);
  } finally {
    await c.hangup();
  }
  return true;
}

async function step(c: SimCaller, keys: string): Promise<boolean> {
  if (!c.connected) return false;
  await c.press(keys);
  const h = await c.hear();
  return !h.hungUp;
}

async function script(c: SimCaller, s: Scenario, ctx: DemoContext): Promise<void> {
  if ((await c.hear()).hungUp) return;
  const speech = ctx.prompts.file('zh', s === 'mailbox' ? 'caller_mailbox' : 'caller_complaint');
  switch (s) {
    case 'complaint':
      if (!(await step(c, '2'))) return;
      if (!(await step(c, ctx.random() < 0.8 ? '1' : '2'))) return;
      await c.speak(speech);
      await step(c, '#');
      return;
    case 'query': {
      const known = ctx.knownCases();
      const number = known.length ? known[Math.floor(ctx.random() * known.length)] : '20260101000010';
      if (!(await step(c, '3'))) return;
      await step(c, `${number}#`);
      return;
    }
    case 'mailbox':
      if (!(await step(c, '1'))) return;
      await c.speak(speech);
      if (!(await step(c, '#'))) return;
      if (!(await step(c, '3'))) return;
      if (!(await step(c, '13800138000#'))) return;
      await step(c, '1');
      return;
    case 'consult':
      if (!(await step(c, '4'))) return;
      await step(c, String(1 + Math.floor(ctx.random() * 3)));
      return;
    case 'survey':
      if (!(await step(c, '5'))) return;
      if (!(await step(c, '1'))) return;
      await step(c, '2');
      return;
    case 'hangup_early':
      await step(c, String(1 + Math.floor(ctx.random() * 5)));
      return;
  }
}
