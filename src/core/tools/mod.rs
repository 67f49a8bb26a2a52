//! Kafka's own command-line tools, run against the simulation: a command line in, the
//! `Command`s it means applied to the cluster, and the text Kafka 4's tool prints out.
//!
//! Pure like the rest of the core (no clock, no I/O): the page's terminal and
//! `playground-cli kafka` both call [`run`]. Each tool lives in its own file and follows the
//! Java (or Scala) class of the same name in apache/kafka: its options (parsed the way
//! jopt-simple parses them, [`options`]), its checks in their order, its output layout and its
//! messages. Where the playground cannot do what the real tool does, the tool says so plainly
//! (see [`unsupported`]).

pub mod echo;
pub mod kafka_acls;
pub mod kafka_configs;
pub mod kafka_console_consumer;
pub mod kafka_console_producer;
pub mod kafka_consumer_groups;
pub mod kafka_get_offsets;
pub mod kafka_leader_election;
pub mod kafka_share_groups;
pub mod kafka_topics;
pub mod options;

use super::cluster::Cluster;
use super::command::Command;
use super::error::CoreError;
use super::protocol::{Request, Response};
use super::scenario::Run;

/// The address the playground's cluster answers on (what `--bootstrap-server` names): it stands
/// for every broker, which have no addresses of their own.
pub const BOOTSTRAP: &str = "localhost:9092";
/// [`BOOTSTRAP`] as the Java clients' logs show the bootstrap node (`host/ip:port`, node -1).
pub const BOOTSTRAP_HOST: &str = "localhost/127.0.0.1:9092";
/// Longest command line accepted; longer ones get the usage error of the tool they name.
pub const MAX_LINE: usize = 1 << 20;

/// The tools, by their script names (each also answers without `.sh`).
pub const TOOLS: &[&str] = &[
    "kafka-acls.sh",
    "kafka-configs.sh",
    "kafka-console-consumer.sh",
    "kafka-console-producer.sh",
    "kafka-consumer-groups.sh",
    "kafka-get-offsets.sh",
    "kafka-leader-election.sh",
    "kafka-share-groups.sh",
    "kafka-topics.sh",
];

/// What the tools act on: the cluster to read, and a way to apply commands to it (the CLI's
/// `Run`, the page's session). A command that succeeds here is journaled like any action.
///
/// Changes go through the cluster's admin client as the tool's user ([`Target::apply_as`]),
/// so the broker authorizes them, and only the broker: a refusal comes back as its error code
/// and the tool prints it as Kafka's tool prints that exception. Lists and describes are read
/// requests the broker answers as that user ([`Target::read_as`]: Metadata, ListGroups,
/// DescribeGroups, DescribeAcls, DescribeConfigs, ShareGroupDescribe,
/// DescribeShareGroupOffsets), leaving out or refusing what it may not DESCRIBE; the tool
/// checks no ACL itself.
///
/// Both go over the simulated network, as Kafka's `Admin` client sends them: to a broker the
/// admin client can reach (`Cluster::admin_node`: broker 1 stopped, crashed or isolated, a
/// live one answers), and with none reachable the call fails with Kafka's `TimeoutException`
/// ("Timed out waiting for a node assignment. Call: listTopics"), which each tool prints as
/// Kafka's does. (The playground fails it at once, where Kafka waits `default.api.timeout.ms`.)
///
/// A tool gets no mutable access to the cluster: what it changes goes as commands, and what
/// it lists, describes and is refused comes in answers to requests it sends as its user. It
/// still reads some things from [`Target::cluster`] directly, where Kafka's tool would learn
/// them from an answer the playground's requests do not carry:
/// - static facts: the broker-wide defaults (retention, partitions, `auto.create.topics.enable`),
///   the broker count, the simulated clock;
/// - records and log bounds: the records, offsets and timestamps the console consumer prints,
///   `kafka-get-offsets --time earliest|max-timestamp|<ts>`, the log start and end (and
///   timestamps) `--reset-offsets` plans from, and the log end offsets `--describe` computes
///   lag from (Kafka: Fetch and ListOffsets answers; the playground's carry offsets, not
///   records);
/// - group and topic details past the answer's names: each group's state and type for
///   `kafka-consumer-groups --list --state/--type` (ListGroups names the groups the user may
///   see), share groups' state for `kafka-share-groups --describe --state`, a topic's configs
///   for `kafka-topics --describe`, whether a console consumer's group has members, and the
///   console producer's existing card;
/// - `kafka-acls`: the ACLs as stored, to skip one `--add` that is there already and to find
///   what `--remove` deletes;
/// - the authorizer, asked what the broker would answer, where the request that needs the
///   right is not one the admin client sends: READ on the console consumer's group (its
///   JoinGroup), and in the page READ on its topic and WRITE on the console producer's.
pub trait Target {
    fn cluster(&self) -> &Cluster;
    /// Sends a read-only request as `user` (`None`: the operator) through the admin client and
    /// returns the broker's answer; `call` is the `Admin` call it belongs to (`listTopics`,
    /// `describeConsumerGroups(api=FIND_COORDINATOR)`, …), named in the timeout.
    fn read_as(&mut self, user: Option<&str>, call: &str, request: Request) -> Result<Response, CoreError>;
    /// Applies `cmd` on behalf of `user` (`None`: the operator).
    fn apply_as(&mut self, user: Option<&str>, cmd: Command) -> Result<(), CoreError>;
    /// Applies `cmd` as the operator.
    fn apply(&mut self, cmd: Command) -> Result<(), CoreError> {
        self.apply_as(None, cmd)
    }
}

