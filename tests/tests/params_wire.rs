//! Header, cookie and object-valued query parameters on the wire, and text, binary (whole and
//! streamed) and server-sent-event responses: a small spec is generated
//! into a crate (`<target>/params-wire-crate`, checked in the shared `<target>/client-crates`
//! target directory), whose example program calls the operations against a server on
//! 127.0.0.1 that records the raw request bytes; the test checks those bytes.
//!
//! `cargo test -p inbox-api-tests --test params_wire -- --nocapture`

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

const SPEC: &str = r##"openapi: 3.0.3
info: {title: Params, version: '1'}
servers: [{url: 'http://localhost'}]
paths:
  /items/{id}:
    get:
      operationId: getItem
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: X-Request-Tag, in: header, required: true, schema: {type: string}}
        - {name: Authorization, in: header, schema: {type: string}}
        - {name: User-Agent, in: header, schema: {type: string}}
        - {name: X-Ids, in: header, schema: {type: array, items: {type: integer}}}
        - {name: X-Shape, in: header, schema: {type: object, properties: {w: {type: integer}, h: {type: integer}}}}
        - {name: session, in: cookie, required: true, schema: {type: string}}
        - {name: theme, in: cookie, schema: {type: string}}
        - {name: Cookie, in: header, schema: {type: string}}
        - name: filter
          in: query
          style: deepObject
          explode: true
          schema:
            type: object
            properties:
              owner: {type: object, properties: {login: {type: string}, id: {type: integer}}}
              state: {type: string}
        - name: cwes
          in: query
          schema:
            oneOf:
              - {type: string}
              - {type: array, items: {type: string}}
        - name: color
          in: query
          explode: false
          schema: {type: object, properties: {r: {type: integer}, g: {type: integer}}}
        - name: page
          in: query
          schema: {type: object, properties: {size: {type: integer}, after: {type: object, properties: {id: {type: integer}}}}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {ok: {type: boolean}}}
  /zen:
    get:
      operationId: getZen
      responses:
        '200':
          description: text
          content:
            text/plain: {schema: {type: string}}
  /report:
    get:
      operationId: getReport
      responses:
        '200':
          description: a PDF
          content:
            application/pdf: {schema: {type: string, format: binary}}
  /events:
    get:
      operationId: watch
      parameters:
        - {name: Last-Event-ID, in: header, schema: {type: string}}
      responses:
        '200':
          description: typed events
          content:
            text/event-stream:
              schema: {type: object, required: [n], properties: {n: {type: integer}}}
  /search/{sel}:
    get:
      operationId: search
      parameters:
        - name: sel
          in: path
          required: true
          content:
            application/json:
              schema: {type: object, properties: {a: {type: integer}}}
        - name: q
          in: query
          required: true
          content:
            application/json:
              schema:
                type: object
                required: [term]
                properties: {term: {type: string}, tags: {type: array, items: {type: string}}}
        - name: raw
          in: query
          content:
            text/plain: {schema: {type: string}}
        - name: X-Filter
          in: header
          content:
            application/vnd.api+json: {schema: {type: object, properties: {n: {type: integer}}}}
        - name: X-Count
          in: header
          required: true
          content:
            text/plain: {schema: {type: integer}}
        - name: prefs
          in: cookie
          content:
            application/json: {}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {ok: {type: boolean}}}
  /log:
    get:
      operationId: tailLog
      responses:
        '200':
          description: raw events
          content:
            text/event-stream: {}
"##;

const PROGRAM: &str = r#"
use params_wire::auth::Auth;
use params_wire::operations::GetItemOptions;
use params_wire::types::*;
use params_wire::{Client, Error};

