//! The commonest generated items printed straight from their tokens, as prettyplease prints
//! them, without syn's parse: data structs, their `new` constructors, their
//! `json_object!` invocations and type aliases (in GitHub's spec, most of `types.rs` and more
//! than half of the time formatting took).
//!
//! Only shapes whose layout is certain are printed here: no line of them can reach
//! prettyplease's margin (where it would break a line), doc attributes are plain, types are
//! paths with generic arguments. Anything else (an attribute, type or line that does not fit
//! those rules, any other item) is left to syn and prettyplease, item by item
//! ([`split`]); prettyplease prints each top-level item on its own, so the text of the two
//! kinds of items concatenated in order is what prettyplease prints for the whole piece. The
//! tests compare both ways on every item of the Inbox spec and on lines around the margin.

use std::fmt::Write as _;

mod methods;
pub(crate) use methods::split_methods;

use proc_macro2::{Delimiter, Group, Spacing, TokenStream, TokenTree};

/// prettyplease's margin: a line longer than this is broken where it can be.
const MARGIN: usize = 89;

/// prettyplease prints a struct literal on one line only when it is at most this wide
/// (without its closing brace).
const STRUCT_LITERAL_WIDTH: usize = 34;

/// A run of a piece's top-level items: printed here, or tokens for syn and prettyplease.
#[derive(Debug)]
pub(crate) enum Segment {
    /// prettyplease's text for these items.
    Text(String),
    /// Items to parse and print with syn and prettyplease.
    Tokens(TokenStream),
}

/// `tokens` (top-level items) as runs of items printed here and items left to prettyplease,
/// in order.
pub(crate) fn split(tokens: TokenStream) -> Vec<Segment> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    // First the items and which of them print here, then the trees are moved into the runs.
    let mut items: Vec<(usize, Option<String>)> = Vec::new();
    let mut start = 0;
    while start < trees.len() {
        let end = item_end(&trees, start);
        items.push((end - start, item(&trees[start..end])));
        start = end;
    }
    let mut segments = Vec::new();
    let mut trees = trees.into_iter();
    for (len, text) in items {
        match (text, segments.last_mut()) {
            (Some(text), Some(Segment::Text(last))) => {
                last.push_str(&text);
                trees.by_ref().take(len).for_each(drop);
            }
            (Some(text), _) => {
                segments.push(Segment::Text(text));
                trees.by_ref().take(len).for_each(drop);
            }
            (None, Some(Segment::Tokens(last))) => last.extend(trees.by_ref().take(len)),
            (None, _) => segments.push(Segment::Tokens(trees.by_ref().take(len).collect())),
        }
    }
    segments
}

/// The end of the top-level item starting at `start`: after its `;`, or after its braces
/// (when no `;` follows them).
fn item_end(trees: &[TokenTree], start: usize) -> usize {
    let mut i = start;
    while i < trees.len() {
        match &trees[i] {
            TokenTree::Punct(p) if p.as_char() == ';' => return i + 1,
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                return match trees.get(i + 1) {
                    Some(TokenTree::Punct(p)) if p.as_char() == ';' => i + 2,
                    _ => i + 1,
                };
            }
            _ => i += 1,
        }
    }
    trees.len()
}

