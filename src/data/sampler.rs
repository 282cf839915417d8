//! Minibatches in shuffled epochs: each epoch visits every example once in a fresh
//! random order; a last batch too short to fill is dropped (as `drop_last` does).

use rand::seq::SliceRandom;
use rand::Rng;

/// Where training is in its walk through the data.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BatchSampler {
    /// This epoch's order of example indices.
    pub order: Vec<u32>,
    /// Next position in `order`.
    pub cursor: usize,
    /// Completed passes over the data.
    pub epoch: u64,
}

impl BatchSampler {
    /// Fills `indices` with the next batch of example indices out of `len` examples.
    /// Starts a new epoch (and reshuffles) when too few remain; starts afresh if the data
    /// set changed size. `indices.len()` must not exceed `len`.
    pub fn next_batch(&mut self, len: usize, indices: &mut [usize], rng: &mut impl Rng) {
        assert!(indices.len() <= len, "batch larger than the data set");
        if self.order.len() != len {
            self.order = (0..len as u32).collect();
            self.order.shuffle(rng);
            self.cursor = 0;
        } else if self.cursor + indices.len() > len {
            self.order.shuffle(rng);
            self.cursor = 0;
            self.epoch += 1;
        }
        for (slot, &i) in indices.iter_mut().zip(&self.order[self.cursor..]) {
            *slot = i as usize;
        }
        self.cursor += indices.len();
    }

    /// Whether this state can continue over a data set of `len` examples: `order` must be
    /// a permutation of `0..len` (a checkpoint may come from other data).
    pub fn fits(&self, len: usize) -> bool {
        if self.order.len() != len || self.cursor > len {
            return false;
        }
        let mut seen = vec![false; len];
        self.order
            .iter()
            .all(|&i| (i as usize) < len && !std::mem::replace(&mut seen[i as usize], true))
    }
}
