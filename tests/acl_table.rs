//! The authorizer, as tables: every role × every request / operation × pattern kind, then the
//! rules one at a time (DENY precedence, implied DESCRIBE, super users,
//! `allow.everyone.if.no.acl.found`, authorizer off, revoke), validation, serde, and a property
//! test against a naive reference that scans every effective ACL.

use broker_playground::core::acl::*;
use expect_test::expect;
use proptest::prelude::*;

const TOPIC: &str = "orders-eu";
const GROUP: &str = "billing";

/// Pattern kinds, each with a pattern that covers [`TOPIC`] or deliberately does not.
const PATTERNS: &[(&str, &str, bool)] = &[
    ("exact", "orders-eu", true),
    ("prefix", "orders-*", true),
    ("any", "*", true),
    // Non-matching: a literal that is a prefix of the name, a prefix longer than the name,
    // an unrelated prefix and an unrelated exact name.
    ("literal-prefix-of-name", "orders", false),
    ("longer-prefix", "orders-eu-west*", false),
    ("other-prefix", "payments*", false),
    ("other-exact", "payments", false),
];

fn authorizer_with(user: &str, role: Role, pattern: &str) -> Result<Authorizer, AclError> {
    let mut a = Authorizer::new(AuthConfig {
        enabled: true,
        allow_everyone_if_no_acl_found: false,
        super_users: vec![],
    })?;
    a.add_user(user)?;
    a.grant(RoleBinding::new(user, role, pattern)?)?;
    Ok(a)
}

fn outcome(r: Result<(), AuthError>) -> &'static str {
    match r {
        Ok(()) => "ok",
        Err(AuthError::TopicAuthorizationFailed { .. }) => "T",
        Err(AuthError::GroupAuthorizationFailed { .. }) => "G",
        Err(AuthError::ClusterAuthorizationFailed) => "C",
        Err(AuthError::TransactionalIdAuthorizationFailed { .. }) => "X",
    }
}

/// Every role × every request × matching / non-matching pattern.
/// `ok` = allowed; T/G/C = TOPIC_/GROUP_/CLUSTER_AUTHORIZATION_FAILED.
/// Columns: the role with a pattern that covers the topic (`+`) and one that does not (`-`).
/// Admin exists only on `*`, which always covers.
const REQUEST_TABLE: &str = "
request           consumer+ consumer- producer+ producer- topic-admin+ topic-admin- admin
Produce           T         T         ok        T         ok           T            ok
Fetch             ok        T         T         T         ok           T            ok
Metadata          ok        T         ok        T         ok           T            ok
ListOffsets       ok        T         ok        T         ok           T            ok
JoinGroup         ok        ok        G         G         ok           ok           ok
SyncGroup         ok        ok        G         G         ok           ok           ok
Heartbeat         ok        ok        G         G         ok           ok           ok
LeaveGroup        ok        ok        G         G         ok           ok           ok
OffsetCommit      ok        T         G         G         ok           T            ok
OffsetFetch       ok        T         G         G         ok           T            ok
CreateTopics      T         T         ok        T         ok           T            ok
DeleteTopics      T         T         T         T         ok           T            ok
CreatePartitions  T         T         T         T         ok           T            ok
InitProducerId    C         C         ok        ok        ok           C            ok
";

#[test]
fn every_role_every_request_every_pattern_kind() {
    let mut lines = REQUEST_TABLE.trim().lines();
    let header: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    let mut rows = 0;
    for line in lines {
        let cells: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cells.len(), header.len(), "malformed row {line:?}");
        let request = *Request::ALL.iter().find(|r| r.name() == cells[0]).unwrap();
        rows += 1;
        for (column, expected) in header.iter().zip(&cells).skip(1) {
            let (role_name, covers) = match column.strip_suffix('+') {
                Some(r) => (r, Some(true)),
                None => match column.strip_suffix('-') {
                    Some(r) => (r, Some(false)),
                    None => (*column, None), // admin: `*` only
                },
            };
            let role: Role = role_name.parse().unwrap();
            for &(kind, pattern, matches) in PATTERNS {
                if covers.is_some_and(|c| c != matches) {
                    continue;
                }
                let built = authorizer_with("alice", role, pattern);
                if role == Role::Admin && pattern != "*" {
                    assert!(
                        matches!(built, Err(AclError::AdminNeedsWildcard { .. })),
                        "admin on {pattern} must be refused"
                    );
                    continue;
                }
                let a = built.unwrap();
                let got = outcome(a.check("alice", request, Some(TOPIC), Some(GROUP)));
                assert_eq!(
                    got, *expected,
                    "{role} on {pattern:?} ({kind}), {request} on topic {TOPIC}, group {GROUP}"
                );
                // Someone with no role is refused everything the role gives.
                let stranger = outcome(a.check("mallory", request, Some(TOPIC), Some(GROUP)));
                assert_ne!(stranger, "ok", "mallory, {request}, next to {role} on {pattern}");
            }
        }
    }
    assert_eq!(rows, Request::ALL.len(), "every request has a row");
}

