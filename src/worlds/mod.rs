//! Worlds smaller than the digits: 1-D and 2-D point sets where D's verdict can be drawn
//! as a curve or a map (GAN Lab's view, and Figure 1 of Goodfellow et al., 2014). Each
//! built-in set is generated from the seed, so runs reproduce; a drawn set is the user's
//! points, jittered into a data set the same way. G and D are the same `Gan` as for the
//! digits, with a data width of 1 or 2 instead of 784 (`GanConfig::world`).
//!
//! Every world lives in [-1, 1] (or [-1, 1]², G's tanh range), which is also the range
//! the views show and the metrics bin.

pub mod metrics;
pub mod view;

use crate::data::Dataset;
pub use crate::gan::world::{World, MAX_DRAWN};

use crate::gan::GanConfig;
use crate::nn::{AdamConfig, OptimizerConfig};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use std::f32::consts::PI;

/// Points in a built-in world's data set (and in a drawn one, after jitter).
pub const WORLD_POINTS: usize = 4096;
/// Standard deviation of the jitter around each drawn point.
pub const DRAWN_JITTER: f32 = 0.03;
/// The random stream of the seed the world's data comes from (0 trains, 1 is the fixed
/// noise), so the data does not depend on the weights' draws.
const DATA_STREAM: u64 = 2;

/// Gaussian modes of a mixture world: their centres (1-D ones have y = 0) and their
/// common standard deviation.
#[derive(Clone, Debug, PartialEq)]
pub struct Modes {
    pub centres: Vec<[f32; 2]>,
    pub sigma: f32,
}

impl World {
    /// The Gaussian modes, for the mixtures (one mode for the single Gaussian); `None`
    /// for worlds that are not Gaussian mixtures.
    pub fn modes(&self) -> Option<Modes> {
        let (centres, sigma): (Vec<[f32; 2]>, f32) = match self {
            World::Gaussian => (vec![[0.25, 0.0]], 0.15),
            World::Mixture2 => (vec![[-0.5, 0.0], [0.5, 0.0]], 0.1),
            World::Mixture3 => (vec![[-0.6, 0.0], [0.0, 0.0], [0.6, 0.0]], 0.08),
            World::Ring8 => (
                (0..8)
                    .map(|k| {
                        let a = 2.0 * PI * k as f32 / 8.0;
                        [0.75 * a.cos(), 0.75 * a.sin()]
                    })
                    .collect(),
                0.04,
            ),
            World::Grid25 => (
                (0..25)
                    .map(|k| [-0.8 + 0.4 * (k % 5) as f32, -0.8 + 0.4 * (k / 5) as f32])
                    .collect(),
                0.04,
            ),
            _ => return None,
        };
        Some(Modes { centres, sigma })
    }

