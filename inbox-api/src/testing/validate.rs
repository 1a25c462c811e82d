//! Request validation as Wix does it: every violation of the documented limits (reference
//! §5) becomes one `fieldViolations[]` entry; all are reported at once.
//!
//! Only shapes and limits are checked here; existence (e.g. of the conversation) is the
//! handlers' business.

use serde_json::{json, Map, Value};

use super::wire::{self, Violation};

/// `SendMessageRequest`.
pub(crate) fn send_message(body: &Value) -> Vec<Violation> {
    let mut check = Checker::default();
    let Some(root) = check.object(Some(body), "", Need::Required) else {
        return check.violations;
    };
    check.guid(root.get("conversationId"), "conversationId", Need::Required);
    check.boolean(root.get("sendNotifications"), "sendNotifications");
    check.boolean(root.get("silent"), "silent");
    check.enumeration(
        root.get("sendAs"),
        "sendAs",
        &["CALLER", "PARTICIPANT", "BUSINESS_USER"],
        Need::Optional,
    );
    if let Some(message) = check.object(root.get("message"), "message", Need::Required) {
        check.message(message, "message");
    }
    check.violations
}

/// `GetOrCreateConversationRequest`; exactly one participant key is required.
pub(crate) fn get_or_create_conversation(body: &Value) -> Vec<Violation> {
    let mut check = Checker::default();
    let Some(root) = check.object(Some(body), "", Need::Required) else {
        return check.violations;
    };
    let field = "participantId";
    if let Some(participant) = check.object(root.get(field), field, Need::Required) {
        let keys = ["contactId", "anonymousVisitorId", "memberId"];
        if let Some(key) = check.one_of(participant, field, &keys) {
            check.guid(
                participant.get(key),
                &format!("{field}.{key}"),
                Need::Required,
            );
        }
    }
    check.violations
}

const VISIBILITIES: &[&str] = &["BUSINESS_AND_PARTICIPANT", "BUSINESS"];
const CHANNEL_TYPES: &[&str] = &[
    "UNKNOWN_CHANNEL_TYPE",
    "CHAT",
    "EMAIL",
    "SMS",
    "FACEBOOK",
    "INSTAGRAM",
    "WHATSAPP",
];
const TEXT_MAX: usize = 16384;
const URL_MAX: usize = 2000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    Required,
    Optional,
}

/// String format tags.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Any,
    WebUrl,
}

#[derive(Default)]
struct Checker {
    violations: Vec<Violation>,
}

impl Checker {
    fn push(&mut self, violation: Violation) {
        self.violations.push(violation);
    }

