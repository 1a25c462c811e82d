//! openapiv3 -> `ir::Api`: follows `$ref`s, names inline schemas by their place, reads the
//! spec's `x-` conventions (`x-oneof`, `x-wix-events`, ...) and decides every Rust name.
//!
//! Problems are collected, not returned at the first one. In lenient mode an unsupported
//! construct degrades (a schema to `serde_json::Value`, an operation is skipped) with a warning;
//! in strict mode it is an error.

mod cycles;
mod events;
mod operations;
mod schema;

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Severity};
use crate::ir;
use crate::load::Loaded;

/// Resolves a loaded spec. Returns the model and every diagnostic (warnings, and errors when
/// the model is not usable).
pub fn resolve(loaded: &Loaded, strict: bool) -> (ir::Api, Vec<Diagnostic>) {
    let mut cx = Resolver::new(loaded, strict);
    cx.register_components();
    cx.convert_components();
    let operations = operations::resolve_operations(&mut cx);
    let (events, event_envelope) = events::resolve_events(&mut cx);
    cycles::box_recursive_fields(&mut cx.types);
    let mut diagnostics = std::mem::take(&mut cx.diagnostics);
    for d in &mut diagnostics {
        if d.line_col.is_none() {
            d.line_col = loaded.locator.locate(&d.pointer);
        }
    }
    let mut types: Vec<ir::TypeDef> = cx.types.into_values().collect();
    types.sort_by(|a, b| a.name.cmp(&b.name));
    let api = ir::Api {
        title: loaded.doc.info.title.clone(),
        types,
        operations,
        events,
        event_envelope,
    };
    (api, diagnostics)
}

/// State shared by the resolve passes.
pub(crate) struct Resolver<'a> {
    pub(crate) doc: &'a openapiv3::OpenAPI,
    pub(crate) strict: bool,
    /// Finished types by Rust name.
    pub(crate) types: BTreeMap<String, ir::TypeDef>,
    /// Rust name -> (spec name, pointer) of whoever claimed it first.
    pub(crate) claimed: BTreeMap<String, (String, String)>,
    /// Component schema name -> Rust name.
    pub(crate) components: BTreeMap<String, String>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl<'a> Resolver<'a> {
    fn new(loaded: &'a Loaded, strict: bool) -> Self {
        Resolver {
            doc: &loaded.doc,
            strict,
            types: BTreeMap::new(),
            claimed: BTreeMap::new(),
            components: BTreeMap::new(),
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

    /// Claims a Rust type name; a second spec item mapping to the same name is an error
    /// naming both.
    pub(crate) fn claim(&mut self, rust_name: &str, spec_name: &str, pointer: &str) -> bool {
        if let Some((other_name, other_pointer)) = self.claimed.get(rust_name) {
            let message = format!(
                "name collision: `{spec_name}` and `{other_name}` (at {other_pointer}) both become the Rust type `{rust_name}`; rename one of them"
            );
            self.error(pointer, message);
            return false;
        }
        self.claimed.insert(
            rust_name.to_owned(),
            (spec_name.to_owned(), pointer.to_owned()),
        );
        true
    }

    fn register_components(&mut self) {
        let Some(components) = &self.doc.components else {
            return;
        };
        let names: Vec<String> = components.schemas.keys().cloned().collect();
        for spec_name in names {
            let rust_name = crate::names::type_name(&spec_name);
            let pointer = crate::diagnostics::join("#/components/schemas", &spec_name);
            if self.claim(&rust_name, &spec_name, &pointer) {
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

    /// Follows a `$ref` to a component schema. Reports a dangling or foreign reference.
    pub(crate) fn component_ref(&mut self, reference: &str, pointer: &str) -> Option<String> {
        match reference.strip_prefix("#/components/schemas/") {
            Some(name) => {
                let name = name.replace("~1", "/").replace("~0", "~");
                match self.components.get(&name) {
                    Some(rust) => Some(rust.clone()),
                    None => {
                        if self
                            .doc
                            .components
                            .as_ref()
                            .is_some_and(|c| c.schemas.contains_key(&name))
                        {
                            // Registered under a colliding name: already reported.
                            None
                        } else {
                            self.error(pointer, format!("$ref target not found: {reference}"));
                            None
                        }
                    }
                }
            }
            None => {
                if reference.starts_with('#') {
                    self.error(pointer, format!("$ref target not found: {reference} (schemas must refer to #/components/schemas/...)"));
                } else {
                    self.unsupported(pointer, format!("$ref to another document ({reference})"));
                }
                None
            }
        }
    }

    /// Looks up a component schema by spec name.
    pub(crate) fn component_schema(
        &self,
        name: &str,
    ) -> Option<&'a openapiv3::ReferenceOr<openapiv3::Schema>> {
        self.doc.components.as_ref()?.schemas.get(name)
    }
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
