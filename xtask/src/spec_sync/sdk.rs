//! Wix's SDK packages -> [`Model`].
//!
//! The packages are read by the node tool `tools/wix-sdk` (TypeScript compiler API; see
//! ARCHITECTURE.md for why); this module turns its JSON into the model, deciding the spec name
//! of every type and which types are in scope.
//!
//! **Scope.** The SDK declares more than its public REST routes use (types of methods that
//! have no route). A type is in scope when a routed operation or an event reaches it, or when
//! the spec already has a schema bound to it (so the envelope types of webhooks, which no
//! declaration reaches, stay compared once the spec has them).
//!
//! **Names.** A type keeps Wix's name, unless two packages declare that name with different
//! shapes: then the later package's type (in the spec's package order) is `<Entity><Name>`, with
//! `x-wix-type-name` and `x-wix-package` recording the origin. A spec schema binds to a package's
//! type by `x-wix-type-name` (else its key) and `x-wix-package` (else any package).

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToLowerCamelCase, ToUpperCamelCase};
use serde::Deserialize;

use super::model::{Body, Deprecation, Event, Field, Limits, Model, Operation, Shape, Type};

/// The node tool's `extract` output.
#[derive(Debug, Deserialize)]
pub struct Extract {
    /// The packages read.
    pub packages: Vec<Package>,
    /// Routed operations.
    pub operations: Vec<SdkOperation>,
    /// Declared types.
    pub types: Vec<SdkType>,
    /// Webhook events.
    pub events: Vec<SdkEvent>,
}

/// A package name and version.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Package {
    /// npm name.
    pub name: String,
    /// Version.
    pub version: String,
}

/// An operation as the SDK declares it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SdkOperation {
    /// Method name.
    pub name: String,
    /// Declaring package.
    pub package: String,
    /// Protobuf method.
    pub method_fqn: Option<String>,
    /// Entity FQDN.
    pub entity_fqdn: Option<String>,
    /// HTTP method.
    pub http_method: String,
    /// Public path.
    pub path: String,
    /// Path parameters.
    pub path_params: Vec<String>,
    /// Request type.
    pub request_type: String,
    /// Response type.
    pub response_type: String,
    /// Permission.
    pub permission: Option<String>,
    /// `@requiredField` paths.
    #[serde(default)]
    pub required_fields: Vec<String>,
    /// Application errors.
    #[serde(default)]
    pub application_errors: Vec<SdkError>,
    /// JSDoc text.
    #[serde(default)]
    pub description: String,
    /// `file:line:col`.
    pub source: String,
}

/// An application error code.
#[derive(Debug, Deserialize)]
pub struct SdkError {
    /// Code.
    pub code: String,
    /// JSDoc text.
    #[serde(default)]
    pub description: String,
}

/// A declared interface or enum.
#[derive(Debug, Deserialize)]
pub struct SdkType {
    /// Wix's name.
    pub name: String,
    /// Declaring package.
    pub package: String,
    /// `object` or `enum`.
    pub kind: String,
    /// JSDoc text.
    #[serde(default)]
    pub description: String,
    /// `file:line:col`.
    pub source: String,
    /// Fields (objects).
    #[serde(default)]
    pub fields: Vec<SdkField>,
    /// One-of groups (objects).
    #[serde(default)]
    pub oneofs: Vec<SdkOneOf>,
    /// Values (enums).
    #[serde(default)]
    pub values: Vec<SdkValue>,
}

/// A field of an interface.
#[derive(Debug, Deserialize)]
pub struct SdkField {
    /// Wire name.
    pub name: String,
    /// Type.
    #[serde(rename = "type")]
    pub ty: SdkTypeRef,
    /// `?`.
    pub optional: bool,
    /// `| null`.
    pub nullable: bool,
    /// JSDoc text.
    #[serde(default)]
    pub description: String,
    /// JSDoc tags.
    #[serde(default)]
    pub tags: BTreeMap<String, serde_json::Value>,
    /// `file:line:col`.
    pub source: String,
}

