//! Validated names, and the one error type for everything the authorizer refuses to store.
//!
//! Names arrive from scenario files, share links and text boxes, so they are checked here once and
//! never trusted later. Error messages quote the offending text with `{:?}` so that a name such as
//! `<script>` is shown escaped and never mistaken for markup or for the message itself.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest user name we accept. Kafka has no limit of its own (SCRAM users are arbitrary
/// strings); managed services cap them, and 64 keeps the UI's lanes readable.
pub const MAX_USER_NAME_LEN: usize = 64;

/// Longest topic name, as Kafka's `Topic.MAX_NAME_LENGTH` (`common/internals/Topic.java`).
pub const MAX_TOPIC_NAME_LEN: usize = 249;

/// The principal type prefix, as in Kafka's `KafkaPrincipal.USER_TYPE`.
pub const USER_PREFIX: &str = "User:";

/// Why a name was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameProblem {
    Empty,
    TooLong {
        len: usize,
        max: usize,
    },
    IllegalChar(char),
    /// `.` and `..` are not legal topic names (`Topic.validate`).
    DotName,
}

impl fmt::Display for NameProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameProblem::Empty => write!(f, "it is empty"),
            NameProblem::TooLong { len, max } => {
                write!(f, "it is {len} characters long, the limit is {max}")
            }
            NameProblem::IllegalChar(c) => write!(f, "it contains the illegal character {c:?}"),
            NameProblem::DotName => write!(f, "'.' and '..' are not allowed"),
        }
    }
}

/// Everything the authorizer refuses to store, with a message a user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AclError {
    /// A user name outside `[A-Za-z0-9._@-]{1,64}`.
    InvalidUserName { name: String, problem: NameProblem },
    /// A topic name (or role pattern) outside Kafka's `[a-zA-Z0-9._-]{1,249}`.
    InvalidTopicName { name: String, problem: NameProblem },
    /// A group or transactional id outside the playground's `[a-zA-Z0-9._-]{1,249}`.
    InvalidResourceName { resource_type: String, name: String, problem: NameProblem },
    /// A role pattern with a `*` anywhere but at the end.
    InvalidPattern { pattern: String },
    /// The admin role on anything but `*`.
    AdminNeedsWildcard { pattern: String },
    /// A principal not of the form `User:name` or `User:*`.
    InvalidPrincipal { principal: String },
    /// Super users must be named users, not `User:*`.
    WildcardSuperUser,
    /// A host other than `*`: the playground's clients have no addresses.
    UnsupportedHost { host: String },
    /// A CLUSTER ACL whose pattern is not LITERAL `kafka-cluster`.
    InvalidClusterResource { pattern_type: String, name: String },
    /// A PREFIXED pattern whose prefix is `*` (Kafka keeps `*` for LITERAL only).
    PrefixedWildcard,
    /// A role granted to a user who was never added.
    UnknownUser { name: String },
}

impl fmt::Display for AclError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AclError::InvalidUserName { name, problem } => write!(
                f,
                "invalid user name {name:?}: {problem} (allowed: 1-{MAX_USER_NAME_LEN} of A-Z a-z 0-9 . _ @ -)"
            ),
            AclError::InvalidTopicName { name, problem } => write!(
                f,
                "invalid topic name {name:?}: {problem} (allowed: 1-{MAX_TOPIC_NAME_LEN} of a-z A-Z 0-9 . _ -)"
            ),
            AclError::InvalidResourceName { resource_type, name, problem } => write!(
                f,
                "invalid {resource_type} name {name:?}: {problem} (allowed: 1-{MAX_TOPIC_NAME_LEN} of a-z A-Z 0-9 . _ -)"
            ),
            AclError::InvalidPattern { pattern } => write!(
                f,
                "invalid topic pattern {pattern:?}: write an exact name, a prefix ending in '*' (orders*), or '*' alone"
            ),
            AclError::AdminNeedsWildcard { pattern } => write!(
                f,
                "the admin role can only be granted on '*', not on {pattern:?}; use topic-admin for a topic or prefix"
            ),
            AclError::InvalidPrincipal { principal } => {
                write!(f, "invalid principal {principal:?}: write User:name or User:*")
            }
            AclError::WildcardSuperUser => {
                write!(f, "super.users lists named users (User:alice), not User:*")
            }
            AclError::UnsupportedHost { host } => write!(
                f,
                "unsupported host {host:?}: the playground's clients have no addresses, so ACLs use host '*'"
            ),
            AclError::InvalidClusterResource { pattern_type, name } => write!(
                f,
                "invalid CLUSTER resource {pattern_type} {name:?}: the only cluster resource is LITERAL kafka-cluster"
            ),
            AclError::PrefixedWildcard => {
                write!(f, "'*' is a wildcard only in a LITERAL pattern; a PREFIXED pattern needs a real prefix")
            }
            AclError::UnknownUser { name } => {
                write!(f, "unknown user {name:?}: add the user before granting it a role")
            }
        }
    }
}

