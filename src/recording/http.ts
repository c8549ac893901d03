// Recordings over HTTP for the seat server (issue 11, "Access"): search,
// stream and download with rights, every listen and download in an audit
// log, HTTP range requests for playback. A fastify plugin; the seat server
// registers it with one line (src/seats/server.ts):
//   GET /recordings?from&to&agent&number&case&call&kind&limit   entries the caller may see
//   GET /recordings/audio?id=ID[&part=N][&download=1][&format=wav]  the WAV, or an archived recording's Ogg Opus (format=wav: decoded) (Range: bytes=a-b)
// Authorization: "Bearer TOKEN" (a seat session from POST /login).
// Rights: an agent his own calls (the entry lists him among its agents), a
// supervisor his team's (agents of his department) and his own, an admin
// all. Ids, never paths: an id goes through checkRecordingId before any file
// is touched. The audit log is DATA/recordings-audit.log, one JSON line per
// listen, download or refusal, fsynced before a byte of audio is sent.
import { closeSync, createReadStream, fsyncSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isHotlineError, type HotlineError } from '../errors.ts';
import { recError } from './errors.ts';
import { checkRecordingId, recordingPath } from './ids.ts';
import { archivedAsWav } from './archive.ts';
import type { RecordingEntry, RecordingIndex, RecordingKind, RecordingQuery } from './types.ts';

export type AccessRole = 'agent' | 'supervisor' | 'admin';
export interface AccessUser {
  agentId: string;
  role: AccessRole;
}

export interface RecordingAccessOptions {
  dataDir: string;
  index: RecordingIndex;
  /** The user of a bearer token (a live seat session), or null. */
  user(token: string): AccessUser | null;
  /** A supervisor's team: the agents of his department (his own id included or not). */
  team(supervisorId: string): Promise<readonly string[]>;
  /** Wall clock for the audit log (tests). */
  now?: () => number;
}

export interface AuditLine {
  at: number;
  who: string;
  role: AccessRole | null;
  action: 'search' | 'listen' | 'download';
  id?: string;
  range?: string;
  ip: string;
  /** 'ok', or the refusal's code. */
  result: string;
}

export const AUDIT_FILE = 'recordings-audit.log';

const STATUS: Record<string, number> = { REC_UNAUTHORIZED: 401, REC_FORBIDDEN: 403, REC_NOT_FOUND: 404, REC_BAD_ID: 400, REC_QUERY_INVALID: 400, REC_RANGE_INVALID: 416, REC_FILE_MISSING: 410 };

/** May `user` see `e`? (`team`: the supervisor's agents.) */
export function mayAccess(user: AccessUser, e: RecordingEntry, team: readonly string[]): boolean {
  if (user.role === 'admin') return true;
  if (e.agents.includes(user.agentId)) return true;
  return user.role === 'supervisor' && e.agents.some((a) => team.includes(a));
}

/** Parses one "bytes=a-b" range of a file of `size` bytes: [start, end] inclusive, or throws REC_RANGE_INVALID. */
export function parseRange(header: string, size: number): [number, number] {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) throw recError('REC_RANGE_INVALID', `'${header.slice(0, 60)}'`);
  let start: number;
  let end: number;
  if (m[1] === '') {
    const n = Number(m[2]); // the last n bytes
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (!Number.isSafeInteger(start) || start > end || start >= size) throw recError('REC_RANGE_INVALID', `'${header.slice(0, 60)}' of ${size} bytes`);
  return [start, end];
}

