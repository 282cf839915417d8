//! The worlds' data generators and metrics against known and hand-computed cases.

use super::metrics::{histogram, js_divergence, measure, mode_stats, COVER_SHARE};
use super::*;

#[test]
fn every_built_in_world_generates_its_shape_from_the_seed() {
    for world in World::BUILT_IN {
        let a = world.generate(1).unwrap();
        assert_eq!(
            (a.len(), a.image_dim()),
            (WORLD_POINTS, world.dim()),
            "{world:?}"
        );
        assert!(a.images().iter().all(|v| (-1.0..=1.0).contains(v)));
        assert_eq!(
            world.generate(1).unwrap().images(),
            a.images(),
            "{world:?} reproduces"
        );
        assert_ne!(
            world.generate(2).unwrap().images(),
            a.images(),
            "{world:?} seeds differ"
        );
    }
    assert!(World::Digits.generate(1).is_none());
}

#[test]
fn mixture_points_fall_on_their_modes_in_even_shares() {
    for world in [
        World::Gaussian,
        World::Mixture2,
        World::Mixture3,
        World::Ring8,
        World::Grid25,
    ] {
        let data = world.generate(7).unwrap();
        let modes = world.modes().unwrap();
        let (covered, share) = mode_stats(data.images(), world.dim(), &modes);
        assert_eq!(
            covered,
            modes.centres.len(),
            "{world:?}: the data covers every mode"
        );
        // Within 3σ holds 99.7% of a 1-D Gaussian, 98.9% of a 2-D one.
        assert!(share > 0.98, "{world:?}: {share}");
        let js = measure(&world, data.images(), world.generate(8).unwrap().images()).js;
        assert!(js < 0.04, "{world:?}: two draws of the same world, JS {js}");
    }
}

#[test]
fn other_worlds_lie_where_they_should() {
    let uniform = World::Uniform.generate(1).unwrap();
    assert!(uniform.images().iter().all(|v| (-0.5..=0.5).contains(v)));
    let line = World::Line.generate(1).unwrap();
    // Every point is within a few σ of the segment y = x / 2.
    for p in line.images().chunks_exact(2) {
        assert!((p[1] - p[0] / 2.0).abs() < 0.15, "{p:?}");
    }
    let drawn = World::Drawn(vec![[0.5, -0.5]]).generate(1).unwrap();
    let mean: f32 = drawn.images().iter().step_by(2).sum::<f32>() / WORLD_POINTS as f32;
    assert!(
        (mean - 0.5).abs() < 0.01,
        "jitter is centred on the drawn point: {mean}"
    );
}

#[test]
fn drawn_worlds_are_checked_and_round_trip_through_json() {
    assert!(World::Drawn(vec![]).validate().is_err());
    assert!(World::Drawn(vec![[1.5, 0.0]]).validate().is_err());
    assert!(World::Drawn(vec![[f32::NAN, 0.0]]).validate().is_err());
    let world = World::Drawn(vec![[0.25, -0.5], [0.0, 1.0]]);
    let json = serde_json::to_string(&world).unwrap();
    assert_eq!(json, r#"{"drawn":[[0.25,-0.5],[0.0,1.0]]}"#);
    assert_eq!(serde_json::from_str::<World>(&json).unwrap(), world);
    assert_eq!(serde_json::to_string(&World::Ring8).unwrap(), r#""ring8""#);
    for w in World::BUILT_IN {
        assert_eq!(World::from_name(w.name()), Some(w));
    }
}

#[test]
fn points_csv_reads_a_header_and_refuses_nonsense() {
    let points = parse_points_csv("x,y\n0.1, 0.2\n\n# a comment\n-0.5;0.5\n").unwrap();
    assert_eq!(points, vec![[0.1, 0.2], [-0.5, 0.5]]);
    assert!(parse_points_csv("0.1,0.2\nfoo,bar\n")
        .unwrap_err()
        .contains("line 2"));
    assert!(parse_points_csv("0.1,2\n").is_err());
    assert!(parse_points_csv("x,y\n").is_err());
}

#[test]
fn js_divergence_matches_hand_computed_cases() {
    // Identical: 0. Disjoint: 1 bit.
    assert_eq!(js_divergence(&[0.5, 0.5], &[0.5, 0.5]), 0.0);
    assert!((js_divergence(&[1.0, 0.0], &[0.0, 1.0]) - 1.0).abs() < 1e-12);
    // P = (1, 0), Q = (½, ½): M = (¾, ¼);
    // JS = ½·log2(1/¾) + ½·(½·log2(½/¾) + ½·log2(½/¼)) = 0.311278…
    let js = js_divergence(&[1.0, 0.0], &[0.5, 0.5]);
    assert!((js - 0.311_278_124_459_132_8).abs() < 1e-12, "{js}");
}

#[test]
fn histograms_bin_the_visible_range() {
    // 1-D, 4 bins of width ½: -1 and -0.6 in bin 0, 0 in bin 2, 1 (and beyond) in bin 3.
    let h = histogram(&[-1.0, -0.6, 0.0, 1.0, 3.0], 1, 4);
    assert_eq!(h, vec![0.4, 0.0, 0.2, 0.4]);
    // 2-D, 2×2: rows by y (bottom row first), x fastest.
    let h = histogram(&[-0.5, -0.5, 0.5, -0.5, 0.5, 0.5, 0.5, 0.5], 2, 2);
    assert_eq!(h, vec![0.25, 0.25, 0.0, 0.5]);
}

#[test]
fn mode_metrics_match_hand_counted_cases() {
    let modes = Modes {
        centres: vec![[-0.5, 0.0], [0.5, 0.0]],
        sigma: 0.1,
    };
    // 3σ = 0.3. Ten 2-D points: six by mode 0, one by mode 1, three nowhere near.
    let mut points = vec![];
    for _ in 0..6 {
        points.extend([-0.45, 0.1]);
    }
    points.extend([0.7, 0.0]);
    for _ in 0..3 {
        points.extend([0.0, 0.9]);
    }
    let (covered, share) = mode_stats(&points, 2, &modes);
    assert_eq!(share, 0.7);
    // An even share is 5 points; mode 1 has 1 point, exactly COVER_SHARE of 5.
    assert_eq!(COVER_SHARE * 5.0, 1.0);
    assert_eq!(covered, 2);
    points[12] = 0.9; // the mode-1 point moves out of reach (0.4 > 0.3)
    assert_eq!(mode_stats(&points, 2, &modes), (1, 0.6));
}
