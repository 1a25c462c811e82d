//! Every Rust identifier the generator emits is decided here: heck for case, then keywords,
//! leading digits and names that would shadow what generated code uses.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words Rust reserves (strict and reserved keywords of the 2021 edition).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Type names generated code uses unqualified; a schema with one of these names is renamed.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "Some",
    "None",
    "Ok",
    "Err",
    "Value",
    "BTreeMap",
    "Uuid",
    "Timestamp",
    "Date",
    "Client",
    "Error",
    "Serialize",
    "Deserialize",
    "Default",
];

/// Rust type name for a spec name: `getOrCreate_conversation` -> `GetOrCreateConversation`.
pub fn type_name(spec_name: &str) -> String {
    let mut name = spec_name.to_upper_camel_case();
    if name.is_empty() {
        name = "Unnamed".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'T');
    }
    if RESERVED_TYPE_NAMES.contains(&name.as_str()) || name == "Self" {
        name.push_str("Type");
    }
    name
}

/// Rust enum variant name for a wire value: `BUSINESS_TO_PARTICIPANT` -> `BusinessToParticipant`.
pub fn variant_name(wire: &str) -> String {
    let mut name = wire.to_upper_camel_case();
    if name.is_empty() {
        name = if wire.is_empty() {
            "Empty".to_owned()
        } else {
            "Symbol".to_owned()
        };
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    // `Unrecognized` is the catch-all every open enum carries; `Self` is not an identifier.
    if name == "Unrecognized" || name == "Self" {
        name.push_str("Value");
    }
    name
}

/// Rust field, method or parameter name: `createdDate` -> `created_date`, `type` -> `r#type`.
pub fn field_name(spec_name: &str) -> String {
    let mut name = spec_name.to_snake_case();
    if name.is_empty() {
        name = "unnamed".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if KEYWORDS.contains(&name.as_str()) {
        if NOT_RAW.contains(&name.as_str()) {
            name.push('_');
        } else {
            name.insert_str(0, "r#");
        }
    }
    name
}

/// The name serde derives from a Rust field under `rename_all = "camelCase"`.
pub fn serde_camel_case(field: &str) -> String {
    let field = field.strip_prefix("r#").unwrap_or(field);
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for (i, c) in field.chars().enumerate() {
        if c == '_' {
            if i == 0 {
                out.push(c);
            } else {
                upper = true;
            }
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The field name without a raw-identifier prefix, as serde sees it.
pub fn unraw(field: &str) -> &str {
    field.strip_prefix("r#").unwrap_or(field)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let cases = [
            (type_name("SendMessageRequest"), "SendMessageRequest"),
            (type_name("pagingMetadataV2"), "PagingMetadataV2"),
            (type_name("2fa-settings"), "T2faSettings"),
            (type_name("Result"), "ResultType"),
            (type_name("Self"), "SelfType"),
            (type_name("$$$"), "Unnamed"),
            (
                variant_name("BUSINESS_TO_PARTICIPANT"),
                "BusinessToParticipant",
            ),
            (variant_name("unrecognized"), "UnrecognizedValue"),
            (variant_name("1"), "V1"),
            (variant_name(""), "Empty"),
            (variant_name("-"), "Symbol"),
            (field_name("createdDate"), "created_date"),
            (field_name("type"), "r#type"),
            (field_name("self"), "self_"),
            (field_name("paging.limit"), "paging_limit"),
            (field_name("_links"), "links"),
            (field_name("3d"), "_3d"),
            (field_name("@id"), "id"),
            (serde_camel_case("created_date"), "createdDate"),
            (serde_camel_case("r#type"), "type"),
            (serde_camel_case("preview_text2"), "previewText2"),
        ];
        for (got, want) in cases {
            assert_eq!(got, want);
        }
    }
}
