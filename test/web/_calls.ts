// A console on live calls: a stepped engine on the sim-mixed board (E1
// callers, simulated stations on FXS ports) with the call layer's
// operations and outbound calls behind the seat server, board time pumped
// in 20 ms steps a few times faster than real time so the browser's
// real-time reactions land well inside the ACD's timers.
import type { Browser, Page } from 'playwright-core';
import type { SeatHost } from '../../src/seats/host.ts';
import { seatHostOf } from '../seats/_voice.ts';
import type { AgentState } from '../../src/acd/types.ts';
import type { EngineOptions } from '../../src/calls/engine.ts';
import type { SimCaller } from '../../src/calls/sim-caller.ts';
import { agentHarness, roster, type AgentHarness } from '../calls/_agents.ts';
import { built_, launch, logIn, PASSWORD, until } from './_browser.ts';

export interface CallRig {
  h: AgentHarness;
  host: SeatHost;
  browser: Browser;
  /** A logged-in page of this agent (1366×768, Chinese). */
  page(agentId: string): Promise<Page>;
  /**
   * 'fast' (default): board time runs a few times faster than real time;
   * 'realtime': 20 ms of board time per 20 ms of wall time (the browser
   * phone's audio keeps the sound card's pace).
   */
  pace: 'fast' | 'realtime';
  /** Waits until the ACD has the agent in this state. */
  state(agentId: string, s: AgentState, what?: string): Promise<void>;
  /** Waits (20 s of real time at most) until the pump has moved board time by `ms`: audio in flight reaches the taps however slowly the machine runs the pump. */
  boardPasses(ms: number): Promise<void>;
  close(): Promise<void>;
}

export interface CallRigOptions {
  /** These agents get the supervisor role in the case store. */
  supervisors?: string[];
  /** Each agent's department in the case store (a supervisor's recordings are his department's). */
  departmentOf?: (agentId: string) => string;
  engine?: Partial<EngineOptions>;
  /** More Chromium flags (the browser phone's fake microphone). */
  browserArgs?: string[];
}

/** Agents 1001…100n of queue `agents` (linear: 1001 first), in the ACD roster and the case store. */
export async function callRig(n: number, o: CallRigOptions = {}): Promise<CallRig> {
  await built_();
  const h = await agentHarness(roster(n, 'linear'), o.engine);
  const e = h.engine;
  for (let i = 0; i < n; i++) {
    const id = String(1001 + i);
    const dept = o.departmentOf?.(id);
    if (dept) await e.store.putDepartment({ id: dept, name: `科室 ${dept}` });
    await e.store.putAgent({ id, name: `座席${id}`, role: o.supervisors?.includes(id) ? 'supervisor' : 'agent', password: PASSWORD, ...(dept ? { departmentId: dept } : {}) });
  }
  const host = await seatHostOf(e);
  const browser = await launch(o.browserArgs);
  let pumping = true;
  const rigged = { pace: 'fast' as 'fast' | 'realtime' };
  const pump = (async () => {
    let wall = performance.now();
    let board = e.board.now();
    while (pumping) {
      if (e.core.busy()) await new Promise((r) => setImmediate(r));
      else await e.board.advance(20);
      if (rigged.pace === 'fast') {
        await new Promise((r) => setTimeout(r, 4));
        wall = performance.now();
        board = e.board.now();
      } else {
        const due = wall + (e.board.now() - board);
        await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      }
    }
  })();
  return {
    get pace() {
      return rigged.pace;
    },
    set pace(p) {
      rigged.pace = p;
    },
    h,
    host,
    browser,
    async page(agentId) {
      const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
      ctx.setDefaultTimeout(20_000);
      const page = await ctx.newPage();
      page.on('pageerror', (err) => {
        throw new Error(`page error on ${agentId}'s page: ${err.message}`);
      });
      await page.goto(host.server.url);
      await logIn({ page }, agentId);
      return page;
    },
    state: (agentId, s, what) => until(() => e.core.acd!.agent(agentId).state === s, `${what ?? `${agentId} ${s}`} (now ${e.core.acd!.agent(agentId).state})`, 20_000),
    async boardPasses(ms) {
      const t = e.board.now() + ms;
      await until(() => e.board.now() >= t, `${ms} ms of board time`, 20_000);
    },
    async close() {
      pumping = false;
      await pump;
      await browser.close();
      await host.close();
      await h.close();
    },
  };
}

/** The agent page: sign in to the ACD and go ready (F7). */
export async function goReady(page: Page): Promise<void> {
  await page.click('#acd-login');
  await page.waitForSelector('#state-badge[data-state="notReady"]');
  await page.keyboard.press('F7');
  await page.waitForSelector('#state-badge[data-state="ready"]');
}

/** Text of a selector, '' when empty. */
export async function text(page: Page, sel: string): Promise<string> {
  return (await page.textContent(sel)) ?? '';
}

/** Waits until the text of `sel` passes `ok`; the error says what the status line and the panels showed. */
export async function see(page: Page, sel: string, ok: (s: string) => boolean, what: string, ms = 10_000): Promise<void> {
  try {
    await until(async () => ok(await text(page, sel)), what, ms);
  } catch (e) {
    const shown = await page.evaluate(() => ['#status', '#ops-info', '#call-info'].map((s) => `${s}: ${document.querySelector(s)?.textContent ?? '-'}`).join(' | '));
    throw new Error(`${(e as Error).message} (page shows ${shown})`);
  }
}

/** A caller dials in and asks for an agent; the agent page shows the offer and answers with F2. */
export async function takeCall(r: CallRig, page: Page, ts: number, callerNumber: string): Promise<SimCaller> {
  const c = r.h.caller(ts, callerNumber);
  const reached = r.h.toAgent(c);
  await page.waitForSelector('#call-info[data-phase="offered"]', { timeout: 60_000 });
  await page.keyboard.press('F2');
  await page.waitForSelector('#call-info[data-phase="connected"]');
  await reached;
  return c;
}
