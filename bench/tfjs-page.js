// The in-browser half of the peer benchmark (bench/tfjs.mjs drives it through
// bench/tfjs.html?threads=N, or ?threads=max for navigator.hardwareConcurrency): ganplay's
// default GAN, trained the way ganplay trains it, by TensorFlow.js 4.22 on its wasm backend.
// `tf` is the global from the UMD bundles the page loads from node_modules; the backend's
// .wasm files come from there too (setWasmPaths).
//
// The model and the recipe mirror `GanConfig::default()` (src/gan/config.rs), unconditional:
//   G: 100 → 256 → 512 → 784, LeakyReLU(0.2) hidden, tanh out
//   D: 784 → 512 → 256 → 1,   LeakyReLU(0.2) hidden, a logit out (sigmoid inside the loss)
//   no dropout, no batch norm (ganplay has neither); weights and biases U(-k, k), k = 1/√fan_in
//   Adam: G lr 5e-4, D lr 2e-4, β1 0.5, β2 0.999, ε 1e-8; batch 64
//   D's target for real digits 0.9 (one-sided label smoothing 0.1), 0 for fakes;
//   instance noise N(0, 0.1²) on every image D trains on, real and fake;
//   G's loss non-saturating, −log D(G(z)).
// One step, as ganplay's Gan::train_step (src/gan/mod.rs): (1) D on a real batch,
// (2) G makes a batch from fresh noise, D on it, G frozen, then one D update from both,
// (3) the same fakes through the just-updated D, frozen, back into G, and G's update.
// Real digits: the 10,000 MNIST digits of www/data, scaled to [-1, 1] as ganplay does,
// in a shuffled order per epoch; random pixels only if those files cannot be fetched.

const NOISE_DIM = 100;
const IMAGE_DIM = 784;
const G_SIZES = [NOISE_DIM, 256, 512, IMAGE_DIM];
const D_SIZES = [IMAGE_DIM, 512, 256, 1];
const SLOPE = 0.2;
const BATCH = 64;
const REAL_TARGET = 1 - 0.1;
const INSTANCE_NOISE = 0.1;
const G_ADAM = { lr: 5e-4, beta1: 0.5, beta2: 0.999, eps: 1e-8 };
const D_ADAM = { lr: 2e-4, beta1: 0.5, beta2: 0.999, eps: 1e-8 };

const status = (text) => {
  document.getElementById('status').textContent = text;
};

// ---- the model ------------------------------------------------------------------------

/** An MLP's variables, PyTorch nn.Linear's initialisation. */
function makeMlp(sizes, seed) {
  const layers = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const k = 1 / Math.sqrt(sizes[l]);
    layers.push({
      w: tf.variable(tf.randomUniform([sizes[l], sizes[l + 1]], -k, k, 'float32', seed + 2 * l)),
      b: tf.variable(tf.randomUniform([sizes[l + 1]], -k, k, 'float32', seed + 2 * l + 1)),
    });
  }
  return layers;
}

const vars = (layers) => layers.flatMap((l) => [l.w, l.b]);

/**
 * Dense layers, LeakyReLU between. The matmul and the bias are two ops on purpose: TF.js's
 * fused matmul (tf.fused.matMul, which tf.layers.dense uses) computes the gradients of all
 * its inputs whenever it is differentiated, so D's frozen weights in step (3) and D's and
 * G's input layers would get products nobody needs (a third more transposed products per
 * step, measured); tf.matMul's gradient is computed only for the inputs on the path.
 */
function forward(layers, x, out) {
  layers.forEach((l, i) => {
    x = tf.add(tf.matMul(x, l.w), l.b);
    x = i + 1 < layers.length ? tf.leakyRelu(x, SLOPE) : out(x);
  });
  return x;
}

const G = (m, z) => forward(m.g, z, tf.tanh);
const D = (m, x) => forward(m.d, x, (l) => l);

/** Mean binary cross-entropy on logits against one target: softplus(l) − t·l, as ganplay. */
const bce = (logits, target) =>
  tf.mean(target === 0 ? tf.softplus(logits) : tf.sub(tf.softplus(logits), tf.mul(logits, target)));

const adam = (c) => tf.train.adam(c.lr, c.beta1, c.beta2, c.eps);

