//! The authorizer: who may do what, decided the way Kafka's `StandardAuthorizer`
//! (`metadata/.../authorizer/StandardAuthorizerData.java`, KRaft) and `AclAuthorizer` (ZooKeeper
//! mode) decide it.
//!
//! For a user, an operation and a resource, in this order:
//! 1. authorization off (no `authorizer.class.name`) → allowed;
//! 2. the user is in `super.users` → allowed;
//! 3. an ACL for the user or for `User:*` that covers the resource DENYs the operation (or ALL)
//!    → denied. DENY beats every ALLOW;
//! 4. an ACL for the user or `User:*` that covers the resource ALLOWs the operation → allowed.
//!    ALL allows everything; READ, WRITE, DELETE and ALTER also allow DESCRIBE; ALTER_CONFIGS
//!    also allows DESCRIBE_CONFIGS;
//! 5. no ACL at all covers the resource — for *any* principal, any operation — →
//!    `allow.everyone.if.no.acl.found` decides (Kafka's `hasResourceAcls`). Otherwise denied.
//!
//! An ACL covers a resource when its type matches and its pattern is LITERAL with the same name,
//! LITERAL `*`, or PREFIXED with a prefix of the name.
//!
//! # Why an index
//! `authorize` runs on every simulated request, thousands of times per simulated second. Every
//! mutation rebuilds (in time linear in the number of ACLs) a `PrincipalIndex` per principal:
//! for each resource type, the ALLOW and DENY operation masks of its wildcard, of each literal
//! name and of each prefix, with implications already folded in. A query then costs two map
//! lookups per principal (the user and `User:*`), plus a scan of that principal's prefixes, plus
//! the same for the resource-wide index that answers step 5.

use super::binding::{AclBinding, Operation, PatternType, Permission, ResourceType, WILDCARD};
use super::names::{parse_principal, AclError, Principal, UserName, USER_PREFIX};
use super::role::RoleBinding;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The broker settings that govern authorization.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// Whether an authorizer is configured at all (`authorizer.class.name`, e.g.
    /// `org.apache.kafka.metadata.authorizer.StandardAuthorizer`). Off: every request is allowed,
    /// as on a broker with no authorizer.
    pub enabled: bool,
    /// `allow.everyone.if.no.acl.found` (default `false`): whether a resource that no ACL covers
    /// is open to everyone.
    #[serde(default)]
    pub allow_everyone_if_no_acl_found: bool,
    /// `super.users`: principals (`User:alice`) that bypass every ACL. Kafka writes them
    /// `User:alice;User:bob`; here a list.
    #[serde(default)]
    pub super_users: Vec<String>,
}

impl AuthConfig {
    /// Checks that every super user is a `User:name` principal (not `User:*`, which Kafka would
    /// only match against a user literally named `*`).
    pub fn validate(&self) -> Result<(), AclError> {
        self.super_user_names().map(|_| ())
    }

    fn super_user_names(&self) -> Result<BTreeSet<String>, AclError> {
        // A loop rather than `collect()`, which compiles another sort (`core::sort::set`).
        let mut names = BTreeSet::new();
        for p in &self.super_users {
            match parse_principal(p)? {
                Principal::User(name) => names.insert(name.to_owned()),
                Principal::AnyUser => return Err(AclError::WildcardSuperUser),
            };
        }
        Ok(names)
    }
}

/// Where an effective ACL comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AclSource {
    /// Expanded from this role binding.
    Role(RoleBinding),
    /// Added directly, as with `kafka-acls --add`.
    Raw,
}

/// One ACL the authorizer enforces, and why it exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectiveAcl {
    pub acl: AclBinding,
    pub source: AclSource,
}

/// ALLOW and DENY operation masks (see [`Operation::allow_mask`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Masks {
    allow: u16,
    deny: u16,
}

impl Masks {
    fn add(&mut self, acl: &AclBinding) {
        match acl.permission {
            Permission::Allow => self.allow |= acl.operation.allow_mask(),
            Permission::Deny => self.deny |= acl.operation.deny_mask(),
        }
    }

    fn merge(&mut self, other: Masks) {
        self.allow |= other.allow;
        self.deny |= other.deny;
    }
}

/// The ACLs of one principal (or of everyone, for the resource-wide index) on one resource type.
#[derive(Debug, Clone, Default)]
struct ResourceIndex {
    /// LITERAL `*`, if any ACL uses it.
    wildcard: Option<Masks>,
    literal: BTreeMap<String, Masks>,
    /// PREFIXED patterns, sorted by prefix.
    prefixed: BTreeMap<String, Masks>,
}

impl ResourceIndex {
    fn add(&mut self, acl: &AclBinding) {
        let slot = match acl.pattern_type {
            PatternType::Literal if acl.resource_name == WILDCARD => {
                self.wildcard.get_or_insert_with(Masks::default)
            }
            PatternType::Literal => self.literal.entry(acl.resource_name.clone()).or_default(),
            PatternType::Prefixed => self.prefixed.entry(acl.resource_name.clone()).or_default(),
        };
        slot.add(acl);
    }

