//! Inputs beyond plain OpenAPI 3.0 that `codegen::load` turns into the 3.0 model: `$ref`s to
//! any place of the document (also as percent-encoded URI fragments), OpenAPI 3.1 and
//! Swagger 2.0. Each is generated end to end; the model and the generated code are checked,
//! and what could not be converted is a warning that names its place in the original text.

use codegen::ir::{ParamLocation, ParamStyle, Prim, TypeKind, TypeRef};

fn generate(name: &str, spec: &str) -> codegen::Output {
    let options = codegen::Options {
        spec_name: name.to_owned(),
        strict: false,
    };
    codegen::generate(spec.as_bytes(), &options)
        .unwrap_or_else(|d| panic!("{name} did not generate:\n{d}"))
}

fn strict(name: &str, spec: &str) -> Result<codegen::Output, codegen::Diagnostics> {
    let options = codegen::Options {
        spec_name: name.to_owned(),
        strict: true,
    };
    codegen::generate(spec.as_bytes(), &options)
}

fn operation<'a>(output: &'a codegen::Output, id: &str) -> &'a codegen::ir::Operation {
    output
        .api
        .operations
        .iter()
        .find(|o| o.operation_id == id)
        .unwrap_or_else(|| {
            let ids: Vec<&str> = output
                .api
                .operations
                .iter()
                .map(|o| o.operation_id.as_str())
                .collect();
            panic!("no operation {id} among {ids:?}")
        })
}

fn type_def<'a>(output: &'a codegen::Output, name: &str) -> &'a codegen::ir::TypeDef {
    output
        .api
        .types
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no type {name}"))
}

fn field<'a>(def: &'a codegen::ir::TypeDef, wire: &str) -> &'a codegen::ir::Field {
    let TypeKind::Struct(s) = &def.kind else {
        panic!("{} is not a struct: {:?}", def.name, def.kind)
    };
    s.fields
        .iter()
        .find(|f| f.wire_name == wire)
        .unwrap_or_else(|| panic!("{} has no field {wire}", def.name))
}

fn rendered(file: &str, output: &codegen::Output) -> String {
    codegen::Diagnostics::new(file, output.warnings.clone()).to_string()
}

// ---------------------------------------------------------------------------------------------
// `$ref` to any place.

