//! The crate's module graph, read from the sources: which module names which (`crate::…`,
//! `super::…`, `self::…` paths in `use` lines and in code, grouped imports `{a, b}` included,
//! items re-exported by a `mod.rs` followed to the module that defines them). Tests are left
//! out (a module's `#[cfg(test)] mod tests` may use anything).
//!
//! Modules are taken at two levels (`core::broker` stands for everything under
//! `src/core/broker/`, `ui::state` for `state.rs` and `state/`): a module and its own
//! submodules are one node, and what a module declares in its `mod.rs` does not count.
//!
//! The rule (ARCHITECTURE.md, "The module graph"): no import cycle anywhere in the crate. The
//! UI's graph is acyclic — the model (`ui::state` and its submodules) names no view — and so
//! is the core's: `Cluster` (`core::cluster`, with its `impl Cluster` blocks in `cluster/`)
//! names the nodes and their vocabulary, and none of them names it back. The test fails on
//! any cycle and names the imports that make it, so it can be broken.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Module = Vec<String>;

/// Every module of the library (`src/` without `main.rs` and `bin/`), with its source.
fn modules(dir: &Path, path: &Module, out: &mut BTreeMap<Module, String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("src/ reads").flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        let name = p.file_stem().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        if p.is_dir() {
            if path.is_empty() && name == "bin" {
                continue;
            }
            let mut sub = path.clone();
            sub.push(name);
            modules(&p, &sub, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            if path.is_empty() && (name == "main" || name == "lib") {
                continue;
            }
            let mut m = path.clone();
            if name != "mod" {
                m.push(name);
            }
            out.insert(m, std::fs::read_to_string(&p).expect("a source file reads"));
        }
    }
}

/// The source without comments and without its test module (`#[cfg(test)]` then `mod`,
/// which by the crate's style comes last).
fn code(src: &str) -> String {
    let mut out = String::new();
    let mut lines = src.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            let next = lines.peek().map(|l| l.trim_start()).unwrap_or_default();
            if (next.starts_with("mod ") || next.starts_with("pub(crate) mod ")) && next.ends_with('{') {
                break;
            }
        }
        let without_comment = match line.find("//") {
            // A `//` inside a string ("https://…") is not a comment; paths never follow one.
            Some(i) if !line[..i].contains('"') => &line[..i],
            _ => line,
        };
        out.push_str(without_comment);
        out.push('\n');
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The paths a use-tree or path starting at `s` names: `a::b::{c, d::e}` gives `a::b::c` and
/// `a::b::d::e`.
fn tree(s: &str, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix.to_vec();
    let mut i = 0;
    let b = s.as_bytes();
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < b.len() && b[i] == b'{' {
            i += 1;
            loop {
                i += tree(&s[i..], &path, out);
                while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b',') {
                    i += 1;
                }
                if i >= b.len() || b[i] == b'}' {
                    return i + 1;
                }
            }
        }
        let start = i;
        while i < b.len() && is_ident(b[i] as char) {
            i += 1;
        }
        if i > start {
            path.push(s[start..i].to_string());
        }
        if s[i..].starts_with("::") && i > start {
            i += 2;
            continue;
        }
        out.push(path);
        return i.max(1);
    }
}

