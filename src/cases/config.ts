// Statutory limits and the category tree: configuration, not code.
import { CaseErrors, caseError } from './errors.ts';
import type { CategoryNode, DeadlineConfig } from './types.ts';

// Defaults, in working days, from 《市场监督管理投诉举报处理暂行办法》
// (SAMR Order No. 20 of 2019, as amended by Order No. 61 of 2022):
//  - art. 14: decide on accepting a complaint within 7 working days of receiving it
//    (自收到投诉之日起七个工作日内作出受理或者不予受理的决定);
//  - art. 21(1): mediation ends if no agreement is reached within 45 working days
//    of acceptance (自投诉受理之日起四十五个工作日内…未能达成调解协议的，终止调解);
//  - art. 31 sends reports to 《市场监督管理行政处罚程序规定》, whose art. 18 gives
//    15 working days from receipt of the material to verify and decide whether
//    to open a case (extendable by 15 working days with approval).
// The two limits below have no statute in those rules; they are bureau practice
// and deliberately short: a consultation answered later is called back within
// 2 working days, and suggestions / director's-mailbox messages are answered
// within 15 working days.
export const DEFAULT_DEADLINES: DeadlineConfig = {
  complaintAcceptDays: 7,
  mediationDays: 45,
  reportVerifyDays: 15,
  consultationCallbackDays: 2,
  replyDays: 15,
};

export const DEFAULT_CATEGORIES: CategoryNode[] = [
  {
    id: 'goods',
    name: '商品',
    children: [
      { id: 'goods.food', name: '食品' },
      { id: 'goods.appliance', name: '家用电器' },
      { id: 'goods.clothing', name: '服装鞋帽' },
      { id: 'goods.vehicle', name: '交通工具' },
      { id: 'goods.telecom', name: '通讯产品' },
      { id: 'goods.cosmetics', name: '化妆品' },
      { id: 'goods.drug', name: '药品及医疗器械' },
      { id: 'goods.other', name: '其他商品' },
    ],
  },
  {
    id: 'services',
    name: '服务',
    children: [
      { id: 'services.catering', name: '餐饮住宿' },
      { id: 'services.education', name: '教育培训' },
      { id: 'services.telecom', name: '电信服务' },
      { id: 'services.internet', name: '互联网服务' },
      { id: 'services.repair', name: '维修服务' },
      { id: 'services.tourism', name: '旅游服务' },
      { id: 'services.prepaid', name: '预付卡消费' },
      { id: 'services.other', name: '其他服务' },
    ],
  },
];

export function resolveDeadlines(p: Partial<DeadlineConfig> | undefined): DeadlineConfig {
  const out: DeadlineConfig = { ...DEFAULT_DEADLINES };
  if (p === undefined) return out;
  if (typeof p !== 'object' || p === null) throw caseError(CaseErrors.CASE_CONFIG_INVALID, 'config.deadlines must be an object of working-day counts');
  for (const [k, v] of Object.entries(p)) {
    if (!(k in DEFAULT_DEADLINES)) throw caseError(CaseErrors.CASE_CONFIG_INVALID, `config.deadlines.${k} is not a known limit; known: ${Object.keys(DEFAULT_DEADLINES).join(', ')}`);
    if (v === undefined) continue;
    if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 365) {
      throw caseError(CaseErrors.CASE_CONFIG_INVALID, `config.deadlines.${k} must be a whole number of working days between 1 and 365; got ${JSON.stringify(v)}`);
    }
    (out as unknown as Record<string, number>)[k] = v as number;
  }
  return out;
}

/** Flattened tree: id → { name, parent, ancestors (nearest first) }. */
export interface CategoryIndex {
  tree: CategoryNode[];
  byId: Map<string, { name: string; parent: string | null; path: string[] }>;
  /** id → itself plus every descendant id. */
  subtree(id: string): string[];
}

export function indexCategories(tree: CategoryNode[] | undefined): CategoryIndex {
  const roots = tree ?? DEFAULT_CATEGORIES;
  if (!Array.isArray(roots) || roots.length === 0) throw caseError(CaseErrors.CASE_CONFIG_INVALID, 'config.categories must be a non-empty list of { id, name, children? }');
  const byId = new Map<string, { name: string; parent: string | null; path: string[] }>();
  const kids = new Map<string, string[]>();
  const walk = (nodes: CategoryNode[], parent: string | null, path: string[]): void => {
    for (const n of nodes) {
      if (!n || typeof n.id !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(n.id)) {
        throw caseError(CaseErrors.CASE_CONFIG_INVALID, `config.categories: every category needs an id of 1-64 letters, digits, '.', '_' or '-'; got ${JSON.stringify(n?.id)}`);
      }
      if (typeof n.name !== 'string' || n.name.length === 0) throw caseError(CaseErrors.CASE_CONFIG_INVALID, `config.categories: category '${n.id}' needs a name`);
      if (byId.has(n.id)) throw caseError(CaseErrors.CASE_CONFIG_INVALID, `config.categories: id '${n.id}' appears twice`);
      byId.set(n.id, { name: n.name, parent, path: [...path, n.id] });
      kids.set(n.id, []);
      if (parent) kids.get(parent)!.push(n.id);
      if (n.children !== undefined) {
        if (!Array.isArray(n.children)) throw caseError(CaseErrors.CASE_CONFIG_INVALID, `config.categories: children of '${n.id}' must be a list`);
        walk(n.children, n.id, [...path, n.id]);
      }
    }
  };
  walk(roots, null, []);
  const subtree = (id: string): string[] => {
    const out = [id];
    for (let i = 0; i < out.length; i++) out.push(...(kids.get(out[i]) ?? []));
    return out;
  };
  return { tree: roots, byId, subtree };
}