/// A field's type.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum SdkTypeRef {
    /// `string`.
    String,
    /// `number`.
    Number,
    /// `boolean`.
    Boolean,
    /// `Date`.
    Date,
    /// Anything.
    Any,
    /// A declared type.
    Ref {
        /// Its name.
        name: String,
    },
    /// `T[]`.
    Array {
        /// Item type.
        items: Box<SdkTypeRef>,
    },
    /// `Record<string, T>`.
    Map {
        /// Value type.
        values: Box<SdkTypeRef>,
    },
}

/// A one-of group.
#[derive(Debug, Deserialize)]
pub struct SdkOneOf {
    /// Group name.
    pub name: String,
    /// Member fields.
    pub members: Vec<String>,
}

/// An enum value.
#[derive(Debug, Deserialize)]
pub struct SdkValue {
    /// Value.
    pub value: String,
    /// JSDoc text.
    #[serde(default)]
    pub description: String,
}

/// A webhook event.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SdkEvent {
    /// Declaring package.
    pub package: String,
    /// Event type.
    pub event_type: String,
    /// Slug.
    pub slug: Option<String>,
    /// Payload type; `None` for events that carry none (deletions).
    pub payload_type: Option<String>,
    /// Entity FQDN.
    pub entity_fqdn: Option<String>,
    /// Permission.
    pub permission: Option<String>,
    /// JSDoc text.
    #[serde(default)]
    pub description: String,
    /// `file:line:col`.
    pub source: String,
}

/// The webhook envelope layers every Wix package with events declares.
pub const ENVELOPE_TYPES: [&str; 3] = [
    "MessageEnvelope",
    "DomainEvent",
    "WebhooksIdentificationData",
];

/// How the spec names SDK types: `(package, wix name)` -> schema key.
struct Binder<'a> {
    spec: &'a Model,
    /// Decided so far.
    keys: BTreeMap<(String, String), String>,
    /// Key -> the (package, name) that holds it.
    holders: BTreeMap<String, (String, String)>,
}

impl Binder<'_> {
    /// The spec schema bound to `(package, name)`, if any.
    fn existing(&self, package: &str, name: &str) -> Option<String> {
        let candidates: Vec<(&String, &Type)> = self
            .spec
            .types
            .iter()
            .filter(|(_, t)| t.wix_name == name)
            .collect();
        candidates
            .iter()
            .find(|(_, t)| t.package.as_deref() == Some(package))
            .or_else(|| {
                candidates
                    .iter()
                    .find(|(k, t)| t.package.is_none() && *k == name)
            })
            .or_else(|| candidates.iter().find(|(_, t)| t.package.is_none()))
            .map(|(k, _)| (*k).clone())
    }
}

/// The SDK side of the comparison, with the spec names decided.
pub struct SdkModel {
    /// The model.
    pub model: Model,
}

