//! The worlds at the wasm boundary in a real browser: a playground in a world of points
//! trains on the world's data, its view reads back through pointers, Step D moves D's map
//! and not G's points and Step G the other way round, the metrics and the checkpoint carry
//! the world, digit-only calls are refused, and the digits come back.
#![cfg(target_arch = "wasm32")]

use ganplay::data::idx::write_idx_u8;
use ganplay::wasm::Playground;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const RING: &str =
    r#"{"world": "ring8", "noise_dim": 2, "g_hidden": [16], "d_hidden": [16], "batch_size": 32}"#;

fn digits_playground(config: &str) -> Playground {
    let labels: Vec<u8> = (0..40).map(|i| (i % 10) as u8).collect();
    let pixels = vec![0u8; 40 * 784];
    let (images, labels) = (
        write_idx_u8(&[40, 28, 28], &pixels),
        write_idx_u8(&[40], &labels),
    );
    Playground::new(&images, &labels, config).expect("valid data and settings")
}

fn floats(ptr: *const f32, len: usize) -> Vec<f32> {
    // Safety: the pointer is into one of the playground's buffers of at least `len` floats,
    // valid until its next call that changes it.
    unsafe { std::slice::from_raw_parts(ptr, len) }.to_vec()
}

/// D's map (8×8) and G's 16 points, as the view reads them.
fn view(p: &mut Playground) -> (Vec<f32>, Vec<f32>) {
    p.update_world_view(16, 8, 3).unwrap();
    let d = floats(p.world_d_ptr().unwrap(), p.world_d_len().unwrap());
    let fake = floats(p.world_fake_ptr().unwrap(), 16 * 2);
    (d, fake)
}

fn message(e: JsError) -> String {
    js_sys::Error::from(JsValue::from(e)).message().into()
}

#[wasm_bindgen_test]
fn a_world_trains_and_its_view_reads_back() {
    let mut p = digits_playground(RING);
    assert_eq!(
        (p.world_name(), p.data_dim(), p.data_len()),
        ("ring8".to_string(), 2, 4096)
    );
    let (d, fake) = view(&mut p);
    assert_eq!(d.len(), 64);
    assert!(d.iter().all(|v| (0.0..=1.0).contains(v)));
    assert!(fake.iter().all(|v| (-1.0..=1.0).contains(v)));
    assert_eq!(p.world_mesh_len().unwrap(), 3 * 3 * 2);
    let push = floats(p.world_push_ptr().unwrap(), 16 * 2);
    assert!(push.iter().all(|v| v.is_finite()) && push.iter().any(|&v| v != 0.0));
    let real = floats(p.world_real_ptr(), 4096 * 2);
    assert!(real.iter().all(|v| (-1.0..=1.0).contains(v)));

    p.d_step().unwrap();
    let (d1, fake1) = view(&mut p);
    assert_ne!(d1, d, "Step D moves D's map");
    assert_eq!(fake1, fake, "Step D leaves G's points");
    p.g_step().unwrap();
    let (d2, fake2) = view(&mut p);
    assert_eq!(d2, d1, "Step G leaves D's map");
    assert_ne!(fake2, fake1, "Step G moves G's points");

    let m = p.world_metrics().unwrap();
    assert_eq!(m.len(), 4);
    assert!(
        (0.0..=1.0).contains(&m[0]),
        "JS divergence in bits: {}",
        m[0]
    );
    assert_eq!(m[2], 8.0, "eight modes");
    // The digit grid has nothing to draw, and says nothing wrong doing so.
    let _ = p.render_grid();
    assert!(message(p.score(&[0.0; 784], 0).unwrap_err()).contains("works on digits"));
}

#[wasm_bindgen_test]
fn a_checkpoint_carries_the_world_and_the_digits_come_back() {
    let mut p = digits_playground(RING);
    p.train_steps(2).unwrap();
    let (d, fake) = view(&mut p);
    let bytes = p.save_checkpoint().unwrap();
    p.reset(r#"{"noise_dim": 8, "g_hidden": [32], "d_hidden": [32], "batch_size": 16}"#)
        .unwrap();
    assert_eq!(
        (p.world_name(), p.data_dim(), p.data_len()),
        ("digits".to_string(), 784, 40)
    );
    assert!(p.update_world_view(16, 8, 3).is_err());
    p.load_checkpoint(&bytes).unwrap();
    assert_eq!(
        (p.world_name(), p.data_len(), p.steps()),
        ("ring8".to_string(), 4096, 2.0)
    );
    assert_eq!(
        view(&mut p),
        (d, fake),
        "the same model draws the same view"
    );
    let drawn = r#"{"world": {"drawn": [[0.5, 0.5], [-0.5, -0.5]]}, "noise_dim": 2, "g_hidden": [16], "d_hidden": [16], "batch_size": 32}"#;
    p.reset(drawn).unwrap();
    assert_eq!((p.world_name(), p.data_len()), ("drawn".to_string(), 4096));
    assert!(p.train_steps(3).is_ok());
    let bad = r#"{"world": {"drawn": [[2.0, 0.0]]}}"#;
    assert!(message(p.reset(bad).unwrap_err()).contains("[-1, 1]"));
    assert_eq!(p.world_name(), "drawn", "a refused reset keeps the model");
}
