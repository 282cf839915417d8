//! The lecture's argument against a pixel-wise loss (Hung-yi Lee's notes, section 5, "VAE
//! vs GAN"): two edits of a digit that a squared error cannot tell apart, one a person
//! (and, once trained, D) can.
//!
//! - **along the stroke**: `count` background pixels touching the digit's ink, one
//!   connected patch, switched on: the stroke grows a little, still a digit;
//! - **stray**: `count` background pixels far from the ink and from each other switched
//!   on: isolated specks no handwriting has.
//!
//! Every edited pixel goes from the background, −1, to full ink, +1, so both edits are
//! exactly the same squared distance from the digit, `4 · count`, and the same pixel
//! loss. The stray pixels are specks in the judge's sense (`judge::metrics::speckles`);
//! the stroke's are not.

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

/// The background's value: a 0 byte in [-1, 1].
const BACKGROUND: f32 = -1.0;
/// A pixel brighter than this is ink the stroke edit may grow from.
const INK: f32 = 0.0;
/// A stray pixel has nothing but background within this many pixels (and no other stray
/// pixel), so the judge counts it as a speck.
const STRAY_CLEARANCE: usize = 2;

/// One digit's two edits.
#[derive(Clone, Debug, PartialEq)]
pub struct PixelEdits {
    /// The digit with a patch of pixels added along its stroke.
    pub stroke: Vec<f32>,
    /// The digit with as many isolated pixels added away from it.
    pub stray: Vec<f32>,
    /// Pixels each edit switched on.
    pub count: usize,
}

impl PixelEdits {
    /// The squared distance of either edit from the digit: the pixel loss of both.
    pub fn squared_distance(&self) -> f32 {
        4.0 * self.count as f32
    }
}

/// Both edits of `image` (`side` × `side`, pixels in [-1, 1]), `count` pixels each, their
/// places drawn from `seed`. Refused, with the reason, when the image has no ink or not
/// room enough for `count` pixels of either kind.
pub fn pixel_edits(
    image: &[f32],
    side: usize,
    count: usize,
    seed: u64,
) -> Result<PixelEdits, String> {
    if image.len() != side * side {
        return Err(format!(
            "an image of {side} × {side} has {} pixels, got {}",
            side * side,
            image.len()
        ));
    }
    if count == 0 {
        return Err("an edit switches on at least one pixel".into());
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let grid = Grid { image, side };
    let stroke = grid.stroke_patch(count, &mut rng)?;
    let stray = grid.stray_pixels(count, &mut rng)?;
    Ok(PixelEdits {
        stroke: grid.with_on(&stroke),
        stray: grid.with_on(&stray),
        count,
    })
}

struct Grid<'a> {
    image: &'a [f32],
    side: usize,
}

