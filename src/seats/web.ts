// The web console on the seat server: the pages built into web/dist
// (web/build.mjs, run by `npm install`), their security headers, and the
// same-origin rule for everything a page can send. server.ts registers it
// with one line.
//
// Security, in the order a browser meets it:
// - CSP: scripts, styles, images and sockets from this server only, no
//   inline script or style, no framing (clickjacking), no <base>, no plugins.
//   No upgrade-insecure-requests: on a closed LAN without TLS
//   (--listen-public) it would send the browser to an https:// that is not
//   there. No HSTS for the same reason (the TLS options stay a choice).
// - CSRF: the console authenticates with a session token it sends in its
//   messages, never with a cookie, so a foreign page has no ambient
//   credential to ride on. Still, a POST (REST) or a WebSocket upgrade whose
//   Origin names another site is refused (403, SEAT_ORIGIN_REFUSED): the
//   "verify the origin with standard headers" defence, which also closes
//   cross-site WebSocket hijacking. Clients without Origin (hotline seat,
//   curl) are not browsers and pass.
// - Output escaping is the pages' part: they build the DOM with textContent
//   only (web/src/dom.ts), never innerHTML.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { seatError } from './errors.ts';

export const CONSOLE_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));

export interface WebConsoleOptions {
  /** Folder of the built pages (default $HOTLINE_WEB_DIR, else web/dist). */
  root?: string;
}

/** The Content-Security-Policy of every response (exported for the tests). */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  // Recordings play from blobs the page fetched with its token (web/src/recordings.ts).
  mediaSrc: ["'self'", 'blob:'],
  // 'self' covers ws:/wss: of the same host and port (CSP Level 3).
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** True when the request carries an Origin header naming another site than this server. */
export function crossSite(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  const host = req.headers.host;
  return !host || origin !== `${req.protocol}://${host}`;
}

async function webConsole(app: FastifyInstance, o: WebConsoleOptions): Promise<void> {
  // HOTLINE_WEB_DIR: a console built elsewhere (a site's own build; each test process its own).
  const root = o.root ?? process.env.HOTLINE_WEB_DIR ?? CONSOLE_DIR;
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    strictTransportSecurity: false,
    // Tokens must not leak to other sites in a Referer.
    referrerPolicy: { policy: 'no-referrer' },
  });

  app.addHook('onRequest', async (req, reply) => {
    const upgrade = String(req.headers.upgrade ?? '').toLowerCase() === 'websocket';
    if ((req.method === 'POST' || upgrade) && crossSite(req)) {
      return reply.code(403).send(seatError('SEAT_ORIGIN_REFUSED', `origin ${String(req.headers.origin).slice(0, 100)}`).toJSON());
    }
  });

  if (!existsSync(`${root}/index.html`)) {
    app.get('/', async (_req, reply) => reply.code(503).send(seatError('SEAT_CONSOLE_NOT_BUILT', root).toJSON()));
    return;
  }
  await app.register(fastifyStatic, {
    root,
    // Revalidate each load (ETag): a rebuilt console is picked up at once.
    cacheControl: false,
    setHeaders: (res) => res.setHeader('cache-control', 'no-cache'),
  });
}

/** Not encapsulated: the headers and the origin rule cover every route of the seat server. */
export default fp(webConsole, { name: 'hotline-web-console', fastify: '5.x' });