impl Target for Run {
    fn cluster(&self) -> &Cluster {
        &self.cluster
    }
    fn read_as(&mut self, user: Option<&str>, call: &str, request: Request) -> Result<Response, CoreError> {
        self.cluster.admin_read(user, call, request)
    }
    fn apply_as(&mut self, user: Option<&str>, cmd: Command) -> Result<(), CoreError> {
        let now = self.now();
        Run::apply_as(self, now, user, cmd).map(|_| ())
    }
}

/// How the tool runs.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The user the client authenticates as (`None`: no credentials needed — the authorizer
    /// is off, or the person runs as the cluster's operator).
    pub user: Option<String>,
    /// Standard input: the console producer's lines.
    pub stdin: String,
    /// The page: a console consumer keeps running as a simulated consumer (its records stream
    /// into the terminal while time runs). The CLI: it reads what is readable now and returns.
    pub follow: bool,
}

/// What a tool printed, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    /// 0 success, 1 the tool reported an error (as Kafka's tools exit), 127 no such tool.
    pub status: i32,
    /// A console consumer left running (page only): the simulated consumer's name.
    pub started: Option<String>,
}

impl Output {
    pub fn out(&mut self, s: impl AsRef<str>) {
        self.stdout.push_str(s.as_ref());
    }
    pub fn outln(&mut self, s: impl AsRef<str>) {
        self.stdout.push_str(s.as_ref());
        self.stdout.push('\n');
    }
    pub fn errln(&mut self, s: impl AsRef<str>) {
        self.stderr.push_str(s.as_ref());
        self.stderr.push('\n');
    }
    pub fn fail(mut self) -> Self {
        self.status = 1;
        self
    }
    /// Both streams, in one text (the terminal shows them together).
    pub fn text(&self) -> String {
        let mut s = self.stdout.clone();
        s.push_str(&self.stderr);
        s
    }
}

/// The options a tool takes (for completion), by its name without `.sh`.
pub fn specs(tool: &str) -> &'static [options::Spec] {
    match tool {
        "kafka-topics" => kafka_topics::SPECS,
        "kafka-consumer-groups" => kafka_consumer_groups::SPECS,
        "kafka-acls" => kafka_acls::SPECS,
        "kafka-get-offsets" => kafka_get_offsets::SPECS,
        "kafka-leader-election" => kafka_leader_election::SPECS,
        "kafka-share-groups" => kafka_share_groups::SPECS,
        "kafka-configs" => kafka_configs::SPECS,
        "kafka-console-producer" => kafka_console_producer::SPECS,
        "kafka-console-consumer" => kafka_console_consumer::SPECS,
        _ => &[],
    }
}

/// A tool's name without directory or `.sh`, if it is one of ours.
pub fn tool_name(word: &str) -> Option<&'static str> {
    let base = word.rsplit('/').next().unwrap_or(word);
    let base = base.strip_suffix(".sh").unwrap_or(base);
    TOOLS.iter().map(|t| t.trim_end_matches(".sh")).find(|t| *t == base)
}

