#!/usr/bin/env node
// End-to-end test runner for the page.
//
//   node tests/e2e/run.mjs [test files...]        (or: make e2e)
//
// Builds nothing: `make test` / `make e2e` build the release wasm into pkg/
// first. This runner
//   1. starts scripts/serve.mjs on a free port (unless GANPLAY_URL is already
//      set, in which case that server is used as is),
//   2. runs node's built-in test runner (`node --test`, spec reporter) on every
//      tests/e2e/*.test.mjs file (or the files given as arguments) with
//      GANPLAY_URL pointing at the server,
//   3. stops the server and exits with the test runner's status.
//
// Adding tests: drop a new `tests/e2e/<name>.test.mjs` file using `node:test`
// (see page.test.mjs) and the helpers in browser.mjs; nothing to register.
// Env: E2E_TIMEOUT_MS (default 1500000: the whole suite takes about 11 minutes here,
// so 25 kill only a hung run, well inside CI's 90) kills a hung run; CHROMIUM picks the
// browser binary (default /usr/bin/chromium).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const timeoutMs = Number(process.env.E2E_TIMEOUT_MS || 1_500_000);
const TEST_TIMEOUT_MS = 300_000;

const children = new Set();
function cleanup() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    cleanup();
    process.exit(130);
  });
}

async function serveRepo() {
  const server = await startServer([], { cwd: repo });
  children.add(server.child);
  return server.url;
}

function testFiles() {
  const args = process.argv.slice(2);
  if (args.length) return args.map((f) => path.resolve(f));
  return fs
    .readdirSync(here)
    .filter((f) => f.endsWith('.test.mjs'))
    .sort()
    .map((f) => path.join(here, f));
}

let url = process.env.GANPLAY_URL;
if (!url) {
  url = await serveRepo();
  console.log(`e2e: serving repository root at ${url}`);
} else {
  console.log(`e2e: using GANPLAY_URL=${url}`);
}

const files = testFiles();
if (!files.length) {
  console.error('e2e: no tests/e2e/*.test.mjs files found');
  process.exit(1);
}

// --test-timeout: a test that hangs fails by name after 5 minutes (the longest take about
// one) rather than stall the run; --test-force-exit: a browser a failed test left open
// does not keep the run alive after its last test.
const runner = spawn(process.execPath, ['--test', '--test-reporter=spec', `--test-timeout=${TEST_TIMEOUT_MS}`, '--test-force-exit', ...files], {
  cwd: repo,
  stdio: 'inherit',
  env: { ...process.env, GANPLAY_URL: url },
});
children.add(runner);

const killer = setTimeout(() => {
  console.error(`e2e: timed out after ${timeoutMs} ms, killing the test run`);
  runner.kill('SIGKILL');
}, timeoutMs);

const [code, signal] = await new Promise((resolve) => runner.on('exit', (c, s) => resolve([c, s])));
clearTimeout(killer);
cleanup();
process.exit(code ?? (signal ? 1 : 0));