#[tokio::main]
async fn main() {
    let base = std::env::args().nth(1).expect("base URL");
    let client = Client::builder()
        .base_url(&base)
        .auth(Auth::oauth_token("tok"))
        .build()
        .unwrap();
    let filter: GetItemFilter = serde_json::from_value(
        serde_json::json!({"owner": {"login": "octo cat", "id": 7}, "state": "open"}),
    )
    .unwrap();
    let cwes: GetItemCwes = serde_json::from_value(serde_json::json!(["79", "284"])).unwrap();
    let color: GetItemColor = serde_json::from_value(serde_json::json!({"r": 1, "g": 2})).unwrap();
    let page: GetItemPage =
        serde_json::from_value(serde_json::json!({"size": 5, "after": {"id": 9}})).unwrap();
    let shape: GetItemXShape = serde_json::from_value(serde_json::json!({"w": 3, "h": 4})).unwrap();
    let mut options = GetItemOptions::default()
        .x_ids(vec![1, 2])
        .x_shape(shape)
        .theme("dark; x=1")
        .cookie("pref=a; lang=en")
        .user_agent("wire-test/1")
        .cwes(cwes)
        .color(color)
        .page_param(page);
    options.filter = Some(filter);
    let ok = client
        .get_item("a/b".to_owned(), "tag-1".to_owned(), "s3cr3t".to_owned(), options)
        .await
        .unwrap();
    println!("decoded: {ok:?}");
    let bad = client
        .get_item(
            "x".to_owned(),
            "evil\r\nInjected: 1".to_owned(),
            "s".to_owned(),
            GetItemOptions::default(),
        )
        .await;
    match bad {
        Err(e @ Error::InvalidRequest { .. }) => println!("rejected: {e}"),
        other => println!("not rejected: {other:?}"),
    }
    let zen: String = client.get_zen().await.unwrap();
    println!("text: {zen:?}");
    let report: params_wire::Binary = client.get_report().await.unwrap();
    println!("binary: {:?} {:?}", report.content_type, &report.bytes[..]);
    use futures::TryStreamExt;
    let stream = client.get_report_stream().await.unwrap();
    println!("stream type: {:?}", stream.content_type());
    let chunks: Vec<bytes::Bytes> = stream.try_collect().await.unwrap();
    println!("streamed: {:?}", chunks.concat());
    use params_wire::operations::WatchOptions;
    let mut watch = client.watch(WatchOptions::default()).await.unwrap();
    let mut events = Vec::new();
    while let Some(e) = watch.try_next().await.unwrap() {
        events.push(e);
    }
    for e in &events {
        println!("event: {:?} {:?} {}", e.event, e.id, e.data.n);
    }
    // Resuming: the last event ID (set by a block without data too) and the retry hint.
    println!("resume: {:?} {:?}", watch.last_event_id(), watch.retry());
    let last = watch.last_event_id().unwrap().to_owned();
    let resumed = client
        .watch(WatchOptions::default().last_event_id(last))
        .await
        .unwrap();
    let resumed: Vec<_> = resumed.try_collect().await.unwrap();
    println!("resumed: {}", resumed.len());
    let mut log = client.tail_log().await.unwrap();
    while let Some(e) = log.try_next().await.unwrap() {
        println!("log: {:?}", e.data);
    }
    // Parameters described by `content`: JSON or text, then encoded for their place.
    let sel: SearchSel = serde_json::from_value(serde_json::json!({"a": 1})).unwrap();
    let q: SearchQ =
        serde_json::from_value(serde_json::json!({"term": "a b&c", "tags": ["x"]})).unwrap();
    let filter: SearchXFilter = serde_json::from_value(serde_json::json!({"n": 2})).unwrap();
    let options = params_wire::operations::SearchOptions::default()
        .raw("x y")
        .x_filter(filter)
        .prefs(serde_json::json!({"dark": true, "size": "m"}));
    let found = client.search(sel, q, 7, options).await.unwrap();
    println!("searched: {found:?}");
}
"#;

