//! Per-tag cargo features (`new-client --tag-features`): each operation is compiled when a
//! feature of one of its tags is on, and each generated item (type, its impls, an operation's
//! option struct and error codes) when a feature of an operation that reaches it is on. A type
//! no operation reaches is compiled only with the `all` feature; a type an event payload reaches
//! always. Operations without tags get the feature `untagged`.
//!
//! The gates are applied to the emitted tokens (`emit::emit_piece`), item by item, by the name
//! each item is about, so the emitters themselves know nothing of features.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{self, TypeKind, TypeRef};

/// The feature of operations that have no tag.
pub const UNTAGGED: &str = "untagged";
/// The feature that turns every tag's feature on (and the types no operation reaches).
pub const ALL: &str = "all";

/// Which features each generated item needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Gates {
    /// Tag features, sorted, each with the tags it stands for.
    pub features: BTreeMap<String, Vec<String>>,
    /// Item name (a type `Foo` or `module::Foo`, an option or error-code struct, or
    /// `fn method` for a `Client` method) -> the features that compile it; an empty set means
    /// only `all`. Items not in the map are always compiled.
    items: HashMap<String, BTreeSet<String>>,
}

/// A cargo feature name for a tag: lower case, anything but ASCII letters and digits as `-`.
pub fn feature_name(tag: &str) -> String {
    let mut name = String::new();
    for c in tag.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_matches('-').to_owned();
    match name.as_str() {
        "" => "tag".to_owned(),
        ALL | "default" | UNTAGGED => format!("tag-{name}"),
        _ => name,
    }
}

impl Gates {
    /// The gates of `api` (as it is emitted, aliases included).
    pub fn compute(api: &ir::Api) -> Gates {
        let by_name: HashMap<&str, &ir::TypeDef> =
            api.types.iter().map(|t| (t.name.as_str(), t)).collect();
        let mut features: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut items: HashMap<String, BTreeSet<String>> = HashMap::new();
        for def in &api.types {
            items.insert(def.name.clone(), BTreeSet::new());
        }
        for op in &api.operations {
            let mut own = BTreeSet::new();
            if op.tags.is_empty() {
                features.entry(UNTAGGED.to_owned()).or_default();
                own.insert(UNTAGGED.to_owned());
            }
            for tag in &op.tags {
                let name = feature_name(tag);
                let tags = features.entry(name.clone()).or_default();
                if !tags.contains(tag) {
                    tags.push(tag.clone());
                }
                own.insert(name);
            }
            let mut gate_item = |key: String| {
                items.entry(key).or_default().extend(own.iter().cloned());
            };
            gate_item(format!("fn {}", op.name));
            // Its companion methods: pages or a binary body as a stream, other body types.
            gate_item(format!("fn {}_stream", op.name));
            if let Some(p) = &op.pagination {
                gate_item(format!("fn {}", p.stream_method));
            }
            for variant in &op.body_variants {
                gate_item(format!("fn {}", variant.method));
            }
            if let Some(t) = &op.options_type {
                gate_item(t.clone());
            }
            if let Some(t) = op
                .error_code_type
                .as_ref()
                .filter(|t| Some(*t) != api.no_error_codes.as_ref())
            {
                gate_item(t.clone());
            }
            // Every type the operation names, either way.
            let mut named = Vec::new();
            op.type_refs(|_, ty| named.extend(ty.named()));
            for reached in closure(&by_name, named) {
                gate_item(reached.to_owned());
            }
        }
        let payloads = api.events.iter().filter_map(|e| e.payload.named());
        for reached in closure(&by_name, payloads) {
            items.remove(reached);
        }
        if let Some(shared) = &api.no_error_codes {
            items.remove(shared);
        }
        Gates { features, items }
    }

    /// The `#[cfg(...)]` of the item called `key`, if it has one.
    fn cfg(&self, key: &str) -> Option<TokenStream> {
        let set = self.items.get(key)?;
        Some(cfg_of(set))
    }

