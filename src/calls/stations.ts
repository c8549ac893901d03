// Which telephone is whose: agent id → station port (FXS, role `station`).
// Three sources, the first that speaks wins for an agent: the roster's
// `station` field, the data folder's stations.json ({"stations": {"1001":
// "1:1"}}), then the default, in roster order the i-th agent not yet placed
// gets the i-th free station port of the board (board.byRole('station')).
// Validated once at start (STYLE: validate at the edge): a bad spec, a port
// the board lacks, a trunk given as a telephone, two agents on one telephone
// or a file naming a stranger are refused with a CALL_STATION_* code.
import { existsSync, readFileSync } from 'node:fs';
import type { AgentConfig } from '../acd/types.ts';
import type { Board, Channel } from '../board/types.ts';
import { CallError } from './errors.ts';

export const STATIONS_FILE = 'stations.json';

const SPEC = /^(\d{1,2}):(\d{1,3})$/;

/** The port "SPAN:PORT" names, checked to be a station port of this board. */
export function stationPort(board: Board, spec: string, who: string): Channel {
  const m = SPEC.exec(spec);
  if (!m) throw new CallError('CALL_STATION_INVALID', `${who}: '${spec}' is not SPAN:PORT (e.g. 1:3)`, { spec });
  let ch: Channel;
  try {
    ch = board.channel(Number(m[1]), Number(m[2]));
  } catch {
    throw new CallError('CALL_STATION_UNKNOWN', `${who}: the board '${board.name}' has no port ${spec}`, { spec });
  }
  if (ch.role !== 'station') throw new CallError('CALL_STATION_NOT_STATION', `${who}: ${ch.name} is a ${ch.kind} port with role ${ch.role}, not a station`, { spec, role: ch.role });
  return ch;
}

/** Reads DATA/stations.json when it exists: agent id → "SPAN:PORT". */
export function readStationsFile(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CallError('CALL_STATIONS_FILE_INVALID', `${file}: ${(e as Error).message}`, { file });
  }
  const st = doc !== null && typeof doc === 'object' ? (doc as { stations?: unknown }).stations : undefined;
  if (st === null || typeof st !== 'object' || Array.isArray(st)) throw new CallError('CALL_STATIONS_FILE_INVALID', `${file}: no "stations" object`, { file });
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [agent, spec] of Object.entries(st as Record<string, unknown>)) {
    if (typeof spec !== 'string') throw new CallError('CALL_STATIONS_FILE_INVALID', `${file}#/stations/${agent}: a station is a string "SPAN:PORT"`, { file, agent });
    out[agent] = spec;
  }
  return out;
}

/**
 * agent id → his station port. Agents left over when the board has fewer
 * station ports than agents get none (their offers fail: CALL_NO_STATION,
 * and the ACD sets them not ready); `unplaced` lists them for the start log.
 */
export function mapStations(board: Board, agents: readonly AgentConfig[], file: Record<string, string> = {}): { stations: Map<string, Channel>; unplaced: string[] } {
  const known = new Set(agents.map((a) => a.id));
  for (const agent of Object.keys(file)) if (!known.has(agent)) throw new CallError('CALL_STATION_AGENT_UNKNOWN', `${STATIONS_FILE}: agent '${agent}' is not in the roster`, { agent });
  const stations = new Map<string, Channel>();
  const owner = new Map<Channel, string>();
  const place = (agent: string, ch: Channel) => {
    const other = owner.get(ch);
    if (other !== undefined) throw new CallError('CALL_STATION_SHARED', `agents '${other}' and '${agent}' are both given ${ch.name}`, { agents: [other, agent], station: ch.name });
    owner.set(ch, agent);
    stations.set(agent, ch);
  };
  for (const a of agents) {
    const spec = a.station ?? (Object.hasOwn(file, a.id) ? file[a.id] : undefined);
    if (spec !== undefined) place(a.id, stationPort(board, spec, `agent '${a.id}'`));
  }
  const free = board.byRole('station').filter((ch) => !owner.has(ch));
  const unplaced: string[] = [];
  for (const a of agents) {
    if (stations.has(a.id)) continue;
    const ch = free.shift();
    if (ch) place(a.id, ch);
    else unplaced.push(a.id);
  }
  return { stations, unplaced };
}
