// `extract` on the pinned Wix SDK packages and on damaged or empty packages.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PACKAGES, packageDir, runCli, copyPackage, tempDir } from './helpers.mjs';

let dirs;
let out;
let raw;

before(() => {
  dirs = Object.fromEntries(Object.entries(PACKAGES).map(([k, [n, v]]) => [k, packageDir(n, v)]));
  const r = runCli(['extract', '--package', dirs.messages, '--package', dirs.conversations, '--package', dirs.notes]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  raw = r.stdout;
  out = JSON.parse(raw);
});

const op = (name) => out.operations.find((o) => o.name === name);
const type = (name, pkg) => out.types.find((t) => t.name === name && (!pkg || t.package === pkg));
const field = (t, name) => t.fields.find((f) => f.name === name);
const MSG = '@wix/auto_sdk_inbox_messages';
const NOTES = '@wix/auto_sdk_crm_notes';

test('top level keys, packages and operation order', () => {
  assert.deepEqual(Object.keys(out), ['packages', 'operations', 'types', 'events']);
  assert.deepEqual(out.packages, [
    { name: MSG, version: '1.0.41' },
    { name: '@wix/auto_sdk_inbox_conversations', version: '1.0.33' },
    { name: NOTES, version: '1.0.39' },
  ]);
  assert.deepEqual(out.operations.map((o) => o.name), [
    'listMessages', 'sendMessage', 'getConversation', 'getOrCreateConversation',
    'createNote', 'getNote', 'updateNote', 'deleteNote', 'queryNotes',
  ]);
});

test('sendMessage: route, types, permission, required fields, errors, description', () => {
  const o = op('sendMessage');
  assert.deepEqual(Object.keys(o), ['name', 'package', 'methodFqn', 'entityFqdn', 'httpMethod', 'protoPath', 'path',
    'pathParams', 'requestType', 'responseType', 'permission', 'requiredFields', 'applicationErrors', 'description', 'source']);
  assert.equal(o.package, MSG);
  assert.equal(o.methodFqn, 'com.wixpress.inbox.v2.MessagesService.SendMessage');
  assert.equal(o.entityFqdn, 'wix.crm.inbox.v2.message');
  assert.equal(o.httpMethod, 'POST');
  assert.equal(o.protoPath, '/v2/messages');
  assert.equal(o.path, '/inbox/v2/messages');
  assert.deepEqual(o.pathParams, []);
  assert.equal(o.requestType, 'SendMessageRequest');
  assert.equal(o.responseType, 'SendMessageResponse');
  assert.equal(o.permission, 'INBOX.SEND_MESSAGES');
  assert.deepEqual(o.requiredFields, ['conversationId', 'message', 'message.content']);
  assert.deepEqual(o.applicationErrors.map((e) => e.code), ['IDENTITY_DOES_NOT_MATCH', 'INBOX_INSTANCE_NOT_FOUND', 'INVALID_MEDIA_URL']);
  assert.ok(o.description.startsWith('Sends a message to the business or participant.'), o.description);
  assert.ok(!o.description.includes('@'), 'tags are removed from the description');
  // source points at the `httpMethod` of the meta function in meta.js
  const m = /^build\/cjs\/meta\.js:(\d+):(\d+)$/.exec(o.source);
  assert.ok(m, o.source);
  const line = fs.readFileSync(path.join(dirs.messages, 'build/cjs/meta.js'), 'utf8').split('\n')[Number(m[1]) - 1];
  assert.equal(line.slice(Number(m[2]) - 1), 'httpMethod: "POST",');
});

test('listMessages errors and getConversation path parameters', () => {
  assert.deepEqual(op('listMessages').applicationErrors.map((e) => e.code),
    ['NO_INBOX_INSTANCE', 'NOT_JOINED_CHATROOM', 'CONVERSATION_NOT_FOUND', 'INBOX_INSTANCE_NOT_FOUND']);
  assert.deepEqual(op('listMessages').applicationErrors[0], { code: 'NO_INBOX_INSTANCE', description: '' });
  const g = op('getConversation');
  assert.equal(g.httpMethod, 'GET');
  assert.equal(g.path, '/inbox/v2/conversations/{conversationId}');
  assert.deepEqual(g.pathParams, ['conversationId']);
  assert.equal(g.permission, 'INBOX.READ_CONVERSATIONS');
  assert.deepEqual(op('getOrCreateConversation').applicationErrors, []);
});

test('notes: public path from the www.wixapis.com mapping keeps template spelling', () => {
  const u = op('updateNote');
  assert.equal(u.httpMethod, 'PATCH');
  assert.equal(u.protoPath, '/v2/notes/{note.id}');
  assert.equal(u.path, '/crm/notes/v2/notes/{note.id}');
  assert.deepEqual(u.pathParams, ['note.id']);
  assert.equal(op('getNote').path, '/crm/notes/v2/notes/{noteId}');
  assert.deepEqual(op('getNote').pathParams, ['noteId']);
  assert.equal(op('queryNotes').path, '/crm/notes/v2/notes/query');
  assert.deepEqual(op('queryNotes').applicationErrors.map((e) => e.code), ['MISSING_CONTACT_ID']);
  assert.equal(op('deleteNote').permission, 'CRM_NOTES.NOTE_DELETE');
});

test('Message type: fields, types, optional/nullable, tags, sources', () => {
  const m = type('Message', MSG);
  assert.deepEqual(Object.keys(m), ['name', 'package', 'kind', 'description', 'source', 'fields', 'oneofs']);
  assert.equal(m.kind, 'object');
  assert.equal(m.source, 'build/cjs/meta.d.ts:4:1');
  assert.deepEqual(m.fields.map((f) => f.name), ['id', 'content', 'sender', 'badges', 'targetChannels', 'sourceChannel',
    'appId', 'visibility', 'sequence', 'direction', 'createdDate', 'targetChannelIds', 'sourceChannelId', 'silent']);
  assert.deepEqual(field(m, 'id'), {
    name: 'id', type: { kind: 'string' }, optional: true, nullable: true, description: 'Message ID.',
    tags: { readonly: true }, source: 'build/cjs/meta.d.ts:9:5',
  });
  assert.deepEqual(field(m, 'appId').tags, { format: 'GUID', readonly: true });
  assert.deepEqual(field(m, 'badges').type, { kind: 'array', items: { kind: 'ref', name: 'Badge' } });
  assert.deepEqual(field(m, 'badges').tags, { maxSize: 1 });
  assert.deepEqual(field(m, 'createdDate').type, { kind: 'date' });
  assert.equal(field(m, 'createdDate').nullable, true);
  assert.deepEqual(field(m, 'visibility').type, { kind: 'ref', name: 'MessageVisibility' });
  assert.deepEqual(field(m, 'silent'), { ...field(m, 'silent'), type: { kind: 'boolean' }, nullable: false });
  const tc = field(m, 'targetChannels');
  assert.deepEqual(tc.type, { kind: 'array', items: { kind: 'ref', name: 'ChannelType' } });
  assert.equal(tc.tags.replacedBy, 'target_channel_ids');
  assert.equal(tc.tags.targetRemovalDate, '2026-06-30');
  assert.ok(tc.tags.deprecated.startsWith('Communication channel to send the message to.'));
  assert.deepEqual(field(m, 'targetChannelIds').tags, { maxSize: 100, maxLength: 100 });
  assert.ok(field(m, 'sender').description.includes('\n\n'), 'paragraphs kept');
});

test('oneofs, inherited fields, maps, required fields and limits', () => {
  const c = type('MessageContent', MSG);
  assert.deepEqual(c.oneofs, [{ name: 'payload', members: ['basic', 'template', 'minimal', 'form', 'system'] }]);
  assert.deepEqual(c.fields.map((f) => f.name), ['basic', 'template', 'minimal', 'form', 'system', 'previewText', 'title']);
  assert.deepEqual(type('IdentificationData', MSG).oneofs, [{ name: 'id', members: ['anonymousVisitorId', 'memberId', 'wixUserId', 'appId'] }]);
  assert.deepEqual(field(type('CustomMessageData'), 'appData').type, { kind: 'map', values: { kind: 'string' } });
  const req = type('SendMessageRequest');
  assert.equal(field(req, 'conversationId').optional, false);
  assert.equal(field(req, 'sendAs').optional, true);
  assert.deepEqual(field(req, 'sendAs').type, { kind: 'ref', name: 'OverrideSenderOptions' });
  assert.deepEqual(field(type('CursorPaging', MSG), 'limit').tags, { max: 100 });
  assert.deepEqual(field(type('CursorPaging', NOTES), 'limit').tags, { max: 1000 });
  const note = type('Note', NOTES);
  assert.equal(note.description, 'A note contains textual information associated with a contact.');
  assert.deepEqual(field(note, 'contactId').tags, { format: 'GUID', immutable: true });
  assert.deepEqual(field(note, 'text').tags, { maxLength: 2048 });
  // helpers and aliases are not types
  assert.equal(out.types.filter((t) => /OneOf$|WithLiterals$|^__/.test(t.name)).length, 0);
});

test('enums', () => {
  const d = type('MessageDirection', MSG);
  assert.deepEqual(Object.keys(d), ['name', 'package', 'kind', 'description', 'source', 'values']);
  assert.equal(d.kind, 'enum');
  assert.deepEqual(d.values, [
    { value: 'UNKNOWN_DIRECTION', description: 'Unknown message direction.' },
    { value: 'BUSINESS_TO_PARTICIPANT', description: 'The message was sent from the business to the participant.' },
    { value: 'PARTICIPANT_TO_BUSINESS', description: 'The message was sent from the participant to the business.' },
  ]);
  assert.deepEqual(type('SortOrder', MSG).values, [{ value: 'ASC', description: '' }, { value: 'DESC', description: '' }]);
});

test('events', () => {
  assert.deepEqual(out.events.map((e) => e.name), ['onMessageButtonInteracted', 'onMessageSentToBusiness',
    'onConversationConversationsMerged', 'onNoteCreated', 'onNoteDeleted', 'onNoteUpdated']);
  const e = out.events.find((x) => x.name === 'onMessageSentToBusiness');
  assert.deepEqual(e, {
    name: 'onMessageSentToBusiness',
    package: MSG,
    eventType: 'wix.crm.inbox.v2.message_message_sent_to_business',
    slug: 'message_sent_to_business',
    payloadType: 'MessageSentToBusiness',
    entityFqdn: 'wix.crm.inbox.v2.message',
    permission: 'INBOX.READ_MESSAGES',
    description: 'Triggered when a visitor, contact, or member\nsends a message to the business.',
    source: e.source,
  });
  const [file, line] = e.source.split(':');
  assert.equal(file, 'build/cjs/index.typings.d.ts');
  const text = fs.readFileSync(path.join(dirs.messages, file), 'utf8').split('\n')[Number(line) - 1];
  assert.ok(text.startsWith('declare function onMessageSentToBusiness('), text);
  const created = out.events.find((x) => x.name === 'onNoteCreated');
  assert.equal(created.payloadType, 'Note');
  assert.equal(created.entityFqdn, 'wix.crm.notes.v2.note');
  assert.equal(out.events.find((x) => x.name === 'onNoteDeleted').payloadType, null);
});

test('output is deterministic', () => {
  const r = runCli(['extract', '--package', dirs.messages, '--package', dirs.conversations, '--package', dirs.notes]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, raw);
});

test('build/es is read when build/cjs is absent', () => {
  const dir = copyPackage(dirs.notes);
  fs.rmSync(path.join(dir, 'build', 'cjs'), { recursive: true });
  const r = runCli(['extract', '--package', dir]);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.operations.length, 5);
  assert.match(j.operations[0].source, /^build\/es\/meta\.mjs:\d+:\d+$/);
  assert.match(j.types[0].source, /^build\/es\/meta\.d\.mts:\d+:\d+$/);
  assert.equal(j.operations.find((o) => o.name === 'updateNote').path, '/crm/notes/v2/notes/{note.id}');
});

