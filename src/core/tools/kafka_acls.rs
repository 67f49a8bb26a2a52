//! `kafka-acls.sh` — apache/kafka `core/src/main/scala/kafka/admin/AclCommand.scala`.
//!
//! The ACLs the managed roles mean are listed with the others (the broker enforces them all);
//! they are taken away by revoking the role, not with `--remove`.

use super::options::{self, arg, flag, usage_error, Parsed, Spec};
use super::{Context, Output, Target};
use crate::core::acl::{
    AclBinding, Operation, PatternType, Permission, ResourceType, CLUSTER_NAME, WILDCARD,
};
use crate::core::command::Command;

pub const SPECS: &[Spec] = &[
    arg("bootstrap-server", "String: server to connect to", "A list of host/port pairs to use for establishing the connection to the Kafka cluster."),
    arg("bootstrap-controller", "String: controller to connect to", "A list of host/port pairs to use for establishing the connection to the Kafka cluster."),
    arg("command-config", "String: command-config", "A property file containing configs to be passed to Admin Client."),
    flag("add", "Indicates you are trying to add ACLs."),
    flag("remove", "Indicates you are trying to remove ACLs."),
    flag("list", "List ACLs for the specified resource, use --topic <topic> or --group <group> or --cluster to specify a resource."),
    arg("operation", "String", "Operation that is being allowed or denied. Valid operation names are: Describe, DescribeConfigs, Alter, IdempotentWrite, Read, Delete, Create, ClusterAction, All, Write, AlterConfigs (default: All)"),
    arg("topic", "String: topic", "topic to which ACLs should be added or removed. A value of '*' indicates ACL should apply to all topics."),
    flag("cluster", "Add/Remove cluster ACLs."),
    arg("group", "String: group", "Consumer Group to which the ACLs should be added or removed. A value of '*' indicates the ACLs should apply to all groups."),
    arg("transactional-id", "String: transactional-id", "The transactionalId to which ACLs should be added or removed. A value of '*' indicates the ACLs should apply to all transactionalIds."),
    arg("delegation-token", "String: delegation-token", "Delegation token to which ACLs should be added or removed."),
    arg("user-principal", "String: user-principal", "Specifies a user principal as a resource in relation with the operation."),
    arg("resource-pattern-type", "ANY|MATCH|LITERAL|PREFIXED", "The type of the resource pattern or pattern filter. When adding acls, this should be a specific pattern type, e.g. 'literal' or 'prefixed'. (default: LITERAL)"),
    arg("allow-principal", "String: allow-principal", "principal is in principalType:name format. Note that principalType must be supported by the Authorizer being used."),
    arg("deny-principal", "String: deny-principal", "principal is in principalType:name format. By default anyone not added through --allow-principal is denied."),
    arg("principal", "String: principal", "List ACLs for the specified principal. principal is in principalType:name format. Multiple --principal option can be passed."),
    arg("allow-host", "String: allow-host", "Host from which principals listed in --allow-principal will have access. (default: *)"),
    arg("deny-host", "String: deny-host", "Host from which principals listed in --deny-principal will be denied access. (default: *)"),
    flag("producer", "Convenience option to add/remove ACLs for producer role. This will generate ACLs that allows WRITE,DESCRIBE and CREATE on topic."),
    flag("consumer", "Convenience option to add/remove ACLs for consumer role. This will generate ACLs that allows READ,DESCRIBE on topic and READ on group."),
    flag("idempotent", "Enable idempotence for the producer. This should be used in combination with the --producer option."),
    flag("force", "Assume Yes to all queries and do not prompt."),
];

/// Pattern types a filter may name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FilterType {
    Any,
    Match,
    Specific(PatternType),
}

impl FilterType {
    fn name(self) -> &'static str {
        match self {
            FilterType::Any => "ANY",
            FilterType::Match => "MATCH",
            FilterType::Specific(p) => p.name(),
        }
    }
}

/// A resource (type, name) and pattern type, printed as Kafka's `ResourcePattern`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Resource {
    rt: ResourceType,
    name: String,
}

