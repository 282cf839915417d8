//! What the 1-D and 2-D views draw, computed from a `Gan` in a world of points: D's
//! verdict on a regular grid of the visible range, G's points for fixed noise, the
//! direction G's loss pushes each of them, and G's image of a regular noise grid (the
//! warped mesh). The page's views (www/worlds/) and the native PNG (`render_rgb`) both
//! draw from these. Buffers are sized once per resolution and reused.

use crate::gan::{fixed_noise, Gan};
use crate::nn::loss::generator_loss;
use crate::nn::Mlp;
use ndarray::{Array2, ArrayView2};

/// Half-width of the noise range the mesh spans: ±2.5 standard deviations of z.
pub const MESH_SPAN: f32 = 2.5;

/// Buffers for one world's view of a `Gan`.
#[derive(Clone, Debug)]
pub struct WorldView {
    /// A copy of D whose own forward/backward caches these gradients use, so that asking
    /// for them never disturbs a training step under way; its weights are copied from
    /// D's each time.
    probe: Option<Mlp>,
    /// D's probabilities on the grid: (res) in 1-D, (res, res) row-major in 2-D with the
    /// top row at y = 1.
    pub d_grid: Vec<f32>,
    /// Grid points the verdict is asked at: (res or res², dim).
    grid_points: Array2<f32>,
    /// Fixed noise for G's shown points: (n, noise).
    noise: Array2<f32>,
    /// G's points for that noise: (n, dim).
    pub fake: Array2<f32>,
    /// The direction G's loss pushes each fake point (minus its gradient): (n, dim).
    pub push: Array2<f32>,
    /// G's image of the regular noise grid: (mesh_res or mesh_res², dim).
    pub mesh: Array2<f32>,
    mesh_noise: Array2<f32>,
    dlogits: Array2<f32>, // (n, 1)
}

impl WorldView {
    /// A view of `n` fake points (from the seed's fixed noise), D on a grid of `res`
    /// points per axis, and a noise mesh of `mesh_res` per axis.
    pub fn new(gan: &Gan, n: usize, res: usize, mesh_res: usize) -> WorldView {
        let config = gan.config();
        let dim = config.data_dim();
        let grid_points = grid(dim, res);
        let mesh_noise = noise_mesh(config.noise_dim, dim, mesh_res);
        WorldView {
            probe: None,
            d_grid: vec![0.0; grid_points.nrows()],
            grid_points,
            noise: fixed_noise(config.seed, n, config.noise_dim),
            fake: Array2::zeros((n, dim)),
            push: Array2::zeros((n, dim)),
            mesh: Array2::zeros((mesh_noise.nrows(), dim)),
            mesh_noise,
            dlogits: Array2::zeros((n, 1)),
        }
    }

    /// Whether this view was built for `gan`'s shapes and seed.
    pub fn fits(&self, gan: &Gan) -> bool {
        let c = gan.config();
        self.fake.ncols() == c.data_dim()
            && self.noise.ncols() == c.noise_dim
            && self.noise.nrows() > 0
            && self.noise.row(0) == fixed_noise(c.seed, 1, c.noise_dim).row(0)
    }

    /// Recomputes everything: D's map, G's points, their pushes, the mesh.
    pub fn update(&mut self, gan: &mut Gan) {
        gan.discriminate(self.grid_points.view(), &[], &mut self.d_grid);
        gan.generate(self.noise.view(), &[], self.fake.view_mut());
        gan.generate(self.mesh_noise.view(), &[], self.mesh.view_mut());
        self.update_push(gan);
    }

    /// The direction G's loss (as configured) pushes each fake point: −∂loss_i/∂x_i, the
    /// gradient of each sample's own loss through the current, frozen D.
    fn update_push(&mut self, gan: &Gan) {
        let d = gan.discriminator();
        let probe = self.probe.get_or_insert_with(|| d.clone());
        if probe.params.len() != d.params.len() {
            *probe = d.clone();
        }
        probe.params.copy_from_slice(&d.params);
        let logits = probe.forward(self.fake.view());
        let logits = logits.as_slice().expect("a (n, 1) output is contiguous");
        let dlogits = self.dlogits.as_slice_mut().expect("standard layout");
        generator_loss(gan.config().generator_loss, dlogits, logits);
        // The loss is a mean: scale back to each sample's own gradient, and descend.
        let n = dlogits.len() as f32;
        dlogits.iter_mut().for_each(|d| *d *= -n);
        probe.backward(
            self.fake.view(),
            self.dlogits.view(),
            false,
            Some(self.push.view_mut()),
        );
    }

    /// The grid points D is asked about.
    pub fn grid_points(&self) -> ArrayView2<'_, f32> {
        self.grid_points.view()
    }
}

