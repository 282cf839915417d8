//! The GAN's configuration: architecture and training hyperparameters. Two recipes:
//! `GanConfig::plain()`, the classic MLP GAN on MNIST as in the textbooks, and the
//! default, the same networks with training changes that help (docs/quality.md). The
//! page's controls map onto these fields one to one, and a checkpoint stores them as JSON
//! in its metadata.

use super::World;
use crate::nn::{AdamConfig, GeneratorLoss, OptimizerConfig};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Digit classes, and the width of a one-hot label.
pub use crate::data::NUM_CLASSES;

/// Side of a square image, in pixels: MNIST's, which the networks are built for.
pub const IMAGE_SIDE: usize = crate::data::MNIST_ROWS;
/// Pixels in an image: what G makes and what D reads.
pub const IMAGE_DIM: usize = IMAGE_SIDE * IMAGE_SIDE;

/// Everything that defines a GAN and how it trains. Missing fields in JSON take their
/// defaults; unknown fields are refused, so a typo in a URL or a file is reported.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GanConfig {
    /// Seeds the initial weights, the noise, the data order, everything.
    pub seed: u64,
    /// Length of G's noise vector z.
    pub noise_dim: usize,
    /// Widths of G's hidden layers (G: noise → hidden… → 784, tanh out).
    pub g_hidden: Vec<usize>,
    /// Widths of D's hidden layers (D: 784 → hidden… → 1 logit).
    pub d_hidden: Vec<usize>,
    /// Conditional GAN: a one-hot digit label is appended to G's and D's inputs.
    pub conditional: bool,
    /// Negative slope of the hidden LeakyReLUs (0 gives plain ReLU).
    pub leaky_slope: f32,
    /// Real images (and fakes) per D update, and fakes per G update.
    pub batch_size: usize,
    /// D updates per G update (the `k` of Goodfellow et al.'s Algorithm 1).
    pub d_steps: usize,
    /// G's objective.
    pub generator_loss: GeneratorLoss,
    /// One-sided label smoothing: D's target for real images is `1 - label_smoothing`.
    pub label_smoothing: f32,
    /// Instance noise: standard deviation of Gaussian noise added to the pixels of every
    /// image D trains on, real and fake (0 turns it off). D can then no longer separate
    /// the two by pixels that are exactly -1 in every real digit, a blind spot that G
    /// otherwise exploits with stuck white specks (Sønderby et al., 2017).
    pub d_input_noise: f32,
    /// Conditional only: weight of a third term in D's loss, real images paired with a
    /// wrong label and labelled fake (the matching-aware discriminator of Reed et al.,
    /// 2016). Without it D only learns that a digit must look real, and its label matters
    /// to D only through G's fakes; with it D checks that the digit is the one named, and
    /// G must draw the digit it was asked for. 0 turns it off; ignored when unconditional.
    pub d_mismatch: f32,
    /// Decay of the moving average of G's weights that samples are drawn from (Polyak
    /// averaging: Yazıcı et al., 2019; Karras et al., 2018); 0 turns it off, and then
    /// the average is G itself. Training never reads the average, so it only changes
    /// what G's samples look like: a GAN's weights circle around a good point rather
    /// than settle on it, and their average sits nearer the middle. The first updates
    /// use a smaller decay, `min(decay, (1 + t) / (10 + t))` after t G updates, so that
    /// the random start is not kept in the average for thousands of steps.
    pub g_average: f32,
    pub g_optimizer: OptimizerConfig,
    pub d_optimizer: OptimizerConfig,
    /// What G learns to draw: the digits (784 pixels, the default), or a 1-D or 2-D
    /// world of points (src/worlds/), which sets the data width G makes and D reads.
    pub world: World,
}

