//! The command line's flags, as clap reads them: `Cli`, its subcommands and each one's
//! arguments, and the value enums (`--model`, `--optimizer`, `--loss`, `--recipe`).
//! What each command does with them lives in the file named after it.

use super::MAX_SAMPLES;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Train a small MLP GAN on MNIST digits, and draw samples from it.
#[derive(Debug, Parser)]
#[command(name = "ganplay", version, max_term_width = 100)]
pub struct Cli {
    /// Threads for the matrix products, 1–256. The results are bit-identical for any
    /// number; more than 1 needs a build with the `threads` feature
    /// (`cargo build --release --features threads`).
    #[arg(long, global = true, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS))]
    pub threads: u16,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The most threads `--threads` takes.
pub const MAX_THREADS: i64 = 256;

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train a GAN (or continue one) and write checkpoint.safetensors, metrics.csv,
    /// grid.png and samples.npy into the output folder (in a 1-D or 2-D world, view.png
    /// instead of grid.png).
    Train(Box<TrainArgs>),
    /// Draw samples from a checkpoint into a .npy file of f32 [N, 784], pixels in [-1, 1].
    Sample(SampleArgs),
    /// Train the digit classifier that judges G's samples, on the built-in digits minus a
    /// held-out 1,000, and print its held-out accuracy.
    Judge(JudgeArgs),
    /// Judge a checkpoint's samples: class histogram, coverage, Fréchet distance to real
    /// digits in the judge's features and, for a conditional model, label agreement; in
    /// a 1-D or 2-D world, the JS divergence, modes covered and high-quality share.
    /// Prints text, then the same as one JSON line.
    Eval(EvalArgs),
    /// "Can D generate?": a discriminator alone, trained in rounds against its own best
    /// images (gradient ascent on D from noise), the lecture's iterated algorithm. Writes
    /// negatives-NN.png a round, metrics.csv and negatives.npy into the output folder.
    Dalone(DAloneArgs),
    /// "Same pixel loss, different digits": two edits of each digit at the same squared
    /// distance, one along its stroke and one of stray pixels, scored by a checkpoint's
    /// D. Prints a table, then the same as one JSON line.
    Edits(EditsArgs),
    /// Measure training speed (steps per second) of the default model on --threads
    /// threads, printing one JSON line per batch size.
    Bench(BenchArgs),
    /// Write a compact copy of a checkpoint, as the page's pretrained models are: the
    /// networks in 16-bit floats, without the optimisers' state (training on from it
    /// starts the optimisers afresh). About a quarter of the bytes.
    Compact(CompactArgs),
}

/// Flags of `ganplay compact`.
#[derive(Debug, Args)]
pub struct CompactArgs {
    /// Checkpoint to copy.
    #[arg(long, value_name = "FILE")]
    pub checkpoint: PathBuf,

    /// Where to write the compact copy.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// Flags of `ganplay judge`.
#[derive(Debug, Args)]
pub struct JudgeArgs {
    /// Where to write the judge.
    #[arg(
        long,
        value_name = "FILE",
        default_value = "www/data/judge.safetensors"
    )]
    pub out: PathBuf,

    /// Seed for the weights and the data order.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,

    /// Passes over the 9,000 training digits.
    #[arg(long, value_name = "E", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub epochs: u64,
}

/// Flags of `ganplay eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Checkpoint to judge.
    #[arg(long, value_name = "FILE")]
    pub checkpoint: PathBuf,

    /// Judge file [default: the built-in www/data/judge.safetensors].
    #[arg(long, value_name = "FILE")]
    pub judge: Option<PathBuf>,

    /// Samples to judge (fixed noise from the checkpoint's seed; conditional models ask
    /// for digits 0–9 in turn).
    #[arg(long, value_name = "N", default_value_t = 2000,
          value_parser = clap::value_parser!(u64).range(10..=100_000))]
    pub n: u64,

    /// Judge G itself rather than its moving average.
    #[arg(long)]
    pub raw_g: bool,
}

/// Flags of `ganplay dalone`.
#[derive(Debug, Args)]
pub struct DAloneArgs {
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Rounds to run.
    #[arg(long, value_name = "N", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub rounds: u32,

    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,

    /// Negatives made (and trained against) each round.
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub negatives: usize,

    /// D's updates per round.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub d_steps: usize,

    /// Gradient-ascent steps per negative per round.
    #[arg(long, value_name = "N", default_value_t = 40)]
    pub ascent_steps: usize,

