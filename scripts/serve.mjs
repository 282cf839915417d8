#!/usr/bin/env node
// Zero-dependency static file server for the ganplay page.
//
//   node scripts/serve.mjs [--port N] [--host H] [--root DIR] [--plain]
//
// --plain serves as a plain static host does (GitHub Pages, `python3 -m http.server`): no
// cross-origin-isolation headers, and Cache-Control: max-age=600 as GitHub Pages sends;
// the static site's test (tests/e2e/hosting.test.mjs) serves dist/ this way.
//
// - serves the repository root (default) so /index.html, /pkg/*, /www/* work;
//   `/` and any directory with an index.html serve that index.html
// - PORT env var or --port (default 8080; 0 picks a free port)
// - HOST env var or --host (default 127.0.0.1)
// - prints "Serving <root> at http://localhost:<port>/" once listening
//   (tests/e2e/run.mjs parses that line to learn the port)
// - correct MIME types: application/wasm for .wasm, text/javascript for .js/.mjs
// - .gz files are served AS-IS as application/gzip with NO Content-Encoding
//   header: the page fetches and decompresses them itself
// - .safetensors / .npy / .bin are application/octet-stream
// - never serves anything outside the root (.. segments, encoded slashes,
//   NUL bytes and symlinks pointing outside are rejected)
// - Cache-Control: no-cache, so a rebuilt pkg/ is always picked up (asked again each time:
//   the responses carry no validators) while a page left by a link can still come back
//   from the back/forward cache, which no-store would keep it out of
// - every response, errors and redirects included, carries COOP/COEP headers that make
//   the page cross-origin isolated: SharedArrayBuffer, and so the threaded wasm build's
//   shared memory (pkg-threads/, docs/threads.md), needs it
import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.ts': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.toml': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.gz': 'application/gzip',
  '.safetensors': 'application/octet-stream',
  '.npy': 'application/octet-stream',
  '.bin': 'application/octet-stream',
};

function parseArgs(argv) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const opts = {
    port: process.env.PORT ?? '8080',
    host: process.env.HOST ?? '127.0.0.1',
    root: path.resolve(here, '..'),
    plain: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? a.split(/=(.*)/s, 2) : [a, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--port' || flag === '-p') opts.port = value();
    else if (flag === '--host') opts.host = value();
    else if (flag === '--root') opts.root = path.resolve(value());
    else if (flag === '--plain') opts.plain = true;
    else if (flag === '--help' || flag === '-h') {
      console.log('usage: node scripts/serve.mjs [--port N] [--host H] [--root DIR] [--plain]');
      process.exit(0);
    } else {
      console.error(`serve.mjs: unknown argument ${a}`);
      process.exit(2);
    }
  }
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve.mjs: bad port ${opts.port}`);
    process.exit(2);
  }
  opts.port = port;
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const root = fs.realpathSync(opts.root);

function within(p) {
  return p === root || p.startsWith(root + path.sep);
}

/** Sent with every response (but with --plain): together they make the page cross-origin isolated. */
const ISOLATION = opts.plain
  ? {}
  : {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };

function send(res, status, body, headers = {}) {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...ISOLATION,
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

async function handle(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  } catch {
    return send(res, 400, 'bad request\n');
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return send(res, 400, 'bad request\n');

  let file = path.resolve(root, '.' + path.posix.normalize('/' + pathname));
  if (!within(file)) return send(res, 403, 'forbidden\n');

  let real;
  try {
    real = await fsp.realpath(file);
  } catch {
    return send(res, 404, 'not found\n');
  }
  if (!within(real)) return send(res, 403, 'forbidden\n');

  let st = await fsp.stat(real);
  if (st.isDirectory()) {
    if (!pathname.endsWith('/')) {
      const u = new URL(req.url, 'http://x');
      return send(res, 301, 'moved\n', { Location: u.pathname + '/' + u.search });
    }
    real = path.join(real, 'index.html');
    try {
      st = await fsp.stat(real);
    } catch {
      return send(res, 404, 'not found\n');
    }
  }
  if (!st.isFile()) return send(res, 404, 'not found\n');

  const type = MIME[path.extname(real).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': st.size,
    'Cache-Control': opts.plain ? 'max-age=600' : 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    ...ISOLATION,
  });
  if (req.method === 'HEAD') return res.end();
  const stream = fs.createReadStream(real);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((err) => {
    console.error(`serve.mjs: ${req.method} ${req.url}: ${err.message}`);
    if (!res.headersSent) send(res, 500, 'internal error\n');
    else res.destroy();
  });
});

server.on('error', (err) => {
  console.error(`serve.mjs: ${err.message}`);
  process.exit(1);
});

server.listen(opts.port, opts.host, () => {
  const { port } = server.address();
  console.log(`Serving ${root} at http://localhost:${port}/`);
});

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    server.close();
    process.exit(0);
  });
}