export async function recordingRoutes(app: FastifyInstance, o: RecordingAccessOptions): Promise<void> {
  const now = o.now ?? Date.now;
  const auditPath = join(o.dataDir, AUDIT_FILE);
  const audit = (line: AuditLine) => {
    // Synchronous and fsynced: the listen is on record before it happens.
    const fd = openSync(auditPath, 'a', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(line)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  };
  const userOf = (req: FastifyRequest): AccessUser => {
    const h = req.headers.authorization ?? '';
    const m = /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(h);
    const u = m ? o.user(m[1]) : null;
    if (!u) throw recError('REC_UNAUTHORIZED', m ? 'the session has ended or expired' : 'no Authorization: Bearer TOKEN header');
    return u;
  };
  const teamOf = async (u: AccessUser): Promise<readonly string[]> => (u.role === 'supervisor' ? o.team(u.agentId) : []);
  const refuse = (reply: FastifyReply, e: HotlineError) => reply.code(STATUS[e.code] ?? 500).send(e.toJSON());
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

  app.get('/recordings', async (req, reply) => {
    let u: AccessUser | null = null;
    try {
      u = userOf(req);
      const q = req.query as Record<string, unknown>;
      const num = (k: string) => {
        const v = str(q[k]);
        if (v === undefined) return undefined;
        const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
        if (!Number.isFinite(n)) throw recError('REC_QUERY_INVALID', `${k}=${v.slice(0, 40)}`);
        return n;
      };
      const kind = str(q.kind);
      if (kind !== undefined && !['ivr-take', 'segment', 'call'].includes(kind)) throw recError('REC_QUERY_INVALID', `kind=${kind.slice(0, 20)}`);
      const query: RecordingQuery = { from: num('from'), to: num('to'), agent: str(q.agent), number: str(q.number), caseNumber: str(q.case), callId: str(q.call), kind: kind as RecordingKind | undefined, limit: Math.min(num('limit') ?? 100, 1000) };
      const team = await teamOf(u);
      // Scan a wider page, keep what the user may see.
      const found = o.index.search({ ...query, limit: u.role === 'admin' ? query.limit : 10_000 }).filter((e) => mayAccess(u!, e, team));
      return found.slice(0, query.limit);
    } catch (e) {
      if (!isHotlineError(e)) throw e;
      audit({ at: now(), who: u?.agentId ?? '-', role: u?.role ?? null, action: 'search', ip: req.ip, result: e.code });
      return refuse(reply, e);
    }
  });

  app.get('/recordings/audio', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const download = q.download === '1';
    const action = download ? 'download' : 'listen';
    let u: AccessUser | null = null;
    let id: string | undefined;
    const range = str(req.headers.range);
    try {
      u = userOf(req);
      id = checkRecordingId(str(q.id) ?? '');
      const e = o.index.get(id);
      if (!e) throw recError('REC_NOT_FOUND', id);
      if (!mayAccess(u, e, await teamOf(u))) throw recError('REC_FORBIDDEN', `${u.agentId} (${u.role}) may not hear ${id}`);
      const part = str(q.part) === undefined ? 1 : Number(q.part);
      if (!Number.isInteger(part) || part < 1 || part > e.files.length) throw recError('REC_QUERY_INVALID', `part=${String(q.part).slice(0, 10)} (the recording has ${e.files.length})`);
      const fileId = e.files[part - 1];
      const file = recordingPath(o.dataDir, fileId);
      const st = statSync(file, { throwIfNoEntry: false });
      if (!st?.isFile()) throw recError('REC_FILE_MISSING', fileId);
      // An archived recording is served as it is (Ogg Opus: browsers play audio/ogg), or decoded to a WAV with format=wav.
      const opus = fileId.endsWith('.opus');
      const asWav = opus && q.format === 'wav' ? archivedAsWav(o.dataDir, fileId) : null;
      const size = asWav ? asWav.length : st.size;
      const [start, end] = range ? parseRange(range, size) : [0, size - 1];
      audit({ at: now(), who: u.agentId, role: u.role, action, id, ...(range ? { range } : {}), ip: req.ip, result: 'ok' });
      void reply.header('accept-ranges', 'bytes').header('content-type', opus && !asWav ? 'audio/ogg' : 'audio/wav').header('content-length', String(end - start + 1));
      if (download) void reply.header('content-disposition', `attachment; filename="${fileId.split('/').pop()!.replace(/\.opus$/, asWav ? '.wav' : '.opus')}"`);
      if (range) void reply.code(206).header('content-range', `bytes ${start}-${end}/${size}`);
      return reply.send(asWav ? asWav.subarray(start, end + 1) : createReadStream(file, { start, end }));
    } catch (e) {
      if (!isHotlineError(e)) throw e;
      audit({ at: now(), who: u?.agentId ?? '-', role: u?.role ?? null, action, ...(id ? { id } : {}), ...(range ? { range } : {}), ip: req.ip, result: e.code });
      if (e.code === 'REC_RANGE_INVALID') {
        const st = id ? statSync(recordingPath(o.dataDir, id), { throwIfNoEntry: false }) : undefined;
        if (st) void reply.header('content-range', `bytes */${st.size}`);
      }
      return refuse(reply, e);
    }
  });
}
