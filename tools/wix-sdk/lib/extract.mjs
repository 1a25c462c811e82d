// `extract`: reads unpacked Wix SDK npm packages statically (TypeScript parser only, no package
// code is ever loaded or executed) and describes their operations, wire types and events.

import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ToolError, errorAt } from './errors.mjs';

/** The two build layouts of a Wix SDK package; the CommonJS one is preferred. */
const LAYOUTS = [
  { dir: 'build/cjs', metaDts: 'meta.d.ts', metaJs: 'meta.js', typings: 'index.typings.d.ts' },
  { dir: 'build/es', metaDts: 'meta.d.mts', metaJs: 'meta.mjs', typings: 'index.typings.d.mts' },
];

/** Host whose path mapping gives the public REST path of an operation. */
const PUBLIC_HOST = 'www.wixapis.com';

/** Tags whose value is a number when written as one. */
const NUMERIC = /^-?\d+(\.\d+)?$/;

/**
 * One parsed source file: the TypeScript tree plus the names used in messages and `source`.
 */
class Source {
  constructor(pkgDir, rel, kind) {
    this.rel = rel;
    this.file = path.join(pkgDir, rel);
    let text;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (e) {
      throw errorAt(this.file, 0, 0, `cannot read file (${e.code || e.message})`);
    }
    this.sf = ts.createSourceFile(this.file, text, ts.ScriptTarget.Latest, true, kind);
    const diags = this.sf.parseDiagnostics || [];
    if (diags.length > 0) {
      const d = diags[0];
      const { line, character } = this.sf.getLineAndCharacterOfPosition(d.start ?? 0);
      throw errorAt(this.file, line + 1, character + 1,
        `TypeScript syntax error: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    }
  }

  /** `rel:line:col` of the start of `node` (its JSDoc excluded), for the `source` fields. */
  loc(node) {
    const { line, character } = this.sf.getLineAndCharacterOfPosition(node.getStart(this.sf));
    return `${this.rel}:${line + 1}:${character + 1}`;
  }

  /** An error naming this file and the position of `node`. */
  err(node, what) {
    const { line, character } = this.sf.getLineAndCharacterOfPosition(node.getStart(this.sf));
    return errorAt(this.file, line + 1, character + 1, what);
  }

  text(node) {
    return node.getText(this.sf);
  }
}

/** The JSDoc block closest to `node` (the last one), or null. */
function jsDocOf(node) {
  const docs = node.jsDoc;
  return docs && docs.length ? docs[docs.length - 1] : null;
}

/** JSDoc text of `node` without its tags; "" when there is none. */
function descriptionOf(node) {
  const doc = jsDocOf(node);
  if (!doc) return '';
  return (ts.getTextOfJSDocComment(doc.comment) ?? '').trim();
}

/** The tags of `node`'s JSDoc as [name, text-or-null] pairs in order. */
function tagsOf(node) {
  const doc = jsDocOf(node);
  if (!doc || !doc.tags) return [];
  return doc.tags.map((t) => {
    let text = ts.getTextOfJSDocComment(t.comment) ?? '';
    // `@param name - text`: keep the name so that the text is complete.
    if (t.name && ts.isIdentifier(t.name)) text = `${t.name.text} ${text}`;
    text = text.trim();
    return [t.tagName.text, text === '' ? null : text];
  });
}

function tagValue(tags, name) {
  const hit = tags.find(([n]) => n === name);
  return hit ? hit[1] : undefined;
}

/** Field tags as the contract spells them: true when bare, numbers as numbers, else the text. */
function fieldTags(node) {
  const out = {};
  for (const [name, text] of tagsOf(node)) {
    if (text === null) out[name] = true;
    else if (NUMERIC.test(text)) out[name] = Number(text);
    else out[name] = text;
  }
  return out;
}

function propName(src, name) {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  throw src.err(name, `unsupported property name ${src.text(name)}`);
}

function lowerCamel(s) {
  return s.length ? s[0].toLowerCase() + s.slice(1) : s;
}

// ---------------------------------------------------------------------------------------------
// meta.d.ts: wire types

/** Collects the declarations of a .d.ts file by name. */
function declarationsOf(src) {
  const interfaces = new Map();
  const enums = new Map();
  const aliases = new Map();
  const functions = new Map();
  const order = [];
  for (const st of src.sf.statements) {
    if (ts.isInterfaceDeclaration(st)) {
      interfaces.set(st.name.text, st);
      order.push(st);
    } else if (ts.isEnumDeclaration(st)) {
      enums.set(st.name.text, st);
      order.push(st);
    } else if (ts.isTypeAliasDeclaration(st)) {
      aliases.set(st.name.text, st);
    } else if (ts.isFunctionDeclaration(st) && st.name) {
      if (!functions.has(st.name.text)) functions.set(st.name.text, st);
    }
  }
  return { interfaces, enums, aliases, functions, order };
}

/** Maps a field's type node to the contract's type description. */
function mapType(src, decls, node, allowNull) {
  const fail = () => { throw src.err(node, `cannot map type \`${src.text(node)}\``); };
  switch (node.kind) {
    case ts.SyntaxKind.ParenthesizedType:
      return mapType(src, decls, node.type, allowNull);
    case ts.SyntaxKind.UnionType: {
      const rest = node.types.filter((t) => !(ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword));
      const nullable = rest.length !== node.types.length;
      if (nullable && !allowNull) fail();
      if (rest.length !== 1) fail();
      return { type: mapType(src, decls, rest[0], false).type, nullable };
    }
    case ts.SyntaxKind.StringKeyword: return { type: { kind: 'string' }, nullable: false };
    case ts.SyntaxKind.NumberKeyword: return { type: { kind: 'number' }, nullable: false };
    case ts.SyntaxKind.BooleanKeyword: return { type: { kind: 'boolean' }, nullable: false };
    case ts.SyntaxKind.AnyKeyword:
    case ts.SyntaxKind.UnknownKeyword:
    case ts.SyntaxKind.ObjectKeyword:
      return { type: { kind: 'any' }, nullable: false };
    case ts.SyntaxKind.TypeLiteral:
      if (node.members.length === 0) return { type: { kind: 'any' }, nullable: false };
      return fail();
    case ts.SyntaxKind.ArrayType:
      return { type: { kind: 'array', items: mapType(src, decls, node.elementType, false).type }, nullable: false };
    case ts.SyntaxKind.TypeReference: {
      const name = ts.isIdentifier(node.typeName) ? node.typeName.text : null;
      if (name === null) return fail();
      const args = node.typeArguments || [];
      if (name === 'Date' && args.length === 0) return { type: { kind: 'date' }, nullable: false };
      if (name === 'Array' && args.length === 1) {
        return { type: { kind: 'array', items: mapType(src, decls, args[0], false).type }, nullable: false };
      }
      if (name === 'Record' && args.length === 2) {
        if (args[0].kind !== ts.SyntaxKind.StringKeyword) return fail();
        const values = mapType(src, decls, args[1], false).type;
        if (values.kind === 'any') return { type: { kind: 'any' }, nullable: false };
        return { type: { kind: 'map', values }, nullable: false };
      }
      if (args.length !== 0) return fail();
      if (decls.interfaces.has(name) || decls.enums.has(name)) {
        return { type: { kind: 'ref', name }, nullable: false };
      }
      if (name.endsWith('WithLiterals')) {
        const base = name.slice(0, -'WithLiterals'.length);
        if (decls.enums.has(base)) return { type: { kind: 'ref', name: base }, nullable: false };
      }
      throw src.err(node, `cannot map type \`${src.text(node)}\`: \`${name}\` is not an interface or enum declared in this file`);
    }
    default:
      return fail();
  }
}

/** Own fields of an interface, in declaration order. */
function ownFields(src, decls, iface) {
  const fields = [];
  for (const m of iface.members) {
    if (!ts.isPropertySignature(m) || !m.type) {
      throw src.err(m, `unsupported member \`${src.text(m)}\` in interface ${iface.name.text}`);
    }
    const { type, nullable } = mapType(src, decls, m.type, true);
    fields.push({
      name: propName(src, m.name),
      type,
      optional: Boolean(m.questionToken),
      nullable,
      description: descriptionOf(m),
      tags: fieldTags(m),
      source: src.loc(m),
    });
  }
  return fields;
}

/** Interfaces an interface extends, by name. */
function parentsOf(src, iface) {
  const names = [];
  for (const clause of iface.heritageClauses || []) {
    for (const t of clause.types) {
      if (!ts.isIdentifier(t.expression) || (t.typeArguments && t.typeArguments.length)) {
        throw src.err(t, `unsupported heritage \`${src.text(t)}\` of interface ${iface.name.text}`);
      }
      names.push({ name: t.expression.text, node: t });
    }
  }
  return names;
}

/** All fields of an interface: its own, then inherited ones not already present. */
function allFields(src, decls, iface, seen = new Set()) {
  seen.add(iface.name.text);
  const fields = ownFields(src, decls, iface);
  const names = new Set(fields.map((f) => f.name));
  for (const { name, node } of parentsOf(src, iface)) {
    const parent = decls.interfaces.get(name);
    if (!parent) throw src.err(node, `interface ${iface.name.text} extends ${name}, which is not declared in this file`);
    if (seen.has(name)) throw src.err(node, `interface ${name} extends itself`);
    for (const f of allFields(src, decls, parent, new Set(seen))) {
      if (!names.has(f.name)) {
        names.add(f.name);
        fields.push(f);
      }
    }
  }
  return fields;
}

function describeInterface(src, decls, pkgName, iface) {
  const name = iface.name.text;
  const oneofs = [];
  for (const { name: parent, node } of parentsOf(src, iface)) {
    if (!parent.endsWith('OneOf')) continue;
    const helper = decls.interfaces.get(parent);
    if (!helper) throw src.err(node, `interface ${name} extends ${parent}, which is not declared in this file`);
    let group = parent.slice(0, -'OneOf'.length);
    if (group.startsWith(name) && group.length > name.length) group = group.slice(name.length);
    oneofs.push({
      name: lowerCamel(group),
      members: ownFields(src, decls, helper).map((f) => f.name),
    });
  }
  return {
    name,
    package: pkgName,
    kind: 'object',
    description: descriptionOf(iface),
    source: src.loc(iface),
    fields: allFields(src, decls, iface),
    oneofs,
  };
}

function describeEnum(src, pkgName, en) {
  const values = en.members.map((m) => {
    let value;
    if (!m.initializer) value = propName(src, m.name);
    else if (ts.isStringLiteral(m.initializer)) value = m.initializer.text;
    else throw src.err(m, `unsupported enum initializer \`${src.text(m.initializer)}\``);
    return { value, description: descriptionOf(m) };
  });
  return {
    name: en.name.text,
    package: pkgName,
    kind: 'enum',
    description: descriptionOf(en),
    source: src.loc(en),
    values,
  };
}

// ---------------------------------------------------------------------------------------------
// meta.js: routes

/** Top-level function declarations of a JS file by name. */
function jsFunctions(src) {
  const out = new Map();
  for (const st of src.sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name) out.set(st.name.text, st);
  }
  return out;
}

