//! The judge's file: safetensors, as `Judge::to_bytes` writes and `Judge::from_bytes`
//! reads it (refusing, never panicking on, anything else).
//!
//! The file (`www/data/judge.safetensors`) is safetensors: tensors `mlp.<l>.weight`
//! (in, out) and `mlp.<l>.bias` (out) as in [`Mlp::param_tensors`], `real.mean` (d) and
//! `real.cov` (d, d), the feature statistics of the built-in digits; metadata `format` =
//! `ganplay-judge`, `format_version` = `1`, `sizes` (JSON), and, for the record,
//! `accuracy`, `train_count`, `held_out_count`, `seed`, `epochs`.

use super::metrics::FeatureStats;
use super::{Judge, JudgeError, JudgeInfo};
use crate::checkpoint::safetensors::{check_floats, copy_f32s, serialize, File, Raw};
use crate::checkpoint::CheckpointError;
use crate::data::NUM_CLASSES;
use crate::gan::config::MAX_WIDTH;
use crate::gan::IMAGE_DIM;
use crate::nn::{Activation, Mlp};
use rand::rngs::ChaCha8Rng;
use rand::SeedableRng;
use safetensors::Dtype;
use std::collections::HashMap;

/// The `format` metadata of a judge file.
const FORMAT_NAME: &str = "ganplay-judge";
/// Version of the judge file layout.
pub const FORMAT_VERSION: u32 = 1;
/// Most layers a judge file may ask for (each at most the networks' `MAX_WIDTH` wide).
const MAX_LAYERS: usize = 8;

impl Judge {
    /// The judge as safetensors bytes (layout in the module doc).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut tensors = Vec::new();
        for (name, shape, range) in self.mlp.param_tensors() {
            tensors.push((
                format!("mlp.{name}"),
                Raw::f32(shape, &self.mlp.params[range]),
            ));
        }
        let d = self.feature_dim();
        let to_f32 = |v: &[f64]| v.iter().map(|&x| x as f32).collect::<Vec<f32>>();
        tensors.push((
            "real.mean".into(),
            Raw::f32(vec![d], &to_f32(&self.real.mean)),
        ));
        tensors.push((
            "real.cov".into(),
            Raw::f32(vec![d, d], &to_f32(&self.real.cov)),
        ));
        let info = &self.info;
        let metadata = HashMap::from([
            ("format".to_string(), FORMAT_NAME.to_string()),
            ("format_version".to_string(), FORMAT_VERSION.to_string()),
            (
                "sizes".to_string(),
                serde_json::to_string(self.mlp.sizes()).expect("a list of numbers"),
            ),
            ("accuracy".to_string(), format!("{:.4}", info.accuracy)),
            ("train_count".to_string(), info.train_count.to_string()),
            (
                "held_out_count".to_string(),
                info.held_out_count.to_string(),
            ),
            ("seed".to_string(), info.seed.to_string()),
            ("epochs".to_string(), info.epochs.to_string()),
        ]);
        serialize(tensors, metadata)
    }

    /// Reads a judge written by [`Judge::to_bytes`], refusing (without panicking)
    /// anything else.
    pub fn from_bytes(bytes: &[u8]) -> Result<Judge, JudgeError> {
        let bad = |e: CheckpointError| JudgeError(format!("not a judge file: {e}"));
        // The file's framing in the judge's words; the rest as the checkpoint reader says.
        let file = File::parse(bytes).map_err(|e| match e {
            CheckpointError::NotSafetensors(why) => JudgeError(format!("not a judge file: {why}")),
            CheckpointError::Truncated(why) => JudgeError(format!(
                "this judge file is incomplete: {why}; it was probably truncated"
            )),
            e => bad(e),
        })?;
        match file.meta("format") {
            Some(FORMAT_NAME) => {}
            other => {
                return Err(JudgeError(format!(
                    "not a judge file: its format is {other:?}, not {FORMAT_NAME:?}"
                )))
            }
        }
        let version = file.required_meta("format_version").map_err(bad)?;
        if version.parse::<u32>() != Ok(FORMAT_VERSION) {
            return Err(JudgeError(format!(
                "judge file version {version:?} is not supported (this ganplay reads {FORMAT_VERSION})"
            )));
        }
        let sizes: Vec<usize> = serde_json::from_str(file.required_meta("sizes").map_err(bad)?)
            .map_err(|e| JudgeError(format!("judge file: bad `sizes`: {e}")))?;
        if sizes.len() < 3
            || sizes.len() > MAX_LAYERS
            || sizes[0] != IMAGE_DIM
            || sizes[sizes.len() - 1] != NUM_CLASSES
            || sizes.iter().any(|&w| !(1..=MAX_WIDTH).contains(&w))
        {
            return Err(JudgeError(format!(
                "judge file: sizes {sizes:?} are not a {IMAGE_DIM} → hidden… → {NUM_CLASSES} \
                 classifier"
            )));
        }
        let d = sizes[sizes.len() - 2];
        // Shapes and values first, then the allocation.
        let mut specs: Vec<(String, Vec<usize>)> = sizes
            .windows(2)
            .enumerate()
            .flat_map(|(l, p)| {
                [
                    (format!("mlp.{l}.weight"), vec![p[0], p[1]]),
                    (format!("mlp.{l}.bias"), vec![p[1]]),
                ]
            })
            .collect();
        specs.push(("real.mean".into(), vec![d]));
        specs.push(("real.cov".into(), vec![d, d]));
        for (name, shape) in &specs {
            let data = file.tensor(name, Dtype::F32, shape).map_err(bad)?;
            check_floats(name, data, false).map_err(bad)?;
        }
        if let Some(extra) = file
            .names()
            .into_iter()
            .find(|n| !specs.iter().any(|s| &s.0 == n))
        {
            return Err(JudgeError(format!("judge file: unexpected tensor {extra}")));
        }
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let mut mlp = Mlp::new(&sizes, Activation::Relu, Activation::Identity, &mut rng);
        file.fill_params("mlp", &mut mlp, false).map_err(bad)?;
        let read = |name: &str, shape: &[usize]| -> Result<Vec<f64>, JudgeError> {
            let mut v = vec![0.0f32; shape.iter().product()];
            copy_f32s(&mut v, file.tensor(name, Dtype::F32, shape).map_err(bad)?);
            Ok(v.into_iter().map(f64::from).collect())
        };
        let real = FeatureStats {
            mean: read("real.mean", &[d])?,
            cov: read("real.cov", &[d, d])?,
        };
        let number = |key: &str| {
            file.meta(key)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        let info = JudgeInfo {
            accuracy: number("accuracy"),
            train_count: number("train_count") as usize,
            held_out_count: number("held_out_count") as usize,
            seed: number("seed") as u64,
            epochs: number("epochs") as usize,
        };
        Ok(Judge { mlp, real, info })
    }
}
