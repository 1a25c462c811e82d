//! stub
#[test]
fn drill() {}