    /// How far an ascent step moves an image's most-moved pixel (pixels in [-1, 1]).
    #[arg(long, value_name = "X", default_value_t = 0.05)]
    pub ascent_rate: f32,

    /// Judge file [default: the built-in www/data/judge.safetensors].
    #[arg(long, value_name = "FILE")]
    pub judge: Option<PathBuf>,
}

/// Flags of `ganplay edits`.
#[derive(Debug, Args)]
pub struct EditsArgs {
    /// Checkpoint whose D scores the edits (a model of the digits).
    #[arg(long, value_name = "FILE")]
    pub checkpoint: PathBuf,

    /// Pixels each edit switches on.
    #[arg(long, value_name = "N", default_value_t = 6,
          value_parser = clap::value_parser!(u64).range(1..=40))]
    pub pixels: u64,

    /// Digits to edit: the first N of the built-in digits with room for both edits.
    #[arg(long, value_name = "N", default_value_t = 500,
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub n: u64,
}

/// Flags of `ganplay bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Batch sizes to measure.
    #[arg(long, value_name = "B,…", value_delimiter = ',', default_values_t = [32, 64, 128])]
    pub batches: Vec<usize>,

    /// Timed steps per batch size.
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub steps: u32,

    /// Untimed steps first, per batch size.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub warmup: u32,

    /// Also where a step's time goes: each phase's milliseconds, and the time in the
    /// matrix products and in the optimisers' updates (one JSON line each).
    #[arg(long)]
    pub phases: bool,
}

/// Flags of `ganplay train`. The hyperparameter flags are options so that a resumed run
/// can tell "not given" (keep the checkpoint's value) from "given".
#[derive(Debug, Args)]
#[command(
    after_help = "With --resume, the architecture and seed come from the checkpoint, \
    so --seed, --conditional, --noise-dim, --g-hidden and --d-hidden are refused; the other \
    flags default to the checkpoint's values rather than the defaults shown. metrics.csv \
    then holds only this run's steps, numbered by the global step count. Switching \
    --optimizer on resume starts that optimiser's state afresh."
)]
pub struct TrainArgs {
    /// Training steps to run: each is --d-steps D updates, then one G update.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub steps: u64,

    /// What to train: `gan` (the default), or, for the lesson "can G learn by itself?",
    /// `vae` (a variational auto-encoder whose decoder is shaped as G) or `autoencoder`
    /// (the same without the KL term). Those two take --seed, --batch, --noise-dim (the
    /// code length), --g-hidden (the decoder's widths), --d-hidden (the encoder's),
    /// --g-lr (Adam's lr for both, default 0.001), the data and judge flags; docs/cli.md.
    #[arg(long, value_enum, default_value_t = ModelKind::Gan)]
    pub model: ModelKind,

    /// Output folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Seed for the weights, the noise, the data order and the fixed samples [default: 1].
    #[arg(long, value_name = "S", conflicts_with = "resume")]
    pub seed: Option<u64>,

    /// Images per D update, and fakes per G update [default: 64].
    #[arg(long, value_name = "B")]
    pub batch: Option<usize>,

    /// Conditional GAN: G and D also get the digit's label, and the grid's row r is digit r.
    #[arg(long, conflicts_with = "resume")]
    pub conditional: bool,

    /// World to train in instead of the digits: 1-D gaussian, mixture2, mixture3,
    /// uniform; 2-D ring8, grid25, moons, spiral, line (docs/worlds.md). Its data comes
    /// from the seed, and every setting's default becomes the world's (noise 2, hidden
    /// 64,64, batch 256, Adam with G's lr 0.0005 (0.0002 in 1-D) and D's 0.0002, label
    /// smoothing 0.1, instance noise 0.02, no average of G).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["resume", "images", "conditional"])]
    pub world: Option<String>,

    /// A 2-D world of your own: a CSV file of points `x,y`, each in [-1, 1] (a header
    /// line is skipped); G learns them with a little jitter around each.
    #[arg(long, value_name = "FILE.csv", conflicts_with_all = ["resume", "images", "conditional", "world"])]
    pub points: Option<PathBuf>,

    /// IDX images file (gzipped or not) to train on instead of the built-in 10,000 MNIST
    /// digits; needs --labels.
    #[arg(long, value_name = "FILE", requires = "labels")]
    pub images: Option<PathBuf>,

