// Writing new YAML text for `apply`: scalars in the quoting that reads back as the same value,
// and new values in block or flow layout at a given indentation.

import YAML from 'yaml';

/** Target width of generated lines (folded strings are wrapped at word boundaries before it). */
export const WIDTH = 100;

export function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------
// Scalar writing

export const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

/** Whether `s` can be written as a plain scalar and reads back as the same string. */
export function plainOk(s, inFlow) {
  if (s === '' || s !== s.trim() || /[\n\r\t]/.test(s) || CONTROL.test(s)) return false;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(s)) return false;
  if (/: |:$| #/.test(s)) return false;
  if (inFlow && /[,[\]{}]/.test(s)) return false;
  // Anything starting like a number, date or version is quoted, so that no YAML reader
  // (1.1 or 1.2) takes it for another type.
  if (/^[+-]?\.?\d/.test(s)) return false;
  for (const version of ['1.2', '1.1']) {
    let back;
    try {
      back = YAML.parse(s, { version });
    } catch {
      return false;
    }
    if (back !== s) return false;
  }
  return true;
}

export function singleQuoted(s) {
  return `'${s.replace(/'/g, "''")}'`;
}

export function doubleQuoted(s) {
  // JSON string syntax is valid YAML double-quoted syntax.
  return JSON.stringify(s);
}

export function singleOk(s) {
  return !/[\n\r]/.test(s) && !CONTROL.test(s);
}

/** Lines of a `>-` block for `s`: breaks only at single spaces between non-blank characters. */
export function foldLines(s, indent) {
  const room = Math.max(WIDTH - indent, 20);
  const lines = [];
  let line = '';
  let i = 0;
  while (i < s.length) {
    // Next candidate break: a single space with non-blank characters on both sides.
    let j = i;
    let brk = -1;
    while (j < s.length) {
      if (s[j] === ' ' && j > 0 && s[j - 1] !== ' ' && s[j + 1] !== undefined && s[j + 1] !== ' ' && s[j + 1] !== '\t') {
        brk = j;
        break;
      }
      j += 1;
    }
    const word = brk === -1 ? s.slice(i) : s.slice(i, brk);
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= room) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
    if (brk === -1) break;
    i = brk + 1;
  }
  lines.push(line);
  return lines;
}

export function foldable(s) {
  return s !== '' && !/[\n\r]/.test(s) && s === s.trim() && !CONTROL.test(s) && !/^\t/.test(s);
}

export function folded(s, indent) {
  const pad = ' '.repeat(indent);
  return `>-\n${foldLines(s, indent).map((l) => pad + l).join('\n')}`;
}

export function literalOk(s) {
  return s.includes('\n') && !/\r/.test(s) && !CONTROL.test(s) && !/^[ \t\n]/.test(s);
}

export function literal(s, indent) {
  const m = /\n*$/.exec(s);
  const trailing = m[0].length;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const body = trailing === 0 ? s : s.slice(0, s.length - trailing);
  const pad = ' '.repeat(indent);
  const lines = body.split('\n').map((l) => (l === '' ? '' : pad + l));
  for (let k = 1; k < trailing; k += 1) lines.push('');
  return `|${chomp}\n${lines.join('\n')}`;
}

/**
 * Text of a scalar value. `startCol` is the column where it starts (to decide whether it fits on
 * the line), `indent` the indentation of block scalar lines, `oldType` the style of the scalar
 * it replaces (kept when the new value can be written in it).
 */
export function scalarText(v, { startCol = 0, indent = 2, oldType = null, inFlow = false } = {}) {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') throw new ToolError(`internal: not a scalar: ${JSON.stringify(v)}`);
  if (inFlow) {
    if (oldType === 'QUOTE_DOUBLE' || !singleOk(v)) return doubleQuoted(v);
    if (oldType === 'QUOTE_SINGLE') return singleQuoted(v);
    return plainOk(v, true) ? v : singleQuoted(v);
  }
  switch (oldType) {
    case 'PLAIN':
      if (plainOk(v, false)) return v;
      break;
    case 'QUOTE_SINGLE':
      if (singleOk(v)) return singleQuoted(v);
      break;
    case 'QUOTE_DOUBLE':
      return doubleQuoted(v);
    case 'BLOCK_FOLDED':
      if (foldable(v)) return folded(v, indent);
      break;
    case 'BLOCK_LITERAL':
      if (literalOk(v)) return literal(v, indent);
      break;
    default:
      break;
  }
  if (v.includes('\n')) return literalOk(v) ? literal(v, indent) : doubleQuoted(v);
  const inline = plainOk(v, false) ? v : singleOk(v) ? singleQuoted(v) : doubleQuoted(v);
  if (startCol + inline.length > WIDTH && foldable(v)) return folded(v, indent);
  return inline;
}

export function keyText(k) {
  const s = String(k);
  if (plainOk(s, false)) return s;
  return singleOk(s) ? singleQuoted(s) : doubleQuoted(s);
}

export function isEmptyCollection(v) {
  return (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
}

export function isInline(v) {
  return !(Array.isArray(v) || isObject(v)) || isEmptyCollection(v);
}

export function inlineText(v, opts) {
  if (Array.isArray(v)) return '[]';
  if (isObject(v)) return '{}';
  return scalarText(v, opts);
}

// ---------------------------------------------------------------------------------------------
// Block and flow writing of new values

/** Text following `key:` for a value whose key sits at column `col`. */
export function afterKey(v, col, keyLen, oldType = null) {
  if (isInline(v)) return ` ${inlineText(v, { startCol: col + keyLen + 2, indent: col + 2, oldType })}`;
  return `\n${blockLines(v, col + 2)}`;
}

/** Text following `-` for a sequence item whose dash sits at column `col`. */
export function afterDash(v, col, oldType = null) {
  if (isInline(v)) return ` ${inlineText(v, { startCol: col + 2, indent: col + 2, oldType })}`;
  return ` ${blockLines(v, col + 2).slice(col + 2)}`;
}

/** Lines of a non-empty block collection at indentation `ind` (no trailing newline). */
export function blockLines(v, ind) {
  const pad = ' '.repeat(ind);
  if (Array.isArray(v)) return v.map((item) => `${pad}-${afterDash(item, ind)}`).join('\n');
  return Object.entries(v).map(([k, x]) => {
    const kt = keyText(k);
    return `${pad}${kt}:${afterKey(x, ind, kt.length)}`;
  }).join('\n');
}

/** Flow-style text of a value; `pad` puts spaces inside brackets and braces. */
export function flowText(v, pad) {
  const sp = pad ? ' ' : '';
  if (Array.isArray(v)) {
    return v.length ? `[${sp}${v.map((x) => flowText(x, pad)).join(', ')}${sp}]` : '[]';
  }
  if (isObject(v)) {
    const parts = Object.entries(v).map(([k, x]) => {
      const kt = plainOk(k, true) ? k : singleOk(k) ? singleQuoted(k) : doubleQuoted(k);
      return `${kt}: ${flowText(x, pad)}`;
    });
    return parts.length ? `{${sp}${parts.join(', ')}${sp}}` : '{}';
  }
  return scalarText(v, { inFlow: true });
}