test('a syntax error is an error naming file, line and column', () => {
  const dir = copyPackage(dirs.messages);
  const file = path.join(dir, 'build', 'cjs', 'meta.d.ts');
  fs.appendFileSync(file, '\ninterface Broken {\n    a?: string\n    b?: = ;\n');
  const r = runCli(['extract', '--package', dir]);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.ok(r.stderr.includes(`${file}:`), r.stderr);
  assert.match(r.stderr, /meta\.d\.ts:\d+:\d+: TypeScript syntax error/);
});

test('an empty package is an error naming the file', () => {
  const dir = path.join(tempDir('empty'), 'package');
  fs.mkdirSync(path.join(dir, 'build', 'cjs'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: '@wix/empty', version: '1.0.0' }));
  fs.writeFileSync(path.join(dir, 'build', 'cjs', 'meta.d.ts'), 'export {};\n');
  fs.writeFileSync(path.join(dir, 'build', 'cjs', 'meta.js'), '"use strict";\n');
  fs.writeFileSync(path.join(dir, 'build', 'cjs', 'index.typings.d.ts'), 'export {};\n');
  const r = runCli(['extract', '--package', dir]);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.ok(r.stderr.includes(path.join(dir, 'build', 'cjs', 'meta.d.ts')), r.stderr);
  assert.match(r.stderr, /no operations/);
});

