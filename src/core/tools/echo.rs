//! "What would I type?": the command line that does what a page action does, so a learner
//! can run the same on a real cluster. Each line is one the terminal itself accepts.

use super::{quote, BOOTSTRAP};
use crate::core::acl::{AclBinding, PatternType, Permission, ResourceType, RoleBinding};
use crate::core::cluster::Cluster;
use crate::core::command::Command;
use crate::core::consumer::ConsumerMode;

fn bs() -> String {
    format!("--bootstrap-server {BOOTSTRAP}")
}

/// `--topic orders`, `--group '*'`, `--cluster`, with `--resource-pattern-type prefixed`.
fn resource(rt: ResourceType, name: &str, pt: PatternType) -> String {
    let r = match rt {
        ResourceType::Topic => format!("--topic {}", quote(name)),
        ResourceType::Group => format!("--group {}", quote(name)),
        ResourceType::Cluster => "--cluster".to_string(),
        ResourceType::TransactionalId => format!("--transactional-id {}", quote(name)),
    };
    match pt {
        PatternType::Literal => r,
        PatternType::Prefixed => format!("{r} --resource-pattern-type prefixed"),
    }
}

/// `AclOperation` as `--operation` takes it: `DescribeConfigs`.
fn operation(a: &AclBinding) -> String {
    a.operation
        .name()
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or(String::new(), |f| f.to_string() + &c.as_str().to_ascii_lowercase())
        })
        .collect()
}

/// `kafka-acls` lines (`--add` or `--remove --force`) for ACLs, one line per principal,
/// permission and resource, with all its operations.
pub fn acl_lines(acls: &[AclBinding], add: bool) -> Vec<String> {
    let mut groups: Vec<(&AclBinding, Vec<String>)> = Vec::new();
    for a in acls {
        let same = |b: &AclBinding| {
            b.principal == a.principal
                && b.permission == a.permission
                && b.resource_type == a.resource_type
                && b.resource_name == a.resource_name
                && b.pattern_type == a.pattern_type
        };
        match groups.iter_mut().find(|(b, _)| same(b)) {
            Some((_, ops)) => ops.push(operation(a)),
            None => groups.push((a, vec![operation(a)])),
        }
    }
    groups
        .into_iter()
        .map(|(a, ops)| {
            let who = match a.permission {
                Permission::Allow => "--allow-principal",
                Permission::Deny => "--deny-principal",
            };
            let ops: String = ops.iter().map(|o| format!(" --operation {o}")).collect();
            format!(
                "kafka-acls.sh {} {} {who} {}{ops} {}",
                bs(),
                if add { "--add" } else { "--remove --force" },
                quote(&a.principal),
                resource(a.resource_type, &a.resource_name, a.pattern_type)
            )
        })
        .collect()
}

/// The `kafka-acls` lines a role binding means.
pub fn role_lines(binding: &RoleBinding, add: bool) -> Vec<String> {
    acl_lines(&binding.acls(), add)
}

