//! Reading a [`Command`] from JSON with one hand-written serde visitor (issue 18, bytes).
//!
//! Serde's derive compiled a visitor, a field enum and a positional reader for each of the 46
//! commands: ~53 kB of the page's wasm in one function. Here every command is a row of a table
//! (its name as files write it, its fields and how each field is read) and one loop reads any of
//! them. It reads the form serde's derive reads (externally tagged, `{"crash_consumer": {"name":
//! "c2"}}`: what [`super::wire::command_to_external`] makes of a file's command) from the same
//! deserializer, field by field in the file's order, so it accepts exactly what the derive
//! accepted and fails at the same place with the same message: unknown variants and fields
//! (serde's wording, formatted here), missing fields (in declaration order, after the fields
//! present), and each field's own value errors, which come from the field type's own
//! `Deserialize`. Tests hold it to the derive, which is kept for tests only.

use super::acl::{AclBinding, Role};
use super::command::{Command, SeekTo};
use super::consumer::{ConsumerMode, ConsumerSpec};
use super::ids::BrokerId;
use super::log::Retention;
use super::producer::ProducerSpec;
use super::protocol::elect_leaders::{ElectionPartition, ElectionType};
use super::share_group::share_partition::ResetTarget;
use super::share_group::ShareGroupSettings;
use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, VariantAccess, Visitor};
use std::fmt;