function makeModel(seed, optimizers = () => ({ gOpt: adam(G_ADAM), dOpt: adam(D_ADAM) })) {
  return { g: makeMlp(G_SIZES, seed), d: makeMlp(D_SIZES, seed + 100), ...optimizers() };
}

// ---- the two ways to write one step ---------------------------------------------------

// `inp`: { z (B, 100), real (B, 784) with its instance noise, fakeNoise (B, 784) }.
// Both return D's loss (real + fake) and G's loss as a 2-vector, and leave no tensors behind.

/**
 * ganplay's work exactly: G runs forward once per step. Its fakes must be on G's gradient
 * tape before D's update, so D's step (its own gradients and its Adam update) runs inside
 * the function whose gradient with respect to G's variables is taken. D's update assigns
 * new values to its variables, which the tape does not follow; the final D forward reads
 * the updated weights; D's variables are not among the variables differentiated, so step
 * (3) computes no gradient for them, only the one with respect to the pixels, as ganplay.
 */
function stepShared(m, inp) {
  return tf.tidy(() => {
    let dLoss;
    const { value: gLoss, grads } = tf.variableGrads(() => {
      const fakes = tf.add(G(m, inp.z), inp.fakeNoise);
      const d = tf.variableGrads(
        () => tf.add(bce(D(m, inp.real), REAL_TARGET), bce(D(m, fakes), 0)),
        vars(m.d),
      );
      m.dOpt.applyGradients(d.grads);
      dLoss = tf.keep(d.value); // or the tape's tidy disposes it
      return bce(D(m, fakes), 1);
    }, vars(m.g));
    m.gOpt.applyGradients(grads);
    const losses = tf.stack([dLoss, gLoss]);
    dLoss.dispose();
    return losses;
  });
}

/**
 * The idiomatic TF.js way: two `optimizer.minimize` calls. D's step takes the fakes from a
 * G forward outside any tape; G's step runs G forward again on the same noise (same values
 * as the first time, so the same step, but one G forward more than ganplay does).
 */
function stepRecompute(m, inp) {
  return tf.tidy(() => {
    const fakes = tf.tidy(() => tf.add(G(m, inp.z), inp.fakeNoise));
    const dLoss = m.dOpt.minimize(
      () => tf.add(bce(D(m, inp.real), REAL_TARGET), bce(D(m, fakes), 0)),
      true,
      vars(m.d),
    );
    const gLoss = m.gOpt.minimize(() => bce(D(m, tf.add(G(m, inp.z), inp.fakeNoise)), 1), true, vars(m.g));
    return tf.stack([dLoss, gLoss]);
  });
}

/**
 * Not stock TF.js: stepShared with the matmul's gradient rewritten to transpose explicitly,
 * dx = dy·transpose(W) and dW = transpose(x)·dy, so that every product of a step takes the
 * wasm backend's fast path (XNNPACK) instead of its naive loop for transposed operands.
 * The stock gradient is put back after the step. It shows how much of the gap is that path.
 */
const stockMatMulGrad = tf.getGradient('BatchMatMul');
const explicitMatMulGrad = {
  kernelName: 'BatchMatMul',
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved, attrs) => {
    if (attrs.transposeA || attrs.transposeB) return stockMatMulGrad.gradFunc(dy, saved, attrs);
    const [a, b] = saved;
    return { a: () => tf.matMul(dy, tf.transpose(b)), b: () => tf.matMul(tf.transpose(a), dy) };
  },
};

function stepExplicitTranspose(m, inp) {
  tf.registerGradient(explicitMatMulGrad);
  try {
    return stepShared(m, inp);
  } finally {
    tf.registerGradient(stockMatMulGrad);
  }
}

const STEPS = { shared: stepShared, recompute: stepRecompute, 'explicit-transpose': stepExplicitTranspose };

// ---- data -----------------------------------------------------------------------------

