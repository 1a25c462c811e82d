//! Compares the SDK's model with the spec's, both ways, and classifies every difference with the
//! classes of regen's change report ([`codegen::report::Class`]) as the generated Rust API would
//! feel it: what the SDK has and the spec lacks is usually compatible (new optional items);
//! what the spec has and the SDK no longer has is BREAKING (the item will go from the client).
//!
//! The spec may say more than the SDK where Wix's docs do: formats the SDK cannot express
//! (`int64`, `date-time`), `x-spec-only` items (with the reason), and `required`/`readOnly`/
//! `format` on properties marked `x-sdk-deviation` (with the reason). Descriptions are the
//! spec's own and are never compared.

use std::fmt;

use codegen::report::Class;

use super::model::{Body, Event, Field, Model, Operation, Type};

/// What a difference is about, for `--apply`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// A whole type (added, removed, its kind, enum values, one-of groups, required list).
    Type(String),
    /// One field of a type.
    Field(String, String),
    /// One operation.
    Operation(String),
    /// One event.
    Event(String),
}

/// One difference.
#[derive(Debug, Clone)]
pub struct Difference {
    /// How the generated client would feel it.
    pub class: Class,
    /// `type`, `field`, `enum value`, `operation`, ...
    pub kind: &'static str,
    /// The item: `Message.silent`, `sendMessage`, `MessageDirection.INBOUND`.
    pub item: String,
    /// What the SDK says compared with the spec.
    pub change: String,
    /// Where the SDK declares it.
    pub sdk_at: Option<String>,
    /// Where the spec has it (a JSON pointer).
    pub spec_at: Option<String>,
    /// What `--apply` rewrites.
    pub target: Target,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:<11}  {} `{}`: {}",
            self.class.label(),
            self.kind,
            self.item,
            self.change
        )?;
        if let Some(at) = &self.sdk_at {
            write!(f, "\n             sdk:  {at}")?;
        }
        if let Some(at) = &self.spec_at {
            write!(f, "\n             spec: {at}")?;
        }
        Ok(())
    }
}

struct Cx {
    out: Vec<Difference>,
}

impl Cx {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        class: Class,
        kind: &'static str,
        item: String,
        change: String,
        sdk_at: Option<&str>,
        spec_at: Option<&str>,
        target: Target,
    ) {
        self.out.push(Difference {
            class,
            kind,
            item,
            change,
            sdk_at: sdk_at.map(str::to_owned),
            spec_at: spec_at.map(str::to_owned),
            target,
        });
    }
}

/// Every difference, in a stable order (class, then item).
pub fn compare(sdk: &Model, spec: &Model) -> Vec<Difference> {
    let mut cx = Cx { out: Vec::new() };
    for (key, s) in &sdk.types {
        match spec.types.get(key) {
            None => cx.push(
                Class::Compatible,
                "type",
                key.clone(),
                "in the SDK, not in the spec".into(),
                Some(&s.at),
                None,
                Target::Type(key.clone()),
            ),
            Some(p) => compare_type(&mut cx, key, s, p),
        }
    }
    for (key, p) in &spec.types {
        if !sdk.types.contains_key(key) && p.spec_only.is_none() {
            cx.push(
                Class::Breaking,
                "type",
                key.clone(),
                "in the spec, not in the SDK (removed by Wix?)".into(),
                None,
                Some(&p.at),
                Target::Type(key.clone()),
            );
        }
    }
    for (id, s) in &sdk.operations {
        match spec.operations.get(id) {
            None => cx.push(
                Class::Compatible,
                "operation",
                id.clone(),
                format!("{} {} in the SDK, not in the spec", s.method, s.path),
                Some(&s.at),
                None,
                Target::Operation(id.clone()),
            ),
            Some(p) => compare_operation(&mut cx, id, s, p),
        }
    }
    for (id, p) in &spec.operations {
        if !sdk.operations.contains_key(id) {
            cx.push(
                Class::Breaking,
                "operation",
                id.clone(),
                format!(
                    "{} {} in the spec, not in the SDK (removed by Wix?)",
                    p.method, p.path
                ),
                None,
                Some(&p.at),
                Target::Operation(id.clone()),
            );
        }
    }
    for (event_type, s) in &sdk.events {
        match spec.events.get(event_type) {
            None => cx.push(
                Class::Compatible,
                "event",
                event_type.clone(),
                "in the SDK, not in the spec".into(),
                Some(&s.at),
                None,
                Target::Event(event_type.clone()),
            ),
            Some(p) => compare_event(&mut cx, event_type, s, p),
        }
    }
    for (event_type, p) in &spec.events {
        if !sdk.events.contains_key(event_type) && p.spec_only.is_none() {
            cx.push(
                Class::Breaking,
                "event",
                event_type.clone(),
                "in the spec, not in the SDK (removed by Wix?)".into(),
                None,
                Some(&p.at),
                Target::Event(event_type.clone()),
            );
        }
    }
    cx.out
        .sort_by(|a, b| (a.class, &a.item, a.kind).cmp(&(b.class, &b.item, b.kind)));
    cx.out
}

