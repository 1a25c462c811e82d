//! The intermediate model between `resolve` and `emit`: plain data, no openapiv3, no tokens.
//!
//! Every decision is already made here: final Rust names, boxing for recursion, wire formats
//! (int64-as-string, RFC 3339), deprecation notes. `emit` only prints.

/// The whole API as the generator understands it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Api {
    /// Title of the spec, for module docs.
    pub title: String,
    /// Named types, sorted by Rust name.
    pub types: Vec<TypeDef>,
    /// Operations, sorted by Rust method name.
    pub operations: Vec<Operation>,
    /// Webhook events, sorted by Rust variant name.
    pub events: Vec<Event>,
    /// Wire layers of the webhook envelope, when the spec declares events.
    pub event_envelope: Option<EventEnvelope>,
    /// Rust name of the error-code enum shared by operations that declare an empty list of
    /// codes (it has no variants: every code is `Unrecognized`), when one does.
    pub no_error_codes: Option<String>,
    /// Per-tag cargo feature gates of the emitted items, when the crate has them
    /// (`new-client --tag-features`); set just before emitting, never by `resolve`.
    pub gates: Option<crate::features::Gates>,
    /// The generated crate's name in paths, for the doc examples (`inbox_api`).
    pub crate_name: String,
    /// Data types derive `PartialEq`.
    pub partial_eq: bool,
    /// Types that travel one way only. Those only ever sent implement `Deserialize` only with
    /// the generated crate's `decode-requests` feature ([`crate::Shape::decode_requests`]
    /// off); those only ever received implement `Serialize` only with its `encode-responses`
    /// feature ([`crate::Shape::encode_responses`] off). Set just before emitting, never by
    /// `resolve`; empty when both impls are always emitted.
    pub one_way: crate::features::OneWay,
}

/// One named Rust type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Rust name (UpperCamelCase, unique), a path inside `types` for a oneof group's enum
    /// (`participant_id::Id`).
    pub name: String,
    /// Name in the spec (schema key, or the derived name of an inline schema).
    pub spec_name: String,
    /// JSON pointer of the schema in the spec.
    pub pointer: String,
    /// Documentation, one entry per line.
    pub doc: Doc,
    /// What kind of type.
    pub kind: TypeKind,
}

impl TypeDef {
    /// The module inside `types` the type lives in (`participant_id` for the oneof group
    /// `participant_id::Id`), `None` for a type at the top of `types`.
    pub fn module(&self) -> Option<&str> {
        self.name.rsplit_once("::").map(|(module, _)| module)
    }
}

/// The shapes a named type can take.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A JSON object with known fields.
    Struct(Struct),
    /// A string enum, open to values this version does not know.
    Enum(Enum),
    /// One of several alternatives: a protobuf oneof group (`x-oneof`, keys of the parent
    /// object) or a `oneOf`/`anyOf` of whole schemas (see `OneOfRepr`).
    OneOf(OneOf),
    /// Another name for a type.
    Alias(TypeRef),
}

/// A JSON object.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    /// Fields in spec order (oneof groups appear where their first member was declared).
    pub fields: Vec<Field>,
}

/// A field of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Rust name (snake_case, keyword-safe; raw identifiers spelled `r#type`).
    pub name: String,
    /// Key in the JSON object; for a flattened oneof group, the group name.
    pub wire_name: String,
    /// The value: type, wire format, documentation, limits.
    pub value: Member,
    /// Present in every valid value: the Rust field is not an `Option`.
    pub required: bool,
    /// A oneof group whose keys live in this object (`flatten { .. }` in `json_object!`).
    pub flatten: bool,
}

/// What a struct field and a oneof alternative hold: a value and the facts about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// Documentation lines.
    pub doc: Doc,
    /// The Rust type, before `Option` wrapping.
    pub ty: TypeRef,
    /// How the value is carried in JSON.
    pub wire: WireFormat,
    /// Set by the server, ignored when sent.
    pub read_only: bool,
    /// `Some` when the spec deprecates it.
    pub deprecated: Option<Deprecation>,
    /// Documented limits.
    pub limits: Limits,
}

/// How a value is written in JSON when it differs from serde's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireFormat {
    /// serde's default representation.
    Plain,
    /// An `int64` written as a JSON string and read from a string or a number.
    Int64String,
    /// An integer also read from a float with no fractional part (`1200.0`).
    LenientInt,
}

/// Deprecation facts from the spec.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Deprecation {
    /// `x-target-removal-date`.
    pub removal_date: Option<String>,
    /// `x-replaced-by`.
    pub replaced_by: Option<String>,
}