test('a missing meta.js is an error naming it', () => {
  const dir = copyPackage(dirs.conversations);
  fs.rmSync(path.join(dir, 'build', 'cjs', 'meta.js'));
  const r = runCli(['extract', '--package', dir]);
  assert.equal(r.status, 2);
  assert.ok(r.stderr.includes(path.join(dir, 'build', 'cjs', 'meta.js')), r.stderr);
});

test('a field type that cannot be mapped is an error with file:line:col and the type text', () => {
  const dir = copyPackage(dirs.conversations);
  const file = path.join(dir, 'build', 'cjs', 'meta.d.ts');
  const text = fs.readFileSync(file, 'utf8').replace('interface Conversation {', 'interface Conversation {\n    odd?: string | number;');
  fs.writeFileSync(file, text);
  const r = runCli(['extract', '--package', dir]);
  assert.equal(r.status, 2);
  assert.ok(r.stderr.includes(`${file}:5:11: cannot map type \`string | number\``), r.stderr);
});

test('an undeclared request type is an error', () => {
  const dir = copyPackage(dirs.conversations);
  const file = path.join(dir, 'build', 'cjs', 'meta.d.ts');
  const text = fs.readFileSync(file, 'utf8').replace(/GetConversationRequest, GetConversationResponse\$1/, 'NoSuchRequest, GetConversationResponse$1');
  fs.writeFileSync(file, text);
  const r = runCli(['extract', '--package', dir]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /meta\.d\.ts:\d+:\d+: getConversation: request type NoSuchRequest is not declared/);
});

test('usage errors', () => {
  assert.equal(runCli(['extract']).status, 2);
  assert.equal(runCli(['frobnicate']).status, 2);
  const r = runCli(['extract', '--package', '/nonexistent/dir']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /\/nonexistent\/dir: not a directory/);
});
