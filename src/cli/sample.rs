//! `ganplay sample`: N images (or a world's points) from a checkpoint's generator into a
//! `.npy` file, and the
//! deterministic sampling that `train` also uses for its `samples.npy`.

use super::{fail, load_checkpoint, output, report, CliError, SampleArgs};
use crate::gan::{fixed_noise, Gan, NUM_CLASSES};
use ndarray::{s, Array2};

/// Most samples one `sample` call writes (100,000 × 784 f32 is 314 MB).
pub const MAX_SAMPLES: usize = 100_000;

/// Added to the seed before drawing the samples' noise, so they do not repeat the grid's
/// (which is `fixed_noise(seed, 100, noise_dim)`). The samples for seed `s` are G's images
/// for `fixed_noise(s + SAMPLES_SEED_OFFSET, n, noise_dim)`.
pub const SAMPLES_SEED_OFFSET: u64 = 1_000_000;

/// Rows generated per call to G: bounds the size of its activation buffers.
const CHUNK: usize = 1000;

/// Runs `ganplay sample`.
pub fn run(args: &SampleArgs) -> Result<(), CliError> {
    let mut gan = load_checkpoint(&args.checkpoint)?;
    gan.set_samples_from_average(!args.raw_g);
    let conditional = gan.config().conditional;
    if args.label.is_some() && !conditional {
        return fail(format!(
            "--label needs a conditional checkpoint, and {} is unconditional \
             (it was not trained with --conditional)",
            args.checkpoint.display()
        ));
    }
    // The flag's range is checked by clap; this guards the conversion anyway.
    let n = usize::try_from(args.n)
        .ok()
        .filter(|n| (1..=MAX_SAMPLES).contains(n));
    let Some(n) = n else {
        return fail(format!("--n must be in 1..={MAX_SAMPLES}, got {}", args.n));
    };
    let labels: Vec<u8> = match args.label {
        Some(label) => vec![label; n],
        None => (0..n).map(|i| (i % NUM_CLASSES) as u8).collect(),
    };
    let seed = args.seed.unwrap_or(gan.config().seed);
    let samples = generate_samples(&mut gan, seed, &labels);
    output::write_npy(&args.out, &samples)?;
    let which = match args.label {
        Some(label) => format!(" of digit {label}"),
        None if conditional => " (digits 0–9 in turn)".to_string(),
        None => String::new(),
    };
    report(format_args!(
        "wrote {n} samples{which} to {}",
        args.out.display()
    ));
    Ok(())
}

/// G's images for `labels.len()` noise vectors drawn from `seed` (see
/// [`SAMPLES_SEED_OFFSET`]), one label each (ignored when unconditional): (n, 784) in
/// [-1, 1], or (n, 2) or (n, 1) in a world of points. The same seed always gives the same noise, so the same checkpoint gives the
/// same samples; and the first k rows do not depend on n.
pub fn generate_samples(gan: &mut Gan, seed: u64, labels: &[u8]) -> Array2<f32> {
    let (n, noise_dim) = (labels.len(), gan.config().noise_dim);
    let z = fixed_noise(seed.wrapping_add(SAMPLES_SEED_OFFSET), n, noise_dim); // (n, noise_dim)
    let mut images = Array2::zeros((n, gan.config().data_dim())); // (n, 784) for digits
    for start in (0..n).step_by(CHUNK) {
        let rows = start..(start + CHUNK).min(n);
        gan.generate(
            z.slice(s![rows.clone(), ..]),
            &labels[rows.clone()],
            images.slice_mut(s![rows, ..]),
        );
    }
    images
}