/// Runs one command line.
pub fn run(line: &str, target: &mut dyn Target, ctx: &Context) -> Output {
    let mut out = Output::default();
    let words = match split_words(line) {
        Ok(w) => w,
        Err(why) => {
            // What a shell says; nothing ran.
            out.errln(format!("sh: syntax error: {why}"));
            out.status = 2;
            return out;
        }
    };
    let Some((first, args)) = words.split_first() else {
        return out;
    };
    let Some(tool) = tool_name(first) else {
        out.errln(format!(
            "{}: command not found (this terminal runs Kafka's tools: {})",
            shown(first),
            TOOLS.iter().map(|t| t.trim_end_matches(".sh")).collect::<Vec<_>>().join(", ")
        ));
        out.status = 127;
        return out;
    };
    match tool {
        "kafka-topics" => kafka_topics::run(args, target, ctx),
        "kafka-consumer-groups" => kafka_consumer_groups::run(args, target, ctx),
        "kafka-acls" => kafka_acls::run(args, target, ctx),
        "kafka-get-offsets" => kafka_get_offsets::run(args, target, ctx),
        "kafka-leader-election" => kafka_leader_election::run(args, target, ctx),
        "kafka-share-groups" => kafka_share_groups::run(args, target, ctx),
        "kafka-configs" => kafka_configs::run(args, target, ctx),
        "kafka-console-producer" => kafka_console_producer::run(args, target, ctx),
        "kafka-console-consumer" => kafka_console_consumer::run(args, target, ctx),
        _ => out,
    }
}

/// A word of the input as it may be echoed: at most 200 characters.
pub fn shown(word: &str) -> String {
    if word.chars().count() <= 200 {
        return word.to_string();
    }
    let mut s: String = word.chars().take(200).collect();
    s.push('…');
    s
}

/// Splits a command line into words as a POSIX shell does (no expansions): blanks separate
/// words; `'…'` keeps everything literally; `"…"` keeps everything but `\` before `$`, `` ` ``,
/// `"`, `\` or a newline; outside quotes `\` keeps the next character (and `\`+newline joins
/// lines). An unterminated quote is an error, as in `sh -c`.
pub fn split_words(line: &str) -> Result<Vec<String>, &'static str> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => cur.push(c),
                        None => return Err("unterminated quoted string"),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(n @ ('$' | '`' | '"' | '\\')) => cur.push(n),
                            Some('\n') => {}
                            Some(n) => {
                                cur.push('\\');
                                cur.push(n);
                            }
                            None => return Err("unterminated quoted string"),
                        },
                        Some(c) => cur.push(c),
                        None => return Err("unterminated quoted string"),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(n) => {
                    in_word = true;
                    cur.push(n);
                }
                None => {
                    in_word = true;
                    cur.push('\\');
                }
            },
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// Quotes a word for a command line, when it needs quoting (the echo of page actions).
pub fn quote(word: &str) -> String {
    if !word.is_empty()
        && word.chars().all(|c| c.is_ascii_alphanumeric() || "-_.,:=/@%+*".contains(c))
        && !word.starts_with('*')
    {
        return word.to_string();
    }
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// The playground cannot do this: said plainly, exit 1.
pub fn unsupported(what: &str) -> Output {
    let mut o = Output::default();
    o.errln(format!("The playground cannot do this: {what}"));
    o.fail()
}

/// Left-justifies `s` in `w` columns, as Java's `%-Ns` (never truncates).
pub(crate) fn pad(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n >= w {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(w - n))
    }
}

/// Parses a Java `int` option value as jopt-simple's `ofType(Integer.class)` does; the
/// message on failure is jopt-simple's.
pub(crate) fn parse_int<T: std::str::FromStr>(value: &str, type_name: &str) -> Result<T, String> {
    value.parse::<T>().map_err(|_| format!("Cannot parse argument '{}' of option {type_name}", shown(value)))
}

/// What `--version` prints: the Kafka release whose tools these follow.
pub const KAFKA_VERSION: &str = "4.0.0";

/// How many brokers the cluster has (registered, whether or not they run).
pub fn broker_count(cluster: &Cluster) -> u32 {
    cluster.replication().nodes.len() as u32
}

/// A refusal's message as the Java client's exception carries it.
pub fn core_message(e: &CoreError) -> String {
    match e {
        CoreError::Kafka { message, .. } | CoreError::Invalid { message } => super::error::one_line(message),
    }
}