fn compare_type(cx: &mut Cx, key: &str, s: &Type, p: &Type) {
    let target = || Target::Type(key.to_owned());
    if s.wix_name != p.wix_name {
        cx.push(
            Class::Docs,
            "type",
            key.to_owned(),
            format!(
                "Wix names it `{}`, the spec records `{}`",
                s.wix_name, p.wix_name
            ),
            Some(&s.at),
            Some(&p.at),
            target(),
        );
    }
    match (&s.body, &p.body) {
        (Body::Enum { values: sv }, Body::Enum { values: pv }) => {
            for (v, _) in sv {
                if !pv.iter().any(|(x, _)| x == v) {
                    cx.push(
                        Class::Compatible,
                        "enum value",
                        format!("{key}.{v}"),
                        "in the SDK, not in the spec".into(),
                        Some(&s.at),
                        Some(&p.at),
                        target(),
                    );
                }
            }
            for (v, _) in pv {
                if !sv.iter().any(|(x, _)| x == v) {
                    cx.push(
                        Class::Breaking,
                        "enum value",
                        format!("{key}.{v}"),
                        "in the spec, not in the SDK (removed by Wix?)".into(),
                        Some(&s.at),
                        Some(&p.at),
                        target(),
                    );
                }
            }
            let common_s: Vec<&String> = sv
                .iter()
                .map(|(v, _)| v)
                .filter(|v| pv.iter().any(|(x, _)| x == *v))
                .collect();
            let common_p: Vec<&String> = pv
                .iter()
                .map(|(v, _)| v)
                .filter(|v| sv.iter().any(|(x, _)| x == *v))
                .collect();
            if common_s != common_p {
                cx.push(
                    Class::Docs,
                    "enum",
                    key.to_owned(),
                    "values are in another order than the SDK declares them".into(),
                    Some(&s.at),
                    Some(&p.at),
                    target(),
                );
            }
        }
        (
            Body::Object {
                fields: sf,
                oneofs: so,
            },
            Body::Object {
                fields: pf,
                oneofs: po,
            },
        ) => {
            for f in sf {
                match pf.iter().find(|x| x.name == f.name) {
                    None => cx.push(
                        if f.required {
                            Class::Breaking
                        } else {
                            Class::Compatible
                        },
                        "field",
                        format!("{key}.{}", f.name),
                        format!(
                            "{}{} in the SDK, not in the spec",
                            if f.required { "required " } else { "" },
                            f.shape.describe()
                        ),
                        Some(&f.at),
                        Some(&p.at),
                        Target::Field(key.to_owned(), f.name.clone()),
                    ),
                    Some(x) => compare_field(cx, key, f, x),
                }
            }
            for x in pf {
                if x.spec_only.is_none() && !sf.iter().any(|f| f.name == x.name) {
                    cx.push(
                        Class::Breaking,
                        "field",
                        format!("{key}.{}", x.name),
                        "in the spec, not in the SDK (removed by Wix?)".into(),
                        Some(&s.at),
                        Some(&x.at),
                        Target::Field(key.to_owned(), x.name.clone()),
                    );
                }
            }
            for (group, members) in so {
                match po.iter().find(|(g, _)| g == group) {
                    None => cx.push(
                        Class::Compatible,
                        "oneof",
                        format!("{key}.{group}"),
                        format!(
                            "one-of group [{}] in the SDK, not in the spec",
                            members.join(", ")
                        ),
                        Some(&s.at),
                        Some(&p.at),
                        target(),
                    ),
                    Some((_, pm)) if pm != members => {
                        let removed = pm.iter().any(|m| !members.contains(m));
                        cx.push(
                            if removed {
                                Class::Breaking
                            } else {
                                Class::Compatible
                            },
                            "oneof",
                            format!("{key}.{group}"),
                            format!(
                                "SDK members [{}], spec [{}]",
                                members.join(", "),
                                pm.join(", ")
                            ),
                            Some(&s.at),
                            Some(&p.at),
                            target(),
                        );
                    }
                    Some(_) => {}
                }
            }
            for (group, _) in po {
                if !so.iter().any(|(g, _)| g == group) {
                    cx.push(
                        Class::Breaking,
                        "oneof",
                        format!("{key}.{group}"),
                        "one-of group in the spec, not in the SDK".into(),
                        Some(&s.at),
                        Some(&p.at),
                        target(),
                    );
                }
            }
        }
        _ => cx.push(
            Class::Breaking,
            "type",
            key.to_owned(),
            "an enum on one side, an object on the other".into(),
            Some(&s.at),
            Some(&p.at),
            target(),
        ),
    }
}

