//! The JSON shape of scenario files, between the text and serde.
//!
//! Scenario files write commands and key modes with a tag field:
//! `{"type": "crash_consumer", "name": "c2"}`, `{"mode": "set", "prefix": "user-", "count": 5}`.
//! Serde can derive that form (`#[serde(tag = "type")]`), but it reads such an enum by first
//! buffering it into an intermediate tree and compiles every variant's code again for that tree;
//! for `Command` that was ~30 kB of the page's gzipped wasm. So the Rust types derive serde's
//! default, externally tagged form (`{"crash_consumer": {"name": "c2"}}`) and this module rewrites
//! parsed JSON between the two, in one place, for everything that reads or writes scenarios.
//! The file format does not change.

use serde_json::{Map, Value};

/// A tagged enum as scenario files write it.
pub(crate) struct Tagged {
    /// The tag field: `type` for commands, `mode` for key modes.
    pub field: &'static str,
    /// Variants without fields, which serde writes as a bare string (`"none"`).
    pub units: &'static [&'static str],
}

pub(crate) const COMMAND: Tagged = Tagged { field: "type", units: &[] };
pub(crate) const KEY_MODE: Tagged = Tagged { field: "mode", units: &["none", "random"] };

/// `{"type": "x", …rest}` → `{"x": {…rest}}`, or `"x"` for a unit variant with nothing else.
/// A value that is not an object is left for serde to report with its usual message.
pub(crate) fn to_external(v: &mut Value, t: &Tagged) -> Result<(), String> {
    let Value::Object(obj) = v else { return Ok(()) };
    let name = match obj.remove(t.field) {
        Some(Value::String(name)) => name,
        Some(other) => {
            return Err(format!("`{}` must be a string naming the variant, not {other}", t.field));
        }
        None => return Err(format!("missing field `{}`", t.field)),
    };
    let rest = std::mem::take(obj);
    *v = if rest.is_empty() && t.units.contains(&name.as_str()) {
        Value::String(name)
    } else {
        Value::Object(Map::from_iter([(name, Value::Object(rest))]))
    };
    Ok(())
}

/// The inverse of [`to_external`], for writing: the tag comes first.
pub(crate) fn to_internal(v: &mut Value, t: &Tagged) {
    let (name, rest) = match std::mem::take(v) {
        Value::String(name) => (name, Map::new()),
        Value::Object(obj) if obj.len() == 1 => match obj.into_iter().next() {
            Some((name, Value::Object(rest))) => (name, rest),
            Some((name, inner)) => {
                // Not a shape serde writes for these enums; put it back untouched.
                *v = Value::Object(Map::from_iter([(name, inner)]));
                return;
            }
            None => return,
        },
        other => {
            *v = other;
            return;
        }
    };
    let mut obj = Map::from_iter([(t.field.to_string(), Value::String(name))]);
    obj.extend(rest);
    *v = Value::Object(obj);
}

/// A command as files write it → as serde reads it, including the key mode of a producer it
/// carries. `Err((where inside the command, message))`.
pub(crate) fn command_to_external(v: &mut Value) -> Result<(), (&'static str, String)> {
    let kind = v.get(COMMAND.field).and_then(Value::as_str).unwrap_or_default();
    if matches!(kind, "add_producer" | "update_producer") {
        if let Some(keys) = v.get_mut("producer").and_then(|p| p.get_mut("keys")) {
            to_external(keys, &KEY_MODE).map_err(|e| (".producer.keys", e))?;
        }
    }
    to_external(v, &COMMAND).map_err(|e| ("", e))
}

/// A command as serde writes it → as files write it.
pub(crate) fn command_to_internal(v: &mut Value) {
    to_internal(v, &COMMAND);
    let kind = v.get(COMMAND.field).and_then(Value::as_str).unwrap_or_default();
    if matches!(kind, "add_producer" | "update_producer") {
        if let Some(keys) = v.get_mut("producer").and_then(|p| p.get_mut("keys")) {
            to_internal(keys, &KEY_MODE);
        }
    }
}