    /// `None` counts as absent, like JSON `null` (Wix wrapper fields are nullable).
    fn present<'v>(
        &mut self,
        value: Option<&'v Value>,
        field: &str,
        need: Need,
    ) -> Option<&'v Value> {
        match value {
            None | Some(Value::Null) => {
                if need == Need::Required {
                    self.push(Violation::new(field, "REQUIRED_FIELD", "is required"));
                }
                None
            }
            Some(value) => Some(value),
        }
    }

    fn type_error(&mut self, field: &str, expected: &str) {
        self.push(
            Violation::new(field, "TYPE", format!("must be {expected}"))
                .data(json!({ "type": expected })),
        );
    }

    fn object<'v>(
        &mut self,
        value: Option<&'v Value>,
        field: &str,
        need: Need,
    ) -> Option<&'v Map<String, Value>> {
        let value = self.present(value, field, need)?;
        let object = value.as_object();
        if object.is_none() {
            self.type_error(field, "an object");
        }
        object
    }

    fn array<'v>(
        &mut self,
        value: Option<&'v Value>,
        field: &str,
        need: Need,
        min: usize,
        max: Option<usize>,
    ) -> &'v [Value] {
        let Some(value) = self.present(value, field, need) else {
            return &[];
        };
        let Some(items) = value.as_array() else {
            self.type_error(field, "an array");
            return &[];
        };
        if items.len() < min {
            self.push(
                Violation::new(field, "MIN_SIZE", format!("must have at least {min} items"))
                    .data(json!({ "min": min })),
            );
        }
        if let Some(max) = max.filter(|&max| items.len() > max) {
            self.push(
                Violation::new(
                    field,
                    "MAX_SIZE",
                    format!("must have at most {max} items, has {}", items.len()),
                )
                .data(json!({ "max": max })),
            );
        }
        items
    }

    fn string(
        &mut self,
        value: Option<&Value>,
        field: &str,
        need: Need,
        (min, max): (usize, usize),
        format: Format,
    ) {
        let Some(value) = self.present(value, field, need) else {
            return;
        };
        let Some(text) = value.as_str() else {
            self.type_error(field, "a string");
            return;
        };
        let length = text.chars().count();
        if length < min {
            self.push(
                Violation::new(
                    field,
                    "MIN_LENGTH",
                    format!("must be at least {min} characters long"),
                )
                .data(json!({ "min": min })),
            );
        }
        if length > max {
            self.push(
                Violation::new(
                    field,
                    "MAX_LENGTH",
                    format!("must be at most {max} characters long, is {length}"),
                )
                .data(json!({ "max": max })),
            );
        }
        if format == Format::WebUrl && !is_web_url(text) {
            self.push(
                Violation::new(field, "FORMAT", "must be an absolute http(s) URL")
                    .rule_name("WEB_URL")
                    .data(json!({ "type": "WEB_URL" })),
            );
        }
    }

    fn guid(&mut self, value: Option<&Value>, field: &str, need: Need) {
        let Some(value) = self.present(value, field, need) else {
            return;
        };
        if value.as_str().and_then(wire::parse_guid).is_none() {
            self.push(wire::guid_violation(field));
        }
    }

    fn boolean(&mut self, value: Option<&Value>, field: &str) {
        if let Some(value) = self.present(value, field, Need::Optional) {
            if !value.is_boolean() {
                self.type_error(field, "a boolean");
            }
        }
    }

    fn number(&mut self, value: Option<&Value>, field: &str) {
        if let Some(value) = self.present(value, field, Need::Optional) {
            if !value.is_number() {
                self.type_error(field, "a number");
            }
        }
    }

    fn enumeration(&mut self, value: Option<&Value>, field: &str, allowed: &[&str], need: Need) {
        let Some(value) = self.present(value, field, need) else {
            return;
        };
        if !value.as_str().is_some_and(|v| allowed.contains(&v)) {
            self.push(
                Violation::new(
                    field,
                    "INVALID_ENUM_VALUE",
                    format!("must be one of {}", allowed.join(", ")),
                )
                .data(json!({ "allowed": allowed })),
            );
        }
    }

    /// Exactly one of `keys` must be set (non-null) in `object`; returns it.
    fn one_of<'k>(
        &mut self,
        object: &Map<String, Value>,
        field: &str,
        keys: &[&'k str],
    ) -> Option<&'k str> {
        let set: Vec<&'k str> = keys
            .iter()
            .copied()
            .filter(|key| object.get(*key).is_some_and(|v| !v.is_null()))
            .collect();
        match set.as_slice() {
            [one] => Some(one),
            [] => {
                self.push(
                    Violation::new(
                        field,
                        "ONE_OF",
                        format!("exactly one of {} must be set, none is", keys.join(", ")),
                    )
                    .data(json!({ "oneOf": keys, "set": [] })),
                );
                None
            }
            many => {
                self.push(
                    Violation::new(
                        field,
                        "ONE_OF",
                        format!(
                            "exactly one of {} must be set, found {}",
                            keys.join(", "),
                            many.join(", ")
                        ),
                    )
                    .data(json!({ "oneOf": keys, "set": many })),
                );
                None
            }
        }
    }

    fn message(&mut self, message: &Map<String, Value>, field: &str) {
        let at = |name: &str| format!("{field}.{name}");
        if let Some(content) = self.object(message.get("content"), &at("content"), Need::Required) {
            self.content(content, &at("content"));
        }
        self.enumeration(
            message.get("visibility"),
            &at("visibility"),
            VISIBILITIES,
            Need::Required,
        );
        self.enumeration(
            message.get("direction"),
            &at("direction"),
            &["BUSINESS_TO_PARTICIPANT", "PARTICIPANT_TO_BUSINESS"],
            Need::Required,
        );
        let badges = self.array(
            message.get("badges"),
            &at("badges"),
            Need::Optional,
            0,
            Some(1),
        );
        for (i, badge) in badges.iter().enumerate() {
            let field = format!("{field}.badges[{i}]");
            if let Some(badge) = self.object(Some(badge), &field, Need::Required) {
                self.string(
                    badge.get("text"),
                    &format!("{field}.text"),
                    Need::Optional,
                    (0, TEXT_MAX),
                    Format::Any,
                );
                self.string(
                    badge.get("iconUrl"),
                    &format!("{field}.iconUrl"),
                    Need::Optional,
                    (0, URL_MAX),
                    Format::WebUrl,
                );
                self.enumeration(
                    badge.get("badgeVisibility"),
                    &format!("{field}.badgeVisibility"),
                    &[
                        "UNKNOWN_BADGE_VISIBILITY",
                        "BUSINESS_AND_PARTICIPANT",
                        "BUSINESS",
                    ],
                    Need::Optional,
                );
            }
        }
        let channels = self.array(
            message.get("targetChannels"),
            &at("targetChannels"),
            Need::Optional,
            0,
            None,
        );
        for (i, channel) in channels.iter().enumerate() {
            self.enumeration(
                Some(channel),
                &format!("{field}.targetChannels[{i}]"),
                CHANNEL_TYPES,
                Need::Required,
            );
        }
        self.enumeration(
            message.get("sourceChannel"),
            &at("sourceChannel"),
            CHANNEL_TYPES,
            Need::Optional,
        );
        let ids = self.array(
            message.get("targetChannelIds"),
            &at("targetChannelIds"),
            Need::Optional,
            0,
            Some(100),
        );
        for (i, id) in ids.iter().enumerate() {
            self.string(
                Some(id),
                &format!("{field}.targetChannelIds[{i}]"),
                Need::Required,
                (0, 100),
                Format::Any,
            );
        }
        self.string(
            message.get("sourceChannelId"),
            &at("sourceChannelId"),
            Need::Optional,
            (0, 100),
            Format::Any,
        );
        self.boolean(message.get("silent"), &at("silent"));
    }

    fn content(&mut self, content: &Map<String, Value>, field: &str) {
        let at = |name: &str| format!("{field}.{name}");
        self.string(
            content.get("previewText"),
            &at("previewText"),
            Need::Optional,
            (0, 256),
            Format::Any,
        );
        self.string(
            content.get("title"),
            &at("title"),
            Need::Optional,
            (0, TEXT_MAX),
            Format::Any,
        );
        let payloads = ["basic", "template", "minimal", "form", "system"];
        let Some(payload) = self.one_of(content, field, &payloads) else {
            return;
        };
        let field = at(payload);
        let Some(body) = self.object(content.get(payload), &field, Need::Required) else {
            return;
        };
        match payload {
            "basic" => self.basic(body, &field),
            "template" => self.template(body, &field),
            "minimal" => {
                self.string(
                    body.get("text"),
                    &format!("{field}.text"),
                    Need::Required,
                    (1, TEXT_MAX),
                    Format::Any,
                );
                self.string(
                    body.get("iconUrl"),
                    &format!("{field}.iconUrl"),
                    Need::Optional,
                    (0, URL_MAX),
                    Format::WebUrl,
                );
                self.string(
                    body.get("url"),
                    &format!("{field}.url"),
                    Need::Optional,
                    (0, URL_MAX),
                    Format::WebUrl,
                );
            }
            "form" => self.form(body, &field),
            _ => {
                self.string(
                    body.get("text"),
                    &format!("{field}.text"),
                    Need::Optional,
                    (0, TEXT_MAX),
                    Format::Any,
                );
                self.buttons(body.get("buttons"), &format!("{field}.buttons"));
                self.string(
                    body.get("imageUrl"),
                    &format!("{field}.imageUrl"),
                    Need::Optional,
                    (0, URL_MAX),
                    Format::WebUrl,
                );
            }
        }
    }

    fn basic(&mut self, basic: &Map<String, Value>, field: &str) {
        let items = self.array(
            basic.get("items"),
            &format!("{field}.items"),
            Need::Required,
            1,
            None,
        );
        for (i, item) in items.iter().enumerate() {
            let field = format!("{field}.items[{i}]");
            let Some(item) = self.object(Some(item), &field, Need::Required) else {
                continue;
            };
            match self.one_of(item, &field, &["text", "image", "file"]) {
                Some("text") => self.string(
                    item.get("text"),
                    &format!("{field}.text"),
                    Need::Required,
                    (1, TEXT_MAX),
                    Format::Any,
                ),
                Some(media) => self.media(item.get(media), &format!("{field}.{media}"), media),
                None => {}
            }
        }
    }

    fn template(&mut self, template: &Map<String, Value>, field: &str) {
        let at = |name: &str| format!("{field}.{name}");
        self.string(
            template.get("title"),
            &at("title"),
            Need::Optional,
            (0, TEXT_MAX),
            Format::Any,
        );
        self.buttons(template.get("buttons"), &at("buttons"));
        self.enumeration(
            template.get("orientation"),
            &at("orientation"),
            &["UNKNOWN_ORIENTATION", "PORTRAIT", "LANDSCAPE"],
            Need::Optional,
        );
        let lines = self.array(
            template.get("textLines"),
            &at("textLines"),
            Need::Optional,
            0,
            Some(10),
        );
        for (i, line) in lines.iter().enumerate() {
            self.string(
                Some(line),
                &format!("{field}.textLines[{i}]"),
                Need::Required,
                (0, TEXT_MAX),
                Format::Any,
            );
        }
        self.string(
            template.get("imageUrl"),
            &at("imageUrl"),
            Need::Optional,
            (0, URL_MAX),
            Format::WebUrl,
        );
    }

    fn buttons(&mut self, buttons: Option<&Value>, field: &str) {
        let buttons = self.array(buttons, field, Need::Optional, 0, Some(10));
        for (i, button) in buttons.iter().enumerate() {
            let field = format!("{field}[{i}]");
            let Some(button) = self.object(Some(button), &field, Need::Required) else {
                continue;
            };
            self.string(
                button.get("label"),
                &format!("{field}.label"),
                Need::Required,
                (1, TEXT_MAX),
                Format::Any,
            );
            self.string(
                button.get("launchUrl"),
                &format!("{field}.launchUrl"),
                Need::Optional,
                (0, TEXT_MAX),
                Format::WebUrl,
            );
            let postback = format!("{field}.postbackProperties");
            if let Some(postback_properties) =
                self.object(button.get("postbackProperties"), &postback, Need::Optional)
            {
                self.string(
                    postback_properties.get("interactionId"),
                    &format!("{postback}.interactionId"),
                    Need::Required,
                    (1, 256),
                    Format::Any,
                );
            }
        }
    }

    fn form(&mut self, form: &Map<String, Value>, field: &str) {
        let at = |name: &str| format!("{field}.{name}");
        self.string(
            form.get("title"),
            &at("title"),
            Need::Optional,
            (1, 256),
            Format::Any,
        );
        self.string(
            form.get("description"),
            &at("description"),
            Need::Optional,
            (1, TEXT_MAX),
            Format::Any,
        );
        let fields = self.array(
            form.get("fields"),
            &at("fields"),
            Need::Required,
            1,
            Some(15),
        );
        for (i, form_field) in fields.iter().enumerate() {
            let field = format!("{field}.fields[{i}]");
            if let Some(form_field) = self.object(Some(form_field), &field, Need::Required) {
                self.string(
                    form_field.get("name"),
                    &format!("{field}.name"),
                    Need::Optional,
                    (0, 8192),
                    Format::Any,
                );
                self.string(
                    form_field.get("value"),
                    &format!("{field}.value"),
                    Need::Optional,
                    (0, 8192),
                    Format::Any,
                );
            }
        }
        let media = self.array(form.get("media"), &at("media"), Need::Optional, 0, Some(15));
        for (i, item) in media.iter().enumerate() {
            let field = format!("{field}.media[{i}]");
            let Some(item) = self.object(Some(item), &field, Need::Required) else {
                continue;
            };
            if let Some(kind) = self.one_of(item, &field, &["image", "file"]) {
                self.media(item.get(kind), &format!("{field}.{kind}"), kind);
            }
        }
    }

    /// `ImageMessage` (`kind == "image"`) or `FileMessage`.
    fn media(&mut self, value: Option<&Value>, field: &str, kind: &str) {
        let Some(media) = self.object(value, field, Need::Required) else {
            return;
        };
        let at = |name: &str| format!("{field}.{name}");
        self.string(
            media.get("url"),
            &at("url"),
            Need::Required,
            (1, URL_MAX),
            Format::Any,
        );
        self.string(
            media.get("id"),
            &at("id"),
            Need::Optional,
            (0, URL_MAX),
            Format::Any,
        );
        self.string(
            media.get("filename"),
            &at("filename"),
            Need::Optional,
            (0, 255),
            Format::Any,
        );
        if kind == "image" {
            self.number(media.get("width"), &at("width"));
            self.number(media.get("height"), &at("height"));
        } else {
            self.string(
                media.get("mimeType"),
                &at("mimeType"),
                Need::Optional,
                (0, 100),
                Format::Any,
            );
        }
    }
}

