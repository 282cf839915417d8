//! A multilayer perceptron: dense layers with one hidden activation and an output
//! activation, its parameters and gradients each in one flat allocation.
//!
//! Layer `l` computes `a[l] = act(a[l-1] @ w[l] + b[l])` with `a[-1] = x`;
//! `w[l]`: `(sizes[l], sizes[l+1])`, `b[l]`: `(sizes[l+1])`, `a[l]`: `(B, sizes[l+1])`.
//! The flat `params` holds, layer after layer, `w[l]` row-major then `b[l]`; `grads`
//! has the same layout, so an optimiser update and a checkpoint are flat loops.

use super::layers::{
    activation_backward, activation_forward, dense_backward, dense_forward, Activation,
};
use ndarray::{s, Array2, ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2};
use rand::{Rng, RngExt};

/// Where one dense layer's weights and bias sit in the flat buffers.
#[derive(Clone, Copy, Debug)]
struct DenseSlot {
    fan_in: usize,
    fan_out: usize,
    /// Start of `w` (fan_in * fan_out values); `b` follows it directly.
    offset: usize,
}

impl DenseSlot {
    fn w_range(&self) -> std::ops::Range<usize> {
        self.offset..self.offset + self.fan_in * self.fan_out
    }
    fn b_range(&self) -> std::ops::Range<usize> {
        let start = self.offset + self.fan_in * self.fan_out;
        start..start + self.fan_out
    }
}

/// A fully connected network with hand-written forward and backward passes.
#[derive(Clone, Debug)]
pub struct Mlp {
    sizes: Vec<usize>,
    hidden: Activation,
    output: Activation,
    slots: Vec<DenseSlot>,
    /// All weights and biases (see the module doc for the layout).
    pub params: Vec<f32>,
    /// Gradients of the loss with respect to `params`, same layout; backward adds into it.
    pub grads: Vec<f32>,
    /// Forward keeps each layer's activation for backward: `acts[l]`: (capacity, sizes[l+1]).
    acts: Vec<Array2<f32>>,
    /// Scratch for activation gradients, same shapes as `acts`.
    dacts: Vec<Array2<f32>>,
    /// Rows in the batch of the last forward pass.
    batch: usize,
    /// `infer`'s activations, apart from the training caches above.
    infer_acts: Vec<Array2<f32>>,
}

impl Mlp {
    /// Builds a network of the given layer sizes (`[in, hidden…, out]`), initialised as
    /// PyTorch's `nn.Linear`: every weight and bias drawn from `U(-k, k)`, `k = 1/sqrt(fan_in)`.
    pub fn new(sizes: &[usize], hidden: Activation, output: Activation, rng: &mut impl Rng) -> Mlp {
        assert!(
            sizes.len() >= 2,
            "an MLP needs at least an input and an output size"
        );
        let mut slots = Vec::with_capacity(sizes.len() - 1);
        let mut offset = 0;
        for pair in sizes.windows(2) {
            slots.push(DenseSlot {
                fan_in: pair[0],
                fan_out: pair[1],
                offset,
            });
            offset += pair[0] * pair[1] + pair[1];
        }
        let mut params = vec![0.0; offset];
        for slot in &slots {
            let k = 1.0 / (slot.fan_in as f32).sqrt();
            for p in &mut params[slot.offset..slot.b_range().end] {
                *p = rng.random_range(-k..k);
            }
        }
        let mut mlp = Mlp {
            sizes: sizes.to_vec(),
            hidden,
            output,
            slots,
            grads: vec![0.0; params.len()],
            params,
            acts: Vec::new(),
            dacts: Vec::new(),
            batch: 0,
            infer_acts: Vec::new(),
        };
        mlp.reserve_batch(1);
        mlp
    }

    /// Layer sizes, input first.
    pub fn sizes(&self) -> &[usize] {
        &self.sizes
    }

    /// Number of inputs.
    pub fn input_dim(&self) -> usize {
        self.sizes[0]
    }

    /// Number of outputs.
    pub fn output_dim(&self) -> usize {
        *self.sizes.last().expect("at least two sizes")
    }

    /// Number of dense layers.
    pub fn num_layers(&self) -> usize {
        self.slots.len()
    }

    /// Name, shape and flat range of every parameter tensor, in layout order:
    /// `("0.weight", [in, out], range)`, `("0.bias", [out], range)`, …
    pub fn param_tensors(&self) -> Vec<(String, Vec<usize>, std::ops::Range<usize>)> {
        let mut out = Vec::with_capacity(2 * self.slots.len());
        for (l, slot) in self.slots.iter().enumerate() {
            out.push((
                format!("{l}.weight"),
                vec![slot.fan_in, slot.fan_out],
                slot.w_range(),
            ));
            out.push((format!("{l}.bias"), vec![slot.fan_out], slot.b_range()));
        }
        out
    }

    /// Makes room for batches of up to `rows` rows. Allocates only when `rows` exceeds
    /// every batch seen before, so a training loop allocates once.
    pub fn reserve_batch(&mut self, rows: usize) {
        if grow(&mut self.acts, &self.sizes, rows) {
            self.dacts = self.acts.clone();
        }
    }

    /// Clears the parameter gradients.
    pub fn zero_grad(&mut self) {
        self.grads.fill(0.0);
    }

