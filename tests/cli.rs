//! End-to-end tests of the `ganplay` binary: what `train` writes (sizes, headers,
//! shapes), `sample`, resuming bit for bit, and that bad flags, paths and files end in a
//! one-line `error: …` and a non-zero exit, never a panic. Small networks keep it fast.
#![cfg(not(target_arch = "wasm32"))]

use ganplay::data::idx::write_idx_u8;
use ndarray::Array2;
use ndarray_npy::read_npy;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Flags for a model small enough that 20 steps take a blink.
const SMALL: &[&str] = &["--batch", "16", "--g-hidden", "32", "--d-hidden", "32"];

/// Runs the binary with `args`.
fn ganplay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ganplay"))
        .args(args)
        .output()
        .expect("the ganplay binary runs")
}

/// A fresh, empty path in the temp folder, unique to this process and `name`.
fn temp_path(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("ganplay-cli-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&path);
    let _ = fs::remove_file(&path);
    path
}

fn text(path: &Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts a run succeeded, showing its stderr if not.
fn assert_ok(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}, stderr:\n{}",
        out.status,
        stderr(out)
    );
}

/// Asserts a run failed cleanly: non-zero exit, a message containing `expected` on
/// stderr, and no panic.
fn assert_fails_with(out: &Output, expected: &str) {
    let err = stderr(out);
    assert!(!out.status.success(), "should have failed; stderr:\n{err}");
    assert!(!err.contains("panicked"), "panicked:\n{err}");
    assert!(err.contains("error"), "no error message:\n{err}");
    assert!(err.contains(expected), "expected {expected:?} in:\n{err}");
}

/// `train` with the small model for `steps` steps into `dir`, plus `extra` flags.
fn train_small(dir: &Path, steps: u32, extra: &[&str]) -> Output {
    let steps = steps.to_string();
    let mut args = vec!["train", "--steps", &steps, "--out", text(dir)];
    args.extend_from_slice(SMALL);
    args.extend_from_slice(extra);
    ganplay(&args)
}

/// `sample` from `checkpoint` into `out`, `n` samples, plus `extra` flags; returns the run
/// and, if it succeeded, the array it wrote.
fn sample(checkpoint: &Path, n: u32, out: &Path, extra: &[&str]) -> (Output, Option<Array2<f32>>) {
    let n = n.to_string();
    let mut args = vec![
        "sample",
        "--checkpoint",
        text(checkpoint),
        "--n",
        &n,
        "--out",
        text(out),
    ];
    args.extend_from_slice(extra);
    let run = ganplay(&args);
    let samples = run
        .status
        .success()
        .then(|| read_npy(out).expect("the .npy reads"));
    (run, samples)
}

/// Checks the four files of a 20-step run and returns the samples.
fn check_train_outputs(dir: &Path) -> Array2<f32> {
    let checkpoint = fs::metadata(dir.join("checkpoint.safetensors")).expect("a checkpoint");
    assert!(checkpoint.len() > 0);

    let metrics = fs::read_to_string(dir.join("metrics.csv")).expect("metrics.csv");
    let lines: Vec<&str> = metrics.lines().collect();
    assert_eq!(lines.len(), 21, "header and one row per step");
    assert_eq!(
        lines[0],
        "step,d_loss,g_loss,d_real,d_fake,fd,min_class_share,agreement,speckle,seconds"
    );
    let mut seconds = 0.0;
    for (i, line) in lines[1..].iter().enumerate() {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), 10, "{line}");
        // Training time so far: never going back.
        let now: f64 = fields[9].parse().expect(line);
        assert!(now >= seconds, "{line}");
        seconds = now;
        assert_eq!(fields[0], (i + 1).to_string());
        for f in &fields[1..5] {
            assert!(f.parse::<f32>().expect(line).is_finite(), "{line}");
        }
        // The judge speaks after the last step only (every 250 by default); agreement is
        // for conditional models.
        let last = i + 2 == lines.len();
        for f in &fields[5..7] {
            assert_eq!(f.is_empty(), !last, "{line}");
            if last {
                assert!(f.parse::<f64>().expect(line) >= 0.0, "{line}");
            }
        }
        if !last {
            assert!(fields[7].is_empty(), "{line}");
        }
        // The speckle figure comes with the judge's verdict.
        assert_eq!(fields[8].is_empty(), !last, "{line}");
        if last {
            assert!(fields[8].parse::<f64>().expect(line) >= 0.0, "{line}");
        }
    }

    let grid = image::open(dir.join("grid.png")).expect("grid.png decodes");
    assert_eq!(grid.color(), image::ColorType::L8, "8-bit grey");
    assert_eq!((grid.width(), grid.height()), (298, 298), "10 × 28 + 9 × 2");

    let samples: Array2<f32> = read_npy(dir.join("samples.npy")).expect("samples.npy reads");
    assert_eq!(samples.dim(), (2000, 784));
    assert!(samples.iter().all(|v| (-1.0..=1.0).contains(v)));
    samples
}

