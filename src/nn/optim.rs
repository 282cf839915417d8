//! Optimisers over a flat parameter buffer: SGD with momentum, and Adam.
//!
//! SGD (PyTorch's form): `v = momentum·v + g`, `p -= lr·v`.
//! Adam (Kingma & Ba, 2015): `m = β1·m + (1-β1)·g`, `v = β2·v + (1-β2)·g²`,
//! `p -= lr · (m / (1-β1^t)) / (sqrt(v / (1-β2^t)) + ε)`, with `t` the step count,
//! starting at 1. Bias correction divides; convnetjs once multiplied, and nobody noticed.

use serde::{Deserialize, Serialize};

/// Hyperparameters of SGD with momentum.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SgdConfig {
    pub lr: f32,
    pub momentum: f32,
}

impl Default for SgdConfig {
    fn default() -> Self {
        SgdConfig {
            lr: 0.01,
            momentum: 0.9,
        }
    }
}

/// Hyperparameters of Adam. The defaults are DCGAN's (Radford et al., 2016).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdamConfig {
    pub lr: f32,
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
}

impl Default for AdamConfig {
    fn default() -> Self {
        AdamConfig {
            lr: 2e-4,
            beta1: 0.5,
            beta2: 0.999,
            eps: 1e-8,
        }
    }
}

/// Which optimiser, with its hyperparameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OptimizerConfig {
    Sgd(SgdConfig),
    Adam(AdamConfig),
}

impl Default for OptimizerConfig {
    fn default() -> Self {
        OptimizerConfig::Adam(AdamConfig::default())
    }
}

impl OptimizerConfig {
    /// The learning rate, whichever the optimiser.
    pub fn lr(&self) -> f32 {
        match self {
            OptimizerConfig::Sgd(c) => c.lr,
            OptimizerConfig::Adam(c) => c.lr,
        }
    }

    /// Checks every hyperparameter, saying which one is wrong and why.
    pub fn validate(&self) -> Result<(), String> {
        fn check(name: &str, v: f32, ok: bool, range: &str) -> Result<(), String> {
            if v.is_finite() && ok {
                Ok(())
            } else {
                Err(format!("{name} must be {range}, got {v}"))
            }
        }
        let lr = self.lr();
        check("learning rate", lr, lr > 0.0 && lr <= 10.0, "in (0, 10]")?;
        match *self {
            OptimizerConfig::Sgd(c) => check(
                "momentum",
                c.momentum,
                (0.0..1.0).contains(&c.momentum),
                "in [0, 1)",
            ),
            OptimizerConfig::Adam(c) => {
                check("beta1", c.beta1, (0.0..1.0).contains(&c.beta1), "in [0, 1)")?;
                check("beta2", c.beta2, (0.0..1.0).contains(&c.beta2), "in [0, 1)")?;
                check("epsilon", c.eps, c.eps > 0.0 && c.eps <= 1.0, "in (0, 1]")
            }
        }
    }
}

/// An optimiser's state for one flat parameter buffer.
#[derive(Clone, Debug, PartialEq)]
pub struct Optimizer {
    pub config: OptimizerConfig,
    /// Updates taken so far; Adam's bias correction uses it.
    pub step: u64,
    /// SGD: the velocity. Adam: the first moment `m`. Shape of the parameters.
    pub m: Vec<f32>,
    /// Adam: the second moment `v`. Empty for SGD.
    pub v: Vec<f32>,
}

impl Optimizer {
    /// Fresh state (zero moments) for `len` parameters.
    pub fn new(config: OptimizerConfig, len: usize) -> Optimizer {
        let v_len = match config {
            OptimizerConfig::Sgd(_) => 0,
            OptimizerConfig::Adam(_) => len,
        };
        Optimizer {
            config,
            step: 0,
            m: vec![0.0; len],
            v: vec![0.0; v_len],
        }
    }

    /// Changes the hyperparameters. The moments carry over when the kind stays the same
    /// (a new learning rate mid-run); switching SGD ⇄ Adam starts from fresh state.
    pub fn set_config(&mut self, config: OptimizerConfig) {
        let same_kind = std::mem::discriminant(&config) == std::mem::discriminant(&self.config);
        if same_kind {
            self.config = config;
        } else {
            *self = Optimizer::new(config, self.m.len());
        }
    }

