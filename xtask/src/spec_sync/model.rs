//! One normalized model of an API surface. [`super::sdk`] builds it from Wix's SDK packages and
//! [`super::spec`] from an OpenAPI spec, so [`super::diff`] can compare the two item by item.
//!
//! Names are the spec's: types are keyed by their `components/schemas` key (Wix's name, or the
//! renamed key of a type two packages declare differently), operations by `operationId` (the
//! SDK method name), events by `eventType`.

use std::collections::BTreeMap;

/// A whole API surface.
#[derive(Debug, Default, Clone)]
pub struct Model {
    /// Operations by `operationId`.
    pub operations: BTreeMap<String, Operation>,
    /// Types by schema key.
    pub types: BTreeMap<String, Type>,
    /// Webhook events by `eventType`.
    pub events: BTreeMap<String, Event>,
}

/// One REST operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// HTTP method, upper case.
    pub method: String,
    /// Public path template on `www.wixapis.com`.
    pub path: String,
    /// Path template parameters, in path order.
    pub path_params: Vec<String>,
    /// Query parameters (wire names) for operations without a body.
    pub query_params: Vec<String>,
    /// Wix's request type (schema key).
    pub request: Option<String>,
    /// The 200 response type (schema key).
    pub response: Option<String>,
    /// Permission ID.
    pub permission: Option<String>,
    /// Protobuf method name (informational).
    pub method_fqn: Option<String>,
    /// Application error codes with their descriptions, in declared order.
    pub errors: Vec<(String, String)>,
    /// Description text.
    pub description: String,
    /// Where it is declared: `file:line:col` (SDK) or a JSON pointer (spec).
    pub at: String,
    /// The package that declares it (SDK side).
    pub package: Option<String>,
}

/// One named type.
#[derive(Debug, Clone, PartialEq)]
pub struct Type {
    /// Wix's own name (differs from the key for renamed types).
    pub wix_name: String,
    /// The package that declares it, when two packages declare the name differently.
    pub package: Option<String>,
    /// Description text.
    pub description: String,
    /// Fields or values.
    pub body: Body,
    /// Why the spec has it although no SDK package does (`x-spec-only`).
    pub spec_only: Option<String>,
    /// Where it is declared.
    pub at: String,
}

/// What a type is made of.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// An object with fields and protobuf one-of groups.
    Object {
        /// Fields in declared order.
        fields: Vec<Field>,
        /// One-of groups: name and member fields.
        oneofs: Vec<(String, Vec<String>)>,
    },
    /// A string enum: values and their descriptions, in declared order.
    Enum {
        /// `(value, description)`.
        values: Vec<(String, String)>,
    },
}

/// One field of an object type.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Wire name.
    pub name: String,
    /// Value shape.
    pub shape: Shape,
    /// `T | null` / `nullable: true`.
    pub nullable: bool,
    /// `@readonly` / `readOnly: true`.
    pub read_only: bool,
    /// Required (non-optional or `@requiredField`) / listed in `required`.
    pub required: bool,
    /// Wire format of the string (or of the strings of a list): `uuid`, `uri`, `email`, ...
    pub format: Option<String>,
    /// Documented limits.
    pub limits: Limits,
    /// Deprecation facts, when deprecated.
    pub deprecation: Option<Deprecation>,
    /// Description text.
    pub description: String,
    /// Why the spec has it although the SDK does not (`x-spec-only`).
    pub spec_only: Option<String>,
    /// Why the spec's `required`/`readOnly`/`format` deliberately differ from the SDK
    /// (`x-sdk-deviation`): the spec may then be stricter than the SDK.
    pub deviation: Option<String>,
    /// Where it is declared.
    pub at: String,
}

/// The shape of a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// Text.
    String,
    /// Any JSON number (the SDK does not tell integers from floats).
    Number,
    /// `true` / `false`.
    Boolean,
    /// A timestamp (`Date` / `format: date-time`).
    DateTime,
    /// Any JSON value.
    Any,
    /// A named type (schema key).
    Ref(String),
    /// A JSON string holding the named type (`x-json-string`); equal to `Ref` of the same name
    /// or to `String` when compared with the SDK.
    JsonString(String),
    /// A list.
    Array(Box<Shape>),
    /// A map from strings to values.
    Map(Box<Shape>),
}

impl Shape {
    /// Whether `self` (spec) describes the same wire value as `sdk`.
    pub fn matches_sdk(&self, sdk: &Shape) -> bool {
        match (self, sdk) {
            (Shape::JsonString(a), Shape::Ref(b)) => a == b,
            (Shape::JsonString(_), Shape::String) => true,
            (Shape::Array(a), Shape::Array(b)) | (Shape::Map(a), Shape::Map(b)) => a.matches_sdk(b),
            (a, b) => a == b,
        }
    }

    /// The named type this shape points at, through lists and maps.
    pub fn target(&self) -> Option<&str> {
        match self {
            Shape::Ref(name) | Shape::JsonString(name) => Some(name),
            Shape::Array(inner) | Shape::Map(inner) => inner.target(),
            _ => None,
        }
    }

    /// Short human form: `string`, `Message[]`, `map<string, number>`.
    pub fn describe(&self) -> String {
        match self {
            Shape::String => "string".into(),
            Shape::Number => "number".into(),
            Shape::Boolean => "boolean".into(),
            Shape::DateTime => "timestamp".into(),
            Shape::Any => "any JSON".into(),
            Shape::Ref(name) => name.clone(),
            Shape::JsonString(name) => format!("JSON string of {name}"),
            Shape::Array(inner) => format!("{}[]", inner.describe()),
            Shape::Map(inner) => format!("map<string, {}>", inner.describe()),
        }
    }
}

/// Documented limits. String lengths of a list of strings apply to its items.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Limits {
    /// Longest string.
    pub max_length: Option<f64>,
    /// Shortest string.
    pub min_length: Option<f64>,
    /// Most list items.
    pub max_items: Option<f64>,
    /// Fewest list items.
    pub min_items: Option<f64>,
    /// Largest number.
    pub maximum: Option<f64>,
    /// Smallest number.
    pub minimum: Option<f64>,
}

impl Limits {
    /// `(spec keyword, value)` of each limit, in a fixed order.
    pub fn entries(&self) -> [(&'static str, Option<f64>); 6] {
        [
            ("maxLength", self.max_length),
            ("minLength", self.min_length),
            ("maxItems", self.max_items),
            ("minItems", self.min_items),
            ("maximum", self.maximum),
            ("minimum", self.minimum),
        ]
    }
}

/// Deprecation facts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deprecation {
    /// `YYYY-MM-DD` after which Wix may remove the item.
    pub removal_date: Option<String>,
    /// Wire name of the replacement (camelCase, dotted when nested).
    pub replaced_by: Option<String>,
}

/// One webhook event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Slug (`message_sent_to_business`).
    pub slug: String,
    /// Payload type (schema key); `None` when the event carries none.
    pub payload: Option<String>,
    /// Entity FQDN.
    pub entity_fqdn: Option<String>,
    /// Permission ID.
    pub permission: Option<String>,
    /// Description text.
    pub description: String,
    /// Why the spec has it although the SDK does not (`x-spec-only`).
    pub spec_only: Option<String>,
    /// Where it is declared.
    pub at: String,
}