impl std::error::Error for AclError {}

fn check_chars(name: &str, max: usize, allowed: impl Fn(char) -> bool) -> Result<(), NameProblem> {
    if name.is_empty() {
        return Err(NameProblem::Empty);
    }
    if let Some(c) = name.chars().find(|&c| !allowed(c)) {
        return Err(NameProblem::IllegalChar(c));
    }
    // All allowed characters are ASCII, so bytes == characters here.
    if name.len() > max {
        return Err(NameProblem::TooLong { len: name.len(), max });
    }
    Ok(())
}

/// Kafka's legal topic characters (`Topic.containsValidPattern`): `[a-zA-Z0-9._-]`.
pub(crate) fn is_topic_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

fn is_user_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@')
}

/// A legal topic name, as Kafka's `Topic.validate`: 1-249 of `[a-zA-Z0-9._-]`, not `.` or `..`.
pub fn validate_topic_name(name: &str) -> Result<(), AclError> {
    let problem = check_chars(name, MAX_TOPIC_NAME_LEN, is_topic_char)
        .err()
        .or_else(|| matches!(name, "." | "..").then_some(NameProblem::DotName));
    match problem {
        None => Ok(()),
        Some(problem) => Err(AclError::InvalidTopicName { name: name.to_owned(), problem }),
    }
}

/// A legal topic prefix: like a topic name, except that `.` alone is a fine prefix.
pub(crate) fn validate_topic_prefix(prefix: &str) -> Result<(), AclError> {
    check_chars(prefix, MAX_TOPIC_NAME_LEN, is_topic_char)
        .map_err(|problem| AclError::InvalidTopicName { name: prefix.to_owned(), problem })
}

/// A group or transactional id, or a prefix of one.
///
/// Simplification: Kafka accepts any string as a `group.id`; the playground holds group ids to
/// the topic alphabet so that every name it shows is plain text.
pub(crate) fn validate_id(resource_type: &str, name: &str) -> Result<(), AclError> {
    check_chars(name, MAX_TOPIC_NAME_LEN, is_topic_char).map_err(|problem| AclError::InvalidResourceName {
        resource_type: resource_type.to_owned(),
        name: name.to_owned(),
        problem,
    })
}

/// Checks a user name: 1-64 of `[A-Za-z0-9._@-]`.
pub fn validate_user_name(name: &str) -> Result<(), AclError> {
    check_chars(name, MAX_USER_NAME_LEN, is_user_char)
        .map_err(|problem| AclError::InvalidUserName { name: name.to_owned(), problem })
}

/// A principal as Kafka's `KafkaPrincipal` writes it: `User:alice`, or `User:*` for everyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Principal<'a> {
    User(&'a str),
    AnyUser,
}

/// Parses `User:name` / `User:*`. Other principal types (Kafka allows custom ones) are refused:
/// the playground authenticates users only.
pub(crate) fn parse_principal(principal: &str) -> Result<Principal<'_>, AclError> {
    let invalid = || AclError::InvalidPrincipal { principal: principal.to_owned() };
    let name = principal.strip_prefix(USER_PREFIX).ok_or_else(invalid)?;
    if name == "*" {
        return Ok(Principal::AnyUser);
    }
    validate_user_name(name).map_err(|_| invalid())?;
    Ok(Principal::User(name))
}

/// A validated user name (the `alice` in principal `User:alice`).
///
/// Serialised as a plain string; deserialising re-validates, so a scenario file cannot smuggle
/// in a name the UI would have refused.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UserName(String);

impl UserName {
    pub fn new(name: &str) -> Result<Self, AclError> {
        validate_user_name(name)?;
        Ok(UserName(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The Kafka principal, `User:<name>`.
    pub fn principal(&self) -> String {
        format!("{USER_PREFIX}{}", self.0)
    }
}

impl TryFrom<String> for UserName {
    type Error = AclError;
    fn try_from(name: String) -> Result<Self, AclError> {
        validate_user_name(&name)?;
        Ok(UserName(name))
    }
}

/// Lets a `BTreeSet<UserName>` be queried with a `&str` (same ordering as `String`'s).
impl std::borrow::Borrow<str> for UserName {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<UserName> for String {
    fn from(name: UserName) -> String {
        name.0
    }
}

impl fmt::Display for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for UserName {
    type Err = AclError;
    fn from_str(s: &str) -> Result<Self, AclError> {
        UserName::new(s)
    }
}
