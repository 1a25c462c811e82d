//! Every Rust identifier the generator emits is decided here: heck for case, then keywords,
//! leading digits and names that would shadow what generated code uses ([`type_name`],
//! [`field_name`], ...), and who gets a name when two spec items want the same one ([`Scope`]).

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

/// Methods `Client` already has (inherent, from trait impls and from derives): an operation
/// with one of these names gets `_operation`. `build.rs` derives the list from the runtime's
/// source, so it cannot go stale.
const CLIENT_METHODS: &[&str] = include!(concat!(env!("OUT_DIR"), "/client_methods.rs"));

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

/// Whether `name` is lowercase ASCII words and digits joined by single underscores, not
/// starting with a digit (`html_url`, `per_page2`): heck's snake case of it is itself.
fn is_plain_snake_case(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_lowercase)
        && bytes.last() != Some(&b'_')
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
        && !name.contains("__")
}

/// heck's upper camel case of an ASCII `name`, without heck's per-character formatting
/// (type names are most of the names a large spec needs): the same word boundaries (any
/// character but a letter or digit; a lower-case letter, or a digit after one, followed by
/// an upper-case letter; an upper-case letter followed by a lower-case one after another
/// upper-case letter), each word capitalized. `None` for other text, which heck handles. A
/// test compares the two on every name up to 6 characters of a mixed alphabet.
fn ascii_upper_camel_case(name: &str) -> Option<String> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mode {
        Boundary,
        Lower,
        Upper,
    }
    if !name.is_ascii() {
        return None;
    }
    let mut out = String::with_capacity(name.len());
    let mut push_word = |word: &[u8]| {
        if let Some((first, rest)) = word.split_first() {
            out.push(char::from(first.to_ascii_uppercase()));
            out.extend(rest.iter().map(|b| char::from(b.to_ascii_lowercase())));
        }
    };
    for word in name.as_bytes().split(|b| !b.is_ascii_alphanumeric()) {
        let mut start = 0;
        let mut mode = Mode::Boundary;
        for i in 0..word.len() {
            let c = word[i];
            let Some(&next) = word.get(i + 1) else {
                push_word(&word[start..]);
                break;
            };
            let next_mode = if c.is_ascii_lowercase() {
                Mode::Lower
            } else if c.is_ascii_uppercase() {
                Mode::Upper
            } else {
                mode
            };
            if next_mode == Mode::Lower && next.is_ascii_uppercase() {
                push_word(&word[start..=i]);
                start = i + 1;
                mode = Mode::Boundary;
            } else if mode == Mode::Upper && c.is_ascii_uppercase() && next.is_ascii_lowercase() {
                push_word(&word[start..i]);
                start = i;
                mode = Mode::Boundary;
            } else {
                mode = next_mode;
            }
        }
    }
    Some(out)
}

/// Rust type name for a spec name: `getOrCreate_conversation` -> `GetOrCreateConversation`.
pub fn type_name(spec_name: &str) -> String {
    let mut name = ascii_upper_camel_case(spec_name)
        .unwrap_or_else(|| ascii_words(spec_name).to_upper_camel_case());
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
    let signed = signed_words(wire);
    let mut name = ascii_upper_camel_case(&signed)
        .unwrap_or_else(|| ascii_words(&signed).to_upper_camel_case());
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

/// A sign is the only thing telling `-1` from `+1` (GitHub's reaction counts,
/// `reactions-+1`): a `+` or `-` before a digit, at the start or after a separator, becomes a
/// word (`minus 1`, `reactions plus 1`). A `-` after a letter or digit (`utc-5`, `2024-01`)
/// stays a separator.
fn signed_words(wire: &str) -> std::borrow::Cow<'_, str> {
    let bytes = wire.as_bytes();
    let is_sign = |i: usize| {
        matches!(bytes[i], b'+' | b'-')
            && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
            && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
    };
    if !(0..bytes.len()).any(is_sign) {
        return wire.into();
    }
    let mut out = String::with_capacity(wire.len() + 8);
    for (i, c) in wire.char_indices() {
        match c {
            '+' if is_sign(i) => out.push_str(" plus "),
            '-' if is_sign(i) => out.push_str(" minus "),
            c => out.push(c),
        }
    }
    out.into()
}