fn pattern_string(rt: ResourceType, name: &str, pt: &str) -> String {
    format!("ResourcePattern(resourceType={}, name={name}, patternType={pt})", rt.name())
}

fn entry_string(a: &AclBinding) -> String {
    format!(
        "(principal={}, host={}, operation={}, permissionType={})",
        a.principal,
        a.host,
        a.operation.name(),
        a.permission.name()
    )
}

/// `SecurityUtils.parseKafkaPrincipal`.
fn parse_principal(s: &str) -> Result<String, String> {
    let s = s.trim();
    match s.split_once(':') {
        Some((_, _)) => Ok(s.to_string()),
        None => Err(format!(
            "expected a string in format principalType:principalName but got {}",
            super::shown(s)
        )),
    }
}

/// `AclEntry.supportedOperations` (plus ALL).
fn supported(rt: ResourceType) -> &'static [Operation] {
    use Operation::*;
    match rt {
        ResourceType::Topic => {
            &[Read, Write, Create, Describe, Delete, Alter, DescribeConfigs, AlterConfigs, All]
        }
        ResourceType::Group => &[Read, Describe, Delete, All],
        ResourceType::Cluster => {
            &[Create, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite, Alter, Describe, All]
        }
        ResourceType::TransactionalId => &[Describe, Write, All],
    }
}

/// `SecurityUtils.operationName`: `DESCRIBE_CONFIGS` → `DescribeConfigs`.
fn pascal(op: Operation) -> String {
    op.name()
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or(String::new(), |f| f.to_string() + &c.as_str().to_ascii_lowercase())
        })
        .collect()
}

fn parse_operation(s: &str) -> Option<Operation> {
    let key: String =
        s.trim().chars().filter(|c| *c != '_' && *c != '-').collect::<String>().to_ascii_lowercase();
    Operation::ALL.iter().copied().find(|o| o.name().replace('_', "").to_ascii_lowercase() == key)
}

fn error(msg: &str) -> Output {
    let mut o = Output::default();
    o.outln(format!("Error while executing ACL command: {msg}"));
    o.fail()
}

/// The resources named on the command line (`getResourceFilter`), in Kafka's order:
/// topics, the cluster, groups, transactional ids.
fn resources(opts: &Parsed, ft: FilterType) -> Vec<Resource> {
    let mut v = Vec::new();
    for t in opts.values("topic") {
        v.push(Resource { rt: ResourceType::Topic, name: t.trim().to_string() });
    }
    if (ft == FilterType::Specific(PatternType::Literal)) && (opts.has("cluster") || opts.has("idempotent")) {
        v.push(Resource { rt: ResourceType::Cluster, name: CLUSTER_NAME.to_string() });
    }
    for g in opts.values("group") {
        v.push(Resource { rt: ResourceType::Group, name: g.trim().to_string() });
    }
    for x in opts.values("transactional-id") {
        v.push(Resource { rt: ResourceType::TransactionalId, name: x.to_string() });
    }
    v
}

