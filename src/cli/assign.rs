//! `playground-cli assign` (see CLI.md).

use super::{Outcome, Stdin};

pub fn run(_args: &[String], _stdin: &mut dyn Stdin) -> Outcome {
    Outcome::failure("assign: not built yet")
}