/// The kinds of field commands have, the `Field` that holds one read, and reading one from the
/// deserializer with the type's own `Deserialize`.
macro_rules! kinds {
    ($($kind:ident: $ty:ty,)*) => {
        /// How one field's value is read.
        #[derive(Clone, Copy, Debug)]
        enum Kind { $($kind),* }

        /// One field's value, read.
        enum Field { $($kind($ty)),* }

        fn read_value<'de, A: MapAccess<'de>>(map: &mut A, kind: Kind) -> Result<Field, A::Error> {
            Ok(match kind { $(Kind::$kind => Field::$kind(map.next_value()?)),* })
        }

        $(impl Take for $ty {
            fn take(field: Field) -> Option<Self> {
                match field {
                    Field::$kind(value) => Some(value),
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }
        })*
    };
}

/// A field's value out of a [`Field`] of its kind.
trait Take: Sized {
    fn take(field: Field) -> Option<Self>;
}

kinds! {
    Str: String,
    I64: i64,
    OptI64: Option<i64>,
    I32: i32,
    U32: u32,
    Bool: bool,
    OptStr: Option<String>,
    OptU32: Option<u32>,
    OptBool: Option<bool>,
    Retain: Retention,
    OptRetain: Option<Retention>,
    Producer: ProducerSpec,
    Consumer: ConsumerSpec,
    Mode: ConsumerMode,
    Seek: SeekTo,
    Headers: Vec<(String, String)>,
    Offsets: Vec<(String, u32, u64)>,
    U32s: Vec<u32>,
    ShareConfig: ShareGroupSettings,
    Reset: ResetTarget,
    RoleName: Role,
    Acl: AclBinding,
    Election: ElectionType,
    OptElectionParts: Option<Vec<ElectionPartition>>,
    Strs: Vec<String>,
}

use Kind as K;

/// Every command as files name it, with its fields in declaration order (the order serde's
/// derive reports a missing field in) and their kinds. [`build`] makes the command of a row.
const COMMANDS: &[(&str, &[(&str, Kind)])] = &[
    (
        "create_topic",
        &[
            ("name", K::Str),
            ("partitions", K::I64),
            ("retention", K::OptRetain),
            ("replication_factor", K::OptI64),
        ],
    ),
    ("delete_topic", &[("name", K::Str)]),
    ("create_partitions", &[("topic", K::Str), ("total", K::I64)]),
    ("set_retention", &[("topic", K::Str), ("retention", K::Retain)]),
    ("stop_broker", &[("broker", K::I32)]),
    ("crash_broker", &[("broker", K::I32)]),
    ("start_broker", &[("broker", K::I32)]),
    ("isolate_broker", &[("broker", K::I32)]),
    ("heal_broker", &[("broker", K::I32)]),
    ("add_producer", &[("producer", K::Producer)]),
    ("update_producer", &[("producer", K::Producer)]),
    ("remove_producer", &[("name", K::Str)]),
    ("pause_producer", &[("name", K::Str)]),
    ("resume_producer", &[("name", K::Str)]),
    (
        "send_one",
        &[
            ("producer", K::Str),
            ("key", K::OptStr),
            ("value", K::OptStr),
            ("partition", K::OptU32),
            ("headers", K::Headers),
        ],
    ),
    ("add_consumer", &[("consumer", K::Consumer)]),
    ("update_consumer", &[("consumer", K::Consumer)]),
    ("set_consumer_mode", &[("name", K::Str), ("mode", K::Mode)]),
    ("remove_consumer", &[("name", K::Str)]),
    ("pause_consumer", &[("name", K::Str)]),
    ("resume_consumer", &[("name", K::Str)]),
    ("crash_consumer", &[("name", K::Str)]),
    ("restart_consumer", &[("name", K::Str)]),
    ("leave_group", &[("name", K::Str)]),
    ("seek", &[("consumer", K::Str), ("topic", K::Str), ("partition", K::U32), ("to", K::Seek)]),
    ("commit_sync", &[("consumer", K::Str)]),
    ("alter_group_offsets", &[("group", K::Str), ("offsets", K::Offsets)]),
    ("delete_group", &[("group", K::Str)]),
    ("delete_group_offsets", &[("group", K::Str), ("topic", K::Str), ("partitions", K::U32s)]),
    ("elect_leaders", &[("election_type", K::Election), ("partitions", K::OptElectionParts)]),
    ("set_share_group_config", &[("group", K::Str), ("config", K::ShareConfig)]),
    (
        "reset_share_group_offsets",
        &[("group", K::Str), ("topic", K::OptStr), ("partitions", K::U32s), ("to", K::Reset)],
    ),
    ("delete_share_group", &[("group", K::Str)]),
    ("delete_share_group_offsets", &[("group", K::Str), ("topics", K::Strs)]),
    ("set_authorization", &[("enabled", K::Bool), ("allow_everyone_if_no_acl_found", K::OptBool)]),
    ("add_user", &[("name", K::Str)]),
    ("remove_user", &[("name", K::Str)]),
    ("grant_role", &[("user", K::Str), ("role", K::RoleName), ("pattern", K::Str)]),
    ("revoke_role", &[("user", K::Str), ("role", K::RoleName), ("pattern", K::Str)]),
    ("add_acl", &[("acl", K::Acl)]),
    ("remove_acl", &[("acl", K::Acl)]),
];

/// Most fields a command has.
const MAX_FIELDS: usize = 5;

/// The command of row `row` of [`COMMANDS`] from its fields' values (`None`: absent). A required
/// field that is absent: `Err(its name)`, the first in declaration order, as serde reports it.
fn build(row: usize, values: [Option<Field>; MAX_FIELDS]) -> Result<Command, &'static str> {
    use Command as C;
    let (name, fields) = COMMANDS.get(row).copied().unwrap_or(("", &[]));
    let mut f = Fields { values: values.into_iter(), names: fields.iter() };
    Ok(match name {
        "create_topic" => C::CreateTopic {
            name: f.req()?,
            partitions: f.req()?,
            retention: f.opt()?,
            replication_factor: f.opt()?,
        },
        "delete_topic" => C::DeleteTopic { name: f.req()? },
        "create_partitions" => C::CreatePartitions { topic: f.req()?, total: f.req()? },
        "set_retention" => C::SetRetention { topic: f.req()?, retention: f.req()? },
        "stop_broker" => C::StopBroker { broker: BrokerId(f.req()?) },
        "crash_broker" => C::CrashBroker { broker: BrokerId(f.req()?) },
        "start_broker" => C::StartBroker { broker: BrokerId(f.req()?) },
        "isolate_broker" => C::IsolateBroker { broker: BrokerId(f.req()?) },
        "heal_broker" => C::HealBroker { broker: BrokerId(f.req()?) },
        "add_producer" => C::AddProducer { producer: f.req()? },
        "update_producer" => C::UpdateProducer { producer: f.req()? },
        "remove_producer" => C::RemoveProducer { name: f.req()? },
        "pause_producer" => C::PauseProducer { name: f.req()? },
        "resume_producer" => C::ResumeProducer { name: f.req()? },
        "send_one" => C::SendOne {
            producer: f.req()?,
            key: f.opt()?,
            value: f.opt()?,
            partition: f.opt()?,
            headers: f.opt()?,
        },
        "add_consumer" => C::AddConsumer { consumer: f.req()? },
        "update_consumer" => C::UpdateConsumer { consumer: f.req()? },
        "set_consumer_mode" => C::SetConsumerMode { name: f.req()?, mode: f.req()? },
        "remove_consumer" => C::RemoveConsumer { name: f.req()? },
        "pause_consumer" => C::PauseConsumer { name: f.req()? },
        "resume_consumer" => C::ResumeConsumer { name: f.req()? },
        "crash_consumer" => C::CrashConsumer { name: f.req()? },
        "restart_consumer" => C::RestartConsumer { name: f.req()? },
        "leave_group" => C::LeaveGroup { name: f.req()? },
        "seek" => C::Seek { consumer: f.req()?, topic: f.req()?, partition: f.req()?, to: f.req()? },
        "commit_sync" => C::CommitSync { consumer: f.req()? },
        "alter_group_offsets" => C::AlterGroupOffsets { group: f.req()?, offsets: f.req()? },
        "delete_group" => C::DeleteGroup { group: f.req()? },
        "delete_group_offsets" => {
            C::DeleteGroupOffsets { group: f.req()?, topic: f.req()?, partitions: f.req()? }
        }
        "elect_leaders" => C::ElectLeaders { election_type: f.req()?, partitions: f.opt()? },
        "set_share_group_config" => C::SetShareGroupConfig { group: f.req()?, config: f.req()? },
        "reset_share_group_offsets" => {
            C::ResetShareGroupOffsets { group: f.req()?, topic: f.opt()?, partitions: f.opt()?, to: f.req()? }
        }
        "delete_share_group" => C::DeleteShareGroup { group: f.req()? },
        "delete_share_group_offsets" => C::DeleteShareGroupOffsets { group: f.req()?, topics: f.req()? },
        "set_authorization" => {
            C::SetAuthorization { enabled: f.req()?, allow_everyone_if_no_acl_found: f.opt()? }
        }
        "add_user" => C::AddUser { name: f.req()? },
        "remove_user" => C::RemoveUser { name: f.req()? },
        "grant_role" => C::GrantRole { user: f.req()?, role: f.req()?, pattern: f.req()? },
        "revoke_role" => C::RevokeRole { user: f.req()?, role: f.req()?, pattern: f.req()? },
        "add_acl" => C::AddAcl { acl: f.req()? },
        "remove_acl" => C::RemoveAcl { acl: f.req()? },
        _ => return Err("type"),
    })
}

