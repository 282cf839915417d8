//! The wasm boundary in a real browser (`wasm-pack test --headless --chrome`): known
//! input to known output for a training step, for scoring a drawing, and for
//! save → load, plus bad input refused with a message and the state kept.
#![cfg(target_arch = "wasm32")]

use ganplay::checkpoint;
use ganplay::data::idx::write_idx_u8;
use ganplay::wasm::{Playground, HISTORY_COLUMNS};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SMALL: &str = r#"{"noise_dim": 8, "g_hidden": [32], "d_hidden": [32], "batch_size": 16}"#;
const SMALL_CONDITIONAL: &str = r#"{"noise_dim": 8, "g_hidden": [32], "d_hidden": [32], "batch_size": 16, "conditional": true}"#;

/// 40 images 28×28: digit d is a bar in column 2d+4, bright on black.
fn idx_pair() -> (Vec<u8>, Vec<u8>) {
    let labels: Vec<u8> = (0..40).map(|i| (i % 10) as u8).collect();
    let mut pixels = vec![0u8; 40 * 784];
    for (i, &l) in labels.iter().enumerate() {
        for row in 0..28 {
            pixels[i * 784 + row * 28 + 2 * usize::from(l) + 4] = 255;
        }
    }
    (
        write_idx_u8(&[40, 28, 28], &pixels),
        write_idx_u8(&[40], &labels),
    )
}

fn playground(config: &str) -> Playground {
    let (images, labels) = idx_pair();
    Playground::new(&images, &labels, config).expect("valid data and settings")
}

fn grid(p: &mut Playground) -> Vec<u8> {
    let ptr = p.render_grid();
    let len = p.grid_width() * p.grid_height() * 4;
    // Safety: the pointer is into the playground's own RGBA buffer of `len` bytes.
    unsafe { std::slice::from_raw_parts(ptr, len) }.to_vec()
}

#[wasm_bindgen_test]
fn a_step_trains_and_is_recorded() {
    let mut p = playground(SMALL);
    let before = grid(&mut p);
    assert_eq!(p.train_steps(3).unwrap(), 3);
    assert_eq!(
        (p.steps(), p.d_updates(), p.g_updates(), p.images_seen()),
        (3.0, 3.0, 3.0, 48.0)
    );
    assert_eq!(p.epoch(), 1.0, "40 images hold two batches of 16");
    let stats = p.last_stats();
    assert_eq!(stats.len(), 4);
    assert!(stats.iter().all(|v| v.is_finite()));
    assert!((0.0..=1.0).contains(&stats[2]) && (0.0..=1.0).contains(&stats[3]));
    assert_eq!(p.history_len(), 3 * HISTORY_COLUMNS);
    assert_ne!(grid(&mut p), before, "G moved, so its grid changed");
    assert_eq!(p.grid_width(), 298);

    // Same seed, same everything.
    let mut q = playground(SMALL);
    q.train_steps(3).unwrap();
    assert_eq!(q.last_stats(), stats);
    assert_eq!(grid(&mut q), grid(&mut p));

    // Manual steps: D only records no G update, G only no real batch.
    p.d_step().unwrap();
    assert_eq!((p.d_updates(), p.g_updates()), (4.0, 3.0));
    p.g_step().unwrap();
    assert!(p.last_stats()[0].is_nan() && p.last_stats()[2].is_nan());
    assert_eq!((p.steps(), p.g_updates()), (3.0, 4.0));
}

#[wasm_bindgen_test]
fn a_step_in_phases_is_a_whole_step() {
    let mut whole = playground(SMALL);
    let mut phased = playground(SMALL);
    whole.train_steps(2).unwrap();
    let phases: Vec<u32> = (0..10).map(|_| phased.advance().unwrap()).collect();
    assert_eq!(phases, [1, 2, 3, 4, 5, 1, 2, 3, 4, 5]);
    assert_eq!(phased.steps(), 2.0);
    assert_eq!(phased.last_stats(), whole.last_stats());
    assert_eq!(phased.history_len(), 2 * HISTORY_COLUMNS);

    // Part-way through a step, a save (or a hand step) first finishes it.
    assert_eq!(phased.advance().unwrap(), 1);
    assert_eq!(phased.next_phase(), 2);
    let saved = phased.save_checkpoint().unwrap();
    assert_eq!(phased.next_phase(), 1);
    assert_eq!(phased.steps(), 3.0);
    whole.train_steps(1).unwrap();
    assert_eq!(grid(&mut phased), grid(&mut whole));
    assert_eq!(saved, whole.save_checkpoint().unwrap());
    assert!(
        !phased.finish_pending_step().unwrap(),
        "nothing was pending"
    );
}