/// Rust field, method or parameter name: `createdDate` -> `created_date`, `type` -> `r#type`,
/// `+1` -> `plus_1`.
pub fn field_name(spec_name: &str) -> String {
    let mut name = if is_plain_snake_case(spec_name) {
        // What heck would return (most properties of a large spec are written so).
        spec_name.to_owned()
    } else {
        ascii_words(&signed_words(spec_name)).to_snake_case()
    };
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

/// The name of a struct's map of the fields the spec does not list: `extra`, unless a listed
/// field already has that name (then `extra_fields`, `extra_fields_`, ...).
pub fn extra_field<'a>(fields: impl Iterator<Item = &'a str> + Clone) -> String {
    let mut name = "extra".to_owned();
    while fields.clone().any(|f| f == name) {
        name = if name == "extra" {
            "extra_fields".to_owned()
        } else {
            name + "_"
        };
    }
    name
}

/// The field name without a raw-identifier prefix, as serde sees it.
pub fn unraw(field: &str) -> &str {
    field.strip_prefix("r#").unwrap_or(field)
}

/// What a [`Scope`] names: decides how a collision is worded and how a rename is spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Types of the crate (UpperCamelCase; a rename appends the suffix).
    Type,
    /// Variants of one enum (UpperCamelCase).
    Variant,
    /// Fields of one struct (snake_case; a rename appends `_` and the suffix).
    Field,
    /// Methods of `Client` (snake_case).
    Method,
    /// Parameters of one operation (snake_case).
    Param,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Type => "Rust type",
            Kind::Variant => "Rust variant",
            Kind::Field => "Rust field",
            Kind::Method => "Rust method",
            Kind::Param => "Rust name",
        }
    }

    fn separator(self) -> &'static str {
        match self {
            Kind::Type | Kind::Variant => "",
            Kind::Field | Kind::Method | Kind::Param => "_",
        }
    }
}

/// What happens when two spec items want the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// The second one is refused with an error naming both (strict mode).
    Refuse,
    /// The second one is renamed after its place, with a warning (lenient mode).
    Rename,
    /// The second one is renamed after its place, silently: for names the generator derives
    /// from other names already unique (the variants of a `oneOf` union).
    RenameQuietly,
}

impl Policy {
    /// `Refuse` in strict mode, else `Rename`.
    pub fn for_mode(strict: bool) -> Self {
        if strict {
            Policy::Refuse
        } else {
            Policy::Rename
        }
    }
}

/// A spec item that wants a name: how to call it in a message, and where it is.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    /// The item as a reader of the spec knows it (`` `createdDate` ``, `` operation `getX` ``).
    pub label: &'a str,
    /// Its JSON pointer.
    pub pointer: &'a str,
    /// Its position in a list, when it has one: the first rename tries this number before a
    /// hash of the pointer (`Value1` reads better than `Value3f2a1c`).
    pub index: Option<usize>,
}

impl<'a> Place<'a> {
    /// An item at `pointer`, called `label`.
    pub fn new(label: &'a str, pointer: &'a str) -> Self {
        Place {
            label,
            pointer,
            index: None,
        }
    }

    /// The same item at position `index` of its list.
    pub fn at_index(mut self, index: usize) -> Self {
        self.index = Some(index);
        self
    }
}

/// A name someone else already has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collision {
    /// Names both items and both places, and what was done.
    pub message: String,
    /// The name given instead (`Rename` policies); `None` when the item was refused.
    pub renamed: Option<String>,
    /// Whether the rename is reported (`RenameQuietly` is not).
    pub reported: bool,
}

/// One namespace of generated identifiers (the crate's types, one struct's fields, one enum's
/// variants, `Client`'s methods, one operation's parameters): the one place where a spec item
/// is given a name, first come first served, and where a second item wanting the same name
/// is refused or renamed after its place.
///
/// Renames are deterministic: the item's index in its list or a hash of its JSON pointer
/// ([`place_suffix`]), never a counter, so adding items elsewhere renames nothing.
#[derive(Debug, Clone)]
pub struct Scope {
    kind: Kind,
    policy: Policy,
    /// Name -> (label, pointer) of whoever claimed it (only looked up, never iterated).
    claimed: std::collections::HashMap<String, (String, String), crate::dedup::Fast>,
}

impl Scope {
    /// An empty scope.
    pub fn new(kind: Kind, policy: Policy) -> Self {
        Scope {
            kind,
            policy,
            claimed: Default::default(),
        }
    }

    /// Whether `name` is claimed.
    pub fn is_taken(&self, name: &str) -> bool {
        self.claimed.contains_key(name)
    }