/// The module a path written in module `m` names, as written (`super` is `m`'s parent
/// whether `m` is a file or a directory's `mod.rs`).
fn absolute(m: &Module, path: &[String]) -> Option<Module> {
    let (mut base, mut rest): (Module, &[String]) = match path.first().map(String::as_str) {
        Some("crate") => (Vec::new(), &path[1..]),
        Some("self") => (m.clone(), &path[1..]),
        Some("super") => (m.clone(), path),
        _ => return None,
    };
    while rest.first().is_some_and(|s| s == "super") {
        base.pop();
        rest = &rest[1..];
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

fn graph() -> BTreeMap<Module, BTreeSet<Module>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    modules(&root, &Vec::new(), &mut files);
    // `pub use child::…::Item;` in a module: `module::Item` is in `module::child`.
    let mut reexports: BTreeMap<Module, Module> = BTreeMap::new();
    for (m, src) in &files {
        let src = code(src);
        for stmt in src.split(';') {
            let Some(rest) = stmt.trim_start().strip_prefix("pub use ") else { continue };
            let mut paths = Vec::new();
            tree(rest, &[], &mut paths);
            for p in paths {
                let p: Vec<String> = p.into_iter().filter(|s| s != "self").collect();
                if p.len() >= 2 {
                    let mut item = m.clone();
                    item.push(p.last().cloned().unwrap_or_default());
                    let mut child = m.clone();
                    child.push(p[0].clone());
                    if files.contains_key(&child) {
                        reexports.insert(item, child);
                    }
                }
            }
        }
    }
    let node = |m: &Module| -> Module { m.iter().take(2).cloned().collect() };
    let mut g: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (m, src) in &files {
        let src = code(src);
        let from = node(m);
        g.entry(from.clone()).or_default();
        for kw in ["crate::", "super::", "self::"] {
            let mut at = 0;
            while let Some(i) = src[at..].find(kw) {
                let i = at + i;
                at = i + kw.len();
                if i > 0 && (is_ident(src[..i].chars().last().unwrap_or(' ')) || src[..i].ends_with("::")) {
                    continue;
                }
                let mut paths = Vec::new();
                tree(&src[i..], &[], &mut paths);
                for p in paths {
                    let Some(abs) = absolute(m, &p) else { continue };
                    // The longest prefix that is a module, then a re-exported item followed.
                    let Some(k) = (1..=abs.len()).rev().find(|k| files.contains_key(&abs[..*k])) else {
                        continue;
                    };
                    let mut target: Module = abs[..k].to_vec();
                    if let Some(next) = abs.get(k) {
                        let mut item = target.clone();
                        item.push(next.clone());
                        if let Some(child) = reexports.get(&item) {
                            target = child.clone();
                        }
                    }
                    // A module's own ancestors (their `mod.rs`) and its own submodules do not count.
                    let to = node(&target);
                    let ancestor = from.starts_with(&to) || to.starts_with(&from);
                    if !ancestor {
                        g.entry(from.clone()).or_default().insert(to);
                    }
                }
            }
        }
    }
    g
}

/// The strongly connected components with more than one module (Tarjan's algorithm).
fn cycles(g: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<BTreeSet<Module>> {
    struct T<'a> {
        g: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        on: BTreeSet<&'a Module>,
        out: Vec<BTreeSet<Module>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a Module) {
        let n = t.index.len();
        t.index.insert(v, n);
        t.low.insert(v, n);
        t.stack.push(v);
        t.on.insert(v);
        let g = t.g;
        for w in g.get(v).into_iter().flatten() {
            let Some((w, _)) = g.get_key_value(w) else { continue };
            if !t.index.contains_key(w) {
                visit(t, w);
                let l = t.low[v].min(t.low[w]);
                t.low.insert(v, l);
            } else if t.on.contains(w) {
                let l = t.low[v].min(t.index[w]);
                t.low.insert(v, l);
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = BTreeSet::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.insert(w.clone());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in g.keys() {
        if !t.index.contains_key(v) {
            visit(&mut t, v);
        }
    }
    t.out
}

fn name(m: &Module) -> String {
    m.join("::")
}

#[test]
fn no_import_cycle() {
    let g = graph();
    let mut problems = Vec::new();
    for comp in cycles(&g) {
        let names: Vec<String> = comp.iter().map(name).collect();
        // Say which imports make the cycle, so it can be broken.
        let edges: Vec<String> = comp
            .iter()
            .flat_map(|a| {
                g[a].iter().filter(|b| comp.contains(*b)).map(move |b| format!("{} -> {}", name(a), name(b)))
            })
            .collect();
        problems.push(format!("an import cycle through {names:?}; its imports:\n  {}", edges.join("\n  ")));
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn the_graph_is_read_as_written() {
    let g = graph();
    let edge = |a: &str, b: &str| {
        let a: Module = a.split("::").map(String::from).collect();
        let b: Module = b.split("::").map(String::from).collect();
        g.get(&a).is_some_and(|s| s.contains(&b))
    };
    // `use super::problem::Problem;` in ui/state.rs.
    assert!(edge("ui::state", "ui::problem"));
    // A grouped import: `use crate::ui::text::{fill, Lang, Text};` in ui/state/predict.rs.
    assert!(edge("ui::state", "ui::text"));
    // Through a re-export: `crate::core::Command` is `core::command`'s.
    assert!(edge("ui::state", "core::command"));
    // The views name the model; the model names no view.
    assert!(edge("ui::predict", "ui::state"));
    assert!(!edge("ui::state", "ui::predict"));
    // The core never names the UI.
    assert!(g.iter().filter(|(m, _)| m[0] == "core").all(|(_, to)| to.iter().all(|t| t[0] != "ui")));
}
