//! `Client` methods printed straight from their tokens, as prettyplease prints them inside
//! `impl Client { ... }` (in GitHub's spec, the operations took a third of the time spent
//! formatting).
//!
//! The statements of a method are the few shapes `emit::operations` writes: `let` bindings,
//! expression statements and a final expression, each made of paths, literals, calls, method
//! calls, field accesses, `&`, `?`, `.await`, arrays and struct literals with shorthand
//! fields. A statement is printed here only when it fits on one line, which is how
//! prettyplease prints it then; the request path's `[...].concat()` is also printed in the two
//! ways prettyplease breaks it. A method with anything else (a `match`, an `if let`, a line
//! that does not fit) is left to syn and prettyplease ([`split_methods`]).

use std::fmt::Write as _;

use proc_macro2::{Delimiter, Group, Spacing, TokenStream, TokenTree};

use super::{
    fn_head, item_end, outer_attributes, path_type, signature, type_tree, Segment, MARGIN,
};

/// prettyplease's indentation step.
const INDENT: usize = 4;

/// `tokens` (associated functions of `impl Client`) as runs of methods printed here (at the
/// indentation of an impl block's items) and methods left to prettyplease, in order.
pub(crate) fn split_methods(tokens: TokenStream) -> Vec<Segment> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut segments: Vec<Segment> = Vec::new();
    let mut start = 0;
    while start < trees.len() {
        let end = item_end(&trees, start);
        match (method(&trees[start..end]), segments.last_mut()) {
            (Some(text), Some(Segment::Text(last))) => last.push_str(&text),
            (Some(text), _) => segments.push(Segment::Text(text)),
            (None, Some(Segment::Tokens(last))) => last.extend(trees[start..end].iter().cloned()),
            (None, _) => {
                segments.push(Segment::Tokens(trees[start..end].iter().cloned().collect()))
            }
        }
        start = end;
    }
    segments
}

/// prettyplease's text for one method, when every part of it is a shape printed here.
fn method(trees: &[TokenTree]) -> Option<String> {
    let mut out = String::new();
    let mut k = outer_attributes(trees, 0, "    ", &mut out)?;
    let Some(TokenTree::Ident(vis)) = trees.get(k) else {
        return None;
    };
    if vis != "pub" {
        return None;
    }
    k += 1;
    let prefix = match trees.get(k) {
        Some(TokenTree::Ident(kw)) if kw == "async" => {
            k += 1;
            "pub async fn"
        }
        _ => "pub fn",
    };
    let (name, args) = fn_head(&trees[k..])?;
    k += 5;
    let ret = type_tree(trees, &mut k)?;
    let [TokenTree::Group(block)] = &trees[k..] else {
        return None;
    };
    if block.delimiter() != Delimiter::Brace {
        return None;
    }
    signature(prefix, name, args, "", &ret, &mut out)?;
    block_statements(block, 2 * INDENT, &mut out)?;
    out.push_str("    }\n");
    Some(out)
}

/// The statements of a block, each on its own line(s) at `indent`.
fn block_statements(block: &Group, indent: usize, out: &mut String) -> Option<()> {
    let trees: Vec<TokenTree> = block.stream().into_iter().collect();
    let mut k = 0;
    while k < trees.len() {
        let end = statement_end(&trees, k);
        statement(&trees[k..end], indent, out)?;
        k = end;
    }
    Some(())
}

/// The end of the statement at `start`: after its `;`, else the end of the block.
fn statement_end(trees: &[TokenTree], start: usize) -> usize {
    trees[start..]
        .iter()
        .position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ';'))
        .map_or(trees.len(), |i| start + i + 1)
}

