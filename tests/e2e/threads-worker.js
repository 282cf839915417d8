// A dedicated module worker holding one wasm build of the core, for the threaded build's
// test (tests/e2e/threads.test.mjs) and speed figures (bench/threads.mjs): the way the page
// runs the engine in a worker. Messages (each answered by one message, `{ error }` on
// failure):
//
//   { cmd: 'load', pkg, threads }  imports `/<pkg>/ganplay.js`, inits it and, when
//                                  `threads` is given, awaits `initThreadPool(threads)`
//                                  -> { threads: threadCount() (1 for a build without) }
//   { cmd: 'train', config, steps } a Playground on the built-in digits with `config`,
//                                  `steps` training steps -> { checkpoint } (its bytes)
//   { cmd: 'speed', config, batches, warmup, steps }  raw training speed per batch size
//                                  -> { stepsPerS: [...] }, one per batch
//
// Its messages use `cmd`, never `type`: wasm-bindgen-rayon's helper, loaded with the
// threaded build, listens on this worker's messages for `type: 'wasm_bindgen_worker_init'`.
import { fetchGz } from '../../www/util.js';

const DATA = ['../../www/data/mnist-10k-images-idx3-ubyte.gz', '../../www/data/mnist-10k-labels-idx1-ubyte.gz'];

let glue = null;
let digits = null;

async function load({ pkg, threads }) {
  glue = await import(new URL(`../../${pkg}/ganplay.js`, import.meta.url).href);
  await glue.default();
  if (threads) await glue.initThreadPool(threads);
  digits = await Promise.all(DATA.map((path) => fetchGz(new URL(path, import.meta.url).href)));
  return { threads: glue.threadCount ? glue.threadCount() : 1 };
}

const playground = (config) => new glue.Playground(digits[0], digits[1], JSON.stringify(config));

function train({ config, steps }) {
  const pg = playground(config);
  try {
    if (pg.train_steps(steps) !== steps) throw new Error('training stopped early');
    return { checkpoint: pg.save_checkpoint() };
  } finally {
    pg.free();
  }
}

function speed({ config, batches, warmup, steps }) {
  const pg = playground(config);
  try {
    return {
      stepsPerS: batches.map((batch) => {
        pg.set_hyperparameters(JSON.stringify({ ...JSON.parse(pg.config_json()), batch_size: batch }));
        pg.train_steps(warmup);
        const t0 = performance.now();
        pg.train_steps(steps);
        return (steps * 1000) / (performance.now() - t0);
      }),
    };
  } finally {
    pg.free();
  }
}

const COMMANDS = { load, train, speed };

self.addEventListener('message', async ({ data }) => {
  if (!(data?.cmd in COMMANDS)) return;
  try {
    const answer = await COMMANDS[data.cmd](data);
    self.postMessage(answer, answer.checkpoint ? [answer.checkpoint.buffer] : []);
  } catch (err) {
    self.postMessage({ error: String(err?.stack || err) });
  }
});