/** Exported name -> local name, from esbuild's CJS `__export(x, {...})` or an ES `export {...}`. */
function jsExports(src) {
  const out = new Map();
  const visit = (node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === '__export'
        && node.arguments.length === 2 && ts.isObjectLiteralExpression(node.arguments[1])) {
      for (const p of node.arguments[1].properties) {
        if (ts.isPropertyAssignment(p) && ts.isArrowFunction(p.initializer) && ts.isIdentifier(p.initializer.body)) {
          out.set(propName(src, p.name), p.initializer.body.text);
        }
      }
      return;
    }
    if (ts.isExportDeclaration(node) && node.exportClause && ts.isNamedExports(node.exportClause)) {
      for (const el of node.exportClause.elements) {
        out.set(el.name.text, (el.propertyName || el.name).text);
      }
      return;
    }
    ts.forEachChild(node, visit);
  };
  for (const st of src.sf.statements) visit(st);
  return out;
}

/** First node under `root` (depth first) for which `pred` holds. */
function findNode(root, pred) {
  let hit = null;
  const visit = (n) => {
    if (hit) return;
    if (pred(n)) { hit = n; return; }
    ts.forEachChild(n, visit);
  };
  visit(root);
  return hit;
}

function objProp(src, obj, name) {
  for (const p of obj.properties) {
    if (ts.isPropertyAssignment(p) && propName(src, p.name) === name) return p;
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return p;
  }
  return null;
}