/// A row's values, taken in declaration order.
struct Fields {
    values: std::array::IntoIter<Option<Field>, MAX_FIELDS>,
    names: std::slice::Iter<'static, (&'static str, Kind)>,
}

impl Fields {
    /// The next field: its name and value, if present. A value of another kind than the row
    /// says cannot be (`read_value` reads the row's kind); it would read as absent.
    fn next<T: Take>(&mut self) -> (&'static str, Option<T>) {
        let name = self.names.next().map_or("", |f| f.0);
        (name, self.values.next().flatten().and_then(T::take))
    }

    /// A field without a default.
    fn req<T: Take>(&mut self) -> Result<T, &'static str> {
        let (name, value) = self.next();
        value.ok_or(name)
    }

    /// A field with `#[serde(default)]`.
    fn opt<T: Take + Default>(&mut self) -> Result<T, &'static str> {
        Ok(self.next().1.unwrap_or_default())
    }
}

impl Command {
    /// One command in the scenario file's form (`{"type": "crash_consumer", "name": "c2"}`).
    /// Here, beside `read`, so that `command` (the type) does not import its reader.
    pub fn from_json(text: &str) -> Result<Command, String> {
        let mut v = super::wire::parse_strict(text).map_err(|e| {
            if e.path.is_empty() {
                e.message
            } else {
                format!("{}: {}", e.path, e.message)
            }
        })?;
        super::wire::command_to_external(&mut v).map_err(|(_, e)| e)?;
        /// The command alone, read as a script step's `do` is.
        #[derive(serde::Deserialize)]
        struct One(#[serde(deserialize_with = "read")] Command);
        super::wire::from_value::<One>(&v).map(|one| one.0).map_err(|(_, e)| e)
    }
}

/// Reads a command in serde's externally tagged form from `d`; for
/// `#[serde(deserialize_with = …)]` (a script step's `do`) and [`Command::from_json`].
pub(crate) fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Command, D::Error> {
    d.deserialize_enum("Command", &[], CommandVisitor)
}

/// serde's "unknown variant/field `x`, expected …" (`de::Error::unknown_field` wants the names
/// as a `'static` list, which the table does not hold).
fn unknown<'a>(what: &str, name: &str, mut names: impl ExactSizeIterator<Item = &'a str>) -> String {
    let mut out = format!("unknown {what} `{name}`, ");
    match names.len() {
        0 => out.push_str(&format!("there are no {what}s")),
        1 => out.push_str(&format!("expected `{}`", names.next().unwrap_or_default())),
        2 => {
            let (a, b) = (names.next().unwrap_or_default(), names.next().unwrap_or_default());
            out.push_str(&format!("expected `{a}` or `{b}`"));
        }
        _ => {
            out.push_str("expected one of ");
            let list: Vec<String> = names.map(|n| format!("`{n}`")).collect();
            out.push_str(&list.join(", "));
        }
    }
    out
}

