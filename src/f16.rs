//! IEEE 754 half precision (binary16) for compact files: the pretrained models the page
//! fetches store their weights as 16-bit floats, half the bytes of f32 with about three
//! significant digits (a relative error of at most 2^-11 for normal values).

/// The binary16 bits nearest to `x`, ties to even; beyond the largest half (65504) gives
/// ±infinity, below the smallest subnormal (2^-24) gives ±0, NaN stays NaN.
pub fn to_f16(x: f32) -> u16 {
    let bits = x.to_bits();
    let sign = ((bits >> 16) & 0x8000) as u16;
    let exp = ((bits >> 23) & 0xff) as i32;
    let man = bits & 0x7f_ffff;
    if exp == 0xff {
        return sign | 0x7c00 | if man != 0 { 0x200 } else { 0 };
    }
    let e = exp - 127 + 15; // the exponent, rebiased for binary16
    if e >= 0x1f {
        return sign | 0x7c00;
    }
    if e <= 0 {
        // A subnormal half (or zero): value = m · 2^-24, m = man24 · 2^(exp - 126).
        if e < -10 {
            return sign;
        }
        let man24 = man | 0x80_0000;
        let shift = (14 - e) as u32;
        return sign | round_shift(man24, shift) as u16;
    }
    // A normal half; a carry out of the mantissa rounds up into the exponent (to
    // infinity past 65504), as it should.
    let h = ((e as u32) << 10) | (man >> 13);
    let rem = man & 0x1fff;
    let up = rem > 0x1000 || (rem == 0x1000 && h & 1 == 1);
    sign | (h + u32::from(up)) as u16
}

/// `v >> shift`, rounded to nearest, ties to even.
fn round_shift(v: u32, shift: u32) -> u32 {
    let q = v >> shift;
    let rem = v & ((1 << shift) - 1);
    let half = 1 << (shift - 1);
    q + u32::from(rem > half || (rem == half && q & 1 == 1))
}

/// The value of binary16 bits `h` (exact: every half is an f32).
pub fn from_f16(h: u16) -> f32 {
    let sign = u32::from(h & 0x8000) << 16;
    let exp = u32::from((h >> 10) & 0x1f);
    let man = u32::from(h & 0x3ff);
    let magnitude = match exp {
        0 => return signed(sign, man as f32 * 2f32.powi(-24)),
        0x1f => 0x7f80_0000 | (man << 13),
        _ => ((exp + 112) << 23) | (man << 13),
    };
    f32::from_bits(sign | magnitude)
}

fn signed(sign: u32, v: f32) -> f32 {
    if sign != 0 {
        -v
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_half_survives_the_round_trip() {
        for h in 0..=u16::MAX {
            let x = from_f16(h);
            if x.is_nan() {
                assert!(from_f16(to_f16(x)).is_nan());
                continue;
            }
            assert_eq!(to_f16(x), h, "{h:#06x} = {x}");
        }
    }

    #[test]
    fn known_values() {
        assert_eq!(to_f16(1.0), 0x3c00);
        assert_eq!(to_f16(-2.0), 0xc000);
        assert_eq!(to_f16(65504.0), 0x7bff);
        assert_eq!(to_f16(65520.0), 0x7c00, "rounds up past the largest half");
        assert_eq!(to_f16(2f32.powi(-24)), 0x0001, "the smallest subnormal");
        assert_eq!(to_f16(2f32.powi(-26)), 0x0000, "under half of it");
        assert_eq!(
            to_f16(1.0 + 2f32.powi(-11)),
            0x3c00,
            "a tie goes to the even 1.0"
        );
        assert_eq!(
            to_f16(1.0 + 3.0 * 2f32.powi(-11)),
            0x3c02,
            "a tie goes to the even"
        );
        assert_eq!(from_f16(0x3555), 0.333_251_95);
        assert_eq!(from_f16(0x8001), -(2f32.powi(-24)));
    }

    #[test]
    fn nearest_half_within_half_an_ulp() {
        // f32s in [-2, 2] on a fine stride: no neighbour of the half chosen is nearer.
        let mut x = -2.0f32;
        while x <= 2.0 {
            let h = to_f16(x);
            let err = (from_f16(h) - x).abs();
            for n in [h.wrapping_add(1), h.wrapping_sub(1)] {
                let other = from_f16(n);
                if !other.is_nan() {
                    assert!(err <= (other - x).abs(), "{x} → {}", from_f16(h));
                }
            }
            x += 0.000_123_4;
        }
    }
}
