//! The core in the browser: the same seed gives the same events as natively. The native twin
//! of this test is `long_scenario_hash_is_stable` in tests/core_properties.rs; both assert
//! the same hash.
#![cfg(target_arch = "wasm32")]

use broker_playground::core::scenario::{built_in, event_stream_hash, Run};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const LONG_RUN_HASH: u64 = 0xed0e_af77_e904_021f;

#[wasm_bindgen_test]
fn long_scenario_replays_bit_for_bit_in_wasm() {
    let scenario = built_in("eager-vs-cooperative").expect("built-in");
    let mut run = Run::new(scenario).expect("loads");
    let events = run.advance(10 * 60_000);
    assert!(events.len() > 10_000);
    assert_eq!(event_stream_hash(&events), LONG_RUN_HASH);
}