/// The tuned recipe, the default: the plain recipe with faster Adam learning rates, G's
/// (2e-3) five times D's (4e-4), one-sided label smoothing 0.1, instance noise 0.2 on D's
/// inputs, G's weights averaged for sampling and, when conditional, real digits with wrong
/// labels shown to D as fakes (weight 1.5). What it gives against the plain recipe, and
/// how it was tuned: docs/quality.md.
///
/// ```
/// use ganplay::gan::GanConfig;
/// use ganplay::nn::OptimizerConfig;
///
/// let config = GanConfig::default();
/// let lr = |o: &OptimizerConfig| match o {
///     OptimizerConfig::Adam(adam) => adam.lr,
///     OptimizerConfig::Sgd(sgd) => sgd.lr,
/// };
/// assert_eq!(lr(&config.g_optimizer), 2e-3);
/// assert_eq!(lr(&config.d_optimizer), 4e-4);
/// assert_eq!(config.label_smoothing, 0.1);
/// assert_eq!(config.d_input_noise, 0.2);
/// assert_eq!(config.d_mismatch, 1.5);
/// assert!(config.g_average > 0.0);
/// assert_eq!(config.noise_dim, 100);
/// assert_eq!(config.batch_size, 64);
/// ```
impl Default for GanConfig {
    fn default() -> Self {
        GanConfig {
            label_smoothing: 0.1,
            d_input_noise: 0.2,
            d_mismatch: 1.5,
            g_average: DEFAULT_G_AVERAGE,
            g_optimizer: OptimizerConfig::Adam(AdamConfig {
                lr: 2e-3,
                ..AdamConfig::default()
            }),
            d_optimizer: OptimizerConfig::Adam(AdamConfig {
                lr: 4e-4,
                ..AdamConfig::default()
            }),
            ..GanConfig::plain()
        }
    }
}

impl GanConfig {
    /// The plain textbook recipe (Goodfellow et al. 2014 with DCGAN's Adam settings): Adam
    /// lr 2e-4, β1 0.5 for both networks, no label smoothing, no instance noise, and
    /// conditional D sees no wrong labels (the classic CGAN of Mirza and Osindero, 2014).
    ///
    /// ```
    /// use ganplay::gan::GanConfig;
    /// use ganplay::nn::{AdamConfig, OptimizerConfig};
    ///
    /// let plain = GanConfig::plain();
    /// let adam = AdamConfig { lr: 2e-4, beta1: 0.5, ..AdamConfig::default() };
    /// assert_eq!(plain.g_optimizer, OptimizerConfig::Adam(adam));
    /// assert_eq!(plain.d_optimizer, OptimizerConfig::Adam(adam));
    /// assert_eq!(plain.label_smoothing, 0.0);
    /// assert_eq!(plain.d_input_noise, 0.0);
    /// assert_eq!(plain.d_mismatch, 0.0);
    /// ```
    pub fn plain() -> Self {
        GanConfig {
            seed: 1,
            noise_dim: 100,
            g_hidden: vec![256, 512],
            d_hidden: vec![512, 256],
            conditional: false,
            leaky_slope: 0.2,
            batch_size: 64,
            d_steps: 1,
            generator_loss: GeneratorLoss::NonSaturating,
            label_smoothing: 0.0,
            d_input_noise: 0.0,
            d_mismatch: 0.0,
            g_average: 0.0,
            g_optimizer: OptimizerConfig::default(),
            d_optimizer: OptimizerConfig::default(),
            world: World::Digits,
        }
    }
}

impl GanConfig {
    /// The default recipe on small, fast networks: noise 8, one hidden layer of 32 in G
    /// and D, batches of 16. For tests and examples; [`with_small_nets`](Self::with_small_nets)
    /// gives the same networks with another recipe.
    ///
    /// ```
    /// use ganplay::gan::GanConfig;
    ///
    /// let small = GanConfig::small();
    /// assert_eq!((small.noise_dim, small.batch_size), (8, 16));
    /// assert_eq!(small.g_sizes(), [8, 32, 784]);
    /// assert_eq!(small.d_sizes(), [784, 32, 1]);
    /// assert_eq!(small.label_smoothing, GanConfig::default().label_smoothing);
    /// assert!(small.validate().is_ok());
    /// ```
    pub fn small() -> Self {
        GanConfig::default().with_small_nets()
    }

    /// This recipe on [`small`](Self::small)'s networks.
    ///
    /// ```
    /// use ganplay::gan::GanConfig;
    ///
    /// let plain = GanConfig::plain().with_small_nets();
    /// assert!(plain.same_architecture(&GanConfig::small()));
    /// assert_eq!(plain.g_optimizer, GanConfig::plain().g_optimizer);
    /// ```
    pub fn with_small_nets(self) -> Self {
        GanConfig {
            noise_dim: 8,
            g_hidden: vec![32],
            d_hidden: vec![32],
            batch_size: 16,
            ..self
        }
    }
}

/// A configuration value out of range, named, with the range it must be in.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid configuration: {}", self.0)
    }
}

impl std::error::Error for ConfigError {}

/// Largest width of any layer; keeps a typo from asking for gigabytes.
pub const MAX_WIDTH: usize = 4096;
/// Most hidden layers in either network.
pub const MAX_HIDDEN_LAYERS: usize = 6;
/// Largest batch.
pub const MAX_BATCH: usize = 1024;
/// Most D updates per G update.
pub const MAX_D_STEPS: usize = 20;
/// Largest weight of the wrong-label term in D's loss.
pub const MAX_MISMATCH: f32 = 4.0;
/// The default recipe's decay of G's moving average (docs/model.md: chosen by measuring).
pub const DEFAULT_G_AVERAGE: f32 = 0.999;

