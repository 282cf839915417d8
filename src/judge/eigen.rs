//! Eigendecomposition of a symmetric matrix by the cyclic Jacobi method, and the square
//! root of a positive semi-definite matrix built from it. Small (d ≤ a few hundred) and
//! dependency-free; the Fréchet distance needs two of these on (64, 64) matrices.
//!
//! Each Jacobi rotation `A ← Jᵀ A J` zeroes one off-diagonal pair `a[p][q]`; sweeping all
//! pairs repeatedly drives the off-diagonal mass to zero (quadratically, once small). The
//! product of the rotations holds the eigenvectors: `A = V diag(λ) Vᵀ`.

/// Most sweeps over all pairs; a 64 × 64 covariance converges in under ten.
const MAX_SWEEPS: usize = 60;

/// Eigenvalues `λ` (n) and eigenvectors `V` (n, n), row-major, eigenvector `k` in column
/// `k`, of the symmetric matrix `a` (n, n), row-major. Only the upper triangle need be
/// right; the lower is taken as its mirror. Eigenvalues are in no particular order.
pub fn symmetric_eigen(a: &[f64], n: usize) -> (Vec<f64>, Vec<f64>) {
    assert_eq!(a.len(), n * n, "a must be (n, n)");
    // Work on a symmetrised copy: a (n, n).
    let mut a: Vec<f64> = (0..n * n)
        .map(|k| {
            let (i, j) = (k / n, k % n);
            if i <= j {
                a[i * n + j]
            } else {
                a[j * n + i]
            }
        })
        .collect();
    let mut v = vec![0.0; n * n]; // (n, n)
    for i in 0..n {
        v[i * n + i] = 1.0;
    }
    let scale: f64 = a.iter().map(|x| x * x).sum::<f64>().max(f64::MIN_POSITIVE);
    for _ in 0..MAX_SWEEPS {
        let off: f64 = (0..n)
            .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
            .map(|(i, j)| a[i * n + j] * a[i * n + j])
            .sum();
        if off <= 1e-30 * scale {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq == 0.0 {
                    continue;
                }
                // The rotation angle that zeroes a[p][q] (Numerical Recipes' form, the
                // smaller of the two roots for stability).
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (v[k * n + p], v[k * n + q]);
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    let values = (0..n).map(|i| a[i * n + i]).collect();
    (values, v)
}

/// The symmetric square root `A^½ = V diag(√max(λ, 0)) Vᵀ` of a positive semi-definite
/// `a` (n, n). Eigenvalues a rounding error below zero count as zero.
pub fn psd_sqrt(a: &[f64], n: usize) -> Vec<f64> {
    let (values, v) = symmetric_eigen(a, n);
    let roots: Vec<f64> = values.iter().map(|&l| l.max(0.0).sqrt()).collect();
    let mut out = vec![0.0; n * n]; // (n, n)
    for i in 0..n {
        for j in i..n {
            let x: f64 = (0..n).map(|k| v[i * n + k] * roots[k] * v[j * n + k]).sum();
            out[i * n + j] = x;
            out[j * n + i] = x;
        }
    }
    out
}

/// `a @ b` for (n, n) row-major matrices.
pub fn matmul(a: &[f64], b: &[f64], n: usize) -> Vec<f64> {
    let mut out = vec![0.0; n * n];
    for i in 0..n {
        for k in 0..n {
            let aik = a[i * n + k];
            if aik == 0.0 {
                continue;
            }
            for j in 0..n {
                out[i * n + j] += aik * b[k * n + j];
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(mut v: Vec<f64>) -> Vec<f64> {
        v.sort_by(f64::total_cmp);
        v
    }

    #[test]
    fn known_two_by_two() {
        // [[2, 1], [1, 2]] has eigenvalues 1 and 3, eigenvectors (1, -1)/√2 and (1, 1)/√2.
        let (values, v) = symmetric_eigen(&[2.0, 1.0, 1.0, 2.0], 2);
        let values = sorted(values);
        assert!((values[0] - 1.0).abs() < 1e-12 && (values[1] - 3.0).abs() < 1e-12);
        for x in &v {
            assert!((x.abs() - 0.5f64.sqrt()).abs() < 1e-12);
        }
    }

    #[test]
    fn known_three_by_three() {
        // The tridiagonal [[2,-1,0],[-1,2,-1],[0,-1,2]]: eigenvalues 2 - √2, 2, 2 + √2.
        let a = [2.0, -1.0, 0.0, -1.0, 2.0, -1.0, 0.0, -1.0, 2.0];
        let values = sorted(symmetric_eigen(&a, 3).0);
        let r2 = 2f64.sqrt();
        for (got, want) in values.iter().zip([2.0 - r2, 2.0, 2.0 + r2]) {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
    }

    #[test]
    fn reconstructs_a_random_symmetric_matrix() {
        let n = 12;
        let b: Vec<f64> = (0..n * n)
            .map(|k| ((k * 7919 % 101) as f64 / 50.0) - 1.0)
            .collect();
        // a = b + bᵀ is symmetric.
        let a: Vec<f64> = (0..n * n).map(|k| b[k] + b[(k % n) * n + k / n]).collect();
        let (values, v) = symmetric_eigen(&a, n);
        let mut maxdiff = 0.0f64;
        for i in 0..n {
            for j in 0..n {
                let x: f64 = (0..n)
                    .map(|k| v[i * n + k] * values[k] * v[j * n + k])
                    .sum();
                maxdiff = maxdiff.max((x - a[i * n + j]).abs());
                // V is orthogonal: VᵀV = I.
                let dot: f64 = (0..n).map(|k| v[k * n + i] * v[k * n + j]).sum();
                let eye = if i == j { 1.0 } else { 0.0 };
                assert!((dot - eye).abs() < 1e-10);
            }
        }
        assert!(maxdiff < 1e-10, "maxdiff {maxdiff}");
    }

    #[test]
    fn square_root_squares_back() {
        // A PSD matrix bᵀb of rank 2 in 4 dimensions (two zero eigenvalues).
        let b = [1.0, 2.0, 0.0, -1.0, 0.5, -1.0, 3.0, 2.0];
        let n = 4;
        let mut a = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                a[i * n + j] = (0..2).map(|r| b[r * n + i] * b[r * n + j]).sum();
            }
        }
        let root = psd_sqrt(&a, n);
        let back = matmul(&root, &root, n);
        for (x, y) in back.iter().zip(&a) {
            assert!((x - y).abs() < 1e-9, "{x} vs {y}");
        }
    }
}
