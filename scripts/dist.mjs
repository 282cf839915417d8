#!/usr/bin/env node
// Makes the static site: `dist/`, which any static server can serve as it is (no special
// headers, no build tool), offline after the first visit (docs/hosting.md).
//
//   node scripts/dist.mjs [--out DIR]        (or: make dist, which builds the wasm first)
//
// It builds nothing: it copies the page as `make build` left it — index.html, www/ and the
// three wasm packages — and lays it out as
//   dist/index.html           the page, its references pointing into v/<build>/
//   dist/sw.js                the service worker (www/sw.js with BUILD and FILES filled in)
//   dist/v/<build>/…          www/, pkg/, pkg-relaxed/, pkg-threads/: every other file
//   dist/.nojekyll            GitHub Pages serves the files as they are
// <build> is a hash of every file's name and bytes, so a file's address changes whenever
// anything in the build does: a browser or a cache may keep v/<build>/ for ever, and a
// redeploy is a new page pointing at a new folder (never old modules with new wasm).
// Prints the build's name and its size; exits non-zero, saying why, when a package is
// missing.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outArg = args.indexOf('--out');
const out = path.resolve(outArg >= 0 ? args[outArg + 1] ?? 'dist' : path.join(repo, 'dist'));

/** What the site holds: www/ but the README's screenshot and the service worker's template, and of each package what the page loads. */
const PACKAGES = ['pkg', 'pkg-relaxed', 'pkg-threads'];
const SKIP_WWW = new Set(['www/screenshot.png', 'www/sw.js', 'www/package.json']);

function die(message) {
  console.error(`dist: ${message}`);
  process.exit(1);
}

/** Every file below `dir` (relative to the repository, '/'-separated), sorted. */
function walk(dir) {
  const found = [];
  for (const entry of fs.readdirSync(path.join(repo, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) found.push(...walk(rel));
    else if (entry.isFile()) found.push(rel);
  }
  return found.sort();
}

function siteFiles() {
  const files = walk('www').filter((f) => !SKIP_WWW.has(f));
  for (const pkg of PACKAGES) {
    for (const needed of ['ganplay.js', 'ganplay_bg.wasm']) {
      if (!fs.existsSync(path.join(repo, pkg, needed))) die(`${pkg}/${needed} is missing: run \`make build\` first (\`make dist\` does)`);
    }
    // The core's test hooks (cargo feature `test-hooks`, pkg-test/) are never published.
    if (fs.readFileSync(path.join(repo, pkg, 'ganplay.js'), 'utf8').includes('debug_panic')) {
      die(`${pkg}/ was built with the test hooks (\`--features test-hooks\`): rebuild it without them (\`rm -rf ${pkg} && make build\`)`);
    }
    files.push(`${pkg}/ganplay.js`, `${pkg}/ganplay_bg.wasm`);
    // wasm-bindgen's snippets: the thread pool's worker script (wasm-bindgen-rayon).
    if (fs.existsSync(path.join(repo, pkg, 'snippets'))) files.push(...walk(`${pkg}/snippets`));
  }
  return files;
}

function buildName(files) {
  const hash = crypto.createHash('sha256');
  for (const f of [...files, 'index.html']) {
    hash.update(`${f}\0`);
    hash.update(fs.readFileSync(path.join(repo, f)));
  }
  return hash.digest('hex').slice(0, 12);
}

/**
 * index.html with every reference to www/ and the packages pointing into v/<build>/, and
 * the build's name in a meta tag (www/host.js registers the service worker where it finds one).
 */
function sitePage(build) {
  let html = fs.readFileSync(path.join(repo, 'index.html'), 'utf8');
  const prefix = `v/${build}/`;
  const before = html;
  html = html.replace(/((?:href|src)=["'])(www\/)/g, `$1${prefix}$2`);
  html = html.replace(/(from\s+['"])\.\/(www\/)/g, `$1./${prefix}$2`);
  if (html === before) die('index.html references no www/ file: has its markup changed?');
  if (/(?:href|src)=["'](?!v\/|#|data:|https?:)[^"']+["']/.test(html.replace(/<a\s[^>]*>/g, ''))) {
    die('index.html references a file outside www/: the static site would not have it');
  }
  const meta = `<meta name="ganplay-build" content="${build}">`;
  if (!html.includes('<meta charset="utf-8">')) die('index.html has no <meta charset="utf-8"> to put the build after');
  return html.replace('<meta charset="utf-8">', `<meta charset="utf-8">\n  ${meta}`);
}

/** www/sw.js with the build's name and its files (path under the site → bytes) filled in. */
function serviceWorker(build, files, page) {
  const source = fs.readFileSync(path.join(repo, 'www', 'sw.js'), 'utf8');
  const sizes = { '': Buffer.byteLength(page) };
  for (const f of files) sizes[`v/${build}/${f}`] = fs.statSync(path.join(repo, f)).size;
  const filled = source
    .replace(/^const BUILD = null;$/m, `const BUILD = ${JSON.stringify(build)};`)
    .replace(/^const FILES = \{\};$/m, `const FILES = ${JSON.stringify(sizes, null, 2)};`);
  if (filled === source || !filled.includes(`const BUILD = "${build}"`) || filled.includes('const FILES = {};')) {
    die('www/sw.js has no `const BUILD = null;` and `const FILES = {};` lines to fill in');
  }
  return filled;
}

const files = siteFiles();
const build = buildName(files);
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
let bytes = 0;
for (const f of files) {
  const to = path.join(out, 'v', build, f);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(path.join(repo, f), to);
  bytes += fs.statSync(to).size;
}
const page = sitePage(build);
const sw = serviceWorker(build, files, page);
fs.writeFileSync(path.join(out, 'index.html'), page);
fs.writeFileSync(path.join(out, 'sw.js'), sw);
fs.writeFileSync(path.join(out, '.nojekyll'), '');
bytes += Buffer.byteLength(page) + Buffer.byteLength(sw);
const mb = (n) => (n / 1e6).toFixed(2);
const wasm = files.filter((f) => f.endsWith('.wasm')).reduce((s, f) => s + fs.statSync(path.join(repo, f)).size, 0);
const models = files.filter((f) => f.startsWith('www/models/')).reduce((s, f) => s + fs.statSync(path.join(repo, f)).size, 0);
console.log(`dist: build ${build}: ${files.length + 2} files, ${mb(bytes)} MB (wasm ${mb(wasm)} MB, pretrained models ${mb(models)} MB) in ${path.relative(process.cwd(), out) || '.'}/`);