    /// IDX labels file matching --images.
    #[arg(long, value_name = "FILE", requires = "images")]
    pub labels: Option<PathBuf>,

    /// Continue from this checkpoint for --steps more steps.
    #[arg(long, value_name = "CKPT")]
    pub resume: Option<PathBuf>,

    /// Starting point for every setting below: `tuned` (the default: Adam, G's lr 0.002,
    /// D's 0.0004, label smoothing 0.1, instance noise 0.2, wrong labels weight 1.5, G
    /// averaged with decay 0.999) or `plain` (the textbook recipe: Adam lr 0.0002, no
    /// smoothing, no noise, no wrong labels, no averaging). Flags given override it.
    #[arg(long, value_enum, default_value_t = RecipeKind::Tuned, conflicts_with = "resume")]
    pub recipe: RecipeKind,

    /// G's learning rate [default: 0.002 with adam (plain recipe: 0.0002), 0.01 with sgd].
    #[arg(long, value_name = "LR")]
    pub g_lr: Option<f32>,

    /// D's learning rate [default: 0.0004 with adam (plain recipe: 0.0002), 0.01 with sgd].
    #[arg(long, value_name = "LR")]
    pub d_lr: Option<f32>,

    /// Optimiser for both networks (adam: β1 0.5, β2 0.999; sgd: momentum 0.9) [default: adam].
    #[arg(long, value_enum)]
    pub optimizer: Option<OptimizerKind>,

    /// D updates per G update [default: 1].
    #[arg(long, value_name = "K")]
    pub d_steps: Option<usize>,

    /// G's objective [default: non-saturating].
    #[arg(long, value_enum)]
    pub loss: Option<LossKind>,

    /// One-sided label smoothing: D's target for real images is 1 - X
    /// [default: 0.1; plain recipe: 0].
    #[arg(long, value_name = "X")]
    pub label_smoothing: Option<f32>,

    /// Instance noise: std of Gaussian noise added to D's input pixels
    /// [default: 0.2; plain recipe: 0].
    #[arg(long, value_name = "STD")]
    pub d_input_noise: Option<f32>,

    /// Conditional: weight of real digits shown to D with a wrong label, labelled fake
    /// (0 turns it off) [default: 1.5; plain recipe: 0].
    #[arg(long, value_name = "W")]
    pub d_mismatch: Option<f32>,

    /// Decay of the moving average of G's weights that samples, the grid and the judge
    /// use (0: no averaging, samples come from G itself) [default: 0.999; plain recipe: 0].
    #[arg(long, value_name = "DECAY")]
    pub g_average: Option<f32>,

    /// Length of G's noise vector z [default: 100].
    #[arg(long, value_name = "N", conflicts_with = "resume")]
    pub noise_dim: Option<usize>,

    /// Widths of G's hidden layers [default: 256,512].
    #[arg(
        long,
        value_name = "W,…",
        value_delimiter = ',',
        conflicts_with = "resume"
    )]
    pub g_hidden: Option<Vec<usize>>,

    /// Widths of D's hidden layers [default: 512,256].
    #[arg(
        long,
        value_name = "W,…",
        value_delimiter = ',',
        conflicts_with = "resume"
    )]
    pub d_hidden: Option<Vec<usize>>,

    /// Judge G every N steps (and after the last step) into metrics.csv's fd,
    /// min_class_share and agreement columns (0: only after the last step).
    #[arg(long, value_name = "N", default_value_t = 250)]
    pub eval_every: u64,

    /// Samples per judgement in metrics.csv.
    #[arg(long, value_name = "N", default_value_t = 1000,
          value_parser = clap::value_parser!(u64).range(10..=100_000))]
    pub eval_n: u64,

    /// Judge file for the metrics [default: the built-in www/data/judge.safetensors;
    /// if that is missing, the judge's columns stay empty].
    #[arg(long, value_name = "FILE")]
    pub judge: Option<PathBuf>,

    /// Print a line with the losses every N steps (0: never).
    #[arg(long, value_name = "N", default_value_t = 500)]
    pub log_every: u64,
}

/// Flags of `ganplay sample`.
#[derive(Debug, Args)]
pub struct SampleArgs {
    /// Checkpoint to sample from (a checkpoint.safetensors written by `train`).
    #[arg(long, value_name = "FILE")]
    pub checkpoint: PathBuf,