fn compare_field(cx: &mut Cx, key: &str, s: &Field, p: &Field) {
    let item = format!("{key}.{}", s.name);
    let target = Target::Field(key.to_owned(), s.name.clone());
    let mut push = |class: Class, change: String| {
        cx.push(
            class,
            "field",
            item.clone(),
            change,
            Some(&s.at),
            Some(&p.at),
            target.clone(),
        );
    };
    if !p.shape.matches_sdk(&s.shape) {
        push(
            Class::Breaking,
            format!(
                "type is {} in the SDK, {} in the spec",
                s.shape.describe(),
                p.shape.describe()
            ),
        );
    }
    if s.nullable != p.nullable {
        push(
            Class::Compatible,
            format!(
                "{} in the SDK, {} in the spec",
                if s.nullable {
                    "nullable"
                } else {
                    "not nullable"
                },
                if p.nullable {
                    "nullable"
                } else {
                    "not nullable"
                }
            ),
        );
    }
    let deviates = p.deviation.is_some();
    if s.read_only && !p.read_only {
        push(
            Class::Breaking,
            "read-only in the SDK, writable in the spec".into(),
        );
    } else if p.read_only && !s.read_only && !deviates {
        push(
            Class::Compatible,
            "writable in the SDK, read-only in the spec".into(),
        );
    }
    if s.required && !p.required {
        push(
            Class::Breaking,
            "required in the SDK, optional in the spec".into(),
        );
    } else if p.required && !s.required && !deviates {
        push(
            Class::Breaking,
            "optional in the SDK, required in the spec".into(),
        );
    }
    if s.format != p.format && !(deviates && s.format.is_none()) {
        push(
            Class::Breaking,
            format!(
                "format {} in the SDK, {} in the spec",
                s.format.as_deref().unwrap_or("(none)"),
                p.format.as_deref().unwrap_or("(none)")
            ),
        );
    }
    for ((name, sv), (_, pv)) in s.limits.entries().into_iter().zip(p.limits.entries()) {
        if sv == pv || (deviates && sv.is_none()) {
            continue;
        }
        let tighter = match (sv, pv) {
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(a), Some(b)) if name.starts_with("max") => a < b,
            (Some(a), Some(b)) => a > b,
            (None, None) => false,
        };
        let show = |v: Option<f64>| v.map_or("(none)".to_owned(), |v| v.to_string());
        push(
            if tighter {
                Class::Breaking
            } else {
                Class::Compatible
            },
            format!("{name} {} in the SDK, {} in the spec", show(sv), show(pv)),
        );
    }
    match (&s.deprecation, &p.deprecation) {
        (Some(sd), None) => push(
            Class::Deprecation,
            format!(
                "deprecated in the SDK{}{}",
                sd.removal_date
                    .as_ref()
                    .map(|d| format!(", removal on {d}"))
                    .unwrap_or_default(),
                sd.replaced_by
                    .as_ref()
                    .map(|r| format!(", replaced by {r}"))
                    .unwrap_or_default()
            ),
        ),
        (None, Some(_)) => push(Class::Compatible, "no longer deprecated in the SDK".into()),
        (Some(sd), Some(pd)) if sd != pd => push(
            Class::Deprecation,
            format!(
                "deprecation: SDK removal {} / replacement {}, spec {} / {}",
                sd.removal_date.as_deref().unwrap_or("(none)"),
                sd.replaced_by.as_deref().unwrap_or("(none)"),
                pd.removal_date.as_deref().unwrap_or("(none)"),
                pd.replaced_by.as_deref().unwrap_or("(none)")
            ),
        ),
        _ => {}
    }
}

