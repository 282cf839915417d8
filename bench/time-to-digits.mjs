// Time to digits, part of `make bench`: how long a newcomer waits, from pressing Train,
// until G draws recognisable digits of every kind — the moment the judge first reads a
// Fréchet distance of at most 30 with no digit under 5% of the samples.
//
//   - the page: the default page (the engine path it picks), Train pressed from inside
//     the page the moment it is ready; the page's own judge scores 500 samples every 200
//     steps, and the clock stops when a verdict that meets the bar reaches the page;
//   - native: `ganplay train --seed 1` with the default recipe, judged on 2,000 samples
//     every 250 steps; the seconds are metrics.csv's, training time without the judging.
//
// Prints one JSON line per figure (seconds and the step it happened at).
//
// Usage: GANPLAY_URL=http://127.0.0.1:PORT/ node bench/time-to-digits.mjs [--page-only|--native-only]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseUrl, launchBrowser, newPage } from '../tests/e2e/chromium.mjs';

/** The bar: the judge's Fréchet distance at most this… */
const FD_BAR = 30;
/** …and every digit at least this share of the samples. */
const SHARE_BAR = 0.05;
/** Give up after this long in the page, and after this many steps natively. */
const PAGE_LIMIT_S = 300;
const NATIVE_STEPS = 6000;

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const emit = (figure) => console.log(JSON.stringify(figure));
const only = process.argv[2];

if (only !== '--native-only') await page();
if (only !== '--page-only') native();

async function page() {
  const browser = await launchBrowser();
  try {
    const tab = await newPage(browser);
    await tab.setViewportSize({ width: 1280, height: 900 });
    await tab.goto(baseUrl(), { waitUntil: 'commit' });
    await tab.waitForFunction(() => window.ganplay?.ready === true, null, { timeout: 60_000 });
    const result = await tab.evaluate(
      ({ fdBar, shareBar, limitS }) =>
        new Promise((resolve) => {
          const app = window.ganplay.state;
          const start = performance.now();
          document.getElementById('train').click();
          const timer = setInterval(() => {
            const seconds = (performance.now() - start) / 1000;
            const q = app.quality?.last;
            const rows = q?.history ?? [];
            for (let i = 0; i + q.columns <= rows.length; i += q.columns) {
              const [step, fd, minShare] = [rows[i], rows[i + 1], rows[i + 2]];
              if (fd <= fdBar && minShare >= shareBar) {
                clearInterval(timer);
                resolve({ seconds, step, fd, minShare, engine: document.getElementById('engine-path').textContent });
                return;
              }
            }
            if (seconds > limitS) {
              clearInterval(timer);
              resolve({ seconds: null, step: app.view.steps, engine: document.getElementById('engine-path').textContent });
            }
          }, 100);
        }),
      { fdBar: FD_BAR, shareBar: SHARE_BAR, limitS: PAGE_LIMIT_S },
    );
    emit({ build: 'page', figure: 'time_to_digits_s', value: result.seconds, step: result.step, fd: result.fd, min_share: result.minShare, engine: result.engine, limit_s: PAGE_LIMIT_S });
  } finally {
    await browser.close();
  }
}

function native() {
  const bin = path.join(repo, 'target', 'release', 'ganplay');
  const out = mkdtempSync(path.join(tmpdir(), 'ganplay-ttd-'));
  try {
    execFileSync(bin, ['train', '--steps', String(NATIVE_STEPS), '--seed', '1', '--out', out, '--log-every', '0', '--eval-every', '250', '--eval-n', '2000'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const [header, ...lines] = readFileSync(path.join(out, 'metrics.csv'), 'utf8').trim().split('\n');
    const col = Object.fromEntries(header.split(',').map((name, i) => [name, i]));
    const hit = lines
      .map((line) => line.split(','))
      .find((row) => row[col.fd] !== '' && Number(row[col.fd]) <= FD_BAR && Number(row[col.min_class_share]) >= SHARE_BAR);
    emit({
      build: 'native',
      figure: 'time_to_digits_s',
      value: hit ? Number(hit[col.seconds]) : null,
      step: hit ? Number(hit[col.step]) : null,
      fd: hit ? Number(hit[col.fd]) : null,
      min_share: hit ? Number(hit[col.min_class_share]) : null,
      limit_steps: NATIVE_STEPS,
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
