//! `kafka-console-producer.sh` — apache/kafka `tools/src/main/java/org/apache/kafka/tools/ConsoleProducer.java`
//! and its `LineMessageReader`: each line of standard input becomes one record.
//!
//! The records are sent by a simulated producer named `console-producer` (its card shows in
//! the page), one `SendOne` per line, as the user chosen in "Run as".

use super::options::{self, arg, flag, usage_error, Spec};
use super::{Context, Output, Target, BOOTSTRAP_HOST};
use crate::core::acl::Request;
use crate::core::command::Command;
use crate::core::error::ErrorCode;
use crate::core::producer::ProducerSpec;
use crate::core::protocol::metadata::MetadataRequest;
use crate::core::protocol::Response;

/// The send refused with TOPIC_AUTHORIZATION_FAILED: in the metadata (`in_metadata`: the
/// client's warning first), or for the write itself.
fn not_authorized(mut o: Output, topic: &str, in_metadata: bool) -> Output {
    if in_metadata {
        o.errln(format!("[{PRODUCER}] WARN Error while fetching metadata with correlation id 1 : {{{topic}=TOPIC_AUTHORIZATION_FAILED}}"));
    }
    o.errln(format!("ERROR Error when sending message to topic {topic} with key: null, value: 0 bytes with error: (org.apache.kafka.clients.producer.internals.ErrorLoggingCallback)\norg.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: [{topic}]"));
    o.fail()
}

/// The simulated producer behind the tool.
pub const PRODUCER: &str = "console-producer";

pub const SPECS: &[Spec] = &[
    arg("topic", "String: topic", "REQUIRED: The topic name to produce messages to."),
    arg("bootstrap-server", "String: server to connect to", "REQUIRED: The server(s) to connect to. The broker list string in the form HOST1:PORT1,HOST2:PORT2."),
    flag("sync", "If set message send requests to the brokers are synchronously, one at a time as they arrive."),
    arg("compression-codec", "String: compression-codec", "The compression codec: either 'none', 'gzip', 'snappy', 'lz4', or 'zstd'. If specified without value, then it defaults to 'gzip'"),
    arg("batch-size", "Integer: size", "Number of messages to send in a single batch if they are not being sent synchronously. (default: 16384)"),
    arg("request-required-acks", "String: request required acks", "The required `acks` of the producer requests (default: -1)"),
    arg("property", "String: prop", "A mechanism to pass user-defined properties in the form key=value to the message reader. This allows custom configuration for a user-defined message reader. Default properties include: parse.key=false, parse.headers=false, ignore.error=false, key.separator=\\t, headers.delimiter=\\t, headers.separator=',', headers.key.separator=':', null.marker=   When set, any fields (key, value and headers) equal to this will be replaced by null"),
    arg("producer-property", "String: producer_prop", "A mechanism to pass user-defined properties in the form key=value to the producer."),
    arg("producer.config", "String: config file", "Producer config properties file. Note that [producer-property] takes precedence over this config."),
    arg("reader-config", "String: config file", "Config properties file for the message reader. Note that [property] takes precedence over this config."),
];

