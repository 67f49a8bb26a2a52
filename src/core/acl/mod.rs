//! Users, managed-Kafka roles, Kafka ACLs, and the authorizer that checks every simulated request.
//!
//! # Layout
//! - [`names`] — validated names: users, principals (`User:alice`), topics, groups; [`AclError`].
//! - [`binding`] — Kafka's ACL vocabulary ([`Operation`], [`ResourceType`], [`PatternType`],
//!   [`Permission`]) and one ACL, [`AclBinding`], printed the way `kafka-acls` prints it.
//! - [`role`] — the managed service's roles ([`Role`]) on a [`TopicPattern`], and the Kafka ACLs
//!   each one means ([`RoleBinding::acls`]). The UI shows both views side by side.
//! - [`authorizer`] — [`Authorizer`]: users, role bindings, raw ACLs and [`AuthConfig`], with
//!   Kafka's `StandardAuthorizer` semantics and a per-principal index rebuilt on every mutation.
//! - [`request`] — which rights each request the core models needs ([`Request`]), and the error a
//!   Kafka client sees when it lacks them ([`AuthError`]).
//!
//! # Invariants
//! - An [`Authorizer`] only ever holds validated users, role bindings and ACLs: every mutation and
//!   every deserialisation re-validates, and a rejected input leaves the state untouched.
//! - `authorize` never scans the whole ACL list: it reads two precomputed per-principal indexes
//!   (the user's and `User:*`'s) and one per-resource index, so its cost does not grow with the
//!   number of other users.
//! - Nothing here panics on any input, and nothing depends on iteration order of a hash map: the
//!   same state always serialises to the same bytes.

pub mod authorizer;
pub mod binding;
pub mod names;
pub mod request;
pub mod role;

pub use authorizer::{AclSource, AuthConfig, Authorizer, AuthorizerSpec, EffectiveAcl};
pub use binding::{AclBinding, Operation, PatternType, Permission, ResourceType, CLUSTER_NAME, WILDCARD};
pub use names::{AclError, NameProblem, UserName};
pub use request::{AuthError, Request, Requirement};
pub use role::{Role, RoleBinding, TopicPattern};
