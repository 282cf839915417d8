//! Restore points, natively: which are kept (periodically, spread over time, and before
//! every settings change), which one divergence offers, and that restoring it gives back
//! that step's settings, weights and charts exactly. (Only calls that succeed are made
//! here: a `JsError` needs a JavaScript host.)

use super::*;
use crate::run::BLAME_STEPS;

use crate::wasm::test_data::small;

/// 40 bar digits.
fn playground() -> Playground {
    crate::wasm::test_data::bar_playground(40)
}

fn train(p: &mut Playground, n: u32) {
    assert_eq!(p.train_steps(n).ok(), Some(n), "training stopped early");
}

/// The settings in force with `edit` applied to their JSON object.
fn settings(p: &Playground, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut config: serde_json::Value = serde_json::from_str(&p.config_json()).unwrap();
    edit(&mut config);
    config.to_string()
}

fn set(p: &mut Playground, json: &str) {
    assert!(p.set_hyperparameters(json).is_ok(), "{json} was refused");
}

fn sgd(lr: f64) -> serde_json::Value {
    serde_json::json!({"kind": "sgd", "lr": lr, "momentum": 0.9})
}

/// Makes the next step diverge, as a learning rate far too high would. (Through the core:
/// the playground's own calls would return a `JsError`.)
fn poison(p: &mut Playground) {
    p.gan.restore().g.params[0] = f32::NAN;
    assert!(p.gan.train_step(&p.data).is_err());
    assert!(p.diverged());
}

/// Everything a restore must bring back, in comparable form.
fn state(p: &mut Playground) -> (Vec<u8>, String, Vec<f64>) {
    let checkpoint = p.save_checkpoint().ok().unwrap();
    (checkpoint, p.config_json(), p.export_history())
}

fn restore(p: &mut Playground) -> f64 {
    p.restore_last_good().expect("a point to restore")
}

#[test]
fn periodic_points_are_spread_over_time_and_bounded() {
    let mut p = playground();
    assert_eq!(p.restore_point_steps(), [0.0]);
    assert_eq!(p.restore_point_reason(), "as the model was created");
    let expect = |p: &mut Playground, to: u32, steps: &[f64]| {
        train(p, to - p.steps() as u32);
        assert_eq!(p.restore_point_steps(), steps, "at step {to}");
    };
    expect(&mut p, 150, &[0.0]);
    expect(&mut p, 200, &[200.0, 0.0]);
    expect(&mut p, 400, &[400.0, 0.0]);
    expect(&mut p, 1_000, &[1_000.0, 0.0]);
    expect(&mut p, 1_200, &[1_200.0, 1_000.0, 0.0]);
    expect(&mut p, 4_800, &[4_800.0, 4_000.0, 0.0]);
    expect(&mut p, 5_200, &[5_200.0, 5_000.0, 0.0]);
    expect(&mut p, 6_200, &[6_200.0, 6_000.0, 5_000.0]);
    expect(&mut p, 10_000, &[10_000.0, 9_000.0, 5_000.0]);
    expect(&mut p, 11_399, &[11_200.0, 11_000.0, 10_000.0]);
    assert_eq!(p.restore_point_reason(), "kept automatically");
    assert_eq!(p.restore_point_step(), 11_200.0);
    // Buffers are reused: never more than the three slots have held.
    assert_eq!(p.restore_points.spares(), 0);
}

/// A bad change just before a periodic point: the settings change at step 190, the
/// newest periodic point (200) is taken with the bad settings in force, and training
/// diverges after it. The point offered is the one from before the change, and restoring
/// it brings back its settings.
#[test]
fn divergence_soon_after_a_change_offers_the_state_before_it() {
    let mut p = playground();
    train(&mut p, 190);
    let before = state(&mut p);
    let grid_before = {
        p.render_grid();
        p.grid_rgba.clone()
    };
    let bad = settings(&p, |c| {
        c["g_optimizer"] = sgd(10.0);
        c["d_optimizer"] = sgd(10.0);
    });
    set(&mut p, &bad);
    // lr 10 diverges within a few steps (at 201 here); if it ever does not, poison it.
    let ran = p.train_steps(30).expect("the first step runs");
    if !p.diverged() {
        poison(&mut p);
    }
    assert!(ran >= 10, "diverged at step {}, before 200", 191 + ran);
    assert_eq!(p.restore_point_steps(), [200.0, 190.0, 0.0]);
    assert_eq!(p.restore_point_step(), 190.0);
    assert_eq!(
        p.restore_point_reason(),
        "before G's learning rate went from 0.002 to 10 and D's learning rate from 0.0004 \
         to 10, and 2 more changes"
    );
    assert_eq!(restore(&mut p), 190.0);
    assert!(!p.diverged());
    assert_eq!(
        state(&mut p),
        before,
        "settings, weights and charts of step 190"
    );
    p.render_grid();
    assert_eq!(p.grid_rgba, grid_before);
    // The point from after it (200, with the bad settings) is gone.
    assert_eq!(p.restore_point_steps(), [190.0, 0.0]);
    // And it trains on as it did before the change.
    let mut twin = playground();
    train(&mut twin, 215);
    train(&mut p, 25);
    assert_eq!(state(&mut p).0, state(&mut twin).0);
}

#[test]
fn one_change_is_named_with_its_old_and_new_value() {
    let mut p = playground();
    train(&mut p, 30);
    let json = settings(&p, |c| c["g_optimizer"]["lr"] = 10.0.into());
    set(&mut p, &json);
    poison(&mut p);
    assert_eq!(p.restore_point_step(), 30.0);
    assert_eq!(
        p.restore_point_reason(),
        "before G's learning rate went from 0.002 to 10"
    );
}

