//! openapiv3 -> `ir::Api`: follows `$ref`s, names inline schemas by their place, reads the
//! spec's `x-` conventions (`x-oneof`, `x-wix-events`, ...) and decides every Rust name.
//!
//! Problems are collected, not returned at the first one. In lenient mode an unsupported
//! construct degrades (a schema to `serde_json::Value`, an operation is skipped) with a warning;
//! in strict mode it is an error.

mod bodies;
mod cycles;
mod events;
mod operations;
mod schema;
mod unions;

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Severity};
use crate::ir;
use crate::load::Loaded;
use crate::names::{Collision, Kind, Place, Policy, Scope};

/// Resolves a loaded spec. Returns the model and every diagnostic (warnings, and errors when
/// the model is not usable).
pub fn resolve(loaded: &Loaded, strict: bool) -> (ir::Api, Vec<Diagnostic>) {
    let (api, mut diagnostics) = resolve_unplaced(loaded, strict);
    place(&loaded.locator, &mut diagnostics);
    (api, diagnostics)
}

/// [`resolve`] without the line and column of each diagnostic ([`place`] adds them: one scan
/// of the text, which `generate` does on another core while it merges types).
pub(crate) fn resolve_unplaced(loaded: &Loaded, strict: bool) -> (ir::Api, Vec<Diagnostic>) {
    let pointed = pointed_schemas(&loaded.raw);
    resolve_with(loaded, &pointed, strict)
}

/// [`resolve_unplaced`] with the schemas `$ref`s point at outside the components already
/// found ([`pointed_schemas`]), so that `loaded.raw` needs only what resolve reads under
/// `paths` and the components other than schemas and examples
/// ([`crate::load::parse_for_resolve`]).
pub(crate) fn resolve_with(
    loaded: &Loaded,
    pointed: &BTreeMap<String, Pointed>,
    strict: bool,
) -> (ir::Api, Vec<Diagnostic>) {
    crate::threads::with_deep_stack(|| resolve_here(loaded, pointed, strict))
}

/// Gives the diagnostics that have no line and column yet theirs, in one scan of the text.
pub(crate) fn place(locator: &crate::load::Locator, diagnostics: &mut [Diagnostic]) {
    let unplaced: Vec<&str> = diagnostics
        .iter()
        .filter(|d| d.line_col.is_none())
        .map(|d| d.pointer.as_str())
        .collect();
    let mut places = locator.locate_all(&unplaced).into_iter();
    for d in diagnostics.iter_mut().filter(|d| d.line_col.is_none()) {
        d.line_col = places.next().flatten();
    }
}

fn resolve_here(
    loaded: &Loaded,
    pointed: &BTreeMap<String, Pointed>,
    strict: bool,
) -> (ir::Api, Vec<Diagnostic>) {
    let mut cx = Resolver::new(loaded, pointed, strict);
    cx.register_components();
    cx.convert_components();
    let operations = operations::resolve_operations(&mut cx);
    let (events, event_envelope) = events::resolve_events(&mut cx);
    for (name, pointer) in cycles::box_recursive_fields(&mut cx.types) {
        cx.unsupported(
            &pointer,
            format!(
                "`{name}` is a $ref cycle with no schema in it (degraded to serde_json::Value)"
            ),
        );
    }
    let diagnostics = std::mem::take(&mut cx.diagnostics);
    let no_error_codes = cx.no_error_codes.clone().flatten();
    let mut types: Vec<ir::TypeDef> = cx.types.into_values().collect();
    types.sort_by(|a, b| a.name.cmp(&b.name));
    let api = ir::Api {
        title: loaded.doc.info.title.clone(),
        types,
        operations,
        events,
        event_envelope,
        no_error_codes,
        gates: None,
        one_way: Default::default(),
        crate_name: "inbox_api".to_owned(),
        partial_eq: true,
    };
    (api, diagnostics)
}

