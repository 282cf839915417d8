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

use crate::data::Dataset;
use crate::judge::metrics::speckles;
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

/// Most pixels one edit may switch on.
pub const MAX_EDIT_PIXELS: usize = 40;

/// What a scorer (D) says of the two edits of many digits.
#[derive(Clone, Debug, PartialEq)]
pub struct EditScores {
    /// Pixels each edit switched on.
    pub count: usize,
    /// Digits edited and scored (a digit with no room for an edit is passed over).
    pub n: usize,
    /// Mean scores of the digits, their stroke edits and their stray edits.
    pub original: f64,
    pub stroke: f64,
    pub stray: f64,
    /// The share of digits whose stray edit scored below their stroke edit.
    pub lower_stray: f64,
    /// The judge's isolated pixels per digit: originals, stroke edits, stray edits.
    pub specks: [f64; 3],
    /// The first digit edited, with its two edits: three images.
    pub first: [Vec<f32>; 3],
}

/// Both edits of the first `n` digits of `data` that have room for them, `count` pixels
/// each (digit `i`'s places drawn from seed `i`), scored by `score` (a batch of whole
/// images and their labels → one score each; D's probability in the page and the
/// command). Refused with the reason when the numbers are out of range or no digit had
/// room.
pub fn score_edits(
    data: &Dataset,
    count: usize,
    n: usize,
    mut score: impl FnMut(&[f32], &[u8]) -> Vec<f32>,
) -> Result<EditScores, String> {
    let side = (data.image_dim() as f64).sqrt() as usize;
    if side * side != data.image_dim() {
        return Err(format!(
            "the edits need square images, and these have {} pixels",
            data.image_dim()
        ));
    }
    if !(1..=MAX_EDIT_PIXELS).contains(&count) || n == 0 {
        return Err(format!(
            "1 to {MAX_EDIT_PIXELS} pixels and at least one digit, got {count} and {n}"
        ));
    }
    let (mut original, mut stroke, mut stray, mut labels) = (vec![], vec![], vec![], vec![]);
    for i in 0..data.len() {
        if labels.len() == n {
            break;
        }
        let image = data.image(i);
        let Ok(edits) = pixel_edits(image, side, count, i as u64) else {
            continue;
        };
        original.extend_from_slice(image);
        stroke.extend(edits.stroke);
        stray.extend(edits.stray);
        labels.push(data.label(i));
    }
    let scored = labels.len();
    if scored == 0 {
        return Err("no digit had room for the edits".into());
    }
    let [d_original, d_stroke, d_stray] = [&original, &stroke, &stray].map(|images| {
        let p = score(images, &labels);
        assert_eq!(p.len(), scored, "one score per image");
        p
    });
    let mean = |p: &[f32]| p.iter().map(|&v| f64::from(v)).sum::<f64>() / scored as f64;
    let lower = d_stray.iter().zip(&d_stroke).filter(|(a, b)| a < b).count();
    let specks = |images: &[f32]| {
        let total: u32 = images
            .chunks_exact(side * side)
            .map(|image| speckles(image, side))
            .sum();
        f64::from(total) / scored as f64
    };
    let first = |v: &[f32]| v[..side * side].to_vec();
    Ok(EditScores {
        count,
        n: scored,
        original: mean(&d_original),
        stroke: mean(&d_stroke),
        stray: mean(&d_stray),
        lower_stray: lower as f64 / scored as f64,
        specks: [specks(&original), specks(&stroke), specks(&stray)],
        first: [first(&original), first(&stroke), first(&stray)],
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

    /// Three "1"s and a blank image (no room for a stroke edit: passed over).
    fn ones_and_a_blank() -> Dataset {
        let images = [one(), vec![BACKGROUND; 784], one(), one()].concat();
        Dataset::from_parts(images, vec![1, 0, 1, 1], 28, 28).unwrap()
    }

    #[test]
    fn a_scorer_that_sees_specks_scores_the_stray_edit_lower() {
        let data = ones_and_a_blank();
        // A scorer that loses 0.1 per speck: the stray edit's 6 specks cost it 0.6.
        let seen = |images: &[f32], labels: &[u8]| -> Vec<f32> {
            assert!(labels.iter().all(|&l| l == 1), "the blank is passed over");
            images
                .chunks_exact(784)
                .map(|x| 0.9 - 0.1 * speckles(x, 28) as f32)
                .collect()
        };
        let s = score_edits(&data, 6, 10, seen).unwrap();
        assert_eq!((s.count, s.n), (6, 3));
        assert!((s.original - 0.9).abs() < 1e-6 && (s.stroke - 0.9).abs() < 1e-6);
        assert!((s.stray - 0.3).abs() < 1e-6, "{}", s.stray);
        assert_eq!(s.lower_stray, 1.0);
        assert_eq!(s.specks, [0.0, 0.0, 6.0]);
        assert_eq!(s.first[0], one());
        // A pixel-wise scorer (the mean pixel) cannot tell the edits apart.
        let mean = |images: &[f32], _: &[u8]| -> Vec<f32> {
            images
                .chunks_exact(784)
                .map(|x| x.iter().sum::<f32>() / 784.0)
                .collect()
        };
        let s = score_edits(&data, 6, 2, mean).unwrap();
        assert_eq!(s.n, 2);
        assert!((s.stroke - s.stray).abs() < 1e-6);
        assert_eq!(s.lower_stray, 0.0);
    }

    #[test]
    fn edits_out_of_range_or_without_room_are_refused() {
        let data = ones_and_a_blank();
        let never = |_: &[f32], _: &[u8]| -> Vec<f32> { unreachable!("nothing to score") };
        for (count, n) in [(0, 5), (MAX_EDIT_PIXELS + 1, 5), (6, 0)] {
            let err = score_edits(&data, count, n, never).unwrap_err();
            assert!(err.contains("1 to 40 pixels"), "{err}");
        }
        let blank = Dataset::from_parts(vec![BACKGROUND; 784], vec![0], 28, 28).unwrap();
        let err = score_edits(&blank, 6, 5, never).unwrap_err();
        assert!(err.contains("no digit had room"), "{err}");
        let odd = Dataset::from_parts(vec![BACKGROUND; 6], vec![0], 2, 3).unwrap();
        assert!(score_edits(&odd, 6, 5, never)
            .unwrap_err()
            .contains("square"));
    }
}
