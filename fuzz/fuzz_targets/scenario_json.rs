//! Scenario files (and the text inside share links): any bytes in, an error or a scenario out,
//! never a panic. A scenario that loads is also built and run briefly.
#![no_main]

use broker_playground::core::scenario::{Run, Scenario};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The byte -> str boundary the CLI and the UI's file picker have.
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Scenario::from_json(text) {
        Ok(scenario) => {
            let mut run = Run::new(scenario).expect("a scenario that loads also builds");
            run.advance(200);
        }
        Err(e) => assert!(!e.to_string().contains('\n'), "error is not one line: {e}"),
    }
});
