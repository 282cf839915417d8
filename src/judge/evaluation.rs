//! The judge's verdicts: an evaluation of G's samples (spread over as many calls as the
//! caller likes, or in one go), and the same verdict on any images.

use super::metrics::{Quality, QualityAccumulator};
use super::{Judge, CHUNK};
use crate::data::NUM_CLASSES;
use crate::gan::{fixed_noise, Gan, IMAGE_DIM, IMAGE_SIDE};
use ndarray::{s, Array2, ArrayView2};

/// Added to a model's seed for the noise of evaluation samples, so that they are neither
/// the grid's nor `ganplay sample`'s.
pub const EVAL_SEED_OFFSET: u64 = 2_000_000;

/// One evaluation of G by the judge, spread over as many calls as the caller likes: `n`
/// samples from fixed noise (the same at every evaluation of a run, so changes over
/// steps are G's, not the noise's), labels cycling 0…9 in conditional mode.
#[derive(Clone, Debug)]
pub struct Evaluation {
    z: Array2<f32>,      // (n, noise_dim)
    labels: Vec<u8>,     // (n)
    images: Array2<f32>, // (chunk, 784) scratch
    next: usize,
    conditional: bool,
    acc: QualityAccumulator,
}

impl Evaluation {
    /// An evaluation of `n` samples of `gan` by `judge`.
    pub fn new(gan: &Gan, judge: &Judge, n: usize) -> Evaluation {
        let config = gan.config();
        Evaluation {
            z: fixed_noise(
                config.seed.wrapping_add(EVAL_SEED_OFFSET),
                n,
                config.noise_dim,
            ),
            labels: (0..n).map(|i| (i % NUM_CLASSES) as u8).collect(),
            images: Array2::zeros((0, IMAGE_DIM)),
            next: 0,
            conditional: config.conditional,
            acc: QualityAccumulator::new(judge.feature_dim()),
        }
    }

    /// Samples still to judge.
    pub fn remaining(&self) -> usize {
        self.labels.len() - self.next
    }

    /// Generates and judges up to `rows` more samples; returns whether all are done.
    pub fn advance(&mut self, gan: &mut Gan, judge: &mut Judge, rows: usize) -> bool {
        let rows = rows.max(1).min(self.remaining());
        if rows > 0 {
            if self.images.nrows() < rows {
                self.images = Array2::zeros((rows, IMAGE_DIM));
            }
            let range = self.next..self.next + rows;
            let labels = &self.labels[range.clone()];
            let mut images = self.images.slice_mut(s![..rows, ..]);
            gan.generate(
                self.z.slice(s![range.clone(), ..]),
                labels,
                images.view_mut(),
            );
            let (logits, features) = judge.infer(self.images.slice(s![..rows, ..]));
            let asked = self.conditional.then_some(labels);
            self.acc.add(logits, features, asked);
            let images = self.images.slice(s![..rows, ..]);
            self.acc.add_speckles(
                images.as_slice().expect("leading rows are contiguous"),
                IMAGE_SIDE,
            );
            self.next += rows;
        }
        self.remaining() == 0
    }

    /// The quality of the samples judged so far.
    pub fn finish(&self, judge: &Judge) -> Quality {
        self.acc.finish(&judge.real)
    }
}

/// Judges any images (N, 784), pixels in [-1, 1], as it judges G's samples: which digit
/// each looks like, the Fréchet distance to real digits, the stray specks (D alone's
/// negatives, say, which no G made).
pub fn judge_images(judge: &mut Judge, images: ArrayView2<f32>) -> Quality {
    let mut acc = QualityAccumulator::new(judge.feature_dim());
    for start in (0..images.nrows()).step_by(CHUNK) {
        let chunk = images.slice(s![start..(start + CHUNK).min(images.nrows()), ..]);
        let owned = chunk.as_standard_layout();
        let (logits, features) = judge.infer(owned.view());
        acc.add(logits, features, None);
        acc.add_speckles(owned.as_slice().expect("standard layout"), IMAGE_SIDE);
    }
    acc.finish(&judge.real)
}

/// Judges `n` samples of `gan` in one go.
pub fn evaluate(gan: &mut Gan, judge: &mut Judge, n: usize) -> Quality {
    let mut eval = Evaluation::new(gan, judge, n);
    while !eval.advance(gan, judge, CHUNK) {}
    eval.finish(judge)
}