/// What each role allows on a resource its pattern covers, per resource type. Everything else —
/// and everything on a topic the pattern does not cover — is denied.
fn expected_ops(role: Role, rt: ResourceType) -> &'static [Operation] {
    use Operation::*;
    match (role, rt) {
        (Role::Consumer | Role::TopicConsumer, ResourceType::Topic) => &[Read, Describe],
        (Role::Consumer | Role::TopicConsumer, ResourceType::Group) => &[Read, Describe],
        (Role::Producer | Role::TopicProducer, ResourceType::Topic) => &[Write, Create, Describe],
        (Role::Producer | Role::TopicProducer, ResourceType::Cluster) => &[IdempotentWrite],
        (Role::TopicAdmin, ResourceType::Topic) => &[Read, Write, Create, Delete, Alter, Describe],
        (Role::TopicAdmin, ResourceType::Group) => &[Read, Describe],
        (Role::Admin, _) => Operation::ALL,
        _ => &[],
    }
}

#[test]
fn every_role_every_operation_every_resource_type_every_pattern_kind() {
    for &role in Role::ALL {
        for &(kind, pattern, matches) in PATTERNS {
            let Ok(a) = authorizer_with("alice", role, pattern) else {
                assert!(role == Role::Admin && pattern != "*");
                continue;
            };
            for &rt in ResourceType::ALL {
                let name = match rt {
                    ResourceType::Topic => TOPIC,
                    ResourceType::Group => GROUP,
                    ResourceType::Cluster => CLUSTER_NAME,
                    ResourceType::TransactionalId => "tx-1",
                };
                for &op in Operation::ALL {
                    let covered = rt != ResourceType::Topic || matches;
                    let expected = covered && expected_ops(role, rt).contains(&op);
                    assert_eq!(
                        a.authorize("alice", op, rt, name),
                        expected,
                        "{role} on {pattern:?} ({kind}): {op} on {rt} {name}"
                    );
                    assert!(!a.authorize("mallory", op, rt, name), "mallory: {op} on {rt}");
                }
            }
        }
    }
}

