//! Broker Playground: Apache Kafka's producers, consumers, partitions and consumer groups,
//! simulated on a deterministic clock.
//!
//! # Layout
//! - [`core`] — the broker: a pure, deterministic state machine. Commands and the current
//!   simulated time go in; events come out, plus "wake me at t". No web crates, no clock,
//!   no panics on any input. Builds and tests with `--no-default-features`.
//! - [`cli`] — `playground-cli`'s commands, as plain functions from arguments to output.
//! - [`i18n`] — the language layer: the core's events told in English (compiled in) and Russian
//!   (data, fetched by the page when first needed).
//! - `ui` (feature `ui`, on by default) — the Yew components that render the core's state.
#![forbid(unsafe_code)]

pub mod cli;
pub mod core;
pub mod i18n;

#[cfg(feature = "ui")]
pub mod ui;