/// A whole scenario file → as serde reads it. `Err((path, message))`.
pub(crate) fn scenario_to_external(raw: &mut Value) -> Result<(), (String, String)> {
    if let Some(list) = raw.get_mut("producers").and_then(Value::as_array_mut) {
        for (i, p) in list.iter_mut().enumerate() {
            if let Some(keys) = p.get_mut("keys") {
                to_external(keys, &KEY_MODE).map_err(|e| (format!("producers[{i}].keys"), e))?;
            }
        }
    }
    if let Some(steps) = raw.get_mut("script").and_then(Value::as_array_mut) {
        for (i, step) in steps.iter_mut().enumerate() {
            if let Some(action) = step.get_mut("do") {
                command_to_external(action).map_err(|(at, e)| (format!("script[{i}].do{at}"), e))?;
            }
        }
    }
    Ok(())
}

/// A whole scenario as serde writes it → as files write it.
pub(crate) fn scenario_to_internal(raw: &mut Value) {
    if let Some(list) = raw.get_mut("producers").and_then(Value::as_array_mut) {
        for keys in list.iter_mut().filter_map(|p| p.get_mut("keys")) {
            to_internal(keys, &KEY_MODE);
        }
    }
    if let Some(steps) = raw.get_mut("script").and_then(Value::as_array_mut) {
        for action in steps.iter_mut().filter_map(|s| s.get_mut("do")) {
            command_to_internal(action);
        }
    }
}

/// A serde error's location as a file's author sees it: `script[2].do.name`, without the
/// variant segment the externally tagged form adds after `do` and `keys`.
pub(crate) fn file_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    let mut previous = "";
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Enum { .. } if previous == "do" || previous == "keys" => {}
            Segment::Map { key: name } | Segment::Enum { variant: name } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Segment::Unknown => out.push_str(".?"),
        }
        previous = match segment {
            Segment::Map { key } => key,
            _ => "",
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn commands_convert_both_ways() {
        let file = json!({"type": "add_producer", "producer": {"name": "p", "topic": "t",
            "keys": {"mode": "set", "prefix": "u-", "count": 3}}});
        let mut v = file.clone();
        command_to_external(&mut v).unwrap();
        assert_eq!(
            v,
            json!({"add_producer": {"producer": {"name": "p", "topic": "t",
                "keys": {"set": {"prefix": "u-", "count": 3}}}}})
        );
        command_to_internal(&mut v);
        assert_eq!(v, file);
        assert_eq!(serde_json::to_string(&v).unwrap().find("\"type\""), Some(1), "the tag comes first");
    }

    #[test]
    fn unit_variants_are_bare_strings() {
        let mut v = json!({"mode": "none"});
        to_external(&mut v, &KEY_MODE).unwrap();
        assert_eq!(v, json!("none"));
        to_internal(&mut v, &KEY_MODE);
        assert_eq!(v, json!({"mode": "none"}));
        // With extra fields it stays an object, and serde names the problem.
        let mut v = json!({"mode": "none", "key": "k"});
        to_external(&mut v, &KEY_MODE).unwrap();
        assert_eq!(v, json!({"none": {"key": "k"}}));
    }

    #[test]
    fn a_missing_or_odd_tag_is_an_error_and_other_shapes_are_left_to_serde() {
        let mut v = json!({"name": "c"});
        assert_eq!(to_external(&mut v, &COMMAND), Err("missing field `type`".to_string()));
        let mut v = json!({"type": 7});
        assert!(to_external(&mut v, &COMMAND).unwrap_err().contains("must be a string"));
        for odd in [json!(null), json!([1]), json!("x")] {
            let mut v = odd.clone();
            to_external(&mut v, &COMMAND).unwrap();
            assert_eq!(v, odd);
        }
    }
}