/// The exception a Kafka error code becomes in the Java client (`Errors.exception`), by its
/// full class name.
pub fn exception_class(code: super::error::ErrorCode) -> String {
    use super::error::ErrorCode as E;
    let name = match code {
        E::UnknownTopicOrPartition => "UnknownTopicOrPartitionException",
        E::InvalidTopicException => "InvalidTopicException",
        E::TopicAuthorizationFailed => "TopicAuthorizationException",
        E::GroupAuthorizationFailed => "GroupAuthorizationException",
        E::ClusterAuthorizationFailed => "ClusterAuthorizationException",
        E::TopicAlreadyExists => "TopicExistsException",
        E::InvalidPartitions => "InvalidPartitionsException",
        E::InvalidConfig => "InvalidConfigurationException",
        E::InvalidRequest => "InvalidRequestException",
        E::NonEmptyGroup => "GroupNotEmptyException",
        E::GroupIdNotFound => "GroupIdNotFoundException",
        E::GroupSubscribedToTopic => "GroupSubscribedToTopicException",
        E::InvalidReplicationFactor => "InvalidReplicationFactorException",
        E::LeaderNotAvailable => "LeaderNotAvailableException",
        E::NotLeaderOrFollower => "NotLeaderOrFollowerException",
        E::RequestTimedOut => "TimeoutException",
        E::NotEnoughReplicas => "NotEnoughReplicasException",
        E::PreferredLeaderNotAvailable => "PreferredLeaderNotAvailableException",
        E::EligibleLeadersNotAvailable => "EligibleLeadersNotAvailableException",
        E::ElectionNotNeeded => "ElectionNotNeededException",
        E::UnknownMemberId => "UnknownMemberIdException",
        E::RebalanceInProgress => "RebalanceInProgressException",
        E::NetworkException => "NetworkException",
        E::InvalidProducerEpoch => "InvalidProducerEpochException",
        // A client-side exception, in the producer's package (a TimeoutException subclass).
        E::BufferExhausted => return "org.apache.kafka.clients.producer.BufferExhaustedException".into(),
        _ => "UnknownServerException",
    };
    format!("org.apache.kafka.common.errors.{name}")
}

/// A failed future's `get()` as the Java tools print it (`Throwable.toString` of the
/// `java.util.concurrent.ExecutionException` around the client's exception, whose message is
/// that exception's `toString`).
pub fn execution_exception(e: &CoreError) -> String {
    format!("java.util.concurrent.ExecutionException: {}", java_exception(e))
}

/// A refusal as the Java client's exception prints (`Throwable.toString`): its class, then
/// the broker's message.
pub fn java_exception(e: &CoreError) -> String {
    let message = core_message(e);
    match e.code() {
        Some(code) => format!("{}: {message}", exception_class(code)),
        None => format!("org.apache.kafka.common.KafkaException: {message}"),
    }
}

/// A topic's configs that are not Kafka's defaults, in name order (`Configs:` of
/// `kafka-topics --describe`): the playground's retention is a broker-wide setting
/// (`log.retention.*`) unless the topic overrides it.
pub fn topic_config_entries(_cluster: &Cluster, topic: &crate::core::topic::Topic) -> Vec<(String, String)> {
    let mut v = Vec::new();
    let r = topic.retention;
    let num = |x: Option<u64>| x.map_or("-1".to_string(), |n| n.to_string());
    if r.bytes.is_some() {
        v.push(("retention.bytes".to_string(), num(r.bytes)));
    }
    if r.ms != Some(604_800_000) {
        v.push(("retention.ms".to_string(), num(r.ms)));
    }
    v
}

/// Does `pattern` (a Java regular expression, as `--topic` takes) match all of `name`?
/// Literal characters, `.`, `*`, `+`, `?`, `\` escapes, `|` alternatives and `[...]` classes
/// are understood; anything else is taken literally.
pub fn include_list_matches(pattern: &str, name: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    if pattern.len() > 1000 {
        return false;
    }
    split_alternatives(&pattern).iter().any(|alt| {
        let atoms = atoms(alt);
        let mut memo = vec![None; (atoms.len() + 1) * (name.len() + 1)];
        regex_match(&atoms, 0, &name, 0, &mut memo)
    })
}

fn split_alternatives(p: &[char]) -> Vec<Vec<char>> {
    let mut out = vec![Vec::new()];
    let mut i = 0;
    let mut in_class = false;
    while i < p.len() {
        match p[i] {
            '\\' if i + 1 < p.len() => {
                out.last_mut().expect("non-empty").extend([p[i], p[i + 1]]);
                i += 1;
            }
            '[' => {
                in_class = true;
                out.last_mut().expect("non-empty").push('[');
            }
            ']' => {
                in_class = false;
                out.last_mut().expect("non-empty").push(']');
            }
            '|' if !in_class => out.push(Vec::new()),
            c => out.last_mut().expect("non-empty").push(c),
        }
        i += 1;
    }
    out
}

