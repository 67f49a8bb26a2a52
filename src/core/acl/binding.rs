//! Kafka's ACL vocabulary, spelled as Kafka spells it (`AclOperation`, `ResourceType`,
//! `PatternType`, `AclPermissionType` in `clients/.../common/acl` and `common/resource`), and one
//! ACL, [`AclBinding`] (Kafka's `AclBinding` = `ResourcePattern` + `AccessControlEntry`).
//!
//! Serde and `Display` both use the upper-case names `kafka-acls --list` prints (`READ`, `TOPIC`,
//! `LITERAL`, `ALLOW`); `FromStr` also takes the CLI's spelling (`Read`, `IdempotentWrite`).

use super::names::{parse_principal, validate_id, validate_topic_name, validate_topic_prefix, AclError};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The wildcard: as a LITERAL resource name it matches every resource of its type (Kafka's
/// `ResourcePattern.WILDCARD_RESOURCE`); as a host it matches every host.
pub const WILDCARD: &str = "*";

/// The only CLUSTER resource name (Kafka's `Resource.CLUSTER_NAME`).
pub const CLUSTER_NAME: &str = "kafka-cluster";

/// Folds `READ`, `Read`, `read`, `IDEMPOTENT_WRITE`, `IdempotentWrite`, `idempotent-write` to one key.
fn fold(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, '_' | '-')).map(|c| c.to_ascii_lowercase()).collect()
}

macro_rules! kafka_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in Kafka's declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Kafka's name, as `kafka-acls --list` prints it.
            pub const fn name(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let key = fold(s);
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| fold(v.name()) == key)
                    .ok_or_else(|| {
                        let names: Vec<&str> = $name::ALL.iter().map(|v| v.name()).collect();
                        format!("unknown {} {:?} (expected one of {})", stringify!($name), s, names.join(", "))
                    })
            }
        }
    };
}

kafka_enum! {
    /// What an ACL allows or denies (Kafka's `AclOperation`, minus the filter-only `ANY`/`UNKNOWN`).
    Operation {
        Read = "READ",
        Write = "WRITE",
        Create = "CREATE",
        Delete = "DELETE",
        Alter = "ALTER",
        Describe = "DESCRIBE",
        ClusterAction = "CLUSTER_ACTION",
        DescribeConfigs = "DESCRIBE_CONFIGS",
        AlterConfigs = "ALTER_CONFIGS",
        IdempotentWrite = "IDEMPOTENT_WRITE",
        /// In an ACL, matches every operation. Never itself the operation of a request.
        All = "ALL",
    }
}

kafka_enum! {
    /// What an ACL is about (Kafka's `ResourceType`; `DELEGATION_TOKEN` and `USER` are not modelled).
    ResourceType {
        Topic = "TOPIC",
        Group = "GROUP",
        Cluster = "CLUSTER",
        TransactionalId = "TRANSACTIONAL_ID",
    }
}

kafka_enum! {
    /// How an ACL's resource name matches (Kafka's `PatternType`, minus the filter-only ones).
    PatternType {
        /// The exact name; the name `*` matches every resource of the type.
        Literal = "LITERAL",
        /// Every name that starts with the given prefix (KIP-290).
        Prefixed = "PREFIXED",
    }
}

kafka_enum! {
    /// Kafka's `AclPermissionType`. A matching DENY always beats any ALLOW.
    Permission {
        Allow = "ALLOW",
        Deny = "DENY",
    }
}

impl Operation {
    /// A bit per operation, for the authorizer's precomputed masks.
    pub(crate) const fn bit(self) -> u16 {
        1 << (self as u16)
    }

    /// The operations an ALLOW of `self` grants: itself, plus what it implies in Kafka's
    /// `StandardAuthorizerData.findResult` (and `AclAuthorizer` before it): READ, WRITE, DELETE and
    /// ALTER imply DESCRIBE; ALTER_CONFIGS implies DESCRIBE_CONFIGS; ALL grants everything.
    /// Implication is for ALLOW only: a DENY of READ does not deny DESCRIBE.
    pub(crate) const fn allow_mask(self) -> u16 {
        match self {
            Operation::All => u16::MAX,
            Operation::Read | Operation::Write | Operation::Delete | Operation::Alter => {
                self.bit() | Operation::Describe.bit()
            }
            Operation::AlterConfigs => self.bit() | Operation::DescribeConfigs.bit(),
            _ => self.bit(),
        }
    }