/// Serves every connection with one JSON response, recording each raw request head.
fn serve(listener: TcpListener, seen: Arc<Mutex<Vec<String>>>) {
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { return };
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut head = String::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            head.push_str(&line);
            if line == "\r\n" {
                break;
            }
        }
        let length = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
            })
            .unwrap_or(0);
        let mut body = vec![0; length];
        let _ = reader.read_exact(&mut body);
        let (content_type, reply): (&str, &[u8]) = if head.starts_with("GET /zen") {
            (
                "text/plain; charset=utf-8",
                "Keep it logically awesome.".as_bytes(),
            )
        } else if head.starts_with("GET /report") {
            ("application/pdf", b"%PDF-\x00\xff")
        } else if head.starts_with("GET /events") {
            (
                "text/event-stream",
                b"event: tick\nid: 1\ndata: {\"n\": 1}\n\n: keep-alive\n\ndata: {\"n\":\ndata: 2}\n\nid: 5\nretry: 3000\n\n",
            )
        } else if head.starts_with("GET /log") {
            ("text/event-stream", b"data: line one\r\n\r\ndata: two\r\r")
        } else {
            ("application/json", b"{\"ok\":true}")
        };
        seen.lock().unwrap().push(head);
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            reply.len()
        );
        let _ = stream.write_all(reply);
    }
}

fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR has a parent")
        .to_path_buf()
}

