//! The 1-D and 2-D worlds across the boundary: which data the playground trains on, and
//! what the page's world views draw, read through pointers into wasm memory like the
//! grid (D's verdict on a grid of points, the real and G's points, the push G's loss
//! gives each of G's points, G's image of a noise grid), plus the world's metrics.

use super::codes::{coded, input_error};
use super::{on_pool, Playground};
use crate::data::Dataset;
use crate::worlds::metrics::evaluate;
use crate::worlds::view::WorldView;
use crate::worlds::World;
use wasm_bindgen::prelude::*;

/// Most fake points, grid cells per axis and mesh lines per axis a view may ask for.
const MAX_VIEW_POINTS: usize = 4096;
const MAX_VIEW_RES: usize = 256;
const MAX_MESH_RES: usize = 64;

/// A world's data and view, kept with the playground.
#[derive(Default)]
pub(super) struct WorldState {
    /// The digits, put aside while a world of points is in force.
    digits: Option<Dataset>,
    /// The world and seed the points in `Playground::data` came from.
    key: Option<(World, u64)>,
    view: Option<WorldView>,
    /// The sizes `view` was made with: points, grid resolution, mesh resolution.
    sizes: (usize, usize, usize),
}

// Rust-only helpers.
impl Playground {
    /// Makes `data` what the model's world trains on: the world's points from its seed
    /// (regenerated only when the world or the seed changed), or the digits.
    pub(super) fn fit_data_to_world(&mut self) {
        let config = self.gan.config();
        let world = &config.world;
        if !world.is_points() {
            if let Some(digits) = self.world.digits.take() {
                self.data = digits;
            }
            self.world.key = None;
            self.world.view = None;
            return;
        }
        let key = (world.clone(), config.seed);
        if self.world.key.as_ref() == Some(&key) {
            return;
        }
        let points = world.generate(config.seed).expect("a world of points");
        let old = std::mem::replace(&mut self.data, points);
        if self.world.digits.is_none() {
            self.world.digits = Some(old);
        }
        self.world.key = Some(key);
        self.world.view = None;
    }

    /// New digits (`load_data`): trained on now, or kept for when the digits come back.
    pub(super) fn set_digits(&mut self, data: Dataset) {
        if self.gan.config().world.is_points() {
            self.world.digits = Some(data);
        } else {
            self.data = data;
        }
    }

    fn view(&self) -> Result<&WorldView, JsError> {
        self.world
            .view
            .as_ref()
            .ok_or_else(|| input_error("call update_world_view first"))
    }
}

#[wasm_bindgen]
impl Playground {
    /// The world's name: "digits", "ring8", …, "drawn".
    pub fn world_name(&self) -> String {
        self.gan.config().world.name().into()
    }

    /// Numbers per data point: 784 (digits), 1 or 2.
    pub fn data_dim(&self) -> usize {
        self.gan.config().data_dim()
    }

    /// The default settings for world `world_json` (`"ring8"`, `{"drawn": …}`), as JSON.
    pub fn world_default_config_json(world_json: &str) -> Result<String, JsError> {
        let world: World = serde_json::from_str(world_json)
            .map_err(|e| coded("config.invalid", format!("not a world: {e}")))?;
        world.validate().map_err(|e| coded("config.invalid", e))?;
        Ok(world.default_config().to_json())
    }

    /// Recomputes the view for `points` of G's points (fixed noise), D on `res` points per
    /// axis and a noise mesh of `mesh_res` per axis; read it with the `world_*_ptr`s.
    pub fn update_world_view(
        &mut self,
        points: usize,
        res: usize,
        mesh_res: usize,
    ) -> Result<(), JsError> {
        if !self.gan.config().world.is_points() {
            return Err(input_error("the digits have no world view"));
        }
        if !(1..=MAX_VIEW_POINTS).contains(&points)
            || !(2..=MAX_VIEW_RES).contains(&res)
            || !(2..=MAX_MESH_RES).contains(&mesh_res)
        {
            return Err(input_error(format!(
                "a view takes 1–{MAX_VIEW_POINTS} points, a grid of 2–{MAX_VIEW_RES} and a \
                 mesh of 2–{MAX_MESH_RES}"
            )));
        }
        let sizes = (points, res, mesh_res);
        let gan = &mut self.gan;
        let state = &mut self.world;
        if state.sizes != sizes || !state.view.as_ref().is_some_and(|v| v.fits(gan)) {
            state.view = Some(WorldView::new(gan, points, res, mesh_res));
            state.sizes = sizes;
        }
        let view = state.view.as_mut().expect("just made");
        on_pool(|| view.update(gan));
        Ok(())
    }

    /// D's probabilities on the grid: `res` floats (1-D, left to right) or `res²` (2-D,
    /// rows from y = 1 down).
    pub fn world_d_ptr(&self) -> Result<*const f32, JsError> {
        Ok(self.view()?.d_grid.as_ptr())
    }

    pub fn world_d_len(&self) -> Result<usize, JsError> {
        Ok(self.view()?.d_grid.len())
    }

    /// G's points: `points × dim` floats.
    pub fn world_fake_ptr(&self) -> Result<*const f32, JsError> {
        Ok(self.view()?.fake.as_ptr())
    }

    /// The direction G's loss pushes each of G's points: `points × dim` floats.
    pub fn world_push_ptr(&self) -> Result<*const f32, JsError> {
        Ok(self.view()?.push.as_ptr())
    }

    /// G's image of the noise grid: `mesh_res² × dim` floats (a line of `mesh_res` in
    /// 1-D or with 1-D noise), first noise dimension fastest.
    pub fn world_mesh_ptr(&self) -> Result<*const f32, JsError> {
        Ok(self.view()?.mesh.as_ptr())
    }

    pub fn world_mesh_len(&self) -> Result<usize, JsError> {
        Ok(self.view()?.mesh.len())
    }

    /// The world's real points: `data_len() × dim` floats.
    pub fn world_real_ptr(&self) -> *const f32 {
        self.data.images().as_ptr()
    }

    /// The world's metrics on 2,500 of G's points from fixed noise: `[js, modes covered,
    /// modes, high-quality share]`, NaN where the world has no Gaussian modes.
    pub fn world_metrics(&mut self) -> Result<Vec<f64>, JsError> {
        if !self.gan.config().world.is_points() {
            return Err(input_error("the digits are judged by the quality panel"));
        }
        let (gan, data) = (&mut self.gan, &self.data);
        let m = on_pool(|| evaluate(gan, data));
        let (covered, modes) = m
            .modes
            .map_or((f64::NAN, f64::NAN), |(c, k)| (c as f64, k as f64));
        Ok(vec![
            m.js,
            covered,
            modes,
            m.high_quality.unwrap_or(f64::NAN),
        ])
    }
}