/// One statement (with its `;`, or the block's final expression) at `indent`.
fn statement(trees: &[TokenTree], indent: usize, out: &mut String) -> Option<()> {
    let (body, semi) = match trees {
        [body @ .., TokenTree::Punct(p)] if p.as_char() == ';' => (body, ";"),
        body => (body, ""),
    };
    match body {
        // `static OPERATION: OperationMeta = OperationMeta { field: value, ... };`
        [TokenTree::Ident(static_), TokenTree::Ident(name), TokenTree::Punct(colon), TokenTree::Ident(ty), TokenTree::Punct(eq), TokenTree::Ident(ctor), TokenTree::Group(fields)]
            if static_ == "static"
                && colon.as_char() == ':'
                && eq.as_char() == '='
                && ctor == ty
                && fields.delimiter() == Delimiter::Brace
                && semi == ";" =>
        {
            static_struct(name, ty, fields, indent, out)
        }
        // `let request = (|| -> Ret { statements })();`
        [TokenTree::Ident(let_), TokenTree::Ident(name), TokenTree::Punct(eq), TokenTree::Group(closure), TokenTree::Group(call)]
            if let_ == "let"
                && eq.as_char() == '='
                && closure.delimiter() == Delimiter::Parenthesis
                && call.delimiter() == Delimiter::Parenthesis
                && call.stream().is_empty() =>
        {
            let closure: Vec<TokenTree> = closure.stream().into_iter().collect();
            let [TokenTree::Punct(bar1), TokenTree::Punct(bar2), TokenTree::Punct(dash), TokenTree::Punct(gt), ret @ .., TokenTree::Group(block)] =
                closure.as_slice()
            else {
                return None;
            };
            if bar1.as_char() != '|'
                || bar2.as_char() != '|'
                || dash.as_char() != '-'
                || gt.as_char() != '>'
                || block.delimiter() != Delimiter::Brace
            {
                return None;
            }
            let mut k = 0;
            let mut ret_text = String::new();
            path_type(ret, &mut k, &mut ret_text)?;
            if k != ret.len() {
                return None;
            }
            let start = out.len();
            pad(indent, out);
            write!(out, "let {name} = (|| -> {ret_text} {{").ok()?;
            if out.len() - start > MARGIN {
                return None;
            }
            out.push('\n');
            block_statements(block, indent + INDENT, out)?;
            pad(indent, out);
            writeln!(out, "}})(){semi}").ok()
        }
        // `let path = [pieces].concat();`: broken as prettyplease breaks it when too long.
        [TokenTree::Ident(let_), TokenTree::Ident(name), TokenTree::Punct(eq), TokenTree::Group(array), TokenTree::Punct(dot), TokenTree::Ident(concat), TokenTree::Group(none)]
            if let_ == "let"
                && eq.as_char() == '='
                && array.delimiter() == Delimiter::Bracket
                && dot.as_char() == '.'
                && none.delimiter() == Delimiter::Parenthesis
                && none.stream().is_empty() =>
        {
            let elements = list(array.stream())?;
            let flat = format!("let {name} = [{}]", elements.join(", "));
            let tail = format!(".{concat}(){semi}");
            if indent + flat.len() + tail.len() <= MARGIN {
                pad(indent, out);
                writeln!(out, "{flat}{tail}").ok()?;
                return Some(());
            }
            if indent + flat.len() <= MARGIN {
                pad(indent, out);
                writeln!(out, "{flat}").ok()?;
            } else {
                pad(indent, out);
                writeln!(out, "let {name} = [").ok()?;
                for element in &elements {
                    if indent + INDENT + element.len() + 1 > MARGIN {
                        return None;
                    }
                    pad(indent + INDENT, out);
                    writeln!(out, "{element},").ok()?;
                }
                pad(indent, out);
                out.push_str("]\n");
            }
            pad(indent + INDENT, out);
            writeln!(out, "{tail}").ok()
        }
        // `let name = call(args)?;` too long for a line: the call's arguments one per line.
        [TokenTree::Ident(let_), TokenTree::Ident(name), TokenTree::Punct(eq), value @ ..]
            if let_ == "let" && is_assign(eq) && semi == ";" =>
        {
            let head = format!("let {name} = ");
            pad(indent, out);
            out.push_str(&head);
            call(value, indent, indent + head.len(), semi.len(), out)?;
            writeln!(out, "{semi}").ok()
        }
        _ => {
            let text = simple_statement(body)?;
            if indent + text.len() + semi.len() > MARGIN {
                return None;
            }
            pad(indent, out);
            writeln!(out, "{text}{semi}").ok()
        }
    }
}

