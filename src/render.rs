//! Turning images in [-1, 1] into pixels: tiled grids of grey bytes, for PNG files and
//! for the page's canvas.

use crate::gan::IMAGE_SIDE;

/// Gap between tiles in a grid, in pixels.
pub const GRID_GAP: usize = 2;

/// Width and height in pixels of a grid of `rows × cols` 28×28 tiles with `GRID_GAP`
/// pixels between neighbouring tiles (none around the edge).
pub fn grid_size(rows: usize, cols: usize) -> (usize, usize) {
    let side = |n: usize| n * IMAGE_SIDE + n.saturating_sub(1) * GRID_GAP;
    (side(cols), side(rows))
}

/// A pixel in [-1, 1] as a grey byte (-1 → 0 black, 1 → 255 white); NaN is black.
pub fn to_byte(v: f32) -> u8 {
    (((v + 1.0) * 127.5).round()).clamp(0.0, 255.0) as u8
}

/// Lays out `images` ((rows·cols) × 784, row-major tiles) into `out`, a grey image of
/// `grid_size(rows, cols)`, the gaps filled with `gap_value`.
pub fn grid_gray(images: &[f32], rows: usize, cols: usize, gap_value: u8, out: &mut [u8]) {
    let (width, height) = grid_size(rows, cols);
    let tile = IMAGE_SIDE * IMAGE_SIDE;
    assert_eq!(images.len(), rows * cols * tile, "images fill the grid");
    assert_eq!(out.len(), width * height, "output is the grid's size");
    out.fill(gap_value);
    for (i, image) in images.chunks_exact(tile).enumerate() {
        let (x0, y0) = (
            (i % cols) * (IMAGE_SIDE + GRID_GAP),
            (i / cols) * (IMAGE_SIDE + GRID_GAP),
        );
        for (y, row) in image.chunks_exact(IMAGE_SIDE).enumerate() {
            let start = (y0 + y) * width + x0;
            for (o, &v) in out[start..start + IMAGE_SIDE].iter_mut().zip(row) {
                *o = to_byte(v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_two_by_two_grid_places_tiles_and_gaps() {
        let mut images = vec![-1.0; 4 * 784];
        images[784] = 1.0; // tile 1 (top right), pixel (0, 0)
        images[3 * 784 + 783] = 0.0; // tile 3 (bottom right), pixel (27, 27)
        let (w, h) = grid_size(2, 2);
        assert_eq!((w, h), (58, 58));
        let mut out = vec![0; w * h];
        grid_gray(&images, 2, 2, 7, &mut out);
        assert_eq!(out[0], 0);
        assert_eq!(out[28], 7, "gap column");
        assert_eq!(out[30], 255, "tile 1 starts after the gap");
        assert_eq!(out[57 * w + 57], 128);
        assert_eq!(out[29 * w], 7, "gap row");
    }

    #[test]
    fn bytes_clamp_and_round() {
        assert_eq!(to_byte(-1.0), 0);
        assert_eq!(to_byte(1.0), 255);
        assert_eq!(to_byte(5.0), 255);
        assert_eq!(to_byte(f32::NAN), 0);
    }
}