fn compare_operation(cx: &mut Cx, id: &str, s: &Operation, p: &Operation) {
    let mut push = |class: Class, kind: &'static str, change: String| {
        cx.push(
            class,
            kind,
            id.to_owned(),
            change,
            Some(&s.at),
            Some(&p.at),
            Target::Operation(id.to_owned()),
        );
    };
    if (s.method.as_str(), s.path.as_str()) != (p.method.as_str(), p.path.as_str()) {
        push(
            Class::Breaking,
            "operation",
            format!(
                "route is {} {} in the SDK, {} {} in the spec",
                s.method, s.path, p.method, p.path
            ),
        );
    }
    if s.path_params != p.path_params {
        push(
            Class::Breaking,
            "parameter",
            format!(
                "path parameters {:?} in the SDK, {:?} in the spec",
                s.path_params, p.path_params
            ),
        );
    }
    for q in &s.query_params {
        if !p.query_params.contains(q) {
            push(
                Class::Compatible,
                "parameter",
                format!("query parameter `{q}` in the SDK, not in the spec"),
            );
        }
    }
    for q in &p.query_params {
        if !s.query_params.contains(q) {
            push(
                Class::Breaking,
                "parameter",
                format!("query parameter `{q}` in the spec, not in the SDK"),
            );
        }
    }
    if s.request != p.request {
        push(
            Class::Breaking,
            "operation",
            format!(
                "request type {:?} in the SDK, {:?} in the spec",
                s.request, p.request
            ),
        );
    }
    if s.response != p.response {
        push(
            Class::Breaking,
            "operation",
            format!(
                "response type {:?} in the SDK, {:?} in the spec",
                s.response, p.response
            ),
        );
    }
    if s.permission != p.permission {
        push(
            Class::Breaking,
            "permission",
            format!(
                "permission {:?} in the SDK, {:?} in the spec",
                s.permission, p.permission
            ),
        );
    }
    if s.method_fqn.is_some() && s.method_fqn != p.method_fqn {
        push(
            Class::Docs,
            "operation",
            format!(
                "method {:?} in the SDK, {:?} in the spec",
                s.method_fqn, p.method_fqn
            ),
        );
    }
    for (code, _) in &s.errors {
        if !p.errors.iter().any(|(c, _)| c == code) {
            push(
                Class::Compatible,
                "error code",
                format!("error code {code} in the SDK, not in the spec"),
            );
        }
    }
    for (code, _) in &p.errors {
        if !s.errors.iter().any(|(c, _)| c == code) {
            push(
                Class::Breaking,
                "error code",
                format!("error code {code} in the spec, not in the SDK"),
            );
        }
    }
}

fn compare_event(cx: &mut Cx, event_type: &str, s: &Event, p: &Event) {
    let mut push = |class: Class, change: String| {
        cx.push(
            class,
            "event",
            event_type.to_owned(),
            change,
            Some(&s.at),
            Some(&p.at),
            Target::Event(event_type.to_owned()),
        );
    };
    if s.payload != p.payload {
        push(
            Class::Breaking,
            format!(
                "payload {} in the SDK, {} in the spec",
                s.payload.as_deref().unwrap_or("(none)"),
                p.payload.as_deref().unwrap_or("(none)")
            ),
        );
    }
    if !s.slug.is_empty() && s.slug != p.slug {
        push(
            Class::Breaking,
            format!("slug {} in the SDK, {} in the spec", s.slug, p.slug),
        );
    }
    if s.permission.is_some() && s.permission != p.permission {
        push(
            Class::Breaking,
            format!(
                "permission {:?} in the SDK, {:?} in the spec",
                s.permission, p.permission
            ),
        );
    }
    if s.entity_fqdn.is_some() && s.entity_fqdn != p.entity_fqdn {
        push(
            Class::Docs,
            format!(
                "entity {:?} in the SDK, {:?} in the spec",
                s.entity_fqdn, p.entity_fqdn
            ),
        );
    }
}

/// A deprecated item whose removal date has passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassedRemoval {
    /// `Type.field`.
    pub item: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Where.
    pub at: String,
}

impl fmt::Display for PassedRemoval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "warning: `{}`: removal date passed on {}: expect Wix to drop it ({})",
            self.item, self.date, self.at
        )
    }
}

