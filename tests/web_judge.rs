//! The judge's handle in a real browser: built from the shipped judge file's bytes, it
//! judges a playground's G over several calls, records the verdict, and refuses bad
//! input with a message.
#![cfg(target_arch = "wasm32")]

use ganplay::data::idx::write_idx_u8;
use ganplay::wasm::{Playground, QualityJudge, QUALITY_COLUMNS};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const JUDGE: &[u8] = include_bytes!("../www/data/judge.safetensors");
const SMALL: &str = r#"{"noise_dim": 8, "g_hidden": [32], "d_hidden": [32], "batch_size": 16}"#;

fn playground(extra: &str) -> Playground {
    let labels: Vec<u8> = (0..40).map(|i| (i % 10) as u8).collect();
    let pixels: Vec<u8> = (0..40 * 784).map(|i| (i % 253) as u8).collect();
    let config = SMALL.replace('}', extra);
    Playground::new(
        &write_idx_u8(&[40, 28, 28], &pixels),
        &write_idx_u8(&[40], &labels),
        &config,
    )
    .expect("valid data and settings")
}

#[wasm_bindgen_test]
fn judges_g_over_several_calls() {
    let mut judge = QualityJudge::new(JUDGE).expect("the shipped judge loads");
    assert!(judge.accuracy() > 0.9);
    let mut p = playground("}");
    p.train_steps(2).unwrap();
    assert!(!judge.advance(&mut p, 10), "nothing under way");
    judge.begin(&p, 25).unwrap();
    assert!(judge.busy());
    let mut calls = 1;
    while !judge.advance(&mut p, 10) {
        calls += 1;
    }
    assert_eq!(calls, 3, "25 samples, 10 a call");
    assert!(!judge.busy());
    assert_eq!(judge.counts().iter().sum::<u32>(), 25);
    assert!(judge.fd().is_finite() && judge.fd() >= 0.0);
    assert!(judge.agreement().is_nan(), "unconditional");
    assert_eq!(judge.history_len(), QUALITY_COLUMNS);
    // Same model, same fixed noise: the same verdict.
    let (counts, fd) = (judge.counts(), judge.fd());
    judge.begin(&p, 25).unwrap();
    while !judge.advance(&mut p, 100) {}
    assert_eq!((judge.counts(), judge.fd()), (counts, fd));
    judge.clear();
    assert_eq!(judge.history_len(), 0);
    assert!(judge.counts().is_empty());
}

/// Label agreement says whether G draws the digit it is asked for: near chance (0.1) for
/// an untrained conditional G, above 0.9 for the shipped pretrained one (99.2% natively,
/// docs/quality.md).
#[wasm_bindgen_test]
fn conditional_models_get_an_agreement() {
    let mut judge = QualityJudge::new(JUDGE).unwrap();
    let mut p = playground(r#", "conditional": true}"#);
    judge.begin(&p, 100).unwrap();
    assert!(judge.advance(&mut p, 100));
    let untrained = judge.agreement();
    assert!(untrained < 0.5, "untrained agreement {untrained}");
    p.load_checkpoint(include_bytes!("../www/models/cond.safetensors"))
        .expect("the pretrained conditional model loads");
    judge.begin(&p, 200).unwrap();
    assert!(judge.advance(&mut p, 200));
    let trained = judge.agreement();
    assert!(trained > 0.9, "pretrained agreement {trained}");
}

#[wasm_bindgen_test]
fn bad_input_is_refused_and_a_changed_model_drops_the_evaluation() {
    assert!(QualityJudge::new(b"not a judge").is_err());
    let mut judge = QualityJudge::new(JUDGE).unwrap();
    let mut p = playground("}");
    assert!(judge.begin(&p, 5).is_err());
    assert!(judge.begin(&p, 1_000_000).is_err());
    judge.begin(&p, 30).unwrap();
    assert!(!judge.advance(&mut p, 10));
    p.reset(r#"{"noise_dim": 4, "g_hidden": [8], "d_hidden": [8], "batch_size": 16}"#)
        .unwrap();
    assert!(!judge.advance(&mut p, 10));
    assert!(!judge.busy(), "dropped, not panicked");
}