/// Documented limits of a value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Limits {
    /// Minimum string length in characters.
    pub min_length: Option<usize>,
    /// Maximum string length in characters.
    pub max_length: Option<usize>,
    /// Minimum array length.
    pub min_items: Option<usize>,
    /// Maximum array length.
    pub max_items: Option<usize>,
    /// Minimum numeric value.
    pub minimum: Option<f64>,
    /// Maximum numeric value.
    pub maximum: Option<f64>,
    /// Limits of each item, for arrays.
    pub items: Option<Box<Limits>>,
    /// The spec's `format`, for documentation (`uuid`, `uri`, `int64`, ...).
    pub format: Option<String>,
}

impl Limits {
    /// True when no limit is set at any depth.
    pub fn is_empty(&self) -> bool {
        *self == Limits::default()
    }
}

/// A string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// Known values in spec order.
    pub variants: Vec<Variant>,
}

/// One known enum value.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Rust name (UpperCamelCase).
    pub name: String,
    /// The string on the wire.
    pub wire_name: String,
    /// Documentation lines.
    pub doc: Doc,
}

/// A oneof group, or a `oneOf`/`anyOf` union.
#[derive(Debug, Clone, PartialEq)]
pub struct OneOf {
    /// The alternatives in spec order.
    pub arms: Vec<OneOfArm>,
    /// How the chosen alternative appears in JSON.
    pub repr: OneOfRepr,
}

/// How the chosen alternative of a `OneOf` appears in JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OneOfRepr {
    /// `x-oneof`: each alternative is a key of the parent object (`wire_name`) holding the value.
    /// A member this version does not know, and a known one whose value does not decode, are
    /// kept as `Unrecognized { key, value }` (and noted for drift detection).
    Keyed {
        /// The group is its struct's only one: a key the struct does not know, met when no
        /// known member is present, is taken as a new member of the group (kept, not lost).
        /// With several groups such a key cannot be attributed and stays an unknown field.
        takes_unknown_keys: bool,
    },
    /// `oneOf`/`anyOf`: the value is itself one of the alternatives, told apart by its shape
    /// (the first that decodes wins); a value that fits none is kept as JSON.
    Untagged,
    /// `oneOf`/`anyOf` with a `discriminator`: the string in `property` names the alternative
    /// (each arm's `tag_values`); an unknown name is kept as JSON.
    Tagged {
        /// The discriminator property.
        property: String,
    },
}

/// One alternative of a oneof group.
#[derive(Debug, Clone, PartialEq)]
pub struct OneOfArm {
    /// Rust variant name.
    pub name: String,
    /// `Keyed`: the key in the parent object; otherwise the alternative's name in the spec.
    pub wire_name: String,
    /// `Tagged`: the discriminator values that select this arm (the first is written).
    pub tag_values: Vec<String>,
    /// The value: type, wire format, documentation, limits.
    pub value: Member,
}

/// A reference to a type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    /// A generated type, by Rust name.
    Named(String),
    /// A generated type behind a `Box` (breaks a recursive cycle).
    Boxed(String),
    /// A primitive.
    Prim(Prim),
    /// A JSON array.
    List(Box<TypeRef>),
    /// A JSON object with arbitrary keys.
    Map(Box<TypeRef>),
}

impl TypeRef {
    /// The generated type this reference ends at (through lists and maps), if any.
    pub fn named(&self) -> Option<&str> {
        match self {
            TypeRef::Named(name) | TypeRef::Boxed(name) => Some(name),
            TypeRef::List(inner) | TypeRef::Map(inner) => inner.named(),
            TypeRef::Prim(_) => None,
        }
    }
}

/// Which way a value travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From the client: parameters and request bodies.
    Sent,
    /// To the client: responses, pages, events.
    Received,
}

/// Primitive types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Prim {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `uuid::Uuid`.
    Uuid,
    /// A UTC timestamp (RFC 3339 on the wire).
    DateTime,
    /// A calendar date (`YYYY-MM-DD`).
    Date,
    /// Any JSON value.
    Json,
}

/// Documentation: lines of text (no leading `///`).
pub type Doc = Vec<String>;

