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
/// A lesson question's `ask` (`src/core/scenario/prediction.rs`).
pub(crate) const ASK: Tagged = Tagged { field: "type", units: &["redelivers"] };

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
    if let Some(list) = raw.get_mut("predict").and_then(Value::as_array_mut) {
        for (i, p) in list.iter_mut().enumerate() {
            if let Some(ask) = p.get_mut("ask") {
                to_external(ask, &ASK).map_err(|e| (format!("predict[{i}].ask"), e))?;
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
    if let Some(list) = raw.get_mut("predict").and_then(Value::as_array_mut) {
        for ask in list.iter_mut().filter_map(|p| p.get_mut("ask")) {
            to_internal(ask, &ASK);
        }
    }
}

/// Why JSON text could not be read: where (a field path as the file writes it, or empty) and
/// what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonError {
    pub path: String,
    pub message: String,
}

/// Parses JSON text, refusing an object that names a key twice (serde_json's `Value` keeps the
/// last one silently, so `{"topics": [..], "topics": [..]}` would load half a file). Every JSON
/// the playground reads as a tree comes through here: scenario files, share links, autosaves.
/// The error names the key and where it is (`producers[0].rate`).
pub(crate) fn parse_strict(text: &str) -> Result<Value, JsonError> {
    use serde::de::DeserializeSeed;
    let unwind = std::cell::RefCell::new(Unwind::default());
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = Strict { unwind: &unwind }.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    parsed.map_err(|e| {
        let unwind = unwind.into_inner();
        match unwind.duplicate {
            Some(key) => JsonError {
                path: render_path(unwind.path.iter().rev()),
                message: format!("duplicate key `{key}` (a key may appear once in an object)"),
            },
            None => JsonError { path: String::new(), message: format!("not valid JSON: {e}") },
        }
    })
}

enum Segment {
    Key(String),
    Index(usize),
}

fn render_path<'a>(segments: impl Iterator<Item = &'a Segment>) -> String {
    let mut out = String::new();
    for s in segments {
        match s {
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
            Segment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
        }
    }
    out
}

/// A duplicate key found, and the path to it collected innermost first while the parse
/// unwinds (nothing is recorded on the way down: a file that parses pays nothing for it).
#[derive(Default)]
struct Unwind {
    duplicate: Option<String>,
    path: Vec<Segment>,
}

impl Unwind {
    fn leave(&mut self, s: Segment) {
        if self.duplicate.is_some() {
            self.path.push(s);
        }
    }
}

/// Builds a `Value` like serde_json's own, but an object's repeated key is an error.
#[derive(Clone, Copy)]
struct Strict<'a> {
    unwind: &'a std::cell::RefCell<Unwind>,
}

impl<'de> serde::de::DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Strict<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }
    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        loop {
            match seq.next_element_seed(self) {
                Ok(Some(v)) => out.push(v),
                Ok(None) => return Ok(Value::Array(out)),
                Err(e) => {
                    self.unwind.borrow_mut().leave(Segment::Index(out.len()));
                    return Err(e);
                }
            }
        }
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        use serde::de::Error;
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                let mut unwind = self.unwind.borrow_mut();
                unwind.duplicate = Some(key.clone());
                unwind.path.push(Segment::Key(key.clone()));
                return Err(A::Error::custom(format!("duplicate key `{key}`")));
            }
            match map.next_value_seed(self) {
                Ok(v) => {
                    out.insert(key, v);
                }
                Err(e) => {
                    self.unwind.borrow_mut().leave(Segment::Key(key));
                    return Err(e);
                }
            }
        }
        Ok(Value::Object(out))
    }
}

/// Reads `T` from parsed JSON. The error names the field as the file writes it
/// (`script[2].do.name`, without the variant level the externally tagged form adds after `do`
/// and `keys`): `Err((path, message))`.
///
/// Finding the path costs little when the value is good. Only on the error path, the value is
/// written out again one field per line, remembering each line's path, and read from that text:
/// serde_json's error then says on which line it stopped, and so which field is wrong.
///
/// Both reads go through serde_json's text reader, never `T::deserialize(&Value)`: each reader a
/// type is read with compiles all of its derived code once more, and the wasm carried every
/// scenario type twice (#18: ~40 kB of the bundle). Writing the value out costs microseconds for
/// a scenario.
pub(crate) fn from_value<T: serde::de::DeserializeOwned>(v: &Value) -> Result<T, (String, String)> {
    let first = match serde_json::from_str::<T>(&v.to_string()) {
        Ok(t) => return Ok(t),
        Err(e) => without_position(&e),
    };
    let mut lines = Lines { text: String::new(), paths: Vec::new() };
    lines.new_line(String::new());
    lines.write(v, "", false);
    let path = match serde_json::from_str::<T>(&lines.text) {
        Err(e) if e.line() > 0 => lines.paths.get(e.line() - 1).cloned().unwrap_or_default(),
        _ => String::new(),
    };
    Err((path, first))
}

/// serde_json's message without the " at line 1 column 20" the text reader adds (the text is
/// ours, not the user's: the path names the place instead).
fn without_position(e: &serde_json::Error) -> String {
    let message = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match message.strip_suffix(&suffix) {
        Some(m) => m.to_string(),
        None => message,
    }
}

/// JSON written one field per line, with the path of what each line holds.
struct Lines {
    text: String,
    paths: Vec<String>,
}

impl Lines {
    fn new_line(&mut self, path: String) {
        if !self.paths.is_empty() {
            self.text.push('\n');
        }
        self.paths.push(path);
    }

    /// Writes `v` (on the current line) whose path is `path`; `variant` when `v` is an
    /// externally tagged enum's `{"variant": {…}}`, whose key the file does not write.
    fn write(&mut self, v: &Value, path: &str, variant: bool) {
        match v {
            Value::Object(map) => {
                self.text.push('{');
                let tagged = variant && map.len() == 1;
                for (i, (k, child)) in map.iter().enumerate() {
                    let child_path = if tagged {
                        path.to_string()
                    } else if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    self.new_line(child_path.clone());
                    self.text.push_str(&serde_json::to_string(k).unwrap_or_default());
                    self.text.push(':');
                    let child_variant = !tagged && (k == "do" || k == "keys");
                    self.write(child, &child_path, child_variant);
                    if i + 1 < map.len() {
                        self.text.push(',');
                    }
                }
                self.new_line(path.to_string());
                self.text.push('}');
            }
            Value::Array(items) => {
                self.text.push('[');
                for (i, item) in items.iter().enumerate() {
                    let item_path = format!("{path}[{i}]");
                    self.new_line(item_path.clone());
                    self.write(item, &item_path, false);
                    if i + 1 < items.len() {
                        self.text.push(',');
                    }
                }
                self.new_line(path.to_string());
                self.text.push(']');
            }
            scalar => self.text.push_str(&serde_json::to_string(scalar).unwrap_or_default()),
        }
    }
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