    /// Claims `candidate` for the item at `place`: the name, or a [`Collision`] that names
    /// both items (with the name given instead, unless the policy refuses).
    pub fn claim(&mut self, candidate: &str, place: Place<'_>) -> Result<String, Collision> {
        self.claim_with(candidate, &[], place)
    }

    /// Claims `candidate` and, with it, `candidate` + each of `companions` (a paged operation
    /// also has a `{name}_stream` method): all of them are free, or the item is renamed (or
    /// refused) as a whole.
    pub fn claim_with(
        &mut self,
        candidate: &str,
        companions: &[&str],
        place: Place<'_>,
    ) -> Result<String, Collision> {
        let Some(other) = self.holder(candidate, companions) else {
            self.insert(candidate, companions, place);
            return Ok(candidate.to_owned());
        };
        let (other_label, other_pointer) = other.clone();
        let noun = self.kind.noun();
        let collision = format!(
            "name collision: {} and {other_label} (at {other_pointer}) both become the {noun} `{candidate}`",
            place.label
        );
        if self.policy == Policy::Refuse {
            return Err(Collision {
                message: format!("{collision}; rename one of them"),
                renamed: None,
                reported: true,
            });
        }
        let base = unraw(candidate);
        let sep = self.kind.separator();
        let mut renamed = match place.index {
            Some(index) => format!("{base}{sep}{index}"),
            None => format!("{base}{sep}{}", place_suffix(place.pointer)),
        };
        if place.index.is_some() && self.holder(&renamed, companions).is_some() {
            renamed = format!("{renamed}{sep}{}", place_suffix(place.pointer));
        }
        while self.holder(&renamed, companions).is_some() {
            renamed = format!("{renamed}{sep}{}", place_suffix(&renamed));
        }
        self.insert(&renamed, companions, place);
        Err(Collision {
            message: format!("{collision}; this one is `{renamed}`"),
            renamed: Some(renamed),
            reported: self.policy == Policy::Rename,
        })
    }

    /// Who holds `name` or one of its companions.
    fn holder(&self, name: &str, companions: &[&str]) -> Option<&(String, String)> {
        self.claimed.get(name).or_else(|| {
            companions
                .iter()
                .find_map(|c| self.claimed.get(&format!("{}{c}", unraw(name))))
        })
    }

    fn insert(&mut self, name: &str, companions: &[&str], place: Place<'_>) {
        let holder = (place.label.to_owned(), place.pointer.to_owned());
        for companion in companions {
            self.claimed
                .insert(format!("{}{companion}", unraw(name)), holder.clone());
        }
        self.claimed.insert(name.to_owned(), holder);
    }
}

#[cfg(test)]
mod tests {
    /// Every string of 1 to `max_len` characters of `alphabet`.
    fn every_name(alphabet: &[char], max_len: usize) -> Vec<String> {
        let mut all = Vec::new();
        let mut names = vec![String::new()];
        for _ in 0..max_len {
            names = names
                .iter()
                .flat_map(|n| alphabet.iter().map(move |c| format!("{n}{c}")))
                .collect();
            all.extend(names.iter().cloned());
        }
        all
    }

    /// The shortcut for names already in snake case agrees with heck on every name of that
    /// form up to 5 characters from a small alphabet (digits and underscores included).
    #[test]
    fn plain_snake_case_is_what_heck_gives() {
        use heck::ToSnakeCase;
        let mut checked = 0;
        for name in every_name(&['a', 'b', 'z', '0', '9', '_'], 5) {
            if is_plain_snake_case(&name) {
                assert_eq!(name.to_snake_case(), name);
                checked += 1;
            }
        }
        assert!(checked > 1000, "{checked}");
        assert!(!is_plain_snake_case("9a") && !is_plain_snake_case("a__b"));
        assert!(!is_plain_snake_case("_a") && !is_plain_snake_case("aB"));
    }

    /// The ASCII upper camel case agrees with heck on every name up to 6 characters from an
    /// alphabet of both cases, digits and separators.
    #[test]
    fn ascii_upper_camel_case_is_what_heck_gives() {
        use heck::ToUpperCamelCase;
        let mut checked = 0;
        for name in every_name(&['a', 'z', 'B', 'Q', '0', '_', '-', ' '], 6) {
            let fast = ascii_upper_camel_case(&name).expect("ASCII");
            assert_eq!(fast, name.to_upper_camel_case(), "{name:?}");
            checked += 1;
        }
        assert!(checked > 200_000, "{checked}");
        for name in [
            "HTTPServer",
            "getOrCreate_conversation",
            "A1B",
            "v2API",
            "pull-request",
        ] {
            assert_eq!(
                ascii_upper_camel_case(name).as_deref(),
                Some(&*name.to_upper_camel_case())
            );
        }
        assert_eq!(ascii_upper_camel_case("é"), None);
    }

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
            (field_name("+1"), "plus_1"),
            (field_name("-1"), "minus_1"),
            (field_name("-x"), "x"),
            (variant_name("reactions-+1"), "ReactionsPlus1"),
            (variant_name("reactions--1"), "ReactionsMinus1"),
            (variant_name("utc-5"), "Utc5"),
            (variant_name("-1"), "Minus1"),
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