struct CommandVisitor;

impl<'de> Visitor<'de> for CommandVisitor {
    type Value = Command;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("enum Command")
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Command, A::Error> {
        let (row, variant) = data.variant_seed(VariantName)?;
        variant.struct_variant(&[], FieldsVisitor(row))
    }
}

/// The command's name: its row in [`COMMANDS`].
struct VariantName;

impl<'de> DeserializeSeed<'de> for VariantName {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl Visitor<'_> for VariantName {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("variant identifier")
    }
    fn visit_str<E: de::Error>(self, name: &str) -> Result<usize, E> {
        COMMANDS
            .iter()
            .position(|(n, _)| *n == name)
            .ok_or_else(|| E::custom(unknown("variant", name, COMMANDS.iter().map(|c| c.0))))
    }
}

/// A command's fields, read in the file's order.
struct FieldsVisitor(usize);

impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = Command;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct variant of Command")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Command, A::Error> {
        use de::Error;
        let fields = COMMANDS.get(self.0).map_or(&[][..], |c| c.1);
        let mut values: [Option<Field>; MAX_FIELDS] = Default::default();
        while let Some(key) = map.next_key::<String>()? {
            let Some(i) = fields.iter().position(|(n, _)| *n == key) else {
                return Err(A::Error::custom(unknown("field", &key, fields.iter().map(|f| f.0))));
            };
            if values[i].is_some() {
                return Err(A::Error::duplicate_field(fields[i].0));
            }
            values[i] = Some(read_value(&mut map, fields[i].1)?);
        }
        build(self.0, values).map_err(A::Error::missing_field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::wire::{command_to_external, command_to_internal, from_value};
    use proptest::prelude::*;
    use serde::Deserialize;
    use serde_json::{json, Value};

    /// The derive (kept for tests only) and this reader, each as a scenario step's `do`.
    #[derive(Deserialize, Debug, PartialEq)]
    struct Derived {
        #[serde(rename = "do")]
        action: Command,
    }
    #[derive(Deserialize, Debug, PartialEq)]
    struct Read {
        #[serde(rename = "do", deserialize_with = "read")]
        action: Command,
    }

    type Outcome = Result<Command, (String, String)>;

    /// Both readers on one command as a file writes it: `(derive, reader)`, each `Ok(command)`
    /// or `Err((path, message))`.
    fn both(file_form: &Value) -> (Outcome, Outcome) {
        let mut v = file_form.clone();
        if let Err((at, e)) = command_to_external(&mut v) {
            let e = Err((format!("do{at}"), e));
            return (e.clone(), e);
        }
        let doc = json!({ "do": v });
        (from_value::<Derived>(&doc).map(|d| d.action), from_value::<Read>(&doc).map(|r| r.action))
    }

    /// One command of every kind, every field set, as files write them.
    fn samples() -> Vec<Value> {
        let acl = json!({"principal": "User:alice", "operation": "READ", "resource_type": "TOPIC",
            "pattern_type": "LITERAL", "resource_name": "orders", "permission": "ALLOW"});
        let producer = json!({"name": "p", "topic": "orders", "user": "alice",
            "keys": {"mode": "set", "prefix": "u-", "count": 3}, "rate": 2.5, "batch.size": 100,
            "paused": true, "config": {"acks": "all"}});
        let consumer = json!({"name": "c", "user": "bob", "mode": {"group": {"topics": ["orders"]}},
            "config": {"group.id": "g"}, "paused": false});
        vec![
            json!({"type": "create_topic", "name": "t", "partitions": 3,
                "retention": {"retention.ms": 1000, "retention.bytes": null}, "replication_factor": 3}),
            json!({"type": "delete_topic", "name": "t"}),
            json!({"type": "create_partitions", "topic": "t", "total": 6}),
            json!({"type": "set_retention", "topic": "t",
                "retention": {"retention.ms": null, "retention.bytes": 10}}),
            json!({"type": "stop_broker", "broker": 1}),
            json!({"type": "crash_broker", "broker": 2}),
            json!({"type": "start_broker", "broker": 3}),
            json!({"type": "isolate_broker", "broker": -4}),
            json!({"type": "heal_broker", "broker": 5}),
            json!({"type": "add_producer", "producer": producer}),
            json!({"type": "update_producer", "producer": producer}),
            json!({"type": "remove_producer", "name": "p"}),
            json!({"type": "pause_producer", "name": "p"}),
            json!({"type": "resume_producer", "name": "p"}),
            json!({"type": "send_one", "producer": "p", "key": "k", "value": "v", "partition": 2,
                "headers": [["trace-id", "abc"], ["x", ""]]}),
            json!({"type": "add_consumer", "consumer": consumer}),
            json!({"type": "update_consumer", "consumer": consumer}),
            json!({"type": "set_consumer_mode", "name": "c",
                "mode": {"standalone": {"partitions": [{"topic": "orders", "partition": 1}]}}}),
            json!({"type": "remove_consumer", "name": "c"}),
            json!({"type": "pause_consumer", "name": "c"}),
            json!({"type": "resume_consumer", "name": "c"}),
            json!({"type": "crash_consumer", "name": "c"}),
            json!({"type": "restart_consumer", "name": "c"}),
            json!({"type": "leave_group", "name": "c"}),
            json!({"type": "seek", "consumer": "c", "topic": "t", "partition": 0, "to": {"offset": 5}}),
            json!({"type": "commit_sync", "consumer": "c"}),
            json!({"type": "alter_group_offsets", "group": "g", "offsets": [["t", 0, 7], ["u", 1, 0]]}),
            json!({"type": "delete_group", "group": "g"}),
            json!({"type": "delete_group_offsets", "group": "g", "topic": "t", "partitions": [0, 2]}),
            json!({"type": "elect_leaders", "election_type": "preferred",
                "partitions": [{"topic": "orders", "partition": 1}]}),
            json!({"type": "set_share_group_config", "group": "s",
                "config": {"share.auto.offset.reset": "earliest", "share.delivery.count.limit": 3}}),
            json!({"type": "reset_share_group_offsets", "group": "s", "topic": "t",
                "partitions": [1], "to": "latest"}),
            json!({"type": "delete_share_group", "group": "s"}),
            json!({"type": "delete_share_group_offsets", "group": "s", "topics": ["t"]}),
            json!({"type": "set_authorization", "enabled": true, "allow_everyone_if_no_acl_found": false}),
            json!({"type": "add_user", "name": "alice"}),
            json!({"type": "remove_user", "name": "alice"}),
            json!({"type": "grant_role", "user": "alice", "role": "topic-admin", "pattern": "orders-*"}),
            json!({"type": "revoke_role", "user": "alice", "role": "consumer", "pattern": "*"}),
            json!({"type": "add_acl", "acl": acl}),
            json!({"type": "remove_acl", "acl": acl}),
        ]
    }

    /// Every command, by the name files write: a command added to [`Command`] without a row in
    /// [`COMMANDS`] (and a sample below) stops this compiling.
    fn row_name(c: &Command) -> &'static str {
        use Command as C;
        match c {
            C::CreateTopic { .. } => "create_topic",
            C::DeleteTopic { .. } => "delete_topic",
            C::CreatePartitions { .. } => "create_partitions",
            C::SetRetention { .. } => "set_retention",
            C::StopBroker { .. } => "stop_broker",
            C::CrashBroker { .. } => "crash_broker",
            C::StartBroker { .. } => "start_broker",
            C::IsolateBroker { .. } => "isolate_broker",
            C::HealBroker { .. } => "heal_broker",
            C::AddProducer { .. } => "add_producer",
            C::UpdateProducer { .. } => "update_producer",
            C::RemoveProducer { .. } => "remove_producer",
            C::PauseProducer { .. } => "pause_producer",
            C::ResumeProducer { .. } => "resume_producer",
            C::SendOne { .. } => "send_one",
            C::AddConsumer { .. } => "add_consumer",
            C::UpdateConsumer { .. } => "update_consumer",
            C::SetConsumerMode { .. } => "set_consumer_mode",
            C::RemoveConsumer { .. } => "remove_consumer",
            C::PauseConsumer { .. } => "pause_consumer",
            C::ResumeConsumer { .. } => "resume_consumer",
            C::CrashConsumer { .. } => "crash_consumer",
            C::RestartConsumer { .. } => "restart_consumer",
            C::LeaveGroup { .. } => "leave_group",
            C::Seek { .. } => "seek",
            C::CommitSync { .. } => "commit_sync",
            C::AlterGroupOffsets { .. } => "alter_group_offsets",
            C::DeleteGroup { .. } => "delete_group",
            C::DeleteGroupOffsets { .. } => "delete_group_offsets",
            C::ElectLeaders { .. } => "elect_leaders",
            C::SetShareGroupConfig { .. } => "set_share_group_config",
            C::ResetShareGroupOffsets { .. } => "reset_share_group_offsets",
            C::DeleteShareGroup { .. } => "delete_share_group",
            C::DeleteShareGroupOffsets { .. } => "delete_share_group_offsets",
            C::SetAuthorization { .. } => "set_authorization",
            C::AddUser { .. } => "add_user",
            C::RemoveUser { .. } => "remove_user",
            C::GrantRole { .. } => "grant_role",
            C::RevokeRole { .. } => "revoke_role",
            C::AddAcl { .. } => "add_acl",
            C::RemoveAcl { .. } => "remove_acl",
        }
    }

    #[test]
    fn every_command_reads_as_the_derive_reads_it_and_round_trips() {
        let samples = samples();
        let names: Vec<&str> = samples.iter().filter_map(|s| s["type"].as_str()).collect();
        let table: Vec<&str> = COMMANDS.iter().map(|c| c.0).collect();
        assert_eq!(names, table, "one sample per command, in the table's order");
        for s in &samples {
            let (derived, read) = both(s);
            let command = derived.clone().unwrap_or_else(|e| panic!("{s}: {e:?}"));
            assert_eq!(row_name(&command), s["type"], "{s}");
            // Every field of the sample is set: a field missing from the row would be refused
            // by the reader as unknown.
            assert_eq!(read, derived, "{s}");
            // Written as files write it, read back: the same command.
            let mut v = serde_json::to_value(&command).unwrap();
            command_to_internal(&mut v);
            assert_eq!(both(&v).1, Ok(command), "{v}");
        }
        // Only the required fields.
        let (derived, read) =
            both(&json!({"type": "reset_share_group_offsets", "group": "s", "to": {"offset": 3}}));
        assert!(derived.is_ok());
        assert_eq!(read, derived);
    }

    #[test]
    fn bad_commands_fail_where_and_as_the_derive_fails() {
        let cases = [
            json!({"type": "crash_consumerx", "name": "c"}),
            json!({"type": "crash_consumer"}),
            json!({"type": "crash_consumer", "name": "c", "nme": 1}),
            json!({"type": "crash_consumer", "nme": 1, "name": 7}),
            json!({"type": "send_one", "producer": "p", "partition": -1}),
            json!({"type": "send_one", "producer": "p", "headers": [["a"]]}),
            json!({"type": "send_one", "producer": "p", "headers": [["a", "b", "c"]]}),
            json!({"type": "send_one", "producer": "p", "headers": [["a", 1]]}),
            json!({"type": "send_one", "producer": "p", "colour": 1, "key": 3}),
            json!({"type": "send_one", "key": 3}),
            json!({"type": "set_authorization", "enabled": "yes"}),
            json!({"type": "set_authorization", "enabled": null}),
            json!({"type": "seek", "consumer": "c", "topic": "t", "partition": 1.5, "to": "end"}),
            json!({"type": "seek", "consumer": "c", "topic": "t", "partition": 1, "to": "middle"}),
            json!({"type": "stop_broker", "broker": 3_000_000_000u64}),
            json!({"type": "create_topic", "name": "t", "partitions": 18_446_744_073_709_551_615u64}),
            json!({"type": "add_producer", "producer": {"name": "p", "topic": "t", "keys": {"prefix": "u"}}}),
            json!({"type": "add_producer", "producer": {"name": "p", "topic": "t", "keys": {"mode": "set", "prefix": "u", "count": "x"}}}),
            json!({"type": "add_consumer", "consumer": {"name": "c", "mode": {"group": {"topics": [1]}}}}),
            json!({"type": "alter_group_offsets", "group": "g", "offsets": [["t", 0, -1]]}),
            json!({"type": "add_acl", "acl": {"principal": "User:a"}}),
            json!({"type": "grant_role", "user": "a", "role": "root", "pattern": "*"}),
            json!({"type": "delete_group_offsets", "group": "g", "topic": "t"}),
            json!({"type": "elect_leaders", "election_type": "leader"}),
            json!({"type": "elect_leaders", "election_type": "unclean", "partitions": [{"topic": "t"}]}),
            json!({"type": "add_user"}),
            json!({"type": 3}),
            json!({"name": "c"}),
            json!("crash_consumer"),
            json!("nothing"),
            json!(7),
            json!(null),
            json!([1, 2]),
            json!({"type": "commit_sync", "consumer": {"name": "c"}}),
        ];
        for case in cases {
            let (derived, read) = both(&case);
            assert!(derived.is_err(), "{case}");
            assert_eq!(read, derived, "{case}");
        }
    }

    /// Arbitrary JSON, small.
    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            prop_oneof![Just(0i64), Just(-1), Just(1 << 31), Just(i64::MIN), -3i64..300]
                .prop_map(Value::from),
            Just(Value::from(u64::MAX)),
            Just(json!(2.5)),
            "[a-z_.]{0,8}".prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 12, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec(("[a-z_.]{1,6}", inner), 0..3)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    /// A change to a command: at the command or inside one of its fields (an object or array
    /// one level down too), set, drop or add something.
    #[derive(Debug, Clone)]
    enum Edit {
        Set(usize, usize, Value),
        Drop(usize),
        Add(String, Value),
        Rename(String),
    }

    fn edit() -> impl Strategy<Value = Edit> {
        prop_oneof![
            (any::<usize>(), any::<usize>(), json_value()).prop_map(|(f, g, v)| Edit::Set(f, g, v)),
            any::<usize>().prop_map(Edit::Drop),
            ("[a-z_.]{1,8}", json_value()).prop_map(|(k, v)| Edit::Add(k, v)),
            "[a-z_]{3,12}".prop_map(Edit::Rename),
        ]
    }

    fn apply(v: &mut Value, e: &Edit) {
        let Value::Object(obj) = v else { return };
        let keys: Vec<String> = obj.keys().filter(|k| *k != "type").cloned().collect();
        match e {
            Edit::Set(f, g, value) if !keys.is_empty() => {
                let field = &mut obj[&keys[f % keys.len()]];
                match field {
                    // Inside the field, when it has parts: one of them.
                    Value::Object(inner) if g % 3 > 0 && !inner.is_empty() => {
                        let k = inner.keys().nth(g % inner.len()).cloned().unwrap_or_default();
                        inner[&k] = value.clone();
                    }
                    Value::Array(items) if g % 3 > 0 && !items.is_empty() => {
                        let n = items.len();
                        items[g % n] = value.clone();
                    }
                    _ => *field = value.clone(),
                }
            }
            Edit::Drop(f) if !keys.is_empty() => {
                obj.shift_remove(&keys[f % keys.len()]);
            }
            Edit::Add(k, value) if k != "type" => {
                obj.insert(k.clone(), value.clone());
            }
            Edit::Rename(name) => {
                obj.insert("type".into(), Value::from(name.as_str()));
            }
            _ => {}
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// Random commands, good and bad: the reader gives the derive's command, or its error
        /// at its path; a command that reads, written as files write it, reads back the same.
        #[test]
        fn the_reader_agrees_with_the_derive(
            which in any::<usize>(),
            edits in prop::collection::vec(edit(), 0..4),
        ) {
            let samples = samples();
            let mut v = samples[which % samples.len()].clone();
            for e in &edits {
                apply(&mut v, e);
            }
            let (derived, read) = both(&v);
            prop_assert_eq!(&read, &derived, "{}", v);
            if let Ok(command) = read {
                let mut written = serde_json::to_value(&command).unwrap();
                command_to_internal(&mut written);
                prop_assert_eq!(both(&written).1, Ok(command));
            }
        }
    }
}
