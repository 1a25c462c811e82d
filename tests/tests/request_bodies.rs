//! Request bodies beyond JSON, end to end: a small spec with urlencoded, multipart and raw
//! bodies (and an operation with all four kinds) is generated into a standalone crate whose
//! example program calls every method against a capturing HTTP server on 127.0.0.1 and prints
//! each request as it arrived; the bytes on the wire (headers, form encoding, multipart
//! boundaries and parts, raw bodies, chunked streams) are checked here.

use std::path::{Path, PathBuf};
use std::process::Command;

const SPEC: &str = r##"
openapi: 3.0.3
info: {title: Bodies, version: "1"}
servers: [{url: "https://example.invalid"}]
paths:
  /pets/{id}/form:
    post:
      operationId: updatePetForm
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [name]
              properties:
                name: {type: string}
                age: {type: integer}
                tags: {type: array, items: {type: string}}
                colors: {type: array, items: {type: string}}
                meta: {$ref: "#/components/schemas/Meta"}
                point: {$ref: "#/components/schemas/Meta"}
                sizes: {type: array, items: {type: string}}
            encoding:
              colors: {style: pipeDelimited}
              meta: {style: deepObject, explode: true}
              tags: {style: form}
              sizes: {style: form, explode: false}
      responses:
        '204': {description: done}
  /pets/{id}/image:
    post:
      operationId: uploadImage
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file]
              properties:
                note: {type: string, description: A note.}
                count: {type: integer}
                meta: {$ref: "#/components/schemas/Meta"}
                file: {type: string, format: binary}
                extra: {type: array, items: {type: string, format: binary}}
            encoding:
              file: {contentType: image/png}
      responses:
        '204': {description: done}
  /files/{name}:
    put:
      operationId: putFile
      parameters:
        - {name: name, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/octet-stream:
            schema: {type: string, format: binary}
      responses:
        '204': {description: done}
  /import:
    post:
      operationId: importCsv
      requestBody:
        content:
          text/csv:
            schema: {type: string}
      responses:
        '204': {description: done}
  /pets:
    post:
      operationId: createPet
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema: {$ref: "#/components/schemas/Meta"}
          application/json:
            schema: {$ref: "#/components/schemas/Meta"}
          image/*:
            schema: {type: string, format: binary}
          application/form-data:
            schema:
              type: object
              properties:
                a: {type: string}
      responses:
        '204': {description: done}
  /attachments:
    post:
      operationId: addAttachments
      requestBody:
        required: true
        content:
          multipart/form-data: {}
      responses:
        '204': {description: done}
  /notes:
    post:
      operationId: addNotes
      requestBody:
        content:
          application/form-data:
            schema: {type: object, additionalProperties: {type: string}}
      responses:
        '204': {description: done}
components:
  schemas:
    # Named like runtime items, which generated code reaches by full path.
    FilePart: {type: object, properties: {x: {type: string}}}
    Multipart: {type: object, properties: {x: {type: string}}}
    Meta:
      type: object
      properties:
        a: {type: string}
        b: {type: integer}
"##;

/// The example program: a capturing server, then one call of every method. Each request is
/// printed between `=== name` and `=== end`, its chunked body (if any) decoded.
const EXAMPLE: &str = r##"
use bodies_client::auth::Auth;
use bodies_client::body::{FilePart, MultipartForm, RawBody};
use bodies_client::operations::*;
use bodies_client::types::*;
use bodies_client::Client;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

async fn serve(listener: TcpListener, tx: tokio::sync::mpsc::UnboundedSender<Vec<u8>>) {
    loop {
        let (stream, _) = listener.accept().await.unwrap();
        let mut reader = BufReader::new(stream);
        let mut head = Vec::new();
        let (mut length, mut chunked) = (0usize, false);
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).await.unwrap();
            let lower = line.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
            if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
                chunked = true;
            }
            head.extend_from_slice(line.as_bytes());
            if line == "\r\n" {
                break;
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                let mut size = String::new();
                reader.read_line(&mut size).await.unwrap();
                let size = usize::from_str_radix(size.trim(), 16).unwrap();
                let mut chunk = vec![0; size + 2];
                reader.read_exact(&mut chunk).await.unwrap();
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else {
            body.resize(length, 0);
            reader.read_exact(&mut body).await.unwrap();
        }
        head.extend_from_slice(&body);
        tx.send(head).unwrap();
        let mut stream = reader.into_inner();
        stream
            .write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n")
            .await
            .unwrap();
        stream.shutdown().await.unwrap();
    }
}

#[tokio::main]
async fn main() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(serve(listener, tx));
    let client = Client::builder()
        .base_url(&url)
        .auth(Auth::oauth_token("token"))
        .build()
        .unwrap();
    let dir = std::env::args().nth(1).unwrap();
    let mut show = |name: &str, request: Vec<u8>| {
        println!("=== {name}\n{}\n=== end", String::from_utf8_lossy(&request));
    };

    let mut form = UpdatePetFormRequest::new("Ada & Bob".to_owned());
    form.age = Some(3);
    form.tags = Some(vec!["x y".into(), "z".into()]);
    form.colors = Some(vec!["red".into(), "blue".into()]);
    form.meta = Some(Meta { a: Some("1".into()), b: Some(2), ..Default::default() });
    form.point = Some(Meta { a: Some("p".into()), b: None, ..Default::default() });
    form.sizes = Some(vec!["s".into(), "m".into()]);
    client.update_pet_form("p1".into(), &form).await.unwrap();
    show("form", rx.recv().await.unwrap());

    let path = std::path::Path::new(&dir).join("photo.png");
    std::fs::write(&path, b"PNG-BYTES-FROM-DISK").unwrap();
    let upload = UploadImageForm::new(FilePart::open(&path).await.unwrap())
        .note("hello".into())
        .count(7)
        .meta(Meta { a: Some("m".into()), b: None, ..Default::default() })
        .extra(vec![
            FilePart::bytes("first").file_name("a.txt").content_type("text/plain"),
            FilePart::stream(futures::stream::iter(vec![
                Ok::<_, std::io::Error>(bytes::Bytes::from("stre")),
                Ok(bytes::Bytes::from("amed")),
            ])),
        ]);
    client.upload_image("p1".into(), upload).await.unwrap();
    show("multipart", rx.recv().await.unwrap());

    let memory = UploadImageForm::new(FilePart::bytes("tiny").file_name("t.png"));
    client.upload_image("p2".into(), memory).await.unwrap();
    show("multipart-memory", rx.recv().await.unwrap());

    client
        .put_file("f.bin".into(), RawBody::open(&path).await.unwrap())
        .await
        .unwrap();
    show("raw-file", rx.recv().await.unwrap());

    let chunks = futures::stream::iter(vec![
        Ok::<_, std::io::Error>(bytes::Bytes::from("id,name\n")),
        Ok(bytes::Bytes::from("1,Ada\n")),
    ]);
    client.import_csv(Some(RawBody::stream(chunks))).await.unwrap();
    show("csv-stream", rx.recv().await.unwrap());
    client.import_csv(None).await.unwrap();
    show("csv-none", rx.recv().await.unwrap());

    let meta = Meta { a: Some("j".into()), b: Some(1), ..Default::default() };
    client.create_pet(&meta).await.unwrap();
    show("choice-json", rx.recv().await.unwrap());
    client.create_pet_form(&meta).await.unwrap();
    show("choice-form", rx.recv().await.unwrap());
    client
        .create_pet_raw(RawBody::from(vec![1u8, 2, 3]).content_type("image/gif"))
        .await
        .unwrap();
    show("choice-raw", rx.recv().await.unwrap());
    client
        .create_pet_multipart(CreatePetMultipartForm::new().a("v".into()))
        .await
        .unwrap();
    show("choice-multipart", rx.recv().await.unwrap());

    // Forms whose parts the spec does not list: the caller names them.
    let free = MultipartForm::new()
        .text("title", "Q3 report")
        .text_with_type("meta", r#"{"pages":3}"#, "application/json")
        .file("doc", FilePart::open(&path).await.unwrap().content_type("image/png"))
        .file("doc", FilePart::bytes("two").file_name("b.txt"));
    client.add_attachments(free).await.unwrap();
    show("free-multipart", rx.recv().await.unwrap());
    client
        .add_notes(Some(MultipartForm::new().text("n", "1")))
        .await
        .unwrap();
    show("free-memory", rx.recv().await.unwrap());
}
"##;

fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR has a parent")
        .to_path_buf()
}

/// Generates the crate, runs the example, and returns each captured request by name.
fn captured() -> Vec<(String, String)> {
    let output = codegen::generate(
        SPEC.as_bytes(),
        &codegen::Options {
            spec_name: "bodies.yaml".into(),
            strict: true,
        },
    )
    .unwrap_or_else(|d| panic!("the spec did not generate:\n{d}"));
    let dir = target_dir().join("bodies-crate");
    xtask::scaffold::write_client_crate(&dir, "bodies-client", &output.api.title, &output.files)
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir_all(dir.join("examples")).unwrap();
    std::fs::write(dir.join("examples/wire.rs"), EXAMPLE).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let result = Command::new(cargo)
        .current_dir(&dir)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .args(["run", "--quiet", "--example", "wire", "--target-dir"])
        .arg(xtask::scaffold::client_crates_target_dir(&target_dir()))
        .arg("--")
        .arg(scratch.path())
        .output()
        .expect("cannot run cargo");
    let stdout = String::from_utf8_lossy(&result.stdout).into_owned();
    assert!(
        result.status.success(),
        "the example failed:\n{}\n{stdout}",
        String::from_utf8_lossy(&result.stderr)
    );
    let mut out = Vec::new();
    let mut rest = stdout.as_str();
    while let Some(start) = rest.find("=== ") {
        let after = &rest[start + 4..];
        let (name, body) = after.split_once('\n').unwrap();
        let end = body.find("\n=== end").unwrap();
        out.push((name.to_owned(), body[..end].to_owned()));
        rest = &body[end + 8..];
    }
    out
}

fn header<'a>(request: &'a str, name: &str) -> Option<&'a str> {
    let head = request.split("\r\n\r\n").next().unwrap();
    head.lines().find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

fn body(request: &str) -> &str {
    request.split_once("\r\n\r\n").unwrap().1
}

#[test]
fn bodies_on_the_wire() {
    let requests = captured();
    let get = |name: &str| -> &str {
        &requests
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no request {name}"))
            .1
    };

    // urlencoded: properties in spec (field) order; `tags` exploded (`form`'s default),
    // `colors` pipe-delimited, `meta` deepObject, `point` exploded into its properties, `sizes`
    // (`form` with `explode: false` written) comma-joined; `+` for spaces, `%XX` else.
    let form = get("form");
    assert!(
        form.starts_with("POST /pets/p1/form HTTP/1.1\r\n"),
        "{form}"
    );
    assert_eq!(
        header(form, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        body(form),
        "name=Ada+%26+Bob&age=3&tags=x+y&tags=z&colors=red%7Cblue&meta%5Ba%5D=1&meta%5Bb%5D=2&a=p&sizes=s%2Cm"
    );
    assert_eq!(header(form, "content-length"), Some("100"));

    // multipart with a file from disk and a stream: chunked; every part with its headers.
    let multipart = get("multipart");
    let content_type = header(multipart, "content-type").unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("{content_type}"));
    assert_eq!(header(multipart, "transfer-encoding"), Some("chunked"));
    let expected = [
        "Content-Disposition: form-data; name=\"note\"\r\n\r\nhello",
        "Content-Disposition: form-data; name=\"count\"\r\n\r\n7",
        "Content-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"a\":\"m\"}",
        "Content-Disposition: form-data; name=\"file\"; filename=\"photo.png\"\r\nContent-Type: image/png\r\n\r\nPNG-BYTES-FROM-DISK",
        "Content-Disposition: form-data; name=\"extra\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nfirst",
        "Content-Disposition: form-data; name=\"extra\"\r\nContent-Type: application/octet-stream\r\n\r\nstreamed",
    ];
    let mut wanted = String::new();
    for part in expected {
        wanted.push_str(&format!("--{boundary}\r\n{part}\r\n"));
    }
    wanted.push_str(&format!("--{boundary}--\r\n"));
    assert_eq!(body(multipart), wanted);

    // All in memory: one body with its length (so a retry could send it again).
    let memory = get("multipart-memory");
    assert!(header(memory, "transfer-encoding").is_none(), "{memory}");
    let length: usize = header(memory, "content-length").unwrap().parse().unwrap();
    assert_eq!(length, body(memory).len());
    assert!(body(memory)
        .contains("name=\"file\"; filename=\"t.png\"\r\nContent-Type: image/png\r\n\r\ntiny\r\n"));

    // Raw: a file streamed with its length; a stream chunked; an optional body left out.
    let raw = get("raw-file");
    assert!(raw.starts_with("PUT /files/f.bin HTTP/1.1\r\n"), "{raw}");
    assert_eq!(
        header(raw, "content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(header(raw, "content-length"), Some("19"));
    assert_eq!(body(raw), "PNG-BYTES-FROM-DISK");
    let csv = get("csv-stream");
    assert_eq!(header(csv, "content-type"), Some("text/csv"));
    assert_eq!(header(csv, "transfer-encoding"), Some("chunked"));
    assert_eq!(body(csv), "id,name\n1,Ada\n");
    let none = get("csv-none");
    assert!(header(none, "content-type").is_none(), "{none}");
    assert_eq!(body(none), "");

    // Several media types: JSON on the method, the others on suffixed methods.
    let json = get("choice-json");
    assert_eq!(header(json, "content-type"), Some("application/json"));
    assert_eq!(body(json), r#"{"a":"j","b":1}"#);
    let form = get("choice-form");
    assert_eq!(body(form), "a=j&b=1");
    let raw = get("choice-raw");
    assert_eq!(header(raw, "content-type"), Some("image/gif"));
    assert_eq!(body(raw).as_bytes(), [1, 2, 3]);
    let multipart = get("choice-multipart");
    assert!(header(multipart, "content-type")
        .unwrap()
        .starts_with("multipart/form-data; boundary="));
    assert!(body(multipart).contains("Content-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n"));

    // Free-form multipart (no schema; a schema without properties): the caller's parts in
    // order, the file from disk streamed (chunked), each part with its headers.
    let free = get("free-multipart");
    assert!(free.starts_with("POST /attachments HTTP/1.1\r\n"), "{free}");
    let content_type = header(free, "content-type").unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("{content_type}"));
    assert_eq!(header(free, "transfer-encoding"), Some("chunked"));
    let expected = [
        "Content-Disposition: form-data; name=\"title\"\r\n\r\nQ3 report",
        "Content-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"pages\":3}",
        "Content-Disposition: form-data; name=\"doc\"; filename=\"photo.png\"\r\nContent-Type: image/png\r\n\r\nPNG-BYTES-FROM-DISK",
        "Content-Disposition: form-data; name=\"doc\"; filename=\"b.txt\"\r\nContent-Type: application/octet-stream\r\n\r\ntwo",
    ];
    let mut wanted = String::new();
    for part in expected {
        wanted.push_str(&format!("--{boundary}\r\n{part}\r\n"));
    }
    wanted.push_str(&format!("--{boundary}--\r\n"));
    assert_eq!(body(free), wanted);
    let memory = get("free-memory");
    assert!(memory.starts_with("POST /notes HTTP/1.1\r\n"), "{memory}");
    let content_type = header(memory, "content-type").unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("{content_type}"));
    assert!(header(memory, "transfer-encoding").is_none(), "{memory}");
    assert_eq!(
        body(memory),
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\n1\r\n--{boundary}--\r\n"
        )
    );
    assert_eq!(
        header(memory, "content-length"),
        Some(body(memory).len().to_string().as_str())
    );
}