fn is_web_url(text: &str) -> bool {
    ["http://", "https://"].iter().any(|scheme| {
        text.len() > scheme.len() && text[..scheme.len()].eq_ignore_ascii_case(scheme)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(body: Value) -> Vec<(String, &'static str)> {
        send_message(&body)
            .into_iter()
            .map(|v| (v.field, v.violated_rule))
            .collect()
    }

    fn request(content: Value) -> Value {
        json!({
            "conversationId": "5f65164f-b373-3cb9-be2e-f1fdc00c86a9",
            "message": { "visibility": "BUSINESS", "direction": "BUSINESS_TO_PARTICIPANT", "content": content }
        })
    }

    #[test]
    fn accepts_a_minimal_valid_request() {
        assert_eq!(
            rules(request(json!({ "basic": { "items": [{ "text": "hi" }] } }))),
            []
        );
    }

    #[test]
    fn reports_every_violation_with_its_path() {
        let body = json!({
            "conversationId": "nope",
            "message": { "content": { "previewText": "x".repeat(257), "basic": { "items": [] } } }
        });
        assert_eq!(
            rules(body),
            [
                ("conversationId".to_owned(), "FORMAT"),
                ("message.content.previewText".to_owned(), "MAX_LENGTH"),
                ("message.content.basic.items".to_owned(), "MIN_SIZE"),
                ("message.visibility".to_owned(), "REQUIRED_FIELD"),
                ("message.direction".to_owned(), "REQUIRED_FIELD"),
            ]
        );
    }

    #[test]
    fn nested_limits() {
        let buttons: Vec<Value> = (0..11)
            .map(|i| json!({ "label": format!("b{i}") }))
            .collect();
        assert_eq!(
            rules(request(
                json!({ "template": { "buttons": buttons, "imageUrl": "ftp://x" } })
            )),
            [
                ("message.content.template.buttons".to_owned(), "MAX_SIZE"),
                ("message.content.template.imageUrl".to_owned(), "FORMAT"),
            ]
        );
        assert_eq!(
            rules(request(
                json!({ "basic": { "items": [{ "text": "" }, { "text": "a", "file": {} }] } })
            )),
            [
                (
                    "message.content.basic.items[0].text".to_owned(),
                    "MIN_LENGTH"
                ),
                ("message.content.basic.items[1]".to_owned(), "ONE_OF"),
            ]
        );
    }

    #[test]
    fn participant_id_needs_exactly_one_guid() {
        let ok = json!({ "participantId": { "memberId": "5f65164f-b373-3cb9-be2e-f1fdc00c86a9" } });
        assert!(get_or_create_conversation(&ok).is_empty());
        let two = json!({ "participantId": { "memberId": "5f65164f-b373-3cb9-be2e-f1fdc00c86a9", "contactId": "5f65164f-b373-3cb9-be2e-f1fdc00c86a9" } });
        assert_eq!(get_or_create_conversation(&two)[0].violated_rule, "ONE_OF");
        let bad = json!({ "participantId": { "contactId": "x" } });
        assert_eq!(
            get_or_create_conversation(&bad)[0].field,
            "participantId.contactId"
        );
        assert_eq!(
            get_or_create_conversation(&json!([]))[0].violated_rule,
            "TYPE"
        );
    }
}
