//! ganplay: a GAN playground. A generator and a discriminator, small MLPs with
//! hand-written forward and backward passes, train on MNIST digits natively or in the
//! browser through WebAssembly.
//!
//! - [`nn`]: layers, losses, the MLP and the optimisers; knows nothing of GANs.
//! - [`gan`]: G, D and the three-step training loop.
//! - [`data`]: IDX files, the data set and its batches.
//! - [`judge`]: a digit classifier that scores G's samples (class histogram, Fréchet
//!   distance, label agreement).
//! - [`checkpoint`]: the whole training state in one safetensors file.
//! - [`render`]: images in [-1, 1] to grey pixels and tiled grids.
//! - [`vae`]: a variational auto-encoder and a plain auto-encoder from the same layers.
//! - [`worlds`]: 1-D and 2-D worlds of points, their metrics and what their views draw.
//! - [`wasm`]: the boundary with JavaScript: the `Playground` handle, and `QualityJudge`.
//! - `cli` (native only): the `ganplay` command.

pub mod checkpoint;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod dalone;
pub mod data;
pub mod f16;
pub mod gan;
pub mod judge;
pub mod nn;
pub mod render;
pub mod run;
pub mod vae;
pub mod wasm;
pub mod worlds;
