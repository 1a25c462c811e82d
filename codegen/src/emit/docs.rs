//! Doc comments: spec text made safe for rustdoc, plus one line of wire facts.

use std::cell::RefCell;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir;

/// `#[doc = " line"]` attributes, one per line (prettyplease prints them as `///`).
pub(crate) fn doc_attrs(docs: &Docs, lines: &[String]) -> TokenStream {
    let mut values = Vec::with_capacity(lines.len() + 1);
    let mut in_fence = false;
    for line in lines {
        let mut text = line.trim().to_owned();
        if text.starts_with("```") {
            // Code fences from the spec are never compiled as doctests, whatever their language.
            if !in_fence {
                text = "```text".to_owned();
            }
            in_fence = !in_fence;
        } else if !in_fence {
            text = escape(&text);
        }
        values.push(if text.is_empty() {
            String::new()
        } else {
            format!(" {text}")
        });
    }
    if in_fence {
        values.push(" ```".to_owned());
    }
    doc_values(docs, values)
}

/// Doc attributes with these exact values, one per line.
///
/// With [`Docs::placeholders`], the block becomes a single placeholder attribute and the
/// values go to the piece's [`DocBlocks`]; [`DocBlocks::expand`] puts them back into the
/// formatted text as prettyplease would have printed them. Most generated text is
/// documentation: this spares parsing and printing every line of it as an attribute.
pub(crate) fn doc_values(docs: &Docs, values: Vec<String>) -> TokenStream {
    // prettyplease prints a doc attribute as `///` + value when the value has no line break and
    // does not start with `/`; only such blocks can be placeheld faithfully.
    let plain = values
        .iter()
        .all(|v| !v.contains('\n') && !v.starts_with('/') && !v.contains(MARKER));
    if let (true, false, Some(blocks)) = (plain, values.is_empty(), &docs.blocks) {
        let mut blocks = blocks.borrow_mut();
        blocks.0.push(values);
        let marker = format!("{MARKER}{}", blocks.0.len() - 1);
        return quote!(#[doc = #marker]);
    }
    let mut out = TokenStream::new();
    for value in values {
        out.extend(quote!(#[doc = #value]));
    }
    out
}

/// Starts a doc placeholder (a control character no escaped doc line contains).
const MARKER: char = '\u{1}';

/// Where the doc comments of a piece being emitted go: set aside as placeholders, or written
/// as `#[doc]` attributes. Passed to every emitter that documents something.
#[derive(Debug)]
pub struct Docs {
    blocks: Option<RefCell<DocBlocks>>,
    /// The crate's name in the examples' paths.
    krate: String,
    /// Whether data types derive `PartialEq` ([`crate::Shape::partial_eq`]).
    partial_eq: bool,
}

impl Docs {
    /// Doc blocks become placeholders; [`Docs::into_blocks`] returns them.
    pub fn placeholders() -> Self {
        Docs {
            blocks: Some(RefCell::new(DocBlocks::default())),
            krate: "inbox_api".to_owned(),
            partial_eq: true,
        }
    }

    /// Doc blocks are written as attributes.
    pub fn attributes() -> Self {
        Docs {
            blocks: None,
            krate: "inbox_api".to_owned(),
            partial_eq: true,
        }
    }

    /// Examples name the crate `krate` (as users write it in paths).
    pub fn for_crate(mut self, krate: &str) -> Self {
        krate.clone_into(&mut self.krate);
        self
    }

    /// The crate's name in the examples' paths.
    pub(crate) fn krate(&self) -> &str {
        &self.krate
    }

    /// Data types derive `PartialEq` (`partial_eq`) or not.
    pub fn with_partial_eq(mut self, partial_eq: bool) -> Self {
        self.partial_eq = partial_eq;
        self
    }

    /// `#[derive(...)]` of `names`, `PartialEq` placed after `before_eq` when data types
    /// derive it.
    pub(crate) fn derives(&self, before_eq: &[&str], after_eq: &[&str]) -> TokenStream {
        let eq = self.partial_eq.then_some("PartialEq");
        let names = before_eq
            .iter()
            .copied()
            .chain(eq)
            .chain(after_eq.iter().copied())
            .map(|n| proc_macro2::Ident::new(n, proc_macro2::Span::call_site()));
        quote::quote!(#[derive(#(#names),*)])
    }

    /// The blocks set aside (none with [`Docs::attributes`]).
    pub fn into_blocks(self) -> DocBlocks {
        self.blocks.map(RefCell::into_inner).unwrap_or_default()
    }
}

/// Doc comment blocks taken out of a piece's tokens by [`crate::emit::emit_piece`].
#[derive(Debug, Default)]
pub struct DocBlocks(Vec<Vec<String>>);

impl DocBlocks {
    /// Replaces each placeholder line of `formatted` (prettyplease's output for the tokens the
    /// blocks were collected from) with its block's lines, indented like the placeholder.
    pub fn expand(&self, formatted: String) -> String {
        if self.0.is_empty() {
            return formatted;
        }
        let mut out = String::with_capacity(formatted.len() + self.0.len() * 80);
        for line in formatted.split_inclusive('\n') {
            let trimmed = line.trim_start();
            let index = trimmed
                .strip_prefix("///")
                .and_then(|rest| rest.strip_prefix(MARKER))
                .and_then(|rest| rest.trim_end().parse::<usize>().ok());
            match index.and_then(|i| self.0.get(i)) {
                Some(block) => {
                    let indent = &line[..line.len() - trimmed.len()];
                    for value in block {
                        out.push_str(indent);
                        out.push_str("///");
                        // As prettyplease prints doc attributes.
                        out.push_str(value.trim_end_matches(' '));
                        out.push('\n');
                    }
                }
                None => out.push_str(line),
            }
        }
        out
    }
}

/// Escapes what rustdoc would misread: link brackets, HTML, bare URLs; code spans are kept.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(part);
            continue;
        }
        if !part.contains(['[', ']', '<', '>', '&']) && !part.contains("http") {
            // Nothing to escape or wrap (most doc text).
            out.push_str(part);
            continue;
        }
        let mut escaped = String::with_capacity(part.len());
        for c in part.chars() {
            match c {
                '[' => escaped.push_str("\\["),
                ']' => escaped.push_str("\\]"),
                '<' => escaped.push_str("&lt;"),
                '>' => escaped.push_str("&gt;"),
                '&' => escaped.push_str("&amp;"),
                _ => escaped.push(c),
            }
        }
        out.push_str(&wrap_urls(&escaped));
    }
    // An odd number of backticks leaves a code span open; close it so the rest renders.
    if text.matches('`').count() % 2 == 1 {
        out.push('`');
    }
    out
}

fn wrap_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    // The first `http://` or `https://`: the first `http` followed by either.
    let next_url = |text: &str| {
        let mut from = 0;
        while let Some(at) = text[from..].find("http") {
            let start = from + at;
            let after = &text[start + "http".len()..];
            if after.starts_with("://") || after.starts_with("s://") {
                return Some(start);
            }
            from = start + "http".len();
        }
        None
    };
    while let Some(start) = next_url(rest) {
        out.push_str(&rest[..start]);
        let candidate = &rest[start..];
        let mut end = candidate
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`'))
            .unwrap_or(candidate.len());
        // Trailing punctuation and a closing parenthesis the URL did not open belong to the text.
        loop {
            let url = &candidate[..end];
            let unbalanced_paren =
                url.ends_with(')') && url.matches(')').count() > url.matches('(').count();
            if url.ends_with(['.', ',', ';', ':', '!', '?', '\\'])
                || unbalanced_paren
                || url.ends_with("\\]")
            {
                end -= url.chars().next_back().map_or(1, char::len_utf8);
            } else {
                break;
            }
        }
        if end <= "https://".len() {
            out.push_str(&candidate[..end.max(1)]);
            rest = &candidate[end.max(1)..];
            continue;
        }
        out.push('<');
        out.push_str(&candidate[..end]);
        out.push('>');
        rest = &candidate[end..];
    }
    out.push_str(rest);
    out
}

/// A summary line of limits and formats, e.g. "Format: uuid. Max length: 256.".
pub(crate) fn facts(limits: &ir::Limits, read_only: bool) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    if let Some(format) = &limits.format {
        parts.push(format!("Format: `{format}`."));
    }
    let mut push = |label: &str, value: Option<String>| {
        if let Some(v) = value {
            parts.push(format!("{label}: {v}."));
        }
    };
    push("Min length", limits.min_length.map(|v| v.to_string()));
    push("Max length", limits.max_length.map(|v| v.to_string()));
    push("Min items", limits.min_items.map(|v| v.to_string()));
    push("Max items", limits.max_items.map(|v| v.to_string()));
    push("Minimum", limits.minimum.map(number));
    push("Maximum", limits.maximum.map(number));
    if let Some(items) = &limits.items {
        if let Some(inner) = facts(items, false) {
            parts.push(format!("Each item: {inner}"));
        }
    }
    if read_only {
        parts.push("Read-only: set by the server and ignored when sent.".to_owned());
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// The note of a `#[deprecated]` attribute.
pub(crate) fn deprecation_note(d: &ir::Deprecation) -> String {
    let mut note = String::from("deprecated by the API");
    if let Some(replacement) = &d.replaced_by {
        note.push_str(&format!("; use `{replacement}` instead"));
    }
    if let Some(date) = &d.removal_date {
        note.push_str(&format!("; to be removed on {date}"));
    }
    note
}

/// Documentation lines of a field-like item: spec text, then facts. Deprecation is not
/// repeated here: the item carries `#[deprecated]`, which rustdoc shows.
pub(crate) fn item_doc(
    doc: &[String],
    limits: &ir::Limits,
    read_only: bool,
    fallback: &str,
) -> Vec<String> {
    let mut lines: Vec<String> = if doc.is_empty() {
        vec![fallback.to_owned()]
    } else {
        doc.to_vec()
    };
    if let Some(facts) = facts(limits, read_only) {
        lines.push(String::new());
        lines.push(facts);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_rustdoc_syntax_outside_code() {
        assert_eq!(
            escape("see [docs] <b> & https://x.io/a."),
            "see \\[docs\\] &lt;b&gt; &amp; <https://x.io/a>."
        );
        assert_eq!(escape("`[keep]` [x]"), "`[keep]` \\[x\\]");
        assert_eq!(escape("odd ` tick"), "odd ` tick`");
        assert_eq!(
            escape("httpd, http:/x, see http://a.io or https://b.io/c."),
            "httpd, http:/x, see <http://a.io> or <https://b.io/c>."
        );
        assert_eq!(escape("plain words"), "plain words");
    }
}
