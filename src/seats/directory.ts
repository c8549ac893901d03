// The `directory` seat message: a read-only view of who works here and how
// calls reach them, for the console's admin pages. People and departments
// come from the case store (`hotline cases agents|departments`), skills,
// stations and queues from the ACD configuration the engine runs (the
// roster is read at start). Changes go through the admin-* messages
// (admin.ts). Password hashes never leave the store (Agent carries none).
import type { AcdConfig } from '../acd/types.ts';
import type { Agent, Department } from '../cases/types.ts';
import type { Directory } from './protocol.ts';

export interface DirectorySource {
  listAgents(): Promise<Agent[]>;
  listDepartments?(): Promise<Department[]>;
}

export async function directoryView(src: DirectorySource | undefined, acd: AcdConfig): Promise<Directory> {
  const people = (await src?.listAgents()) ?? [];
  const departments = (await src?.listDepartments?.()) ?? [];
  const byId = new Map(people.map((p) => [p.id, p]));
  const served = new Map<string, string[]>();
  for (const q of acd.queues) for (const m of q.members) served.set(m.agent, [...(served.get(m.agent) ?? []), q.id]);
  const roster = new Map(acd.agents.map((a) => [a.id, a]));
  const ids = [...new Set([...people.map((p) => p.id), ...roster.keys()])].sort();
  return {
    agents: ids.map((id) => {
      const p = byId.get(id);
      const a = roster.get(id);
      return {
        id,
        ...(p ? { name: p.name, role: p.role } : {}),
        ...(p?.departmentId ? { departmentId: p.departmentId } : {}),
        ...(p?.active === false ? { active: false } : {}),
        inRoster: a !== undefined,
        skills: { ...(a?.skills ?? {}) },
        queues: served.get(id) ?? [],
        ...(a?.station ? { station: a.station } : {}),
        ...(a?.wrapUpMs !== undefined ? { wrapUpMs: a.wrapUpMs } : {}),
      };
    }),
    departments: departments.map((d) => ({ id: d.id, name: d.name, ...(d.head ? { head: d.head } : {}), ...(d.phone ? { phone: d.phone } : {}), ...(d.active === false ? { active: false } : {}) })),
    queues: acd.queues.map((q) => ({
      id: q.id,
      strategy: q.strategy,
      members: q.members.map((m) => ({ agent: m.agent, ...(m.penalty !== undefined ? { penalty: m.penalty } : {}) })),
      requiredSkills: { ...(q.requiredSkills ?? {}) },
      ...(q.wrapUpMs !== undefined ? { wrapUpMs: q.wrapUpMs } : {}),
      ...(q.ringTimeoutMs !== undefined ? { ringTimeoutMs: q.ringTimeoutMs } : {}),
      ...(q.maxWaitMs !== undefined ? { maxWaitMs: q.maxWaitMs } : {}),
    })),
  };
}