    /// The operations a DENY of `self` refuses: itself, or everything for ALL.
    pub(crate) const fn deny_mask(self) -> u16 {
        match self {
            Operation::All => u16::MAX,
            _ => self.bit(),
        }
    }
}

/// One Kafka ACL: `principal` may (or may not) do `operation` from `host` on the resources of
/// `resource_type` that `resource_name` matches under `pattern_type`.
///
/// Fields are public so the UI can build one from a form; [`AclBinding::validate`] is what the
/// [`Authorizer`](super::Authorizer) runs before storing one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AclBinding {
    /// `User:alice`, or `User:*` for every user.
    pub principal: String,
    /// Always `*` here: simulated clients have no addresses.
    #[serde(default = "wildcard_host")]
    pub host: String,
    pub operation: Operation,
    pub resource_type: ResourceType,
    pub pattern_type: PatternType,
    pub resource_name: String,
    pub permission: Permission,
}

fn wildcard_host() -> String {
    WILDCARD.to_owned()
}

impl AclBinding {
    /// An ACL for host `*`.
    pub fn new(
        principal: impl Into<String>,
        operation: Operation,
        resource_type: ResourceType,
        pattern_type: PatternType,
        resource_name: impl Into<String>,
        permission: Permission,
    ) -> Self {
        AclBinding {
            principal: principal.into(),
            host: wildcard_host(),
            operation,
            resource_type,
            pattern_type,
            resource_name: resource_name.into(),
            permission,
        }
    }

    /// Checks what Kafka's `AclControlManager.validateNewAcl` checks, plus the playground's name
    /// rules: a `User:` principal, host `*`, a legal resource name for the type, `*` only as a
    /// LITERAL wildcard, and CLUSTER only as LITERAL `kafka-cluster`.
    pub fn validate(&self) -> Result<(), AclError> {
        parse_principal(&self.principal)?;
        if self.host != WILDCARD {
            return Err(AclError::UnsupportedHost { host: self.host.clone() });
        }
        let name = self.resource_name.as_str();
        match (self.pattern_type, self.resource_type) {
            (_, ResourceType::Cluster) => {
                if self.pattern_type != PatternType::Literal || name != CLUSTER_NAME {
                    return Err(AclError::InvalidClusterResource {
                        pattern_type: self.pattern_type.to_string(),
                        name: name.to_owned(),
                    });
                }
            }
            (PatternType::Literal, _) if name == WILDCARD => {}
            (PatternType::Prefixed, _) if name == WILDCARD => return Err(AclError::PrefixedWildcard),
            (PatternType::Literal, ResourceType::Topic) => validate_topic_name(name)?,
            (PatternType::Prefixed, ResourceType::Topic) => validate_topic_prefix(name)?,
            (_, ResourceType::Group) => validate_id("group", name)?,
            (_, ResourceType::TransactionalId) => validate_id("transactional id", name)?,
        }
        Ok(())
    }

    /// Whether this ACL's pattern covers the resource `name` (no principal or operation check).
    pub fn matches_resource(&self, resource_type: ResourceType, name: &str) -> bool {
        self.resource_type == resource_type
            && match self.pattern_type {
                PatternType::Literal => self.resource_name == WILDCARD || self.resource_name == name,
                PatternType::Prefixed => name.starts_with(self.resource_name.as_str()),
            }
    }
}

/// `kafka-acls --list`'s two halves on one line:
/// `ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL): (principal=User:alice, host=*, operation=READ, permissionType=ALLOW)`.
impl fmt::Display for AclBinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ResourcePattern(resourceType={}, name={}, patternType={}): (principal={}, host={}, operation={}, permissionType={})",
            self.resource_type,
            self.resource_name,
            self.pattern_type,
            self.principal,
            self.host,
            self.operation,
            self.permission
        )
    }
}