function stringProp(src, obj, name, ctx) {
  const p = objProp(src, obj, name);
  if (!p || !ts.isPropertyAssignment(p)) throw src.err(obj, `${ctx}: property \`${name}\` is missing`);
  const v = p.initializer;
  if (ts.isStringLiteral(v) || ts.isNoSubstitutionTemplateLiteral(v)) return v.text;
  throw src.err(v, `${ctx}: property \`${name}\` is not a string literal`);
}

/** The object literal a meta function returns, if it has an `httpMethod` property. */
function metaReturnObject(src, fn) {
  if (!fn.body) return null;
  for (const st of fn.body.statements) {
    if (ts.isReturnStatement(st) && st.expression && ts.isObjectLiteralExpression(st.expression)
        && objProp(src, st.expression, 'httpMethod')) {
      return st.expression;
    }
  }
  return null;
}

/** The `domainToMappings` object literal of a URL resolver function. */
function domainMappings(src, resolver) {
  const decl = findNode(resolver, (n) => ts.isVariableDeclaration(n) && ts.isIdentifier(n.name)
    && n.name.text === 'domainToMappings' && n.initializer && ts.isObjectLiteralExpression(n.initializer));
  if (!decl) throw src.err(resolver, `URL resolver ${resolver.name.text} has no \`domainToMappings\` object`);
  return decl.initializer;
}

