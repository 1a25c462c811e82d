//! Unit tests of the Swagger 2.0 conversion.

use super::*;
use serde_json::json;

fn converted(src: Value) -> (Value, Vec<(String, String)>, Vec<Diagnostic>) {
    let mut warnings = Vec::new();
    let Converted { doc, moves } = convert(&src, &mut warnings);
    (doc, moves, warnings)
}

#[test]
fn servers_come_from_host_base_path_and_schemes() {
    let (doc, _, _) = converted(json!({
        "swagger": "2.0", "host": "api.example.com", "basePath": "/v1/", "schemes": ["http", "https"]
    }));
    assert_eq!(
        doc["servers"],
        json!([{"url": "http://api.example.com/v1"}, {"url": "https://api.example.com/v1"}])
    );
    let (doc, _, _) = converted(json!({"swagger": "2.0", "host": "h"}));
    assert_eq!(doc["servers"], json!([{"url": "https://h"}]));
    let (doc, _, _) = converted(json!({"swagger": "2.0", "basePath": "/api"}));
    assert_eq!(doc["servers"], json!([{"url": "/api"}]));
    assert_eq!(doc["openapi"], "3.0.3");
    assert_eq!(doc["paths"], json!({}));
}

#[test]
fn security_definitions_become_security_schemes() {
    let (doc, _, _) = converted(json!({"swagger": "2.0", "securityDefinitions": {
        "basic": {"type": "basic"},
        "key": {"type": "apiKey", "in": "query", "name": "k"},
        "app": {"type": "oauth2", "flow": "application", "tokenUrl": "https://t", "scopes": {"a": "A"}},
        "code": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {}}
    }}));
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["basic"], json!({"type": "http", "scheme": "basic"}));
    assert_eq!(
        schemes["key"],
        json!({"type": "apiKey", "in": "query", "name": "k"})
    );
    assert_eq!(
        schemes["app"],
        json!({"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://t", "scopes": {"a": "A"}}}})
    );
    assert_eq!(
        schemes["code"]["flows"]["authorizationCode"],
        json!({"authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {}})
    );
}

#[test]
fn form_fields_with_a_file_are_one_multipart_body() {
    let (doc, moves, warnings) = converted(json!({"swagger": "2.0", "paths": {"/up": {"post": {
        "consumes": ["application/x-www-form-urlencoded"],
        "parameters": [
            {"name": "q", "in": "query", "type": "string"},
            {"name": "file", "in": "formData", "type": "file", "required": true, "description": "the file"},
            {"name": "tags", "in": "formData", "type": "array", "items": {"type": "string"}, "collectionFormat": "multi"}
        ],
        "responses": {"200": {"description": "ok", "examples": {"application/json": {"id": 1}}, "schema": {"$ref": "#/definitions/Up"}}}
    }}}, "definitions": {"Up": {"type": "object"}}}));
    assert!(warnings.is_empty(), "{warnings:?}");
    let op = &doc["paths"]["/up"]["post"];
    assert_eq!(
        op["parameters"],
        json!([{"name": "q", "in": "query", "schema": {"type": "string"}}])
    );
    assert_eq!(
        op["requestBody"],
        json!({"required": true, "content": {"multipart/form-data": {"schema": {
            "type": "object",
            "properties": {
                "file": {"type": "string", "format": "binary", "description": "the file"},
                "tags": {"type": "array", "items": {"type": "string"}}
            },
            "required": ["file"]
        }}}})
    );
    assert_eq!(
        op["responses"]["200"]["content"]["application/json"],
        json!({"schema": {"$ref": "#/components/schemas/Up"}, "example": {"id": 1}})
    );
    assert!(moves.contains(&(
        "#/paths/~1up/post/requestBody/content/multipart~1form-data/schema/properties/file"
            .to_owned(),
        "#/paths/~1up/post/parameters/1".to_owned()
    )));
}

#[test]
fn references_follow_what_they_point_at() {
    let (doc, _, _) = converted(json!({"swagger": "2.0",
        "parameters": {
            "limit": {"name": "limit", "in": "query", "type": "integer"},
            "body": {"name": "b", "in": "body", "schema": {"$ref": "#/definitions/A"}}
        },
        "responses": {"Gone": {"description": "gone"}},
        "definitions": {"A": {"type": "object", "discriminator": "kind", "properties": {
            "b": {"$ref": "#/definitions/B"}, "kind": {"type": "string"}}}, "B": {"type": "string", "x-nullable": true}},
        "paths": {"/a": {"put": {
            "parameters": [{"$ref": "#/parameters/limit"}, {"$ref": "#/parameters/body"}],
            "responses": {"410": {"$ref": "#/responses/Gone"}}
        }}}
    }));
    let op = &doc["paths"]["/a"]["put"];
    assert_eq!(
        op["parameters"],
        json!([{"$ref": "#/components/parameters/limit"}])
    );
    assert_eq!(
        op["requestBody"],
        json!({"$ref": "#/components/requestBodies/body"})
    );
    assert_eq!(
        op["responses"]["410"],
        json!({"$ref": "#/components/responses/Gone"})
    );
    let components = &doc["components"];
    assert_eq!(
        components["requestBodies"]["body"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/A"})
    );
    let a = &components["schemas"]["A"];
    assert_eq!(a["discriminator"], json!({"propertyName": "kind"}));
    assert_eq!(
        a["properties"]["b"],
        json!({"$ref": "#/components/schemas/B"})
    );
    assert_eq!(
        components["schemas"]["B"],
        json!({"type": "string", "nullable": true})
    );
}