/// A regular grid over [-1, 1] (1-D: `res` points left to right) or [-1, 1]² (2-D: rows
/// from y = 1 down, x left to right), at the cells' centres: (res or res², dim).
pub fn grid(dim: usize, res: usize) -> Array2<f32> {
    let at = |i: usize| -1.0 + (2 * i + 1) as f32 / res as f32;
    if dim == 1 {
        return Array2::from_shape_fn((res, 1), |(i, _)| at(i));
    }
    Array2::from_shape_fn((res * res, 2), |(k, c)| {
        let (row, col) = (k / res, k % res);
        if c == 0 {
            at(col)
        } else {
            -at(row)
        }
    })
}

/// A regular grid in noise space over ±`MESH_SPAN`: a line along the first noise
/// dimension for 1-D data or 1-D noise (res, noise), else a square over the first two
/// (res², noise), first dimension fastest; the other dimensions 0.
pub fn noise_mesh(noise_dim: usize, data_dim: usize, res: usize) -> Array2<f32> {
    let at = |i: usize| -MESH_SPAN + 2.0 * MESH_SPAN * i as f32 / (res - 1).max(1) as f32;
    if noise_dim == 1 || data_dim == 1 {
        return Array2::from_shape_fn((res, noise_dim), |(i, c)| if c == 0 { at(i) } else { 0.0 });
    }
    Array2::from_shape_fn((res * res, noise_dim), |(k, c)| match c {
        0 => at(k % res),
        1 => at(k / res),
        _ => 0.0,
    })
}

/// An RGB picture of a world's view, `size × size` pixels, in the page's colours: in 2-D,
/// D's verdict as the background (pink where D says fake, 0, through white at ½, to teal
/// where it says real, 1), the real points in teal and G's in orange; in 1-D, the real
/// histogram (light teal bars), G's (orange outline), and D(x) as a blue curve on a ½
/// grey line.
pub fn render_rgb(view: &WorldView, real: &[f32], dim: usize, size: usize) -> Vec<u8> {
    let mut img = vec![255u8; size * size * 3];
    let px =
        |v: f32| (((v + 1.0) * 0.5 * size as f32) as isize).clamp(0, size as isize - 1) as usize;
    let put = |img: &mut Vec<u8>, x: usize, y: usize, c: [u8; 3]| {
        let i = (y * size + x) * 3;
        img[i..i + 3].copy_from_slice(&c);
    };
    if dim == 2 {
        let res = (view.d_grid.len() as f64).sqrt() as usize;
        for y in 0..size {
            for x in 0..size {
                let d = view.d_grid[(y * res / size) * res + x * res / size];
                put(&mut img, x, y, verdict_colour(d));
            }
        }
        let dot = |img: &mut Vec<u8>, p: &[f32], c: [u8; 3]| {
            let (cx, cy) = (px(p[0]), px(-p[1]));
            for dy in 0..2 {
                for dx in 0..2 {
                    put(img, (cx + dx).min(size - 1), (cy + dy).min(size - 1), c);
                }
            }
        };
        for p in real.chunks_exact(2).take(1500) {
            dot(&mut img, p, [15, 118, 110]);
        }
        for p in view.fake.rows() {
            dot(&mut img, p.as_slice().expect("row"), [234, 88, 12]);
        }
        return img;
    }
    let bins = super::metrics::BINS_1D;
    let real_h = super::metrics::histogram(real, 1, bins);
    let fake_h = super::metrics::histogram(view.fake.as_slice().expect("standard"), 1, bins);
    let top = real_h.iter().chain(&fake_h).fold(1e-9f64, |m, &v| m.max(v));
    let bar = |h: f64| ((h / top) * 0.9 * size as f64) as usize;
    let res = view.d_grid.len();
    let curve = |x: usize| ((1.0 - view.d_grid[x * res / size]) * (size - 1) as f32) as usize;
    let fake_y = |x: usize| size - 1 - bar(fake_h[x * bins / size]).min(size - 1);
    for x in 0..size {
        for y in 0..bar(real_h[x * bins / size]) {
            put(&mut img, x, size - 1 - y, [182, 226, 221]);
        }
        put(&mut img, x, size / 2, [200, 200, 200]);
    }
    // G's histogram as a step outline, and D(x) as a curve, each joined to its last x.
    for x in 0..size {
        let prev = x.saturating_sub(1);
        for (y0, y1, c) in [
            (fake_y(prev), fake_y(x), [234, 88, 12]),
            (curve(prev), curve(x), [29, 78, 216]),
        ] {
            for y in y0.min(y1)..=y0.max(y1) {
                put(&mut img, x, y.min(size - 1), c);
                put(&mut img, x, (y + 1).min(size - 1), c);
            }
        }
    }
    img
}

/// D's verdict as a colour: pink (0, fake) through white (½) to teal (1, real), as the
/// page draws it (www/worlds/view2d.js): the square root makes small leanings visible.
pub fn verdict_colour(d: f32) -> [u8; 3] {
    let t = (d.clamp(0.0, 1.0) - 0.5) * 2.0;
    let a = t.abs().sqrt() * 0.7;
    let fade = |c: f32| (255.0 - (255.0 - c) * a) as u8;
    if t >= 0.0 {
        [fade(13.0), fade(148.0), fade(136.0)]
    } else {
        [fade(219.0), fade(39.0), fade(119.0)]
    }
}
