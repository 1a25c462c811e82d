//! Spec problems, each tied to a place: a JSON pointer and, when known, a line and column.
//!
//! Resolve collects every problem it finds instead of stopping at the first one.

use std::fmt;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation cannot succeed.
    Error,
    /// Something was skipped or degraded; the output still compiles.
    Warning,
}

/// One problem in a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
    /// JSON pointer of the node at fault (`#/components/schemas/Message/properties/id`).
    pub pointer: String,
    /// 1-based line and column in the spec text, when known.
    pub line_col: Option<(usize, usize)>,
}

impl Diagnostic {
    /// An error at `pointer`.
    pub fn error(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            pointer: pointer.into(),
            line_col: None,
        }
    }

    /// A construct the generator does not support, at `pointer`.
    pub fn unsupported(pointer: impl Into<String>, what: impl fmt::Display) -> Self {
        Diagnostic::error(pointer, format!("unsupported: {what}"))
    }
}

/// Every problem found in one run, with the name of the spec file for display.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostics {
    /// Display name of the spec (e.g. `spec/inbox-v2.yaml`).
    pub file: String,
    /// The problems, in the order found.
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Diagnostics for `file` holding `items`.
    pub fn new(file: &str, items: Vec<Diagnostic>) -> Self {
        Diagnostics {
            file: file.to_owned(),
            items,
        }
    }

    /// True when at least one item is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Error)
    }

    /// The warnings only.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.items.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            let label = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            writeln!(f, "{label}: {}", d.message)?;
            match d.line_col {
                Some((line, col)) => write!(f, "  --> {}:{line}:{col} ({})", self.file, d.pointer)?,
                None => write!(f, "  --> {} ({})", self.file, d.pointer)?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Escapes one JSON-pointer segment (RFC 6901).
pub fn escape_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Appends a segment to a pointer.
pub fn join(pointer: &str, segment: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + segment.len() + 1);
    out.push_str(pointer);
    out.push('/');
    if segment.contains(['~', '/']) {
        out.push_str(&escape_segment(segment));
    } else {
        out.push_str(segment);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_segments_are_escaped() {
        assert_eq!(join("#/paths", "/a~b/{id}"), "#/paths/~1a~0b~1{id}");
        assert_eq!(join("#/components", "schemas"), "#/components/schemas");
        assert_eq!(join("#", ""), "#/");
    }
}