/// Builds the model. `spec` is the spec's own model (for binding names and scope);
/// `order` the package order (the spec's `x-wix-sdk-packages`, else as given).
pub fn model(extract: &Extract, spec: &Model) -> Result<SdkModel, String> {
    let declared: BTreeMap<(&str, &str), &SdkType> = extract
        .types
        .iter()
        .map(|t| ((t.package.as_str(), t.name.as_str()), t))
        .collect();
    let mut binder = Binder {
        spec,
        keys: BTreeMap::new(),
        holders: BTreeMap::new(),
    };
    let mut model = Model::default();
    let entity_of: BTreeMap<&str, String> = extract
        .packages
        .iter()
        .map(|p| (p.name.as_str(), entity_name(extract, &p.name)))
        .collect();

    for package in &extract.packages {
        let pkg = package.name.as_str();
        // Roots: routed operations, events, then spec schemas bound to this package's types.
        let mut roots: Vec<String> = Vec::new();
        for op in extract.operations.iter().filter(|o| o.package == pkg) {
            roots.push(op.request_type.clone());
            roots.push(op.response_type.clone());
        }
        for event in extract.events.iter().filter(|e| e.package == pkg) {
            roots.extend(event.payload_type.clone());
        }
        // The webhook envelope layers, which no declaration reaches, for packages with events.
        if extract.events.iter().any(|e| e.package == pkg) {
            for layer in ENVELOPE_TYPES {
                if declared.contains_key(&(pkg, layer)) {
                    roots.push(layer.to_owned());
                }
            }
        }
        let reached = closure(&declared, pkg, &roots)?;
        let mut in_scope: Vec<String> = reached;
        for t in extract.types.iter().filter(|t| t.package == pkg) {
            if in_scope.contains(&t.name) {
                continue;
            }
            if let Some(key) = binder.existing(pkg, &t.name) {
                // Only when no earlier package holds that schema already.
                if !binder.holders.contains_key(&key)
                    || spec.types[&key].package.as_deref() == Some(pkg)
                {
                    for name in closure(&declared, pkg, std::slice::from_ref(&t.name))? {
                        if !in_scope.contains(&name) {
                            in_scope.push(name);
                        }
                    }
                }
            }
        }
        // Decide keys first (fields refer to each other).
        for name in &in_scope {
            let sdk = declared[&(pkg, name.as_str())];
            let key = match binder.existing(pkg, name) {
                Some(key) => key,
                None => name.clone(),
            };
            let key = match binder.holders.get(&key) {
                Some((other_pkg, other_name))
                    if other_pkg != pkg
                        && !same_shape(
                            declared[&(other_pkg.as_str(), other_name.as_str())],
                            sdk,
                        ) =>
                {
                    if binder.existing(pkg, name).is_some()
                        && spec.types.get(&key).and_then(|t| t.package.as_deref()) == Some(pkg)
                    {
                        key
                    } else {
                        format!("{}{}", entity_of[pkg], name)
                    }
                }
                _ => key,
            };
            binder
                .keys
                .insert((pkg.to_owned(), name.clone()), key.clone());
            binder
                .holders
                .entry(key)
                .or_insert_with(|| (pkg.to_owned(), name.clone()));
        }
        for name in &in_scope {
            let key = binder.keys[&(pkg.to_owned(), name.clone())].clone();
            if binder.holders[&key] != (pkg.to_owned(), name.clone()) {
                continue; // the same type, already taken from an earlier package
            }
            let sdk = declared[&(pkg, name.as_str())];
            let renamed = key != *name;
            let ty = convert_type(sdk, renamed, &|n: &str| {
                binder
                    .keys
                    .get(&(pkg.to_owned(), n.to_owned()))
                    .cloned()
                    .unwrap_or_else(|| n.to_owned())
            });
            model.types.insert(key, ty);
        }
        for op in extract.operations.iter().filter(|o| o.package == pkg) {
            let bind = |n: &str| binder.keys[&(pkg.to_owned(), n.to_owned())].clone();
            let request = bind(&op.request_type);
            let response = bind(&op.response_type);
            let query_params = if matches!(op.http_method.as_str(), "GET" | "DELETE") {
                flatten_query(&model, &request, &op.path_params)
            } else {
                Vec::new()
            };
            model.operations.insert(
                op.name.clone(),
                Operation {
                    method: op.http_method.to_uppercase(),
                    path: op.path.clone(),
                    path_params: op.path_params.clone(),
                    query_params,
                    request: Some(request.clone()),
                    response: Some(response),
                    permission: op.permission.clone(),
                    method_fqn: op.method_fqn.clone(),
                    errors: op
                        .application_errors
                        .iter()
                        .map(|e| (e.code.clone(), e.description.clone()))
                        .collect(),
                    description: op.description.clone(),
                    at: format!("{pkg} {}", op.source),
                    package: Some(pkg.to_owned()),
                },
            );
            for path in &op.required_fields {
                mark_required(&mut model, &request, path);
            }
        }
        for event in extract.events.iter().filter(|e| e.package == pkg) {
            model.events.insert(
                event.event_type.clone(),
                Event {
                    slug: event.slug.clone().unwrap_or_default(),
                    payload: event
                        .payload_type
                        .as_ref()
                        .map(|t| binder.keys[&(pkg.to_owned(), t.clone())].clone()),
                    entity_fqdn: event.entity_fqdn.clone(),
                    permission: event.permission.clone(),
                    description: event.description.clone(),
                    spec_only: None,
                    at: format!("{pkg} {}", event.source),
                },
            );
        }
    }
    // The spec never requires a read-only field or a one-of member (a read-only field the SDK
    // requires on update, `note.revision`, stays optional: responses carry it, requests may).
    for t in model.types.values_mut() {
        if let Body::Object { fields, oneofs } = &mut t.body {
            for f in fields.iter_mut() {
                if f.read_only || oneofs.iter().any(|(_, m)| m.contains(&f.name)) {
                    f.required = false;
                }
            }
        }
    }
    Ok(SdkModel { model })
}

