#!/usr/bin/env python3
"""Check spec/inbox-v2.yaml against the REST-level types of Wix's JS SDK packages.

Usage:
    python3 spec/check_sdk_coverage.py [--sdk-dir DIR] [--spec spec/inbox-v2.yaml] [--pyyaml]

DIR must contain the two unpacked npm packages (anywhere below it; each is found by
its package.json name next to build/cjs/meta.d.ts). Without --sdk-dir the pinned
versions are fetched with `npm pack` into .cache/sdk/ at the repository root and
unpacked there (skipped when already present).

What is checked (every problem is listed; exit status 1 when there is any):
  * every interface and enum reachable from the request/response types of the public
    methods (from meta.d.ts), the webhook payload types (from index.typings.d.ts),
    MessageSentToParticipant, the webhook envelope types and ContentType exists in
    components/schemas under Wix's name (the conversations package's IdentificationData
    is found through `x-wix-type-name`; request types whose fields are all query/path
    parameters may instead be covered by the operation's parameters);
  * every field exists, with a matching shape (array / $ref / x-json-string /
    primitive), nullability (`T | null` <-> `nullable: true`) and the JSDoc tags
    @format GUID/WEB_URL, @readonly, @maxLength, @minLength, @maxSize, @minSize, @max,
    @min, @deprecated, @targetRemovalDate, @replacedBy;
  * every enum value exists, in declared order;
  * protobuf one-of groups (`...OneOf` interfaces) match `x-oneof`;
  * non-optional request fields and @requiredField paths are in `required`;
  * HTTP method, path, operationId, x-wix-request-schema, the 200 response schema,
    x-wix-permission and x-wix-application-errors codes of each public method;
  * every @webhook event appears in x-wix-events with its slug, permission and payload.

Standard library only. The spec is read with a small parser for the YAML subset the
spec is written in (see spec/README.md); if that parser rejects the file, or with
--pyyaml, PyYAML is used instead and installed with pip when missing.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

PINNED = {
    "@wix/auto_sdk_inbox_messages": "1.0.41",
    "@wix/auto_sdk_inbox_conversations": "1.0.33",
}
MESSAGES = "@wix/auto_sdk_inbox_messages"
CONVERSATIONS = "@wix/auto_sdk_inbox_conversations"
# Public REST prefix on www.wixapis.com for the SDK's proto paths (/v2/...).
PUBLIC_PREFIX = "/inbox"
# Roots that no public method or @webhook declaration reaches, but which the spec covers.
EXTRA_ROOTS = {
    MESSAGES: ["MessageSentToParticipant", "MessageEnvelope", "DomainEvent", "ContentType"],
    CONVERSATIONS: ["MessageEnvelope", "DomainEvent"],
}
REPO_ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------------------
# Minimal YAML reader (block mappings/sequences, flow collections possibly spanning
# lines, quoted and plain scalars, block scalars | and >). Raises YamlSubsetError on
# anything else so the caller can fall back to PyYAML.
# --------------------------------------------------------------------------------------
class YamlSubsetError(Exception):
    pass


_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")


def _plain(s: str):
    if s in ("null", "Null", "NULL", "~", ""):
        return None
    if s in ("true", "True", "TRUE"):
        return True
    if s in ("false", "False", "FALSE"):
        return False
    if s.lower() in ("yes", "no", "on", "off", "y", "n"):
        raise YamlSubsetError(f"ambiguous plain scalar {s!r}; quote it")
    if _INT.match(s):
        return int(s)
    if _FLOAT.match(s):
        return float(s)
    if re.match(r"^\d{4}-\d\d-\d\d", s):
        raise YamlSubsetError(f"date-like plain scalar {s!r}; quote it")
    if s[0] in "&*!%@`|>":
        raise YamlSubsetError(f"unsupported plain scalar {s!r}")
    return s


def _double_quoted(tok: str) -> str:
    try:
        return json.loads(tok)
    except ValueError as e:
        raise YamlSubsetError(f"bad double-quoted scalar {tok!r}: {e}")


def _strip_comment(line: str) -> str:
    """Drop a trailing ' #...' comment that is outside quotes."""
    q = None
    for i, c in enumerate(line):
        if q:
            if c == q:
                q = None
            elif c == "\\" and q == '"':
                continue
        elif c in "'\"" and (i == 0 or line[i - 1] in " [{,:"):
            q = c
        elif c == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


class _Flow:
    def __init__(self, text: str):
        self.t = text
        self.i = 0

    def ws(self):
        while self.i < len(self.t) and self.t[self.i] in " \t\r\n":
            self.i += 1

    def value(self):
        self.ws()
        c = self.t[self.i]
        if c == "{":
            self.i += 1
            out = {}
            self.ws()
            if self.t[self.i] == "}":
                self.i += 1
                return out
            while True:
                k = self.scalar(key=True)
                self.ws()
                if self.t[self.i] != ":":
                    raise YamlSubsetError(f"expected ':' in flow mapping at {self.t[self.i:self.i + 30]!r}")
                self.i += 1
                out[k] = self.value()
                self.ws()
                if self.t[self.i] == ",":
                    self.i += 1
                    continue
                if self.t[self.i] == "}":
                    self.i += 1
                    return out
                raise YamlSubsetError(f"expected ',' or '}}' at {self.t[self.i:self.i + 30]!r}")
        if c == "[":
            self.i += 1
            out = []
            self.ws()
            if self.t[self.i] == "]":
                self.i += 1
                return out
            while True:
                out.append(self.value())
                self.ws()
                if self.t[self.i] == ",":
                    self.i += 1
                    continue
                if self.t[self.i] == "]":
                    self.i += 1
                    return out
                raise YamlSubsetError(f"expected ',' or ']' at {self.t[self.i:self.i + 30]!r}")
        return self.scalar(key=False)

    def scalar(self, key: bool):
        self.ws()
        c = self.t[self.i]
        if c == '"':
            j = self.i + 1
            while self.t[j] != '"':
                j += 2 if self.t[j] == "\\" else 1
            tok = self.t[self.i:j + 1]
            self.i = j + 1
            return _double_quoted(tok)
        if c == "'":
            j = self.i + 1
            while True:
                if self.t[j] == "'" and self.t[j + 1:j + 2] == "'":
                    j += 2
                elif self.t[j] == "'":
                    break
                else:
                    j += 1
            tok = self.t[self.i + 1:j].replace("''", "'")
            self.i = j + 1
            return tok
        j = self.i
        while j < len(self.t):
            ch = self.t[j]
            if ch in ",[]{}":
                break
            if ch == ":" and (j + 1 >= len(self.t) or self.t[j + 1] in " \t\r\n,[]{}"):
                break
            if ch == "\n":
                break  # a continuation line would then fail the ',' / closing-bracket check
            j += 1
        tok = self.t[self.i:j].strip()
        self.i = j
        return tok if key else _plain(tok)


def _balanced(text: str) -> bool:
    depth, q, i = 0, None, 0
    while i < len(text):
        c = text[i]
        if q == '"':
            if c == "\\":
                i += 1
            elif c == '"':
                q = None
        elif q == "'":
            if c == "'":
                q = None
        elif c in "\"'":
            q = c
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
        i += 1
    return depth == 0 and q is None


def _scalar_or_flow(rest: str, lines: list[str], i: int):
    """Parse the value text `rest` that started on line i-1; may consume more lines."""
    if rest[0] in "[{":
        text = rest
        while not _balanced(text):
            if i >= len(lines):
                raise YamlSubsetError("unterminated flow collection")
            text += "\n" + lines[i]
            i += 1
        f = _Flow(text)
        v = f.value()
        f.ws()
        if f.i != len(f.t):
            raise YamlSubsetError(f"trailing text after flow collection: {f.t[f.i:]!r}")
        return v, i
    if rest[0] == '"':
        if not (len(rest) > 1 and rest.endswith('"')):
            raise YamlSubsetError("multi-line double-quoted scalar")
        return _double_quoted(rest), i
    if rest[0] == "'":
        if not (len(rest) > 1 and rest.endswith("'")):
            raise YamlSubsetError("multi-line single-quoted scalar")
        return rest[1:-1].replace("''", "'"), i
    return _plain(rest), i


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _skip(lines, i):
    while i < len(lines) and (not lines[i].strip() or lines[i].lstrip().startswith("#")):
        i += 1
    return i


def _split_key(s: str):
    """Split 'key: rest' -> (key, rest) or None when s is not a mapping entry."""
    if s[0] in "'\"":
        f = _Flow(s)
        k = f.scalar(key=True)
        rest = s[f.i:]
        if not rest.startswith(":"):
            return None
        return k, rest[1:].strip()
    m = re.match(r"^([^\s'\"{\[#][^#]*?):(\s+|$)(.*)$", s)
    if not m:
        return None
    return m.group(1).strip(), m.group(3).strip()


def _block_scalar(header: str, lines, i, parent_indent):
    style, chomp = header[0], header[1:]
    if chomp not in ("", "-", "+"):
        raise YamlSubsetError(f"unsupported block scalar header {header!r}")
    body = []
    content_indent = None
    while i < len(lines):
        ln = lines[i]
        if ln.strip():
            ind = _indent(ln)
            if ind <= parent_indent:
                break
            if content_indent is None:
                content_indent = ind
            if ind < content_indent:
                raise YamlSubsetError("block scalar line less indented than its first line")
            body.append(ln[content_indent:])
        else:
            body.append("")
        i += 1
    while body and body[-1] == "" and chomp != "+":
        body.pop()
    if style == "|":
        text = "\n".join(body)
    else:
        if any(b.startswith((" ", "\t")) for b in body):
            raise YamlSubsetError("more-indented lines in folded scalar")
        text, prev_blank = "", True
        for b in body:
            if b == "":
                text += "\n"
                prev_blank = True
            else:
                text += ("" if prev_blank else " ") + b
                prev_blank = False
    if chomp == "-":
        return text, i
    return text + "\n", i


def _node(lines, i, indent):
    i = _skip(lines, i)
    if i >= len(lines):
        return None, i
    ln = lines[i]
    if _indent(ln) != indent:
        raise YamlSubsetError(f"line {i + 1}: unexpected indentation")
    s = ln.strip()
    if s == "-" or s.startswith("- "):
        return _seq(lines, i, indent)
    return _map(lines, i, indent)


def _value_after_key(rest, lines, i, indent, allow_same_indent_seq):
    if rest == "":
        j = _skip(lines, i)
        if j < len(lines):
            ind = _indent(lines[j])
            if ind > indent:
                return _node(lines, j, ind)
            s = lines[j].strip()
            if allow_same_indent_seq and ind == indent and (s == "-" or s.startswith("- ")):
                return _seq(lines, j, indent)
        return None, i
    if rest[0] in "|>":
        return _block_scalar(rest, lines, i, indent)
    v, i2 = _scalar_or_flow(rest, lines, i)
    j = _skip(lines, i2)
    if j < len(lines) and _indent(lines[j]) > indent and rest[0] not in "[{":
        raise YamlSubsetError(f"line {j + 1}: multi-line plain scalar is not supported")
    return v, i2


def _map(lines, i, indent):
    out = {}
    while True:
        i = _skip(lines, i)
        if i >= len(lines) or _indent(lines[i]) < indent:
            return out, i
        if _indent(lines[i]) > indent:
            raise YamlSubsetError(f"line {i + 1}: unexpected indentation")
        s = lines[i].strip()
        if s.startswith("- "):
            return out, i
        kv = _split_key(s)
        if kv is None:
            raise YamlSubsetError(f"line {i + 1}: not a mapping entry: {s!r}")
        k, rest = kv
        if k in out:
            raise YamlSubsetError(f"line {i + 1}: duplicate key {k!r}")
        out[k], i = _value_after_key(rest, lines, i + 1, indent, True)


def _seq(lines, i, indent):
    out = []
    while True:
        i = _skip(lines, i)
        if i >= len(lines) or _indent(lines[i]) != indent:
            return out, i
        s = lines[i].strip()
        if not (s == "-" or s.startswith("- ")):
            return out, i
        content = s[2:].strip() if s != "-" else ""
        if content == "":
            v, i = _value_after_key("", lines, i + 1, indent, False)
        elif content[0] not in "[{'\"" and _split_key(content) is not None:
            lines = list(lines)
            lines[i] = " " * (indent + 2) + content
            v, i = _map(lines, i, indent + 2)
        else:
            v, i = _value_after_key(content, lines, i + 1, indent, False)
        out.append(v)


def parse_yaml_subset(text: str):
    if "\t" in text:
        raise YamlSubsetError("tabs are not supported")
    lines = [_strip_comment(ln) for ln in text.split("\n")]
    for ln in lines:
        if ln.startswith(("---", "...", "%")):
            raise YamlSubsetError("documents markers / directives are not supported")
    v, i = _node(lines, 0, 0)
    if _skip(lines, i) != len(lines):
        raise YamlSubsetError(f"line {i + 1}: trailing content")
    return v


def load_spec(path: Path, force_pyyaml: bool):
    text = path.read_text(encoding="utf-8")
    if not force_pyyaml:
        try:
            return parse_yaml_subset(text), "built-in YAML subset parser"
        except (YamlSubsetError, IndexError) as e:
            print(f"note: built-in YAML parser gave up ({e}); using PyYAML", file=sys.stderr)
    try:
        import yaml  # type: ignore
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "pyyaml"])
        import yaml  # type: ignore
    return yaml.safe_load(text), "PyYAML"


# --------------------------------------------------------------------------------------
# SDK packages
# --------------------------------------------------------------------------------------
def fetch_sdk(cache: Path) -> Path:
    cache.mkdir(parents=True, exist_ok=True)
    for name, version in PINNED.items():
        stem = name.lstrip("@").replace("/", "-") + "-" + version
        dest = cache / stem
        if (dest / "package" / "build" / "cjs" / "meta.d.ts").exists():
            continue
        tgz = cache / f"{stem}.tgz"
        if not tgz.exists():
            print(f"npm pack {name}@{version} ...", file=sys.stderr)
            subprocess.check_call(["npm", "pack", f"{name}@{version}", "--silent"], cwd=cache,
                                  stdout=subprocess.DEVNULL)
        dest.mkdir(exist_ok=True)
        with tarfile.open(tgz) as tf:
            if sys.version_info >= (3, 11, 4):
                tf.extractall(dest, filter="data")
            else:
                tf.extractall(dest)
    return cache


def find_packages(sdk_dir: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for meta in sorted(sdk_dir.rglob("meta.d.ts")):
        if meta.parent.name != "cjs" or meta.parent.parent.name != "build":
            continue
        pkg_json = meta.parent.parent.parent / "package.json"
        if not pkg_json.exists():
            continue
        info = json.loads(pkg_json.read_text())
        name = info.get("name")
        if name in PINNED and name not in found:
            if info.get("version") != PINNED[name]:
                print(f"warning: {name} is {info.get('version')}, pinned {PINNED[name]}", file=sys.stderr)
            found[name] = meta.parent
    return found


@dataclass
class Field:
    name: str
    type_text: str
    optional: bool
    tags: dict = field(default_factory=dict)


@dataclass
class Iface:
    name: str
    fields: list
    extends: list
    is_oneof: bool


@dataclass
class Pkg:
    name: str
    ifaces: dict
    enums: dict
    aliases: dict
    methods: list  # (method, http, path, request, response, pathParams)
    required_fields: dict  # method -> [paths]
    permissions: dict  # method -> permission id
    app_errors: dict  # method (PascalCase) -> [codes]
    events: list  # dicts: eventType, slug, permission, payload


_DOC = re.compile(r"/\*\*(.*?)\*/", re.S)


def _tags(doc: str) -> dict:
    tags: dict = {}
    for m in re.finditer(r"@(\w+)[ \t]*([^\n]*)", doc):
        tags.setdefault(m.group(1), m.group(2).strip().rstrip("*/").strip())
    return tags


def parse_meta(pkg_name: str, cjs: Path) -> Pkg:
    src = (cjs / "meta.d.ts").read_text()
    ifaces, enums, aliases = {}, {}, {}
    pos = 0
    decl = re.compile(r"(/\*\*(?:(?!\*/).)*\*/\s*)?(interface|declare enum|type)\s+(\w+)", re.S)
    while True:
        m = decl.search(src, pos)
        if not m:
            break
        doc, kind, name = m.group(1) or "", m.group(2), m.group(3)
        if kind == "type":
            end = src.index(";\n", m.end())
            rhs = src[m.end():end]
            am = re.match(r"\s*=\s*(\w+)\s*\|", rhs)
            if name.endswith("WithLiterals") and am:
                aliases[name] = am.group(1)
            pos = end
            continue
        open_b = src.index("{", m.end())
        header = src[m.end():open_b]
        close_b = src.index("\n}", open_b)
        body = src[open_b + 1:close_b]
        pos = close_b + 2
        if kind == "declare enum":
            enums[name] = re.findall(r"^\s*(\w+)\s*=\s*\"([^\"]*)\"", body, re.M)
            continue
        ext = re.findall(r"\w+", header.replace("extends", ""))
        fields = []
        for fm in re.finditer(r"(/\*\*(?:(?!\*/).)*\*/\s*)?^\s*(\w+)(\??):\s*([^;\n]+);", body, re.S | re.M):
            fields.append(Field(fm.group(2), fm.group(4).strip(), fm.group(3) == "?", _tags(fm.group(1) or "")))
        ifaces[name] = Iface(name, fields, ext, "@oneof" in doc)
    methods = []
    for mm in re.finditer(r"declare function (\w+)\(\): __PublicMethodMetaInfo<'(\w+)',\s*(\{.*?\}),\s*\w+\$1,\s*(\w+),\s*\w+\$1,\s*(\w+)>;",
                          src, re.S):
        methods.append([mm.group(1), mm.group(2), None, mm.group(4), mm.group(5), re.findall(r"(\w+):", mm.group(3))])
    js = (cjs / "meta.js").read_text()
    for m in methods:
        jm = re.search(r"function " + m[0] + r"2\(\)\s*\{.*?httpMethod:\s*\"(\w+)\",\s*path:\s*\"([^\"]+)\"", js, re.S)
        if jm:
            if jm.group(1) != m[1]:
                raise SystemExit(f"{pkg_name}: meta.js/meta.d.ts disagree on HTTP method of {m[0]}")
            m[2] = jm.group(2)
    typings = (cjs / "index.typings.d.ts").read_text()
    required, perms, events = {}, {}, []
    for dm in re.finditer(r"/\*\*((?:(?!\*/).)*)\*/\s*declare function (\w+)\(([^\n]*)", typings, re.S):
        doc, fn, rest = dm.group(1), dm.group(2), dm.group(3)
        tags = _tags(doc)
        if "webhook" in tags:
            env = re.search(r"event:\s*(\w+)\)", rest)
            payload = None
            if env:
                em = re.search(r"interface " + env.group(1) + r"\s*\{\s*data:\s*(\w+);", typings)
                payload = em.group(1) if em else None
            events.append({"eventType": tags.get("eventType"), "slug": tags.get("slug"),
                           "permission": tags.get("permissionId"), "payload": payload, "fn": fn})
        else:
            required[fn] = re.findall(r"@requiredField\s+(\S+)", doc)
            if "permissionId" in tags:
                perms[fn] = tags["permissionId"]
    app_errors = {}
    for em in re.finditer(r"type (\w+)ApplicationErrors = (.*?)\n\};", src, re.S):
        app_errors[em.group(1)] = re.findall(r"code\?:\s*'([^']+)'", em.group(2))
    return Pkg(pkg_name, ifaces, enums, aliases, methods, required, perms, app_errors, events)


# --------------------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------------------
PRIMS = {"string", "number", "boolean", "Date"}


def parse_type(pkg: Pkg, text: str):
    """-> (base, is_array, nullable); base is a primitive name, 'map', or a type name."""
    parts = [p.strip() for p in text.split("|")]
    nullable = "null" in parts
    parts = [p for p in parts if p not in ("null", "undefined")]
    if len(parts) != 1:
        raise ValueError(f"unsupported union type {text!r}")
    t = parts[0]
    is_array = t.endswith("[]")
    t = t[:-2] if is_array else t
    if t.startswith("Record<"):
        return "map", is_array, nullable
    t = pkg.aliases.get(t, t)
    return t, is_array, nullable


class Checker:
    def __init__(self, spec: dict, pkgs: dict[str, Pkg]):
        self.spec = spec
        self.schemas = spec.get("components", {}).get("schemas", {}) or {}
        self.pkgs = pkgs
        self.missing: list[str] = []
        self.mismatch: list[str] = []
        self.seen: set = set()
        self.used_schemas: set = set()
        self.spec_only_fields: set = set()
        self.counts = {"types": 0, "fields": 0, "enum values": 0}
        self.ops = {}
        for path, item in (spec.get("paths") or {}).items():
            for http, op in item.items():
                if isinstance(op, dict) and "operationId" in op:
                    self.ops[op["operationId"]] = (path, http.upper(), op)

    # name mapping -------------------------------------------------------------------
    def spec_name(self, pkg: Pkg, name: str) -> str | None:
        if pkg.name != MESSAGES:
            renamed = [n for n, s in self.schemas.items() if isinstance(s, dict) and s.get("x-wix-type-name") == name]
            if len(renamed) == 1:
                return renamed[0]
        if name in self.schemas and not (pkg.name == MESSAGES and self.schemas[name].get("x-wix-type-name") not in (None, name)):
            return name
        return None

    def param_covered(self, tname: str):
        for op_id, (_, _, op) in self.ops.items():
            if op.get("x-wix-request-schema") == tname:
                return {p.get("name") for p in op.get("parameters", []) if isinstance(p, dict)}
        return None

    # walking ------------------------------------------------------------------------
    def visit(self, pkg: Pkg, tname: str, via: str):
        key = (pkg.name, tname)
        if key in self.seen:
            return
        self.seen.add(key)
        if tname in pkg.enums:
            self.check_enum(pkg, tname, via)
        elif tname in pkg.ifaces:
            self.check_iface(pkg, tname, via)
        else:
            self.missing.append(f"[{pkg.name}] type {tname} (via {via}) not declared in meta.d.ts")

    def check_enum(self, pkg, tname, via):
        self.counts["types"] += 1
        sname = self.spec_name(pkg, tname)
        values = [v for _, v in pkg.enums[tname]]
        self.counts["enum values"] += len(values)
        if sname is None:
            self.missing.append(f"enum {tname} (via {via}) is not a schema; values {values}")
            return
        self.used_schemas.add(sname)
        spec_vals = self.schemas[sname].get("enum") or []
        for v in values:
            if v not in spec_vals:
                self.missing.append(f"enum value {tname}.{v}")
        if [v for v in spec_vals if v in values] != values:
            self.mismatch.append(f"enum {tname}: values not in declared order {values}")

    def check_iface(self, pkg, tname, via):
        iface = pkg.ifaces[tname]
        self.counts["types"] += 1
        sname = self.spec_name(pkg, tname)
        schema = self.schemas.get(sname) if sname else None
        params = None
        if schema is None:
            params = self.param_covered(tname)
            if params is None:
                self.missing.append(f"type {tname} (via {via}) is not a schema"
                                    + (" (conversations package; needs x-wix-type-name)" if pkg.name == CONVERSATIONS else ""))
                for f in iface.fields:
                    self.missing.append(f"field {tname}.{f.name}")
                    self.walk_field(pkg, tname, f)
                return
        else:
            self.used_schemas.add(sname)
        props = (schema or {}).get("properties") or {}
        required = set((schema or {}).get("required") or [])
        label = tname if sname in (None, tname) else f"{tname} (spec {sname})"
        sdk_names = {f.name for f in iface.fields}
        self.spec_only_fields.update(f"{sname}.{p}" for p in props if p not in sdk_names)
        for f in iface.fields:
            self.counts["fields"] += 1
            if schema is None:
                if f.name not in params and not any(p.startswith(f.name + ".") for p in params):
                    self.missing.append(f"field {label}.{f.name} (no schema property or query/path parameter)")
            elif f.name not in props:
                self.missing.append(f"field {label}.{f.name}")
            else:
                self.compare_field(pkg, label, f, props[f.name])
                if not f.optional and f.name not in required:
                    self.mismatch.append(f"{label}.{f.name}: non-optional in SDK but not in required")
            self.walk_field(pkg, tname, f)
        # one-of groups
        if schema is not None:
            groups = {}
            for ext in iface.extends:
                oi = pkg.ifaces.get(ext)
                if oi and oi.is_oneof:
                    g = ext[len(tname):-len("OneOf")] if ext.startswith(tname) and ext.endswith("OneOf") else ext
                    groups[g[:1].lower() + g[1:]] = [f.name for f in oi.fields]
            spec_groups = schema.get("x-oneof") or {}
            for g, members in groups.items():
                if g not in spec_groups:
                    self.missing.append(f"{label}: x-oneof group {g}: {members}")
                elif list(spec_groups[g]) != members:
                    self.mismatch.append(f"{label}: x-oneof {g} is {spec_groups[g]}, SDK {members}")
                for mname in members:
                    if mname in required:
                        self.mismatch.append(f"{label}: one-of member {mname} listed in required")
            for g in spec_groups:
                if g not in groups:
                    self.mismatch.append(f"{label}: x-oneof group {g} has no SDK one-of")

    def walk_field(self, pkg, tname, f):
        try:
            base, _, _ = parse_type(pkg, f.type_text)
        except ValueError as e:
            self.mismatch.append(f"{tname}.{f.name}: {e}")
            return
        if base not in PRIMS and base != "map":
            self.visit(pkg, base, f"{tname}.{f.name}")

    def resolve(self, node):
        if isinstance(node, dict) and "$ref" in node:
            return node["$ref"].rsplit("/", 1)[-1]
        # A reference with its own description/readOnly/deprecated is wrapped in a one-member allOf.
        if isinstance(node, dict) and isinstance(node.get("allOf"), list) and len(node["allOf"]) == 1:
            return self.resolve(node["allOf"][0])
        return None

    def compare_field(self, pkg, label, f, prop):
        where = f"{label}.{f.name}"
        base, is_array, nullable = parse_type(pkg, f.type_text)
        tags = f.tags
        target = prop
        if is_array:
            if prop.get("type") != "array":
                self.mismatch.append(f"{where}: SDK array, spec type {prop.get('type')!r}")
                return
            target = prop.get("items") or {}
        if base in PRIMS or base == "map":
            if prop.get("x-json-string") and base == "string":
                pass
            want = {"string": ("string",), "number": ("integer", "number"), "boolean": ("boolean",),
                    "Date": ("string",), "map": ("object",)}[base]
            if target.get("type") not in want:
                self.mismatch.append(f"{where}: SDK {base}, spec type {target.get('type')!r}")
            if base == "Date" and target.get("format") != "date-time":
                self.mismatch.append(f"{where}: timestamp without format date-time")
        else:
            want = self.spec_name(pkg, base)
            got = self.resolve(target) or prop.get("x-json-string")
            if got != want:
                self.mismatch.append(f"{where}: SDK type {base} (spec {want}), spec refers to {got!r}")
        # nullability
        if bool(prop.get("nullable")) != nullable:
            self.mismatch.append(f"{where}: SDK {'T | null' if nullable else 'not nullable'}, spec nullable={prop.get('nullable', False)}")
        # JSDoc tags
        fmt = tags.get("format")
        if fmt == "GUID" and target.get("format") != "uuid":
            self.mismatch.append(f"{where}: @format GUID but spec format {target.get('format')!r}")
        if fmt == "WEB_URL" and target.get("format") != "uri":
            self.mismatch.append(f"{where}: @format WEB_URL but spec format {target.get('format')!r}")
        if fmt and fmt not in ("GUID", "WEB_URL"):
            self.mismatch.append(f"{where}: unhandled @format {fmt}")
        if "readonly" in tags and not prop.get("readOnly"):
            self.mismatch.append(f"{where}: @readonly but not readOnly")
        for tag, key, node in (("maxLength", "maxLength", target), ("minLength", "minLength", target),
                               ("maxSize", "maxItems", prop), ("minSize", "minItems", prop),
                               ("max", "maximum", target), ("min", "minimum", target)):
            if tag in tags:
                try:
                    want_n = int(tags[tag])
                except ValueError:
                    want_n = tags[tag]
                if node.get(key) != want_n:
                    self.mismatch.append(f"{where}: @{tag} {tags[tag]} but spec {key}={node.get(key)!r}")
        if "deprecated" in tags and not prop.get("deprecated"):
            self.mismatch.append(f"{where}: @deprecated but not deprecated")
        if "targetRemovalDate" in tags and str(prop.get("x-target-removal-date")) != tags["targetRemovalDate"]:
            self.mismatch.append(f"{where}: @targetRemovalDate {tags['targetRemovalDate']} but x-target-removal-date={prop.get('x-target-removal-date')!r}")
        if "replacedBy" in tags:
            norm = lambda s: str(s).replace("_", "").lower()
            if norm(prop.get("x-replaced-by")) != norm(tags["replacedBy"]):
                self.mismatch.append(f"{where}: @replacedBy {tags['replacedBy']} but x-replaced-by={prop.get('x-replaced-by')!r}")

    # operations and events ----------------------------------------------------------
    def check_methods(self, pkg: Pkg):
        for fn, http, path, req, resp, path_params in pkg.methods:
            self.visit(pkg, req, f"{fn} request")
            self.visit(pkg, resp, f"{fn} response")
            if fn not in self.ops:
                self.missing.append(f"operation {fn} ({http} {PUBLIC_PREFIX}{path})")
                continue
            spath, shttp, op = self.ops[fn]
            if path is None:
                self.mismatch.append(f"{fn}: path not found in meta.js")
            elif (shttp, spath) != (http, PUBLIC_PREFIX + path):
                self.mismatch.append(f"{fn}: spec {shttp} {spath}, SDK {http} {PUBLIC_PREFIX}{path}")
            if op.get("x-wix-request-schema") != req:
                self.mismatch.append(f"{fn}: x-wix-request-schema {op.get('x-wix-request-schema')!r}, SDK {req}")
            ok = (((op.get("responses") or {}).get("200") or {}).get("content") or {}).get("application/json") or {}
            if self.resolve(ok.get("schema")) != self.spec_name(pkg, resp):
                self.mismatch.append(f"{fn}: 200 schema {ok.get('schema')}, SDK {resp}")
            spec_params = {p.get("name"): p for p in op.get("parameters", []) if isinstance(p, dict)}
            for pp in path_params:
                if (spec_params.get(pp) or {}).get("in") != "path":
                    self.missing.append(f"{fn}: path parameter {pp}")
            perm = pkg.permissions.get(fn)
            if perm and op.get("x-wix-permission") != perm:
                self.mismatch.append(f"{fn}: x-wix-permission {op.get('x-wix-permission')!r}, SDK {perm}")
            pascal = fn[0].upper() + fn[1:]
            codes = pkg.app_errors.get(pascal, [])
            spec_codes = [e.get("code") for e in op.get("x-wix-application-errors") or []]
            if "x-wix-application-errors" not in op:
                self.missing.append(f"{fn}: x-wix-application-errors")
            elif spec_codes != codes:
                self.mismatch.append(f"{fn}: x-wix-application-errors {spec_codes}, SDK {codes}")
            for rf in pkg.required_fields.get(fn, []):
                self.check_required_path(pkg, fn, req, rf)

    def check_required_path(self, pkg, fn, req, dotted):
        sname = self.spec_name(pkg, req)
        parts = dotted.split(".")
        if sname is None:
            params = self.param_covered(req) or set()
            pmap = {p.get("name"): p for p in self.ops[fn][2].get("parameters", [])}
            if not (pmap.get(dotted) or {}).get("required"):
                self.mismatch.append(f"{fn}: @requiredField {dotted} is not a required parameter")
            return
        schema = self.schemas[sname]
        for n, part in enumerate(parts):
            if part not in (schema.get("required") or []):
                self.mismatch.append(f"{fn}: @requiredField {dotted}: {part} not in required of {sname}")
                return
            if n + 1 < len(parts):
                sname = self.resolve((schema.get("properties") or {}).get(part))
                schema = self.schemas.get(sname) or {}

    def check_events(self, pkg: Pkg):
        xe = self.spec.get("x-wix-events") or {}
        entries = {e.get("eventType"): e for e in xe.get("events") or []}
        for ev in pkg.events:
            if ev["payload"]:
                self.visit(pkg, ev["payload"], f"event {ev['eventType']}")
            e = entries.get(ev["eventType"])
            if e is None:
                self.missing.append(f"x-wix-events entry for {ev['eventType']}")
                continue
            for k in ("slug", "permission"):
                if e.get(k) != ev[k]:
                    self.mismatch.append(f"x-wix-events {ev['eventType']}: {k} {e.get(k)!r}, SDK {ev[k]!r}")
            want = f"#/components/schemas/{self.spec_name(pkg, ev['payload'])}"
            if e.get("payload") != want:
                self.mismatch.append(f"x-wix-events {ev['eventType']}: payload {e.get('payload')!r}, SDK {want}")
        for k, want in (("envelope", "MessageEnvelope"), ("domainEvent", "DomainEvent"),
                        ("identity", "WebhooksIdentificationData")):
            if xe.get(k) != f"#/components/schemas/{want}":
                self.mismatch.append(f"x-wix-events.{k} is {xe.get(k)!r}, expected the SDK's {want}")

    def run(self):
        for pkg in self.pkgs.values():
            self.check_methods(pkg)
            self.check_events(pkg)
            for root in EXTRA_ROOTS.get(pkg.name, []):
                self.visit(pkg, root, "extra root")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sdk-dir", type=Path, help="directory holding the two unpacked npm packages")
    ap.add_argument("--spec", type=Path, default=REPO_ROOT / "spec" / "inbox-v2.yaml")
    ap.add_argument("--pyyaml", action="store_true", help="parse the spec with PyYAML instead of the built-in parser")
    args = ap.parse_args(argv)

    sdk_dir = args.sdk_dir or fetch_sdk(REPO_ROOT / ".cache" / "sdk")
    found = find_packages(sdk_dir)
    absent = [n for n in PINNED if n not in found]
    if absent:
        print(f"error: package(s) {absent} not found under {sdk_dir}", file=sys.stderr)
        return 2
    pkgs = {n: parse_meta(n, found[n]) for n in PINNED}
    spec, how = load_spec(args.spec, args.pyyaml)

    c = Checker(spec, pkgs)
    c.run()
    spec_only = sorted(set(c.schemas) - c.used_schemas)
    print(f"spec: {args.spec} (read with {how})")
    for n, p in pkgs.items():
        print(f"sdk:  {n} {found[n]}  ({len(p.ifaces)} interfaces, {len(p.enums)} enums, "
              f"{len(p.methods)} public methods, {len(p.events)} webhook events)")
    print(f"checked {c.counts['types']} SDK types, {c.counts['fields']} fields, {c.counts['enum values']} enum values "
          f"(both packages; shared types counted per package)")
    print(f"spec schemas with no SDK counterpart: {', '.join(spec_only) or 'none'}")
    print(f"spec-only fields (not in the SDK types, not checked): {', '.join(sorted(c.spec_only_fields)) or 'none'}")
    if c.missing or c.mismatch:
        if c.missing:
            print(f"\nMISSING ({len(c.missing)}):")
            for m in c.missing:
                print("  - " + m)
        if c.mismatch:
            print(f"\nMISMATCH ({len(c.mismatch)}):")
            for m in c.mismatch:
                print("  - " + m)
        print("\nFAILED")
        return 1
    print("OK: every reachable SDK type, field and enum value is in the spec")
    return 0


if __name__ == "__main__":
    sys.exit(main())
