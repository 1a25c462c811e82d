//! Doc comments: spec text made safe for rustdoc, plus one line of wire facts.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir;

/// `#[doc = " line"]` attributes, one per line (prettyplease prints them as `///`).
pub(crate) fn doc_attrs(lines: &[String]) -> TokenStream {
    let mut out = TokenStream::new();
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
        let text = if text.is_empty() {
            String::new()
        } else {
            format!(" {text}")
        };
        out.extend(quote!(#[doc = #text]));
    }
    if in_fence {
        out.extend(quote!(#[doc = " ```"]));
    }
    out
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
    while let Some(start) = ["http://", "https://"]
        .iter()
        .filter_map(|scheme| rest.find(scheme))
        .min()
    {
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
        parts.push("Read-only: set by Wix and ignored when sent.".to_owned());
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
    let mut note = String::from("deprecated by Wix");
    if let Some(replacement) = &d.replaced_by {
        note.push_str(&format!("; use `{replacement}` instead"));
    }
    if let Some(date) = &d.removal_date {
        note.push_str(&format!("; to be removed on {date}"));
    }
    note
}

/// Documentation lines of a field-like item: spec text, then facts.
pub(crate) fn item_doc(
    doc: &[String],
    limits: &ir::Limits,
    read_only: bool,
    deprecated: Option<&ir::Deprecation>,
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
    if let Some(d) = deprecated {
        lines.push(String::new());
        lines.push(format!("Deprecated: {}.", deprecation_note(d)));
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
    }
}