pub fn run(args: &[String], target: &mut dyn Target, ctx: &Context) -> Output {
    let opts = match options::parse_or_usage(
        SPECS,
        args,
        "This tool helps to read data from standard input and publish it to Kafka.",
    ) {
        Ok(o) => o,
        Err(usage) => return usage,
    };
    if !opts.has("topic") {
        return usage_error(SPECS, &options::missing("topic"));
    }
    if opts.value("bootstrap-server").is_none_or(|b| b.trim().is_empty()) {
        return usage_error(SPECS, "Error while validating the bootstrap address\n");
    }
    if opts.has("producer.config") || opts.has("reader-config") {
        return super::unsupported(
            "config files: the terminal reads no files; pass --producer-property / --property.",
        );
    }
    let reader = options::properties(opts.values("property"));
    let get = |k: &str| reader.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    let parse_key = get("parse.key").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let separator = get("key.separator").unwrap_or_else(|| "\t".into());
    let null_marker = get("null.marker");
    if get("parse.headers").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return super::unsupported("parse.headers: headers typed in the terminal are not parsed yet; the producer card's \"Send one\" takes headers.");
    }
    for (k, v) in options::properties(opts.values("producer-property")) {
        if k == "acks" && !["0", "1", "all", "-1"].contains(&v.as_str()) {
            let mut o = Output::default();
            o.errln(format!("org.apache.kafka.common.config.ConfigException: Invalid value {v} for configuration acks: String must be one of: all, -1, 0, 1"));
            return o.fail();
        }
    }
    let topic = opts.value("topic").unwrap_or_default().to_string();
    let mut o = Output::default();
    if let Some(problem) = super::kafka_topics::topic_name_problem(&topic) {
        o.errln(format!("org.apache.kafka.common.errors.InvalidTopicException: {problem}"));
        return o.fail();
    }
    let user = ctx.user.clone();
    // The producer's first send asks for the topic's metadata (Metadata, as its user) and
    // waits for it (`max.block.ms`, 60 s). What it is told decides what happens: no broker to
    // ask, the send times out; TOPIC_AUTHORIZATION_FAILED (no DESCRIBE on the topic), it fails
    // with that; UNKNOWN_TOPIC_OR_PARTITION, the broker creates the topic if it may (below),
    // else the send times out. (The playground says so at once, without running the clock.)
    if let Some(first) = ctx.stdin.lines().next() {
        let request = MetadataRequest { topics: Some(vec![topic.clone()]), allow_auto_topic_creation: true };
        let answer = match target.read_as(user.as_deref(), "fetchMetadata", request.into()) {
            Ok(Response::Metadata(m)) => m.topics.into_iter().find(|t| t.name == topic),
            Ok(_) => None,
            Err(_) => {
                o.errln(format!("[{PRODUCER}] WARN Connection to node -1 ({BOOTSTRAP_HOST}) could not be established. Node may not be available."));
                o.errln(format!("ERROR Error when sending message to topic {topic} with key: null, value: {} bytes with error: (org.apache.kafka.clients.producer.internals.ErrorLoggingCallback)\norg.apache.kafka.common.errors.TimeoutException: Topic {topic} not present in metadata after 60000 ms.", first.len()));
                return o.fail();
            }
        };
        match answer.and_then(|t| t.error_code) {
            None => {}
            Some(ErrorCode::TopicAuthorizationFailed) => return not_authorized(o, &topic, true),
            Some(code) => {
                // The broker's Metadata creates nothing in the playground: the producer's
                // `allow.auto.create.topics` is carried out as a CreateTopics request as its
                // user, which the broker allows with CREATE on the cluster or the topic
                // (`KafkaApis.handleTopicMetadataRequest`), else the topic's metadata says
                // TOPIC_AUTHORIZATION_FAILED. Whether the broker auto-creates at all is its
                // static configuration (`auto.create.topics.enable`).
                if code != ErrorCode::UnknownTopicOrPartition
                    || !target.cluster().config().auto_create_topics_enable
                {
                    o.errln(format!("[{PRODUCER}] WARN Error while fetching metadata with correlation id 1 : {{{topic}={}}}", code.name()));
                    o.errln(format!("ERROR Error when sending message to topic {topic} with key: null, value: 0 bytes with error: (org.apache.kafka.clients.producer.internals.ErrorLoggingCallback)\norg.apache.kafka.common.errors.TimeoutException: Topic {topic} not present in metadata after 60000 ms."));
                    return o.fail();
                }
                let partitions = i64::from(target.cluster().config().num_partitions);
                let create = Command::create_topic(topic.clone(), partitions);
                if let Err(e) = target.apply_as(user.as_deref(), create) {
                    if e.code() == Some(ErrorCode::TopicAuthorizationFailed) {
                        return not_authorized(o, &topic, true);
                    }
                    o.errln(super::core_message(&e));
                    return o.fail();
                }
            }
        }
    }
    // The producer behind the tool: created, or pointed at this topic and user.
    let mut spec = ProducerSpec::new(PRODUCER, &topic);
    spec.rate = 0.0;
    spec.user = user.clone();
    let existing = target.cluster().producers().get(PRODUCER).map(|p| p.spec.clone());
    let setup = match existing {
        None => Some(Command::AddProducer { producer: spec }),
        Some(s) if s.topic != topic || s.user != user || s.rate != 0.0 => {
            Some(Command::UpdateProducer { producer: spec })
        }
        Some(_) => None,
    };
    if let Some(cmd) = setup {
        if let Err(e) = target.apply(cmd) {
            o.errln(super::core_message(&e));
            return o.fail();
        }
    }
    // What is simplified: the WRITE check is read from the authorizer here, not from the
    // Produce answer. The simulated producer sends Produce over the network and the broker
    // refuses it (TOPIC_AUTHORIZATION_FAILED, on the producer's card), but its answer arrives
    // while time runs, after this command has returned; the tool says at once what the
    // producer's callback would print.
    if let Some(u) = &user {
        if target.cluster().authorizer().check(u, Request::Produce, Some(&topic), None).is_err() {
            return not_authorized(o, &topic, false);
        }
    }
    for (n, line) in ctx.stdin.lines().enumerate() {
        let (key, value) = if parse_key {
            match line.find(&separator) {
                Some(i) => (Some(line[..i].to_string()), line[i + separator.len()..].to_string()),
                None => {
                    o.errln(format!(
                        "org.apache.kafka.common.KafkaException: No key separator found on line number {}: '{}'",
                        n + 1,
                        super::shown(line)
                    ));
                    return o.fail();
                }
            }
        } else {
            (None, line.to_string())
        };
        let key = key.filter(|k| null_marker.as_deref() != Some(k.as_str()));
        // (A null value cannot be sent here: the record would get the producer's sequence.)
        let value = Some(value);
        if let Err(e) = target.apply(Command::SendOne {
            producer: PRODUCER.into(),
            key,
            value,
            partition: None,
            headers: Vec::new(),
        }) {
            o.errln(format!(
                "ERROR Error when sending message to topic {topic} with key: null, value: {} bytes with error: (org.apache.kafka.clients.producer.internals.ErrorLoggingCallback)\n{}",
                line.len(),
                super::core_message(&e)
            ));
            return o.fail();
        }
    }
    o
}