    /// Runs the network on `x` (B, in) and returns its output (B, out). Keeps every
    /// layer's activation for `backward`.
    pub fn forward(&mut self, x: ArrayView2<f32>) -> ArrayView2<'_, f32> {
        assert_eq!(x.ncols(), self.input_dim(), "input width");
        self.reserve_batch(x.nrows());
        self.batch = x.nrows();
        run_layers(
            &self.params,
            &self.slots,
            self.hidden,
            self.output,
            &mut self.acts,
            x,
        );
        self.output_view()
    }

    /// Runs the network on `x` (N, in) for its output alone (N, out), in buffers of its
    /// own: what the last `forward` kept for `backward` stays, so drawing samples or
    /// scoring a drawing between the phases of a training step changes nothing.
    pub fn infer(&mut self, x: ArrayView2<f32>) -> ArrayView2<'_, f32> {
        assert_eq!(x.ncols(), self.input_dim(), "input width");
        grow(&mut self.infer_acts, &self.sizes, x.nrows());
        run_layers(
            &self.params,
            &self.slots,
            self.hidden,
            self.output,
            &mut self.infer_acts,
            x,
        );
        self.infer_acts[self.slots.len() - 1].slice(s![..x.nrows(), ..])
    }

    /// Layer `l`'s activation (`a[l]`) from the last `infer`, its first `rows` rows: what
    /// a classifier's hidden layer says about the images, e.g. as features.
    ///
    /// returns: (rows, sizes[l + 1])
    pub fn inferred_layer(&self, l: usize, rows: usize) -> ArrayView2<'_, f32> {
        self.infer_acts[l].slice(s![..rows, ..])
    }

    /// The output of the last forward pass: (B, out).
    pub fn output_view(&self) -> ArrayView2<'_, f32> {
        self.acts[self.slots.len() - 1].slice(s![..self.batch, ..])
    }

    /// Backpropagates `dout`, the gradient of the loss with respect to the output of the
    /// last `forward` (which must have been on this same `x`): the forward pass in reverse.
    /// With `param_grads`, adds the parameter gradients into `grads`; with `dx`, writes the
    /// gradient with respect to `x` there. A frozen network passes `param_grads = false`.
    ///
    /// x: (B, in), dout: (B, out), dx: (B, in)
    pub fn backward(
        &mut self,
        x: ArrayView2<f32>,
        dout: ArrayView2<f32>,
        param_grads: bool,
        mut dx: Option<ArrayViewMut2<f32>>,
    ) {
        let b = self.batch;
        assert_eq!(
            x.nrows(),
            b,
            "backward must follow forward on the same batch"
        );
        assert_eq!(dout.dim(), (b, self.output_dim()), "output gradient shape");
        let last = self.slots.len() - 1;
        self.dacts[last].slice_mut(s![..b, ..]).assign(&dout);
        for l in (0..=last).rev() {
            let slot = self.slots[l];
            let act = if l == last { self.output } else { self.hidden };
            let (dbefore, drest) = self.dacts.split_at_mut(l);
            let mut d = drest[0].slice_mut(s![..b, ..]);
            activation_backward(act, d.view_mut(), self.acts[l].slice(s![..b, ..]));
            let inp = if l == 0 {
                x.view()
            } else {
                self.acts[l - 1].slice(s![..b, ..])
            };
            let dinp = if l == 0 {
                dx.as_mut().map(|dx| dx.view_mut())
            } else {
                Some(dbefore[l - 1].slice_mut(s![..b, ..]))
            };
            let dw_db = param_grads.then(|| layer_view_mut(&mut self.grads, &slot));
            let (w, _) = layer_view(&self.params, &slot);
            dense_backward(dinp, dw_db, d.view(), inp, w);
        }
    }
}

/// Resizes per-layer buffers to hold `rows` rows when they hold fewer; returns whether
/// it did.
fn grow(acts: &mut Vec<Array2<f32>>, sizes: &[usize], rows: usize) -> bool {
    if acts.first().is_some_and(|a| a.nrows() >= rows) {
        return false;
    }
    *acts = sizes[1..]
        .iter()
        .map(|&n| Array2::zeros((rows, n)))
        .collect();
    true
}

/// The forward pass of `x` through the layers, each layer's activation into `acts`
/// (sized for at least `x`'s rows).
fn run_layers(
    params: &[f32],
    slots: &[DenseSlot],
    hidden: Activation,
    output: Activation,
    acts: &mut [Array2<f32>],
    x: ArrayView2<f32>,
) {
    let b = x.nrows();
    let last = slots.len() - 1;
    for (l, slot) in slots.iter().enumerate() {
        let (before, rest) = acts.split_at_mut(l);
        let inp = if l == 0 {
            x.view()
        } else {
            before[l - 1].slice(s![..b, ..])
        };
        let mut out = rest[0].slice_mut(s![..b, ..]);
        let (w, bias) = layer_view(params, slot);
        dense_forward(out.view_mut(), inp, w, bias);
        activation_forward(if l == last { output } else { hidden }, out);
    }
}

/// The weight (fan_in, fan_out) and bias (fan_out) of one layer inside a flat buffer.
fn layer_view<'a>(flat: &'a [f32], slot: &DenseSlot) -> (ArrayView2<'a, f32>, ArrayView1<'a, f32>) {
    let w = ArrayView2::from_shape((slot.fan_in, slot.fan_out), &flat[slot.w_range()])
        .expect("slot fits the buffer");
    (w, ArrayView1::from(&flat[slot.b_range()]))
}

/// Mutable twin of `layer_view`, for gradients.
fn layer_view_mut<'a>(
    flat: &'a mut [f32],
    slot: &DenseSlot,
) -> (ArrayViewMut2<'a, f32>, ArrayViewMut1<'a, f32>) {
    let (w, b) = flat[slot.offset..slot.b_range().end].split_at_mut(slot.fan_in * slot.fan_out);
    let w =
        ArrayViewMut2::from_shape((slot.fan_in, slot.fan_out), w).expect("slot fits the buffer");
    (w, ArrayViewMut1::from(b))
}
