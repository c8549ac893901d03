// The knowledge entries and the survey the default 12315 flow offers, put in a
// fresh store so `npm start` works out of the box. Existing entries are never
// overwritten: the bureau edits them through the case store.
import type { CaseStore, KnowledgeEntry, SurveyDefinition } from '../cases/types.ts';

export const DEFAULT_KNOWLEDGE: KnowledgeEntry[] = [
  { id: 'kb-returns', category: 'regulation', title: '网购七日无理由退货', text: '网购商品自收到之日起七日内可无理由退货。', promptFile: 'zh/kb_returns.wav', menuCode: '1' },
  { id: 'kb-warranty', category: 'regulation', title: '三包规定', text: '商品售出七日内出现性能故障，可以选择退货、换货或修理。', promptFile: 'zh/kb_warranty.wav', menuCode: '2' },
  { id: 'kb-office', category: 'office_guide', title: '办事指南', text: '办公时间为工作日上午九点至下午五点。', promptFile: 'zh/kb_office.wav', menuCode: '3' },
];

export const DEFAULT_SURVEY: SurveyDefinition = {
  id: 'satisfaction',
  title: '服务满意度调查',
  active: true,
  questions: [
    { id: 'q_satisfied', text: '您对我们的服务满意吗？', promptFile: 'zh/survey_q_satisfied.wav', choices: { '1': '满意', '2': '基本满意', '3': '不满意' } },
    { id: 'q_resolved', text: '您的问题解决了吗？', promptFile: 'zh/survey_q_resolved.wav', choices: { '1': '已解决', '2': '未解决' } },
  ],
};

export async function seedDefaults(store: CaseStore): Promise<void> {
  for (const e of DEFAULT_KNOWLEDGE) {
    if (!(await store.getKnowledge(e.id)) && !(e.menuCode && (await store.getKnowledgeByMenuCode(e.menuCode)))) await store.putKnowledge(e);
  }
  if (!(await store.getSurvey(DEFAULT_SURVEY.id))) await store.putSurvey(DEFAULT_SURVEY);
}
