//! The broker core: a pure, deterministic state machine on a simulated clock.
//!
//! Architecture invariants (checked by the build and by tests):
//! - nothing here depends on yew, web-sys, js-sys, gloo or wasm-bindgen;
//! - nothing here reads a clock: time is always an argument;
//! - no input makes it panic: bad commands return a Kafka-named error and leave state intact;
//! - the same seed and the same commands give the same events, natively and in wasm.
//!
//! # Layout
//! - [`cluster`] — [`Cluster`]: `apply(now, command)`, `advance(now)`, `next_wakeup()`; its
//!   submodules hold every `impl Cluster` block (the driving of each kind of node, the routing
//!   of envelopes). No other module here names `Cluster` but [`scenario`] and [`tools`], which
//!   drive one (`tests/module_graph.rs`: no import cycle).
//! - [`command`], [`event`], [`error`], [`time`], [`config`] — its vocabulary.
//! - [`topic`], [`log`] — topics, partition logs, retention; [`budget`] — the work budget
//!   (totals across the cluster a tab can hold).
//! - [`partitioner`], [`producer`] — where records go.
//! - [`consumer`] — standalone and group consumers' state;
//!   [`share_consumer`] — the share consumer (KIP-932), [`share_group`] its pure pieces.
//! - [`broker`] — the broker: logs, the group coordinators' handlers, the authorizer.
//! - [`group`] — groups as their coordinator keeps them, assignors, offsets' validation.
//! - [`acl`] — users, roles, ACLs and the authorizer.
//! - [`scenario`] — the scenario file format and the built-in scenarios
//!   ([`scenario::prediction`]: a lesson's questions); [`share`] — share links.

pub mod acl;
pub mod admin;
pub mod broker;
pub mod budget;
pub mod cluster;
pub mod command;
mod command_read;
pub mod config;
pub mod consumer;
pub mod error;
pub mod event;
pub mod group;
pub mod ids;
pub mod learned;
pub mod log;
pub mod net;
pub mod partitioner;
pub mod producer;
pub mod protocol;
pub mod replication;
pub mod scenario;
pub mod schedule;
pub mod share;
pub mod share_consumer;
pub mod share_group;
pub mod sort;
pub mod time;
pub mod timer;
pub mod tools;
pub mod topic;
mod wire;

pub use cluster::Cluster;
pub use command::Command;
pub use error::{CoreError, ErrorCode};
pub use event::{Event, EventKind};