#[test]
fn role_expansions_are_the_documented_acls() {
    let show = |role, pattern| {
        RoleBinding::new("alice", role, pattern)
            .unwrap()
            .acls()
            .iter()
            .map(|a| format!("{a}\n"))
            .collect::<String>()
    };
    expect![[r#"
        ResourcePattern(resourceType=TOPIC, name=orders-, patternType=PREFIXED): (principal=User:alice, host=*, operation=DESCRIBE, permissionType=ALLOW)
        ResourcePattern(resourceType=TOPIC, name=orders-, patternType=PREFIXED): (principal=User:alice, host=*, operation=READ, permissionType=ALLOW)
        ResourcePattern(resourceType=GROUP, name=*, patternType=LITERAL): (principal=User:alice, host=*, operation=READ, permissionType=ALLOW)
    "#]]
    .assert_eq(&show(Role::Consumer, "orders-*"));
    expect![[r#"
        ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL): (principal=User:alice, host=*, operation=DESCRIBE, permissionType=ALLOW)
        ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL): (principal=User:alice, host=*, operation=WRITE, permissionType=ALLOW)
        ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL): (principal=User:alice, host=*, operation=CREATE, permissionType=ALLOW)
        ResourcePattern(resourceType=CLUSTER, name=kafka-cluster, patternType=LITERAL): (principal=User:alice, host=*, operation=IDEMPOTENT_WRITE, permissionType=ALLOW)
    "#]]
    .assert_eq(&show(Role::Producer, "orders"));
    expect![[r#"
        ResourcePattern(resourceType=TOPIC, name=*, patternType=LITERAL): (principal=User:alice, host=*, operation=READ, permissionType=ALLOW)
        ResourcePattern(resourceType=TOPIC, name=*, patternType=LITERAL): (principal=User:alice, host=*, operation=WRITE, permissionType=ALLOW)
        ResourcePattern(resourceType=TOPIC, name=*, patternType=LITERAL): (principal=User:alice, host=*, operation=CREATE, permissionType=ALLOW)
        ResourcePattern(resourceType=TOPIC, name=*, patternType=LITERAL): (principal=User:alice, host=*, operation=DELETE, permissionType=ALLOW)
        ResourcePattern(resourceType=TOPIC, name=*, patternType=LITERAL): (principal=User:alice, host=*, operation=DESCRIBE, permissionType=ALLOW)
        ResourcePattern(resourceType=TOPIC, name=*, patternType=LITERAL): (principal=User:alice, host=*, operation=ALTER, permissionType=ALLOW)
        ResourcePattern(resourceType=GROUP, name=*, patternType=LITERAL): (principal=User:alice, host=*, operation=READ, permissionType=ALLOW)
        ResourcePattern(resourceType=GROUP, name=*, patternType=LITERAL): (principal=User:alice, host=*, operation=DESCRIBE, permissionType=ALLOW)
    "#]]
    .assert_eq(&show(Role::TopicAdmin, "*"));
    expect![[r#"
        ResourcePattern(resourceType=TOPIC, name=*, patternType=LITERAL): (principal=User:alice, host=*, operation=ALL, permissionType=ALLOW)
        ResourcePattern(resourceType=GROUP, name=*, patternType=LITERAL): (principal=User:alice, host=*, operation=ALL, permissionType=ALLOW)
        ResourcePattern(resourceType=TRANSACTIONAL_ID, name=*, patternType=LITERAL): (principal=User:alice, host=*, operation=ALL, permissionType=ALLOW)
        ResourcePattern(resourceType=CLUSTER, name=kafka-cluster, patternType=LITERAL): (principal=User:alice, host=*, operation=ALL, permissionType=ALLOW)
    "#]]
    .assert_eq(&show(Role::Admin, "*"));
}

fn enabled() -> Authorizer {
    Authorizer::new(AuthConfig { enabled: true, ..AuthConfig::default() }).unwrap()
}

fn acl(
    principal: &str,
    op: Operation,
    rt: ResourceType,
    pt: PatternType,
    name: &str,
    perm: Permission,
) -> AclBinding {
    AclBinding::new(principal, op, rt, pt, name, perm)
}

#[test]
fn deny_wins_over_every_allow() {
    use Operation::*;
    use PatternType::*;
    use ResourceType::Topic;
    let mut a = enabled();
    a.add_user("alice").unwrap();
    a.grant(RoleBinding::new("alice", Role::Admin, "*").unwrap()).unwrap();
    a.grant(RoleBinding::new("alice", Role::Consumer, "orders").unwrap()).unwrap();
    assert!(a.authorize("alice", Read, Topic, "orders"));

    // DENY READ on the literal name: READ refused, DESCRIBE (implied by the ALLOWs) still fine —
    // implication is for ALLOW only.
    a.add_acl(acl("User:alice", Read, Topic, Literal, "orders", Permission::Deny)).unwrap();
    assert!(!a.authorize("alice", Read, Topic, "orders"));
    assert!(a.authorize("alice", Describe, Topic, "orders"));
    assert!(a.authorize("alice", Write, Topic, "orders"));
    assert!(a.authorize("alice", Read, Topic, "orders2"), "literal deny is exact");
    assert_eq!(
        a.check("alice", Request::Fetch, Some("orders"), Some("g")).unwrap_err().to_string(),
        "TOPIC_AUTHORIZATION_FAILED (29): Not authorized to access topics: [orders]"
    );
    assert_eq!(a.check("alice", Request::Metadata, Some("orders"), None), Ok(()));

    // A DENY for User:* applies to alice too; a PREFIXED DENY covers the prefix.
    a.add_acl(acl("User:*", Write, Topic, Prefixed, "ord", Permission::Deny)).unwrap();
    assert!(!a.authorize("alice", Write, Topic, "orders"));
    assert!(!a.authorize("alice", Write, Topic, "ordinal"));
    assert!(a.authorize("alice", Write, Topic, "payments"));

    // DENY ALL refuses every operation, DESCRIBE included.
    a.add_acl(acl("User:alice", All, Topic, Literal, "*", Permission::Deny)).unwrap();
    for &op in Operation::ALL {
        assert!(!a.authorize("alice", op, Topic, "payments"), "{op}");
    }
    // Group rights are untouched by topic DENYs.
    assert!(a.authorize("alice", Read, ResourceType::Group, "g"));
}

#[test]
fn allow_of_read_write_delete_alter_implies_describe() {
    use Operation::*;
    use ResourceType::Topic;
    for &op in Operation::ALL {
        let mut a = enabled();
        a.add_acl(acl("User:bob", op, Topic, PatternType::Literal, "t", Permission::Allow)).unwrap();
        let implies_describe = matches!(op, Read | Write | Delete | Alter | Describe | All);
        let implies_describe_configs = matches!(op, AlterConfigs | DescribeConfigs | All);
        assert_eq!(a.authorize("bob", Describe, Topic, "t"), implies_describe, "{op}");
        assert_eq!(a.authorize("bob", DescribeConfigs, Topic, "t"), implies_describe_configs, "{op}");
        // Nothing else is implied.
        for &other in Operation::ALL {
            if other != op && other != Describe && other != DescribeConfigs {
                assert_eq!(a.authorize("bob", other, Topic, "t"), op == All, "{op} -> {other}");
            }
        }
    }
}

#[test]
fn super_users_bypass_every_acl_including_deny() {
    let mut a = Authorizer::new(AuthConfig {
        enabled: true,
        allow_everyone_if_no_acl_found: false,
        super_users: vec!["User:root".into()],
    })
    .unwrap();
    a.add_acl(acl(
        "User:root",
        Operation::All,
        ResourceType::Topic,
        PatternType::Literal,
        "*",
        Permission::Deny,
    ))
    .unwrap();
    for &request in Request::ALL {
        assert_eq!(a.check("root", request, Some("t"), Some("g")), Ok(()), "{request}");
        assert_eq!(a.check("User:root", request, Some("t"), Some("g")), Ok(()), "{request}");
        assert!(a.check("rooty", request, Some("t"), Some("g")).is_err(), "{request}");
    }
    assert_eq!(
        Authorizer::new(AuthConfig { super_users: vec!["User:*".into()], ..AuthConfig::default() })
            .unwrap_err(),
        AclError::WildcardSuperUser
    );
    assert!(matches!(
        enabled().set_config(AuthConfig { super_users: vec!["root".into()], ..AuthConfig::default() }),
        Err(AclError::InvalidPrincipal { .. })
    ));
}

#[test]
fn allow_everyone_if_no_acl_found_only_for_resources_no_acl_covers() {
    use Operation::*;
    use ResourceType::*;
    for allow_everyone in [false, true] {
        let mut a = Authorizer::new(AuthConfig {
            enabled: true,
            allow_everyone_if_no_acl_found: allow_everyone,
            super_users: vec![],
        })
        .unwrap();
        a.add_user("alice").unwrap();
        a.grant(RoleBinding::new("alice", Role::Consumer, "orders*").unwrap()).unwrap();
        // No ACL covers "free": the flag decides, for anyone.
        assert_eq!(a.authorize("bob", Write, Topic, "free"), allow_everyone);
        assert_eq!(a.authorize("alice", Write, Topic, "free"), allow_everyone);
        // alice's ACLs cover "orders-eu": bob is denied whatever the flag, and so is alice's
        // WRITE (an ACL exists for the resource, just not for that operation).
        assert!(!a.authorize("bob", Read, Topic, "orders-eu"));
        assert!(!a.authorize("alice", Write, Topic, "orders-eu"));
        // Group `*` covers every group.
        assert!(!a.authorize("bob", Read, Group, "any"));
        // Nothing covers the cluster.
        assert_eq!(a.authorize("bob", Create, Cluster, CLUSTER_NAME), allow_everyone);
    }
}

#[test]
fn disabled_authorizer_allows_everything() {
    let mut a = Authorizer::default();
    assert!(!a.config().enabled);
    a.add_acl(acl(
        "User:*",
        Operation::All,
        ResourceType::Topic,
        PatternType::Literal,
        "*",
        Permission::Deny,
    ))
    .unwrap();
    for &request in Request::ALL {
        assert_eq!(a.check("anyone", request, None, None), Ok(()));
    }
    a.set_enabled(true);
    assert!(a.check("anyone", Request::Produce, Some("t"), None).is_err());
}

#[test]
fn missing_names_fail_closed() {
    let mut a = enabled();
    a.add_user("alice").unwrap();
    a.grant(RoleBinding::new("alice", Role::Admin, "*").unwrap()).unwrap();
    assert_eq!(
        a.check("alice", Request::Produce, None, None),
        Err(AuthError::TopicAuthorizationFailed { topic: String::new() })
    );
    assert_eq!(
        a.check("alice", Request::OffsetCommit, Some("t"), None),
        Err(AuthError::GroupAuthorizationFailed { group: String::new() })
    );
    // CreateTopics via CREATE on the cluster needs no topic name.
    assert_eq!(a.check("alice", Request::CreateTopics, None, None), Ok(()));
}

#[test]
fn offset_commit_reports_the_group_error_first() {
    let mut a = enabled();
    a.add_acl(acl(
        "User:bob",
        Operation::Describe,
        ResourceType::Topic,
        PatternType::Literal,
        "t",
        Permission::Allow,
    ))
    .unwrap();
    let err = a.check("bob", Request::OffsetCommit, Some("t"), Some("g")).unwrap_err();
    assert_eq!((err.name(), err.code()), ("GROUP_AUTHORIZATION_FAILED", 30));
    a.add_acl(acl(
        "User:bob",
        Operation::Read,
        ResourceType::Group,
        PatternType::Prefixed,
        "g",
        Permission::Allow,
    ))
    .unwrap();
    let err = a.check("bob", Request::OffsetCommit, Some("t"), Some("g")).unwrap_err();
    assert_eq!((err.name(), err.code()), ("TOPIC_AUTHORIZATION_FAILED", 29));
    let err = a.check("bob", Request::InitProducerId, Some("t"), None).unwrap_err();
    assert_eq!((err.name(), err.code()), ("CLUSTER_AUTHORIZATION_FAILED", 31));
    assert_eq!(err.to_string(), "CLUSTER_AUTHORIZATION_FAILED (31): Cluster authorization failed.");
}

#[test]
fn revoke_and_remove_user_take_rights_away() {
    let mut a = enabled();
    a.add_user("alice").unwrap();
    let consumer = RoleBinding::new("alice", Role::Consumer, "orders*").unwrap();
    let producer = RoleBinding::new("alice", Role::Producer, "orders").unwrap();
    assert_eq!(a.grant(consumer.clone()), Ok(true));
    assert_eq!(a.grant(consumer.clone()), Ok(false), "granting twice is a no-op");
    a.grant(producer.clone()).unwrap();
    assert!(a.check("alice", Request::Fetch, Some("orders"), None).is_ok());
    assert!(a.check("alice", Request::Metadata, Some("orders"), None).is_ok());

    assert!(a.revoke(&consumer));
    assert!(!a.revoke(&consumer));
    assert!(a.check("alice", Request::Fetch, Some("orders"), None).is_err());
    // DESCRIBE still comes from the producer role.
    assert!(a.check("alice", Request::Metadata, Some("orders"), None).is_ok());
    assert!(a.check("alice", Request::Metadata, Some("orders-eu"), None).is_err());

    a.add_acl(acl(
        "User:alice",
        Operation::Read,
        ResourceType::Topic,
        PatternType::Literal,
        "x",
        Permission::Allow,
    ))
    .unwrap();
    assert!(a.remove_user("alice"));
    assert!(!a.remove_user("alice"));
    assert!(a.role_bindings().is_empty());
    assert!(a.raw_acls().is_empty());
    assert!(a.check("alice", Request::Produce, Some("orders"), None).is_err());
    assert_eq!(a.grant(producer), Err(AclError::UnknownUser { name: "alice".into() }));
}

#[test]
fn effective_acls_tag_their_source() {
    let mut a = enabled();
    a.add_user("alice").unwrap();
    a.grant(RoleBinding::new("alice", Role::Consumer, "orders").unwrap()).unwrap();
    let raw = acl(
        "User:*",
        Operation::Describe,
        ResourceType::Topic,
        PatternType::Prefixed,
        "pub.",
        Permission::Allow,
    );
    assert_eq!(a.add_acl(raw.clone()), Ok(true));
    assert_eq!(a.add_acl(raw.clone()), Ok(false));
    let listing: String = a
        .effective_acls()
        .iter()
        .map(|e| match &e.source {
            AclSource::Role(b) => format!("[{b}] {}\n", e.acl),
            AclSource::Raw => format!("[raw] {}\n", e.acl),
        })
        .collect();
    expect![[r#"
        [alice: consumer on orders] ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL): (principal=User:alice, host=*, operation=DESCRIBE, permissionType=ALLOW)
        [alice: consumer on orders] ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL): (principal=User:alice, host=*, operation=READ, permissionType=ALLOW)
        [alice: consumer on orders] ResourcePattern(resourceType=GROUP, name=*, patternType=LITERAL): (principal=User:alice, host=*, operation=READ, permissionType=ALLOW)
        [raw] ResourcePattern(resourceType=TOPIC, name=pub., patternType=PREFIXED): (principal=User:*, host=*, operation=DESCRIBE, permissionType=ALLOW)
    "#]]
    .assert_eq(&listing);
    assert!(a.remove_acl(&raw));
    assert!(!a.remove_acl(&raw));
    assert_eq!(a.effective_acls().len(), 3);
}

#[test]
fn names_and_patterns_are_validated() {
    let err = |r: Result<RoleBinding, AclError>| r.unwrap_err().to_string();
    let messages = [
        err(RoleBinding::new("alice", Role::Admin, "orders")),
        err(RoleBinding::new("alice", Role::Admin, "orders*")),
        err(RoleBinding::new("alice", Role::Consumer, "<script>")),
        err(RoleBinding::new("<script>alert(1)</script>", Role::Consumer, "*")),
        err(RoleBinding::new("alice", Role::Consumer, "or*ders")),
        err(RoleBinding::new("alice", Role::Consumer, "**")),
        err(RoleBinding::new("alice", Role::Consumer, "")),
        err(RoleBinding::new("alice", Role::Consumer, "..")),
        err(RoleBinding::new("alice", Role::Consumer, "orders eu")),
        err(RoleBinding::new("alice", Role::Consumer, &"t".repeat(250))),
        err(RoleBinding::new("", Role::Consumer, "*")),
        err(RoleBinding::new(&"u".repeat(65), Role::Consumer, "*")),
        err(RoleBinding::new("User:alice", Role::Consumer, "*")),
    ]
    .join("\n");
    expect![[r#"
        the admin role can only be granted on '*', not on "orders"; use topic-admin for a topic or prefix
        the admin role can only be granted on '*', not on "orders*"; use topic-admin for a topic or prefix
        invalid topic name "<script>": it contains the illegal character '<' (allowed: 1-249 of a-z A-Z 0-9 . _ -)
        invalid user name "<script>alert(1)</script>": it contains the illegal character '<' (allowed: 1-64 of A-Z a-z 0-9 . _ @ -)
        invalid topic pattern "or*ders": write an exact name, a prefix ending in '*' (orders*), or '*' alone
        invalid topic pattern "**": write an exact name, a prefix ending in '*' (orders*), or '*' alone
        invalid topic name "": it is empty (allowed: 1-249 of a-z A-Z 0-9 . _ -)
        invalid topic name "..": '.' and '..' are not allowed (allowed: 1-249 of a-z A-Z 0-9 . _ -)
        invalid topic name "orders eu": it contains the illegal character ' ' (allowed: 1-249 of a-z A-Z 0-9 . _ -)
        invalid topic name "tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt": it is 250 characters long, the limit is 249 (allowed: 1-249 of a-z A-Z 0-9 . _ -)
        invalid user name "": it is empty (allowed: 1-64 of A-Z a-z 0-9 . _ @ -)
        invalid user name "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu": it is 65 characters long, the limit is 64 (allowed: 1-64 of A-Z a-z 0-9 . _ @ -)
        invalid user name "User:alice": it contains the illegal character ':' (allowed: 1-64 of A-Z a-z 0-9 . _ @ -)"#]]
    .assert_eq(&messages);

    // Good ones, and their round trip through text.
    for (text, shown) in [("orders", "orders"), ("orders-*", "orders-*"), ("*", "*"), (".*", ".*")] {
        assert_eq!(TopicPattern::parse(text).unwrap().to_string(), shown);
    }
    assert!(UserName::new("svc.orders_ingest-01@prod").is_ok());

    // Raw ACLs.
    use Operation::Read;
    use PatternType::*;
    use ResourceType::*;
    let mut a = enabled();
    let bad = [
        acl("alice", Read, Topic, Literal, "t", Permission::Allow),
        acl("Group:ops", Read, Topic, Literal, "t", Permission::Allow),
        acl("User:<b>", Read, Topic, Literal, "t", Permission::Allow),
        acl("User:alice", Read, Topic, Prefixed, "*", Permission::Allow),
        acl("User:alice", Read, Topic, Literal, "<script>", Permission::Allow),
        acl("User:alice", Read, Group, Literal, "g g", Permission::Allow),
        acl("User:alice", Read, Cluster, Literal, "my-cluster", Permission::Allow),
        acl("User:alice", Read, Cluster, Prefixed, "kafka-cluster", Permission::Allow),
        AclBinding {
            host: "10.0.0.1".into(),
            ..acl("User:alice", Read, Topic, Literal, "t", Permission::Allow)
        },
    ];
    let messages: Vec<String> = bad.into_iter().map(|b| a.add_acl(b).unwrap_err().to_string()).collect();
    expect![[r#"
        invalid principal "alice": write User:name or User:*
        invalid principal "Group:ops": write User:name or User:*
        invalid principal "User:<b>": write User:name or User:*
        '*' is a wildcard only in a LITERAL pattern; a PREFIXED pattern needs a real prefix
        invalid topic name "<script>": it contains the illegal character '<' (allowed: 1-249 of a-z A-Z 0-9 . _ -)
        invalid group name "g g": it contains the illegal character ' ' (allowed: 1-249 of a-z A-Z 0-9 . _ -)
        invalid CLUSTER resource LITERAL "my-cluster": the only cluster resource is LITERAL kafka-cluster
        invalid CLUSTER resource PREFIXED "kafka-cluster": the only cluster resource is LITERAL kafka-cluster
        unsupported host "10.0.0.1": the playground's clients have no addresses, so ACLs use host '*'"#]]
    .assert_eq(&messages.join("\n"));
    assert!(a.raw_acls().is_empty(), "refused ACLs leave no trace");
    assert_eq!(
        a.add_user("bad name"),
        Err(AclError::InvalidUserName { name: "bad name".into(), problem: NameProblem::IllegalChar(' ') })
    );
}

#[test]
fn enums_print_and_parse_as_kafka_does() {
    assert_eq!(serde_json::to_string(&Operation::IdempotentWrite).unwrap(), r#""IDEMPOTENT_WRITE""#);
    assert_eq!(serde_json::to_string(&ResourceType::TransactionalId).unwrap(), r#""TRANSACTIONAL_ID""#);
    assert_eq!(serde_json::to_string(&Role::TopicAdmin).unwrap(), r#""topic-admin""#);
    for &op in Operation::ALL {
        assert_eq!(op.to_string().parse::<Operation>(), Ok(op));
    }
    assert_eq!("IdempotentWrite".parse::<Operation>(), Ok(Operation::IdempotentWrite));
    assert_eq!("read".parse::<Operation>(), Ok(Operation::Read));
    assert_eq!("Prefixed".parse::<PatternType>(), Ok(PatternType::Prefixed));
    assert_eq!("topic_admin".parse::<Role>(), Ok(Role::TopicAdmin));
    assert!("Reed".parse::<Operation>().is_err());
}

#[test]
fn state_round_trips_through_json_and_is_revalidated() {
    let mut a = Authorizer::new(AuthConfig {
        enabled: true,
        allow_everyone_if_no_acl_found: false,
        super_users: vec!["User:root".into()],
    })
    .unwrap();
    a.add_user("alice").unwrap();
    a.grant(RoleBinding::new("alice", Role::Consumer, "orders*").unwrap()).unwrap();
    a.add_acl(acl(
        "User:alice",
        Operation::Read,
        ResourceType::Topic,
        PatternType::Literal,
        "orders-secret",
        Permission::Deny,
    ))
    .unwrap();
    let json = serde_json::to_string_pretty(&a).unwrap();
    expect![[r#"
        {
          "config": {
            "enabled": true,
            "allow_everyone_if_no_acl_found": false,
            "super_users": [
              "User:root"
            ]
          },
          "users": [
            "alice"
          ],
          "roles": [
            {
              "user": "alice",
              "role": "consumer",
              "pattern": "orders*"
            }
          ],
          "acls": [
            {
              "principal": "User:alice",
              "host": "*",
              "operation": "READ",
              "resource_type": "TOPIC",
              "pattern_type": "LITERAL",
              "resource_name": "orders-secret",
              "permission": "DENY"
            }
          ]
        }"#]]
    .assert_eq(&json);
    let back: Authorizer = serde_json::from_str(&json).unwrap();
    assert_eq!(serde_json::to_string_pretty(&back).unwrap(), json);
    assert!(back.authorize("alice", Operation::Read, ResourceType::Topic, "orders-eu"));
    assert!(!back.authorize("alice", Operation::Read, ResourceType::Topic, "orders-secret"));

    let bad = [
        r#"{"users": ["<script>"]}"#,
        r#"{"users": ["alice"], "roles": [{"user": "alice", "role": "admin", "pattern": "orders"}]}"#,
        r#"{"users": ["alice"], "roles": [{"user": "bob", "role": "consumer", "pattern": "*"}]}"#,
        r#"{"users": ["alice"], "roles": [{"user": "alice", "role": "owner", "pattern": "*"}]}"#,
        r#"{"acls": [{"principal": "User:a", "operation": "READ", "resource_type": "TOPIC", "pattern_type": "LITERAL", "resource_name": "a b", "permission": "ALLOW"}]}"#,
        r#"{"config": {"enabled": true, "super_users": ["User:*"]}}"#,
        r#"{"config": {"enabled": true}, "extra": 1}"#,
        r#"[1, 2, 3]"#,
        r#"{"users": [1]}"#,
    ];
    for text in bad {
        assert!(serde_json::from_str::<Authorizer>(text).is_err(), "{text}");
    }
    // Minimal spec: everything defaults, authorization off.
    let empty: Authorizer = serde_json::from_str(r#"{"config": {"enabled": false}}"#).unwrap();
    assert!(empty.authorize("x", Operation::All, ResourceType::Cluster, CLUSTER_NAME));
}

// ---------------------------------------------------------------------------------------------
// Property: the indexed authorizer agrees with a naive scan of every effective ACL.

/// Kafka's rules, written as plainly as possible over the full ACL list.
fn reference(a: &Authorizer, user: &str, op: Operation, rt: ResourceType, name: &str) -> bool {
    use Operation::*;
    let config = a.config();
    if !config.enabled {
        return true;
    }
    if config.super_users.iter().any(|p| *p == format!("User:{user}")) {
        return true;
    }
    let acls: Vec<AclBinding> = a.effective_acls().into_iter().map(|e| e.acl).collect();
    let covers = |acl: &AclBinding| {
        acl.resource_type == rt
            && match acl.pattern_type {
                PatternType::Literal => acl.resource_name == "*" || acl.resource_name == name,
                PatternType::Prefixed => name.starts_with(&acl.resource_name),
            }
    };
    let covering: Vec<&AclBinding> = acls.iter().filter(|a| covers(a)).collect();
    let mine = covering.iter().filter(|a| a.principal == "User:*" || a.principal == format!("User:{user}"));
    let mut allowed = false;
    for acl in mine {
        match acl.permission {
            Permission::Deny => {
                if acl.operation == All || acl.operation == op {
                    return false;
                }
            }
            Permission::Allow => {
                allowed |= acl.operation == All
                    || acl.operation == op
                    || (op == Describe && matches!(acl.operation, Read | Write | Delete | Alter))
                    || (op == DescribeConfigs && acl.operation == AlterConfigs);
            }
        }
    }
    allowed || (covering.is_empty() && config.allow_everyone_if_no_acl_found)
}

const USERS: &[&str] = &["alice", "bob", "carol"];
const NAMES: &[&str] = &["orders", "orders-eu", "ord", "o", "payments", "p", "g1", "g2", "tx"];

fn arb_pattern() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(NAMES).prop_map(str::to_owned),
        prop::sample::select(NAMES).prop_map(|n| format!("{n}*")),
        Just("*".to_owned()),
    ]
}

fn arb_raw_acl() -> impl Strategy<Value = AclBinding> {
    (
        prop::sample::select(&["User:alice", "User:bob", "User:carol", "User:*"][..]),
        prop::sample::select(Operation::ALL),
        prop::sample::select(ResourceType::ALL),
        prop::sample::select(PatternType::ALL),
        prop_oneof![prop::sample::select(NAMES), Just("*")],
        prop::sample::select(Permission::ALL),
    )
        .prop_map(|(p, op, rt, pt, name, perm)| {
            let (pt, name) =
                if rt == ResourceType::Cluster { (PatternType::Literal, CLUSTER_NAME) } else { (pt, name) };
            acl(p, op, rt, pt, name, perm)
        })
}

#[derive(Debug, Clone)]
struct Query {
    user: &'static str,
    op: Operation,
    rt: ResourceType,
    name: &'static str,
}

fn arb_query() -> impl Strategy<Value = Query> {
    (
        prop::sample::select(&["alice", "bob", "carol", "dave", "root"][..]),
        prop::sample::select(Operation::ALL),
        prop::sample::select(ResourceType::ALL),
        prop::sample::select(
            &["orders", "orders-eu", "ord", "o", "order", "payments", "p", "g1", "tx", "zzz", "*", ""][..],
        ),
    )
        .prop_map(|(user, op, rt, name)| Query {
            user,
            op,
            rt,
            name: if rt == ResourceType::Cluster { CLUSTER_NAME } else { name },
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn indexed_authorize_agrees_with_a_naive_scan(
        enabled in prop::bool::weighted(0.9),
        allow_everyone in any::<bool>(),
        root_is_super in any::<bool>(),
        roles in prop::collection::vec(
            (prop::sample::select(USERS), prop::sample::select(Role::ALL), arb_pattern()), 0..6),
        raw in prop::collection::vec(arb_raw_acl(), 0..10),
        revoke in prop::collection::vec(any::<prop::sample::Index>(), 0..3),
        queries in prop::collection::vec(arb_query(), 1..40),
    ) {
        let mut a = Authorizer::new(AuthConfig {
            enabled,
            allow_everyone_if_no_acl_found: allow_everyone,
            super_users: if root_is_super { vec!["User:root".into()] } else { vec![] },
        }).unwrap();
        for u in USERS {
            a.add_user(u).unwrap();
        }
        for (user, role, pattern) in roles {
            // Admin on a non-`*` pattern is refused; the state must then be unchanged.
            if let Ok(b) = RoleBinding::new(user, role, &pattern) {
                a.grant(b).unwrap();
            } else {
                prop_assert!(role == Role::Admin);
            }
        }
        for acl in raw {
            // PREFIXED `*` is the one invalid ACL the generator makes; refused, nothing stored.
            let before = a.raw_acls().len();
            if let Err(e) = a.add_acl(acl) {
                prop_assert_eq!(e, AclError::PrefixedWildcard);
                prop_assert_eq!(a.raw_acls().len(), before);
            }
        }
        for i in revoke {
            if !a.role_bindings().is_empty() {
                let b = i.get(a.role_bindings()).clone();
                prop_assert!(a.revoke(&b));
            }
        }
        // Through serde and back: the rebuilt index must agree too.
        let copy: Authorizer = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        for q in queries {
            let expected = reference(&a, q.user, q.op, q.rt, q.name);
            prop_assert_eq!(a.authorize(q.user, q.op, q.rt, q.name), expected, "{:?}", q);
            prop_assert_eq!(copy.authorize(q.user, q.op, q.rt, q.name), expected, "{:?}", q);
        }
    }

    /// No text makes the parsers or the authorizer panic.
    #[test]
    fn arbitrary_text_never_panics(user in ".{0,80}", pattern in ".{0,80}", name in ".{0,80}") {
        let _ = RoleBinding::new(&user, Role::Consumer, &pattern);
        let _ = TopicPattern::parse(&pattern);
        let mut a = enabled();
        let _ = a.add_user(&user);
        let _ = a.add_acl(acl(&format!("User:{user}"), Operation::Read, ResourceType::Topic, PatternType::Prefixed, &pattern, Permission::Allow));
        let _ = a.authorize(&user, Operation::Read, ResourceType::Topic, &name);
        let _ = a.check(&user, Request::OffsetCommit, Some(&name), Some(&pattern));
        let _ = serde_json::from_str::<Authorizer>(&name);
    }
}

/// The managed service's six roles: their service names, and what each grants as the
/// `kafka-acls` lines a person would type. The two 2025 topic roles leave out only
/// schema-registry rights, which the playground does not model: their ACLs are the
/// consumer's and the producer's.
#[test]
fn six_roles_with_service_names_and_kafka_acls_lines() {
    use broker_playground::core::tools::echo::role_lines;
    let names: Vec<String> = Role::ALL.iter().map(|r| format!("{} {}", r.service_name(), r.name())).collect();
    expect![[r#"
        ACCESS_ROLE_CONSUMER consumer
        ACCESS_ROLE_PRODUCER producer
        ACCESS_ROLE_TOPIC_ADMIN topic-admin
        ACCESS_ROLE_ADMIN admin
        ACCESS_ROLE_TOPIC_PRODUCER topic-producer
        ACCESS_ROLE_TOPIC_CONSUMER topic-consumer"#]]
    .assert_eq(&names.join("\n"));
    for &r in Role::ALL {
        assert_eq!(r.service_name().parse::<Role>(), Ok(r));
        assert_eq!(r.name().parse::<Role>(), Ok(r));
    }
    let same = |a: Role, b: Role| {
        let acls = |r| RoleBinding::new("alice", r, "orders").unwrap().acls();
        assert_eq!(acls(a), acls(b), "{a} and {b}");
    };
    same(Role::TopicConsumer, Role::Consumer);
    same(Role::TopicProducer, Role::Producer);
    let lines = |r: Role, p: &str| role_lines(&RoleBinding::new("alice", r, p).unwrap(), true).join("\n");
    let all: Vec<String> = [
        (Role::Consumer, "orders-*"),
        (Role::Producer, "orders"),
        (Role::TopicAdmin, "*"),
        (Role::Admin, "*"),
        (Role::TopicProducer, "orders"),
        (Role::TopicConsumer, "orders"),
    ]
    .iter()
    .map(|(r, p)| format!("{}:\n{}", r.service_name(), lines(*r, p)))
    .collect();
    expect![[r#"
        ACCESS_ROLE_CONSUMER:
        kafka-acls.sh --bootstrap-server localhost:9092 --add --allow-principal User:alice --operation Describe --operation Read --topic orders- --resource-pattern-type prefixed
        kafka-acls.sh --bootstrap-server localhost:9092 --add --allow-principal User:alice --operation Read --group '*'
        ACCESS_ROLE_PRODUCER:
        kafka-acls.sh --bootstrap-server localhost:9092 --add --allow-principal User:alice --operation Describe --operation Write --operation Create --topic orders
        kafka-acls.sh --bootstrap-server localhost:9092 --add --allow-principal User:alice --operation IdempotentWrite --cluster
        ACCESS_ROLE_TOPIC_ADMIN:
        kafka-acls.sh --bootstrap-server localhost:9092 --add --allow-principal User:alice --operation Read --operation Write --operation Create --operation Delete --operation Describe --operation Alter --topic '*'
        kafka-acls.sh --bootstrap-server localhost:9092 --add --allow-principal User:alice --operation Read --operation Describe --group '*'
        ACCESS_ROLE_ADMIN:
        kafka-acls.sh --bootstrap-server localhost:9092 --add --allow-principal User:alice --operation All --topic '*'
        kafka-acls.sh --bootstrap-server localhost:9092 --add --allow-principal User:alice --operation All --group '*'
        kafka-acls.sh --bootstrap-server localhost:9092 --add --allow-principal User:alice --operation All --transactional-id '*'
        kafka-acls.sh --bootstrap-server localhost:9092 --add --allow-principal User:alice --operation All --cluster
        ACCESS_ROLE_TOPIC_PRODUCER:
        kafka-acls.sh --bootstrap-server localhost:9092 --add --allow-principal User:alice --operation Describe --operation Write --operation Create --topic orders
        kafka-acls.sh --bootstrap-server localhost:9092 --add --allow-principal User:alice --operation IdempotentWrite --cluster
        ACCESS_ROLE_TOPIC_CONSUMER:
        kafka-acls.sh --bootstrap-server localhost:9092 --add --allow-principal User:alice --operation Describe --operation Read --topic orders
        kafka-acls.sh --bootstrap-server localhost:9092 --add --allow-principal User:alice --operation Read --group '*'"#]].assert_eq(&all.join("\n"));
}