    fn place<'a>(label: &'a str, pointer: &'a str) -> Place<'a> {
        Place::new(label, pointer)
    }

    #[test]
    fn scope_gives_a_free_name_and_refuses_a_taken_one_naming_both_places() {
        let mut scope = Scope::new(Kind::Field, Policy::Refuse);
        assert_eq!(
            scope.claim("created_date", place("`createdDate`", "#/a/createdDate")),
            Ok("created_date".to_owned())
        );
        let collision = scope
            .claim("created_date", place("`created_date`", "#/a/created_date"))
            .unwrap_err();
        assert_eq!(collision.renamed, None);
        assert!(collision.message.contains("`createdDate`"), "{collision:?}");
        assert!(
            collision.message.contains("#/a/createdDate"),
            "{collision:?}"
        );
        assert!(
            collision.message.contains("`created_date`"),
            "{collision:?}"
        );
        assert!(collision.message.contains("Rust field"), "{collision:?}");
        // A refused item takes nothing.
        assert!(!scope.is_taken("created_date_d29a4f"));
    }

    #[test]
    fn scope_renames_after_the_place_deterministically() {
        let rename = |pointer: &str| {
            let mut scope = Scope::new(Kind::Type, Policy::Rename);
            scope.claim("Pet", place("`Pet`", "#/x")).unwrap();
            scope.claim("Pet", place("`pet`", pointer)).unwrap_err()
        };
        let first = rename("#/components/schemas/pet");
        assert_eq!(
            first.renamed.as_deref(),
            Some(format!("Pet{}", place_suffix("#/components/schemas/pet")).as_str())
        );
        assert!(first.reported);
        assert_eq!(rename("#/components/schemas/pet"), first);
        assert_ne!(rename("#/components/schemas/pet2").renamed, first.renamed);
        // snake_case names get a separator; an index is tried before a hash.
        let mut fields = Scope::new(Kind::Field, Policy::Rename);
        fields.claim("r#type", place("`type`", "#/t")).unwrap();
        let renamed = fields.claim("r#type", place("`Type`", "#/T")).unwrap_err();
        assert_eq!(
            renamed.renamed,
            Some(format!("type_{}", place_suffix("#/T")))
        );
        let mut variants = Scope::new(Kind::Variant, Policy::RenameQuietly);
        variants.claim("Cat", place("a", "#/oneOf/0")).unwrap();
        variants.claim("Cat1", place("b", "#/oneOf/9")).unwrap();
        let quiet = variants
            .claim("Cat", place("c", "#/oneOf/1").at_index(1))
            .unwrap_err();
        assert_eq!(
            quiet.renamed,
            Some(format!("Cat1{}", place_suffix("#/oneOf/1")))
        );
        assert!(!quiet.reported);
    }

    #[test]
    fn companions_are_claimed_and_checked_together() {
        let mut methods = Scope::new(Kind::Method, Policy::Rename);
        let pointer = "#/paths/~1a/get";
        assert_eq!(
            methods.claim_with("list", &["_stream"], place("operation `list`", pointer)),
            Ok("list".to_owned())
        );
        assert!(methods.is_taken("list_stream"));
        // A plain method named like the stream collides with it ...
        let plain = methods
            .claim(
                "list_stream",
                place("operation `listStream`", "#/paths/~1b/get"),
            )
            .unwrap_err();
        assert!(plain.message.contains("operation `list`"), "{plain:?}");
        // ... and a paged one whose stream name is taken is renamed as a whole.
        methods
            .claim("items", place("operation `items`", "#/c"))
            .unwrap();
        let paged = methods
            .claim_with("item", &["s"], place("operation `item`", "#/d"))
            .unwrap_err();
        let renamed = paged.renamed.unwrap();
        assert!(methods.is_taken(&renamed) && methods.is_taken(&format!("{renamed}s")));
    }
}
