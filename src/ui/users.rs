//! Users & roles: authorization on/off, users, roles granted on topic patterns, and the Kafka
//! ACLs each role means (`RoleBinding::acls`), side by side.

use super::dom::{event_checked, event_value};
use super::problem::{ErrorNote, Problem};
use super::state::{roles, use_handle, use_sim, Action, ErrorAt, Sim};
use super::text::{fill, use_text};
use crate::core::acl::{AclBinding, Operation, PatternType, Permission, ResourceType, Role, RoleBinding};
use crate::core::tools::echo::role_lines;
use crate::core::Command;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Everything the panel shows. Built each frame by [`Users`] (a few small lists); the panel
/// re-renders only when it changes (a command, a scripted step, a load), not on every tick.
#[derive(Debug, Clone, PartialEq)]
pub struct UsersView {
    pub enabled: bool,
    pub names: Vec<String>,
    pub bindings: Vec<RoleBinding>,
    /// The raw ACLs (`kafka-acls --add`), in the order they were added.
    pub raw: Vec<AclBinding>,
    pub error: Option<Problem>,
    /// The raw ACL form's error, shown under that form.
    pub acl_error: Option<Problem>,
}

impl UsersView {
    pub fn of(sim: &Sim) -> Self {
        let auth = sim.run.cluster.authorizer();
        UsersView {
            enabled: auth.config().enabled,
            names: sim.user_names(),
            bindings: auth.role_bindings().to_vec(),
            raw: auth.raw_acls().to_vec(),
            error: sim.errors.get(&ErrorAt::Users).cloned(),
            acl_error: sim.errors.get(&ErrorAt::Acls).cloned(),
        }
    }
}

/// Users & roles (on the ticking context only to build the view).
#[function_component(Users)]
pub fn users() -> Html {
    let ctx = use_sim();
    let view = UsersView::of(&ctx.sim.borrow());
    html! { <UsersPanel {view} /> }
}

#[derive(Properties, PartialEq)]
struct PanelProps {
    view: UsersView,
}

