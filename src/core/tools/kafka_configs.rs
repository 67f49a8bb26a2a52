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

/// `-1` (keep forever / no limit) or a positive number.
fn retention_value(key: &str, v: &str) -> Result<Option<u64>, String> {
    match v.trim().parse::<i64>() {
        Ok(-1) => Ok(None),
        Ok(n) if n > 0 => Ok(Some(n as u64)),
        Ok(n) if key == "retention.bytes" && n == 0 => Ok(Some(0)),
        _ => Err(format!(
            "Invalid value {} for configuration {key}: Not a number of type LONG",
            super::shown(v)
        )),
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
        set(&mut r, parts[0].trim(), parts[1].trim())?;
    }
    Ok(r)
}

fn set(r: &mut Retention, key: &str, value: &str) -> Result<(), String> {
    match key {
        "retention.ms" => r.ms = retention_value(key, value)?,
        "retention.bytes" => r.bytes = retention_value(key, value)?,
        k if UNMODELLED.contains(&k) => {
            return Err(format!(
                "The playground does not model the topic config {k} (only retention.ms and retention.bytes)."
            ))
        }
        k => return Err(format!("Unknown topic config name: {}", super::shown(k))),
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
    if kind == "brokers" {
        // `checkArgs`: a broker's entity name is its id.
        let id = name.clone().unwrap_or_default();
        if name.is_some() && id.parse::<i32>().is_err() {
            let mut e = Output::default();
            e.errln(format!(
                "The entity name for brokers must be a valid integer broker id, but it is: {}",
                super::shown(&id)
            ));
            return e.fail();
        }
        if opts.has("alter") {
            return super::unsupported("broker configs: the playground's broker settings are fixed (retention defaults: log.retention.ms, log.retention.bytes in the scenario).");
        }
        let id = name.unwrap_or_default();
        if id.parse::<i32>().is_err() {
            let mut e = Output::default();
            e.errln(format!(
                "The entity name for brokers must be a valid integer broker id, found: {}",
                super::shown(&id)
            ));
            return e.fail();
        }
        o.outln(format!("Dynamic configs for broker {id} are:"));
        return o;
    }
    let Some(topic) = name else {
        let mut e = Output::default();
        e.errln("An entity name must be specified for every entity type");
        return e.fail();
    };
    // Everything the tool can check itself is checked before it sends anything, as
    // `ConfigCommand` does: its arguments (`checkArgs`), the configs to add
    // (`parseConfigsToBeAdded`, `validatePropsKey`) and the topic's name (`Topic.validate` in
    // `getResourceConfig`). Refused there, no request leaves.
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
        // What is simplified: Kafka's broker checks config names and values (the
        // IncrementalAlterConfigs answer); the playground's AlterConfigs request carries the
        // retention itself, so the tool reads them into it here, before sending anything,
        // with the broker's messages.
        let mut scratch = target.cluster().config().retention;
        for (k, v) in &added {
            if let Err(e) = set(&mut scratch, k, v) {
                return plain(e);
            }
        }
        for key in opts.values("delete-config").iter().flat_map(|s| s.split(',')) {
            match key.trim() {
                k @ ("retention.ms" | "retention.bytes") => deleted.push(k.to_string()),
                k => return plain(format!("Invalid config(s): {}", super::shown(k))),
            }
        }
    }
    if let Some(problem) = super::kafka_topics::topic_name_problem(&topic) {
        return failed(format!("org.apache.kafka.common.errors.InvalidTopicException: {problem}"));
    }
    // Describing and altering both start with DescribeConfigs (`ConfigCommand` reads the
    // topic's configs before it alters them), sent as the user to a broker the admin client
    // can reach; the broker needs DESCRIBE_CONFIGS on the topic.
    let request = crate::core::protocol::describe_configs::DescribeConfigsRequest { topic: topic.clone() };
    let retention = match target.read_as(ctx.user.as_deref(), "describeConfigs", request.into()) {
        Ok(crate::core::protocol::Response::DescribeConfigs(r)) => match (r.error_code, r.retention) {
            (None, Some(retention)) => retention,
            (code, _) => {
                let code = code.unwrap_or(crate::core::error::ErrorCode::InvalidRequest);
                return failed(format!(
                    "{}: {}",
                    super::exception_class(code),
                    r.error_message.unwrap_or_else(|| crate::core::admin::default_message(code).to_string())
                ));
            }
        },
        Ok(_) => {
            return failed(
                "org.apache.kafka.common.errors.UnknownServerException: no DescribeConfigs answer".into(),
            )
        }
        Err(e) => return failed(super::java_exception(&e)),
    };
    let base = target.cluster().config().retention;
    if opts.has("describe") {
        o.outln(format!("Dynamic configs for topic {topic} are:"));
        let num = |x: Option<u64>| x.map_or("-1".to_string(), |n| n.to_string());
        if retention.bytes != base.bytes {
            let v = num(retention.bytes);
            o.outln(format!(
                "  retention.bytes={v} sensitive=false synonyms={{DYNAMIC_TOPIC_CONFIG:retention.bytes={v}}}"
            ));
        }
        if retention.ms != base.ms {
            let v = num(retention.ms);
            o.outln(format!(
                "  retention.ms={v} sensitive=false synonyms={{DYNAMIC_TOPIC_CONFIG:retention.ms={v}}}"
            ));
        }
        return o;
    }
    // --alter: the topic's retention as described, changed.
    let mut r = retention;
    for (k, v) in &added {
        if let Err(e) = set(&mut r, k, v) {
            return plain(e);
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
        if e.code() == Some(crate::core::ErrorCode::TopicAuthorizationFailed) {
            return failed(format!(
                "org.apache.kafka.common.errors.TopicAuthorizationException: {}",
                super::core_message(&e)
            ));
        }
        return plain(super::core_message(&e));
    }
    o.outln(format!("Completed updating config for topic {topic}."));
    o
}
