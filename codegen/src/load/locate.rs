//! JSON pointer -> line and column in the spec text, for diagnostics.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

/// Finds where a JSON pointer's node starts in block-style YAML text.
///
/// A best-effort scan of mapping keys and sequence items by indentation; flow-style nodes
/// (`{a: 1}`) are located at their nearest block-style ancestor. Pretty-printed JSON (one key
/// per line) is located exactly.
///
/// Nothing is indexed up front: a spec without diagnostics never pays for locating. Each
/// [`Locator::locate_all`] is one pass over the text that builds pointer strings only along
/// the paths it was asked for, so locating every warning of a large spec costs one scan.
pub struct Locator {
    text: String,
    /// (prefix in the loaded document, prefix in the text): where a converted document
    /// (Swagger 2.0) moved a node, longest prefixes first.
    moves: Vec<(String, String)>,
}

/// One open node of the scan: its indentation, where its pointer ends in the path buffer,
/// the next index of a sequence directly below it, and whether it is on a wanted path.
struct Frame {
    indent: isize,
    path_len: usize,
    next_item: usize,
    wanted: bool,
}

impl Locator {
    pub(crate) fn new(text: &str) -> Self {
        Locator {
            text: text.to_owned(),
            moves: Vec::new(),
        }
    }

    /// Pointers of the loaded document under `moves[i].0` are looked up under `moves[i].1`
    /// in the text.
    pub(crate) fn set_moves(&mut self, mut moves: Vec<(String, String)>) {
        moves.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        moves.dedup_by(|a, b| a.0 == b.0);
        self.moves = moves;
    }

    /// Where `pointer` of the loaded document is in the text.
    fn original<'p>(&self, pointer: &'p str) -> Cow<'p, str> {
        for (moved, from) in &self.moves {
            if let Some(rest) = pointer.strip_prefix(moved.as_str()) {
                if rest.is_empty() || rest.starts_with('/') {
                    return Cow::Owned(format!("{from}{rest}"));
                }
            }
        }
        Cow::Borrowed(pointer)
    }

    /// Line and column (1-based) of the node at `pointer`, or of its nearest located ancestor.
    pub fn locate(&self, pointer: &str) -> Option<(usize, usize)> {
        self.locate_all(&[pointer]).pop().flatten()
    }

    /// [`Locator::locate`] for many pointers in one pass over the text; results are in the
    /// order of `pointers`.
    pub fn locate_all(&self, pointers: &[&str]) -> Vec<Option<(usize, usize)>> {
        if pointers.is_empty() {
            return Vec::new(); // no scan of the text for nothing
        }
        let originals: Vec<Cow<'_, str>> = pointers.iter().map(|p| self.original(p)).collect();
        let pointers: Vec<&str> = originals.iter().map(|p| p.as_ref()).collect();
        // Every requested pointer and its ancestors: only nodes on these paths are recorded.
        let mut wanted: HashSet<&str> = HashSet::new();
        for pointer in &pointers {
            let mut candidate = *pointer;
            while wanted.insert(candidate) {
                match candidate.rfind('/') {
                    Some(cut) => candidate = &candidate[..cut],
                    None => break,
                }
            }
        }
        let found = self.scan(&wanted);
        pointers
            .iter()
            .map(|pointer| {
                let mut candidate = *pointer;
                loop {
                    if let Some(&position) = found.get(candidate) {
                        return Some(position);
                    }
                    if candidate == "#" {
                        // The document itself (or a missing top-level key) starts the text.
                        return Some((1, 1));
                    }
                    candidate = &candidate[..candidate.rfind('/')?];
                }
            })
            .collect()
    }

    /// Positions of the wanted nodes (first occurrence of each pointer).
    fn scan(&self, wanted: &HashSet<&str>) -> HashMap<String, (usize, usize)> {
        let mut found: HashMap<String, (usize, usize)> = HashMap::new();
        let mut path = String::from("#");
        let mut stack = vec![Frame {
            indent: -1,
            path_len: 1,
            next_item: 0,
            wanted: true,
        }];
        // Opens a node below the innermost open one whose indentation is less than `indent`;
        // `segment` appends its pointer segment to the path buffer.
        let mut open = |stack: &mut Vec<Frame>,
                        path: &mut String,
                        indent: isize,
                        line: usize,
                        segment: &dyn Fn(&mut String, &mut Frame)| {
            while stack.last().is_some_and(|f| f.indent >= indent) {
                stack.pop();
            }
            let parent = stack.last_mut().expect("the root frame is never popped");
            let mut frame = Frame {
                indent,
                path_len: 0,
                next_item: 0,
                wanted: false,
            };
            if parent.wanted {
                path.truncate(parent.path_len);
                path.push('/');
                segment(path, parent);
                frame.path_len = path.len();
                frame.wanted = wanted.contains(path.as_str());
                if frame.wanted && !found.contains_key(path.as_str()) {
                    found.insert(path.clone(), (line + 1, indent as usize + 1));
                }
            }
            stack.push(frame);
        };
        let mut in_block_scalar: Option<usize> = None;
        for (line_no, line) in self.text.lines().enumerate() {
            let trimmed = trim_indent(line);
            let indent = line.len() - trimmed.len();
            if let Some(block_indent) = in_block_scalar {
                if trimmed.is_empty() || indent > block_indent {
                    continue;
                }
                in_block_scalar = None;
            }
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("---") {
                continue;
            }
            // A line indented below an unwanted node belongs to it: nothing there is wanted
            // (and a block scalar that starts there ends there too).
            if stack
                .last()
                .is_some_and(|top| !top.wanted && indent as isize > top.indent)
            {
                continue;
            }
            let mut rest = trimmed;
            let mut col = indent;
            // Sequence items: "- " possibly followed by a key on the same line.
            while let Some(after) = rest
                .strip_prefix("- ")
                .or_else(|| (rest == "-").then_some(""))
            {
                open(
                    &mut stack,
                    &mut path,
                    col as isize,
                    line_no,
                    &|path, parent| {
                        let index = parent.next_item;
                        parent.next_item += 1;
                        let _ = write!(path, "{index}");
                    },
                );
                let skipped = rest.len() - after.len();
                col += skipped;
                rest = after.trim_start();
                col += after.len() - rest.len();
            }
            if let Some((key, value)) = split_key(rest) {
                open(&mut stack, &mut path, col as isize, line_no, &|path, _| {
                    push_escaped(path, &key)
                });
                let value = value.trim();
                if value.starts_with('|') || value.starts_with('>') {
                    in_block_scalar = Some(indent);
                }
            }
        }
        found
    }
}