/// Changes made one after another within `BLAME_STEPS` steps count as one: the point is
/// from before the first, and names them all.
#[test]
fn changes_in_quick_succession_keep_the_point_before_the_first() {
    let mut p = playground();
    train(&mut p, 300);
    let first = state(&mut p);
    let json = settings(&p, |c| c["batch_size"] = 8.into());
    set(&mut p, &json);
    train(&mut p, 150);
    let json = settings(&p, |c| c["label_smoothing"] = 0.2.into());
    set(&mut p, &json);
    train(&mut p, 10);
    poison(&mut p);
    assert_eq!(p.restore_point_step(), 300.0);
    assert_eq!(
        p.restore_point_reason(),
        "before batch size went from 16 to 8 and label smoothing from 0.1 to 0.2"
    );
    assert_eq!(restore(&mut p), 300.0);
    assert_eq!(state(&mut p), first);

    // A change long after the last one keeps a point of its own.
    train(&mut p, 700);
    let json = settings(&p, |c| c["d_steps"] = 2.into());
    set(&mut p, &json);
    poison(&mut p);
    assert_eq!(p.restore_point_step(), 1_000.0);
    assert_eq!(
        p.restore_point_reason(),
        "before D steps per G step went from 1 to 2"
    );
}

/// Diverging `BLAME_STEPS` or more steps after the last change does not blame it: the most
/// recent point is offered.
#[test]
fn divergence_long_after_a_change_offers_the_most_recent_point() {
    let mut p = playground();
    train(&mut p, 250);
    let json = settings(&p, |c| c["label_smoothing"] = 0.2.into());
    set(&mut p, &json);
    train(&mut p, BLAME_STEPS as u32 - 1);
    assert_eq!(p.restore_point_step(), 250.0, "still within the window");
    train(&mut p, 1 + 60);
    poison(&mut p);
    assert_eq!(p.restore_point_step(), 800.0);
    assert_eq!(p.restore_point_reason(), "kept automatically");
    let settings_then = p.config_json();
    assert_eq!(restore(&mut p), 800.0);
    assert_eq!(p.config_json(), settings_then, "the change stays in force");
}

#[test]
fn a_restored_change_point_is_no_longer_blamed() {
    let mut p = playground();
    train(&mut p, 100);
    let json = settings(&p, |c| c["g_optimizer"] = sgd(10.0));
    set(&mut p, &json);
    poison(&mut p);
    assert_eq!(restore(&mut p), 100.0);
    // Trained on with the old settings, past a periodic point: that is the newest now.
    train(&mut p, 150);
    poison(&mut p);
    assert_eq!(p.restore_point_step(), 200.0);
    assert_eq!(p.restore_point_reason(), "kept automatically");
}

#[test]
fn settings_changed_and_changed_back_blame_nothing() {
    let mut p = playground();
    train(&mut p, 250);
    let original = p.config_json();
    let json = settings(&p, |c| c["batch_size"] = 8.into());
    set(&mut p, &json);
    set(&mut p, &original);
    train(&mut p, 10);
    poison(&mut p);
    assert_eq!(p.restore_point_step(), 250.0, "the newest point (a tie)");
    assert_eq!(
        p.restore_point_reason(),
        "before settings changes that were later undone"
    );
    // The same settings again keep no point at all.
    let mut q = playground();
    train(&mut q, 30);
    let same = q.config_json();
    set(&mut q, &same);
    assert_eq!(q.restore_point_steps(), [0.0]);
}

#[test]
fn a_new_model_forgets_the_old_points() {
    let mut p = playground();
    train(&mut p, 450);
    let saved = p.save_checkpoint().ok().unwrap();
    assert!(p.reset(&small()).is_ok());
    assert_eq!(p.restore_point_steps(), [0.0]);
    assert!(p.load_checkpoint(&saved).is_ok());
    assert_eq!(p.restore_point_steps(), [450.0]);
    assert_eq!(p.restore_point_reason(), "as the model was loaded");
    train(&mut p, 400);
    assert_eq!(p.restore_point_steps(), [800.0, 450.0]);
}

/// However the points come and go, the buffers never outnumber the four slots.
#[test]
fn buffers_stay_bounded_over_many_changes_and_restores() {
    let mut p = playground();
    for round in 0..40u32 {
        train(&mut p, 170 + round % 7 * 60);
        let json = settings(&p, |c| c["batch_size"] = (8 + round % 3).into());
        set(&mut p, &json);
        if round % 5 == 4 {
            poison(&mut p);
            restore(&mut p);
        }
        let points = &p.restore_points;
        let held = points.buffers();
        assert!(held <= 4, "round {round}: {held} buffers");
    }
}

#[test]
fn nothing_is_kept_mid_step_or_after_divergence() {
    let mut p = playground();
    train(&mut p, 199);
    p.advance().ok().unwrap();
    // Part-way through a step, the step is finished first.
    assert!(p.keep_restore_point_now().is_ok());
    assert_eq!(p.restore_point_steps(), [200.0, 0.0]);
    poison(&mut p);
    let points = p.restore_point_steps();
    let json = settings(&p, |c| c["batch_size"] = 8.into());
    set(&mut p, &json);
    assert_eq!(
        p.restore_point_steps(),
        points,
        "a diverged state is not kept"
    );
}