/// The command line for a page action, when Kafka's tools have one. `cluster` is the state the
/// action applies to (Send one names its producer; the command line names the topic).
pub fn command_line(cmd: &Command, cluster: &Cluster) -> Vec<String> {
    let b = bs();
    match cmd {
        Command::CreateTopic { name, partitions, replication_factor, .. } => {
            let rf = replication_factor.map_or(String::new(), |r| format!(" --replication-factor {r}"));
            vec![format!(
                "kafka-topics.sh {b} --create --topic {} --partitions {partitions}{rf}",
                quote(name)
            )]
        }
        Command::DeleteTopic { name } => {
            vec![format!("kafka-topics.sh {b} --delete --topic {}", quote(name))]
        }
        Command::CreatePartitions { topic, total } => {
            vec![format!("kafka-topics.sh {b} --alter --topic {} --partitions {total}", quote(topic))]
        }
        Command::SetRetention { topic, retention } => {
            let v = |x: Option<u64>| x.map_or("-1".to_string(), |n| n.to_string());
            vec![format!(
                "kafka-configs.sh {b} --alter --entity-type topics --entity-name {} --add-config retention.ms={},retention.bytes={}",
                quote(topic),
                v(retention.ms),
                v(retention.bytes)
            )]
        }
        Command::AddAcl { acl } => acl_lines(std::slice::from_ref(acl), true),
        Command::RemoveAcl { acl } => acl_lines(std::slice::from_ref(acl), false),
        Command::GrantRole { user, role, pattern } => {
            RoleBinding::new(user, *role, pattern).map(|r| role_lines(&r, true)).unwrap_or_default()
        }
        Command::RevokeRole { user, role, pattern } => {
            RoleBinding::new(user, *role, pattern).map(|r| role_lines(&r, false)).unwrap_or_default()
        }
        Command::AlterGroupOffsets { group, offsets } => {
            let mut v: Vec<String> = offsets
                .iter()
                .map(|(t, p, o)| {
                    format!(
                        "kafka-consumer-groups.sh {b} --reset-offsets --group {} --topic {}:{p} --to-offset {o} --execute",
                        quote(group),
                        quote(t)
                    )
                })
                .collect();
            v.truncate(8);
            v
        }
        Command::DeleteGroup { group } => {
            vec![format!("kafka-consumer-groups.sh {b} --delete --group {}", quote(group))]
        }
        Command::DeleteShareGroup { group } => {
            vec![format!("kafka-share-groups.sh {b} --delete --group {}", quote(group))]
        }
        Command::DeleteShareGroupOffsets { group, topics } => {
            let topics: String = topics.iter().map(|t| format!(" --topic {}", quote(t))).collect();
            vec![format!("kafka-share-groups.sh {b} --delete-offsets --group {}{topics}", quote(group))]
        }
        Command::ResetShareGroupOffsets { group, topic, partitions, to } => {
            use crate::core::share_group::share_partition::ResetTarget;
            let scope = match topic {
                None => "--all-topics".to_string(),
                Some(t) if partitions.is_empty() => format!("--topic {}", quote(t)),
                Some(t) => format!(
                    "--topic {}",
                    quote(&format!(
                        "{t}:{}",
                        partitions.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
                    ))
                ),
            };
            let to = match to {
                ResetTarget::Earliest => "--to-earliest".to_string(),
                ResetTarget::Latest => "--to-latest".to_string(),
                ResetTarget::Offset(n) => format!("--to-offset {n}"),
            };
            vec![format!(
                "kafka-share-groups.sh {b} --reset-offsets --group {} {scope} {to} --execute",
                quote(group)
            )]
        }
        Command::AddConsumer { consumer } => match (&consumer.mode, &consumer.config.group_id) {
            (ConsumerMode::Group { topics }, Some(g)) => topics
                .iter()
                .map(|t| format!("kafka-console-consumer.sh {b} --topic {} --group {}", quote(t), quote(g)))
                .collect(),
            (ConsumerMode::Share { topics }, Some(g)) => topics
                .iter()
                .map(|t| {
                    format!("kafka-console-share-consumer.sh {b} --topic {} --group {}", quote(t), quote(g))
                })
                .collect(),
            (ConsumerMode::Standalone { partitions }, _) => partitions
                .iter()
                .map(|tp| {
                    format!(
                        "kafka-console-consumer.sh {b} --topic {} --partition {}",
                        quote(&tp.topic),
                        tp.partition
                    )
                })
                .collect(),
            _ => Vec::new(),
        },
        // The console producer, then the line typed at its `>` prompt. It cannot choose a
        // partition (Kafka's ConsoleProducer has no such option), so a Send one to a chosen
        // partition has no command line.
        Command::SendOne { producer, key, value, partition: None, .. } => {
            let Some(p) = cluster.producers().get(producer) else { return Vec::new() };
            // What the record's value will be: the text given, or the producer's next sequence
            // number as the lanes show it (`p1-7`).
            let value = value.clone().unwrap_or_else(|| format!("{producer}-{}", p.seq + 1));
            let topic = quote(&p.spec.topic);
            match key {
                Some(k) => {
                    let Some(sep) = [":", "|", "#", "~", "^"].into_iter().find(|s| !k.contains(s)) else {
                        return Vec::new();
                    };
                    let line = format!("{k}{sep}{value}");
                    vec![
                        format!("kafka-console-producer.sh {b} --topic {topic} --property parse.key=true --property {}", quote(&format!("key.separator={sep}"))),
                        format!(">{line}"),
                    ]
                }
                None => vec![format!("kafka-console-producer.sh {b} --topic {topic}"), format!(">{value}")],
            }
        }
        _ => Vec::new(),
    }
}

/// The group panel's table.
pub fn describe_group(group: &str) -> String {
    format!("kafka-consumer-groups.sh {} --describe --group {}", bs(), quote(group))
}