pub fn run(args: &[String], target: &mut dyn Target, ctx: &Context) -> Output {
    let opts = match options::parse_or_usage(SPECS, args, "This tool helps to manage acls on kafka.") {
        Ok(o) => o,
        Err(usage) => return usage,
    };
    if opts.has("bootstrap-server") && opts.has("bootstrap-controller") {
        return usage_error(
            SPECS,
            "Only one of --bootstrap-server or --bootstrap-controller must be specified",
        );
    }
    if !opts.has("bootstrap-server") && !opts.has("bootstrap-controller") {
        return usage_error(SPECS, "One of --bootstrap-server or --bootstrap-controller must be specified");
    }
    if opts.count(&["list", "add", "remove"]) != 1 {
        return usage_error(SPECS, "Command must include exactly one action: --list, --add, --remove. ");
    }
    if opts.has("principal") && !opts.has("list") {
        return usage_error(SPECS, "The --principal option is only available if --list is set");
    }
    if opts.has("producer") && !opts.has("topic") {
        return usage_error(SPECS, "With --producer you must specify a --topic");
    }
    if opts.has("idempotent") && !opts.has("producer") {
        return usage_error(SPECS, "The --idempotent option is only available if --producer is set");
    }
    if opts.has("consumer")
        && (!opts.has("topic") || !opts.has("group") || opts.has("cluster") || opts.has("transactional-id"))
    {
        return usage_error(SPECS, "With --consumer you must specify a --topic and a --group and no --cluster or --transactional-id option should be specified.");
    }
    let ft = match opts.value("resource-pattern-type").map(|s| s.to_ascii_uppercase()) {
        None => FilterType::Specific(PatternType::Literal),
        Some(s) if s == "ANY" => FilterType::Any,
        Some(s) if s == "MATCH" => FilterType::Match,
        Some(s) if s == "LITERAL" => FilterType::Specific(PatternType::Literal),
        Some(s) if s == "PREFIXED" => FilterType::Specific(PatternType::Prefixed),
        Some(_) => {
            return usage_error(
                SPECS,
                &format!(
                    "Unknown resource-pattern-type: {}",
                    super::shown(opts.value("resource-pattern-type").unwrap_or_default())
                ),
            )
        }
    };
    if opts.has("delegation-token") || opts.has("user-principal") {
        return super::unsupported("delegation tokens and user principals as resources are not modelled.");
    }
    if opts.has("command-config") {
        return super::unsupported(
            "--command-config: the terminal's client is configured by the Run as select.",
        );
    }
    if opts.has("list") {
        return list(&opts, target, ctx, ft);
    }
    let FilterType::Specific(pt) = ft else {
        if opts.has("add") {
            return usage_error(
                SPECS,
                &format!(
                    "A '--resource-pattern-type' value of '{}' is not valid when adding acls.",
                    ft.name()
                ),
            );
        }
        return super::unsupported("--remove with --resource-pattern-type any or match: name the pattern type (literal or prefixed).");
    };
    let res = resources(&opts, ft);
    if res.is_empty() {
        return usage_error(SPECS, "You must provide at least one resource: --topic <topic> or --cluster or --group <group> or --delegation-token <Delegation Token ID>");
    }
    // ACL entries per resource, in the order Kafka builds them.
    let mut per: Vec<(Resource, Vec<AclBinding>)> = Vec::new();
    let convenience = opts.has("producer") || opts.has("consumer");
    for r in &res {
        let ops: Vec<Operation> = if !convenience {
            let given = opts.values("operation");
            if given.is_empty() {
                vec![Operation::All]
            } else {
                let mut v = Vec::new();
                for g in given {
                    match parse_operation(g) {
                        Some(op) if !v.contains(&op) => v.push(op),
                        Some(_) => {}
                        None => {
                            return usage_error(
                                SPECS,
                                &format!(
                                    "ResourceType {} only supports operations {}",
                                    r.rt.name(),
                                    supported(r.rt).iter().map(|o| pascal(*o)).collect::<Vec<_>>().join(", ")
                                ),
                            )
                        }
                    }
                }
                v
            }
        } else {
            let mut v = Vec::new();
            if opts.has("producer") {
                match r.rt {
                    ResourceType::Topic => {
                        v.extend([Operation::Write, Operation::Describe, Operation::Create])
                    }
                    ResourceType::TransactionalId => v.extend([Operation::Write, Operation::Describe]),
                    ResourceType::Cluster => v.push(Operation::IdempotentWrite),
                    ResourceType::Group => {}
                }
            }
            if opts.has("consumer") {
                match r.rt {
                    ResourceType::Topic => v.extend([Operation::Read, Operation::Describe]),
                    ResourceType::Group => v.push(Operation::Read),
                    _ => {}
                }
            }
            v
        };
        if let Some(bad) = ops.iter().find(|o| !supported(r.rt).contains(o)) {
            let _ = bad;
            return usage_error(
                SPECS,
                &format!(
                    "ResourceType {} only supports operations {}",
                    r.rt.name(),
                    supported(r.rt).iter().map(|o| pascal(*o)).collect::<Vec<_>>().join(", ")
                ),
            );
        }
        let mut acls = Vec::new();
        for (principals, hosts, perm) in [
            (opts.values("allow-principal"), opts.values("allow-host"), Permission::Allow),
            (opts.values("deny-principal"), opts.values("deny-host"), Permission::Deny),
        ] {
            for p in principals {
                let principal = match parse_principal(p) {
                    Ok(p) => p,
                    Err(e) => return error(&e),
                };
                for op in &ops {
                    let hosts: Vec<String> = if hosts.is_empty() {
                        vec![WILDCARD.to_string()]
                    } else {
                        hosts.iter().map(|h| h.trim().to_string()).collect()
                    };
                    for h in hosts {
                        let mut a = AclBinding::new(principal.clone(), *op, r.rt, pt, r.name.clone(), perm);
                        a.host = h;
                        if !acls.contains(&a) {
                            acls.push(a);
                        }
                    }
                }
            }
        }
        if convenience && ops.is_empty() {
            continue;
        }
        per.push((r.clone(), acls));
    }
    if opts.has("add") {
        if per.iter().any(|(_, a)| a.is_empty()) {
            return usage_error(
                SPECS,
                "You must specify one of: --allow-principal, --deny-principal when trying to add ACLs.",
            );
        }
        // The broker authorizes CreateAcls (ALTER on the cluster); its refusal is printed.
        let mut o = Output::default();
        for (r, acls) in per {
            if let Some(a) = acls.iter().find(|a| a.host != WILDCARD) {
                o.stderr.push_str(&unsupported_host(&a.host).stderr);
                return o.fail();
            }
            o.outln(format!(
                "Adding ACLs for resource `{}`: \n {} \n",
                pattern_string(r.rt, &r.name, pt.name()),
                acls.iter().map(|a| format!("\t{}", entry_string(a))).collect::<Vec<_>>().join("\n")
            ));
            for a in acls {
                if target.cluster().authorizer().raw_acls().contains(&a) {
                    continue;
                }
                if let Err(e) = target.apply_as(ctx.user.as_deref(), Command::AddAcl { acl: a }) {
                    return with(o, error(&super::java_exception(&e)));
                }
            }
        }
        o
    } else {
        remove(&opts, target, ctx, pt, per)
    }
}

