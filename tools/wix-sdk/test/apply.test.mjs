// `apply` on copies of spec/inbox-v2.yaml and on small documents: only edited lines change.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { SPEC, runCli, tempDir, lineDelta } from './helpers.mjs';
import { applyEdits } from '../lib/apply.mjs';

const ORIGINAL = fs.readFileSync(SPEC, 'utf8');
const MESSAGE_PROPS = ['components', 'schemas', 'Message', 'properties'];

/** Writes `text` and `edits` to a fresh directory, runs the CLI; returns paths and result. */
function apply(edits, { text = ORIGINAL, out = false } = {}) {
  const dir = tempDir('apply');
  const spec = path.join(dir, 'inbox-v2.yaml');
  const editsFile = path.join(dir, 'edits.json');
  fs.writeFileSync(spec, text);
  fs.writeFileSync(editsFile, JSON.stringify(edits));
  const outPath = path.join(dir, 'out.yaml');
  const r = runCli(['apply', '--spec', spec, '--edits', editsFile, ...(out ? ['--out', outPath] : [])]);
  const written = out ? outPath : spec;
  const result = fs.existsSync(written) ? fs.readFileSync(written, 'utf8') : null;
  return { ...r, dir, spec, editsFile, outPath, result };
}

function lineOf(text, needle) {
  const i = text.split('\n').indexOf(needle);
  assert.ok(i >= 0, `line ${JSON.stringify(needle)} not found`);
  return i;
}

