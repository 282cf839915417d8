//! What G learns to draw: the digits or one of the 1-D and 2-D worlds of points. The
//! configuration holds it ([`GanConfig::world`](super::GanConfig)) and the networks take
//! their data width from it; the worlds' data, metrics and views are `src/worlds/`.

use super::IMAGE_DIM;
use serde::{Deserialize, Serialize};

/// Most points a drawn world may hold.
pub const MAX_DRAWN: usize = 2000;

/// What G learns to draw. In JSON: `"digits"`, `"ring8"`, … or `{"drawn": [[x, y], …]}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum World {
    /// MNIST digits, 784 pixels (the default).
    #[default]
    Digits,
    /// 1-D: one Gaussian, N(0.25, 0.15²).
    Gaussian,
    /// 1-D: two Gaussians at ±0.5, σ 0.1, equal weights.
    Mixture2,
    /// 1-D: three Gaussians at -0.6, 0, 0.6, σ 0.08, equal weights.
    Mixture3,
    /// 1-D: uniform on [-0.5, 0.5].
    Uniform,
    /// 2-D: eight Gaussians on a circle of radius 0.75, σ 0.04.
    Ring8,
    /// 2-D: a 5×5 grid of Gaussians, centres at -0.8, -0.4, 0, 0.4, 0.8 on each axis, σ 0.04.
    Grid25,
    /// 2-D: two interleaved half circles, noise σ 0.03.
    Moons,
    /// 2-D: a two-turn spiral out from the centre, noise σ 0.02.
    Spiral,
    /// 2-D: a line segment from (-0.8, -0.4) to (0.8, 0.4), noise σ 0.02.
    Line,
    /// 2-D: points the user drew, each in [-1, 1]².
    Drawn(Vec<[f32; 2]>),
}

impl World {
    /// The built-in worlds besides the digits, 1-D first.
    pub const BUILT_IN: [World; 9] = [
        World::Gaussian,
        World::Mixture2,
        World::Mixture3,
        World::Uniform,
        World::Ring8,
        World::Grid25,
        World::Moons,
        World::Spiral,
        World::Line,
    ];

    /// The world's name, as in JSON and on the command line (`drawn` for a drawn one).
    pub fn name(&self) -> &'static str {
        match self {
            World::Digits => "digits",
            World::Gaussian => "gaussian",
            World::Mixture2 => "mixture2",
            World::Mixture3 => "mixture3",
            World::Uniform => "uniform",
            World::Ring8 => "ring8",
            World::Grid25 => "grid25",
            World::Moons => "moons",
            World::Spiral => "spiral",
            World::Line => "line",
            World::Drawn(_) => "drawn",
        }
    }

    /// A built-in world (or the digits) by name.
    pub fn from_name(name: &str) -> Option<World> {
        std::iter::once(World::Digits)
            .chain(World::BUILT_IN)
            .find(|w| w.name() == name)
    }

    /// Numbers per data point: 784 for digits, else 1 or 2.
    pub fn dim(&self) -> usize {
        match self {
            World::Digits => IMAGE_DIM,
            World::Gaussian | World::Mixture2 | World::Mixture3 | World::Uniform => 1,
            _ => 2,
        }
    }

    /// Whether this is a 1-D or 2-D world of points (not the digits).
    pub fn is_points(&self) -> bool {
        *self != World::Digits
    }

    /// Checks a drawn world's points: 1 to `MAX_DRAWN` of them, each in [-1, 1]².
    pub fn validate(&self) -> Result<(), String> {
        let World::Drawn(points) = self else {
            return Ok(());
        };
        if points.is_empty() || points.len() > MAX_DRAWN {
            return Err(format!(
                "a drawn world needs 1 to {MAX_DRAWN} points, got {}",
                points.len()
            ));
        }
        if let Some(p) = points
            .iter()
            .find(|p| !p.iter().all(|v| v.is_finite() && (-1.0..=1.0).contains(v)))
        {
            return Err(format!(
                "drawn points must lie in [-1, 1]², got ({}, {})",
                p[0], p[1]
            ));
        }
        Ok(())
    }
}
