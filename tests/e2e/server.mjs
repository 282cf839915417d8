// Starts scripts/serve.mjs as a child process, for the e2e runner, the tests
// that need a server of their own and the benchmarks.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Runs `node scripts/serve.mjs --port 0 ...args` and resolves, once it listens, to
 * `{ url, port, child, stop }`: `url` is `http://127.0.0.1:<port>/` (the server binds
 * 127.0.0.1), `stop()` kills it and waits for it to exit. Rejects if it exits first or
 * has not started within 15 s.
 */
export function startServer(args = [], { cwd = repo } = {}) {
  const child = spawn(process.execPath, [path.join(repo, 'scripts', 'serve.mjs'), '--port', '0', ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill();
    await gone;
  };
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`serve.mjs did not start within 15 s\n${out}`));
    }, 15_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/https?:\/\/[^:\s/]+:(\d+)\//);
      if (m) {
        clearTimeout(timer);
        const port = Number(m[1]);
        resolve({ url: `http://127.0.0.1:${port}/`, port, child, stop });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve.mjs exited early with status ${code}\n${out}`));
    });
  });
}