    /// Applies one update to `params` from `grads`: one flat loop, which with the
    /// `threads` feature is cut into one run of elements per thread of the current rayon
    /// pool (each element's arithmetic is its own, so the bits do not change).
    ///
    /// ```
    /// use ganplay::nn::{AdamConfig, Optimizer, OptimizerConfig, SgdConfig};
    ///
    /// // SGD: v = 0.5·v + g, p -= 0.5·v; numbers exact in f32.
    /// let sgd = OptimizerConfig::Sgd(SgdConfig { lr: 0.5, momentum: 0.5 });
    /// let mut opt = Optimizer::new(sgd, 1);
    /// let mut p = [1.0f32];
    /// opt.update(&mut p, &[1.0]);
    /// assert_eq!(p, [0.5]);
    /// opt.update(&mut p, &[1.0]);
    /// assert_eq!((p, opt.m[0], opt.step), ([-0.25], 1.5, 2));
    ///
    /// // Adam's first step, bias-corrected, moves each parameter by about lr against the
    /// // sign of its gradient, whatever the gradient's size.
    /// let adam = OptimizerConfig::Adam(AdamConfig { lr: 0.1, ..AdamConfig::default() });
    /// let mut opt = Optimizer::new(adam, 2);
    /// let mut p = [1.0f32, 1.0];
    /// opt.update(&mut p, &[2.0, -1e-3]);
    /// assert!((p[0] - 0.9).abs() < 1e-5 && (p[1] - 1.1).abs() < 1e-4, "{p:?}");
    /// ```
    pub fn update(&mut self, params: &mut [f32], grads: &[f32]) {
        assert_eq!(params.len(), grads.len());
        assert_eq!(params.len(), self.m.len());
        self.step += 1;
        let rule = match self.config {
            OptimizerConfig::Sgd(SgdConfig { lr, momentum }) => Rule::Sgd { lr, momentum },
            OptimizerConfig::Adam(AdamConfig {
                lr,
                beta1,
                beta2,
                eps,
            }) => {
                let t = self.step.min(i32::MAX as u64) as i32;
                Rule::Adam {
                    lr,
                    beta1,
                    beta2,
                    eps,
                    bias1: 1.0 - beta1.powi(t),
                    bias2: 1.0 - beta2.powi(t),
                }
            }
        };
        super::profile::timed(super::profile::Part::Optimiser, || {
            in_runs(rule, params, grads, &mut self.m, &mut self.v)
        });
    }
}

/// One update's arithmetic, with Adam's bias corrections for this step.
#[derive(Clone, Copy)]
enum Rule {
    Sgd {
        lr: f32,
        momentum: f32,
    },
    Adam {
        lr: f32,
        beta1: f32,
        beta2: f32,
        eps: f32,
        bias1: f32,
        bias2: f32,
    },
}

/// Elements per run below which an update is not cut further: handing a run to another
/// thread costs microseconds, and 2^16 elements take about that (a D of 2^14 parameters
/// stays on one thread; the default G's 0.56 M and D's 0.53 M go in two).
#[cfg(feature = "threads")]
const MIN_RUN: usize = 1 << 16;

/// [`apply`] over the whole buffers, with the `threads` feature halved recursively with
/// `rayon::join` down to one run per thread of the pool (or [`MIN_RUN`] elements).
/// `v` is empty for SGD.
fn in_runs(rule: Rule, p: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32]) {
    #[cfg(feature = "threads")]
    {
        let runs = rayon::current_num_threads().min(p.len() / MIN_RUN);
        if runs > 1 {
            return halve(rule, p, g, m, v, runs);
        }
    }
    apply(rule, p, g, m, v);
}

#[cfg(feature = "threads")]
fn halve(rule: Rule, p: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32], runs: usize) {
    if runs < 2 {
        return apply(rule, p, g, m, v);
    }
    let left = runs / 2;
    let at = p.len() * left / runs;
    let (p0, p1) = p.split_at_mut(at);
    let (g0, g1) = g.split_at(at);
    let (m0, m1) = m.split_at_mut(at);
    let (v0, v1) = v.split_at_mut(at.min(v.len()));
    rayon::join(
        || halve(rule, p0, g0, m0, v0, left),
        || halve(rule, p1, g1, m1, v1, runs - left),
    );
}

/// The update of one run of elements.
fn apply(rule: Rule, params: &mut [f32], grads: &[f32], m: &mut [f32], v: &mut [f32]) {
    let n = params.len();
    match rule {
        Rule::Sgd { lr, momentum } => {
            for ((p, &g), vel) in params.iter_mut().zip(&grads[..n]).zip(&mut m[..n]) {
                *vel = momentum * *vel + g;
                *p -= lr * *vel;
            }
        }
        Rule::Adam {
            lr,
            beta1,
            beta2,
            eps,
            bias1,
            bias2,
        } => {
            // Indexed over slices of one length, so the bounds checks go and the loop
            // vectorises (simd128 has f32x4 sqrt and div); the same operations per
            // element, so the same bits as a scalar loop.
            let (g, m, v) = (&grads[..n], &mut m[..n], &mut v[..n]);
            for i in 0..n {
                m[i] = beta1 * m[i] + (1.0 - beta1) * g[i];
                v[i] = beta2 * v[i] + (1.0 - beta2) * g[i] * g[i];
                let m_hat = m[i] / bias1;
                let v_hat = v[i] / bias2;
                params[i] -= lr * m_hat / (v_hat.sqrt() + eps);
            }
        }
    }
}
