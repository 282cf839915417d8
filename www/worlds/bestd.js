// The best discriminator of a 1-D world (lecture section 10; Goodfellow et al. 2014,
// Proposition 1): for a fixed G, the D that maximises V(G, D) is
//     D*(x) = p_data(x) / (p_data(x) + p_g(x)),
// and with it V(G, D*) = −log 4 + 2·JS(p_data ‖ p_g): the loss D reaches, when it is at its
// best, measures the Jensen–Shannon divergence between the data and G's samples. The two
// densities here are the view's kernel estimates (view1d.js `density`) on its grid over
// [-1, 1]; D is the learned discriminator's curve, sampled at `d.length` cell centres.

/**
 * Where p_data + p_g is below this share of its peak, the ratio is two kernel tails divided
 * (noise, not a verdict): D* is drawn only where there are points.
 */
const EMPTY = 0.03;

/** D*(x) at each grid point of `real`/`fake` (same length); NaN where there are next to no points. */
export function bestD(real, fake) {
  let peak = 0;
  for (let i = 0; i < real.length; i++) peak = Math.max(peak, real[i] + fake[i]);
  const out = new Float64Array(real.length);
  for (let i = 0; i < real.length; i++) {
    const sum = real[i] + fake[i];
    out[i] = sum > EMPTY * peak ? real[i] / sum : NaN;
  }
  return out;
}

/**
 * The lesson's numbers for one view, from the densities on a grid of `real.length`
 * points over [-1, 1] and the learned D's curve `d`:
 *   value: V(G, D*) = E_data[log D*] + E_g[log(1 − D*)], in nats (−log 4 ≈ −1.386 when G
 *          matches the data, 0 when they do not overlap);
 *   js:    JS(p_data ‖ p_g) = (value + log 4) / 2, in nats (0 … log 2);
 *   gap:   the mean |D(x) − D*(x)| weighted by the mixture ½(p_data + p_g): how far the
 *          learned D is from the best one where there are points.
 * Each density is renormalised over the grid first (its kernels spill past ±1).
 */
export function bestDFigures(real, fake, d) {
  const n = real.length;
  const dx = 2 / (n - 1);
  const mass = (p) => p.reduce((s, v) => s + v, 0) * dx;
  const mr = mass(real);
  const mf = mass(fake);
  if (!(mr > 0) || !(mf > 0) || !d.length) return null;
  let value = 0;
  let gap = 0;
  for (let i = 0; i < n; i++) {
    const p = real[i] / mr;
    const q = fake[i] / mf;
    if (p + q <= 0) continue;
    const star = p / (p + q);
    // p log D* and q log(1 − D*), as log p − log(p + q) and log q − log(p + q) (1 − D*
    // rounds to 0 where q is tiny beside p); each term 0 where its own density is.
    const logSum = Math.log(p + q);
    if (p > 0) value += p * (Math.log(p) - logSum) * dx;
    if (q > 0) value += q * (Math.log(q) - logSum) * dx;
    const x = -1 + i * dx;
    const cell = Math.min(d.length - 1, Math.max(0, Math.floor(((x + 1) / 2) * d.length)));
    gap += 0.5 * (p + q) * Math.abs(d[cell] - star) * dx;
  }
  return { value, js: (value + Math.log(4)) / 2, gap };
}