#[wasm_bindgen_test]
fn scoring_a_drawing() {
    let mut p = playground(SMALL);
    let bar: Vec<f32> = (0..784)
        .map(|i| if i % 28 == 10 { 1.0 } else { -1.0 })
        .collect();
    let s = p.score(&bar, -1).unwrap();
    assert!(s > 0.0 && s < 1.0);
    assert_eq!(p.score(&bar, -1).unwrap(), s, "scoring does not change D");
    assert_eq!(p.score_labels(&bar).unwrap(), vec![s]);
    p.train_steps(20).unwrap();
    assert_ne!(
        p.score(&bar, -1).unwrap(),
        s,
        "D's opinion moves as it trains"
    );

    let mut c = playground(SMALL_CONDITIONAL);
    let per_label = c.score_labels(&bar).unwrap();
    assert_eq!(per_label.len(), 10);
    assert_eq!(per_label[3], c.score(&bar, 3).unwrap());
    assert!(
        c.score(&bar, -1).is_err(),
        "a conditional D needs a claimed digit"
    );

    // Gradient ascent on the pixels raises D's score.
    let mut image = bar.clone();
    let first = p.ascend(&mut image, -1, 0.1).unwrap();
    for _ in 0..20 {
        p.ascend(&mut image, -1, 0.1).unwrap();
    }
    assert!(p.score(&image, -1).unwrap() > first);
    assert!(image.iter().all(|v| (-1.0..=1.0).contains(v)));

    assert_eq!(
        p.nearest_training_image(&p.training_image(7).unwrap())
            .unwrap(),
        7
    );
    assert_eq!(p.training_label(7), 7);
}

#[wasm_bindgen_test]
fn save_then_load_restores_identical_samples() {
    let mut p = playground(SMALL_CONDITIONAL);
    p.train_steps(5).unwrap();
    let saved = p.save_checkpoint().unwrap();
    let samples = grid(&mut p);
    let mut q = playground(SMALL);
    q.load_checkpoint(&saved).unwrap();
    assert_eq!(grid(&mut q), samples);
    assert_eq!(q.steps(), 5.0);
    assert!(q.config_json().contains("\"conditional\":true"));
    // Both continue identically, and so do their charts: the checkpoint holds them.
    assert_eq!(q.export_history(), p.export_history());
    p.train_steps(2).unwrap();
    q.train_steps(2).unwrap();
    assert_eq!(p.last_stats(), q.last_stats());
    assert_eq!(q.export_history(), p.export_history());
    assert_eq!(q.history_len(), 7 * HISTORY_COLUMNS);
}

/// The x of each row of the chart history.
fn history_xs(p: &Playground) -> Vec<f64> {
    p.export_history()[6..]
        .chunks_exact(HISTORY_COLUMNS)
        .map(|row| row[0])
        .collect()
}

/// The message of an error that crossed the boundary: its code (src/wasm/codes.rs), and
/// the core's English after it.
fn message(e: JsError) -> (String, String) {
    let text: String = js_sys::Error::from(JsValue::from(e)).message().into();
    let (code, english) = text
        .strip_prefix('[')
        .and_then(|rest| rest.split_once("] "))
        .unwrap_or_else(|| panic!("no code in {text:?}"));
    (code.to_string(), english.to_string())
}

/// A checkpoint without a chart history (the native trainer's, an older page's) loads
/// with the charts starting afresh at its step; one whose history is malformed is
/// refused with the reason, and the model and charts stay as they were.
#[wasm_bindgen_test]
fn a_checkpoint_without_or_with_a_bad_history() {
    let mut p = playground(SMALL);
    p.train_steps(5).unwrap();
    let gan = checkpoint::load(&p.save_checkpoint().unwrap()).unwrap();
    let without = checkpoint::save(&gan);
    let mut q = playground(SMALL);
    q.train_steps(3).unwrap();
    q.load_checkpoint(&without).unwrap();
    assert_eq!((q.steps(), q.history_len()), (5.0, 0));
    q.train_steps(2).unwrap();
    assert_eq!(history_xs(&q), [6.0, 7.0]);

    let before = (q.steps(), q.export_history(), grid(&mut q));
    let stride_0 = [7.0, 0.0, 1.0, 1.0, 0.5, 0.5];
    let too_short = [7.0, 1.0];
    let backwards = [
        7.0, 1.0, 1.0, 1.0, 0.5, 0.5, 5.0, 1.0, 1.0, 0.5, 0.5, 4.0, 1.0, 1.0, 0.5, 0.5,
    ];
    for (bad, why) in [
        (&stride_0[..], "stride"),
        (&too_short[..], "fewer than the 6"),
        (&backwards[..], "does not follow"),
        (&[7.0, 1.0, 1.0, 1.0, 0.5, 0.5, 1.0][..], "rows of 5"),
    ] {
        let file = checkpoint::save_with_history(&gan, Some(bad));
        let (code, e) = message(q.load_checkpoint(&file).unwrap_err());
        assert_eq!(code, "checkpoint.bad_history");
        assert!(
            e.starts_with("checkpoint chart history is malformed: ") && e.contains(why),
            "{e}"
        );
        assert_eq!((q.steps(), q.export_history(), grid(&mut q)), before);
    }
}

