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
    // Imported by `operations.rs` from the runtime: a glob import of the same name is ambiguous.
    "Method",
    "Query",
    "QueryValue",
    "OperationMeta",
    "RequestParts",
    "Limits",
    "Rule",
    "TypeRules",
    "Stream",
];

/// Methods `Client` already has: an operation with one of these names gets `_operation`.
const CLIENT_METHODS: &[&str] = &[
    "builder",
    "new",
    "base_url",
    "retry_policy",
    "with_retry_policy",
    "with_auth",
    "drift_report",
    "clear_drift_report",
    "drift_detection",
    "execute",
    "execute_raw",
    "decode",
    "send",
    "attempt",
    "should_retry",
    "request_url",
    "clone",
    "fmt",
];

/// Names a generated method body uses for its own locals and arguments; a parameter with one
/// of these names gets `_param`.
const METHOD_LOCALS: &[&str] = &[
    "body", "options", "path", "query", "cursor", "first", "page", "items", "next", "value",
    "client",
];

/// Setter names that would shadow what option structs derive (`clone`, `default`, ...).
const DERIVED_METHODS: &[&str] = &["clone", "default", "eq", "ne", "fmt", "clone_from"];

/// Makes spec text safe for heck: non-ASCII letters and digits become `u{hex}` words (so
/// distinct names stay distinct), other non-ASCII characters separate words.
fn ascii_words(spec_name: &str) -> std::borrow::Cow<'_, str> {
    if spec_name.is_ascii() {
        return std::borrow::Cow::Borrowed(spec_name);
    }
    let mut out = String::with_capacity(spec_name.len() + 8);
    for c in spec_name.chars() {
        if c.is_ascii() {
            out.push(c);
        } else if c.is_alphanumeric() {
            out.push_str(&format!("_u{:x}_", c as u32));
        } else {
            out.push('_');
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Rust type name for a spec name: `getOrCreate_conversation` -> `GetOrCreateConversation`.
pub fn type_name(spec_name: &str) -> String {
    let mut name = ascii_words(spec_name).to_upper_camel_case();
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
    // A sign is the only thing telling `-1` from `+1`.
    let signed = match wire.strip_prefix('-') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => format!("minus {rest}"),
        _ => match wire.strip_prefix('+') {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => format!("plus {rest}"),
            _ => wire.to_owned(),
        },
    };
    let mut name = ascii_words(&signed).to_upper_camel_case();
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
    let mut name = ascii_words(spec_name).to_snake_case();
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

/// Rust method name of an operation: a field name that does not shadow a `Client` method.
pub fn method_name(spec_name: &str) -> String {
    let mut name = field_name(spec_name);
    if CLIENT_METHODS.contains(&unraw(&name)) {
        name = format!("{}_operation", unraw(&name));
    }
    name
}

/// Rust name of an operation parameter: a field name that is not one of the locals of the
/// generated method body, nor a method that option structs derive.
pub fn param_name(spec_name: &str) -> String {
    let mut name = field_name(spec_name);
    if METHOD_LOCALS.contains(&unraw(&name)) || DERIVED_METHODS.contains(&unraw(&name)) {
        name = format!("{}_param", unraw(&name));
    }
    name
}

/// A short, stable suffix that tells apart two items whose names collide: a hash of the JSON
/// pointer of the item's place in the spec (never a counter, so adding items elsewhere never
/// renames it).
pub fn place_suffix(pointer: &str) -> String {
    // FNV-1a, 32 bits: stable across platforms and Rust versions.
    let mut hash: u32 = 0x811c_9dc5;
    for byte in pointer.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    format!("{:06x}", hash & 0x00ff_ffff)
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
            (variant_name("-1"), "Minus1"),
            (variant_name("+1.5"), "Plus15"),
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
            (field_name("名字"), "u540d_u5b57"),
            (type_name("ñame"), "Uf1Ame"),
            (field_name("😀"), "unnamed"),
            (type_name("Method"), "MethodType"),
            (method_name("send"), "send_operation"),
            (param_name("body"), "body_param"),
            (param_name("clone"), "clone_param"),
        ];
        for (got, want) in cases {
            assert_eq!(got, want);
        }
        assert_eq!(place_suffix("#/components/schemas/a").len(), 6);
        assert_ne!(
            place_suffix("#/components/schemas/a"),
            place_suffix("#/components/schemas/b")
        );
    }
}
