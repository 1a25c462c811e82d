//! Documented limits checked before a request is sent, driven by the rule tables the generator
//! writes (`generated/validation.rs`): one walker here instead of per-type validation code.
//!
//! Only limits are checked (lengths, item counts, numeric bounds); what the Rust types already
//! guarantee (required fields, formats) is not checked again.

use serde_json::Value;

/// Limits of one value.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    min_length: Option<u32>,
    max_length: Option<u32>,
    min_items: Option<u32>,
    max_items: Option<u32>,
    minimum: Option<f64>,
    maximum: Option<f64>,
}

impl Limits {
    /// No limits.
    pub const NONE: Limits = Limits {
        min_length: None,
        max_length: None,
        min_items: None,
        max_items: None,
        minimum: None,
        maximum: None,
    };

    /// Minimum length in characters.
    pub const fn min_length(mut self, n: u32) -> Self {
        self.min_length = Some(n);
        self
    }
    /// Maximum length in characters.
    pub const fn max_length(mut self, n: u32) -> Self {
        self.max_length = Some(n);
        self
    }
    /// Minimum number of items.
    pub const fn min_items(mut self, n: u32) -> Self {
        self.min_items = Some(n);
        self
    }
    /// Maximum number of items.
    pub const fn max_items(mut self, n: u32) -> Self {
        self.max_items = Some(n);
        self
    }
    /// Smallest allowed number.
    pub const fn minimum(mut self, n: f64) -> Self {
        self.minimum = Some(n);
        self
    }
    /// Largest allowed number.
    pub const fn maximum(mut self, n: f64) -> Self {
        self.maximum = Some(n);
        self
    }

    /// The first broken limit of `value`, as a reason text.
    pub fn check(&self, value: &Value) -> Option<String> {
        match value {
            Value::String(s) => {
                let chars = s.chars().count() as u64;
                if let Some(min) = self.min_length {
                    if chars < u64::from(min) {
                        return Some(format!(
                            "must be at least {min} characters long (is {chars})"
                        ));
                    }
                }
                if let Some(max) = self.max_length {
                    if chars > u64::from(max) {
                        return Some(format!(
                            "must be at most {max} characters long (is {chars})"
                        ));
                    }
                }
            }
            Value::Array(items) => {
                let n = items.len() as u64;
                if let Some(min) = self.min_items {
                    if n < u64::from(min) {
                        return Some(format!("must have at least {min} items (has {n})"));
                    }
                }
                if let Some(max) = self.max_items {
                    if n > u64::from(max) {
                        return Some(format!("must have at most {max} items (has {n})"));
                    }
                }
            }
            Value::Number(number) => {
                let n = number.as_f64().unwrap_or(0.0);
                if let Some(min) = self.minimum {
                    if n < min {
                        return Some(format!("must be at least {min} (is {number})"));
                    }
                }
                if let Some(max) = self.maximum {
                    if n > max {
                        return Some(format!("must be at most {max} (is {number})"));
                    }
                }
            }
            _ => {}
        }
        None
    }
}

/// Rules of one field (a key of a JSON object).
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    key: &'static str,
    limits: Limits,
    item_limits: Limits,
    child: Option<&'static str>,
}

impl Rule {
    /// A field with no limits yet.
    pub const fn new(key: &'static str) -> Self {
        Rule {
            key,
            limits: Limits::NONE,
            item_limits: Limits::NONE,
            child: None,
        }
    }
    /// Limits of the value itself.
    pub const fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
    /// Limits of each item, for arrays.
    pub const fn items(mut self, limits: Limits) -> Self {
        self.item_limits = limits;
        self
    }
    /// Rules of the object (or of each object in the array) this field holds.
    pub const fn child(mut self, type_name: &'static str) -> Self {
        self.child = Some(type_name);
        self
    }
}

/// The rules of one generated type, by its Rust name.
pub type TypeRules = (&'static str, &'static [Rule]);

/// Checks `value` (of the type `type_name`) against `rules` (sorted by type name); returns the
/// dotted path and reason of the first broken limit.
pub fn check(
    rules: &[TypeRules],
    type_name: &str,
    value: &Value,
    path: &str,
) -> Option<(String, String)> {
    let index = rules
        .binary_search_by(|(name, _)| (*name).cmp(type_name))
        .ok()?;
    let Value::Object(object) = value else {
        return None;
    };
    for rule in rules[index].1 {
        let Some(field) = object.get(rule.key) else {
            continue;
        };
        let field_path = if path.is_empty() {
            rule.key.to_owned()
        } else {
            format!("{path}.{}", rule.key)
        };
        if let Some(reason) = rule.limits.check(field) {
            return Some((field_path, reason));
        }
        match field {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let item_path = format!("{field_path}[{i}]");
                    if let Some(reason) = rule.item_limits.check(item) {
                        return Some((item_path, reason));
                    }
                    if let Some(child) = rule.child {
                        if let Some(found) = check(rules, child, item, &item_path) {
                            return Some(found);
                        }
                    }
                }
            }
            _ => {
                if let Some(child) = rule.child {
                    if let Some(found) = check(rules, child, field, &field_path) {
                        return Some(found);
                    }
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    static RULES: &[TypeRules] = &[
        (
            "Item",
            &[Rule::new("text").limits(Limits::NONE.min_length(1).max_length(3))],
        ),
        (
            "Root",
            &[
                Rule::new("items")
                    .limits(Limits::NONE.max_items(2))
                    .child("Item"),
                Rule::new("tags").items(Limits::NONE.max_length(2)),
            ],
        ),
    ];

    #[test]
    fn finds_the_first_broken_limit_with_its_path() {
        let ok = serde_json::json!({"items": [{"text": "abc"}], "tags": ["ab"]});
        assert_eq!(check(RULES, "Root", &ok, ""), None);
        let long = serde_json::json!({"items": [{"text": "a"}, {"text": "abcd"}]});
        assert_eq!(
            check(RULES, "Root", &long, "body"),
            Some((
                "body.items[1].text".into(),
                "must be at most 3 characters long (is 4)".into()
            ))
        );
        let many = serde_json::json!({"items": [{}, {}, {}]});
        assert_eq!(check(RULES, "Root", &many, "").unwrap().0, "items");
        let tag = serde_json::json!({"tags": ["abc"]});
        assert_eq!(check(RULES, "Root", &tag, "").unwrap().0, "tags[0]");
        let empty = serde_json::json!({"items": [{"text": ""}]});
        assert!(check(RULES, "Root", &empty, "")
            .unwrap()
            .1
            .contains("at least 1"));
    }
}