/// prettyplease's text for one item, when it is a shape printed here.
fn item(trees: &[TokenTree]) -> Option<String> {
    let mut out = String::new();
    let mut i = 0;
    while let (Some(TokenTree::Punct(hash)), Some(TokenTree::Group(attr))) =
        (trees.get(i), trees.get(i + 1))
    {
        if hash.as_char() != '#' || attr.delimiter() != Delimiter::Bracket {
            break;
        }
        attribute(attr, "", &mut out)?;
        i += 2;
    }
    let rest = &trees[i..];
    match rest {
        [TokenTree::Ident(vis), TokenTree::Ident(kw), TokenTree::Ident(name), TokenTree::Group(body)]
            if vis == "pub" && kw == "struct" && body.delimiter() == Delimiter::Brace =>
        {
            write!(out, "pub struct {name} {{").ok()?;
            structure_fields(body, &mut out)?;
            out.push_str("}\n");
        }
        [TokenTree::Ident(kw), TokenTree::Ident(name), TokenTree::Group(body)]
            if kw == "impl" && body.delimiter() == Delimiter::Brace =>
        {
            write!(out, "impl {name} {{").ok()?;
            impl_functions(body, &mut out)?;
            out.push_str("}\n");
        }
        [TokenTree::Ident(vis), TokenTree::Ident(kw), TokenTree::Ident(name), TokenTree::Punct(eq), ty @ .., TokenTree::Punct(semi)]
            if vis == "pub" && kw == "type" && eq.as_char() == '=' && semi.as_char() == ';' =>
        {
            let start = out.len();
            write!(out, "pub type {name} = ").ok()?;
            let mut k = 0;
            let generic = path_type(ty, &mut k, &mut out)?;
            if k != ty.len() {
                return None;
            }
            out.push(';');
            // A path without generic arguments has nowhere to break.
            if generic && out.len() - start > MARGIN {
                return None;
            }
            out.push('\n');
        }
        [TokenTree::Ident(vis), TokenTree::Ident(kw), TokenTree::Ident(name), TokenTree::Group(body)]
            if vis == "pub" && kw == "enum" && body.delimiter() == Delimiter::Brace =>
        {
            write!(out, "pub enum {name} {{").ok()?;
            variants(body, &mut out)?;
            out.push_str("}\n");
        }
        [TokenTree::Ident(krate), s1, s2, TokenTree::Ident(runtime), s3, s4, TokenTree::Ident(mac), TokenTree::Punct(bang), TokenTree::Group(args), TokenTree::Punct(semi)]
            if i == 0
                && krate == "crate"
                && runtime == "runtime"
                && bang.as_char() == '!'
                && semi.as_char() == ';'
                && is_sep(s1, s2)
                && is_sep(s3, s4)
                && args.delimiter() == Delimiter::Parenthesis =>
        {
            // `crate::runtime::open_enum!(Name);`
            let args: Vec<TokenTree> = args.stream().into_iter().collect();
            let [TokenTree::Ident(arg)] = args.as_slice() else {
                return None;
            };
            writeln!(out, "crate::runtime::{mac}!({arg});").ok()?;
            if out.len() - 1 > MARGIN {
                // prettyplease breaks inside the parentheses.
                out.clear();
                writeln!(out, "crate::runtime::{mac}!(\n    {arg}\n);").ok()?;
            }
        }
        [TokenTree::Ident(krate), s1, s2, TokenTree::Ident(runtime), s3, s4, TokenTree::Ident(mac), TokenTree::Punct(bang), TokenTree::Group(body)]
            if i == 0
                && krate == "crate"
                && runtime == "runtime"
                && mac == "json_object"
                && bang.as_char() == '!'
                && is_sep(s1, s2)
                && is_sep(s3, s4)
                && body.delimiter() == Delimiter::Brace =>
        {
            json_object(body, &mut out)?;
        }
        _ => return None,
    }
    Some(out)
}

/// Whether `trees` is `::`.
fn is_path_sep(trees: &[TokenTree]) -> bool {
    matches!(trees, [a, b] if is_sep(a, b))
}

/// Whether `a b` is `::`.
fn is_sep(a: &TokenTree, b: &TokenTree) -> bool {
    matches!((a, b), (TokenTree::Punct(a), TokenTree::Punct(b))
        if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':')
}

/// An outer attribute (`[...]` after `#`) on a line of its own at `indent`: a plain doc
/// comment as `///`, or `#[path]` / `#[path(words, literals, = and ,)]`.
fn attribute(attr: &Group, indent: &str, out: &mut String) -> Option<()> {
    let trees: Vec<TokenTree> = attr.stream().into_iter().collect();
    let start = out.len();
    out.push_str(indent);
    match trees.as_slice() {
        [TokenTree::Ident(doc), TokenTree::Punct(eq), TokenTree::Literal(lit)]
            if doc == "doc" && eq.as_char() == '=' =>
        {
            let value = string_value(&lit.to_string())?;
            // As prettyplease prints a doc attribute whose value has one line and does not
            // start with `/`.
            if value.contains('\n') || value.starts_with('/') {
                return None;
            }
            out.push_str("///");
            out.push_str(value.trim_end_matches(' '));
        }
        [TokenTree::Ident(path)] => write!(out, "#[{path}]").ok()?,
        [TokenTree::Ident(path), TokenTree::Group(args)]
            if args.delimiter() == Delimiter::Parenthesis =>
        {
            write!(out, "#[{path}(").ok()?;
            attribute_args(args.stream(), out)?;
            out.push_str(")]");
            if out.len() - start > MARGIN {
                return None;
            }
        }
        _ => return None,
    }
    out.push('\n');
    Some(())
}

/// The arguments of an attribute, on one line as prettyplease prints them: words and
/// literals separated by spaces, `=` spaced, `,` followed by a space (none after a trailing
/// one), nested parentheses.
fn attribute_args(tokens: TokenStream, out: &mut String) -> Option<()> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut after_word = false;
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Ident(_) | TokenTree::Literal(_) => {
                if after_word {
                    out.push(' ');
                }
                write!(out, "{tree}").ok()?;
                after_word = true;
            }
            TokenTree::Punct(p) if p.as_char() == ',' => {
                if i + 1 < trees.len() {
                    out.push_str(", ");
                }
                after_word = false;
            }
            TokenTree::Punct(p) if p.as_char() == '=' && after_word => {
                out.push_str(" = ");
                after_word = false;
            }
            TokenTree::Group(g) if g.delimiter() == Delimiter::Parenthesis => {
                out.push('(');
                attribute_args(g.stream(), out)?;
                out.push(')');
                after_word = false;
            }
            _ => return None,
        }
    }
    Some(())
}

