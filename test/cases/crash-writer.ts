// Child process for crash.test.ts: writes a stream of cases (and workflow
// changes and call records) into the store at argv[2] as fast as it can and
// prints "ACK <number> <marker>" only after createCase has resolved, until it
// is killed with SIGKILL.
import { openCaseStore } from '../../src/cases/index.ts';

const dir = process.argv[2];
const round = process.argv[3];
const store = await openCaseStore({ dir });
if (!(await store.listDepartments()).some((d) => d.id === 'enf')) await store.putDepartment({ id: 'enf', name: '执法队' });
process.stdout.write('READY\n');
let i = 0;
const acked: string[] = [];
for (;;) {
  const batch = [];
  for (let k = 0; k < 100; k++, i++) {
    const marker = `r${round}-${i}`;
    batch.push(
      store
        .createCase({
          kind: i % 3 === 0 ? 'report' : 'complaint',
          channel: 'hotline',
          callerNumber: '139' + String(i % 5000).padStart(8, '0'),
          complainant: { name: '测试' + (i % 50), phone: '139' + String(i % 5000).padStart(8, '0'), address: '某路' },
          business: { name: '商家' + (i % 30), address: '某街' },
          request: '退款',
          facts: `崩溃测试 ${marker} 商品质量问题第${i % 7}类`,
          categoryId: i % 2 ? 'goods.food' : 'services.catering',
        })
        .then((c) => {
          process.stdout.write(`ACK ${c.number} ${marker}\n`);
          acked.push(c.number);
        }),
    );
  }
  // workflow changes on earlier cases ride in the same group commits
  for (let k = 0; k < 10 && acked.length > 20; k++) {
    const n = acked[Math.floor(Math.random() * acked.length)];
    batch.push(store.transition(n, { type: 'accept' }, 'crash').then(() => store.transition(n, { type: 'dispatch', departments: [{ departmentId: 'enf' }] }, 'crash')).catch(() => undefined));
  }
  batch.push(store.putCallRecord({ id: `call-${round}-${i}`, startedAt: Date.now(), endedAt: Date.now() + 1, channel: 's0/1', callerNumber: '13900000001', ivrPath: [], recordingIds: [] }));
  await Promise.all(batch);
}