test('adding one field to Message.properties adds exactly that field\'s lines', () => {
  const r = apply([{
    op: 'set',
    path: [...MESSAGE_PROPS, 'threadId'],
    value: { type: 'string', format: 'uuid', nullable: true, description: 'Thread the message belongs to.' },
    position: { after: 'id' },
  }]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
  const d = lineDelta(ORIGINAL, r.result);
  assert.deepEqual(d.removed, []);
  assert.deepEqual(d.added, [
    '        threadId:',
    '          type: string',
    '          format: uuid',
    '          nullable: true',
    '          description: Thread the message belongs to.',
  ]);
  // placed right after the `id` property block, before `content`
  const lines = r.result.split('\n');
  assert.equal(lines[d.at - 1], '          description: Message identifier. A decimal digit string (not a GUID), usually equal to sequence.');
  assert.equal(lines[d.at + d.added.length], '        content:');
  assert.equal(r.result.length - ORIGINAL.length, d.added.join('\n').length + 1);
});

test('appending a field (no position) goes after the last property', () => {
  const r = apply([{ op: 'set', path: [...MESSAGE_PROPS, 'zeta'], value: { type: 'boolean' } }]);
  assert.equal(r.status, 0, r.stderr);
  const d = lineDelta(ORIGINAL, r.result);
  assert.deepEqual(d.removed, []);
  assert.deepEqual(d.added, ['        zeta:', '          type: boolean']);
  const msg = YAML.parse(r.result).components.schemas.Message.properties;
  assert.equal(Object.keys(msg).at(-1), 'zeta');
});

test('changing a format changes one line', () => {
  const r = apply([{ op: 'set', path: [...MESSAGE_PROPS, 'appId', 'format'], value: 'GUID' }]);
  assert.equal(r.status, 0, r.stderr);
  const d = lineDelta(ORIGINAL, r.result);
  assert.deepEqual(d.removed, ['          format: uuid']);
  assert.deepEqual(d.added, ['          format: GUID']);
});

test('a quoted scalar keeps its quotes', () => {
  const r = apply([{ op: 'set', path: [...MESSAGE_PROPS, 'targetChannels', 'x-target-removal-date'], value: '2027-01-31' }]);
  assert.equal(r.status, 0, r.stderr);
  const d = lineDelta(ORIGINAL, r.result);
  assert.deepEqual(d.removed, ["          x-target-removal-date: '2026-06-30'"]);
  assert.deepEqual(d.added, ["          x-target-removal-date: '2027-01-31'"]);
});

test('deleting a field removes its lines only', () => {
  const r = apply([{ op: 'delete', path: [...MESSAGE_PROPS, 'sequence'] }]);
  assert.equal(r.status, 0, r.stderr);
  const d = lineDelta(ORIGINAL, r.result);
  assert.deepEqual(d.added, []);
  assert.equal(d.removed[0], '        sequence:');
  assert.ok(d.removed.slice(1).every((l) => l.startsWith('          ')), d.removed.join('\n'));
  assert.equal(r.result.split('\n')[d.at], '        direction:');
  assert.equal(YAML.parse(r.result).components.schemas.Message.properties.sequence, undefined);
});

test('adding an enum value to a block enum', () => {
  const r = apply([{ op: 'set', path: ['components', 'schemas', 'MessageDirection', 'enum', 3], value: 'SYSTEM' }]);
  assert.equal(r.status, 0, r.stderr);
  const d = lineDelta(ORIGINAL, r.result);
  assert.deepEqual(d.removed, []);
  assert.deepEqual(d.added, ['        - SYSTEM']);
  assert.equal(r.result.split('\n')[d.at - 1], '        - PARTICIPANT_TO_BUSINESS');
});

test('adding an enum value to a flow enum (index append and whole-array set)', () => {
  const block = '      enum:\n        - UNKNOWN_ORIENTATION\n        - PORTRAIT\n        - LANDSCAPE\n';
  assert.ok(ORIGINAL.includes(block));
  const flowText = ORIGINAL.replace(block, '      enum: [UNKNOWN_ORIENTATION, PORTRAIT, LANDSCAPE]  # card layouts\n');
  const enumPath = ['components', 'schemas', 'Orientation', 'enum'];
  for (const edit of [
    { op: 'set', path: [...enumPath, 3], value: 'SQUARE' },
    { op: 'set', path: enumPath, value: ['UNKNOWN_ORIENTATION', 'PORTRAIT', 'LANDSCAPE', 'SQUARE'] },
  ]) {
    const r = apply([edit], { text: flowText });
    assert.equal(r.status, 0, r.stderr);
    const d = lineDelta(flowText, r.result);
    assert.deepEqual(d.removed, ['      enum: [UNKNOWN_ORIENTATION, PORTRAIT, LANDSCAPE]  # card layouts']);
    assert.deepEqual(d.added, ['      enum: [UNKNOWN_ORIENTATION, PORTRAIT, LANDSCAPE, SQUARE]  # card layouts']);
  }
});

test('adding a schema in sorted position', () => {
  const r = apply([{
    op: 'set',
    path: ['components', 'schemas', 'Bubble'],
    value: {
      type: 'object',
      description: 'A chat bubble. Its description is long enough that it has to be folded over more than one line of the file.',
      properties: { version: { type: 'string', example: '1.0.41' }, day: { type: 'string', example: '2026-06-30' }, on: { type: 'string', example: 'yes' } },
    },
    position: { sorted: true },
  }]);
  assert.equal(r.status, 0, r.stderr);
  const d = lineDelta(ORIGINAL, r.result);
  assert.deepEqual(d.removed, []);
  assert.deepEqual(d.added, [
    '    Bubble:',
    '      type: object',
    '      description: >-',
    '        A chat bubble. Its description is long enough that it has to be folded over more than one',
    '        line of the file.',
    '      properties:',
    '        version:',
    '          type: string',
    "          example: '1.0.41'",
    '        day:',
    '          type: string',
    "          example: '2026-06-30'",
    "        'on':",
    '          type: string',
    "          example: 'yes'",
  ]);
  const lines = r.result.split('\n');
  assert.equal(lines[d.at + d.added.length], '    Button:');
  assert.equal(d.at, lineOf(ORIGINAL, '    Button:'));
  const names = Object.keys(YAML.parse(r.result).components.schemas);
  assert.deepEqual(names.slice(names.indexOf('Bubble') - 1, names.indexOf('Bubble') + 2), ['BasicMessagePayload', 'Bubble', 'Button']);
});

test('position.after naming a key that is not there appends at the end', () => {
  assert.equal(applyEdits('m:\n  a: 1\n  b: 2\n', [{ op: 'set', path: ['m', 'c'], value: 3, position: { after: 'zz' } }]), 'm:\n  a: 1\n  b: 2\n  c: 3\n');
  assert.equal(applyEdits('m:\n  a: 1\n  b: 2\n', [{ op: 'set', path: ['m', 'c'], value: 3, position: { after: 'a' } }]), 'm:\n  a: 1\n  c: 3\n  b: 2\n');
});

test('missing parent mappings are created in block style', () => {
  const r = apply([{ op: 'set', path: ['components', 'schemas', 'Message', 'x-wix', 'origin', 'package'], value: '@wix/auto_sdk_inbox_messages' }]);
  assert.equal(r.status, 0, r.stderr);
  const d = lineDelta(ORIGINAL, r.result);
  assert.deepEqual(d.removed, []);
  assert.deepEqual(d.added, ['      x-wix:', '        origin:', "          package: '@wix/auto_sdk_inbox_messages'"]);
});

test('a second apply of the same edits changes no byte', () => {
  const edits = [
    { op: 'set', path: [...MESSAGE_PROPS, 'threadId'], value: { type: 'string' }, position: { after: 'id' } },
    { op: 'set', path: [...MESSAGE_PROPS, 'appId', 'format'], value: 'GUID' },
    { op: 'delete', path: [...MESSAGE_PROPS, 'sequence'] },
    { op: 'set', path: ['components', 'schemas', 'MessageDirection', 'enum', 3], value: 'SYSTEM' },
    { op: 'set', path: ['components', 'schemas', 'Bubble'], value: { type: 'object' }, position: { sorted: true } },
    { op: 'set', path: ['info', 'description'], value: 'Short now.' },
  ];
  const first = apply(edits, { out: true });
  assert.equal(first.status, 0, first.stderr);
  assert.notEqual(first.result, ORIGINAL);
  assert.equal(fs.readFileSync(first.spec, 'utf8'), ORIGINAL, '--out leaves the input alone');
  const second = apply(edits, { text: first.result });
  assert.equal(second.status, 0, second.stderr);
  assert.equal(second.result, first.result);
  // the folded info.description became a folded one-liner, keeping its style
  assert.ok(first.result.includes('  description: >-\n    Short now.\n'), 'folded style kept');
});

test('a failed apply writes nothing', () => {
  const edits = [
    { op: 'set', path: [...MESSAGE_PROPS, 'threadId'], value: { type: 'string' } },
    { op: 'set', path: ['openapi', 'nested'], value: 1 },
  ];
  for (const out of [false, true]) {
    const r = apply(edits, { out });
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.ok(r.stderr.includes(`${r.spec}:1:10:`), r.stderr);
    assert.match(r.stderr, /openapi is a scalar/);
    assert.match(r.stderr, /edit #1/);
    assert.equal(fs.readFileSync(r.spec, 'utf8'), ORIGINAL);
    assert.equal(fs.existsSync(r.outPath), false);
    assert.deepEqual(fs.readdirSync(r.dir).sort(), ['edits.json', 'inbox-v2.yaml']);
  }
});

test('bad edit files are errors naming the file', () => {
  const dir = tempDir('bad');
  const spec = path.join(dir, 's.yaml');
  fs.writeFileSync(spec, 'a: 1\n');
  const cases = [
    ['{not json', /invalid JSON/],
    ['{"op": "set"}', /must be a JSON array/],
    ['[{"op": "move", "path": ["a"]}]', /edit #0: `op` must be/],
    ['[{"op": "set", "path": ["a"]}]', /edit #0: `set` needs a `value`/],
    ['[{"op": "set", "path": ["a", 1.5], "value": 1}]', /path element 1.5/],
    ['[{"op": "set", "path": ["a", "b"], "value": 1}]', /a is a scalar/],
    ['[{"op": "set", "path": ["b"], "value": 1, "position": {"sorted": false}}]', /`position` must be/],
  ];
  for (const [text, re] of cases) {
    const edits = path.join(dir, 'e.json');
    fs.writeFileSync(edits, text);
    const r = runCli(['apply', '--spec', spec, '--edits', edits]);
    assert.equal(r.status, 2, text);
    assert.match(r.stderr, re);
    assert.ok(r.stderr.includes(dir), r.stderr);
    assert.equal(fs.readFileSync(spec, 'utf8'), 'a: 1\n');
  }
});

// --- small documents through the library function ------------------------------------------

test('comments, quoting and styles around edits stay', () => {
  const src = [
    '# head comment',
    'a:',
    '  b: "x"   # keep me',
    '  c: [1, 2]',
    '  d: {k: v}',
    '  e: >-',
    '    folded',
    '    text',
    '  f:',
    '    - name: one',
    '      v: 1',
    '    - name: two',
    '      v: 2',
    '# tail comment',
    '',
  ].join('\n');
  const out = applyEdits(src, [
    { op: 'set', path: ['a', 'b'], value: 'y' },
    { op: 'set', path: ['a', 'c', 2], value: 3 },
    { op: 'set', path: ['a', 'd', 'k2'], value: 'w' },
    { op: 'set', path: ['a', 'e'], value: 'new folded text' },
    { op: 'set', path: ['a', 'f', 2], value: { name: 'three', v: 3 } },
    { op: 'delete', path: ['a', 'f', 0, 'name'] },
  ]);
  assert.equal(out, [
    '# head comment',
    'a:',
    '  b: "y"   # keep me',
    '  c: [1, 2, 3]',
    '  d: {k: v, k2: w}',
    '  e: >-',
    '    new folded text',
    '  f:',
    '    - v: 1',
    '    - name: two',
    '      v: 2',
    '    - name: three',
    '      v: 3',
    '# tail comment',
    '',
  ].join('\n'));
});

test('set with an equal value and delete of a missing path change nothing', () => {
  const src = 'a:\n  b: 1   # c\n  l: [x]\n';
  assert.equal(applyEdits(src, [
    { op: 'set', path: ['a', 'b'], value: 1 },
    { op: 'set', path: ['a'], value: { l: ['x'], b: 1 } },
    { op: 'delete', path: ['a', 'zz'] },
    { op: 'delete', path: ['nope', 'x'] },
  ]), src);
});

test('replacing a block mapping changes only the differing entries', () => {
  const src = 'm:\n  # about p\n  p: 1\n  q: 2   # q\n  r: 3\n';
  const out = applyEdits(src, [{ op: 'set', path: ['m'], value: { p: 1, o: 0, q: 20 } }]);
  assert.equal(out, 'm:\n  # about p\n  p: 1\n  o: 0\n  q: 20   # q\n');
});

test('strings YAML would read as another type are quoted; multi-line strings are literal blocks', () => {
  const out = applyEdits('x: 1\n', [
    { op: 'set', path: ['s'], value: { a: 'true', b: '12', c: '1.0.41', d: 'null', e: '2026-06-30', f: 'plain text', g: 'two\nlines', h: '', i: '#ref', j: 'a: b' } },
  ]);
  assert.deepEqual(YAML.parse(out).s, { a: 'true', b: '12', c: '1.0.41', d: 'null', e: '2026-06-30', f: 'plain text', g: 'two\nlines', h: '', i: '#ref', j: 'a: b' });
  assert.equal(out, [
    'x: 1',
    's:',
    "  a: 'true'",
    "  b: '12'",
    "  c: '1.0.41'",
    "  d: 'null'",
    "  e: '2026-06-30'",
    '  f: plain text',
    '  g: |-',
    '    two',
    '    lines',
    "  h: ''",
    "  i: '#ref'",
    "  j: 'a: b'",
    '',
  ].join('\n'));
});

test('deleting the only key leaves an empty mapping; sequence items can be deleted', () => {
  assert.equal(applyEdits('a:\n  b: 1\nc: 2\n', [{ op: 'delete', path: ['a', 'b'] }]), 'a: {}\nc: 2\n');
  assert.equal(applyEdits('l:\n  - x\n  - y\n  - z\n', [{ op: 'delete', path: ['l', 1] }]), 'l:\n  - x\n  - z\n');
  assert.equal(applyEdits('l: [x, z]\n', [{ op: 'delete', path: ['l', 0] }]), 'l: [z]\n');
  // YAML 1.1 reads y/n/yes/no/on/off as booleans: such strings are quoted
  assert.equal(applyEdits('l: [x]\n', [{ op: 'set', path: ['l', 1], value: 'y' }]), "l: [x, 'y']\n");
});

test('random edit sequences: partial re-parse gives the same bytes as full re-parse, and a second apply is a no-op', () => {
  let seed = 12345;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const data = YAML.parse(ORIGINAL);
  // Collect existing paths to edit.
  const maps = [];
  const seqs = [];
  const leaves = [];
  const walk = (v, p) => {
    if (Array.isArray(v)) {
      seqs.push(p);
      v.forEach((x, i) => walk(x, [...p, i]));
    } else if (v && typeof v === 'object') {
      maps.push(p);
      for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
    } else {
      leaves.push(p);
    }
  };
  walk(data, []);
  const values = ['plain', 'two words', 42, true, null, '1.0.41', 'x: y', 'multi\nline\ntext',
    'a long sentence that goes on and on so that it must be folded when it is written as a new value in the file',
    { type: 'string', format: 'uuid' }, ['A', 'B'], {}, []];
  const rounds = Number(process.env.WIX_SDK_FUZZ_ROUNDS || 2);
  for (let round = 0; round < rounds; round += 1) {
    const edits = [];
    for (let i = 0; i < 20; i += 1) {
      const kind = rand(4);
      const value = values[rand(values.length)];
      if (kind === 0) edits.push({ op: 'set', path: leaves[rand(leaves.length)], value });
      else if (kind === 1) {
        edits.push({ op: 'set', path: [...maps[rand(maps.length)], `new${i}`], value, ...(rand(2) ? { position: { sorted: true } } : {}) });
      } else if (kind === 2) {
        const p = leaves[rand(leaves.length)];
        if (p.length > 3) edits.push({ op: 'delete', path: p });
      } else {
        edits.push({ op: 'set', path: [...seqs[rand(seqs.length)], 0], value });
      }
    }
    // Paths under deleted or replaced nodes may vanish: keep only edits valid in sequence.
    const valid = [];
    let text = ORIGINAL;
    for (const e of edits) {
      try {
        text = applyEdits(text, [e], 'spec', 'edits', { incremental: false });
        valid.push(e);
      } catch (err) {
        assert.match(err.message, /is a scalar|not a mapping|does not exist|beyond the end|addresses a/, err.message);
      }
    }
    assert.ok(valid.length >= 8, `round ${round}: ${valid.length} valid edits`);
    const full = applyEdits(ORIGINAL, valid, 'spec', 'edits', { incremental: false });
    const partial = applyEdits(ORIGINAL, valid, 'spec', 'edits');
    assert.equal(partial, full);
    assert.equal(full, text);
    assert.equal(applyEdits(full, valid, 'spec', 'edits'), full);
  }
});

test('CRLF files keep CRLF line breaks', () => {
  const src = 'm:\r\n  a: 1\r\n  b: 2\r\nn: x\r\n';
  const out = applyEdits(src, [
    { op: 'set', path: ['m', 'c'], value: { d: 'two\nlines' }, position: { after: 'a' } },
    { op: 'delete', path: ['m', 'b'] },
  ]);
  assert.equal(out, 'm:\r\n  a: 1\r\n  c:\r\n    d: |-\r\n      two\r\n      lines\r\nn: x\r\n');
});

test('removing the leading keys of a mapping inside a sequence item', () => {
  const src = 'l:\n  - a: 1\n    b: 2\n    c: 3\n  - a: 4\n';
  assert.equal(applyEdits(src, [{ op: 'set', path: ['l', 0], value: { c: 3 } }]), 'l:\n  - c: 3\n  - a: 4\n');
  assert.equal(applyEdits(src, [{ op: 'set', path: ['l', 0], value: { z: 0, c: 3 } }]), 'l:\n  - z: 0\n    c: 3\n  - a: 4\n');
  assert.equal(applyEdits(src, [{ op: 'delete', path: ['l', 0, 'a'] }]), 'l:\n  - b: 2\n    c: 3\n  - a: 4\n');
});

test('random edits on a document of mixed styles never fail the read-back check and are idempotent', () => {
  const src = [
    '# doc',
    'top:',
    '  s1: plain',
    "  s2: 'single'",
    '  s3: "double"',
    '  fold: >-',
    '    folded text',
    '    here',
    '  lit: |',
    '    line1',
    '    line2',
    '  flowm: {a: 1, b: [x, y]}',
    '  flows: [1, 2, 3]',
    '  empty: {}',
    '  emptys: []',
    '  nul:',
    '  seq:',
    '    - a: 1',
    '      b: 2',
    '    - plain item',
    '    - - nested',
    '      - seq',
    '    - {f: 1}',
    '  deep:',
    '    x:',
    '      y:',
    '        z: 1   # comment',
    'other: [a, b]',
    '',
  ].join('\n');
  let seed = 7;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const values = ['p', 'two words', 3, false, null, '1.2', 'a: b', 'x\ny', 'long '.repeat(30).trim(),
    { k: 'v', m: { n: 1 } }, ['A', { q: 1 }], {}, [], [['z']]];
  const paths = [];
  const collect = (v, p) => {
    paths.push(p);
    if (Array.isArray(v)) v.forEach((x, i) => collect(x, [...p, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) collect(x, [...p, k]);
  };
  collect(YAML.parse(src), []);
  let applied = 0;
  const rounds = Number(process.env.WIX_SDK_FUZZ_ROUNDS || 2) * 250;
  for (let round = 0; round < rounds; round += 1) {
    const edits = [];
    for (let i = 0; i < 1 + rand(4); i += 1) {
      const p = paths[1 + rand(paths.length - 1)];
      const r = rand(4);
      if (r === 0) edits.push({ op: 'delete', path: p });
      else if (r === 1) edits.push({ op: 'set', path: [...p, `nk${i}`], value: values[rand(values.length)], ...(rand(2) ? { position: { sorted: true } } : {}) });
      else edits.push({ op: 'set', path: p, value: values[rand(values.length)] });
    }
    let out;
    try {
      out = applyEdits(src, edits, 'doc.yaml', 'edits.json');
    } catch (e) {
      // Only refusals of impossible edits (keys under scalars or sequences) are expected.
      assert.match(e.message, /is a scalar|addresses a sequence/, `${e.message}\n${JSON.stringify(edits)}`);
      continue;
    }
    applied += 1;
    // Deleting a sequence item by index removes another item the second time; all else is stable.
    if (!edits.some((e) => e.op === 'delete' && typeof e.path.at(-1) === 'number')) {
      assert.equal(applyEdits(out, edits, 'doc.yaml', 'edits.json'), out, JSON.stringify(edits));
    }
  }
  assert.ok(applied > rounds * 0.9, `${applied} of ${rounds} applied`);
});

test('sequence items on a shared `- - ` line can be deleted; deletes through another kind are no-ops', () => {
  assert.equal(applyEdits('l:\n  - - a\n    - b\n', [{ op: 'delete', path: ['l', 0, 0] }]), 'l:\n  - - b\n');
  assert.equal(applyEdits('m:\n  a: 1\n', [{ op: 'delete', path: ['m', 0] }, { op: 'delete', path: ['m', 'a', 'x'] }]), 'm:\n  a: 1\n');
});
