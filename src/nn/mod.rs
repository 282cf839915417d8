//! The neural-network toolkit: layers with hand-written backward passes, losses, the MLP
//! that strings layers together, the optimisers, and the finite-difference checker that
//! tests their gradients. Nothing here knows about GANs or wasm.

pub mod gemm;
pub mod gradcheck;
pub mod layers;
pub mod loss;
pub mod mlp;
pub mod optim;
pub mod pool;
pub mod profile;

pub use layers::Activation;
pub use loss::GeneratorLoss;
pub use mlp::Mlp;
pub use optim::{AdamConfig, Optimizer, OptimizerConfig, SgdConfig};