/// An expression starting at `column` of a line indented by `indent` and followed by
/// `trailing` characters: on one line when it fits, else, when it is a call of a path
/// (`Some(..)`, `json_body(..)?`), its arguments one per line, each printed the same way.
fn call(
    trees: &[TokenTree],
    indent: usize,
    column: usize,
    trailing: usize,
    out: &mut String,
) -> Option<()> {
    let flat = expr(trees)?;
    if column + flat.len() + trailing <= MARGIN {
        out.push_str(&flat);
        return Some(());
    }
    let mut k = 0;
    let mut callee = String::new();
    path(trees, &mut k, &mut callee)?;
    let Some(TokenTree::Group(args)) = trees.get(k) else {
        return None;
    };
    if args.delimiter() != Delimiter::Parenthesis {
        return None;
    }
    // After the parentheses only `?` (a method call or field would break otherwise).
    let mut suffix = String::new();
    for tree in &trees[k + 1..] {
        match tree {
            TokenTree::Punct(q) if q.as_char() == '?' => suffix.push('?'),
            _ => return None,
        }
    }
    let args: Vec<TokenTree> = args.stream().into_iter().collect();
    let mut parts: Vec<&[TokenTree]> = args.split(is_comma).collect();
    if parts.len() > 1 && parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    if parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    writeln!(out, "{callee}(").ok()?;
    let inner = indent + INDENT;
    for (i, part) in parts.iter().enumerate() {
        pad(inner, out);
        // The comma after the last argument is printed only when the line breaks, so it
        // does not count in whether that argument fits.
        call(part, inner, inner, usize::from(i + 1 < parts.len()), out)?;
        out.push_str(",\n");
    }
    pad(indent, out);
    out.push(')');
    out.push_str(&suffix);
    Some(())
}

/// `static NAME: Type = Type { field: value, ... };`, one field per line.
fn static_struct(
    name: &proc_macro2::Ident,
    ty: &proc_macro2::Ident,
    fields: &Group,
    indent: usize,
    out: &mut String,
) -> Option<()> {
    let fields: Vec<TokenTree> = fields.stream().into_iter().collect();
    let mut inits = Vec::new();
    let mut f = 0;
    while f < fields.len() {
        let (Some(TokenTree::Ident(field)), Some(TokenTree::Punct(colon))) =
            (fields.get(f), fields.get(f + 1))
        else {
            return None;
        };
        if colon.as_char() != ':' || colon.spacing() != Spacing::Alone {
            return None;
        }
        let end = fields[f..]
            .iter()
            .position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ','))
            .map_or(fields.len(), |i| f + i);
        let value = expr(&fields[f + 2..end])?;
        // A literal has nowhere to break: a line too long for it stays whole.
        let breakable = !matches!(&fields[f + 2..end], [TokenTree::Literal(_)]);
        inits.push((format!("{field}: {value},"), breakable));
        f = end + 1;
    }
    let head = format!("static {name}: {ty} = {ty} {{");
    // On one line it would read `{ a: 1, b: 2 };`: printed here only when that cannot fit.
    let flat = head.len() + inits.iter().map(|(i, _)| i.len() + 1).sum::<usize>() + 2;
    if inits.is_empty() || indent + flat <= MARGIN {
        return None;
    }
    pad(indent, out);
    writeln!(out, "{head}").ok()?;
    for (init, breakable) in &inits {
        if *breakable && indent + INDENT + init.len() > MARGIN {
            return None;
        }
        pad(indent + INDENT, out);
        writeln!(out, "{init}").ok()?;
    }
    pad(indent, out);
    out.push_str("};\n");
    Some(())
}

/// A statement without its `;`, on one line: `let [mut] name = expr`, `let _ = expr` or an
/// expression.
fn simple_statement(trees: &[TokenTree]) -> Option<String> {
    match trees {
        [TokenTree::Ident(let_), TokenTree::Ident(mut_), TokenTree::Ident(name), TokenTree::Punct(eq), value @ ..]
            if let_ == "let" && mut_ == "mut" && is_assign(eq) =>
        {
            Some(format!("let mut {name} = {}", expr(value)?))
        }
        [TokenTree::Ident(let_), TokenTree::Ident(name), TokenTree::Punct(eq), value @ ..]
            if let_ == "let" && is_assign(eq) =>
        {
            Some(format!("let {name} = {}", expr(value)?))
        }
        _ => expr(trees),
    }
}