    /// The union of the masks of every pattern that covers `name`; `None` if no pattern does.
    fn lookup(&self, name: &str) -> Option<Masks> {
        let mut found: Option<Masks> = self.wildcard;
        let mut merge = |m: Masks| found.get_or_insert_with(Masks::default).merge(m);
        if let Some(&m) = self.literal.get(name) {
            merge(m);
        }
        for (prefix, &m) in &self.prefixed {
            if name.starts_with(prefix.as_str()) {
                merge(m);
            }
        }
        found
    }
}

/// One principal's ACLs, by resource type.
#[derive(Debug, Clone, Default)]
struct PrincipalIndex {
    by_type: [ResourceIndex; 4],
}

fn type_slot(rt: ResourceType) -> usize {
    match rt {
        ResourceType::Topic => 0,
        ResourceType::Group => 1,
        ResourceType::Cluster => 2,
        ResourceType::TransactionalId => 3,
    }
}

impl PrincipalIndex {
    fn add(&mut self, acl: &AclBinding) {
        self.by_type[type_slot(acl.resource_type)].add(acl);
    }

    fn lookup(&self, rt: ResourceType, name: &str) -> Option<Masks> {
        self.by_type[type_slot(rt)].lookup(name)
    }
}

/// Everything derived from the state, rebuilt on every mutation.
#[derive(Debug, Clone, Default)]
struct Index {
    super_users: BTreeSet<String>,
    /// By bare user name (`alice`, not `User:alice`), so a query needs no allocation.
    users: BTreeMap<String, PrincipalIndex>,
    /// ACLs for `User:*`.
    any_user: PrincipalIndex,
    /// All ACLs of all principals: answers "does any ACL cover this resource?".
    resources: PrincipalIndex,
}

/// Users, their roles, raw ACLs and the authorization settings; decides every request.
///
/// Serialises as an [`AuthorizerSpec`]; deserialising validates everything again.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(try_from = "AuthorizerSpec", into = "AuthorizerSpec")]
pub struct Authorizer {
    config: AuthConfig,
    users: BTreeSet<UserName>,
    roles: Vec<RoleBinding>,
    acls: Vec<AclBinding>,
    index: Index,
}

/// The authorizer's state as scenario files and share links carry it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorizerSpec {
    #[serde(default)]
    pub config: AuthConfig,
    #[serde(default)]
    pub users: Vec<UserName>,
    #[serde(default)]
    pub roles: Vec<RoleBinding>,
    #[serde(default)]
    pub acls: Vec<AclBinding>,
}

impl TryFrom<AuthorizerSpec> for Authorizer {
    type Error = AclError;
    fn try_from(spec: AuthorizerSpec) -> Result<Self, AclError> {
        let mut a = Authorizer::new(spec.config)?;
        a.users = spec.users.into_iter().collect();
        for binding in spec.roles {
            if !a.users.contains(binding.user()) {
                return Err(AclError::UnknownUser { name: binding.user().to_string() });
            }
            if !a.roles.contains(&binding) {
                a.roles.push(binding);
            }
        }
        for acl in spec.acls {
            acl.validate()?;
            if !a.acls.contains(&acl) {
                a.acls.push(acl);
            }
        }
        a.rebuild();
        Ok(a)
    }
}

impl From<Authorizer> for AuthorizerSpec {
    fn from(a: Authorizer) -> Self {
        AuthorizerSpec {
            config: a.config,
            users: a.users.into_iter().collect(),
            roles: a.roles,
            acls: a.acls,
        }
    }
}

impl Authorizer {
    /// An authorizer with no users and no ACLs.
    pub fn new(config: AuthConfig) -> Result<Self, AclError> {
        config.validate()?;
        let mut a = Authorizer { config, ..Authorizer::default() };
        a.rebuild();
        Ok(a)
    }

    pub fn config(&self) -> &AuthConfig {
        &self.config
    }

    /// Replaces the settings; refused (state unchanged) if a super user is not a `User:name`.
    pub fn set_config(&mut self, config: AuthConfig) -> Result<(), AclError> {
        config.validate()?;
        self.config = config;
        self.rebuild();
        Ok(())
    }

    pub fn set_enabled(&mut self, enabled: bool) {
        self.config.enabled = enabled;
    }

    pub fn set_allow_everyone_if_no_acl_found(&mut self, allow: bool) {
        self.config.allow_everyone_if_no_acl_found = allow;
    }

    /// The users, in name order.
    pub fn users(&self) -> impl Iterator<Item = &UserName> {
        self.users.iter()
    }

    pub fn has_user(&self, name: &str) -> bool {
        self.users.contains(name)
    }

    /// Adds a user; `Ok(false)` if it already existed.
    pub fn add_user(&mut self, name: &str) -> Result<bool, AclError> {
        Ok(self.users.insert(UserName::new(name)?))
    }

