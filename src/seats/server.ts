// The seat server: fastify with @fastify/websocket on one port.
//   GET  /seat     WebSocket: the seat protocol (src/seats/protocol.ts)
//   POST /login    { agentId, password } → { token, … } for `resume` on a socket
//   GET  /health   200 / 503 with JSON (board ticking, data folder writable)
//   GET  /metrics  Prometheus text
// It listens on 127.0.0.1:8315 unless told otherwise; an address beyond
// loopback is refused unless the caller says so (--listen-public) or gives
// TLS, because seat traffic carries passwords and tokens.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import websocket from '@fastify/websocket';
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { recordingRoutes, type RecordingAccessOptions } from '../recording/http.ts';
import { seatError } from './errors.ts';
import { health, metrics, TickWatch, type BoardLike, type OpsSources, type StoreProbe } from './ops.ts';
import type { SeatConn, SeatService } from './service.ts';
import webConsole from './web.ts';

export const DEFAULT_SEAT_HOST = '127.0.0.1';
export const DEFAULT_SEAT_PORT = 8315;
/** Largest message a seat may send (bytes): far above any message of the protocol. */
const MAX_MESSAGE_BYTES = 64 * 1024;

export interface ListenOptions {
  host?: string;
  port?: number;
  /** Bind beyond loopback without TLS (an explicit choice). */
  public?: boolean;
  /** PEM files: HTTPS and WSS. */
  tls?: { cert: string; key: string };
}

export interface SeatServerOptions extends ListenOptions {
  seats: SeatService;
  board: BoardLike;
  probe: StoreProbe;
  /** Wall ms between two samples of the board's tick counter (default 1 s). */
  tickSampleMs?: number;
  /** GET /recordings and /recordings/audio (src/recording/http.ts) for the seats' sessions: an agent his own calls, a supervisor his department's, an admin all. */
  recordings?: Omit<RecordingAccessOptions, 'user'>;
  /** The engine's calls in progress by phase, for /metrics. */
  callPhases?: () => Record<string, number>;
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '[::1]';
}

/** Refuses a listen address beyond loopback without --listen-public or TLS; reads the TLS files. */
export function checkListen(o: ListenOptions): { host: string; port: number; https?: { cert: Buffer; key: Buffer } } {
  const host = o.host ?? DEFAULT_SEAT_HOST;
  const port = o.port ?? DEFAULT_SEAT_PORT;
  if (!isLoopback(host) && !o.public && !o.tls) throw seatError('SEAT_LISTEN_REFUSED', `${host}:${port}`, { host, port });
  if (!o.tls) return { host, port };
  try {
    return { host, port, https: { cert: readFileSync(o.tls.cert), key: readFileSync(o.tls.key) } };
  } catch (e) {
    throw seatError('SEAT_TLS_INVALID', (e as Error).message);
  }
}

export interface SeatServer {
  app: FastifyInstance;
  /** http(s)://host:port/ once listening. */
  url: string;
  /** ws(s)://host:port/seat */
  seatUrl: string;
  close(): Promise<void>;
}

const LoginBody = Type.Object({ agentId: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false });

/** Builds the app (not listening: fastify inject works on it). */
export async function buildSeatApp(o: SeatServerOptions): Promise<{ app: FastifyInstance; ops: OpsSources }> {
  const listen = checkListen(o);
  const app = Fastify({ logger: false, bodyLimit: MAX_MESSAGE_BYTES, ...(listen.https ? { https: listen.https } : {}) }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  const ops: OpsSources = { seats: o.seats, board: o.board, ticks: new TickWatch(o.board, o.tickSampleMs), probe: o.probe, ...(o.callPhases ? { callPhases: o.callPhases } : {}) };
  await app.register(websocket, { options: { maxPayload: MAX_MESSAGE_BYTES } });
  await app.register(webConsole);
  if (o.recordings) await app.register(recordingRoutes, { user: (t) => o.seats.sessions.get(t), ...o.recordings });

  // A refusal by fastify itself (bad JSON body, schema) answers with a code too.
  app.setErrorHandler((err, _req, reply) => {
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    const e = seatError(status < 500 ? 'SEAT_BAD_MESSAGE' : 'SEAT_INTERNAL', status < 500 ? (err as Error).message : undefined);
    void reply.code(status).send(e.toJSON());
  });

  app.get('/seat', { websocket: true }, (socket, req) => {
    const conn: SeatConn = {
      address: req.ip,
      send: (text) => socket.readyState === socket.OPEN && socket.send(text),
      sendBinary: (data) => socket.readyState === socket.OPEN && socket.send(data, { binary: true }),
      close: (code, why) => socket.close(code, why),
    };
    o.seats.attach(conn);
    socket.on('message', (data, isBinary) => {
      // Binary: the browser phone's audio (src/seats/voice.ts), refused on a socket without one.
      if (isBinary) o.seats.receiveBinary(conn, Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data);
      else void o.seats.receive(conn, data.toString());
    });
    socket.on('close', () => o.seats.detach(conn));
    socket.on('error', () => o.seats.detach(conn));
  });

  app.post('/login', { schema: { body: LoginBody } }, async (req, reply) => {
    const r = await o.seats.login(req.body.agentId, req.body.password, req.ip);
    if ('error' in r) {
      if (r.retryAfterMs !== undefined) void reply.header('retry-after', String(Math.ceil(r.retryAfterMs / 1000)));
      return reply.code(r.retryAfterMs !== undefined ? 429 : 401).send({ ...r.error.toJSON(), ...(r.retryAfterMs !== undefined ? { retryAfterMs: r.retryAfterMs } : {}) });
    }
    const s = r.session;
    return { token: s.token, agentId: s.agentId, role: s.role, expiresAt: s.expiresAt };
  });

  app.get('/health', async (_req, reply) => {
    const h = await health(ops);
    return reply.code(h.status === 'ok' ? 200 : 503).send(h);
  });

  app.get('/metrics', async (_req, reply) => reply.type('text/plain; version=0.0.4; charset=utf-8').send(metrics(ops)));

  app.addHook('onClose', async () => {
    ops.ticks.stop();
    o.seats.close();
  });
  return { app, ops };
}

/** Builds and listens. Refusals: SEAT_LISTEN_REFUSED, SEAT_TLS_INVALID, SEAT_LISTEN_FAILED. */
export async function startSeatServer(o: SeatServerOptions): Promise<SeatServer> {
  const { host, port, https } = checkListen(o);
  const { app } = await buildSeatApp(o);
  try {
    await app.listen({ host, port });
  } catch (e) {
    await app.close();
    throw seatError('SEAT_LISTEN_FAILED', `${host}:${port}: ${(e as Error).message}`, { host, port });
  }
  const addr = app.server.address();
  const realPort = addr && typeof addr === 'object' ? addr.port : port;
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const url = `${https ? 'https' : 'http'}://${h}:${realPort}/`;
  return {
    app,
    url,
    seatUrl: `${https ? 'wss' : 'ws'}://${h}:${realPort}/seat`,
    close: () => app.close(),
  };
}