#[derive(Clone, Debug)]
enum Atom {
    Char(char),
    Any,
    Class(Vec<(char, char)>, bool),
}

/// (atom, min, max) triples.
fn atoms(p: &[char]) -> Vec<(Atom, usize, usize)> {
    let mut out: Vec<(Atom, usize, usize)> = Vec::new();
    let mut i = 0;
    while i < p.len() {
        let atom = match p[i] {
            '\\' if i + 1 < p.len() => {
                i += 1;
                Atom::Char(p[i])
            }
            '.' => Atom::Any,
            '[' => {
                let mut j = i + 1;
                let negate = p.get(j) == Some(&'^');
                if negate {
                    j += 1;
                }
                let mut ranges = Vec::new();
                while j < p.len() && p[j] != ']' {
                    if j + 2 < p.len() && p[j + 1] == '-' && p[j + 2] != ']' {
                        ranges.push((p[j], p[j + 2]));
                        j += 3;
                    } else {
                        ranges.push((p[j], p[j]));
                        j += 1;
                    }
                }
                i = j;
                Atom::Class(ranges, negate)
            }
            '*' | '+' | '?' if !out.is_empty() => {
                let last = out.last_mut().expect("non-empty");
                match p[i] {
                    '*' => (last.1, last.2) = (0, usize::MAX),
                    '+' => (last.1, last.2) = (1, usize::MAX),
                    _ => (last.1, last.2) = (0, 1),
                }
                i += 1;
                continue;
            }
            c => Atom::Char(c),
        };
        out.push((atom, 1, 1));
        i += 1;
    }
    out
}

fn atom_matches(a: &Atom, c: char) -> bool {
    match a {
        Atom::Char(x) => *x == c,
        Atom::Any => true,
        Atom::Class(ranges, negate) => ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != *negate,
    }
}

fn regex_match(
    atoms: &[(Atom, usize, usize)],
    ai: usize,
    s: &[char],
    si: usize,
    memo: &mut [Option<bool>],
) -> bool {
    let key = ai * (s.len() + 1) + si;
    if let Some(r) = memo[key] {
        return r;
    }
    let r = match atoms.get(ai) {
        None => si == s.len(),
        Some((a, min, max)) => {
            let mut n = 0;
            let mut ok = false;
            loop {
                if n >= *min && regex_match(atoms, ai + 1, s, si + n, memo) {
                    ok = true;
                    break;
                }
                if n >= *max || si + n >= s.len() || !atom_matches(a, s[si + n]) {
                    break;
                }
                n += 1;
            }
            ok
        }
    };
    memo[key] = Some(r);
    r
}

#[cfg(test)]
mod tests {
    #[test]
    fn topic_patterns_are_java_regexes() {
        assert!(include_list_matches("orders", "orders"));
        assert!(!include_list_matches("orders", "orders-eu"));
        assert!(include_list_matches("orders.*", "orders-eu"));
        assert!(include_list_matches("test\\.topic", "test.topic"));
        assert!(!include_list_matches("test\\.topic", "test_topic"));
        assert!(include_list_matches("a|b", "b"));
        assert!(include_list_matches("[a-c]x+", "bxx"));
        assert!(!include_list_matches("[^a-c]x", "bx"));
    }

    use super::*;

    #[test]
    fn splits_like_sh() {
        let w = |s| split_words(s).unwrap();
        assert_eq!(w("a  b\tc"), ["a", "b", "c"]);
        assert_eq!(w(r#"--property "key.separator=:" 'a b'"#), ["--property", "key.separator=:", "a b"]);
        assert_eq!(w(r#"a\ b "x\"y" 'it'\''s'"#), ["a b", "x\"y", "it's"]);
        assert_eq!(w(r#""a\nb""#), [r"a\nb"]);
        assert_eq!(w("''"), [""]);
        assert!(w("   ").is_empty());
        assert!(split_words("'abc").is_err());
        assert!(split_words("\"abc").is_err());
    }

    #[test]
    fn tool_names_with_and_without_sh() {
        assert_eq!(tool_name("kafka-topics.sh"), Some("kafka-topics"));
        assert_eq!(tool_name("bin/kafka-topics.sh"), Some("kafka-topics"));
        assert_eq!(tool_name("kafka-topics"), Some("kafka-topics"));
        assert_eq!(tool_name("kafka-topic"), None);
    }

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(quote("orders"), "orders");
        assert_eq!(quote("User:alice"), "User:alice");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
    }
}