    /// `tokens` (items of `section`) with each item gated.
    pub fn apply(&self, tokens: TokenStream, in_impl: bool) -> Result<TokenStream, String> {
        if in_impl {
            let item: syn::ItemImpl = syn::parse2(quote!(impl Client { #tokens }))
                .map_err(|e| format!("cannot gate methods: {e}"))?;
            let mut out = TokenStream::new();
            for mut member in item.items {
                if let syn::ImplItem::Fn(f) = &mut member {
                    if let Some(cfg) = self.cfg(&format!("fn {}", f.sig.ident)) {
                        add(&mut f.attrs, syn::parse_quote!(#cfg));
                    }
                }
                out.extend(quote!(#member));
            }
            return Ok(out);
        }
        let file: syn::File = syn::parse2(tokens).map_err(|e| format!("cannot gate items: {e}"))?;
        // Inner docs and attributes (`//!`, `#![allow(..)]`) are the file's, never gated.
        let mut out = TokenStream::new();
        for attr in &file.attrs {
            out.extend(quote!(#attr));
        }
        for item in file.items {
            let item = self.gate_item(item, "");
            out.extend(quote!(#item));
        }
        Ok(out)
    }

    fn gate_item(&self, mut item: syn::Item, prefix: &str) -> syn::Item {
        if let syn::Item::Mod(module) = &mut item {
            let inner = format!("{prefix}{}::", module.ident);
            // The module is compiled when any of its items is, unless one is always compiled.
            let mut union = BTreeSet::new();
            let mut always = false;
            if let Some((_, items)) = module.content.take() {
                for child in &items {
                    if let Some(name) = item_name(child) {
                        match self.items.get(&format!("{inner}{name}")) {
                            Some(set) => union.extend(set.iter().cloned()),
                            None => always = true,
                        }
                    }
                }
                let items: Vec<syn::Item> = items
                    .into_iter()
                    .map(|i| self.gate_item(i, &inner))
                    .collect();
                module.content = Some((Default::default(), items));
            }
            if !always {
                let cfg = cfg_of(&union);
                add(&mut module.attrs, syn::parse_quote!(#cfg));
            }
            return item;
        }
        let Some(name) = item_name(&item) else {
            return item;
        };
        let Some(cfg) = self.cfg(&format!("{prefix}{name}")) else {
            return item;
        };
        let attr: syn::Attribute = syn::parse_quote!(#cfg);
        match &mut item {
            syn::Item::Struct(i) => add(&mut i.attrs, attr),
            syn::Item::Enum(i) => add(&mut i.attrs, attr),
            syn::Item::Type(i) => add(&mut i.attrs, attr),
            syn::Item::Impl(i) => add(&mut i.attrs, attr),
            syn::Item::Macro(i) => add(&mut i.attrs, attr),
            syn::Item::Const(i) => add(&mut i.attrs, attr),
            syn::Item::Static(i) => add(&mut i.attrs, attr),
            syn::Item::Fn(i) => add(&mut i.attrs, attr),
            _ => {}
        }
        item
    }
}

/// Adds `cfg` after the item's doc attributes (before its derives).
fn add(attrs: &mut Vec<syn::Attribute>, cfg: syn::Attribute) {
    let at = attrs
        .iter()
        .take_while(|a| a.path().is_ident("doc"))
        .count();
    attrs.insert(at, cfg);
}

/// `#[cfg(any(feature = "a", ...))]`, `#[cfg(feature = "a")]` for one feature, or
/// `#[cfg(feature = "all")]` for an empty set.
fn cfg_of(set: &BTreeSet<String>) -> TokenStream {
    let mut names = set.iter();
    match (names.next(), names.next()) {
        (None, _) => quote!(#[cfg(feature = "all")]),
        (Some(one), None) => quote!(#[cfg(feature = #one)]),
        _ => {
            let names = set.iter();
            quote!(#[cfg(any(#(feature = #names),*))])
        }
    }
}

/// The type or value an item is about: its name, an impl's self type, a macro's first ident.
fn item_name(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(i) => Some(i.ident.to_string()),
        syn::Item::Enum(i) => Some(i.ident.to_string()),
        syn::Item::Type(i) => Some(i.ident.to_string()),
        syn::Item::Const(i) => Some(i.ident.to_string()),
        syn::Item::Static(i) => Some(i.ident.to_string()),
        syn::Item::Fn(i) => Some(i.sig.ident.to_string()),
        syn::Item::Impl(i) => match &*i.self_ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        },
        // `json_object! { [sent|received] Name ... }`, `untagged_union!([sent] Name, ...)`:
        // the first identifier after the optional direction marker.
        syn::Item::Macro(i) => i.mac.tokens.clone().into_iter().find_map(|t| match t {
            proc_macro2::TokenTree::Ident(id) if id != "sent" && id != "received" => {
                Some(id.to_string())
            }
            _ => None,
        }),
        _ => None,
    }
}

/// The types that travel one way only, by the operations and events that reach them
/// (through fields, arms and aliases). A type no operation or event reaches is in neither set
/// (it may be used either way), nor is anything it reaches.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OneWay {
    /// Reached from an operation's parameters or request bodies and from no response, page,
    /// error or event.
    pub sent: BTreeSet<String>,
    /// Reached from responses, pages, errors or events and from no parameter or request body.
    pub received: BTreeSet<String>,
}

/// Which types travel only one way (see [`OneWay`]).
pub fn one_way(api: &ir::Api) -> OneWay {
    let by_name: HashMap<&str, &ir::TypeDef> =
        api.types.iter().map(|t| (t.name.as_str(), t)).collect();
    // The types each direction names directly, then everything those reach (one walk per
    // direction: the closure of a union of starts is the union of their closures).
    let mut sent_roots: Vec<&str> = Vec::new();
    let mut received_roots: Vec<&str> = Vec::new();
    for op in &api.operations {
        op.type_refs(|direction, ty| {
            let roots = match direction {
                ir::Direction::Sent => &mut sent_roots,
                ir::Direction::Received => &mut received_roots,
            };
            roots.extend(ty.named());
        });
    }
    received_roots.extend(api.events.iter().filter_map(|e| e.payload.named()));
    let mut sent = closure(&by_name, sent_roots);
    let mut received = closure(&by_name, received_roots);
    // A type no operation or event reaches gets both impls, and so does everything it reaches.
    // Aliases have no impls of their own (and identical types merged into one are left as
    // aliases nothing names).
    let unreached = api
        .types
        .iter()
        .filter(|t| !matches!(t.kind, TypeKind::Alias(_)))
        .map(|t| t.name.as_str())
        .filter(|name| !sent.contains(name) && !received.contains(name));
    let both = closure(&by_name, unreached);
    sent.extend(both.iter().copied());
    received.extend(both);
    let only = |a: &BTreeSet<&str>, b: &BTreeSet<&str>| {
        a.difference(b).map(|&name| name.to_owned()).collect()
    };
    OneWay {
        sent: only(&sent, &received),
        received: only(&received, &sent),
    }
}

/// The types among `starts` and every type they reach through fields, arms and aliases.
fn closure<'a, 's>(
    by_name: &HashMap<&'a str, &'a ir::TypeDef>,
    starts: impl IntoIterator<Item = &'s str>,
) -> BTreeSet<&'a str> {
    let mut seen: BTreeSet<&'a str> = BTreeSet::new();
    let mut stack: Vec<&'a str> = starts
        .into_iter()
        .filter_map(|start| by_name.get_key_value(start).map(|(k, _)| *k))
        .collect();
    while let Some(name) = stack.pop() {
        if !seen.insert(name) {
            continue;
        }
        let Some(def) = by_name.get(name) else {
            continue;
        };
        let mut refs: Vec<&TypeRef> = Vec::new();
        match &def.kind {
            TypeKind::Struct(s) => refs.extend(s.fields.iter().map(|f| &f.value.ty)),
            TypeKind::OneOf(o) => refs.extend(o.arms.iter().map(|a| &a.value.ty)),
            TypeKind::Alias(ty) => refs.push(ty),
            TypeKind::Enum(_) => {}
        }
        for ty in refs {
            let mut ty = ty;
            loop {
                match ty {
                    TypeRef::Named(n) | TypeRef::Boxed(n) => {
                        if let Some((k, _)) = by_name.get_key_value(n.as_str()) {
                            if !seen.contains(k) {
                                stack.push(k);
                            }
                        }
                        break;
                    }
                    TypeRef::List(inner) | TypeRef::Map(inner) => ty = inner,
                    TypeRef::Prim(_) => break,
                }
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_names_are_lower_case_with_dashes_and_never_the_reserved_ones() {
        assert_eq!(feature_name("Code Scanning"), "code-scanning");
        assert_eq!(feature_name("repos"), "repos");
        assert_eq!(feature_name("all"), "tag-all");
        assert_eq!(feature_name("--"), "tag");
    }
}