/// The value of a string literal as written by proc-macro2 (`"..."`, with the escapes of
/// `char::escape_debug`).
fn string_value(repr: &str) -> Option<String> {
    if let Some(raw) = repr.strip_prefix('r') {
        // `r"..."`, `r#"..."#`: no escapes.
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let inner = raw[hashes..].strip_prefix('"')?;
        return Some(
            inner
                .strip_suffix(&raw[..hashes])?
                .strip_suffix('"')?
                .to_owned(),
        );
    }
    let inner = repr.strip_prefix('"')?.strip_suffix('"')?;
    if !inner.contains('\\') {
        return Some(inner.to_owned());
    }
    let mut value = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            value.push(c);
            continue;
        }
        value.push(match chars.next()? {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '0' => '\0',
            '\\' => '\\',
            '"' => '"',
            '\'' => '\'',
            'x' => {
                let hex: String = chars.by_ref().take(2).collect();
                char::from(u8::from_str_radix(&hex, 16).ok().filter(|b| b.is_ascii())?)
            }
            'u' => {
                if chars.next()? != '{' {
                    return None;
                }
                let hex: String = chars.by_ref().take_while(|&c| c != '}').collect();
                char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
            }
            _ => return None,
        });
    }
    Some(value)
}

/// A type that is a path (`a::B`) with generic arguments that are such types, printed flat;
/// whether it has generic arguments (where prettyplease could break the line).
fn path_type(trees: &[TokenTree], k: &mut usize, out: &mut String) -> Option<bool> {
    let first = match trees.get(*k)? {
        TokenTree::Ident(first) => first,
        // `()`, and a lifetime (`'_`) as a generic argument.
        TokenTree::Group(unit)
            if unit.delimiter() == Delimiter::Parenthesis && unit.stream().is_empty() =>
        {
            out.push_str("()");
            *k += 1;
            return Some(false);
        }
        TokenTree::Punct(tick) if tick.as_char() == '\'' && tick.spacing() == Spacing::Joint => {
            let Some(TokenTree::Ident(name)) = trees.get(*k + 1) else {
                return None;
            };
            write!(out, "'{name}").ok()?;
            *k += 2;
            return Some(false);
        }
        _ => return None,
    };
    write!(out, "{first}").ok()?;
    *k += 1;
    while trees.len() >= *k + 3 && is_path_sep(&trees[*k..*k + 2]) {
        let TokenTree::Ident(segment) = &trees[*k + 2] else {
            return None;
        };
        write!(out, "::{segment}").ok()?;
        *k += 3;
    }
    if !matches!(trees.get(*k), Some(TokenTree::Punct(p)) if p.as_char() == '<') {
        return Some(false);
    }
    out.push('<');
    *k += 1;
    loop {
        if let Some(TokenTree::Punct(amp)) = trees.get(*k) {
            if amp.as_char() != '&' {
                return None;
            }
            out.push('&');
            *k += 1;
        }
        path_type(trees, k, out)?;
        match trees.get(*k)? {
            TokenTree::Punct(p) if p.as_char() == ',' => out.push_str(", "),
            TokenTree::Punct(p) if p.as_char() == '>' => {
                out.push('>');
                *k += 1;
                return Some(true);
            }
            _ => return None,
        }
        *k += 1;
    }
}

/// The fields of a struct (`attrs pub name: Type,` each) and the line break after its `{`
/// when it has any.
fn structure_fields(body: &Group, out: &mut String) -> Option<()> {
    let trees: Vec<TokenTree> = body.stream().into_iter().collect();
    if !trees.is_empty() {
        out.push('\n');
    }
    let mut k = 0;
    while k < trees.len() {
        k = outer_attributes(&trees, k, "    ", out)?;
        let (
            Some(TokenTree::Ident(vis)),
            Some(TokenTree::Ident(name)),
            Some(TokenTree::Punct(colon)),
        ) = (trees.get(k), trees.get(k + 1), trees.get(k + 2))
        else {
            return None;
        };
        if vis != "pub" || colon.as_char() != ':' || colon.spacing() != Spacing::Alone {
            return None;
        }
        let start = out.len();
        write!(out, "    pub {name}: ").ok()?;
        k += 3;
        let ty = type_tree(&trees, &mut k)?;
        if !matches!(trees.get(k), Some(TokenTree::Punct(p)) if p.as_char() == ',') {
            return None;
        }
        k += 1;
        let column = out.len() - start;
        ty.print(4, column, 1, out);
        out.push_str(",\n");
    }
    Some(())
}

/// A path type with generic arguments that are such types (`Option<Vec<a::B>>`).
struct Type {
    /// The path (`a::B`).
    path: String,
    /// The generic arguments.
    args: Vec<Type>,
}

