//! The expected outputs of `codegen/tests/snapshots.rs`, compiled against the real runtime so
//! that every snapshot is also valid Rust.
//!
//! Each case's `types.rs` and `validation.rs` are modules here. The case's `mod.rs` and
//! `operations.rs` are not: `operations.rs` adds methods to `Client` with an inherent `impl`,
//! which only the crate that defines `Client` may write. `tests/tests/fixture_crates.rs`
//! compiles every case whole, operations included, each as a crate of its own.
//!
//! Add a case here when adding one to `codegen/tests/snapshots.rs`.

/// `codegen/tests/fixtures/all_of.yaml`.
#[rustfmt::skip]
#[path = "../../codegen/tests/fixtures/all_of"]
pub mod all_of {
    pub mod types;
    // `RULES` is read only by operations, which these schema-only fixtures do not have.
    #[allow(dead_code)]
    mod validation;
}

/// `codegen/tests/fixtures/date_time.yaml`.
#[rustfmt::skip]
#[path = "../../codegen/tests/fixtures/date_time"]
pub mod date_time {
    pub mod types;
    // `RULES` is read only by operations, which these schema-only fixtures do not have.
    #[allow(dead_code)]
    mod validation;
}

/// `codegen/tests/fixtures/deprecated.yaml`.
#[rustfmt::skip]
#[path = "../../codegen/tests/fixtures/deprecated"]
pub mod deprecated {
    pub mod types;
    // `RULES` is read only by operations, which these schema-only fixtures do not have.
    #[allow(dead_code)]
    mod validation;
}

/// `codegen/tests/fixtures/docs.yaml`.
#[rustfmt::skip]
#[path = "../../codegen/tests/fixtures/docs"]
pub mod docs {
    pub mod types;
    // `RULES` is read only by operations, which these schema-only fixtures do not have.
    #[allow(dead_code)]
    mod validation;
}

/// `codegen/tests/fixtures/enum.yaml`.
#[rustfmt::skip]
#[path = "../../codegen/tests/fixtures/enum"]
pub mod r#enum {
    pub mod types;
    // `RULES` is read only by operations, which these schema-only fixtures do not have.
    #[allow(dead_code)]
    mod validation;
}

/// `codegen/tests/fixtures/inline.yaml`.
#[rustfmt::skip]
#[path = "../../codegen/tests/fixtures/inline"]
pub mod inline {
    pub mod types;
    // `RULES` is read only by operations, which these schema-only fixtures do not have.
    #[allow(dead_code)]
    mod validation;
}

/// `codegen/tests/fixtures/int64.yaml`.
#[rustfmt::skip]
#[path = "../../codegen/tests/fixtures/int64"]
pub mod int64 {
    pub mod types;
    // `RULES` is read only by operations, which these schema-only fixtures do not have.
    #[allow(dead_code)]
    mod validation;
}

/// `codegen/tests/fixtures/keywords.yaml`.
#[rustfmt::skip]
#[path = "../../codegen/tests/fixtures/keywords"]
pub mod keywords {
    pub mod types;
    // `RULES` is read only by operations, which these schema-only fixtures do not have.
    #[allow(dead_code)]
    mod validation;
}

/// `codegen/tests/fixtures/lenient_collisions.yaml`.
#[rustfmt::skip]
#[path = "../../codegen/tests/fixtures/lenient_collisions"]
pub mod lenient_collisions {
    pub mod types;
    // `RULES` is read only by operations, which these schema-only fixtures do not have.
    #[allow(dead_code)]
    mod validation;
}

/// `codegen/tests/fixtures/maps.yaml`.
#[rustfmt::skip]
#[path = "../../codegen/tests/fixtures/maps"]
pub mod maps {
    pub mod types;
    // `RULES` is read only by operations, which these schema-only fixtures do not have.
    #[allow(dead_code)]
    mod validation;
}

/// `codegen/tests/fixtures/names.yaml`.
#[rustfmt::skip]
#[path = "../../codegen/tests/fixtures/names"]
pub mod names {
    pub mod types;
    // `RULES` is read only by operations, which these schema-only fixtures do not have.
    #[allow(dead_code)]
    mod validation;
}

/// `codegen/tests/fixtures/nullable.yaml`.
#[rustfmt::skip]
#[path = "../../codegen/tests/fixtures/nullable"]
pub mod nullable {
    pub mod types;
    // `RULES` is read only by operations, which these schema-only fixtures do not have.
    #[allow(dead_code)]
    mod validation;
}

/// `codegen/tests/fixtures/oneof.yaml`.
#[rustfmt::skip]
#[path = "../../codegen/tests/fixtures/oneof"]
pub mod oneof {
    pub mod types;
    // `RULES` is read only by operations, which these schema-only fixtures do not have.
    #[allow(dead_code)]
    mod validation;
}

/// `codegen/tests/fixtures/read_only.yaml`.
#[rustfmt::skip]
#[path = "../../codegen/tests/fixtures/read_only"]
pub mod read_only {
    pub mod types;
    // `RULES` is read only by operations, which these schema-only fixtures do not have.
    #[allow(dead_code)]
    mod validation;
}

/// `codegen/tests/fixtures/recursive.yaml`.
#[rustfmt::skip]
#[path = "../../codegen/tests/fixtures/recursive"]
pub mod recursive {
    pub mod types;
    // `RULES` is read only by operations, which these schema-only fixtures do not have.
    #[allow(dead_code)]
    mod validation;
}

/// `codegen/tests/fixtures/struct.yaml`.
#[rustfmt::skip]
#[path = "../../codegen/tests/fixtures/struct"]
pub mod r#struct {
    pub mod types;
    // `RULES` is read only by operations, which these schema-only fixtures do not have.
    #[allow(dead_code)]
    mod validation;
}

/// `codegen/tests/fixtures/styles.yaml`.
#[rustfmt::skip]
#[path = "../../codegen/tests/fixtures/styles"]
pub mod styles {
    pub mod types;
    // `RULES` is read only by operations, which these schema-only fixtures do not have.
    #[allow(dead_code)]
    mod validation;
}

/// `codegen/tests/fixtures/unions.yaml`.
#[rustfmt::skip]
#[path = "../../codegen/tests/fixtures/unions"]
pub mod unions {
    pub mod types;
    // `RULES` is read only by operations, which these schema-only fixtures do not have.
    #[allow(dead_code)]
    mod validation;
}

/// `codegen/tests/fixtures/uuid.yaml`.
#[rustfmt::skip]
#[path = "../../codegen/tests/fixtures/uuid"]
pub mod uuid {
    pub mod types;
    // `RULES` is read only by operations, which these schema-only fixtures do not have.
    #[allow(dead_code)]
    mod validation;
}
