// The seat server's part of `hotline start`: its options and opening it on
// the running engine. By default it listens on 127.0.0.1:8315 in real time;
// in a stepped simulation (nobody sits at a seat) only with --listen. When
// the default port is taken the engine runs on without seats and says so;
// an address given with --listen that cannot be had stops the start.
import type { Engine } from '../calls/engine.ts';
import { isHotlineError } from '../errors.ts';
import { openSeatHost, type SeatHost } from '../seats/host.ts';
import { checkListen, DEFAULT_SEAT_HOST, DEFAULT_SEAT_PORT } from '../seats/server.ts';
import { existingFile, flag, hostPort, option, type HostPort } from './args.ts';
import { cliError } from './errors.ts';

export const SEAT_OPTIONS = {
  listen: option(hostPort(), 'seat server address (WebSocket /seat, /health, /metrics); beyond loopback only with --listen-public or --tls-cert/--tls-key', {
    valueName: 'HOST:PORT',
    defaultText: `${DEFAULT_SEAT_HOST}:${DEFAULT_SEAT_PORT} in real time; none with --stepped`,
  }),
  'listen-public': flag('let the seat server listen on an address beyond loopback without TLS (passwords and tokens then cross the network in clear: a closed LAN only)'),
  'tls-cert': option(existingFile(), 'PEM certificate of the seat server (HTTPS and WSS); with --tls-key', { valueName: 'FILE' }),
  'tls-key': option(existingFile(), 'PEM private key of the seat server; with --tls-cert', { valueName: 'FILE' }),
};

export interface SeatArgs {
  listen?: HostPort;
  public: boolean;
  tls?: { cert: string; key: string };
}

export function seatArgs(v: { listen?: HostPort; 'listen-public': boolean; 'tls-cert'?: string; 'tls-key'?: string }): SeatArgs {
  const cert = v['tls-cert'];
  const key = v['tls-key'];
  if ((cert === undefined) !== (key === undefined)) throw cliError('CLI_MISSING_ARGUMENT', `${cert === undefined ? '--tls-key' : '--tls-cert'} needs ${cert === undefined ? '--tls-cert' : '--tls-key'} too`, { option: cert === undefined ? '--tls-cert' : '--tls-key' });
  const a: SeatArgs = { listen: v.listen, public: v['listen-public'], tls: cert !== undefined && key !== undefined ? { cert, key } : undefined };
  // A refused address or unreadable TLS files stop the start before anything is opened.
  if (a.listen || a.tls) checkListen({ ...a.listen, public: a.public, tls: a.tls });
  return a;
}

/** Opens the seat server on the engine, or returns null (stepped without --listen; default port taken). */
export async function openSeats(engine: Engine, a: SeatArgs, log: (line: string) => void): Promise<SeatHost | null> {
  if (!a.listen && engine.board.mode === 'stepped') return null;
  const host = a.listen?.host ?? DEFAULT_SEAT_HOST;
  const port = a.listen?.port ?? DEFAULT_SEAT_PORT;
  let seats: SeatHost;
  try {
    const { acd, switchboard, ops, outbound, callWaiting } = engine.core;
    const live = acd && switchboard && engine.queueLog ? { acd, config: switchboard.acdConfig, queueLog: engine.queueLog, switchboard, ...(ops ? { ops } : {}), ...(outbound ? { outbound } : {}), ...(callWaiting ? { callWaiting } : {}), linkCase: (id: string, n: string) => engine.linkCase(id, n) } : undefined;
    seats = await openSeatHost({ host, port, public: a.public, tls: a.tls, board: engine.board, store: engine.store, now: () => engine.core.now(), dataDir: engine.dataDir, recordingIndex: engine.recordings.index, flows: engine.flows, prompts: engine.prompts, logger: engine.logger.child({ layer: 'seats' }), callPhases: () => engine.core.phaseCounts(), recordingAlarms: engine.recordingAlarms$, ...(live ? { engine: live } : {}) });
  } catch (e) {
    if (!a.listen && isHotlineError(e) && e.code === 'SEAT_LISTEN_FAILED') {
      log(`hotline: no seat server: ${e.code}: ${e.message}; give another address with --listen HOST:PORT`);
      return null;
    }
    throw e;
  }
  const n = seats.acd.agentIds().length;
  log(`hotline: seat server on ${seats.server.url} (seats: ${seats.server.seatUrl}; ${n} agents in the roster${n === 0 ? ': add some with hotline cases agents' : ''}); try: hotline seat --url ${seats.server.seatUrl} --agent ID`);
  return seats;
}