async function gunzip(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  // The whole body first: decompressing straight off the network can cancel the request
  // at the end of the gzip stream, which Chromium then reports as a failed request.
  const stream = new Blob([await res.arrayBuffer()]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The built-in MNIST digits as a (N, 784) tensor in [-1, 1] (ganplay's x / 127.5 − 1). */
async function loadDigits() {
  try {
    const bytes = await gunzip(new URL('../www/data/mnist-10k-images-idx3-ubyte.gz', location.href));
    const view = new DataView(bytes.buffer);
    if (view.getUint32(0) !== 0x803) throw new Error('not an IDX image file');
    const n = view.getUint32(4);
    const pixels = new Float32Array(n * IMAGE_DIM);
    for (let i = 0; i < pixels.length; i++) pixels[i] = bytes[16 + i] / 127.5 - 1;
    return { images: tf.tensor2d(pixels, [n, IMAGE_DIM]), n, source: 'mnist-10k' };
  } catch (err) {
    console.warn(`MNIST not loaded (${err.message}): random pixels instead`);
    const n = 10_000;
    return { images: tf.randomUniform([n, IMAGE_DIM], -1, 1), n, source: 'random' };
  }
}

/** Batches of indices, each epoch in a fresh shuffled order (ganplay's BatchSampler). */
function makeSampler(n) {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let cursor = n;
  return () => {
    if (cursor + BATCH > n) {
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      cursor = 0;
    }
    cursor += BATCH;
    return order.slice(cursor - BATCH, cursor);
  };
}

let data;
let nextBatch;

/** One step's inputs: fresh noise, the next real batch; both with D's instance noise. */
const drawInputs = () =>
  tf.tidy(() => ({
    z: tf.randomNormal([BATCH, NOISE_DIM]),
    real: tf.add(tf.gather(data.images, tf.tensor1d(nextBatch(), 'int32')), tf.randomNormal([BATCH, IMAGE_DIM], 0, INSTANCE_NOISE)),
    fakeNoise: tf.randomNormal([BATCH, IMAGE_DIM], 0, INSTANCE_NOISE),
  }));

const disposeInputs = (inp) => Object.values(inp).forEach((t) => t.dispose());

/** One training step with fresh inputs; returns [D loss, G loss] as numbers. */
function trainStep(m, variant) {
  const inp = drawInputs();
  const losses = STEPS[variant](m, inp);
  disposeInputs(inp);
  const values = losses.dataSync();
  losses.dispose();
  if (!values.every(Number.isFinite)) throw new Error(`a loss became ${values} (variant ${variant})`);
  return Array.from(values);
}

// ---- what the driver calls ------------------------------------------------------------

let model;

async function init() {
  const param = new URLSearchParams(location.search).get('threads') || '1';
  const threads = param === 'max' ? navigator.hardwareConcurrency : Number(param);
  tf.wasm.setWasmPaths(new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', location.href).href);
  tf.wasm.setThreadsCount(threads);
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
  await tf.ready();
  data = await loadDigits();
  nextBatch = makeSampler(data.n);
  model = makeModel(1);
  return {
    tfjs: tf.version.tfjs,
    backend: tf.getBackend(),
    threads_asked: threads,
    threads: tf.wasm.getThreadsCount(),
    simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    multithread_support: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
    cross_origin_isolated: self.crossOriginIsolated,
    hardware_concurrency: navigator.hardwareConcurrency,
    data: data.source,
  };
}

/**
 * Every step variant from the same weights on the same inputs, with plain SGD (whose update
 * is lr × the gradient, so the weights show any difference in the gradients, where Adam's
 * first steps would hide their size), two steps: each variant's largest weight difference
 * from the shared step's, G and D, and how far the shared step moved the weights at all.
 */
function selfCheck() {
  const sgd = () => ({ gOpt: tf.train.sgd(0.05), dOpt: tf.train.sgd(0.05) });
  const names = Object.keys(STEPS);
  const models = Object.fromEntries(names.map((n) => [n, makeModel(7, sgd)]));
  const fresh = makeModel(7, sgd);
  const losses = Object.fromEntries(names.map((n) => [n, []]));
  for (let s = 0; s < 2; s++) {
    const inp = drawInputs();
    for (const n of names) {
      const l = STEPS[n](models[n], inp);
      losses[n].push(Array.from(l.dataSync()));
      l.dispose();
    }
    disposeInputs(inp);
  }
  const maxDiff = (x, y) =>
    tf.tidy(() => Math.max(...vars(x).map((v, i) => tf.max(tf.abs(tf.sub(v, vars(y)[i]))).dataSync()[0])));
  const ref = models.shared;
  const out = { g_moved: maxDiff(ref.g, fresh.g), d_moved: maxDiff(ref.d, fresh.d), variants: {} };
  for (const n of names.filter((n) => n !== 'shared')) {
    out.variants[n] = { g_max_diff: maxDiff(models[n].g, ref.g), d_max_diff: maxDiff(models[n].d, ref.d) };
  }
  out.losses = losses;
  for (const m of [...Object.values(models), fresh]) [...vars(m.g), ...vars(m.d)].forEach((v) => v.dispose());
  return out;
}

/** Warm-up steps, then steps until `seconds` have passed and at least `minSteps` ran. */
function time(variant, { warmup, seconds, minSteps }) {
  const first = trainStep(model, variant);
  for (let i = 1; i < warmup; i++) trainStep(model, variant);
  const tensorsBefore = tf.memory().numTensors;
  const t0 = performance.now();
  const stepMs = [];
  let last;
  while (stepMs.length < minSteps || performance.now() - t0 < seconds * 1000) {
    const s0 = performance.now();
    last = trainStep(model, variant);
    stepMs.push(performance.now() - s0);
  }
  const ms = performance.now() - t0;
  stepMs.sort((a, b) => a - b);
  return {
    steps: stepMs.length,
    seconds: ms / 1000,
    steps_per_s: (stepMs.length * 1000) / ms,
    // Per step: on a busy machine the fastest steps are the ones nothing else slowed down.
    step_ms_min: stepMs[0],
    step_ms_median: stepMs[Math.floor(stepMs.length / 2)],
    first_losses: first,
    last_losses: last,
    tensors_leaked: tf.memory().numTensors - tensorsBefore,
  };
}

/**
 * Kernel times of one step (tf.profile), summed by kind. A matmul's transposes are not in
 * the profile, so they are read off its input shapes: forward x(B, in)·W(in, out);
 * dW = xᵀ(in, B)·dy(B, out), inputs (B, in) and (B, out); dx = dy(B, out)·Wᵀ, inputs (B, out)
 * and (in, out). B = 64 is none of the widths, so the shapes tell them apart.
 */
async function profileStep(variant) {
  const inp = drawInputs();
  const start = performance.now();
  const info = await tf.profile(() => STEPS[variant](model, inp).dispose());
  const wallMs = performance.now() - start;
  disposeInputs(inp);
  const byKind = {};
  for (const k of info.kernels) {
    if (k.name.endsWith('__op')) continue; // a custom op's wrapper: its kernels are listed too
    let kind = k.name;
    if (k.name === 'BatchMatMul' || k.name === '_FusedMatMul') {
      const [a, b] = k.inputShapes;
      const [ar, ac] = a.slice(-2);
      const [br, bc] = b.slice(-2);
      if (ac === br) kind = 'matmul x·W (no transpose: XNNPACK)';
      else if (ar === br) kind = 'matmul xᵀ·dy (transposeA: naive loop)';
      else if (ac === bc) kind = 'matmul dy·Wᵀ (transposeB: naive loop)';
      else kind = `${k.name} ${a}×${b}`;
    }
    const e = (byKind[kind] ??= { kind, calls: 0, ms: 0 });
    e.calls++;
    e.ms += await k.kernelTimeMs;
  }
  const kinds = Object.values(byKind).sort((x, y) => y.ms - x.ms);
  return { wall_ms: wallMs, kernel_ms: kinds.reduce((s, k) => s + k.ms, 0), kinds };
}

/**
 * Milliseconds per call of D's first layer's product, (64, 784)·(784, 512), in the three
 * forms training needs, and dW once more as an explicit transpose and a plain product.
 * The wasm backend computes each kernel when it is called, so no read-back is needed.
 */
function probeMatmul(reps = 10) {
  const [B, IN, OUT] = [BATCH, IMAGE_DIM, 512];
  const x = tf.randomNormal([B, IN]);
  const w = tf.randomNormal([IN, OUT]);
  const dy = tf.randomNormal([B, OUT]);
  const forms = {
    none: () => tf.matMul(x, w),
    transpose_a: () => tf.matMul(x, dy, true, false),
    transpose_b: () => tf.matMul(dy, w, false, true),
    explicit_transpose_then_none: () => tf.matMul(tf.transpose(x), dy),
  };
  const out = { shape: `${B}x${IN}x${OUT}` };
  for (const [name, f] of Object.entries(forms)) {
    tf.tidy(f);
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) tf.tidy(f);
    out[name] = (performance.now() - t0) / reps;
  }
  [x, w, dy].forEach((t) => t.dispose());
  return out;
}

window.tfjsBench = { init, selfCheck, time, profileStep, probeMatmul };
status('ready');
window.tfjsBenchLoaded = true;