impl GanConfig {
    /// Parses JSON (missing fields default) and validates it.
    pub fn from_json(json: &str) -> Result<GanConfig, ConfigError> {
        let config: GanConfig = serde_json::from_str(json)
            .map_err(|e| ConfigError(format!("cannot read settings: {e}")))?;
        config.validate()?;
        Ok(config)
    }

    /// The configuration as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a config always serialises")
    }

    /// Checks every field, naming the first one out of range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let err = |msg: String| Err(ConfigError(msg));
        if !(1..=MAX_WIDTH).contains(&self.noise_dim) {
            return err(format!(
                "noise size must be in 1..={MAX_WIDTH}, got {}",
                self.noise_dim
            ));
        }
        for (name, hidden) in [("G", &self.g_hidden), ("D", &self.d_hidden)] {
            if hidden.len() > MAX_HIDDEN_LAYERS {
                return err(format!(
                    "{name} may have at most {MAX_HIDDEN_LAYERS} hidden layers, got {}",
                    hidden.len()
                ));
            }
            if let Some(w) = hidden.iter().find(|w| !(1..=MAX_WIDTH).contains(*w)) {
                return err(format!(
                    "{name}'s hidden layer widths must be in 1..={MAX_WIDTH}, got {w}"
                ));
            }
        }
        if !(self.leaky_slope.is_finite() && (0.0..1.0).contains(&self.leaky_slope)) {
            return err(format!(
                "LeakyReLU slope must be in [0, 1), got {}",
                self.leaky_slope
            ));
        }
        if !(1..=MAX_BATCH).contains(&self.batch_size) {
            return err(format!(
                "batch size must be in 1..={MAX_BATCH}, got {}",
                self.batch_size
            ));
        }
        if !(1..=MAX_D_STEPS).contains(&self.d_steps) {
            return err(format!(
                "D steps per G step must be in 1..={MAX_D_STEPS}, got {}",
                self.d_steps
            ));
        }
        if !(self.label_smoothing.is_finite() && (0.0..=0.5).contains(&self.label_smoothing)) {
            return err(format!(
                "label smoothing must be in [0, 0.5], got {}",
                self.label_smoothing
            ));
        }
        if !(self.d_input_noise.is_finite() && (0.0..=1.0).contains(&self.d_input_noise)) {
            return err(format!(
                "D's input noise must be in [0, 1], got {}",
                self.d_input_noise
            ));
        }
        if !(self.d_mismatch.is_finite() && (0.0..=MAX_MISMATCH).contains(&self.d_mismatch)) {
            return err(format!(
                "the weight of wrong labels must be in [0, {MAX_MISMATCH}], got {}",
                self.d_mismatch
            ));
        }
        if !(self.g_average.is_finite() && (0.0..1.0).contains(&self.g_average)) {
            return err(format!(
                "the decay of G's average must be in [0, 1), got {}",
                self.g_average
            ));
        }
        self.world.validate().map_err(ConfigError)?;
        if self.conditional && self.world != World::Digits {
            return err("conditional mode is for the digits world only".into());
        }
        self.g_optimizer
            .validate()
            .map_err(|e| ConfigError(format!("G's optimiser: {e}")))?;
        self.d_optimizer
            .validate()
            .map_err(|e| ConfigError(format!("D's optimiser: {e}")))?;
        Ok(())
    }

    /// Width of G's input: noise, plus the one-hot label when conditional.
    pub fn g_input_dim(&self) -> usize {
        self.noise_dim + self.label_dim()
    }

    /// Width of one data point: 784 pixels for digits, 1 or 2 numbers in the other worlds.
    pub fn data_dim(&self) -> usize {
        self.world.dim()
    }

    /// Width of D's input: a data point, plus the one-hot label when conditional.
    pub fn d_input_dim(&self) -> usize {
        self.data_dim() + self.label_dim()
    }

    fn label_dim(&self) -> usize {
        if self.conditional {
            NUM_CLASSES
        } else {
            0
        }
    }

    /// G's layer sizes, input first.
    pub fn g_sizes(&self) -> Vec<usize> {
        let mut sizes = vec![self.g_input_dim()];
        sizes.extend(&self.g_hidden);
        sizes.push(self.data_dim());
        sizes
    }

    /// D's layer sizes, input first.
    pub fn d_sizes(&self) -> Vec<usize> {
        let mut sizes = vec![self.d_input_dim()];
        sizes.extend(&self.d_hidden);
        sizes.push(1);
        sizes
    }

    /// Whether `other` builds networks of the same shape (so weights carry over), in the
    /// same world.
    pub fn same_architecture(&self, other: &GanConfig) -> bool {
        self.g_sizes() == other.g_sizes()
            && self.d_sizes() == other.d_sizes()
            && self.leaky_slope == other.leaky_slope
            && self.world == other.world
    }
}