/// `Conversation` for `wix.crm.inbox.v2.conversation`: the PascalCase last segment of the
/// entity of the package's first operation or event, else of the package name.
fn entity_name(extract: &Extract, package: &str) -> String {
    let fqdn = extract
        .operations
        .iter()
        .filter(|o| o.package == package)
        .find_map(|o| o.entity_fqdn.clone())
        .or_else(|| {
            extract
                .events
                .iter()
                .filter(|e| e.package == package)
                .find_map(|e| e.entity_fqdn.clone())
        })
        .unwrap_or_else(|| package.to_owned());
    fqdn.rsplit(['.', '_', '/'])
        .next()
        .unwrap_or(package)
        .to_upper_camel_case()
}

/// Every type reachable from `roots` within one package, roots first, then in discovery order.
fn closure(
    declared: &BTreeMap<(&str, &str), &SdkType>,
    package: &str,
    roots: &[String],
) -> Result<Vec<String>, String> {
    let mut seen: Vec<String> = Vec::new();
    let mut queue: Vec<(String, String)> =
        roots.iter().map(|r| (r.clone(), "root".into())).collect();
    let mut i = 0;
    while i < queue.len() {
        let (name, via) = queue[i].clone();
        i += 1;
        if seen.contains(&name) {
            continue;
        }
        let Some(t) = declared.get(&(package, name.as_str())) else {
            return Err(format!(
                "error: {package}: type `{name}` (used by {via}) is not declared in its meta.d.ts"
            ));
        };
        seen.push(name.clone());
        for f in &t.fields {
            collect_refs(&f.ty, &mut |target| {
                queue.push((target.to_owned(), format!("{}.{}", t.name, f.name)));
            });
        }
    }
    Ok(seen)
}

fn collect_refs(ty: &SdkTypeRef, out: &mut impl FnMut(&str)) {
    match ty {
        SdkTypeRef::Ref { name } => out(name),
        SdkTypeRef::Array { items: inner } | SdkTypeRef::Map { values: inner } => {
            collect_refs(inner, out)
        }
        _ => {}
    }
}

/// Same fields and field types, or same enum values (descriptions aside).
fn same_shape(a: &SdkType, b: &SdkType) -> bool {
    let fields = |t: &SdkType| -> Vec<(String, String, bool)> {
        t.fields
            .iter()
            .map(|f| (f.name.clone(), format!("{:?}", f.ty), f.nullable))
            .collect()
    };
    let values =
        |t: &SdkType| -> Vec<String> { t.values.iter().map(|v| v.value.clone()).collect() };
    a.kind == b.kind && fields(a) == fields(b) && values(a) == values(b)
}

/// The spec's name for an SDK format.
pub fn spec_format(sdk: &str) -> String {
    match sdk {
        "GUID" => "uuid".into(),
        "WEB_URL" => "uri".into(),
        other => other.to_lowercase().replace('_', "-"),
    }
}

/// `target_channel_ids` / `Message.silent` -> `targetChannelIds` / `message.silent`: wire
/// (lowerCamelCase) names.
pub fn camel_path(path: &str) -> String {
    path.split('.')
        .map(|segment| segment.to_lower_camel_case())
        .collect::<Vec<_>>()
        .join(".")
}

fn convert_shape(ty: &SdkTypeRef, bind: &dyn Fn(&str) -> String) -> Shape {
    match ty {
        SdkTypeRef::String => Shape::String,
        SdkTypeRef::Number => Shape::Number,
        SdkTypeRef::Boolean => Shape::Boolean,
        SdkTypeRef::Date => Shape::DateTime,
        SdkTypeRef::Any => Shape::Any,
        SdkTypeRef::Ref { name } => Shape::Ref(bind(name)),
        SdkTypeRef::Array { items } => Shape::Array(Box::new(convert_shape(items, bind))),
        SdkTypeRef::Map { values } => Shape::Map(Box::new(convert_shape(values, bind))),
    }
}

fn tag_text(tags: &BTreeMap<String, serde_json::Value>, key: &str) -> Option<String> {
    match tags.get(key)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(true) => Some(String::new()),
        _ => None,
    }
}