impl Type {
    /// Its length on one line.
    fn flat_len(&self) -> usize {
        self.path.len()
            + if self.args.is_empty() {
                0
            } else {
                self.args.iter().map(|a| a.flat_len() + 2).sum::<usize>()
            }
    }

    fn print_flat(&self, out: &mut String) {
        out.push_str(&self.path);
        if !self.args.is_empty() {
            out.push('<');
            for (i, arg) in self.args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                arg.print_flat(out);
            }
            out.push('>');
        }
    }

    /// Prints the type as prettyplease does starting at `column` of a line indented by
    /// `indent`, followed by `trailing` characters before the next place to break: on one
    /// line when it fits within the margin, else each generic argument on a line of its own.
    fn print(&self, indent: usize, column: usize, trailing: usize, out: &mut String) {
        if self.args.is_empty() || column + self.flat_len() + trailing <= MARGIN {
            self.print_flat(out);
            return;
        }
        out.push_str(&self.path);
        out.push_str("<\n");
        let inner = indent + 4;
        for (i, arg) in self.args.iter().enumerate() {
            let last = i + 1 == self.args.len();
            out.extend(std::iter::repeat_n(' ', inner));
            // A comma follows each argument; only that of the last one is printed only when
            // the line breaks, so it does not count in whether the argument fits.
            arg.print(inner, inner, usize::from(!last), out);
            out.push_str(",\n");
        }
        out.extend(std::iter::repeat_n(' ', indent));
        out.push('>');
    }
}