#[test]
fn parameters_on_the_wire_and_non_json_responses() {
    let options = codegen::Options {
        spec_name: "params.yaml".to_owned(),
        strict: false,
    };
    // Named as the crate is, so the doc examples (compiled below) name it.
    let shape = codegen::Shape {
        crate_name: "params_wire".to_owned(),
        ..codegen::Shape::default()
    };
    let output = codegen::generate_with(SPEC.as_bytes(), &options, &shape).expect("generates");
    let warnings = codegen::Diagnostics::new("params.yaml", output.warnings.clone()).to_string();
    assert!(
        warnings.contains(
            "header parameter `Authorization` is skipped: the client sets `Authorization`"
        ),
        "{warnings}"
    );
    assert!(
        !warnings.contains("operation `GET"),
        "no operation skipped:\n{warnings}"
    );

    let target = target_dir();
    let dir = target.join("params-wire-crate");
    xtask::scaffold::write_client_crate(&dir, "params-wire", &output.api.title, &output.files)
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir_all(dir.join("examples")).unwrap();
    std::fs::write(dir.join("examples/wire.rs"), PROGRAM).unwrap();

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let server_seen = Arc::clone(&seen);
    std::thread::spawn(move || serve(listener, server_seen));

    let run = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(&dir)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .args(["run", "--quiet", "--example", "wire", "--target-dir"])
        .arg(xtask::scaffold::client_crates_target_dir(&target))
        .arg("--")
        .arg(&base)
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "example failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        stdout.contains("decoded: GetItemResponse { ok: Some(true), extra: {} }"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "rejected: invalid request: header X-Request-Tag: must not contain control characters"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("Injected"), "{stdout}");

    assert!(
        stdout.contains("text: \"Keep it logically awesome.\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("binary: Some(\"application/pdf\") [37, 80, 68, 70, 45, 0, 255]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("stream type: Some(\"application/pdf\")"),
        "{stdout}"
    );
    assert!(
        stdout.contains("streamed: [37, 80, 68, 70, 45, 0, 255]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("event: Some(\"tick\") Some(\"1\") 1\nevent: None Some(\"1\") 2\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("log: \"line one\"\nlog: \"two\"\n"),
        "{stdout}"
    );
    // Every operation's doc example compiles against the crate as its users name it.
    let doctests = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(&dir)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("RUSTDOCFLAGS")
        .args(["test", "--quiet", "--doc", "--target-dir"])
        .arg(xtask::scaffold::client_crates_target_dir(&target))
        .output()
        .expect("cargo runs");
    let doc_out = String::from_utf8_lossy(&doctests.stdout);
    assert!(
        doctests.status.success() && doc_out.contains("test result: ok"),
        "doc examples failed:\n{doc_out}\n{}",
        String::from_utf8_lossy(&doctests.stderr)
    );
    assert!(
        !doc_out.contains(" 0 passed"),
        "no doc example ran:\n{doc_out}"
    );
    let seen = seen.lock().unwrap();
    // The invalid request never reached the server.
    assert_eq!(seen.len(), 8, "{seen:?}");
    let non_json = ["GET /zen", "GET /report", "GET /events", "GET /log"];
    let non_json: Vec<&String> = seen
        .iter()
        .filter(|h| non_json.iter().any(|p| h.starts_with(p)))
        .collect();
    assert_eq!(non_json.len(), 6, "{seen:?}");
    for head in non_json {
        assert!(head.contains("\r\naccept: */*\r\n"), "{head}");
    }
    let head = &seen[0];
    let request_line = head.lines().next().unwrap();
    // deepObject nests `[key]`; the union's list is exploded `form`; `color` is not exploded;
    // `page` (an object holding an object) is exploded form with the inner object as JSON.
    assert_eq!(
        request_line,
        "GET /items/a%2Fb?filter%5Bowner%5D%5Bid%5D=7&filter%5Bowner%5D%5Blogin%5D=octo+cat&filter%5Bstate%5D=open&cwes=79&cwes=284&color=r%2C1%2Cg%2C2&after=%7B%22id%22%3A9%7D&size=5 HTTP/1.1",
        "{head}"
    );
    let header = |name: &str| header_values(head, name);
    assert_eq!(header("x-request-tag"), ["tag-1"], "{head}");
    assert_eq!(header("x-ids"), ["1,2"], "{head}");
    assert_eq!(header("x-shape"), ["w,3,h,4"], "{head}");
    // A `Cookie` header parameter and the cookie parameters share one `Cookie` header.
    assert_eq!(
        header("cookie"),
        ["pref=a; lang=en; session=s3cr3t; theme=dark%3B%20x=1"],
        "{head}"
    );
    // A parameter replaces the client's default of the same name.
    assert_eq!(header("user-agent"), ["wire-test/1"], "{head}");
    // The runtime's own header, not a parameter.
    assert_eq!(header("authorization"), ["tok"], "{head}");

    // `content` parameters: compact JSON (or text), percent-encoded as the place requires.
    // Same shape as `GetItemResponse`, so an alias of it.
    assert!(
        stdout.contains("searched: GetItemResponse { ok: Some(true), extra: {} }"),
        "{stdout}"
    );
    let head = seen.iter().find(|h| h.starts_with("GET /search")).unwrap();
    assert_eq!(
        head.lines().next().unwrap(),
        "GET /search/%7B%22a%22%3A1%7D?q=%7B%22term%22%3A%22a+b%26c%22%2C%22tags%22%3A%5B%22x%22%5D%7D&raw=x+y HTTP/1.1",
        "{head}"
    );
    let header = |name: &str| header_values(head, name);
    assert_eq!(header("x-filter"), [r#"{"n":2}"#], "{head}");
    assert_eq!(header("x-count"), ["7"], "{head}");
    assert_eq!(
        header("cookie"),
        [r#"prefs={%22dark%22:true%2C%22size%22:%22m%22}"#],
        "{head}"
    );

    // Server-sent events resumed with `Last-Event-ID` (an ordinary header parameter).
    assert!(
        stdout.contains("resume: Some(\"5\") Some(3s)\nresumed: 2\n"),
        "{stdout}"
    );
    let watches: Vec<&String> = seen
        .iter()
        .filter(|h| h.starts_with("GET /events"))
        .collect();
    assert_eq!(watches.len(), 2, "{seen:?}");
    assert!(
        !watches[0].to_ascii_lowercase().contains("last-event-id"),
        "{}",
        watches[0]
    );
    assert!(
        watches[1].contains("\r\nlast-event-id: 5\r\n"),
        "{}",
        watches[1]
    );
}

/// The values of the header `name` (any case) in a request head, in order.
fn header_values<'a>(head: &'a str, name: &str) -> Vec<&'a str> {
    head.lines()
        .filter_map(|l| l.split_once(':'))
        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
        .collect()
}