    /// Number of samples, 1 to 100000.
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..=MAX_SAMPLES as u64))]
    pub n: u64,

    /// Digit to draw, 0–9 (conditional checkpoints only); without it labels cycle 0, 1, …, 9.
    #[arg(long, value_name = "L", value_parser = clap::value_parser!(u8).range(0..=9))]
    pub label: Option<u8>,

    /// Noise seed [default: the checkpoint's seed; for an unconditional model, `--n 2000`
    /// then rewrites train's samples.npy].
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,

    /// The .npy file to write.
    #[arg(long, value_name = "FILE.npy")]
    pub out: PathBuf,

    /// Sample G itself rather than its moving average.
    #[arg(long)]
    pub raw_g: bool,
}

/// `--model`: what `train` trains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModelKind {
    Gan,
    Vae,
    Autoencoder,
}

/// `--optimizer`: which optimiser, each with its library defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OptimizerKind {
    Adam,
    Sgd,
}

/// `--loss`: G's objective.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LossKind {
    /// Minimise -log D(G(z)) (strong gradients while G is losing).
    NonSaturating,
    /// Minimise log(1 - D(G(z))), the game as written.
    Minimax,
}

/// `--recipe`: the settings a fresh run starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecipeKind {
    /// `GanConfig::default()`.
    Tuned,
    /// `GanConfig::plain()`.
    Plain,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gan::GanConfig;
    use crate::nn::{AdamConfig, GeneratorLoss, SgdConfig};
    use clap::CommandFactory;

    #[test]
    fn the_flag_definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    /// The help text states the defaults as literals; keep them in step with GanConfig.
    #[test]
    fn stated_defaults_match_the_library() {
        let plain = GanConfig::plain();
        assert_eq!((plain.label_smoothing, plain.d_input_noise), (0.0, 0.0));
        assert_eq!(plain.d_mismatch, 0.0);
        assert_eq!(
            plain.g_optimizer,
            crate::nn::OptimizerConfig::Adam(AdamConfig::default())
        );
        assert_eq!(plain.g_optimizer, plain.d_optimizer);
        let d = GanConfig::default();
        assert_eq!(d.seed, 1);
        assert_eq!(d.batch_size, 64);
        assert_eq!(d.d_steps, 1);
        assert_eq!((d.label_smoothing, d.d_input_noise), (0.1, 0.2));
        assert_eq!(d.d_mismatch, 1.5);
        assert_eq!((d.g_average, plain.g_average), (0.999, 0.0));
        assert_eq!(d.noise_dim, 100);
        assert_eq!(d.g_hidden, [256, 512]);
        assert_eq!(d.d_hidden, [512, 256]);
        assert_eq!(d.generator_loss, GeneratorLoss::NonSaturating);
        assert_eq!(
            d.d_optimizer,
            crate::nn::OptimizerConfig::Adam(AdamConfig {
                lr: 4e-4,
                ..AdamConfig::default()
            })
        );
        assert_eq!(
            d.g_optimizer,
            crate::nn::OptimizerConfig::Adam(AdamConfig {
                lr: 2e-3,
                ..AdamConfig::default()
            })
        );
        let adam = AdamConfig::default();
        assert_eq!((adam.lr, adam.beta1, adam.beta2), (2e-4, 0.5, 0.999));
        let sgd = SgdConfig::default();
        assert_eq!((sgd.lr, sgd.momentum), (0.01, 0.9));
    }

    #[test]
    fn resume_refuses_architecture_flags() {
        for flag in [
            &["--seed", "2"][..],
            &["--conditional"],
            &["--noise-dim", "10"],
            &["--g-hidden", "8"],
            &["--d-hidden", "8"],
        ] {
            let mut argv = vec![
                "ganplay", "train", "--steps", "1", "--out", "x", "--resume", "c",
            ];
            argv.extend_from_slice(flag);
            let err = Cli::try_parse_from(&argv).unwrap_err();
            assert_eq!(
                err.kind(),
                clap::error::ErrorKind::ArgumentConflict,
                "{flag:?}"
            );
        }
    }

    #[test]
    fn hidden_widths_are_comma_separated() {
        let cli = Cli::try_parse_from([
            "ganplay",
            "train",
            "--steps",
            "3",
            "--out",
            "x",
            "--g-hidden",
            "32,64",
            "--d-hidden",
            "16",
        ])
        .unwrap();
        let Command::Train(args) = cli.command else {
            panic!("train")
        };
        assert_eq!(args.g_hidden, Some(vec![32, 64]));
        assert_eq!(args.d_hidden, Some(vec![16]));
    }
}