/// The [`Type`] at `k` of `trees`.
fn type_tree(trees: &[TokenTree], k: &mut usize) -> Option<Type> {
    let first = match trees.get(*k)? {
        TokenTree::Ident(first) => first,
        // `()`, and a lifetime (`'_`) as a generic argument.
        TokenTree::Group(unit)
            if unit.delimiter() == Delimiter::Parenthesis && unit.stream().is_empty() =>
        {
            *k += 1;
            return Some(Type {
                path: "()".to_owned(),
                args: Vec::new(),
            });
        }
        TokenTree::Punct(tick) if tick.as_char() == '\'' && tick.spacing() == Spacing::Joint => {
            let Some(TokenTree::Ident(name)) = trees.get(*k + 1) else {
                return None;
            };
            *k += 2;
            return Some(Type {
                path: format!("'{name}"),
                args: Vec::new(),
            });
        }
        _ => return None,
    };
    let mut path = first.to_string();
    *k += 1;
    while trees.len() >= *k + 3 && is_path_sep(&trees[*k..*k + 2]) {
        let TokenTree::Ident(segment) = &trees[*k + 2] else {
            return None;
        };
        write!(path, "::{segment}").ok()?;
        *k += 3;
    }
    let mut args = Vec::new();
    if matches!(trees.get(*k), Some(TokenTree::Punct(p)) if p.as_char() == '<') {
        *k += 1;
        loop {
            args.push(type_tree(trees, k)?);
            match trees.get(*k)? {
                TokenTree::Punct(p) if p.as_char() == ',' => *k += 1,
                TokenTree::Punct(p) if p.as_char() == '>' => {
                    *k += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    Some(Type { path, args })
}

/// The variants of an enum (`attrs Name,` or `attrs Name(Type),` each) and the line break
/// after its `{` when it has any.
fn variants(body: &Group, out: &mut String) -> Option<()> {
    let trees: Vec<TokenTree> = body.stream().into_iter().collect();
    if !trees.is_empty() {
        out.push('\n');
    }
    let mut k = 0;
    while k < trees.len() {
        k = outer_attributes(&trees, k, "    ", out)?;
        let Some(TokenTree::Ident(name)) = trees.get(k) else {
            return None;
        };
        k += 1;
        let start = out.len();
        write!(out, "    {name}").ok()?;
        let tuple = match trees.get(k) {
            Some(TokenTree::Group(field)) if field.delimiter() == Delimiter::Parenthesis => {
                let field: Vec<TokenTree> = field.stream().into_iter().collect();
                out.push('(');
                let mut f = 0;
                path_type(&field, &mut f, out)?;
                if f != field.len() {
                    return None;
                }
                out.push(')');
                k += 1;
                true
            }
            _ => false,
        };
        if !matches!(trees.get(k), Some(TokenTree::Punct(p)) if p.as_char() == ',') {
            return None;
        }
        k += 1;
        out.push(',');
        // The parentheses of a tuple variant are where prettyplease could break the line.
        if tuple && out.len() - start > MARGIN {
            return None;
        }
        out.push('\n');
    }
    Some(())
}

/// The outer attributes at `k` of `trees`, each on a line at `indent`; the index after them.
fn outer_attributes(
    trees: &[TokenTree],
    mut k: usize,
    indent: &str,
    out: &mut String,
) -> Option<usize> {
    while let (Some(TokenTree::Punct(hash)), Some(TokenTree::Group(attr))) =
        (trees.get(k), trees.get(k + 1))
    {
        if hash.as_char() != '#' || attr.delimiter() != Delimiter::Bracket {
            return None;
        }
        attribute(attr, indent, out)?;
        k += 2;
    }
    Some(k)
}

/// The body of `impl Name { ... }` after its `{`: functions (`attrs pub fn name(args) -> Ret`)
/// whose body is a struct literal (`Self { field, field: None }`, the constructors) or a
/// `match` of simple arms (`Self::A => "a",`, the open enums' conversions).
fn impl_functions(body: &Group, out: &mut String) -> Option<()> {
    let trees: Vec<TokenTree> = body.stream().into_iter().collect();
    if trees.is_empty() {
        return None;
    }
    out.push('\n');
    let mut k = 0;
    while k < trees.len() {
        k = outer_attributes(&trees, k, "    ", out)?;
        if !matches!(trees.get(k), Some(TokenTree::Ident(vis)) if vis == "pub") {
            return None;
        }
        let (name, args) = fn_head(&trees[k + 1..])?;
        k += 6;
        // The return type, up to the body's braces.
        let mut by_ref = "";
        if let Some(TokenTree::Punct(amp)) = trees.get(k) {
            if amp.as_char() != '&' {
                return None;
            }
            by_ref = "&";
            k += 1;
        }
        let ret = type_tree(&trees, &mut k)?;
        let Some(TokenTree::Group(block)) = trees.get(k) else {
            return None;
        };
        if block.delimiter() != Delimiter::Brace {
            return None;
        }
        k += 1;
        signature("pub fn", name, args, by_ref, &ret, out)?;
        let body: Vec<TokenTree> = block.stream().into_iter().collect();
        match body.as_slice() {
            [TokenTree::Ident(self_), TokenTree::Group(fields)]
                if self_ == "Self" && fields.delimiter() == Delimiter::Brace =>
            {
                struct_literal(fields, out)?;
            }
            [TokenTree::Ident(match_), TokenTree::Ident(scrutinee), TokenTree::Group(arms)]
                if match_ == "match" && arms.delimiter() == Delimiter::Brace =>
            {
                writeln!(out, "        match {scrutinee} {{").ok()?;
                match_arms(arms, out)?;
                out.push_str("        }\n");
            }
            // A setter: `self.field = Some(value); self`.
            [TokenTree::Ident(self1), TokenTree::Punct(dot), TokenTree::Ident(field), TokenTree::Punct(eq), TokenTree::Ident(some), TokenTree::Group(value), TokenTree::Punct(semi), TokenTree::Ident(self2)]
                if self1 == "self"
                    && dot.as_char() == '.'
                    && eq.as_char() == '='
                    && eq.spacing() == Spacing::Alone
                    && some == "Some"
                    && value.delimiter() == Delimiter::Parenthesis
                    && semi.as_char() == ';'
                    && self2 == "self" =>
            {
                let start = out.len();
                write!(out, "        self.{field} = ").ok()?;
                let mut v = 4;
                simple_expr(&body, &mut v, out)?;
                if v != 6 {
                    return None;
                }
                out.push(';');
                if out.len() - start > MARGIN {
                    return None;
                }
                out.push_str("\n        self\n");
            }
            _ => return None,
        }
        out.push_str("    }\n");
    }
    Some(())
}

/// `fn name(args) ->` at the start of `trees`: the name and the arguments' group.
fn fn_head(trees: &[TokenTree]) -> Option<(&proc_macro2::Ident, &Group)> {
    let [TokenTree::Ident(fn_), TokenTree::Ident(name), TokenTree::Group(args), TokenTree::Punct(dash), TokenTree::Punct(gt), ..] =
        trees
    else {
        return None;
    };
    let arrow = dash.as_char() == '-' && dash.spacing() == Spacing::Joint && gt.as_char() == '>';
    (fn_ == "fn" && args.delimiter() == Delimiter::Parenthesis && arrow).then_some((name, args))
}

/// `pub fn name(args) -> ret {` at the indentation of an `impl` block's items: on one line,
/// or with one argument per line when that line is too long, as prettyplease breaks it.
/// Arguments are `&self` or `name: Type` (`Type` a path type, or `&` and one).
fn signature(
    prefix: &str,
    name: &proc_macro2::Ident,
    args: &Group,
    by_ref: &str,
    ret: &Type,
    out: &mut String,
) -> Option<()> {
    let args: Vec<TokenTree> = args.stream().into_iter().collect();
    let mut list: Vec<(String, bool)> = Vec::new();
    let mut a = 0;
    while a < args.len() {
        match (args.get(a), args.get(a + 1), args.get(a + 2)) {
            (Some(TokenTree::Punct(amp)), Some(TokenTree::Ident(self_)), _)
                if amp.as_char() == '&' && self_ == "self" =>
            {
                list.push(("&self".to_owned(), false));
                a += 2;
            }
            (Some(TokenTree::Ident(mut_)), Some(TokenTree::Ident(self_)), _)
                if mut_ == "mut" && self_ == "self" =>
            {
                list.push(("mut self".to_owned(), false));
                a += 2;
            }
            (Some(TokenTree::Ident(name)), Some(TokenTree::Punct(colon)), Some(next))
                if colon.as_char() == ':' && colon.spacing() == Spacing::Alone =>
            {
                let mut arg = format!("{name}: ");
                a += 2;
                if matches!(next, TokenTree::Punct(amp) if amp.as_char() == '&') {
                    arg.push('&');
                    a += 1;
                } else if matches!(next, TokenTree::Ident(kw) if kw == "impl") {
                    arg.push_str("impl ");
                    a += 1;
                }
                let generic = path_type(&args, &mut a, &mut arg)?;
                list.push((arg, generic));
            }
            _ => return None,
        }
        match args.get(a) {
            None => {}
            Some(TokenTree::Punct(p)) if p.as_char() == ',' && a + 1 < args.len() => a += 1,
            _ => return None,
        }
    }
    let flat = format!("    {prefix} {name}() -> {by_ref} {{").len()
        + ret.flat_len()
        + list.iter().map(|(a, _)| a.len() + 2).sum::<usize>()
        - 2 * usize::from(!list.is_empty());
    if flat <= MARGIN {
        write!(out, "    {prefix} {name}(").ok()?;
        for (i, (arg, _)) in list.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(arg);
        }
        write!(out, ") -> {by_ref}").ok()?;
        ret.print_flat(out);
    } else {
        writeln!(out, "    {prefix} {name}(").ok()?;
        for (arg, generic) in &list {
            if *generic && "        ,".len() + arg.len() > MARGIN {
                return None;
            }
            writeln!(out, "        {arg},").ok()?;
        }
        write!(out, "    ) -> {by_ref}").ok()?;
        // The return type's generic arguments one per line when ` {` does not fit after it.
        ret.print(4, "    ) -> ".len() + by_ref.len(), " {".len(), out);
    }
    out.push_str(" {\n");
    Some(())
}

/// A function body `Self { field, field: None, ... }` (after `Self`), on one line up to
/// prettyplease's width for struct literals, else one field per line.
fn struct_literal(fields: &Group, out: &mut String) -> Option<()> {
    let fields: Vec<TokenTree> = fields.stream().into_iter().collect();
    let mut inits: Vec<String> = Vec::new();
    let mut f = 0;
    while f < fields.len() {
        let TokenTree::Ident(name) = &fields[f] else {
            return None;
        };
        match fields.get(f + 1) {
            Some(TokenTree::Punct(colon))
                if colon.as_char() == ':' && colon.spacing() == Spacing::Alone =>
            {
                // `name: None`, `extra: BTreeMap::new()`.
                let mut init = format!("{name}: ");
                f += 2;
                simple_expr(&fields, &mut f, &mut init)?;
                if "            ,".len() + init.len() > MARGIN {
                    return None;
                }
                inits.push(init);
            }
            _ => {
                inits.push(name.to_string());
                f += 1;
            }
        }
        match fields.get(f) {
            None => {}
            Some(TokenTree::Punct(p)) if p.as_char() == ',' && f + 1 < fields.len() => f += 1,
            _ => return None,
        }
    }
    if inits.is_empty() {
        return None;
    }
    let flat_width = "Self { ".len() + inits.iter().map(|i| i.len() + 2).sum::<usize>() - 1;
    if flat_width <= STRUCT_LITERAL_WIDTH {
        writeln!(out, "        Self {{ {} }}", inits.join(", ")).ok()?;
    } else {
        out.push_str("        Self {\n");
        for init in &inits {
            writeln!(out, "            {init},").ok()?;
        }
        out.push_str("        }\n");
    }
    Some(())
}

/// The arms of a `match` in a function of an `impl` block: `pattern => value,` each, both
/// simple expressions ([`simple_expr`]), every arm within the margin.
fn match_arms(arms: &Group, out: &mut String) -> Option<()> {
    let arms: Vec<TokenTree> = arms.stream().into_iter().collect();
    let mut a = 0;
    while a < arms.len() {
        let start = out.len();
        out.push_str("            ");
        simple_expr(&arms, &mut a, out)?;
        match (arms.get(a), arms.get(a + 1)) {
            (Some(TokenTree::Punct(eq)), Some(TokenTree::Punct(gt)))
                if eq.as_char() == '=' && eq.spacing() == Spacing::Joint && gt.as_char() == '>' =>
            {
                a += 2;
            }
            _ => return None,
        }
        out.push_str(" => ");
        simple_expr(&arms, &mut a, out)?;
        if !matches!(arms.get(a), Some(TokenTree::Punct(p)) if p.as_char() == ',') {
            return None;
        }
        a += 1;
        out.push(',');
        if out.len() - start > MARGIN {
            return None;
        }
        out.push('\n');
    }
    Some(())
}

/// A literal, or a path (`_`, `value`, `Self::A`) optionally called with no argument or one
/// that is a name or a method call without arguments on a name (`()`, `(value)`,
/// `(value.to_owned())`).
fn simple_expr(trees: &[TokenTree], k: &mut usize, out: &mut String) -> Option<()> {
    if let Some(TokenTree::Literal(lit)) = trees.get(*k) {
        write!(out, "{lit}").ok()?;
        *k += 1;
        return Some(());
    }
    if path_type(trees, k, out)? {
        return None; // generic arguments: not an expression written here
    }
    let Some(TokenTree::Group(args)) = trees.get(*k) else {
        return Some(());
    };
    if args.delimiter() != Delimiter::Parenthesis {
        return None;
    }
    *k += 1;
    let args: Vec<TokenTree> = args.stream().into_iter().collect();
    match args.as_slice() {
        [] => out.push_str("()"),
        [TokenTree::Ident(arg)] => write!(out, "({arg})").ok()?,
        [TokenTree::Ident(arg), TokenTree::Punct(dot), TokenTree::Ident(method), TokenTree::Group(none)]
            if dot.as_char() == '.'
                && none.delimiter() == Delimiter::Parenthesis
                && none.stream().is_empty() =>
        {
            write!(out, "({arg}.{method}())").ok()?;
        }
        _ => return None,
    }
    Some(())
}

/// `crate::runtime::json_object! { [sent|received] Name { mode field = "key", ... } [keep extra] }` with one field
/// per line, as `crate::format` lays out what prettyplease prints for it.
fn json_object(body: &Group, out: &mut String) -> Option<()> {
    let lines = crate::format::object_lines_of(body.stream())?;
    out.push_str("crate::runtime::json_object! {\n");
    for line in lines {
        writeln!(out, "    {line}").ok()?;
    }
    out.push_str("}\n");
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::{Ident, Span};
    use quote::quote;

    /// prettyplease's text for `tokens` (objects laid out as `crate::format` does).
    fn pretty(tokens: &TokenStream) -> String {
        crate::format::unparse(tokens.clone()).expect("the tokens parse")
    }

    /// The text printed here when every item of `tokens` is, after checking that it is
    /// prettyplease's.
    fn direct(tokens: &TokenStream) -> Option<String> {
        let text = match split(tokens.clone()).as_slice() {
            [Segment::Text(text)] => text.clone(),
            _ => return None,
        };
        assert_eq!(text, pretty(tokens), "for {tokens}");
        Some(text)
    }

    fn name(len: usize) -> Ident {
        Ident::new(&format!("T{}", "x".repeat(len - 1)), Span::call_site())
    }

    /// Around the margin, lines print here exactly when prettyplease keeps them whole.
    #[test]
    fn lines_around_the_margin() {
        let (mut printed, mut declined) = (0, 0);
        for len in 50..100 {
            let ty = name(len);
            let cases = [
                quote!(pub struct S { pub field: Option<#ty>, }),
                quote!(pub struct S { pub field: #ty, }),
                quote!(pub struct S { pub field: Option<Vec<#ty>>, pub b: BTreeMap<String, Vec<#ty>>, }),
                quote!(pub struct S { pub field_with_a_long_name: Option<BTreeMap<String, Vec<#ty>>>, }),
                quote!(pub struct S { pub f: Option<BTreeMap<#ty, Vec<#ty>>>, pub g: Vec<Option<a::#ty>>, }),
                quote!(pub type S = Vec<#ty>;),
                quote!(pub type S = #ty;),
                quote!(impl S { pub fn new(a: #ty, b: Vec<String>) -> Self { Self { a, b } } }),
                quote!(impl S { pub fn new(a: Option<#ty>) -> Self { Self { a, b: None } } }),
                quote!(#[deprecated(note = #len)] #[derive(Clone, Debug)] pub struct #ty { #[serde(rename = "x", default)] pub a: i64, }),
                quote!(pub enum S { A, #ty, B(Option<#ty>), C(#ty), Unrecognized(String), }),
                quote! {
                    impl S {
                        /// Doc.
                        pub fn as_str(&self) -> &str {
                            match self {
                                Self::A => "a",
                                Self::#ty => "w",
                                Self::Unrecognized(value) => value,
                            }
                        }
                        pub fn from_wire(value: &str, #ty: bool) -> Self {
                            match value {
                                "a" => Self::A,
                                _ => Self::Unrecognized(value.to_owned()),
                            }
                        }
                    }
                },
                quote!(crate::runtime::open_enum!(#ty);),
                quote! {
                    impl S {
                        /// Sets it.
                        pub fn #ty(mut self, value: impl Into<String>) -> Self {
                            self.#ty = Some(value.into());
                            self
                        }
                        pub fn b(mut self, value: Vec<#ty>) -> Self {
                            self.b = Some(value);
                            self
                        }
                    }
                },
            ];
            for case in &cases {
                let text = direct(case);
                // A line that is not at the margin is never broken: everything printed
                // within it prints here.
                let longest = pretty(case).lines().map(str::len).max().unwrap_or(0);
                if longest < MARGIN - 20 {
                    assert!(text.is_some(), "not printed here: {case}");
                }
                printed += usize::from(text.is_some());
                declined += usize::from(text.is_none());
            }
        }
        assert!(printed > 450 && declined > 20, "{printed} {declined}");
    }

    /// A constructor's struct literal is on one line up to prettyplease's width for it.
    #[test]
    fn struct_literals_around_their_width() {
        let mut shapes = std::collections::BTreeSet::new();
        for len in 1..30 {
            let field = Ident::new(&"f".repeat(len), Span::call_site());
            for tokens in [
                quote!(impl S { pub fn new(#field: i64) -> Self { Self { #field } } }),
                quote!(impl S { pub fn new(#field: i64) -> Self { Self { #field, b: None } } }),
                quote!(impl S { pub fn new(#field: i64, a: bool) -> Self { Self { a, #field } } }),
                quote!(impl S { pub fn new(#field: i64) -> Self { Self { #field, extra: BTreeMap::new() } } }),
            ] {
                let text = direct(&tokens).expect("printed here");
                shapes.insert(text.lines().count());
            }
        }
        // One-line literals (5 lines in all) and broken ones.
        assert!(shapes.len() >= 3 && shapes.contains(&5), "{shapes:?}");
    }

    /// Doc attributes with escapes and raw strings; the object macro, empty and not.
    #[test]
    fn docs_and_objects() {
        let docs = [
            " plain `code` [link]",
            " tab\there, quote \" and \\ backslash",
            " \u{1}12",
            " trailing spaces   ",
            " combining \u{301} mark and \u{7f} delete",
        ];
        for doc in docs {
            let tokens = quote! {
                #[doc = #doc]
                /// A raw doc "string".
                pub struct S {
                    #[doc = #doc]
                    pub r#type: BTreeMap<String, super::a::B>,
                }
                crate::runtime::json_object! {
                    S { required r#type = "type" as Int64, optional b = "b\"" }
                }
                crate::runtime::json_object! {
                    E {}
                }
                crate::runtime::json_object! {
                    sent S { optional b = "b" }
                }
                crate::runtime::json_object! {
                    sent S { optional b = "b" } keep extra
                }
                crate::runtime::json_object! {
                    received S { optional b = "b" } keep extra
                }
                crate::runtime::json_object! {
                    E {} keep extra_fields
                }
                pub struct E {}
            };
            direct(&tokens).expect("printed here");
        }
        // Not plain: left to prettyplease, and the pieces still join in order.
        let tokens = quote! {
            #[doc = "/ starts with a slash"]
            pub struct A {}
            pub struct B { pub b: i64, }
            #[doc = " two\n lines"]
            pub struct C {}
            pub enum D { X }
        };
        let mut text = String::new();
        let segments = split(tokens.clone());
        assert_eq!(segments.len(), 3, "{segments:?}");
        for segment in segments {
            match segment {
                Segment::Text(direct) => text.push_str(&direct),
                Segment::Tokens(tokens) => text.push_str(&pretty(&tokens)),
            }
        }
        assert_eq!(text, pretty(&tokens));
    }

    /// Every item of the Inbox client's pieces (with doc placeholders, as rendered) prints as
    /// prettyplease prints it, and most print here.
    #[test]
    fn inbox_items_print_as_prettyplease_does() {
        use crate::render::Piece;
        let options = crate::Options {
            spec_name: "spec/inbox-v2.yaml".to_owned(),
            strict: true,
        };
        let spec = include_bytes!("../../spec/inbox-v2.yaml");
        let api = crate::model(spec, &options).expect("the spec resolves");
        let (mut here, mut there) = (0, 0);
        for plan in crate::render::plan(&api) {
            for piece in plan.pieces {
                if matches!(piece, Piece::ImplRange(..) | Piece::Text(_)) {
                    continue;
                }
                let docs = crate::emit::Docs::placeholders();
                let tokens = crate::emit::emit_piece(&api, piece, &docs);
                let mut text = String::new();
                for segment in split(tokens.clone()) {
                    match segment {
                        Segment::Text(direct) => {
                            here += direct.matches("\n}\n").count();
                            text.push_str(&direct);
                        }
                        Segment::Tokens(tokens) => {
                            there += 1;
                            text.push_str(&pretty(&tokens));
                        }
                    }
                }
                assert_eq!(text, pretty(&tokens), "{piece:?}");
            }
        }
        assert!(here > 100 && here > 4 * there, "{here} {there}");
    }
}