/** Public path: the PUBLIC_HOST mapping whose destPath is the longest prefix of protoPath. */
function publicPath(src, resolver, protoPath) {
  const mappings = domainMappings(src, resolver);
  const hostProp = objProp(src, mappings, PUBLIC_HOST);
  if (!hostProp || !ts.isArrayLiteralExpression(hostProp.initializer)) {
    throw src.err(mappings, `URL resolver ${resolver.name.text} has no mapping for host ${PUBLIC_HOST}`);
  }
  let best = null;
  for (const el of hostProp.initializer.elements) {
    if (!ts.isObjectLiteralExpression(el)) throw src.err(el, `mapping for ${PUBLIC_HOST} is not an object literal`);
    const srcPath = stringProp(src, el, 'srcPath', `mapping for ${PUBLIC_HOST}`);
    const destPath = stringProp(src, el, 'destPath', `mapping for ${PUBLIC_HOST}`);
    const rest = protoPath.slice(destPath.length);
    const fits = protoPath.startsWith(destPath) && (destPath === '' || rest === '' || rest.startsWith('/') || destPath.endsWith('/'));
    if (fits && (!best || destPath.length > best.destPath.length)) best = { srcPath, destPath, rest };
  }
  if (!best) {
    throw src.err(hostProp, `no ${PUBLIC_HOST} mapping of ${resolver.name.text} covers protoPath ${protoPath}`);
  }
  let { srcPath, rest } = best;
  if (srcPath.endsWith('/') && rest.startsWith('/')) rest = rest.slice(1);
  else if (!srcPath.endsWith('/') && rest !== '' && !rest.startsWith('/')) rest = `/${rest}`;
  return srcPath + rest;
}

/** Reads the routes of meta.js: one entry per exported meta function, in declaration order. */
function readRoutes(src) {
  const fns = jsFunctions(src);
  const exported = jsExports(src);
  const routes = [];
  for (const [publicName, local] of exported) {
    const fn = fns.get(local);
    if (!fn) continue;
    const ret = metaReturnObject(src, fn);
    if (!ret) continue;
    const ctx = `meta function ${publicName}`;
    const httpMethod = stringProp(src, ret, 'httpMethod', ctx);
    // The request builder the meta function calls: a top-level function with a `methodFqn`.
    const call = findNode(fn.body, (n) => ts.isCallExpression(n) && ts.isIdentifier(n.expression)
      && fns.has(n.expression.text)
      && findNode(fns.get(n.expression.text), (m) => ts.isObjectLiteralExpression(m) && objProp(src, m, 'methodFqn')));
    if (!call) throw src.err(fn, `${ctx}: no call of a request builder (a function with \`methodFqn\`) found`);
    const builder = fns.get(call.expression.text);
    const md = findNode(builder, (m) => ts.isObjectLiteralExpression(m) && objProp(src, m, 'methodFqn'));
    const bctx = `request builder ${builder.name.text}`;
    const methodFqn = stringProp(src, md, 'methodFqn', bctx);
    const entityFqdn = stringProp(src, md, 'entityFqdn', bctx);
    const urlProp = objProp(src, md, 'url');
    if (!urlProp || !ts.isPropertyAssignment(urlProp) || !ts.isCallExpression(urlProp.initializer)
        || !ts.isIdentifier(urlProp.initializer.expression)
        || !urlProp.initializer.arguments.length || !ts.isObjectLiteralExpression(urlProp.initializer.arguments[0])) {
      throw src.err(md, `${bctx}: \`url\` is not a call of a URL resolver with an object argument`);
    }
    const protoPath = stringProp(src, urlProp.initializer.arguments[0], 'protoPath', bctx);
    const resolver = fns.get(urlProp.initializer.expression.text);
    if (!resolver) throw src.err(urlProp.initializer, `${bctx}: URL resolver ${urlProp.initializer.expression.text} is not a top-level function`);
    const publicUrl = publicPath(src, resolver, protoPath);
    const pathParams = [...publicUrl.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1]);
    routes.push({
      pos: fn.pos,
      name: publicName,
      methodFqn,
      entityFqdn,
      httpMethod,
      protoPath,
      path: publicUrl,
      pathParams,
      source: src.loc(objProp(src, ret, 'httpMethod')),
    });
  }
  routes.sort((a, b) => a.pos - b.pos);
  return routes;
}