#[test]
fn train_writes_checkpoint_metrics_grid_and_samples() {
    let dir = temp_path("train").join("nested"); // the folder is created, parents too
    assert_ok(&train_small(&dir, 20, &["--seed", "7"]));
    let samples = check_train_outputs(&dir);
    // Different noise gives different images: G is not collapsed to one constant output.
    assert_ne!(samples.row(0), samples.row(1));
    fs::remove_dir_all(dir.parent().unwrap()).unwrap();
}

#[test]
fn conditional_train_then_sample_one_digit() {
    let dir = temp_path("conditional");
    assert_ok(&train_small(&dir, 20, &["--conditional", "--seed", "3"]));
    check_train_outputs(&dir);

    let checkpoint = dir.join("checkpoint.safetensors");
    let (run, threes) = sample(&checkpoint, 25, &dir.join("threes.npy"), &["--label", "3"]);
    assert_ok(&run);
    let threes = threes.unwrap();
    assert_eq!(threes.dim(), (25, 784));

    // `--label` changes the images: the label really reaches G.
    let (run, cycled) = sample(&checkpoint, 25, &dir.join("cycled.npy"), &[]);
    assert_ok(&run);
    let cycled = cycled.unwrap();
    assert_eq!(
        cycled.row(3),
        threes.row(3),
        "same noise, and row 3 of the cycle is digit 3"
    );
    assert_ne!(cycled.row(0), threes.row(0));
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn sample_shape_seed_and_refusals() {
    let dir = temp_path("sample");
    assert_ok(&train_small(&dir, 20, &[]));
    let checkpoint = dir.join("checkpoint.safetensors");

    let (run, samples) = sample(&checkpoint, 2000, &dir.join("s.npy"), &[]);
    assert_ok(&run);
    let samples = samples.unwrap();
    assert_eq!(samples.dim(), (2000, 784));
    let train_samples: Array2<f32> = read_npy(dir.join("samples.npy")).unwrap();
    assert_eq!(
        samples, train_samples,
        "the default seed reproduces train's samples.npy"
    );

    let (run, other) = sample(&checkpoint, 5, &dir.join("seed.npy"), &["--seed", "9"]);
    assert_ok(&run);
    let other = other.unwrap();
    assert_eq!(other.dim(), (5, 784));
    assert_ne!(other.row(0), samples.row(0));

    let refused = dir.join("refused.npy");
    let (run, _) = sample(&checkpoint, 5, &refused, &["--label", "3"]);
    assert_fails_with(&run, "conditional");
    assert!(!refused.exists());
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn resuming_matches_an_uninterrupted_run() {
    let straight = temp_path("straight");
    let first = temp_path("first-half");
    let resumed = temp_path("resumed");
    assert_ok(&train_small(&straight, 20, &[]));
    assert_ok(&train_small(&first, 10, &[]));
    let checkpoint = first.join("checkpoint.safetensors");
    let run = ganplay(&[
        "train",
        "--steps",
        "10",
        "--resume",
        text(&checkpoint),
        "--out",
        text(&resumed),
    ]);
    assert_ok(&run);

    let read = |dir: &Path, file: &str| fs::read(dir.join(file)).unwrap();
    assert!(
        read(&straight, "samples.npy") == read(&resumed, "samples.npy"),
        "samples.npy differs"
    );
    assert!(
        read(&straight, "grid.png") == read(&resumed, "grid.png"),
        "grid.png differs"
    );
    // The resumed run logs only its own steps, numbered 11–20, with the same numbers.
    let metrics = |dir: &Path| String::from_utf8(read(dir, "metrics.csv")).unwrap();
    let straight_rows: Vec<String> = metrics(&straight).lines().map(String::from).collect();
    let resumed_rows: Vec<String> = metrics(&resumed).lines().map(String::from).collect();
    assert_eq!(resumed_rows.len(), 11);
    assert_eq!(resumed_rows[0], straight_rows[0]);
    // Every column but the last, the seconds each run took, is the same.
    let without_seconds = |rows: &[String]| -> Vec<String> {
        rows.iter()
            .map(|r| r.rsplit_once(',').expect("a metrics row").0.to_string())
            .collect()
    };
    assert_eq!(
        without_seconds(&resumed_rows[1..]),
        without_seconds(&straight_rows[11..])
    );
    for dir in [straight, first, resumed] {
        fs::remove_dir_all(dir).unwrap();
    }
}

#[test]
fn trains_on_files_given_with_images_and_labels() {
    let dir = temp_path("files");
    fs::create_dir_all(&dir).unwrap();
    let n = 40;
    let pixels: Vec<u8> = (0..n * 784).map(|i| (i % 251) as u8).collect();
    let labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
    let (images_path, labels_path) = (dir.join("images.idx"), dir.join("labels.idx"));
    fs::write(&images_path, write_idx_u8(&[n, 28, 28], &pixels)).unwrap();
    fs::write(&labels_path, write_idx_u8(&[n], &labels)).unwrap();
    let files = [
        "--images",
        text(&images_path),
        "--labels",
        text(&labels_path),
    ];

    let out = dir.join("out");
    assert_ok(&train_small(&out, 3, &files));
    assert_eq!(
        fs::read_to_string(out.join("metrics.csv"))
            .unwrap()
            .lines()
            .count(),
        4
    );

    let too_small = dir.join("too-small");
    let run = ganplay(
        &[
            &[
                "train",
                "--steps",
                "3",
                "--batch",
                "64",
                "--out",
                text(&too_small),
            ],
            &files[..],
        ]
        .concat(),
    );
    assert_fails_with(&run, "larger than the data set (40 images)");
    assert!(!too_small.exists(), "nothing is created for a refused run");
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bad_flags_paths_and_files_fail_cleanly() {
    let dir = temp_path("bad");
    fs::create_dir_all(&dir).unwrap();
    let garbage = dir.join("garbage.safetensors");
    fs::write(&garbage, b"this is not a checkpoint at all").unwrap();
    let a_file = dir.join("a-file");
    fs::write(&a_file, b"").unwrap();
    let missing = dir.join("missing");
    let out = dir.join("out");
    let (garbage, a_file, missing, out) =
        (text(&garbage), text(&a_file), text(&missing), text(&out));

    // clap's own refusals of malformed flags: its message, exit code 2.
    let clap_cases: &[(&[&str], &str)] = &[
        (&["train", "--steps", "0", "--out", out], "--steps"),
        (&["train", "--out", out], "--steps"),
        (
            &["train", "--steps", "5", "--out", out, "--images", missing],
            "--labels",
        ),
        (
            &[
                "train", "--steps", "5", "--out", out, "--resume", missing, "--seed", "2",
            ],
            "cannot be used with",
        ),
        (
            &[
                "train",
                "--steps",
                "5",
                "--out",
                out,
                "--optimizer",
                "rmsprop",
            ],
            "rmsprop",
        ),
        (
            &["sample", "--checkpoint", missing, "--n", "0", "--out", out],
            "--n",
        ),
        (
            &[
                "sample",
                "--checkpoint",
                missing,
                "--n",
                "100001",
                "--out",
                out,
            ],
            "--n",
        ),
        (
            &[
                "sample",
                "--checkpoint",
                missing,
                "--n",
                "5",
                "--label",
                "10",
                "--out",
                out,
            ],
            "--label",
        ),
    ];
    // Ours: `error: …` on one line, exit code 1.
    let our_cases: &[(&[&str], &str)] = &[
        (
            &["train", "--steps", "5", "--out", out, "--batch", "0"],
            "batch size",
        ),
        (
            &["train", "--steps", "5", "--out", out, "--g-hidden", "0"],
            "hidden layer widths",
        ),
        (
            &["train", "--steps", "5", "--out", out, "--g-lr=0"],
            "learning rate",
        ),
        (
            &[
                "train",
                "--steps",
                "5",
                "--out",
                out,
                "--label-smoothing",
                "NaN",
            ],
            "label smoothing",
        ),
        (
            &[
                "train",
                "--steps",
                "5",
                "--out",
                out,
                "--conditional",
                "--d-mismatch",
                "5",
            ],
            "weight of wrong labels",
        ),
        (
            &[
                "train", "--steps", "5", "--out", out, "--images", missing, "--labels", missing,
            ],
            "no such file",
        ),
        (
            &[
                "train", "--steps", "5", "--out", out, "--images", garbage, "--labels", garbage,
            ],
            "garbage",
        ),
        (
            &["train", "--steps", "5", "--out", out, "--resume", missing],
            "no such checkpoint",
        ),
        (
            &["train", "--steps", "5", "--out", out, "--resume", garbage],
            "this file is not a ganplay checkpoint: its header claims",
        ),
        (
            &["sample", "--checkpoint", missing, "--n", "5", "--out", out],
            "no such checkpoint",
        ),
        (
            &["sample", "--checkpoint", garbage, "--n", "5", "--out", out],
            "this file is not a ganplay checkpoint: its header claims",
        ),
        (
            &[
                "sample",
                "--checkpoint",
                text(&dir),
                "--n",
                "5",
                "--out",
                out,
            ],
            "directory",
        ),
        (
            &[
                "train",
                "--steps",
                "1",
                "--out",
                a_file,
                "--batch",
                "16",
                "--g-hidden",
                "8",
                "--d-hidden",
                "8",
            ],
            "output folder",
        ),
    ];
    for (args, expected) in clap_cases {
        let run = ganplay(args);
        assert_fails_with(&run, expected);
        assert_eq!(run.status.code(), Some(2), "{args:?}");
    }
    for (args, expected) in our_cases {
        let run = ganplay(args);
        assert_fails_with(&run, expected);
        assert_eq!(run.status.code(), Some(1), "{args:?}");
        let err = stderr(&run);
        assert!(
            err.starts_with("error: ") && err.lines().count() == 1,
            "{args:?}: {err}"
        );
    }
    assert!(
        !dir.join("out").exists(),
        "no refused run created its output"
    );
    fs::remove_dir_all(dir).unwrap();
}

/// A learning rate far too high: `train` stops at the step that diverged, says so in plain
/// words, exits non-zero, and writes no checkpoint of the broken model.
#[test]
fn train_stops_with_a_message_when_training_diverges() {
    let dir = temp_path("diverge");
    let out = train_small(
        &dir,
        500,
        &["--optimizer", "sgd", "--g-lr", "10", "--d-lr", "10"],
    );
    assert_fails_with(&out, "training diverged");
    let err = stderr(&out);
    assert!(
        err.contains(" at step ") && err.contains("(phase: "),
        "{err}"
    );
    assert!(err.contains("learning rate may be too high"), "{err}");
    assert!(!dir.join("checkpoint.safetensors").exists());
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn eval_prints_the_judges_verdict_and_refuses_bad_files() {
    let dir = temp_path("eval");
    assert_ok(&train_small(&dir, 5, &["--conditional"]));
    let checkpoint = dir.join("checkpoint.safetensors");
    let run = ganplay(&["eval", "--checkpoint", text(&checkpoint), "--n", "200"]);
    assert_ok(&run);
    let stdout = String::from_utf8(run.stdout).unwrap();
    assert!(stdout.contains("class histogram"), "{stdout}");
    assert!(stdout.contains("label agreement"), "{stdout}");
    let json: serde_json::Value =
        serde_json::from_str(stdout.lines().last().unwrap()).expect("the last line is JSON");
    assert_eq!(json["n"], 200);
    assert_eq!(json["counts"].as_array().unwrap().len(), 10);
    assert!(json["fd"].as_f64().unwrap() >= 0.0);
    assert!((0.0..=1.0).contains(&json["agreement"].as_f64().unwrap()));
    // The conditional run's metrics carry an agreement in the last row.
    let metrics = fs::read_to_string(dir.join("metrics.csv")).unwrap();
    let last: Vec<&str> = metrics.lines().last().unwrap().split(',').collect();
    assert!(last[7].parse::<f64>().is_ok(), "{last:?}");

    let missing = dir.join("missing.safetensors");
    assert_fails_with(
        &ganplay(&["eval", "--checkpoint", text(&missing)]),
        "no such checkpoint file",
    );
    let junk = dir.join("junk.safetensors");
    fs::write(&junk, b"not a judge").unwrap();
    for (judge, why) in [
        (&junk, "not a judge file"),
        (&missing, "no such judge file"),
    ] {
        let args = [
            "eval",
            "--checkpoint",
            text(&checkpoint),
            "--judge",
            text(judge),
        ];
        assert_fails_with(&ganplay(&args), why);
    }
    // `train --judge` with a bad file is refused before anything is written.
    let out = dir.join("refused");
    assert_fails_with(
        &train_small(&out, 2, &["--judge", text(&junk)]),
        "not a judge file",
    );
    assert!(!out.exists());
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn judge_retrains_and_reports_accuracy() {
    let out = temp_path("judge.safetensors");
    let run = ganplay(&["judge", "--out", text(&out), "--epochs", "1"]);
    assert_ok(&run);
    let stdout = String::from_utf8(run.stdout).unwrap();
    assert!(stdout.contains("held-out accuracy"), "{stdout}");
    let judge = ganplay::judge::Judge::from_bytes(&fs::read(&out).unwrap()).unwrap();
    assert!(judge.info.accuracy > 0.8, "{}", judge.info.accuracy);
    fs::remove_file(out).unwrap();
}

/// Every built-in world trains from the command line and writes `view.png` and
/// `samples.npy` of [2000, 2] or [2000, 1]; `eval` prints the world's metrics; `--points`
/// trains on a CSV of points; `sample` writes a world's points.
#[test]
fn worlds_train_write_their_view_and_eval_prints_their_metrics() {
    for name in [
        "gaussian", "mixture2", "mixture3", "uniform", "ring8", "grid25", "moons", "spiral", "line",
    ] {
        let dir = temp_path(&format!("world-{name}"));
        let out = ganplay(&[
            "train",
            "--world",
            name,
            "--steps",
            "20",
            "--out",
            text(&dir),
            "--log-every",
            "0",
        ]);
        assert_ok(&out);
        let report = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(report.contains("JS divergence"), "{report}");
        assert!(!dir.join("grid.png").exists());
        let png = fs::read(dir.join("view.png")).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        let samples: Array2<f32> = read_npy(dir.join("samples.npy")).unwrap();
        let dim = if ["gaussian", "mixture2", "mixture3", "uniform"].contains(&name) {
            1
        } else {
            2
        };
        assert_eq!(samples.dim(), (2000, dim), "{name}");
        assert!(samples.iter().all(|v| (-1.0..=1.0).contains(v)));

        let checkpoint = dir.join("checkpoint.safetensors");
        let out = ganplay(&["eval", "--checkpoint", text(&checkpoint)]);
        assert_ok(&out);
        let report = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            report.contains(&format!("({name} world) after 20 steps")),
            "{report}"
        );
        assert!(report.contains("\"js\":"), "{report}");
        if name == "ring8" {
            assert!(
                report.contains("modes covered: ") && report.contains(" of 8"),
                "{report}"
            );
            let (out, array) = sample(&checkpoint, 7, &dir.join("s.npy"), &[]);
            assert_ok(&out);
            assert_eq!(array.unwrap().dim(), (7, 2));
        }
        let _ = fs::remove_dir_all(&dir);
    }

    let csv = temp_path("points.csv");
    fs::write(&csv, "x,y\n0.5,0.5\n-0.5,0.25\n").unwrap();
    let dir = temp_path("world-drawn");
    let out = ganplay(&[
        "train",
        "--points",
        text(&csv),
        "--steps",
        "5",
        "--out",
        text(&dir),
        "--log-every",
        "0",
    ]);
    assert_ok(&out);
    let samples: Array2<f32> = read_npy(dir.join("samples.npy")).unwrap();
    assert_eq!(samples.ncols(), 2);

    // Five steps into `dir` with `flags`.
    let train = |flags: &[&str]| {
        let run = ["train", "--steps", "5", "--out", text(&dir)];
        ganplay(&[&run[..], flags].concat())
    };
    fs::write(&csv, "x,y\n0.5,1.5\n").unwrap();
    assert_fails_with(&train(&["--points", text(&csv)]), "must lie in [-1, 1]");
    assert_fails_with(&train(&["--world", "ring9"]), "no such world");
    let out = train(&["--world", "ring8", "--conditional"]);
    assert!(!out.status.success(), "conditional is for the digits only");
    let _ = fs::remove_dir_all(&dir);
    let _ = fs::remove_file(&csv);
}

/// `dalone` runs its rounds and writes a picture a round, metrics.csv and negatives.npy;
/// bad settings end in one line saying which.
#[test]
fn dalone_writes_its_rounds_and_refuses_bad_settings() {
    let dir = temp_path("dalone");
    let flags = ["--negatives", "16", "--d-steps", "5", "--ascent-steps", "3"];
    let out = ganplay(
        &[
            &["dalone", "--rounds", "2", "--out", dir.to_str().unwrap()][..],
            &flags[..],
        ]
        .concat(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        printed.lines().filter(|l| l.starts_with("round ")).count(),
        2,
        "{printed}"
    );
    for file in ["negatives-01.png", "negatives-02.png"] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    let csv = fs::read_to_string(dir.join("metrics.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 3, "{csv}");
    assert!(rows[0].starts_with("round,d_loss,d_real,"));
    let negatives: Array2<f32> = read_npy(dir.join("negatives.npy")).unwrap();
    assert_eq!(negatives.dim(), (16, 784));
    assert!(negatives.iter().all(|p| (-1.0..=1.0).contains(p)));

    for (flag, value, says) in [
        ("--negatives", "0", "negatives"),
        ("--ascent-rate", "0", "ascent rate"),
    ] {
        let out = ganplay(&[
            "dalone",
            "--rounds",
            "1",
            "--out",
            dir.to_str().unwrap(),
            flag,
            value,
        ]);
        assert!(!out.status.success());
        let err = stderr(&out);
        assert!(
            err.contains(says) && err.lines().count() == 1,
            "{flag} {value}: {err}"
        );
    }
    let _ = fs::remove_dir_all(&dir);
}

/// `edits` scores both edits of the built-in digits with a checkpoint's D: the table, then
/// one JSON line; a world of points, a missing file and out-of-range numbers are refused.
#[test]
fn edits_scores_the_two_edits_with_a_checkpoints_d() {
    let dir = temp_path("edits");
    assert_ok(&train_small(&dir, 10, &[]));
    let checkpoint = dir.join("checkpoint.safetensors");
    let out = ganplay(&["edits", "--checkpoint", text(&checkpoint), "--n", "40"]);
    assert_ok(&out);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        stdout.contains("stray edit") && stdout.contains("40 digits"),
        "{stdout}"
    );
    let json: serde_json::Value =
        serde_json::from_str(stdout.lines().last().unwrap()).expect("the last line is JSON");
    assert_eq!(
        (json["n"].as_u64(), json["pixels"].as_u64()),
        (Some(40), Some(6))
    );
    for key in ["d_original", "d_stroke", "d_stray", "lower_stray"] {
        let v = json[key].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&v), "{key} {v}");
    }
    let specks: Vec<f64> = serde_json::from_value(json["specks"].clone()).unwrap();
    assert_eq!(specks.len(), 3);
    assert!(
        (specks[2] - specks[0] - 6.0).abs() < 1e-9,
        "six stray specks: {specks:?}"
    );

    let world = temp_path("edits-world");
    assert_ok(&ganplay(&[
        "train",
        "--world",
        "ring8",
        "--steps",
        "5",
        "--out",
        text(&world),
        "--log-every",
        "0",
    ]));
    let out = ganplay(&[
        "edits",
        "--checkpoint",
        text(&world.join("checkpoint.safetensors")),
    ]);
    assert_fails_with(&out, "world of points");
    let out = ganplay(&["edits", "--checkpoint", text(&dir.join("none.safetensors"))]);
    assert_fails_with(&out, "no such checkpoint file");
    for (flag, value) in [("--pixels", "0"), ("--pixels", "41"), ("--n", "0")] {
        let out = ganplay(&["edits", "--checkpoint", text(&checkpoint), flag, value]);
        assert!(
            !out.status.success() && !stderr(&out).contains("panicked"),
            "{flag} {value}"
        );
        assert!(
            stderr(&out).contains(flag),
            "{flag} {value}: {}",
            stderr(&out)
        );
    }
    let _ = fs::remove_dir_all(&dir);
    let _ = fs::remove_dir_all(&world);
}