fn tag_number(tags: &BTreeMap<String, serde_json::Value>, key: &str) -> Option<f64> {
    match tags.get(key)? {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn convert_type(sdk: &SdkType, renamed: bool, bind: &dyn Fn(&str) -> String) -> Type {
    let body = if sdk.kind == "enum" {
        Body::Enum {
            values: sdk
                .values
                .iter()
                .map(|v| (v.value.clone(), v.description.clone()))
                .collect(),
        }
    } else {
        let fields = sdk
            .fields
            .iter()
            .map(|f| {
                let tags = &f.tags;
                let deprecation = tags.contains_key("deprecated").then(|| Deprecation {
                    removal_date: tag_text(tags, "targetRemovalDate"),
                    replaced_by: tag_text(tags, "replacedBy")
                        .filter(|r| !r.is_empty())
                        .map(|r| camel_path(&r)),
                });
                Field {
                    name: f.name.clone(),
                    shape: convert_shape(&f.ty, bind),
                    nullable: f.nullable,
                    read_only: tags.contains_key("readonly"),
                    required: !f.optional,
                    format: tag_text(tags, "format").map(|f| spec_format(&f)),
                    limits: Limits {
                        max_length: tag_number(tags, "maxLength"),
                        min_length: tag_number(tags, "minLength"),
                        max_items: tag_number(tags, "maxSize"),
                        min_items: tag_number(tags, "minSize"),
                        maximum: tag_number(tags, "max"),
                        minimum: tag_number(tags, "min"),
                    },
                    deprecation,
                    description: f.description.clone(),
                    spec_only: None,
                    deviation: None,
                    at: format!("{} {}", sdk.package, f.source),
                }
            })
            .collect();
        Body::Object {
            fields,
            oneofs: sdk
                .oneofs
                .iter()
                .map(|o| (o.name.clone(), o.members.clone()))
                .collect(),
        }
    };
    Type {
        wix_name: sdk.name.clone(),
        package: renamed.then(|| sdk.package.clone()),
        description: sdk.description.clone(),
        body,
        spec_only: None,
        at: format!("{} {}", sdk.package, sdk.source),
    }
}

/// Marks the field at a dotted `@requiredField` path (from the request type) required.
fn mark_required(model: &mut Model, request: &str, path: &str) {
    let mut ty = request.to_owned();
    let segments: Vec<&str> = path.split('.').collect();
    for (i, segment) in segments.iter().enumerate() {
        let Some(Type {
            body: Body::Object { fields, .. },
            ..
        }) = model.types.get_mut(&ty)
        else {
            return;
        };
        let Some(field) = fields.iter_mut().find(|f| f.name == *segment) else {
            return;
        };
        if i + 1 == segments.len() {
            field.required = true;
            return;
        }
        match field.shape.target() {
            Some(next) => ty = next.to_owned(),
            None => return,
        }
    }
}

/// The query parameters of a body-less operation: the request's fields, nested objects
/// flattened into dotted names (`paging.limit`), path parameters left out.
pub fn flatten_query(model: &Model, request: &str, path_params: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut visiting = BTreeSet::new();
    flatten_into(model, request, "", path_params, &mut visiting, &mut out);
    out
}

fn flatten_into(
    model: &Model,
    ty: &str,
    prefix: &str,
    path_params: &[String],
    visiting: &mut BTreeSet<String>,
    out: &mut Vec<String>,
) {
    let Some(Type {
        body: Body::Object { fields, .. },
        ..
    }) = model.types.get(ty)
    else {
        return;
    };
    if !visiting.insert(ty.to_owned()) {
        return;
    }
    for f in fields {
        let name = format!("{prefix}{}", f.name);
        if path_params.contains(&name) {
            continue;
        }
        let nested = match &f.shape {
            Shape::Ref(target) => matches!(
                model.types.get(target).map(|t| &t.body),
                Some(Body::Object { .. })
            )
            .then_some(target),
            _ => None,
        };
        match nested {
            Some(target) => flatten_into(
                model,
                target,
                &format!("{name}."),
                path_params,
                visiting,
                out,
            ),
            None => out.push(name),
        }
    }
    visiting.remove(ty);
}