#[wasm_bindgen_test]
fn bad_input_is_refused_and_the_state_kept() {
    let mut p = playground(SMALL);
    p.train_steps(2).unwrap();
    let before = grid(&mut p);

    assert!(p.load_checkpoint(b"not a checkpoint").is_err());
    let mut corrupt = p.save_checkpoint().unwrap();
    corrupt.truncate(corrupt.len() / 2);
    assert!(p.load_checkpoint(&corrupt).is_err());
    assert!(p.reset(r#"{"batch_size": 0}"#).is_err());
    assert!(p.reset("{not json").is_err());
    assert!(p.set_hyperparameters(r#"{"noise_dim": 9}"#).is_err());
    assert!(p.load_data(b"\x00\x00\x08\x03", b"").is_err());
    assert!(p.score(&[0.0; 10], -1).is_err());
    assert!(p.score(&[f32::NAN; 784], -1).is_err());
    assert!(p.generate(&[0.0; 7], &[]).is_err());
    assert!(p.grid_z(100).is_err());

    assert_eq!(grid(&mut p), before);
    assert_eq!(p.steps(), 2.0);
    assert_eq!(p.data_len(), 40);
    let (images, labels) = idx_pair();
    assert!(
        Playground::new(&labels, &images, SMALL).is_err(),
        "swapped files"
    );
}

/// Restore points: kept at step 0, every 200 steps and before a settings change;
/// restoring the one offered after divergence gives back the exact checkpoint (settings
/// included), grid and history of its step.
#[wasm_bindgen_test]
fn restore_last_good_puts_back_the_kept_step() {
    let mut p = playground(SMALL);
    assert_eq!(p.restore_point_step(), 0.0);
    assert_eq!(p.train_steps(230).unwrap(), 230);
    assert_eq!(p.restore_point_step(), 200.0);
    assert_eq!(p.restore_point_reason(), "kept automatically");
    assert_eq!(p.restore_point_reason_json(), r#"{"kind":"periodic"}"#);
    let kept = p.save_checkpoint().unwrap();
    let kept_grid = grid(&mut p);
    let kept_history = p.export_history();
    let sgd = r#"{"noise_dim": 8, "g_hidden": [32], "d_hidden": [32], "batch_size": 16,
        "g_optimizer": {"kind": "sgd", "lr": 10, "momentum": 0.9},
        "d_optimizer": {"kind": "sgd", "lr": 10, "momentum": 0.9}}"#;
    p.set_hyperparameters(sgd).unwrap();
    assert!(p.train_steps(150).is_ok() || p.diverged());
    assert!(
        p.diverged(),
        "lr 10 with momentum diverges within 150 steps"
    );
    assert!(p
        .divergence_message()
        .contains("the learning rate may be too high"));
    // The same for the page to say in its language (src/wasm/codes.rs).
    let code = p.divergence_code();
    assert!(code.starts_with("train.diverged step="), "{code}");
    assert!(
        code.contains(" who=D ") || code.contains(" who=G "),
        "{code}"
    );
    assert!(
        p.train_steps(1).is_err(),
        "a diverged model does not train on"
    );
    assert_eq!(p.restore_point_step(), 230.0);
    assert!(p
        .restore_point_reason()
        .starts_with("before G's learning rate went from 0.002 to 10 and D's"));
    assert_eq!(p.restore_last_good().unwrap(), 230.0);
    assert!(!p.diverged());
    assert_eq!(p.save_checkpoint().unwrap(), kept);
    assert_eq!(grid(&mut p), kept_grid);
    assert_eq!(p.export_history(), kept_history);
}

/// The chart history leaves and comes back whole; a malformed one is refused and the
/// current history stays.
#[wasm_bindgen_test]
fn history_export_import_round_trips() {
    let mut a = playground(SMALL);
    a.train_steps(7).unwrap();
    let saved = a.export_history();
    let mut b = playground(SMALL);
    b.import_history(&saved).unwrap();
    assert_eq!(b.export_history(), saved);
    assert_eq!(b.history_len(), 7 * HISTORY_COLUMNS);
    for bad in [&saved[..3], &saved[..saved.len() - 1], &[f64::NAN; 6][..]] {
        assert!(b.import_history(bad).is_err());
    }
    assert_eq!(b.export_history(), saved);
}