fn unsupported_host(host: &str) -> Output {
    super::unsupported(&format!(
        "host {}: simulated clients have no addresses; use host * (the default).",
        super::shown(host)
    ))
}

fn with(mut a: Output, b: Output) -> Output {
    a.stdout.push_str(&b.stdout);
    a.stderr.push_str(&b.stderr);
    a.status = b.status;
    a
}

fn remove(
    opts: &Parsed,
    target: &mut dyn Target,
    ctx: &Context,
    pt: PatternType,
    per: Vec<(Resource, Vec<AclBinding>)>,
) -> Output {
    let mut o = Output::default();
    for (r, acls) in per {
        let filter = format!(
            "ResourcePatternFilter(resourceType={}, name={}, patternType={})",
            r.rt.name(),
            r.name,
            pt.name()
        );
        if !opts.has("force") {
            if acls.is_empty() {
                o.outln(format!(
                    "Are you sure you want to delete all ACLs for resource filter `{filter}`? (y/n)"
                ));
            } else {
                o.outln(format!(
                    "Are you sure you want to remove ACLs: \n {} \n from resource filter `{filter}`? (y/n)",
                    acls.iter().map(|a| format!("\t{}", entry_string(a))).collect::<Vec<_>>().join("\n")
                ));
            }
            if !ctx.stdin.lines().next().is_some_and(|l| l.trim().eq_ignore_ascii_case("y")) {
                if ctx.stdin.is_empty() {
                    o.errln("(Nothing removed: the terminal cannot answer this prompt. Add --force.)");
                }
                continue;
            }
        }
        let raw: Vec<AclBinding> = target.cluster().authorizer().raw_acls().to_vec();
        let victims: Vec<AclBinding> = raw
            .into_iter()
            .filter(|a| a.resource_type == r.rt && a.resource_name == r.name && a.pattern_type == pt)
            .filter(|a| acls.is_empty() || acls.contains(a))
            .collect();
        // Kafka's AclCommand sends its DeleteAcls filter whether or not anything matches, so
        // the broker's refusal (no ALTER on the cluster) is printed either way: with nothing to
        // remove, one binding of the filter goes, and matching none is no error.
        let nothing = victims.is_empty();
        let probe = acls.first().cloned().unwrap_or_else(|| {
            AclBinding::new("User:*", Operation::All, r.rt, pt, &r.name, crate::core::acl::Permission::Allow)
        });
        let sends = if nothing { vec![probe] } else { victims };
        for a in sends {
            match target.apply_as(ctx.user.as_deref(), Command::RemoveAcl { acl: a }) {
                Err(e) if e.code().is_some() || !nothing => {
                    return with(o, error(&super::java_exception(&e)));
                }
                _ => {}
            }
        }
    }
    o
}