// ---------------------------------------------------------------------------------------------
// index.typings.d.ts: permissions, required fields, errors, events

function applicationErrors(src, alias) {
  if (!alias) return [];
  const members = ts.isUnionTypeNode(alias.type) ? alias.type.types : [alias.type];
  return members.map((m) => {
    if (!ts.isTypeLiteralNode(m)) throw src.err(m, `${alias.name.text}: member is not an object type`);
    const lit = (name) => {
      const p = m.members.find((x) => ts.isPropertySignature(x) && propName(src, x.name) === name);
      if (!p) return { prop: null, value: null };
      const t = p.type;
      const value = t && ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal) ? t.literal.text : null;
      return { prop: p, value };
    };
    const code = lit('code');
    if (code.value === null) throw src.err(m, `${alias.name.text}: member has no string literal \`code\``);
    const desc = lit('description');
    let description = desc.value;
    if (description === null) description = descriptionOf(m) || (desc.prop ? descriptionOf(desc.prop) : '');
    return { code: code.value, description };
  });
}

function pascal(s) {
  return s.length ? s[0].toUpperCase() + s.slice(1) : s;
}

function describeEvent(src, decls, pkgName, fn) {
  const tags = tagsOf(fn);
  const name = fn.name.text;
  const eventType = tagValue(tags, 'eventType');
  const slug = tagValue(tags, 'slug');
  if (!eventType) throw src.err(fn, `@webhook function ${name} has no @eventType`);
  if (!slug) throw src.err(fn, `@webhook function ${name} has no @slug`);
  const handler = fn.parameters[0];
  const fnType = handler && handler.type;
  const event = fnType && ts.isFunctionTypeNode(fnType) ? fnType.parameters[0] : null;
  if (!event || !event.type || !ts.isTypeReferenceNode(event.type) || !ts.isIdentifier(event.type.typeName)) {
    throw src.err(fn, `@webhook function ${name}: first parameter is not a handler \`(event: Envelope) => ...\``);
  }
  const envName = event.type.typeName.text;
  const envelope = decls.interfaces.get(envName);
  if (!envelope) throw src.err(event.type, `event envelope ${envName} is not declared in this file`);
  const typeOf = (field) => {
    const p = envelope.members.find((m) => ts.isPropertySignature(m) && propName(src, m.name) === field);
    if (!p) return null;
    if (!p.type || !ts.isTypeReferenceNode(p.type) || !ts.isIdentifier(p.type.typeName)) {
      throw src.err(p, `envelope ${envName}: \`${field}\` is not a named type`);
    }
    return p.type.typeName.text;
  };
  const payloadType = typeOf('data') ?? typeOf('entity');
  const suffix = `_${slug}`;
  const entityFqdn = eventType.endsWith(suffix) && eventType.length > suffix.length
    ? eventType.slice(0, -suffix.length) : null;
  return {
    name,
    package: pkgName,
    eventType,
    slug,
    payloadType,
    entityFqdn,
    permission: tagValue(tags, 'permissionId') ?? null,
    description: descriptionOf(fn),
    source: src.loc(fn),
  };
}

// ---------------------------------------------------------------------------------------------

function readPackageJson(dir) {
  const file = path.join(dir, 'package.json');
  let pj;
  try {
    pj = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw errorAt(file, 0, 0, e.code ? `cannot read file (${e.code})` : `invalid JSON (${e.message})`);
  }
  if (typeof pj.name !== 'string' || typeof pj.version !== 'string') {
    throw errorAt(file, 0, 0, '`name` and `version` must be strings');
  }
  return pj;
}