#[function_component(UsersPanel)]
fn users_panel(props: &PanelProps) -> Html {
    let ctx = use_handle();
    let t = use_text();
    let UsersView { enabled, names, bindings, raw, error, acl_error } = &props.view;
    let enabled = *enabled;
    let d = ctx.dispatch.clone();
    let user_ref = use_node_ref();
    let grant_user = use_node_ref();
    let grant_role = use_state(|| Role::Consumer);
    let grant_pattern = use_node_ref();

    let on_toggle = d.reform(|e: Event| {
        Action::cmd(
            ErrorAt::Users,
            Command::SetAuthorization { enabled: event_checked(&e), allow_everyone_if_no_acl_found: None },
        )
    });
    let on_add_user = {
        let (d, r) = (d.clone(), user_ref.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(i) = r.cast::<HtmlInputElement>() {
                let name = i.value().trim().to_string();
                d.emit(Action::cmd(ErrorAt::Users, Command::AddUser { name }));
                i.set_value("");
            }
        })
    };
    let on_grant = {
        let d = d.clone();
        let (u, role, p) = (grant_user.clone(), *grant_role, grant_pattern.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let user = u.cast::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
            let pattern =
                p.cast::<HtmlInputElement>().map(|i| i.value().trim().to_string()).unwrap_or_default();
            let pattern = if pattern.is_empty() { "orders".to_string() } else { pattern };
            d.emit(Action::cmd(ErrorAt::Users, Command::GrantRole { user, role, pattern }));
        })
    };
    let on_role = {
        let grant_role = grant_role.clone();
        Callback::from(move |e: Event| {
            if let Ok(r) = event_value(&e).parse::<Role>() {
                grant_role.set(r);
            }
        })
    };
    let acl_refs =
        (use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref());
    let on_add_acl = {
        let d = d.clone();
        let (pr, op, rt, pt, name, perm) = acl_refs.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let sel = |r: &NodeRef| r.cast::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
            let who = sel(&pr);
            let resource =
                name.cast::<HtmlInputElement>().map(|i| i.value().trim().to_string()).unwrap_or_default();
            let parsed = (
                sel(&op).parse::<Operation>(),
                sel(&rt).parse::<ResourceType>(),
                sel(&pt).parse::<PatternType>(),
                sel(&perm).parse::<Permission>(),
            );
            if let (Ok(op), Ok(rt), Ok(pt), Ok(perm)) = parsed {
                let acl = AclBinding::new(format!("User:{who}"), op, rt, pt, resource, perm);
                d.emit(Action::cmd(ErrorAt::Acls, Command::AddAcl { acl }));
            }
        })
    };
    html! {
        <section class="panel users" aria-labelledby="h-users">
            <h2 id="h-users">{ t.users_roles }</h2>
            <label class="inline switch" title={t.authorization_help}>
                <input type="checkbox" role="switch" checked={enabled} onchange={on_toggle} />
                { t.authorization }
            </label>
            <p class="help">{ t.authorization_help }</p>
            <form class="row" onsubmit={on_add_user}>
                <label class="field">{ t.user_name }<input ref={user_ref} type="text" autocomplete="off" placeholder="alice" /></label>
                <button type="submit">{ t.add_user }</button>
            </form>
            <p><strong>{ t.users }{ ": " }</strong>
                if names.is_empty() { <span class="muted">{ t.no_users }</span> }
                { names.join(", ") }
            </p>
            <form class="row" onsubmit={on_grant}>
                <label class="field">{ t.user }
                    <select ref={grant_user}>
                        { for names.iter().enumerate().map(|(i, n)| html! { <option value={n.clone()} selected={i == 0}>{ n.clone() }</option> }) }
                    </select>
                </label>
                <label class="field">{ t.role }
                    <select onchange={on_role}>
                        { for roles().iter().map(|r| html! { <option value={r.name()} selected={*r == *grant_role}>{ format!("{} ({})", r.service_name(), r.name()) }</option> }) }
                    </select>
                </label>
                <label class="field" title={t.pattern_help}>{ t.pattern }
                    <input ref={grant_pattern} type="text" placeholder="orders" autocomplete="off" />
                </label>
                <button type="submit">{ t.grant_role }</button>
            </form>
            if let Some(e) = error { <ErrorNote problem={e.clone()} /> }
            if bindings.is_empty() { <p class="muted">{ t.no_roles }</p> }
            <ul class="bindings">
                { for bindings.iter().map(|b| {
                    let label = format!("{b} ({})", b.role().service_name());
                    let revoke = {
                        let (user, role, pattern) = (b.user().as_str().to_string(), b.role(), b.pattern().to_string());
                        d.reform(move |_: MouseEvent| Action::cmd(ErrorAt::Users, Command::RevokeRole { user: user.clone(), role, pattern: pattern.clone() }))
                    };
                    html! {
                        <li>
                            <div class="binding-head">
                                <span>{ label.clone() }</span>
                                <button type="button" onclick={revoke} aria-label={fill(t.revoke_named, &[&label])}>{ t.revoke }</button>
                            </div>
                            <details><summary>{ t.acls_meaning }</summary>
                                <ul class="acls">{ for b.acls().iter().map(|a| html! { <li><code>{ a.to_string() }</code></li> }) }</ul>
                                <ul class="acls kafka-acls-lines">{ for role_lines(b, true).into_iter().map(|l| html! { <li><code>{ l }</code></li> }) }</ul>
                            </details>
                        </li>
                    }
                }) }
            </ul>
            <h3>{ t.raw_acls }</h3>
            <p class="help">{ t.raw_acls_help }</p>
            // Every <select> names its default: Yew inserts a list's options last-first, and a
            // select with none marked keeps the first one inserted, i.e. the last option.
            <form class="row" onsubmit={on_add_acl}>
                <label class="field">{ t.principal }
                    <select ref={acl_refs.0.clone()}>
                        <option value="*" selected={names.is_empty()}>{ "User:*" }</option>
                        { for names.iter().enumerate().map(|(i, n)| html! { <option value={n.clone()} selected={i == 0}>{ format!("User:{n}") }</option> }) }
                    </select>
                </label>
                <label class="field">{ t.operation }
                    <select ref={acl_refs.1.clone()}>
                        { for Operation::ALL.iter().map(|o| html! { <option value={o.name()} selected={*o == Operation::Read}>{ o.name() }</option> }) }
                    </select>
                </label>
                <label class="field">{ t.resource_type }
                    <select ref={acl_refs.2.clone()}>
                        { for ResourceType::ALL.iter().map(|r| html! { <option value={r.name()} selected={*r == ResourceType::Topic}>{ r.name() }</option> }) }
                    </select>
                </label>
                <label class="field">{ t.pattern_type }
                    <select ref={acl_refs.3.clone()}>
                        { for PatternType::ALL.iter().map(|p| html! { <option value={p.name()} selected={*p == PatternType::Literal}>{ p.name() }</option> }) }
                    </select>
                </label>
                <label class="field">{ t.resource_name }<input ref={acl_refs.4.clone()} type="text" autocomplete="off" placeholder="orders" /></label>
                <label class="field">{ t.permission }
                    <select ref={acl_refs.5.clone()}>
                        { for Permission::ALL.iter().map(|p| html! { <option value={p.name()} selected={*p == Permission::Allow}>{ p.name() }</option> }) }
                    </select>
                </label>
                <button type="submit">{ t.add_acl }</button>
            </form>
            if let Some(e) = acl_error { <ErrorNote problem={e.clone()} /> }
            if !raw.is_empty() {
                <ul class="acls">{ for raw.iter().cloned().map(|a| {
                    let line = a.to_string();
                    let label = format!("{} {} {} {}", a.permission.name(), a.operation.name(), a.resource_type.name(), a.resource_name);
                    let remove = d.reform(move |_: MouseEvent| Action::cmd(ErrorAt::Acls, Command::RemoveAcl { acl: a.clone() }));
                    html! { <li><code>{ line }</code>{ " " }<button type="button" onclick={remove} aria-label={fill(t.remove_acl_named, &[&label])}>{ t.revoke }</button></li> }
                }) }</ul>
            }
            <details class="role-meanings">
                <summary>{ t.role_meanings }{ " → " }{ t.acls_meaning }</summary>
                <div class="roles-grid">
                    { for roles().iter().map(|r| {
                        let pattern = if *r == Role::Admin { "*" } else { "orders" };
                        let binding = RoleBinding::new("alice", *r, pattern).ok();
                        let acls = binding.as_ref().map(|b| b.acls()).unwrap_or_default();
                        let lines = binding.as_ref().map(|b| role_lines(b, true)).unwrap_or_default();
                        html! {
                            <div class="role-col">
                                <h4>{ fill(t.role_on, &[&format!("{} ({})", r.service_name(), r.name()), &pattern]) }</h4>
                                <ul class="acls">{ for acls.iter().map(|a| html! { <li><code>{ a.to_string() }</code></li> }) }</ul>
                                <ul class="acls kafka-acls-lines">{ for lines.iter().map(|l| html! { <li><code>{ l.clone() }</code></li> }) }</ul>
                            </div>
                        }
                    }) }
                </div>
            </details>
        </section>
    }
}