fn list(opts: &Parsed, target: &mut dyn Target, ctx: &Context, ft: FilterType) -> Output {
    // DescribeAcls as the user: the broker needs DESCRIBE on the cluster.
    use crate::core::protocol::describe_acls::DescribeAclsRequest;
    let all: Vec<AclBinding> =
        match target.read_as(ctx.user.as_deref(), "describeAcls", DescribeAclsRequest {}.into()) {
            Err(e) => return error(&super::java_exception(&e)),
            Ok(crate::core::protocol::Response::DescribeAcls(r)) => match r.error_code {
                None => r.resources,
                Some(code) => {
                    let message = r.error_message.unwrap_or_else(|| code.name().to_string());
                    return error(&format!("{}: {message}", super::exception_class(code)));
                }
            },
            _ => Vec::new(),
        };
    let res = resources(opts, ft);
    let keep = |a: &AclBinding| {
        res.is_empty()
            || res.iter().any(|r| {
                r.rt == a.resource_type
                    && match ft {
                        FilterType::Any => a.resource_name == r.name,
                        FilterType::Specific(pt) => a.pattern_type == pt && a.resource_name == r.name,
                        FilterType::Match => match a.pattern_type {
                            PatternType::Literal => a.resource_name == r.name || a.resource_name == WILDCARD,
                            PatternType::Prefixed => r.name.starts_with(a.resource_name.as_str()),
                        },
                    }
            })
    };
    let mut by_resource: std::collections::BTreeMap<(ResourceType, String, PatternType), Vec<AclBinding>> =
        Default::default();
    for acl in all {
        if keep(&acl) {
            let key = (acl.resource_type, acl.resource_name.clone(), acl.pattern_type);
            let v = by_resource.entry(key).or_default();
            if !v.contains(&acl) {
                v.push(acl);
            }
        }
    }
    let mut o = Output::default();
    let print =
        |o: &mut Output,
         m: &std::collections::BTreeMap<(ResourceType, String, PatternType), Vec<AclBinding>>| {
            for ((rt, name, pt), acls) in m {
                if acls.is_empty() {
                    continue;
                }
                o.outln(format!(
                    "Current ACLs for resource `{}`: \n {} \n",
                    pattern_string(*rt, name, pt.name()),
                    acls.iter().map(|a| format!("\t{}", entry_string(a))).collect::<Vec<_>>().join("\n")
                ));
            }
        };
    let principals = opts.values("principal");
    if principals.is_empty() {
        print(&mut o, &by_resource);
    } else {
        for p in principals {
            let principal = match parse_principal(p) {
                Ok(p) => p,
                Err(e) => return error(&e),
            };
            o.outln(format!("ACLs for principal `{principal}`"));
            let filtered = by_resource
                .iter()
                .map(|(k, v)| (k.clone(), v.iter().filter(|a| a.principal == principal).cloned().collect()))
                .collect();
            print(&mut o, &filtered);
        }
    }
    o
}