/// State shared by the resolve passes.
pub(crate) struct Resolver<'a> {
    pub(crate) doc: &'a openapiv3::OpenAPI,
    /// The same document as JSON, for what openapiv3 does not keep (whether a key was
    /// written at all).
    pub(crate) raw: &'a serde_json::Value,
    /// The order in which the text lists each schema's properties.
    pub(crate) property_order: &'a crate::load::PropertyOrder,
    pub(crate) strict: bool,
    /// Finished types by Rust name.
    pub(crate) types: BTreeMap<String, ir::TypeDef>,
    /// The crate's type names.
    pub(crate) type_names: Scope,
    /// The shared error-code enum of operations that declare no codes, once claimed.
    pub(crate) no_error_codes: Option<Option<String>>,
    /// Modules of the `types` module (one per struct with oneof groups).
    pub(crate) module_names: Scope,
    /// Component schema name -> Rust name.
    pub(crate) components: BTreeMap<String, String>,
    /// Schemas that `$ref`s point at outside `#/components/schemas`, by reference.
    pointed: &'a BTreeMap<String, Pointed>,
    /// Pointer of such a schema -> Rust name, once defined.
    pointed_names: BTreeMap<String, String>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl<'a> Resolver<'a> {
    fn new(loaded: &'a Loaded, pointed: &'a BTreeMap<String, Pointed>, strict: bool) -> Self {
        Resolver {
            doc: &loaded.doc,
            raw: &loaded.raw,
            property_order: &loaded.property_order,
            strict,
            types: BTreeMap::new(),
            type_names: Scope::new(Kind::Type, Policy::for_mode(strict)),
            module_names: Scope::new(Kind::Field, Policy::for_mode(strict)),
            no_error_codes: None,
            components: BTreeMap::new(),
            pointed,
            pointed_names: BTreeMap::new(),
            diagnostics: Vec::new(),
        }
    }

    pub(crate) fn error(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::error(pointer, message));
    }

    /// Reports a construct the generator cannot express: an error in strict mode, else a
    /// warning (the caller degrades or skips).
    pub(crate) fn unsupported(&mut self, pointer: &str, what: impl std::fmt::Display) {
        let mut d = Diagnostic::unsupported(pointer, what);
        if !self.strict {
            d.severity = Severity::Warning;
        }
        self.diagnostics.push(d);
    }

    /// A warning in both modes: the spec is fine, the generator leaves something out on
    /// purpose and says why.
    pub(crate) fn warning(&mut self, pointer: &str, message: impl Into<String>) {
        let mut d = Diagnostic::error(pointer, message);
        d.severity = Severity::Warning;
        self.diagnostics.push(d);
    }

    /// A problem in the spec that lenient mode works around: an error in strict mode, else a
    /// warning (the message says what was done instead).
    pub(crate) fn lenient_error(&mut self, pointer: &str, message: impl Into<String>) {
        let mut d = Diagnostic::error(pointer, message);
        if !self.strict {
            d.severity = Severity::Warning;
        }
        self.diagnostics.push(d);
    }

    /// Claims a Rust type name for the spec item `spec_name` at `pointer` in the crate's type
    /// scope (see [`Resolver::settle`]).
    pub(crate) fn claim(
        &mut self,
        rust_name: &str,
        spec_name: &str,
        pointer: &str,
    ) -> Option<String> {
        let label = format!("`{spec_name}`");
        let claimed = self
            .type_names
            .claim(rust_name, Place::new(&label, pointer));
        self.settle(pointer, claimed)
    }

    /// Claims `candidate` in `scope` (see [`Resolver::settle`]).
    pub(crate) fn claim_in(
        &mut self,
        scope: &mut Scope,
        candidate: &str,
        place: Place<'_>,
    ) -> Option<String> {
        let claimed = scope.claim(candidate, place);
        self.settle(place.pointer, claimed)
    }

    /// [`Resolver::claim_in`] for a name and its companions ([`Scope::claim_with`]).
    pub(crate) fn claim_with_in(
        &mut self,
        scope: &mut Scope,
        candidate: &str,
        companions: &[&str],
        place: Place<'_>,
    ) -> Option<String> {
        let claimed = scope.claim_with(candidate, companions, place);
        self.settle(place.pointer, claimed)
    }

    /// The name a claim gave; a collision is reported at the item's `pointer` (an error when
    /// the item was refused, a warning when it was renamed). `None` when refused.
    pub(crate) fn settle(
        &mut self,
        pointer: &str,
        claimed: Result<String, Collision>,
    ) -> Option<String> {
        match claimed {
            Ok(name) => Some(name),
            Err(collision) => {
                match (&collision.renamed, collision.reported) {
                    (None, _) => self.error(pointer, collision.message),
                    (Some(_), true) => self.lenient_error(pointer, collision.message),
                    (Some(_), false) => {}
                }
                collision.renamed
            }
        }
    }

    /// The name of the error-code enum shared by operations that declare no codes, claimed by
    /// the first of them (at `pointer`). `None` when the name is refused.
    pub(crate) fn no_error_codes_type(&mut self, pointer: &str) -> Option<String> {
        if self.no_error_codes.is_none() {
            let name = self.claim(
                "NoErrorCode",
                "error codes of operations that list none",
                pointer,
            );
            self.no_error_codes = Some(name);
        }
        self.no_error_codes.clone().flatten()
    }

    fn register_components(&mut self) {
        let Some(components) = &self.doc.components else {
            return;
        };
        let names: Vec<String> = components.schemas.keys().cloned().collect();
        for spec_name in names {
            let rust_name = crate::names::type_name(&spec_name);
            let pointer = crate::diagnostics::join("#/components/schemas", &spec_name);
            if let Some(rust_name) = self.claim(&rust_name, &spec_name, &pointer) {
                self.components.insert(spec_name, rust_name);
            }
        }
    }

    fn convert_components(&mut self) {
        let Some(components) = &self.doc.components else {
            return;
        };
        for (spec_name, schema) in &components.schemas {
            let Some(rust_name) = self.components.get(spec_name).cloned() else {
                continue;
            };
            let pointer = crate::diagnostics::join("#/components/schemas", spec_name);
            schema::define_named(self, &rust_name, spec_name, schema, &pointer);
        }
    }

    /// Follows a `$ref` to a component schema (or to a schema elsewhere in the document).
    /// Reports a dangling or foreign reference.
    pub(crate) fn component_ref(&mut self, reference: &str, pointer: &str) -> Option<String> {
        if let Some(name) = reference.strip_prefix("#/components/schemas/") {
            let name = name.replace("~1", "/").replace("~0", "~");
            if let Some(rust) = self.components.get(&name) {
                return Some(rust.clone());
            }
            if self
                .doc
                .components
                .as_ref()
                .is_some_and(|c| c.schemas.contains_key(&name))
            {
                // Registered under a colliding name: already reported.
                return None;
            }
        }
        if let Some(rust) = self.pointed_ref(reference) {
            return Some(rust);
        }
        if reference.starts_with('#') {
            self.error(
                pointer,
                format!("$ref target not found: {reference} (no schema at that place)"),
            );
        } else {
            self.unsupported(pointer, format!("$ref to another document ({reference})"));
        }
        None
    }

    /// A `$ref` to a schema outside `#/components/schemas` (inside a path, say): defined once
    /// as a named type, named after its place.
    fn pointed_ref(&mut self, reference: &str) -> Option<String> {
        if let Some(name) = self.pointed_names.get(reference) {
            return Some(name.clone());
        }
        let schema = match self.pointed.get(reference)? {
            Pointed::Component(name) => {
                let rust = self.components.get(name)?.clone();
                self.pointed_names
                    .insert(reference.to_owned(), rust.clone());
                return Some(rust);
            }
            Pointed::Schema(schema) => schema,
        };
        let place = reference
            .rsplit('/')
            .find(|s| {
                !matches!(
                    *s,
                    "schema" | "items" | "additionalProperties" | "properties" | "content"
                ) && !s.chars().all(|c| c.is_ascii_digit())
                    && !s.contains('~')
            })
            .unwrap_or("Pointed");
        let rust_name = crate::names::type_name(place);
        let rust_name = self.claim(&rust_name, reference, reference)?;
        self.pointed_names
            .insert(reference.to_owned(), rust_name.clone());
        schema::define_pointed(self, &rust_name, reference, schema);
        Some(rust_name)
    }

    /// Looks up a component schema by spec name.
    pub(crate) fn component_schema(
        &self,
        name: &str,
    ) -> Option<&'a openapiv3::ReferenceOr<openapiv3::Schema>> {
        self.doc.components.as_ref()?.schemas.get(name)
    }
}