/// Deprecated fields of `model` whose removal date is before `today` (`YYYY-MM-DD`).
pub fn passed_removals(model: &Model, today: &str) -> Vec<PassedRemoval> {
    let mut out = Vec::new();
    for (key, t) in &model.types {
        let Body::Object { fields, .. } = &t.body else {
            continue;
        };
        for f in fields {
            if let Some(date) = f.deprecation.as_ref().and_then(|d| d.removal_date.as_ref()) {
                if date.as_str() < today {
                    out.push(PassedRemoval {
                        item: format!("{key}.{}", f.name),
                        date: date.clone(),
                        at: f.at.clone(),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::model::{Deprecation, Limits, Shape};
    use super::*;

    fn field(name: &str, shape: Shape) -> Field {
        Field {
            name: name.into(),
            shape,
            nullable: false,
            read_only: false,
            required: false,
            format: None,
            limits: Limits::default(),
            deprecation: None,
            description: String::new(),
            spec_only: None,
            deviation: None,
            at: String::new(),
        }
    }

    fn object(fields: Vec<Field>) -> Model {
        let mut model = Model::default();
        model.types.insert(
            "Thing".into(),
            Type {
                wix_name: "Thing".into(),
                package: None,
                description: String::new(),
                body: Body::Object {
                    fields,
                    oneofs: Vec::new(),
                },
                spec_only: None,
                at: "#/components/schemas/Thing".into(),
            },
        );
        model
    }

    fn classes(sdk: Vec<Field>, spec: Vec<Field>) -> Vec<(Class, String)> {
        compare(&object(sdk), &object(spec))
            .into_iter()
            .map(|d| (d.class, d.change))
            .collect()
    }

    #[test]
    fn both_sides_are_compared() {
        let a = field("a", Shape::String);
        let b = field("b", Shape::String);
        let found = classes(vec![a.clone()], vec![b.clone()]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.contains(&(
            Class::Compatible,
            "string in the SDK, not in the spec".into()
        )));
        assert!(found.contains(&(
            Class::Breaking,
            "in the spec, not in the SDK (removed by Wix?)".into()
        )));
        // A spec-only field with its reason is not a difference.
        let mut kept = b;
        kept.spec_only = Some("documented".into());
        assert_eq!(classes(vec![a.clone()], vec![a, kept]), vec![]);
    }

    #[test]
    fn a_new_required_field_breaks() {
        let mut a = field("a", Shape::String);
        a.required = true;
        assert_eq!(classes(vec![a], vec![])[0].0, Class::Breaking);
    }

    #[test]
    fn tighter_limits_break_and_looser_ones_do_not() {
        let mut sdk = field("a", Shape::String);
        let mut spec = sdk.clone();
        sdk.limits.max_length = Some(10.0);
        spec.limits.max_length = Some(20.0);
        assert_eq!(
            classes(vec![sdk.clone()], vec![spec.clone()])[0].0,
            Class::Breaking
        );
        assert_eq!(
            classes(vec![spec.clone()], vec![sdk.clone()])[0].0,
            Class::Compatible
        );
        // A documented limit the SDK does not tag is kept when the property says why.
        let mut documented = spec.clone();
        documented.deviation = Some("documented".into());
        let mut untagged = sdk;
        untagged.limits.max_length = None;
        assert_eq!(classes(vec![untagged], vec![documented]), vec![]);
    }

    #[test]
    fn deviations_allow_a_stricter_spec_only() {
        let sdk = field("a", Shape::String);
        let mut spec = sdk.clone();
        spec.required = true;
        spec.read_only = true;
        assert_eq!(classes(vec![sdk.clone()], vec![spec.clone()]).len(), 2);
        spec.deviation = Some("the docs say so".into());
        assert_eq!(classes(vec![sdk.clone()], vec![spec.clone()]), vec![]);
        // The SDK being stricter is still reported.
        let mut strict = sdk;
        strict.read_only = true;
        strict.required = true;
        let mut loose = strict.clone();
        loose.read_only = false;
        loose.required = false;
        loose.deviation = Some("x".into());
        assert_eq!(classes(vec![strict], vec![loose]).len(), 2);
    }

    #[test]
    fn a_json_string_matches_its_object_or_a_string() {
        let spec = field("identity", Shape::JsonString("Identity".into()));
        assert_eq!(
            classes(
                vec![field("identity", Shape::Ref("Identity".into()))],
                vec![spec.clone()]
            ),
            vec![]
        );
        assert_eq!(
            classes(vec![field("identity", Shape::String)], vec![spec.clone()]),
            vec![]
        );
        assert_eq!(
            classes(vec![field("identity", Shape::Number)], vec![spec])[0].0,
            Class::Breaking
        );
    }

    #[test]
    fn deprecation_is_its_own_class() {
        let spec = field("a", Shape::String);
        let mut sdk = spec.clone();
        sdk.deprecation = Some(Deprecation {
            removal_date: Some("2027-01-01".into()),
            replaced_by: Some("b".into()),
        });
        let found = classes(vec![sdk.clone()], vec![spec]);
        assert_eq!(found[0].0, Class::Deprecation);
        assert!(found[0].1.contains("2027-01-01"), "{found:?}");
        let removals = passed_removals(&object(vec![sdk]), "2027-01-02");
        assert_eq!(removals.len(), 1);
        assert!(removals[0]
            .to_string()
            .contains("removal date passed on 2027-01-01"));
        assert!(passed_removals(&object(vec![]), "2027-01-02").is_empty());
    }
}
