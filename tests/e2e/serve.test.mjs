// Tests for scripts/serve.mjs (no browser): MIME types, .gz served as-is,
// no escaping the root. Uses its own fixture root in a temp directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { startServer } from './server.mjs';

let tmp, root, server, port;
const gzBytes = zlib.gzipSync(Buffer.from('hello mnist\n'));

// Raw GET with the path exactly as given (fetch() would normalise `..`).
function get(rawPath) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method: 'GET' }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ganplay-serve-'));
  root = path.join(tmp, 'root');
  fs.mkdirSync(path.join(root, 'sub', 'dir'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>t</title>');
  fs.writeFileSync(path.join(root, 'sub', 'dir', 'index.html'), 'inner');
  fs.writeFileSync(path.join(root, 'a.js'), 'export {}');
  fs.writeFileSync(path.join(root, 'a.mjs'), 'export {}');
  fs.writeFileSync(path.join(root, 'm.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  fs.writeFileSync(path.join(root, 'd.gz'), gzBytes);
  fs.writeFileSync(path.join(root, 'w.safetensors'), Buffer.alloc(16));
  fs.writeFileSync(path.join(tmp, 'secret.txt'), 'secret');
  fs.symlinkSync(path.join(tmp, 'secret.txt'), path.join(root, 'link.txt'));

  server = await startServer(['--root', root]);
  port = server.port;
});

after(async () => {
  await server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('/ serves index.html', async () => {
  const r = await get('/');
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/html/);
  assert.match(r.body.toString(), /<title>t<\/title>/);
});

test('MIME types', async () => {
  assert.equal((await get('/m.wasm')).headers['content-type'], 'application/wasm');
  assert.match((await get('/a.js')).headers['content-type'], /^text\/javascript/);
  assert.match((await get('/a.mjs')).headers['content-type'], /^text\/javascript/);
  assert.equal((await get('/w.safetensors')).headers['content-type'], 'application/octet-stream');
});

test('.gz is served as-is, without Content-Encoding', async () => {
  const r = await get('/d.gz');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/gzip');
  assert.equal(r.headers['content-encoding'], undefined);
  assert.deepEqual(r.body, gzBytes);
});

test('directories redirect to a trailing slash and serve their index.html', async () => {
  const r = await get('/sub/dir');
  assert.equal(r.status, 301);
  assert.equal(r.headers.location, '/sub/dir/');
  assert.equal((await get('/sub/dir/')).body.toString(), 'inner');
  assert.equal((await get('/sub/')).status, 404);
});

test('nothing outside the root is served', async () => {
  for (const p of ['/../secret.txt', '/sub/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/link.txt']) {
    const r = await get(p);
    assert.ok(r.status >= 400, `${p} -> ${r.status}`);
    assert.ok(!r.body.toString().includes('secret'), `${p} leaked the file`);
  }
  assert.equal((await get('/missing.txt')).status, 404);
});
