// `apply`: splices edits into a YAML file so that only the bytes of the edited nodes change.
//
// The `yaml` library parses the file into nodes that carry their source ranges; every edit is
// turned into text splices (replace/insert/delete byte ranges) computed from those ranges, so
// comments, quoting, key order and block/flow style of everything else stay as they were.
// Each edit is planned on a fresh parse of the text produced by the previous edits. At the end
// the result is parsed again and must deep-equal the original data with the edits applied in
// memory; otherwise nothing is written.

import fs from 'node:fs';
import path from 'node:path';
import YAML, { isAlias, isMap, isPair, isScalar, isSeq, isCollection } from 'yaml';
import { ToolError, errorAt } from './errors.mjs';
import { folded, keyText, isInline, inlineText, afterKey, afterDash, blockLines, flowText, isObject } from './yaml-text.mjs';


// ---------------------------------------------------------------------------------------------
// Plain data helpers


/** Deep equality of JSON values; mapping key order is ignored, sequence order is not. */
export function deepEqual(a, b) {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function clone(v) {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
}

function pathText(p) {
  return p.length ? p.map(String).join('.') : '(document root)';
}

/**
 * Applies one edit to plain data in memory (the reference the spliced text must equal) and
 * returns the new root. Same rules as the splicing: missing mappings are created, index ==
 * length appends, a delete of a missing path is a no-op. `base` is the path of `root` inside
 * the document (for messages only).
 */
export function applyInMemory(root, edit, base = []) {
  const { op, path: p } = edit;
  if (p.length === 0) return op === 'set' ? clone(edit.value) : null;
  const fail = (what) => {
    throw new ToolError(`cannot ${op} ${pathText([...base, ...p])}: ${what}`);
  };
  const at = (i) => pathText([...base, ...p.slice(0, i)]);
  let node = root;
  for (let i = 0; i < p.length; i += 1) {
    const el = p[i];
    const lastEl = i === p.length - 1;
    if (Array.isArray(node)) {
      if (typeof el !== 'number') {
        if (op === 'delete') return root;
        fail(`path element \`${el}\` addresses a sequence at ${at(i)}`);
      }
      if (el > node.length || (el === node.length && !(lastEl && op === 'set'))) {
        if (op === 'delete') return root;
        fail(`index ${el} is beyond the end (${node.length} items)`);
      }
    } else if (isObject(node)) {
      if (typeof el !== 'string') {
        if (op === 'delete') return root;
        fail(`path element ${el} (a number) addresses a mapping at ${at(i)}`);
      }
    } else {
      if (op === 'delete') return root;
      fail(`${at(i)} is a scalar, not a mapping or sequence`);
    }
    if (lastEl) {
      if (op === 'set') node[el] = clone(edit.value);
      else if (Array.isArray(node)) node.splice(el, 1);
      else delete node[el];
      return root;
    }
    if (!Object.hasOwn(node, el)) {
      if (op === 'delete') return root;
      if (typeof p[i + 1] === 'number') fail(`${at(i + 1)} does not exist, so item ${p[i + 1]} cannot be created`);
      node[el] = {};
    }
    node = node[el];
  }
  return root;
}

// ---------------------------------------------------------------------------------------------
// Source positions

/** The text being edited, with position helpers. */
class Text {
  constructor(text) {
    this.s = text;
  }

  /** Offset of the first character of the line that contains `pos`. */
  lineStart(pos) {
    return this.s.lastIndexOf('\n', pos - 1) + 1;
  }

  /** Offset just past the newline ending the line that contains `pos` (text end if none). */
  nextLine(pos) {
    const nl = this.s.indexOf('\n', pos);
    return nl === -1 ? this.s.length : nl + 1;
  }

  /** 0-based column of `pos`. */
  col(pos) {
    return pos - this.lineStart(pos);
  }

  /** Whether only blanks precede `pos` on its line. */
  firstOnLine(pos) {
    return /^[ \t]*$/.test(this.s.slice(this.lineStart(pos), pos));
  }

  /** Offset just past the last non-blank character in [from, to). */
  contentEnd(from, to) {
    let i = to;
    while (i > from && /\s/.test(this.s[i - 1])) i -= 1;
    return i;
  }

  /** 1-based [line, column] of `pos`, for messages. */
  lineCol(pos) {
    const before = this.s.slice(0, pos);
    const line = before.split('\n').length;
    return [line, pos - this.lineStart(pos) + 1];
  }
}

// ---------------------------------------------------------------------------------------------
// Planning splices on one parse

/** Offset just past the last non-blank character of `node` (`fallback` when it has no range). */
function nodeEnd(t, node, fallback) {
  if (!node || !node.range) return fallback;
  return t.contentEnd(node.range[0], node.range[1]);
}

/** Turns edits into splices of the text a document was parsed from. */
class Planner {
  constructor(t, file) {
    this.t = t;
    this.file = file;
    this.splices = [];
    // Containers whose text the splices change (null: the document root).
    this.touched = [];
  }

  /** Records that the text of `container` (a map or sequence node; null = root) changes. */
  touch(container) {
    this.touched.push(container ?? null);
  }

  /** The outermost touched container (all splices lie inside it), or null for the root. */
  scope() {
    let best;
    for (const c of this.touched) {
      if (c === null) return null;
      if (!best || c.range[1] - c.range[0] > best.range[1] - best.range[0]) best = c;
    }
    return best ?? null;
  }

  err(pos, what) {
    if (pos === null || pos === undefined) return errorAt(this.file, 0, 0, what);
    const [line, col] = this.t.lineCol(pos);
    return errorAt(this.file, line, col, what);
  }

  splice(start, end, text) {
    this.splices.push({ start, end, text, seq: this.splices.length });
  }

  /** Offset right after the `:` that follows a pair's key. */
  afterColon(pair) {
    let i = pair.key.range[1];
    const s = this.t.s;
    while (i < s.length && s[i] !== ':') i += 1;
    if (s[i] !== ':') throw this.err(pair.key.range[0], 'cannot find `:` after this key');
    return i + 1;
  }

  /** Offset right after the `-` that introduces a sequence item starting at `pos`. */
  afterDash(pos) {
    const s = this.t.s;
    let i = pos - 1;
    while (i >= 0 && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n')) i -= 1;
    if (s[i] !== '-') throw this.err(pos, 'cannot find the `-` of this sequence item');
    return i + 1;
  }

  /** End of the text a pair occupies (its value's last non-blank character). */
  pairEnd(pair) {
    return nodeEnd(this.t, pair.value, pair.key.range[1]);
  }

  // --- replacing ---------------------------------------------------------------------------

  /** Replaces the value at `loc` with `v`, descending into block collections to change little. */
  replace(loc, v) {
    const { node } = loc;
    const old = node ? node.toJSON() : null;
    if (deepEqual(old, v)) return;
    if (isMap(node) && !node.flow && isObject(v) && node.items.some((p) => Object.hasOwn(v, this.keyString(p)))) {
      this.diffMap(node, v);
      return;
    }
    if (isSeq(node) && !node.flow && Array.isArray(v) && v.length && node.items.length) {
      this.diffSeq(node, v);
      return;
    }
    this.replaceWhole(loc, v);
  }

  diffMap(map, v) {
    const keys = Object.keys(v);
    const pairOf = new Map();
    for (const p of map.items) pairOf.set(this.keyString(p), p);
    const kept = (p) => Object.hasOwn(v, this.keyString(p));
    let from = 0;
    const head = map.items[0].key.range[0];
    if (!kept(map.items[0]) && !this.t.firstOnLine(head)) {
      // The mapping starts on a `- ` line: drop the leading run of removed keys in one piece so
      // that the first kept key moves up onto that line.
      from = map.items.findIndex(kept);
      this.touch(map);
      this.splice(head, map.items[from].key.range[0], '');
    }
    for (const p of map.items.slice(from)) {
      if (!kept(p)) this.deletePair(map, p, null);
    }
    let prev = null;
    for (const k of keys) {
      const p = pairOf.get(k);
      if (p) {
        this.replace({ kind: 'pair', node: p.value, pair: p, parent: map }, v[k]);
        prev = p;
      } else if (prev) {
        this.insertAfterPair(map, prev, k, v[k]);
      } else {
        const first = map.items.find((q) => Object.hasOwn(v, this.keyString(q)));
        this.insertBeforePair(map, first, k, v[k]);
      }
    }
  }

  diffSeq(seq, v) {
    const n = Math.min(seq.items.length, v.length);
    for (let i = 0; i < n; i += 1) this.replace({ kind: 'item', node: seq.items[i], seq, index: i }, v[i]);
    for (let i = seq.items.length; i < v.length; i += 1) this.appendItem(seq, v[i]);
    for (let i = v.length; i < seq.items.length; i += 1) this.deleteItem(seq, i, null);
  }

  /** Replaces the whole text of the value at `loc` (style of the old node kept where possible). */
  replaceWhole(loc, v) {
    const { node } = loc;
    const t = this.t;
    this.touch(loc.kind === 'pair' ? loc.parent : loc.kind === 'item' ? loc.seq : null);
    if (node && isCollection(node) && node.flow) {
      const pad = t.s[node.range[0] + 1] === ' ';
      this.splice(node.range[0], node.range[1], flowText(v, pad));
      return;
    }
    const oldType = node && isScalar(node) ? node.type : null;
    const isBlockNode = node && (isCollection(node) || oldType === 'BLOCK_FOLDED' || oldType === 'BLOCK_LITERAL');
    const end = !node || !node.range ? null : isBlockNode ? nodeEnd(t, node, node.range[0]) : node.range[1];
    if (loc.kind === 'pair') {
      const start = this.afterColon(loc.pair);
      const col = t.col(loc.pair.key.range[0]);
      const keyLen = loc.pair.key.range[1] - loc.pair.key.range[0];
      this.splice(start, end ?? start, afterKey(v, col, keyLen, oldType));
    } else if (loc.kind === 'item') {
      const start = this.afterDash(node.range[0]);
      this.splice(start, end ?? start, afterDash(v, t.col(start - 1), oldType));
    } else {
      const start = node ? node.range[0] : 0;
      const text = isInline(v) ? inlineText(v, { oldType }) : blockLines(v, 0);
      this.splice(start, end ?? t.s.length, text);
    }
  }

  // --- inserting ---------------------------------------------------------------------------

  keyString(pair) {
    if (!isScalar(pair.key)) throw this.err(pair.key && pair.key.range ? pair.key.range[0] : null, 'only scalar mapping keys are supported');
    return String(pair.key.value);
  }

  pairText(map, k, v) {
    const col = this.t.col(map.items[0].key.range[0]);
    const kt = keyText(k);
    return { col, text: `${kt}:${afterKey(v, col, kt.length)}` };
  }

  insertAfterPair(map, prev, k, v) {
    this.touch(map);
    const { col, text } = this.pairText(map, k, v);
    const at = this.t.nextLine(this.pairEnd(prev));
    const nl = at === this.t.s.length && !this.t.s.endsWith('\n') ? '\n' : '';
    this.splice(at, at, `${nl}${' '.repeat(col)}${text}\n`);
  }

  insertBeforePair(map, next, k, v) {
    this.touch(map);
    const { col, text } = this.pairText(map, k, v);
    const at = next.key.range[0];
    this.splice(at, at, `${text}\n${' '.repeat(col)}`);
  }

  insertPair(loc, k, v, position) {
    const map = loc.node;
    if (!map.items.length) {
      const obj = {};
      obj[k] = v;
      this.replaceWhole(loc, obj);
      return;
    }
    const prev = position && position.after !== undefined
      ? map.items.find((p) => this.keyString(p) === position.after) : undefined;
    if (prev) {
      this.insertAfterPair(map, prev, k, v);
    } else if (position && position.sorted) {
      const next = map.items.find((p) => this.keyString(p) > k);
      if (next) this.insertBeforePair(map, next, k, v);
      else this.insertAfterPair(map, map.items[map.items.length - 1], k, v);
    } else {
      this.insertAfterPair(map, map.items[map.items.length - 1], k, v);
    }
  }

  appendItem(seq, v) {
    this.touch(seq);
    const last = seq.items[seq.items.length - 1];
    const dashEnd = this.afterDash(last.range[0]);
    const col = this.t.col(dashEnd - 1);
    const at = this.t.nextLine(nodeEnd(this.t, last, dashEnd));
    const nl = at === this.t.s.length && !this.t.s.endsWith('\n') ? '\n' : '';
    this.splice(at, at, `${nl}${' '.repeat(col)}-${afterDash(v, col)}\n`);
  }

  // --- deleting ----------------------------------------------------------------------------

  deletePair(map, pair, loc) {
    const t = this.t;
    if (map.items.length === 1 && loc) {
      this.replaceWhole(loc, {});
      return;
    }
    this.touch(map);
    const keyStart = pair.key.range[0];
    if (t.firstOnLine(keyStart)) {
      this.splice(t.lineStart(keyStart), t.nextLine(this.pairEnd(pair)), '');
    } else {
      // First pair of a mapping that starts on a `- ` line: the next key moves up.
      const idx = map.items.indexOf(pair);
      const next = map.items[idx + 1];
      if (!next) throw this.err(keyStart, 'cannot delete the only key of this mapping here');
      this.splice(keyStart, next.key.range[0], '');
    }
  }

  deleteItem(seq, index, loc) {
    const t = this.t;
    if (seq.items.length === 1 && loc) {
      this.replaceWhole(loc, []);
      return;
    }
    this.touch(seq);
    const item = seq.items[index];
    const dashEnd = this.afterDash(item.range[0]);
    const dash = dashEnd - 1;
    if (t.firstOnLine(dash)) {
      this.splice(t.lineStart(dash), t.nextLine(nodeEnd(t, item, dashEnd)), '');
      return;
    }
    // First item of a sequence that starts on a `- ` line (`- - a`): the next item moves up.
    const next = seq.items[index + 1];
    if (!next) throw this.err(dash, 'cannot delete the last item of a sequence that shares its line with other content');
    this.splice(dash, this.afterDash(next.range[0]) - 1, '');
  }
}

// ---------------------------------------------------------------------------------------------
// Resolving a path in the parsed document

/**
 * Walks `p` from the document root. Returns the deepest location reached:
 * `{loc, depth}` where `loc` describes the node at `p[0..depth)`. `depth === p.length` when the
 * whole path exists. The walk stops early at a flow collection (edits inside it rewrite it).
 */
function walk(planner, doc, p, lenient = false) {
  let loc = { kind: 'root', node: doc.contents };
  for (let i = 0; i < p.length; i += 1) {
    const node = loc.node;
    const el = p[i];
    if (isAlias(node)) throw planner.err(node.range[0], `path ${pathText(p.slice(0, i))} is an alias; edits through aliases are not supported`);
    if (isCollection(node) && node.flow) return { loc, depth: i, flow: true };
    if (isMap(node)) {
      if (typeof el !== 'string') {
        if (lenient) return { loc, depth: i };
        throw planner.err(node.range[0], `path element ${el} (a number) addresses a mapping at ${pathText(p.slice(0, i))}`);
      }
      const pair = node.items.find((q) => planner.keyString(q) === el);
      if (!pair) return { loc, depth: i };
      loc = { kind: 'pair', node: pair.value, pair, parent: node };
    } else if (isSeq(node)) {
      if (typeof el !== 'number') {
        if (lenient) return { loc, depth: i };
        throw planner.err(node.range[0], `path element \`${el}\` addresses a sequence at ${pathText(p.slice(0, i))}`);
      }
      if (el >= node.items.length) return { loc, depth: i };
      loc = { kind: 'item', node: node.items[el], seq: node, index: el };
    } else {
      const pos = node && node.range ? node.range[0] : null;
      return { loc, depth: i, scalar: true, pos };
    }
  }
  return { loc, depth: p.length };
}

function planEdit(planner, doc, edit) {
  const p = edit.path;
  // A delete through a node of another kind finds nothing to delete.
  const w = walk(planner, doc, p, edit.op === 'delete');
  const { loc, depth } = w;
  if (w.flow) {
    // Inside a flow collection: compute its new value and rewrite it as flow text.
    let after;
    try {
      after = applyInMemory(loc.node.toJSON(), { ...edit, path: p.slice(depth) }, p.slice(0, depth));
    } catch (e) {
      throw e instanceof ToolError ? planner.err(loc.node.range[0], e.message) : e;
    }
    planner.replace(loc, after);
    return;
  }
  if (edit.op === 'delete') {
    if (depth < p.length) return; // already absent
    if (loc.kind === 'root') throw planner.err(null, 'cannot delete the document root');
    if (loc.kind === 'pair') planner.deletePair(loc.parent, loc.pair, parentLoc(planner, doc, p));
    else planner.deleteItem(loc.seq, loc.index, parentLoc(planner, doc, p));
    return;
  }
  if (depth === p.length) {
    planner.replace(loc, edit.value);
    return;
  }
  if (w.scalar) {
    throw planner.err(w.pos, `cannot set ${pathText(p)}: ${pathText(p.slice(0, depth))} is a scalar, not a mapping or sequence`);
  }
  const node = loc.node;
  const el = p[depth];
  // Value of the first missing element: the rest of the path becomes nested mappings.
  let value = clone(edit.value);
  for (let i = p.length - 1; i > depth; i -= 1) {
    if (typeof p[i] === 'number') {
      throw planner.err(null, `cannot set ${pathText(p)}: ${pathText(p.slice(0, i))} does not exist, so item ${p[i]} cannot be created`);
    }
    value = { [p[i]]: value };
  }
  if (isSeq(node)) {
    if (el !== node.items.length) {
      throw planner.err(node.range[0], `cannot set ${pathText(p)}: index ${el} is beyond the end (${node.items.length} items)`);
    }
    if (node.items.length === 0) planner.replaceWhole(loc, [value]);
    else planner.appendItem(node, value);
    return;
  }
  if (!isMap(node)) {
    throw planner.err(node && node.range ? node.range[0] : null, `cannot set ${pathText(p)}: ${pathText(p.slice(0, depth))} is not a mapping`);
  }
  const position = depth === p.length - 1 ? edit.position : (edit.position && edit.position.sorted ? edit.position : undefined);
  planner.insertPair(loc, el, value, position);
}

function parentLoc(planner, doc, p) {
  const w = walk(planner, doc, p.slice(0, -1));
  return w.depth === p.length - 1 ? w.loc : null;
}

/** Applies the planned splices (non-overlapping; equal offsets keep planning order). */
function applySplices(text, splices, file) {
  const sorted = [...splices].sort((a, b) => a.start - b.start || a.end - b.end || a.seq - b.seq);
  // New text follows the file's line breaks (CRLF files stay CRLF).
  const crlf = text.includes('\r\n');
  let out = '';
  let pos = 0;
  for (const sp of sorted) {
    if (sp.start < pos) throw new ToolError(`${file}: internal error: overlapping edits near offset ${sp.start}`);
    out += text.slice(pos, sp.start) + (crlf ? sp.text.replace(/\r?\n/g, '\r\n') : sp.text);
    pos = sp.end;
  }
  return out + text.slice(pos);
}

const PARSE_OPTIONS = { uniqueKeys: true, prettyErrors: false };

/** Calls `fn` on every node (keys and values) under `node`. */
function eachNode(node, fn) {
  if (!node) return;
  fn(node);
  if (isCollection(node)) {
    for (const it of node.items) {
      if (isPair(it)) {
        eachNode(it.key, fn);
        eachNode(it.value, fn);
      } else {
        eachNode(it, fn);
      }
    }
  }
}

function shiftRange(node, from, delta) {
  if (!node.range) return;
  node.range = node.range.map((r) => (r >= from ? r + delta : r));
}

/**
 * The parse of `next` (= `prev` with the planner's splices applied), reusing `doc`: only the
 * outermost changed block collection is parsed again and put in place, other nodes' ranges are
 * shifted. Falls back to parsing everything when that is not possible.
 */
function reparse(doc, prev, next, planner, file) {
  const scope = planner.scope();
  const full = () => parseChecked(next, file);
  if (!scope || scope === doc.contents || scope.flow || !scope.range) return full();
  const [start, oldEnd] = scope.range;
  if (planner.splices.some((sp) => sp.start < start || sp.end > oldEnd)) return full();
  const delta = next.length - prev.length;
  const ls = prev.lastIndexOf('\n', start - 1) + 1;
  const sub = ' '.repeat(start - ls) + next.slice(start, oldEnd + delta);
  const subDoc = YAML.parseDocument(sub, PARSE_OPTIONS);
  const node = subDoc.contents;
  if (subDoc.errors.length || !node || node.flow || isMap(node) !== isMap(scope) || isSeq(node) !== isSeq(scope)) return full();
  eachNode(node, (n) => shiftRange(n, 0, ls));
  let placed = false;
  const visit = (n) => {
    if (!n) return;
    shiftRange(n, oldEnd, delta);
    if (!isCollection(n)) return;
    n.items.forEach((it, i) => {
      if (isPair(it)) {
        visit(it.key);
        if (it.value === scope) {
          it.value = node;
          placed = true;
        } else {
          visit(it.value);
        }
      } else if (it === scope) {
        n.items[i] = node;
        placed = true;
      } else {
        visit(it);
      }
    });
  };
  visit(doc.contents);
  if (!placed) return full();
  if (doc.range) doc.range = doc.range.map((r) => (r >= oldEnd ? r + delta : r));
  return doc;
}

function parseChecked(text, file) {
  const doc = YAML.parseDocument(text, PARSE_OPTIONS);
  if (doc.errors.length) {
    const e = doc.errors[0];
    const lp = e.linePos && e.linePos[0];
    throw errorAt(file, lp ? lp.line : 0, lp ? lp.col : 0, `invalid YAML: ${e.message.split('\n')[0]}`);
  }
  return doc;
}

// ---------------------------------------------------------------------------------------------
// Edits file

function validateEdits(edits, file) {
  if (!Array.isArray(edits)) throw errorAt(file, 0, 0, 'edits must be a JSON array');
  edits.forEach((e, i) => {
    const bad = (what) => errorAt(file, 0, 0, `edit #${i}: ${what}`);
    if (!isObject(e)) throw bad('not an object');
    for (const k of Object.keys(e)) {
      if (!['op', 'path', 'value', 'position'].includes(k)) throw bad(`unknown key \`${k}\``);
    }
    if (e.op !== 'set' && e.op !== 'delete') throw bad('`op` must be "set" or "delete"');
    if (!Array.isArray(e.path) || e.path.length === 0) throw bad('`path` must be a non-empty array');
    for (const el of e.path) {
      if (typeof el !== 'string' && !(Number.isInteger(el) && el >= 0)) {
        throw bad(`path element ${JSON.stringify(el)} is neither a string nor a non-negative integer`);
      }
    }
    if (e.op === 'set' && !('value' in e)) throw bad('`set` needs a `value`');
    if (e.op === 'delete' && ('value' in e || 'position' in e)) throw bad('`delete` takes no `value` or `position`');
    if (e.position !== undefined) {
      const p = e.position;
      const ok = isObject(p) && Object.keys(p).length === 1
        && ((typeof p.after === 'string') || p.sorted === true);
      if (!ok) throw bad('`position` must be {"after": "<key>"} or {"sorted": true}');
    }
  });
}

/**
 * Applies `edits` to YAML `text`; returns the new text. `file` and `editsFile` name the inputs
 * in errors. `incremental: false` parses the whole text after every edit (for tests comparing
 * against the partial re-parse).
 */
export function applyEdits(text, edits, file = '<yaml>', editsFile = '<edits>', { incremental = true } = {}) {
  validateEdits(edits, editsFile);
  const original = parseChecked(text, file);
  let expected = original.toJSON();
  let cur = text;
  let doc = original;
  edits.forEach((edit, i) => {
    const planner = new Planner(new Text(cur), file);
    const where = `(edit #${i} in ${editsFile}: ${edit.op} ${pathText(edit.path)})`;
    try {
      planEdit(planner, doc, edit);
    } catch (e) {
      throw e instanceof ToolError ? new ToolError(`${e.message} ${where}`) : e;
    }
    try {
      expected = applyInMemory(expected, edit);
    } catch (e) {
      throw e instanceof ToolError ? errorAt(file, 0, 0, `${e.message} ${where}`) : e;
    }
    if (planner.splices.length) {
      const next = applySplices(cur, planner.splices, file);
      doc = incremental ? reparse(doc, cur, next, planner, file) : parseChecked(next, file);
      cur = next;
    }
  });
  const result = parseChecked(cur, `${file} (after edits)`);
  if (!deepEqual(result.toJSON(), expected)) {
    throw errorAt(file, 0, 0, 'internal check failed: the spliced YAML does not read back as the edited data; nothing written');
  }
  return cur;
}

/** `apply` command: reads the files, applies the edits, writes `out` atomically. */
export function applyFile(specPath, editsPath, outPath) {
  let text;
  let edits;
  try {
    text = fs.readFileSync(specPath, 'utf8');
  } catch (e) {
    throw errorAt(specPath, 0, 0, `cannot read file (${e.code || e.message})`);
  }
  let editsText;
  try {
    editsText = fs.readFileSync(editsPath, 'utf8');
  } catch (e) {
    throw errorAt(editsPath, 0, 0, `cannot read file (${e.code || e.message})`);
  }
  try {
    edits = JSON.parse(editsText);
  } catch (e) {
    throw errorAt(editsPath, 0, 0, `invalid JSON (${e.message})`);
  }
  const result = applyEdits(text, edits, specPath, editsPath);
  if (result === text && path.resolve(outPath) === path.resolve(specPath)) return;
  const tmp = path.join(path.dirname(path.resolve(outPath)), `.${path.basename(outPath)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(tmp, result);
    fs.renameSync(tmp, outPath);
  } catch (e) {
    try { fs.unlinkSync(tmp); } catch { /* already gone */ }
    throw errorAt(outPath, 0, 0, `cannot write (${e.code || e.message})`);
  }
}