function pickLayout(dir) {
  for (const l of LAYOUTS) {
    if (fs.existsSync(path.join(dir, l.dir, l.metaDts)) || fs.existsSync(path.join(dir, l.dir, l.metaJs))) return l;
  }
  return LAYOUTS[0];
}

/** Extracts one package; returns {package, operations, types, events}. */
export function extractPackage(dir) {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw errorAt(dir, 0, 0, 'not a directory');
  const pj = readPackageJson(dir);
  const layout = pickLayout(dir);
  const metaDts = new Source(dir, `${layout.dir}/${layout.metaDts}`, ts.ScriptKind.TS);
  const metaJs = new Source(dir, `${layout.dir}/${layout.metaJs}`, ts.ScriptKind.JS);
  const typings = new Source(dir, `${layout.dir}/${layout.typings}`, ts.ScriptKind.TS);
  const pkgName = pj.name;

  const decls = declarationsOf(metaDts);
  const types = [];
  for (const node of decls.order) {
    if (ts.isInterfaceDeclaration(node)) {
      if (node.name.text.endsWith('OneOf')) continue;
      types.push(describeInterface(metaDts, decls, pkgName, node));
    } else {
      types.push(describeEnum(metaDts, pkgName, node));
    }
  }

  const tdecls = declarationsOf(typings);
  const routes = readRoutes(metaJs);
  const operations = routes.map((r) => {
    const metaFn = decls.functions.get(r.name);
    if (!metaFn) throw errorAt(metaDts.file, 0, 0, `operation ${r.name} (${metaJs.rel}) has no \`declare function ${r.name}\``);
    const ret = metaFn.type;
    if (!ret || !ts.isTypeReferenceNode(ret) || !ret.typeArguments || ret.typeArguments.length < 6) {
      throw metaDts.err(metaFn, `${r.name}: return type is not __PublicMethodMetaInfo<K, M, T, S, Q, R>`);
    }
    const typeName = (arg, what) => {
      if (!ts.isTypeReferenceNode(arg) || !ts.isIdentifier(arg.typeName)) {
        throw metaDts.err(arg, `${r.name}: ${what} type \`${metaDts.text(arg)}\` is not a type name`);
      }
      const n = arg.typeName.text;
      if (!decls.interfaces.has(n)) throw metaDts.err(arg, `${r.name}: ${what} type ${n} is not declared in this file`);
      return n;
    };
    const requestType = typeName(ret.typeArguments[3], 'request');
    const responseType = typeName(ret.typeArguments[5], 'response');
    const pub = tdecls.functions.get(r.name);
    const tags = pub ? tagsOf(pub) : [];
    const errorsAlias = tdecls.aliases.get(`${pascal(r.name)}ApplicationErrors`);
    return {
      name: r.name,
      package: pkgName,
      methodFqn: r.methodFqn,
      entityFqdn: r.entityFqdn,
      httpMethod: r.httpMethod,
      protoPath: r.protoPath,
      path: r.path,
      pathParams: r.pathParams,
      requestType,
      responseType,
      permission: tagValue(tags, 'permissionId') ?? null,
      requiredFields: tags.filter(([n, v]) => n === 'requiredField' && v !== null).map(([, v]) => v),
      applicationErrors: errorsAlias ? applicationErrors(typings, errorsAlias) : [],
      description: pub ? descriptionOf(pub) : '',
      source: r.source,
    };
  });

  if (operations.length === 0 && types.length === 0) {
    throw errorAt(metaDts.file, 0, 0, `package ${pkgName}: no operations (${metaJs.rel}) and no types (${metaDts.rel}); not a Wix SDK package?`);
  }

  const events = [];
  for (const st of typings.sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name && tagsOf(st).some(([n]) => n === 'webhook')) {
      events.push(describeEvent(typings, tdecls, pkgName, st));
    }
  }

  return { package: { name: pkgName, version: pj.version }, operations, types, events };
}

/** `extract` over several packages, merged in the order given. */
export function extract(dirs) {
  if (dirs.length === 0) throw new ToolError('extract: at least one --package DIR is required');
  const out = { packages: [], operations: [], types: [], events: [] };
  for (const dir of dirs) {
    const p = extractPackage(dir);
    out.packages.push(p.package);
    out.operations.push(...p.operations);
    out.types.push(...p.types);
    out.events.push(...p.events);
  }
  return out;
}