/// One setting that differs between two configurations, in plain words: `name` as the
/// page's controls call it ("G's learning rate"), `from` and `to` as short text ("0.002",
/// "10").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingChange {
    pub name: String,
    pub from: String,
    pub to: String,
}

impl fmt::Display for SettingChange {
    /// "G's learning rate went from 0.002 to 10".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} went from {} to {}", self.name, self.from, self.to)
    }
}

impl GanConfig {
    /// The settings that differ from `self` to `after`, likeliest cause of divergence
    /// first: the learning rates, then the optimisers, their other hyperparameters, the
    /// batch size, D steps, G's loss, smoothing, instance noise, wrong labels, and last
    /// the networks and the seed. When an optimiser changes kind (Adam ⇄ SGD), its
    /// kind-specific hyperparameters are part of that change and not listed.
    pub fn changes_to(&self, after: &GanConfig) -> Vec<SettingChange> {
        let mut out = Vec::new();
        let mut push = |name: &str, from: String, to: String| {
            if from != to {
                out.push(SettingChange {
                    name: name.to_string(),
                    from,
                    to,
                });
            }
        };
        let nets = [
            ("G", &self.g_optimizer, &after.g_optimizer),
            ("D", &self.d_optimizer, &after.d_optimizer),
        ];
        for (who, a, b) in nets {
            push(&format!("{who}'s learning rate"), num(a.lr()), num(b.lr()));
        }
        for (who, a, b) in nets {
            push(
                &format!("{who}'s optimiser"),
                kind(a).into(),
                kind(b).into(),
            );
        }
        for (who, a, b) in nets {
            match (a, b) {
                (OptimizerConfig::Sgd(a), OptimizerConfig::Sgd(b)) => {
                    push(
                        &format!("{who}'s momentum"),
                        num(a.momentum),
                        num(b.momentum),
                    );
                }
                (OptimizerConfig::Adam(a), OptimizerConfig::Adam(b)) => {
                    push(&format!("{who}'s β₁"), num(a.beta1), num(b.beta1));
                    push(&format!("{who}'s β₂"), num(a.beta2), num(b.beta2));
                    push(&format!("{who}'s ε"), num(a.eps), num(b.eps));
                }
                _ => {}
            }
        }
        // The rest: one setting a line, `show` writing it for `self` and for `after`.
        let mut field = |name: &str, show: fn(&GanConfig) -> String| {
            push(name, show(self), show(after));
        };
        field("batch size", |c| c.batch_size.to_string());
        field("D steps per G step", |c| c.d_steps.to_string());
        field("generator loss", |c| loss(c.generator_loss).into());
        field("label smoothing", |c| num(c.label_smoothing));
        field("instance noise", |c| num(c.d_input_noise));
        field("weight of wrong labels", |c| num(c.d_mismatch));
        field("decay of G's average", |c| num(c.g_average));
        field("noise size", |c| c.noise_dim.to_string());
        field("G's hidden widths", |c| widths(&c.g_hidden));
        field("D's hidden widths", |c| widths(&c.d_hidden));
        field("conditional", |c| on_off(c.conditional).into());
        field("LeakyReLU slope", |c| num(c.leaky_slope));
        field("world", |c| c.world.name().into());
        field("seed", |c| c.seed.to_string());
        out
    }
}

/// A setting's number as short text: the shortest decimal that reads back as the same
/// f32 ("0.0005", "10"), in exponent form below 10⁻⁴ ("1e-8").
fn num(v: f32) -> String {
    if v != 0.0 && v.abs() < 1e-4 {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

fn kind(opt: &OptimizerConfig) -> &'static str {
    match opt {
        OptimizerConfig::Sgd(_) => "SGD",
        OptimizerConfig::Adam(_) => "Adam",
    }
}

fn loss(loss: GeneratorLoss) -> &'static str {
    match loss {
        GeneratorLoss::NonSaturating => "non-saturating",
        GeneratorLoss::Minimax => "minimax",
    }
}

fn widths(hidden: &[usize]) -> String {
    let list: Vec<String> = hidden.iter().map(usize::to_string).collect();
    format!("[{}]", list.join(", "))
}

fn on_off(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}