/// [`pointed_schemas`]: reference -> what it points at.
pub(crate) type PointedSchemas = BTreeMap<String, Pointed>;

/// What a local `$ref` outside `#/components/schemas` points at.
pub(crate) enum Pointed {
    /// A chain of references that ends at this component schema.
    Component(String),
    /// A schema written in place.
    Schema(Box<openapiv3::Schema>),
}

/// Every schema a local `$ref` points at outside `#/components/schemas`, by reference.
pub(crate) fn pointed_schemas(raw: &serde_json::Value) -> BTreeMap<String, Pointed> {
    let mut references = std::collections::BTreeSet::new();
    let mut todo = vec![raw];
    while let Some(node) = todo.pop() {
        match node {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(r)) = map.get("$ref") {
                    if r.starts_with("#/") && !is_component_schema(r) {
                        references.insert(r.clone());
                    }
                }
                todo.extend(map.values());
            }
            serde_json::Value::Array(items) => todo.extend(items),
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    for reference in references {
        let mut target = reference.clone();
        let mut node = None;
        for _ in 0..8 {
            let Some(found) = raw.pointer(&target[1..]) else {
                break;
            };
            match found.get("$ref").and_then(|r| r.as_str()) {
                Some(next) if is_component_schema(next) => {
                    let name = next["#/components/schemas/".len()..]
                        .replace("~1", "/")
                        .replace("~0", "~");
                    node = Some(Pointed::Component(name));
                    break;
                }
                Some(next) if next.starts_with("#/") => target = next.to_owned(),
                Some(_) => break,
                None => {
                    node = serde_json::from_value(found.clone())
                        .ok()
                        .map(|schema| Pointed::Schema(Box::new(schema)));
                    break;
                }
            }
        }
        if let Some(schema) = node {
            out.insert(reference, schema);
        }
    }
    out
}