/// One HTTP operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Rust method name (snake_case).
    pub name: String,
    /// `operationId` in the spec.
    pub operation_id: String,
    /// JSON pointer of the operation.
    pub pointer: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template as written in the spec (`/inbox/v2/conversations/{conversationId}`).
    pub path: String,
    /// Documentation lines.
    pub doc: Doc,
    /// Tags.
    pub tags: Vec<String>,
    /// Path, query, header and cookie parameters in spec order.
    pub params: Vec<Param>,
    /// Request body, when the operation has one (the JSON one when it has several).
    pub body: Option<Body>,
    /// The operation's other body media types, each sent by its own method.
    pub body_variants: Vec<BodyVariant>,
    /// Type of the 2xx JSON response (`String` for a text one); `None` when there is no body
    /// or the body is binary.
    pub response: Option<TypeRef>,
    /// How the 2xx response body is read.
    pub response_media: ResponseMedia,
    /// Documented application error codes (`x-wix-application-errors`).
    pub error_codes: Vec<ErrorCode>,
    /// Rust name of the error-code enum: the operation's own when it documents codes,
    /// [`Api::no_error_codes`] when it declares none, `None` (codes are `String`) when it
    /// declares nothing.
    pub error_code_type: Option<String>,
    /// Rust name of the generated struct of optional parameters, when there are any.
    pub options_type: Option<String>,
    /// Cursor pagination, when the operation pages by cursor.
    pub pagination: Option<Pagination>,
    /// `Some` when deprecated.
    pub deprecated: Option<Deprecation>,
}

impl Operation {
    /// Every type reference of the operation and which way its values travel. The fields are
    /// listed without `..`, so a field added to the model must be placed here to compile.
    pub fn type_refs<'a>(&'a self, mut visit: impl FnMut(Direction, &'a TypeRef)) {
        let Operation {
            name: _,
            operation_id: _,
            pointer: _,
            method: _,
            path: _,
            doc: _,
            tags: _,
            params,
            body,
            body_variants,
            response,
            response_media: _,
            error_codes: _,
            error_code_type: _,
            options_type: _,
            pagination,
            deprecated: _,
        } = self;
        for param in params {
            visit(Direction::Sent, &param.ty);
        }
        let bodies = body.iter().chain(body_variants.iter().map(|v| &v.body));
        for Body {
            ty,
            required: _,
            media_type: _,
            kind,
        } in bodies
        {
            visit(Direction::Sent, ty);
            match kind {
                BodyKind::Multipart(parts) => {
                    for FormPart { ty, .. } in parts {
                        if let Some(ty) = ty {
                            visit(Direction::Sent, ty);
                        }
                    }
                }
                BodyKind::Json
                | BodyKind::Form(_)
                | BodyKind::MultipartFreeForm
                | BodyKind::Raw => {}
            }
        }
        if let Some(ty) = response {
            visit(Direction::Received, ty);
        }
        if let Some(Pagination {
            stream_method: _,
            cursor_param: _,
            items: _,
            item_type,
            next_cursor: _,
        }) = pagination
        {
            visit(Direction::Received, item_type);
        }
    }
}

/// How a successful response body is read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ResponseMedia {
    /// JSON decoded into [`Operation::response`] (or no body).
    #[default]
    Json,
    /// `text/*`: the body as a `String`.
    Text,
    /// Anything else (PDF, zip, images, octet streams): the bytes with their content type, and
    /// a second method that streams them.
    Binary {
        /// Rust name of the method that returns the body as a byte stream (`{name}_stream`).
        stream_method: String,
    },
    /// `text/event-stream`: a stream of events whose data is [`Operation::response`] (JSON),
    /// or text when that is `None`.
    EventStream,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the URL path.
    Path,
    /// In the query string.
    Query,
    /// A request header.
    Header,
    /// A cookie (of the request's one `Cookie` header).
    Cookie,
}

/// A path, query, header or cookie parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Rust name (snake_case; dots become `_`).
    pub name: String,
    /// Wire name as written in the spec (`paging.limit`).
    pub wire_name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Documentation lines.
    pub doc: Doc,
    /// Type.
    pub ty: TypeRef,
    /// Must be given.
    pub required: bool,
    /// How the value is written.
    pub wire: WireFormat,
    /// Documented limits.
    pub limits: Limits,
    /// `Some` when deprecated.
    pub deprecated: Option<Deprecation>,
    /// How a list or object value is written (OpenAPI `style`).
    pub style: ParamStyle,
    /// OpenAPI `explode`: list items and object properties written separately.
    pub explode: bool,
}

