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

/** Keys, then listens to the answer (`expect`: the prompts a caller who knows the menu waits through). */
async function step(c: SimCaller, keys: string, expect: string[]): Promise<boolean> {
  if (!c.connected) return false;
  await c.press(keys);
  const h = await c.hear({ expect });
  return !h.hungUp;
}

const NUMBER_READ = ['case_number_is', ...Array(14).fill('digit_5'), 'repeat_once', ...Array(14).fill('digit_5'), 'goodbye'];

async function script(c: SimCaller, s: Scenario, ctx: DemoContext): Promise<void> {
  if ((await c.hear({ expect: ['welcome', 'main_menu', 'lang_offer'] })).hungUp) return;
  const speech = ctx.prompts.file('zh', s === 'mailbox' ? 'caller_mailbox' : 'caller_complaint');
  switch (s) {
    case 'complaint':
      if (!(await step(c, '2', ['complaint_kind']))) return;
      if (!(await step(c, ctx.random() < 0.8 ? '1' : '2', ['complaint_record', 'beep']))) return;
      await c.speak(speech);
      await step(c, '#', NUMBER_READ);
      return;
    case 'query': {
      const known = ctx.knownCases();
      const number = known.length ? known[Math.floor(ctx.random() * known.length)] : '20260101000010';
      if (!(await step(c, '3', ['query_enter']))) return;
      await step(c, `${number}#`, ['status_is', 'status_registered', 'goodbye']);
      return;
    }
    case 'mailbox':
      if (!(await step(c, '1', ['mailbox_intro', 'beep']))) return;
      await c.speak(speech);
      if (!(await step(c, '#', ['record_confirm']))) return;
      if (!(await step(c, '3', ['callback_number']))) return;
      if (!(await step(c, '13800138000#', ['reply_wanted']))) return;
      await step(c, '1', ['message_received', 'goodbye']);
      return;
    case 'consult':
      if (!(await step(c, '4', ['consult_intro', 'kb_returns_title', 'press', 'digit_1', 'kb_warranty_title', 'press', 'digit_2', 'kb_office_title', 'press', 'digit_3']))) return;
      await step(c, String(1 + Math.floor(ctx.random() * 3)), ['kb_warranty']);
      return;
    case 'survey':
      if (!(await step(c, '5', ['survey_intro', 'survey_q_satisfied']))) return;
      if (!(await step(c, '1', ['survey_q_resolved']))) return;
      await step(c, '2', ['survey_thanks', 'goodbye']);
      return;
    case 'hangup_early':
      await step(c, String(1 + Math.floor(ctx.random() * 5)), ['complaint_kind']);
      return;
  }
}