fn is_component_schema(reference: &str) -> bool {
    reference
        .strip_prefix("#/components/schemas/")
        .is_some_and(|name| !name.contains('/'))
}

/// Turns a spec description into documentation lines.
pub(crate) fn doc_lines(text: Option<&str>) -> ir::Doc {
    let Some(text) = text else { return Vec::new() };
    let lines: Vec<String> = text
        .trim()
        .lines()
        .map(|l| l.trim_end().to_owned())
        .collect();
    if lines.iter().all(|l| l.trim().is_empty()) {
        return Vec::new();
    }
    lines
}

/// Reads a string extension.
pub(crate) fn ext_str<'e>(
    extensions: &'e indexmap::IndexMap<String, serde_json::Value>,
    key: &str,
) -> Option<&'e str> {
    extensions.get(key).and_then(|v| v.as_str())
}

/// Deprecation facts, when `deprecated` is set.
pub(crate) fn deprecation(
    deprecated: bool,
    extensions: &indexmap::IndexMap<String, serde_json::Value>,
) -> Option<ir::Deprecation> {
    deprecated.then(|| ir::Deprecation {
        removal_date: ext_str(extensions, "x-target-removal-date").map(str::to_owned),
        replaced_by: ext_str(extensions, "x-replaced-by").map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use crate::ir::{TypeKind, TypeRef};

    fn fields(spec: &str, ty: &str) -> Vec<String> {
        let options = crate::Options {
            spec_name: "t".to_owned(),
            strict: true,
        };
        let api = crate::model(spec.as_bytes(), &options).expect("resolves");
        match &api.types.iter().find(|t| t.name == ty).expect("type").kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| f.name.clone()).collect(),
            other => panic!("{other:?}"),
        }
    }

    /// Fields come in the order the spec text lists the properties (a oneof group where its
    /// first member is), from YAML and from JSON alike, though serde_json's map sorts keys.
    #[test]
    fn fields_keep_spec_order() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Pet:\n      required: [zeta, alpha]\n      x-oneof:\n        kind: [cat, dog]\n      properties:\n        zeta: {type: string}\n        dog: {type: string}\n        alpha: {type: string}\n        cat: {type: string}\n        mid: {type: string}\n";
        let want = ["zeta", "kind", "alpha", "mid"];
        assert_eq!(fields(yaml, "Pet"), want);
        let json = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {"Pet": {"required": ["zeta", "alpha"],
            "x-oneof": {"kind": ["cat", "dog"]}, "properties": {
            "zeta": {"type": "string"}, "dog": {"type": "string"}, "alpha": {"type": "string"},
            "cat": {"type": "string"}, "mid": {"type": "string"}}}}}}"#;
        assert_eq!(fields(json, "Pet"), want);
    }

    /// A struct's oneof groups live in a module named after it: `pet::Kind`, no stutter.
    #[test]
    fn oneof_groups_live_in_a_module_named_after_their_struct() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    PetOwner:\n      x-oneof:\n        id: [a, b]\n        kind: [c, d]\n      properties:\n        a: {type: string}\n        b: {type: string}\n        c: {type: string}\n        d: {type: string}\n";
        let options = crate::Options {
            spec_name: "t".to_owned(),
            strict: true,
        };
        let api = crate::model(yaml.as_bytes(), &options).expect("resolves");
        let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["PetOwner", "pet_owner::Id", "pet_owner::Kind"]);
        let TypeKind::Struct(s) = &api.types[0].kind else {
            panic!("struct")
        };
        assert_eq!(
            s.fields[0].value.ty,
            TypeRef::Named("pet_owner::Id".to_owned())
        );
    }
}
