//! The broker core: a pure, deterministic state machine on a simulated clock.
//!
//! Architecture invariants (checked by the build and by tests):
//! - nothing here depends on yew, web-sys, js-sys, gloo or wasm-bindgen;
//! - nothing here reads a clock: time is always an argument;
//! - no input makes it panic: bad commands return a Kafka-named error and leave state intact;
//! - the same seed and the same commands give the same events, natively and in wasm.

pub mod acl;
pub mod group;
