//! `kafka-configs.sh` — apache/kafka `core/src/main/scala/kafka/admin/ConfigCommand.scala`,
//! for topics and brokers. The playground models two topic configs, `retention.ms` and
//! `retention.bytes`; other known names are refused with a plain word, unknown names as Kafka
//! refuses them.

use super::options::{self, arg, flag, usage_error, Spec};
use super::{Context, Output, Target};
use crate::core::command::Command;
use crate::core::log::Retention;

pub const SPECS: &[Spec] = &[
    arg("bootstrap-server", "String: server to connect to", "The Kafka servers to connect to."),
    arg("bootstrap-controller", "String: controller to connect to", "The Kafka controllers to connect to."),
    arg("command-config", "String: command config property file", "Property file containing configs to be passed to Admin Client."),
    flag("describe", "List configs for the given entity."),
    flag("alter", "Alter the configuration for the entity."),
    arg("entity-type", "String", "Type of entity (topics/clients/users/brokers/broker-loggers/ips/client-metrics/groups)"),
    arg("entity-name", "String", "Name of entity (topic name/client id/user principal name/broker id/ip/client metrics/group id)"),
    flag("entity-default", "Default entity name for clients/users/brokers/ips (applies to corresponding entity type)"),
    arg("topic", "String", "The topic's name."),
    arg("broker", "String", "The broker's ID."),
    arg("add-config", "String", "Key Value pairs of configs to add. Square brackets can be used to group values which contain commas: 'k1=v1,k2=[v1,v2,v2],k3=v3'."),
    arg("delete-config", "String", "config keys to remove 'k1,k2'"),
    flag("all", "List all configs for the given entity, including static configs if available."),
];

/// Topic configs Kafka knows but the playground does not model.
const UNMODELLED: &[&str] = &[
    "cleanup.policy",
    "compression.type",
    "delete.retention.ms",
    "file.delete.delay.ms",
    "flush.messages",
    "flush.ms",
    "index.interval.bytes",
    "max.compaction.lag.ms",
    "max.message.bytes",
    "message.timestamp.type",
    "min.cleanable.dirty.ratio",
    "min.compaction.lag.ms",
    "min.insync.replicas",
    "preallocate",
    "segment.bytes",
    "segment.index.bytes",
    "segment.jitter.ms",
    "segment.ms",
    "unclean.leader.election.enable",
    "local.retention.ms",
    "local.retention.bytes",
    "remote.storage.enable",
    "message.timestamp.before.max.ms",
    "message.timestamp.after.max.ms",
];

/// Why a topic config is not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Kafka's broker refuses it (INVALID_CONFIG, `InvalidConfigurationException`): its message.
    Kafka(String),
    /// Kafka takes it, the playground cannot: what it cannot do, plainly.
    Playground(String),
}

impl Refusal {
    /// The message alone.
    pub fn message(&self) -> &str {
        match self {
            Refusal::Kafka(m) | Refusal::Playground(m) => m,
        }
    }
}

/// A `retention.ms` or `retention.bytes` value: a long (`ConfigDef.Type.LONG`, trimmed);
/// `retention.ms` at least -1 (`LogConfig`: `atLeast(-1)`), `retention.bytes` any long.
/// What is simplified: the playground keeps -1 (no limit) or a positive number; Kafka also
/// takes 0 (keep nothing older than now, or no bytes) and, for `retention.bytes`, any negative
/// number (no limit), which the playground refuses, saying so.
fn retention_value(key: &str, v: &str) -> Result<Option<u64>, Refusal> {
    let n = v.trim().parse::<i64>().map_err(|_| {
        Refusal::Kafka(format!(
            "Invalid value {} for configuration {key}: Not a number of type LONG",
            super::shown(v)
        ))
    })?;
    match n {
        -1 => Ok(None),
        n if n > 0 => Ok(Some(n as u64)),
        n if key == "retention.ms" && n < -1 => {
            Err(Refusal::Kafka(format!("Invalid value {n} for configuration {key}: Value must be at least -1")))
        }
        n => Err(Refusal::Playground(format!(
            "The playground cannot take {key}={n}: it keeps {key} at -1 (no limit) or a positive number; Kafka also takes {}.",
            if key == "retention.ms" { "0" } else { "0 and any negative number (no limit)" }
        ))),
    }
}

/// Applies `key=value` pairs to `base` (`TopicCommand.parseTopicConfigsToBeAdded` for
/// `--config`; `ConfigCommand` for `--add-config`).
pub fn topic_configs_to_add(pairs: &[String], base: Retention) -> Result<Retention, String> {
    let mut r = base;
    for pair in pairs {
        let parts: Vec<&str> = pair.split('=').collect();
        if parts.len() != 2 {
            return Err("requirement failed: Invalid topic config: all configs to be added must be in the format \"key=val\".".into());
        }
        set(&mut r, parts[0].trim(), parts[1].trim()).map_err(|e| e.message().to_string())?;
    }
    Ok(r)
}