const REFS_ANYWHERE: &str = r##"openapi: 3.0.3
info: {title: Refs, version: '1'}
paths:
  /v2/account/keys:
    get:
      operationId: listKeys
      parameters:
        - name: limit
          in: query
          schema: {type: integer, format: int32}
      responses:
        '200':
          description: keys
          content:
            application/json:
              schema:
                type: object
                properties:
                  keys: {type: array, items: {type: string}}
  /api/monsters/{index}:
    get:
      operationId: getMonster
      parameters:
        - {name: index, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: one monster
          content:
            application/json:
              schema:
                type: object
                properties:
                  name: {type: string}
                  owner: {$ref: '#/components/schemas/Owner/properties/address'}
  /v2/account/tokens:
    get:
      operationId: listTokens
      parameters:
        - $ref: '#/paths/~1v2~1account~1keys/get/parameters/0'
      responses:
        '200':
          $ref: '#/paths/~1api~1monsters~1%7Bindex%7D/get/responses/200'
  /api/monsters:
    post:
      operationId: createMonster
      requestBody:
        content:
          application/json:
            schema:
              $ref: '#/paths/~1api~1monsters~1%7Bindex%7D/get/responses/200/content/application~1json/schema'
      responses:
        '204': {description: created}
components:
  schemas:
    Owner:
      type: object
      properties:
        address:
          type: object
          properties:
            street: {type: string}
"##;

#[test]
fn refs_into_paths_other_schemas_and_percent_encoded_fragments_are_followed() {
    let output = generate("refs.yaml", REFS_ANYWHERE);
    assert!(
        output.warnings.is_empty(),
        "{}",
        rendered("refs.yaml", &output)
    );
    // A parameter of another operation.
    let tokens = operation(&output, "listTokens");
    assert_eq!(tokens.params.len(), 1);
    assert_eq!(tokens.params[0].wire_name, "limit");
    assert_eq!(tokens.params[0].location, ParamLocation::Query);
    assert_eq!(tokens.params[0].ty, TypeRef::Prim(Prim::I32));
    // A response inside `paths`, reached through a percent-encoded fragment: the same shape as
    // the response it copies.
    let monster = operation(&output, "getMonster");
    let TypeRef::Named(monster_type) = monster.response.as_ref().expect("a response") else {
        panic!("{:?}", monster.response)
    };
    let TypeRef::Named(tokens_type) = tokens.response.as_ref().expect("a response") else {
        panic!("{:?}", tokens.response)
    };
    for name in [monster_type, tokens_type] {
        let def = type_def(&output, name);
        assert_eq!(field(def, "name").value.ty, TypeRef::Prim(Prim::String));
    }
    // A schema inside another schema, and a schema inside `paths` through a percent-encoded
    // fragment: one type each, shared by every reference.
    let owner = field(type_def(&output, monster_type), "owner");
    let TypeRef::Named(address) = &owner.value.ty else {
        panic!("{:?}", owner.value.ty)
    };
    assert_eq!(
        field(type_def(&output, address), "street").value.ty,
        TypeRef::Prim(Prim::String)
    );
    let body = operation(&output, "createMonster")
        .body
        .as_ref()
        .expect("a body");
    let TypeRef::Named(body_type) = &body.ty else {
        panic!("{:?}", body.ty)
    };
    assert_eq!(
        field(type_def(&output, body_type), "owner").value.ty,
        TypeRef::Named(address.clone())
    );
    let operations = &output
        .files
        .iter()
        .find(|f| f.path == "operations.rs")
        .expect("operations.rs")
        .contents;
    assert!(operations.contains("pub fn list_tokens("), "{operations}");
}

#[test]
fn a_ref_into_paths_that_leads_nowhere_names_its_place() {
    let spec = REFS_ANYWHERE.replace(
        "$ref: '#/paths/~1v2~1account~1keys/get/parameters/0'",
        "$ref: '#/paths/~1v2~1account~1keys/get/parameters/3'",
    );
    let error = strict("refs.yaml", &spec).expect_err("refused");
    let text = error.to_string();
    assert!(
        text.contains("$ref target not found: #/paths/~1v2~1account~1keys/get/parameters/3"),
        "{text}"
    );
    let line = spec
        .lines()
        .position(|l| l.contains("parameters/3"))
        .unwrap()
        + 1;
    assert!(
        text.contains(&format!(
            "refs.yaml:{line}:9 (#/paths/~1v2~1account~1tokens/get/parameters/0)"
        )),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// OpenAPI 3.1.

const OPENAPI_31: &str = r##"openapi: 3.1.0
info: {title: New, version: '1', license: {name: MIT, identifier: MIT}}
webhooks:
  petAdopted:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        '200': {description: ok}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: [integer], exclusiveMinimum: 0}}
      responses:
        '200':
          description: a pet
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
  /pets:
    post:
      operationId: addPet
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    Kind:
      type: string
      enum: [dog, cat]
    Pet:
      type: object
      required: [name, kind, nickname]
      properties:
        name: {type: string, examples: [Rex]}
        nickname: {type: [string, 'null']}
        kind:
          $ref: '#/components/schemas/Kind'
          description: What the pet is.
        species: {const: dog}
        photo: {type: string, contentEncoding: base64}
        tag: {anyOf: [{$ref: '#/components/schemas/Kind'}, {type: 'null'}]}
        age: {type: [integer, string]}
        tuple: {type: array, prefixItems: [{type: string}]}
"##;

#[test]
fn openapi_3_1_is_lowered_to_the_3_0_model() {
    let output = generate("v31.yaml", OPENAPI_31);
    let pet = type_def(&output, "Pet");
    // `type: [string, 'null']`: nullable, so optional even though required.
    let nickname = field(pet, "nickname");
    assert_eq!(nickname.value.ty, TypeRef::Prim(Prim::String));
    assert!(!nickname.required);
    assert!(field(pet, "name").required);
    // `$ref` with a sibling: the referenced type, documented by the sibling.
    let kind = field(pet, "kind");
    assert_eq!(kind.value.ty, TypeRef::Named("Kind".into()));
    assert!(
        kind.value.doc.iter().any(|l| l.contains("What the pet is")),
        "{:?}",
        kind.value.doc
    );
    // `anyOf` with `null`: the type, optional.
    assert_eq!(field(pet, "tag").value.ty, TypeRef::Named("Kind".into()));
    // `const`: a one-value enum.
    let TypeRef::Named(species) = &field(pet, "species").value.ty else {
        panic!("{:?}", field(pet, "species").value.ty)
    };
    assert!(
        matches!(&type_def(&output, species).kind, TypeKind::Enum(e) if e.variants.len() == 1),
        "{:?}",
        type_def(&output, species).kind
    );
    // `contentEncoding: base64` is `format: byte`.
    assert_eq!(
        field(pet, "photo").value.limits.format.as_deref(),
        Some("byte")
    );
    // Two types: a union.
    let TypeRef::Named(age) = &field(pet, "age").value.ty else {
        panic!("{:?}", field(pet, "age").value.ty)
    };
    assert!(
        matches!(type_def(&output, age).kind, TypeKind::OneOf(_)),
        "{:?}",
        type_def(&output, age).kind
    );
    // `type: [integer]` with a numeric `exclusiveMinimum`.
    let id = &operation(&output, "getPet").params[0];
    assert_eq!(id.ty, TypeRef::Prim(Prim::I64));
    assert_eq!(id.limits.minimum, Some(0.0));
    // An operation without `responses` (optional in 3.1) is generated.
    assert!(operation(&output, "addPet").response.is_none());
    // What has no 3.0 form is named with its place in the text.
    let warnings = rendered("v31.yaml", &output);
    let webhook_line = OPENAPI_31
        .lines()
        .position(|l| l.contains("petAdopted"))
        .unwrap()
        + 1;
    let tuple_line = OPENAPI_31
        .lines()
        .position(|l| l.contains("prefixItems"))
        .unwrap()
        + 1;
    for expected in [
        "webhook `petAdopted`".to_owned(),
        format!("v31.yaml:{webhook_line}:3 (#/webhooks/petAdopted)"),
        "JSON Schema keyword `prefixItems`".to_owned(),
        format!("v31.yaml:{tuple_line}:9 (#/components/schemas/Pet/properties/tuple/prefixItems)"),
    ] {
        assert!(
            warnings.contains(&expected),
            "expected {expected:?} in:\n{warnings}"
        );
    }
    assert_eq!(output.warnings.len(), 2, "{warnings}");
    // Strict mode: what could not be lowered is an error.
    let error = strict("v31.yaml", OPENAPI_31).expect_err("strict refuses");
    assert!(
        error.to_string().contains("error: unsupported: webhook"),
        "{error}"
    );
}

// ---------------------------------------------------------------------------------------------
// Swagger 2.0.

const SWAGGER_2: &str = r##"swagger: '2.0'
info: {title: Old, version: '1'}
host: api.example.com
basePath: /v1
schemes: [https]
consumes: [application/json]
produces: [application/json]
securityDefinitions:
  key: {type: apiKey, in: header, name: X-Key}
  oauth:
    type: oauth2
    flow: accessCode
    authorizationUrl: https://example.com/auth
    tokenUrl: https://example.com/token
    scopes: {read: read things}
parameters:
  tags:
    name: tags
    in: query
    type: array
    items: {type: string}
    collectionFormat: pipes
  petBody:
    name: pet
    in: body
    required: true
    schema: {$ref: '#/definitions/Pet'}
responses:
  NotFound:
    description: not found
    schema: {$ref: '#/definitions/Error'}
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - $ref: '#/parameters/tags'
        - {name: ids, in: query, type: array, items: {type: integer, format: int64}, collectionFormat: multi}
        - {name: limit, in: query, type: integer, format: int32, minimum: 1, maximum: 100}
      responses:
        '200':
          description: pets
          schema:
            type: array
            items: {$ref: '#/definitions/Pet'}
        '404': {$ref: '#/responses/NotFound'}
    post:
      operationId: addPet
      parameters:
        - $ref: '#/parameters/petBody'
      responses:
        '200':
          description: the pet
          schema: {$ref: '#/definitions/Pet'}
  /pets/{id}:
    parameters:
      - {name: id, in: path, required: true, type: string}
    put:
      operationId: updatePet
      parameters:
        - {name: pet, in: body, required: true, schema: {$ref: '#/definitions/Pet'}}
      responses:
        '200': {description: ok}
    post:
      operationId: renamePet
      consumes: [application/x-www-form-urlencoded]
      parameters:
        - {name: name, in: formData, required: true, type: string}
        - {name: sep, in: query, type: array, items: {type: string}, collectionFormat: tsv}
      responses:
        '200': {description: ok}
definitions:
  Pet:
    type: object
    required: [name]
    discriminator: petType
    properties:
      name: {type: string}
      petType: {type: string}
      photo: {type: file}
      owner: {type: string, x-nullable: true}
  Error:
    type: object
    properties:
      message: {type: string}
"##;

#[test]
fn swagger_2_is_converted_to_the_3_0_model() {
    let output = generate("swagger.yaml", SWAGGER_2);
    let list = operation(&output, "listPets");
    assert_eq!(list.path, "/pets");
    let styles: Vec<(&str, ParamStyle, bool)> = list
        .params
        .iter()
        .map(|p| (p.wire_name.as_str(), p.style, p.explode))
        .collect();
    assert_eq!(
        styles,
        [
            ("tags", ParamStyle::PipeDelimited, false),
            ("ids", ParamStyle::Form, true),
            ("limit", ParamStyle::Form, true),
        ]
    );
    assert_eq!(list.params[2].limits.maximum, Some(100.0));
    assert_eq!(
        list.response,
        Some(TypeRef::List(Box::new(TypeRef::Named("Pet".into()))))
    );
    // A body parameter (by reference to `parameters`, and inline) is the request body.
    for id in ["addPet", "updatePet"] {
        let body = operation(&output, id).body.as_ref().expect("a body");
        assert_eq!(body.ty, TypeRef::Named("Pet".into()));
        assert!(body.required);
    }
    // A path-level parameter.
    let update = operation(&output, "updatePet");
    assert_eq!(update.params[0].wire_name, "id");
    assert_eq!(update.params[0].location, ParamLocation::Path);
    let pet = type_def(&output, "Pet");
    assert_eq!(
        field(pet, "photo").value.limits.format.as_deref(),
        Some("binary")
    );
    assert!(!field(pet, "owner").required);
    assert!(field(pet, "name").required);
    // What has no 3.0 form is named at its place in the original text.
    let warnings = rendered("swagger.yaml", &output);
    let line = SWAGGER_2
        .lines()
        .position(|l| l.contains("collectionFormat: tsv"))
        .unwrap()
        + 1;
    assert!(
        warnings.contains(&format!(
            "swagger.yaml:{line}:9 (#/paths/~1pets~1{{id}}/post/parameters/1/collectionFormat)"
        )),
        "{warnings}"
    );
    assert!(
        warnings.contains("collectionFormat tsv of query parameter `sep`"),
        "{warnings}"
    );
    // The form fields are one x-www-form-urlencoded body: generated, or skipped by name at the
    // operation's request body (form bodies are the generator's business, not the loader's).
    let rename = output
        .api
        .operations
        .iter()
        .find(|o| o.operation_id == "renamePet");
    match rename {
        Some(op) => assert!(op.body.is_some(), "{op:?}"),
        None => assert!(
            warnings.contains("application/x-www-form-urlencoded")
                && warnings.contains("(#/paths/~1pets~1{id}/post/requestBody)"),
            "{warnings}"
        ),
    }
}

#[test]
fn swagger_2_places_diagnostics_in_the_original_text() {
    // A dangling reference inside a converted definition is reported at the definition's line.
    let spec = SWAGGER_2.replace(
        "items: {$ref: '#/definitions/Pet'}",
        "items: {$ref: '#/definitions/Pett'}",
    );
    let error = strict("swagger.yaml", &spec).expect_err("refused");
    let text = error.to_string();
    assert!(
        text.contains("$ref target not found: #/components/schemas/Pett"),
        "{text}"
    );
    let line = spec.lines().position(|l| l.contains("Pett")).unwrap() + 1;
    assert!(text.contains(&format!("swagger.yaml:{line}:")), "{text}");
}

#[test]
fn unknown_versions_are_refused_with_the_supported_ones() {
    for (spec, pointer) in [
        (
            "openapi: 4.0.0\ninfo: {title: T, version: '1'}\npaths: {}\n",
            "(#/openapi)",
        ),
        (
            "swagger: '1.2'\ninfo: {title: T, version: '1'}\n",
            "(#/swagger)",
        ),
        ("info: {title: T, version: '1'}\n", "(#)"),
    ] {
        let error = strict("v.yaml", spec).expect_err("refused").to_string();
        assert!(
            error.contains("OpenAPI 3.0.x and 3.1.x and Swagger 2.0 are supported"),
            "{error}"
        );
        assert!(error.contains(pointer), "{error}");
    }
}