/// OpenAPI parameter styles (with `explode`, they decide how lists and objects are written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// Query `form`: a list is repeated `name=item` pairs (exploded) or one comma-separated
    /// value; an object is one pair per property (exploded) or `name=key,value,...`.
    Form,
    /// Query `spaceDelimited`: items (or keys and values) joined by spaces.
    SpaceDelimited,
    /// Query `pipeDelimited`: items (or keys and values) joined by `|`.
    PipeDelimited,
    /// Query `deepObject`: `name[key]=value` per property.
    DeepObject,
    /// Path `simple` (the default): `value`, `a,b`, `key,value` or `key=value`.
    Simple,
    /// Path `label`: the value after a `.`.
    Label,
    /// Path `matrix`: `;name=value`.
    Matrix,
    /// Described by `content` with a JSON media type (`application/json`, `*+json`): the value
    /// as compact JSON text, percent-encoded as its location requires.
    Json,
    /// Described by `content` with any other media type (`text/plain`, ...): a string as it
    /// is, any other value as its JSON form's text.
    Text,
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// Type of the body (for a multipart form, its generated form struct; for a raw body,
    /// `Prim::Json` as a placeholder: the method takes the runtime's `RawBody`).
    pub ty: TypeRef,
    /// Must be given.
    pub required: bool,
    /// The media type as written in the spec.
    pub media_type: String,
    /// How it is encoded.
    pub kind: BodyKind,
}

/// How a request body is encoded.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyKind {
    /// JSON.
    Json,
    /// `application/x-www-form-urlencoded` from the body's type; properties whose encoding
    /// differs from `form`, exploded.
    Form(Vec<FormEncoding>),
    /// `multipart/form-data`: one part per property of the form struct.
    Multipart(Vec<FormPart>),
    /// `multipart/form-data` whose parts the spec does not list (no schema, or one that is not
    /// an object with properties): the caller's `body::MultipartForm` of named text and file
    /// parts.
    MultipartFreeForm,
    /// Bytes or a byte stream sent as they are (`application/octet-stream`, `text/*`, images).
    Raw,
}

/// The encoding of one urlencoded property.
#[derive(Debug, Clone, PartialEq)]
pub struct FormEncoding {
    /// The property's name on the wire.
    pub wire_name: String,
    /// Its style (`Form`, `SpaceDelimited`, `PipeDelimited` or `DeepObject`).
    pub style: ParamStyle,
    /// Its `explode`.
    pub explode: bool,
}

/// One field of a multipart form.
#[derive(Debug, Clone, PartialEq)]
pub struct FormPart {
    /// Rust field name.
    pub name: String,
    /// The part's name.
    pub wire_name: String,
    /// Documentation lines.
    pub doc: Doc,
    /// A typed field's type (`None` for a file).
    pub ty: Option<TypeRef>,
    /// A file, or a list of files (`List` holds for lists).
    pub file: FileShape,
    /// Must be given.
    pub required: bool,
    /// `encoding.contentType` of the part.
    pub content_type: Option<String>,
}

/// Whether a multipart field holds files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileShape {
    /// A typed value.
    NotFile,
    /// One file.
    One,
    /// A list of files.
    List,
}

/// A body media type sent by a method of its own (`{operation}_form`, `_multipart`, `_raw`).
#[derive(Debug, Clone, PartialEq)]
pub struct BodyVariant {
    /// Rust method name.
    pub method: String,
    /// The body.
    pub body: Body,
}

/// A documented application error code.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorCode {
    /// Rust variant name.
    pub name: String,
    /// The code string.
    pub code: String,
    /// HTTP status, when documented.
    pub status: Option<u16>,
    /// Documentation lines.
    pub doc: Doc,
}

/// Cursor pagination of one operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// Rust name of the `Client` method that streams every item (`{operation}_stream`).
    pub stream_method: String,
    /// Rust name of the query parameter that carries the cursor.
    pub cursor_param: String,
    /// The response's field that holds the page's items (a list).
    pub items: FieldStep,
    /// Type of one item.
    pub item_type: TypeRef,
    /// Fields from the response to the next cursor (`cursors` then `next`).
    pub next_cursor: Vec<FieldStep>,
}

/// One step of a path through struct fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldStep {
    /// Rust name of the field.
    pub field: String,
    /// The field is not an `Option`.
    pub required: bool,
}

/// A webhook event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Rust variant name.
    pub name: String,
    /// Wix's event type string.
    pub event_type: String,
    /// Entity FQDN.
    pub entity_fqdn: String,
    /// Slug.
    pub slug: String,
    /// Payload type.
    pub payload: TypeRef,
    /// Documentation lines.
    pub doc: Doc,
}

/// Types of the wire layers that carry events.
#[derive(Debug, Clone, PartialEq)]
pub struct EventEnvelope {
    /// JWT claim holding the envelope JSON string.
    pub jwt_claim: String,
    /// Rust name of the envelope type.
    pub envelope: String,
    /// Rust name of the domain-event type.
    pub domain_event: String,
    /// Rust name of the identity type.
    pub identity: String,
}