/// Whether `p` is a lone `=`.
fn is_assign(p: &proc_macro2::Punct) -> bool {
    p.as_char() == '=' && p.spacing() == Spacing::Alone
}

/// A comma-separated list of expressions (a trailing comma is dropped, as prettyplease
/// prints a list on one line).
fn list(tokens: TokenStream) -> Option<Vec<String>> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    if trees.is_empty() {
        return Some(Vec::new());
    }
    let mut parts: Vec<&[TokenTree]> = trees.split(is_comma).collect();
    if parts.len() > 1 && parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    parts.into_iter().map(expr).collect()
}

/// Whether `t` is `,`.
fn is_comma(t: &TokenTree) -> bool {
    matches!(t, TokenTree::Punct(p) if p.as_char() == ',')
}

/// An expression on one line: `&` prefixes, then a literal, path (optionally called, or a
/// struct literal with shorthand fields), array or parenthesized list, then `.field`,
/// `.method(args)`, `.await` and `?`.
fn expr(trees: &[TokenTree]) -> Option<String> {
    let mut out = String::new();
    let mut k = 0;
    while let Some(TokenTree::Punct(amp)) = trees.get(k) {
        if amp.as_char() != '&' {
            return None;
        }
        out.push('&');
        k += 1;
    }
    match trees.get(k)? {
        TokenTree::Literal(lit) => {
            write!(out, "{lit}").ok()?;
            k += 1;
        }
        TokenTree::Ident(_) => {
            path(trees, &mut k, &mut out)?;
            match trees.get(k) {
                Some(TokenTree::Group(args)) if args.delimiter() == Delimiter::Parenthesis => {
                    write!(out, "({})", list(args.stream())?.join(", ")).ok()?;
                    k += 1;
                }
                Some(TokenTree::Group(fields)) if fields.delimiter() == Delimiter::Brace => {
                    let fields = shorthand_fields(fields)?;
                    write!(out, " {{ {} }}", fields.join(", ")).ok()?;
                    k += 1;
                }
                _ => {}
            }
        }
        TokenTree::Group(array) if array.delimiter() == Delimiter::Bracket => {
            write!(out, "[{}]", list(array.stream())?.join(", ")).ok()?;
            k += 1;
        }
        _ => return None,
    }
    while k < trees.len() {
        match &trees[k] {
            TokenTree::Punct(q) if q.as_char() == '?' => {
                out.push('?');
                k += 1;
            }
            TokenTree::Punct(dot) if dot.as_char() == '.' => {
                let Some(TokenTree::Ident(member)) = trees.get(k + 1) else {
                    return None;
                };
                write!(out, ".{member}").ok()?;
                k += 2;
                if let Some(TokenTree::Group(args)) = trees.get(k) {
                    if args.delimiter() != Delimiter::Parenthesis {
                        return None;
                    }
                    write!(out, "({})", list(args.stream())?.join(", ")).ok()?;
                    k += 1;
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

/// A path of identifiers (`a::b::C`, `self`, `r#type`).
fn path(trees: &[TokenTree], k: &mut usize, out: &mut String) -> Option<()> {
    let TokenTree::Ident(first) = trees.get(*k)? else {
        return None;
    };
    write!(out, "{first}").ok()?;
    *k += 1;
    while trees.len() >= *k + 3 && super::is_path_sep(&trees[*k..*k + 2]) {
        let TokenTree::Ident(segment) = &trees[*k + 2] else {
            return None;
        };
        write!(out, "::{segment}").ok()?;
        *k += 3;
    }
    Some(())
}

/// The fields of a struct literal that are all shorthand (`{ path, query, body }`).
fn shorthand_fields(fields: &Group) -> Option<Vec<String>> {
    let trees: Vec<TokenTree> = fields.stream().into_iter().collect();
    let mut parts: Vec<&[TokenTree]> = trees.split(is_comma).collect();
    if parts.len() > 1 && parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    parts
        .into_iter()
        .map(|part| match part {
            [TokenTree::Ident(name)] => Some(name.to_string()),
            _ => None,
        })
        .collect()
}

/// `n` spaces.
fn pad(n: usize, out: &mut String) {
    out.extend(std::iter::repeat_n(' ', n));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::{Ident, Span};
    use quote::quote;

    /// prettyplease's text for associated functions, at the indentation of an impl's items.
    fn pretty(tokens: &TokenStream) -> String {
        let wrapped = crate::format::unparse(quote!(impl Client { #tokens })).expect("parses");
        wrapped
            .strip_prefix("impl Client {\n")
            .and_then(|rest| rest.strip_suffix("}\n"))
            .expect("an impl block")
            .to_owned()
    }

    /// The method's text printed here, if it is, after checking that it is prettyplease's.
    fn direct(tokens: &TokenStream) -> Option<String> {
        let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
        let text = method(&trees)?;
        assert_eq!(text, pretty(tokens), "for {tokens}");
        Some(text)
    }

    /// Every method of the Inbox client printed here is what prettyplease prints, and most are.
    #[test]
    fn inbox_methods_print_as_prettyplease_prints_them() {
        let options = crate::Options {
            spec_name: "spec/inbox-v2.yaml".to_owned(),
            strict: true,
        };
        let api = crate::model(include_bytes!("../../../spec/inbox-v2.yaml"), &options)
            .expect("the spec resolves");
        let docs = crate::emit::Docs::placeholders();
        let ops = api.operations.len();
        let tokens = crate::emit::emit_piece(
            &api,
            crate::render::Piece::ImplRange(crate::render::Section::Methods, 0, ops),
            &docs,
        );
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let (mut printed, mut methods) = (0, 0);
        let mut start = 0;
        while start < trees.len() {
            let end = item_end(&trees, start);
            let item: TokenStream = trees[start..end].iter().cloned().collect();
            printed += usize::from(direct(&item).is_some());
            methods += 1;
            start = end;
        }
        assert!(methods >= ops, "{methods} methods for {ops} operations");
        assert!(
            printed * 10 >= methods * 7,
            "{printed} of {methods} printed here"
        );
    }

    fn name(prefix: &str, len: usize) -> Ident {
        Ident::new(&format!("{prefix}{}", "x".repeat(len)), Span::call_site())
    }

    /// Around the margin, methods print here exactly as prettyplease prints them, and both
    /// printed and declined ones occur.
    #[test]
    fn methods_around_the_margin() {
        let (mut printed, mut declined) = (0, 0);
        for len in 1..90 {
            let ty = name("T", len);
            let arg = name("a", len / 2);
            let text = "s".repeat(len);
            let cases = [
                quote! {
                    #[inline]
                    pub fn f(&self, #arg: String) -> crate::client::Call<'_, #ty, String> {
                        static OPERATION: OperationMeta = OperationMeta {
                            operation_id: #text,
                            method: Method::GET,
                            idempotent: true,
                        };
                        let request = (|| -> Result<crate::client::Request, Error<String>> {
                            let path = ["/a/", &encode_path_segment(&#arg.to_query()), #text].concat();
                            let mut query = Query::new();
                            query.push_opt(#text, options.#arg.as_ref());
                            let query = query.into_pairs();
                            let body = Some(json_body(body, #text, RULES)?);
                            Ok(RequestParts { path, query, body }.into())
                        })();
                        self.call(&OPERATION, request)
                    }
                },
                quote! {
                    pub async fn g(&self, body: &#ty, o: Option<&#ty>) -> Result<(), Error<String>> {
                        let path = [#text, &encode_path_segment(&a.to_query()), "/b"].concat();
                        let path = #text.to_owned();
                        let body = Some(json_body(body, #text, RULES)?);
                        execute_empty(self, &OPERATION, RequestParts { path, query, body }).await
                    }
                },
                quote! {
                    pub fn #arg(&self) -> crate::client::Call<'_, Vec<#ty>, String> {
                        let body = Some(f(g(#text, #text)?, #text)?);
                        self.call(&OPERATION, request)
                    }
                },
            ];
            for case in &cases {
                match direct(case) {
                    Some(_) => printed += 1,
                    None => declined += 1,
                }
            }
        }
        assert!(
            printed > 60 && declined > 20,
            "{printed} printed, {declined} declined"
        );
    }
}