/// `line.trim_start()`, counting plain spaces first: indentation is spaces in nearly every
/// line of a spec, and the Unicode-aware trim is the scan's slowest step otherwise.
fn trim_indent(line: &str) -> &str {
    let spaces = line.bytes().take_while(|&b| b == b' ').count();
    let rest = &line[spaces..];
    match rest.bytes().next() {
        Some(b) if b.is_ascii_graphic() => rest,
        None => rest,
        Some(_) => rest.trim_start(),
    }
}

/// Appends `segment` to `path` with JSON pointer escaping (`~` -> `~0`, `/` -> `~1`).
pub(super) fn push_escaped(path: &mut String, segment: &str) {
    for c in segment.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
}

fn split_key(rest: &str) -> Option<(Cow<'_, str>, &str)> {
    let (key, value) = if let Some(stripped) = rest.strip_prefix('\'') {
        let end = stripped.find("':")?;
        let key = &stripped[..end];
        let key = if key.contains("''") {
            Cow::Owned(key.replace("''", "'"))
        } else {
            Cow::Borrowed(key)
        };
        (key, &stripped[end + 2..])
    } else if let Some(stripped) = rest.strip_prefix('"') {
        let end = stripped.find("\":")?;
        (Cow::Borrowed(&stripped[..end]), &stripped[end + 2..])
    } else {
        if rest.starts_with('{') || rest.starts_with('[') {
            return None;
        }
        let end = rest
            .find(": ")
            .or_else(|| rest.strip_suffix(':').map(|s| s.len()))?;
        (
            Cow::Borrowed(&rest[..end]),
            &rest[(end + 1).min(rest.len())..],
        )
    };
    Some((key, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-counting trim is `trim_start` for every kind of leading whitespace.
    #[test]
    fn indentation_trim_is_trim_start() {
        for line in [
            "",
            "   ",
            "a",
            "    key: 1",
            "  \tkey",
            "\t  x",
            "  \u{a0}x",
            "  \u{b}x",
            "  - a",
            "  é",
            "\u{2003} x",
            "  \r",
        ] {
            assert_eq!(trim_indent(line), line.trim_start(), "{line:?}");
        }
    }
}