    /// Removes a user with its role bindings and every raw ACL naming `User:<name>`; `false` if
    /// there was no such user.
    ///
    /// Kafka itself keeps ACLs for a deleted principal (and they apply again if the name is
    /// reused); a managed service removes a deleted user's grants, and so does the playground, so
    /// that a re-created user starts with nothing.
    pub fn remove_user(&mut self, name: &str) -> bool {
        let Some(user) = self.users.take(name) else {
            return false;
        };
        self.roles.retain(|b| b.user() != &user);
        let principal = user.principal();
        self.acls.retain(|a| a.principal != principal);
        self.rebuild();
        true
    }

    /// The role bindings, in the order they were granted.
    pub fn role_bindings(&self) -> &[RoleBinding] {
        &self.roles
    }

    /// Grants a role; `Ok(false)` if that exact binding already existed. The user must exist.
    pub fn grant(&mut self, binding: RoleBinding) -> Result<bool, AclError> {
        if !self.users.contains(binding.user()) {
            return Err(AclError::UnknownUser { name: binding.user().to_string() });
        }
        if self.roles.contains(&binding) {
            return Ok(false);
        }
        self.roles.push(binding);
        self.rebuild();
        Ok(true)
    }

    /// Revokes a role binding; `false` if it did not exist. Rights the same user holds through
    /// another binding or a raw ACL remain.
    pub fn revoke(&mut self, binding: &RoleBinding) -> bool {
        let before = self.roles.len();
        self.roles.retain(|b| b != binding);
        let removed = self.roles.len() != before;
        if removed {
            self.rebuild();
        }
        removed
    }

    /// The raw ACLs, in the order they were added.
    pub fn raw_acls(&self) -> &[AclBinding] {
        &self.acls
    }

    /// Adds a raw ACL (like `kafka-acls --add`); `Ok(false)` if it already existed. The
    /// principal need not be a known user, as in Kafka.
    pub fn add_acl(&mut self, acl: AclBinding) -> Result<bool, AclError> {
        acl.validate()?;
        if self.acls.contains(&acl) {
            return Ok(false);
        }
        self.acls.push(acl);
        self.rebuild();
        Ok(true)
    }

    /// Removes a raw ACL (exact match); `false` if it did not exist.
    pub fn remove_acl(&mut self, acl: &AclBinding) -> bool {
        let before = self.acls.len();
        self.acls.retain(|a| a != acl);
        let removed = self.acls.len() != before;
        if removed {
            self.rebuild();
        }
        removed
    }

    /// Every ACL the authorizer enforces: each role binding's expansion (in grant order), then the
    /// raw ACLs. The same ACL may appear twice with different sources.
    pub fn effective_acls(&self) -> Vec<EffectiveAcl> {
        let from_roles = self.roles.iter().flat_map(|b| {
            b.acls().into_iter().map(move |acl| EffectiveAcl { acl, source: AclSource::Role(b.clone()) })
        });
        let raw = self.acls.iter().map(|acl| EffectiveAcl { acl: acl.clone(), source: AclSource::Raw });
        from_roles.chain(raw).collect()
    }

    fn rebuild(&mut self) {
        let mut index = Index {
            // `set_config`/`new`/`try_from` validated the config; an invalid entry cannot be here.
            super_users: self.config.super_user_names().unwrap_or_default(),
            ..Index::default()
        };
        let role_acls = self.roles.iter().flat_map(|b| b.acls());
        for acl in role_acls.chain(self.acls.iter().cloned()) {
            index.resources.add(&acl);
            match parse_principal(&acl.principal) {
                Ok(Principal::User(name)) => index.users.entry(name.to_owned()).or_default().add(&acl),
                Ok(Principal::AnyUser) => index.any_user.add(&acl),
                Err(_) => {} // validated on the way in; unreachable, never panics
            }
        }
        self.index = index;
    }

    /// May `user` (a bare name, as in principal `User:<user>`) perform `operation` on the
    /// resource `resource_type`/`name`? See the module docs for the rules. A `user` given as
    /// `User:alice` is accepted too.
    ///
    /// For CLUSTER, `name` is [`CLUSTER_NAME`](super::CLUSTER_NAME).
    pub fn authorize(
        &self,
        user: &str,
        operation: Operation,
        resource_type: ResourceType,
        name: &str,
    ) -> bool {
        if !self.config.enabled {
            return true;
        }
        let user = user.strip_prefix(USER_PREFIX).unwrap_or(user);
        if self.index.super_users.contains(user) {
            return true;
        }
        let mut masks = Masks::default();
        if let Some(m) = self.index.users.get(user).and_then(|p| p.lookup(resource_type, name)) {
            masks.merge(m);
        }
        if let Some(m) = self.index.any_user.lookup(resource_type, name) {
            masks.merge(m);
        }
        let bit = operation.bit();
        if masks.deny & bit != 0 {
            return false;
        }
        if masks.allow & bit != 0 {
            return true;
        }
        self.config.allow_everyone_if_no_acl_found
            && self.index.resources.lookup(resource_type, name).is_none()
    }
}