impl Grid<'_> {
    fn at(&self, x: usize, y: usize) -> f32 {
        self.image[y * self.side + x]
    }

    /// The pixels within `r` of (x, y) (a square, cut at the edges), (x, y) included.
    fn around(&self, x: usize, y: usize, r: usize) -> impl Iterator<Item = (usize, usize)> {
        let side = self.side;
        (y.saturating_sub(r)..(y + r + 1).min(side)).flat_map(move |ny| {
            (x.saturating_sub(r)..(x + r + 1).min(side)).map(move |nx| (nx, ny))
        })
    }

    /// A background pixel with ink among its 8 neighbours: where the stroke can grow.
    fn on_the_edge(&self, x: usize, y: usize) -> bool {
        self.at(x, y) == BACKGROUND && self.around(x, y, 1).any(|(nx, ny)| self.at(nx, ny) > INK)
    }

    /// `count` edge pixels, one 8-connected patch grown from a random edge pixel,
    /// nearest first.
    fn stroke_patch(&self, count: usize, rng: &mut ChaCha8Rng) -> Result<Vec<usize>, String> {
        let side = self.side;
        let edge: Vec<usize> = (0..side * side)
            .filter(|&i| self.on_the_edge(i % side, i / side))
            .collect();
        if edge.is_empty() {
            return Err(
                "the digit has no outline to grow along (no background pixel touches its ink)"
                    .into(),
            );
        }
        // Grow from a few starts if the first one's stretch of edge is too short.
        for _ in 0..8 {
            let start = edge[rng.random_range(0..edge.len())];
            let mut patch = vec![start];
            let mut next = 0;
            while patch.len() < count && next < patch.len() {
                let (x, y) = (patch[next] % side, patch[next] / side);
                next += 1;
                for (nx, ny) in self.around(x, y, 1) {
                    let i = ny * side + nx;
                    if patch.len() < count && self.on_the_edge(nx, ny) && !patch.contains(&i) {
                        patch.push(i);
                    }
                }
            }
            if patch.len() == count {
                return Ok(patch);
            }
        }
        Err(format!(
            "the digit's outline has no connected stretch of {count} pixels"
        ))
    }

    /// `count` background pixels with only background within `STRAY_CLEARANCE` of each,
    /// and no two within that distance of each other.
    fn stray_pixels(&self, count: usize, rng: &mut ChaCha8Rng) -> Result<Vec<usize>, String> {
        let side = self.side;
        let mut free: Vec<usize> = (0..side * side)
            .filter(|&i| {
                self.around(i % side, i / side, STRAY_CLEARANCE)
                    .all(|(nx, ny)| self.at(nx, ny) == BACKGROUND)
            })
            .collect();
        let mut chosen: Vec<usize> = Vec::with_capacity(count);
        while chosen.len() < count && !free.is_empty() {
            let i = free.swap_remove(rng.random_range(0..free.len()));
            let (x, y) = (i % side, i / side);
            let apart = chosen.iter().all(|&c| {
                (c % side).abs_diff(x) > STRAY_CLEARANCE || (c / side).abs_diff(y) > STRAY_CLEARANCE
            });
            if apart {
                chosen.push(i);
            }
        }
        if chosen.len() < count {
            return Err(format!(
                "the background has no room for {count} isolated pixels"
            ));
        }
        Ok(chosen)
    }

    /// The image with `pixels` switched on to full ink.
    fn with_on(&self, pixels: &[usize]) -> Vec<f32> {
        let mut out = self.image.to_vec();
        for &i in pixels {
            out[i] = 1.0;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::metrics::speckles;

    /// A 28 × 28 "1": a bar 2 pixels wide in columns 13–14, rows 4–23.
    fn one() -> Vec<f32> {
        let mut image = vec![BACKGROUND; 784];
        for y in 4..24 {
            image[y * 28 + 13] = 1.0;
            image[y * 28 + 14] = 1.0;
        }
        image
    }

    fn changed(a: &[f32], b: &[f32]) -> Vec<usize> {
        (0..a.len()).filter(|&i| a[i] != b[i]).collect()
    }

    #[test]
    fn both_edits_are_the_same_pixel_distance_away() {
        let image = one();
        let edits = pixel_edits(&image, 28, 6, 1).unwrap();
        for edited in [&edits.stroke, &edits.stray] {
            let d2: f32 = image.iter().zip(edited).map(|(a, b)| (a - b).powi(2)).sum();
            assert_eq!(d2, edits.squared_distance());
            assert_eq!(changed(&image, edited).len(), 6);
        }
        assert_eq!(edits.squared_distance(), 24.0);
    }

    #[test]
    fn the_stroke_grows_and_the_stray_pixels_are_specks() {
        let image = one();
        let edits = pixel_edits(&image, 28, 6, 3).unwrap();
        assert_eq!(speckles(&image, 28), 0);
        assert_eq!(
            speckles(&edits.stroke, 28),
            0,
            "the stroke's pixels touch ink"
        );
        assert_eq!(
            speckles(&edits.stray, 28),
            6,
            "each stray pixel stands alone"
        );
        // Each of the stroke's pixels touches the bar.
        let grid = Grid {
            image: &image,
            side: 28,
        };
        for i in changed(&image, &edits.stroke) {
            assert!(
                grid.on_the_edge(i % 28, i / 28),
                "pixel {i} touches the bar"
            );
        }
    }

    #[test]
    fn the_same_seed_makes_the_same_edits() {
        let image = one();
        assert_eq!(pixel_edits(&image, 28, 6, 9), pixel_edits(&image, 28, 6, 9));
        assert_ne!(
            pixel_edits(&image, 28, 6, 9),
            pixel_edits(&image, 28, 6, 10)
        );
    }

    #[test]
    fn impossible_edits_are_refused_with_the_reason() {
        let blank = vec![BACKGROUND; 784];
        let full = vec![1.0; 784];
        for image in [blank, full] {
            let err = pixel_edits(&image, 28, 6, 1).unwrap_err();
            assert!(err.contains("no outline"), "{err}");
        }
        let err = pixel_edits(&one(), 28, 200, 1).unwrap_err();
        assert!(err.contains("no connected stretch"), "{err}");
        let err = pixel_edits(&one(), 27, 6, 1).unwrap_err();
        assert!(err.contains("pixels, got 784"), "{err}");
        assert!(pixel_edits(&one(), 28, 0, 1).is_err());
    }
}