    /// The world's data set, `(WORLD_POINTS, dim)`, from `seed`: the same seed gives the
    /// same points. Every value is clamped into [-1, 1]. `None` for the digits, which
    /// come from files.
    pub fn generate(&self, seed: u64) -> Option<Dataset> {
        if !self.is_points() {
            return None;
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(DATA_STREAM);
        let dim = self.dim();
        let mut points = Vec::with_capacity(WORLD_POINTS * dim);
        for _ in 0..WORLD_POINTS {
            let p = self.sample(&mut rng);
            points.extend(p[..dim].iter().map(|v| v.clamp(-1.0, 1.0)));
        }
        let data = Dataset::from_parts(points, vec![0; WORLD_POINTS], 1, dim);
        Some(data.expect("generated points are in range"))
    }

    /// One point (y = 0 in 1-D).
    fn sample(&self, rng: &mut ChaCha8Rng) -> [f32; 2] {
        let mut normal = || -> f32 { rng.sample(StandardNormal) };
        let (a, b) = (normal(), normal());
        if let Some(modes) = self.modes() {
            let k = rng.random_range(0..modes.centres.len());
            let [cx, cy] = modes.centres[k];
            let y = if self.dim() == 1 {
                0.0
            } else {
                cy + modes.sigma * b
            };
            return [cx + modes.sigma * a, y];
        }
        let u: f32 = rng.random();
        match self {
            World::Uniform => [u - 0.5, 0.0],
            World::Moons => {
                // sklearn's two moons, x in [-1, 2] and y in [-0.5, 1], scaled to fit.
                let t = PI * u;
                let (x, y) = if rng.random::<bool>() {
                    (t.cos(), t.sin())
                } else {
                    (1.0 - t.cos(), 0.5 - t.sin())
                };
                [(x - 0.5) * 0.55 + 0.03 * a, (y - 0.25) * 0.55 + 0.03 * b]
            }
            World::Spiral => {
                // sqrt spreads the points evenly along the arm, which widens outwards.
                let t = u.sqrt();
                let (r, angle) = (0.08 + 0.8 * t, 4.0 * PI * t);
                [r * angle.cos() + 0.02 * a, r * angle.sin() + 0.02 * b]
            }
            World::Line => [-0.8 + 1.6 * u + 0.02 * a, -0.4 + 0.8 * u + 0.02 * b],
            World::Drawn(points) => {
                let [x, y] = points[rng.random_range(0..points.len())];
                [x + DRAWN_JITTER * a, y + DRAWN_JITTER * b]
            }
            _ => unreachable!("mixtures are handled above, the digits have no sampler"),
        }
    }

    /// The default settings for this world: for the digits `GanConfig::default()`; for a
    /// world of points small networks (noise 2, hidden 64-64), a batch of 256, and a
    /// recipe of its own: Adam with G's learning rate 5e-4 (in 1-D D's, 2e-4) and D's
    /// 2e-4, label smoothing 0.1, instance noise 0.02 (0.1 would blur D's view of modes
    /// 0.04 wide), no moving average of G. Pinned here because the digits' faster rates
    /// and stronger noise lose most of the ring's modes, and in 1-D a faster G keeps
    /// overshooting D's curve: the runs are in docs/worlds.md, "The networks".
    pub fn default_config(&self) -> GanConfig {
        if !self.is_points() {
            return GanConfig::default();
        }
        let adam = |lr| {
            OptimizerConfig::Adam(AdamConfig {
                lr,
                ..AdamConfig::default()
            })
        };
        GanConfig {
            label_smoothing: 0.1,
            d_input_noise: 0.02,
            g_optimizer: adam(if self.dim() == 1 { 2e-4 } else { 5e-4 }),
            d_optimizer: adam(2e-4),
            ..self.small(GanConfig::plain())
        }
    }

    /// The textbook recipe (`GanConfig::plain()`) with this world's network sizes.
    pub fn plain_config(&self) -> GanConfig {
        self.small(GanConfig::plain())
    }

    fn small(&self, base: GanConfig) -> GanConfig {
        if !self.is_points() {
            return base;
        }
        GanConfig {
            noise_dim: 2,
            g_hidden: vec![64, 64],
            d_hidden: vec![64, 64],
            batch_size: 256,
            // The views show the game itself: G's own points moving along D's slope at
            // every Step G, not an average that trails them (it can be turned on).
            g_average: 0.0,
            world: self.clone(),
            ..base
        }
    }
}

/// Reads drawn points from CSV text: one `x,y` per line (a header line, blank lines and
/// `#` comments are skipped). Every point must lie in [-1, 1]².
pub fn parse_points_csv(text: &str) -> Result<Vec<[f32; 2]>, String> {
    let mut points = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line
            .split([',', ';', '\t', ' '])
            .filter(|f| !f.is_empty())
            .collect();
        let parsed: Result<Vec<f32>, _> = fields.iter().map(|f| f.parse::<f32>()).collect();
        match parsed {
            Ok(v) if v.len() == 2 => points.push([v[0], v[1]]),
            Err(_) if n == 0 => continue, // a header
            _ => {
                return Err(format!(
                    "line {}: expected two numbers `x,y`, got {line:?}",
                    n + 1
                ))
            }
        }
    }
    World::Drawn(points.clone()).validate()?;
    Ok(points)
}

#[cfg(test)]
mod tests;