/// Sets one topic config as the broker's config validation takes it (`LogConfig.validate`).
fn set(r: &mut Retention, key: &str, value: &str) -> Result<(), Refusal> {
    match key {
        "retention.ms" => r.ms = retention_value(key, value)?,
        "retention.bytes" => r.bytes = retention_value(key, value)?,
        k if UNMODELLED.contains(&k) => {
            return Err(Refusal::Playground(format!(
                "The playground does not model the topic config {k} (only retention.ms and retention.bytes)."
            )))
        }
        k => return Err(Refusal::Kafka(format!("Unknown topic config name: {}", super::shown(k)))),
    }
    Ok(())
}

/// `ConfigCommand.parseConfigsToBeAdded`: `k1=v1,k2=[v1,v2],k3=v3`.
fn split_add_config(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

pub fn run(args: &[String], target: &mut dyn Target, ctx: &Context) -> Output {
    let opts = match options::parse_or_usage(SPECS, args, "This tool helps to manipulate and describe entity config for a topic, client, user, broker, ip, client-metrics or group") {
        Ok(o) => o,
        Err(usage) => return usage,
    };
    if opts.count(&["describe", "alter"]) != 1 {
        return usage_error(SPECS, "Command must include exactly one action: --describe, --alter");
    }
    if !opts.has("bootstrap-server") && !opts.has("bootstrap-controller") {
        return usage_error(
            SPECS,
            "One of the required --bootstrap-server or --bootstrap-controller arguments must be specified",
        );
    }
    let (kind, name) = if let Some(t) = opts.value("topic") {
        ("topics", Some(t.to_string()))
    } else if let Some(b) = opts.value("broker") {
        ("brokers", Some(b.to_string()))
    } else {
        match opts.value("entity-type") {
            Some(k @ ("topics" | "brokers")) => (k, opts.value("entity-name").map(str::to_string)),
            Some(k @ ("clients" | "users" | "broker-loggers" | "ips" | "client-metrics" | "groups")) => {
                return super::unsupported(&format!("configs of {k}: the playground models topic and broker configs only."))
            }
            Some(other) => {
                return usage_error(SPECS, &format!("Invalid entity type {}, the entity type must be one of topics, clients, users, brokers, broker-loggers, ips, client-metrics, groups", super::shown(other)))
            }
            None => return usage_error(SPECS, "Missing required argument \"[entity-type]\""),
        }
    };
    if opts.has("entity-default") {
        return super::unsupported("--entity-default: the playground's broker defaults are fixed.");
    }
    let mut o = Output::default();
    // `ConfigCommand.main`: an exception other than IllegalArgumentException or
    // InvalidConfigurationException is printed after this header, as `printStackTrace`
    // starts (its `toString`).
    let failed = |message: String| {
        let mut e = Output::default();
        e.errln("Error while executing config command with args '".to_string() + &args.join(" ") + "'");
        e.errln(message);
        e.fail()
    };
    let plain = |message: String| {
        // An IllegalArgumentException or InvalidConfigurationException: its message alone.
        let mut e = Output::default();
        e.errln(message);
        e.fail()
    };
    if kind == "brokers" {
        // `checkArgs`: a broker's entity name is its id.
        if let Some(id) = &name {
            if id.parse::<i32>().is_err() {
                return plain(format!(
                    "The entity name for brokers must be a valid integer broker id, but it is: {}",
                    super::shown(id)
                ));
            }
        }
        if opts.has("alter") {
            return super::unsupported("broker configs: the playground's broker settings are fixed (retention defaults: log.retention.ms, log.retention.bytes in the scenario).");
        }
        // The playground's brokers have no dynamic configs: each describe is its header.
        let ids = match name {
            Some(id) => vec![id],
            None => {
                // `describeCluster().nodes().get()`: the brokers that are up, then the
                // cluster-wide default entity.
                let request = crate::core::protocol::metadata::MetadataRequest {
                    topics: Some(Vec::new()),
                    allow_auto_topic_creation: false,
                };
                match target.read_as(ctx.user.as_deref(), "listNodes", request.into()) {
                    Ok(crate::core::protocol::Response::Metadata(m)) => {
                        let mut ids: Vec<i32> = m.brokers.iter().map(|b| b.0).collect();
                        crate::core::sort::ascending(&mut ids);
                        ids.into_iter().map(|id| id.to_string()).collect()
                    }
                    Ok(_) => Vec::new(),
                    Err(e) => return failed(super::execution_exception(&e)),
                }
            }
        };
        for id in &ids {
            o.outln(format!("Dynamic configs for broker {id} are:"));
        }
        if opts.value("entity-name").is_none() && opts.value("broker").is_none() {
            o.outln("Default configs for brokers in the cluster are:");
        }
        return o;
    }
    let Some(topic) = name else {
        return plain("An entity name must be specified for every entity type".into());
    };
    // What the tool checks itself before it sends anything, as `ConfigCommand` does: its
    // arguments (`checkArgs`), the `--add-config` list's `key=val` form and key characters
    // (`parseConfigsToBeAdded`, `validatePropsKey`) and the topic's name (`Topic.validate` in
    // `getResourceConfig`). Config names and values are the broker's to check.
    let mut added: Vec<(String, String)> = Vec::new();
    let mut deleted: Vec<String> = Vec::new();
    if opts.has("alter") {
        if !opts.has("add-config") && !opts.has("delete-config") {
            return plain("At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter".into());
        }
        for pair in opts.values("add-config").iter().flat_map(|s| split_add_config(s)) {
            let parts: Vec<&str> = pair.split('=').collect();
            if parts.len() != 2 {
                return plain("requirement failed: Invalid entity config: all configs to be added must be in the format \"key=val\".".into());
            }
            let key = parts[0].trim();
            if !key.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
                return plain(format!("Invalid character found for config key: {}", super::shown(key)));
            }
            let value = parts[1].replace(['[', ']'], "").trim().to_string();
            added.push((key.to_string(), value));
        }
        deleted = opts
            .values("delete-config")
            .iter()
            .flat_map(|s| s.split(','))
            .map(|k| k.trim().to_string())
            .collect();
    }
    if let Some(problem) = super::kafka_topics::topic_name_problem(&topic) {
        return failed(format!("org.apache.kafka.common.errors.InvalidTopicException: {problem}"));
    }
    // Describing and altering both start with DescribeConfigs (`getResourceConfig`, whose
    // `get(30, TimeUnit.SECONDS)` gives up before the call's own 60 s timeout when no broker
    // can be reached: `java.util.concurrent.TimeoutException`, no message), sent as the user
    // to a broker the admin client can reach; the broker needs DESCRIBE_CONFIGS on the topic.
    let request = crate::core::protocol::describe_configs::DescribeConfigsRequest { topic: topic.clone() };
    let retention = match target.read_as(ctx.user.as_deref(), "describeConfigs", request.into()) {
        Ok(crate::core::protocol::Response::DescribeConfigs(r)) => match (r.error_code, r.retention) {
            (None, Some(retention)) => retention,
            (code, _) => {
                let code = code.unwrap_or(crate::core::error::ErrorCode::InvalidRequest);
                return failed(format!(
                    "java.util.concurrent.ExecutionException: {}: {}",
                    super::exception_class(code),
                    r.error_message.unwrap_or_else(|| crate::core::admin::default_message(code).to_string())
                ));
            }
        },
        Ok(_) => {
            return failed(
                "java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.UnknownServerException: no DescribeConfigs answer".into(),
            )
        }
        Err(e) if e.code() == Some(crate::core::ErrorCode::RequestTimedOut) => {
            return failed("java.util.concurrent.TimeoutException".into())
        }
        Err(e) => return failed(super::execution_exception(&e)),
    };
    // The topic's dynamic configs (`DYNAMIC_TOPIC_CONFIG`): what differs from the broker's
    // defaults.
    let base = target.cluster().config().retention;
    let num = |x: Option<u64>| x.map_or("-1".to_string(), |n| n.to_string());
    let mut overrides: Vec<(&str, String)> = Vec::new();
    if retention.bytes != base.bytes {
        overrides.push(("retention.bytes", num(retention.bytes)));
    }
    if retention.ms != base.ms {
        overrides.push(("retention.ms", num(retention.ms)));
    }
    if opts.has("describe") {
        o.outln(format!("Dynamic configs for topic {topic} are:"));
        for (k, v) in overrides {
            o.outln(format!("  {k}={v} sensitive=false synonyms={{DYNAMIC_TOPIC_CONFIG:{k}={v}}}"));
        }
        return o;
    }
    // `alterResourceConfig`: every name to delete must be one of the topic's dynamic configs.
    let invalid: Vec<String> =
        deleted.iter().filter(|k| !overrides.iter().any(|(o, _)| o == k)).map(|k| super::shown(k)).collect();
    if !invalid.is_empty() {
        return plain(format!("Invalid config(s): {}", invalid.join(",")));
    }
    // The change: the topic's retention as described, changed. What is simplified: Kafka's
    // broker checks the names and values in IncrementalAlterConfigs and refuses with
    // INVALID_CONFIG; the playground's AlterConfigs carries the retention itself, so the tool
    // checks them here, after the describe, and prints the broker's refusal as Kafka's tool
    // prints it (nothing is sent).
    let mut r = retention;
    for (k, v) in &added {
        match set(&mut r, k, v) {
            Ok(()) => {}
            Err(Refusal::Kafka(m)) => {
                return failed(format!(
                    "java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.InvalidConfigurationException: {m}"
                ))
            }
            Err(Refusal::Playground(m)) => return plain(m),
        }
    }
    for k in &deleted {
        match k.as_str() {
            "retention.ms" => r.ms = base.ms,
            _ => r.bytes = base.bytes,
        }
    }
    // AlterConfigs: the broker checks ALTER_CONFIGS on the topic (or the cluster).
    let altered =
        target.apply_as(ctx.user.as_deref(), Command::SetRetention { topic: topic.clone(), retention: r });
    if let Err(e) = altered {
        return failed(super::execution_exception(&e));
    }
    o.outln(format!("Completed updating config for topic {topic}."));
    o
}
