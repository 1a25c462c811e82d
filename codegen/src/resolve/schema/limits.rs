//! Documented limits (`minLength`, `maximum`, ...) and formats of a schema.

use super::*;

pub(super) fn limits_of(schema: &Schema) -> ir::Limits {
    let mut limits = ir::Limits::default();
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            limits.min_length = s.min_length;
            limits.max_length = s.max_length;
            limits.format = format_name(&s.format, |f| match f {
                StringFormat::Date => "date",
                StringFormat::DateTime => "date-time",
                StringFormat::Password => "password",
                StringFormat::Byte => "byte",
                StringFormat::Binary => "binary",
            });
        }
        SchemaKind::Type(Type::Integer(i)) => {
            limits.minimum = i.minimum.map(|v| v as f64);
            limits.maximum = i.maximum.map(|v| v as f64);
            limits.format = format_name(&i.format, |f| match f {
                IntegerFormat::Int32 => "int32",
                IntegerFormat::Int64 => "int64",
            });
        }
        SchemaKind::Type(Type::Number(n)) => {
            limits.minimum = n.minimum;
            limits.maximum = n.maximum;
            limits.format = format_name(&n.format, |f| match f {
                NumberFormat::Float => "float",
                NumberFormat::Double => "double",
            });
        }
        SchemaKind::Type(Type::Array(a)) => {
            limits.min_items = a.min_items;
            limits.max_items = a.max_items;
        }
        _ => {}
    }
    limits
}

pub(super) fn format_name<T>(
    format: &VariantOrUnknownOrEmpty<T>,
    known: impl Fn(&T) -> &'static str,
) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(f) => Some(known(f).to_owned()),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(yaml: &str) -> ir::Limits {
        limits_of(&serde_yaml::from_str(yaml).expect("a schema"))
    }

    #[test]
    fn limits_and_formats_are_read() {
        let s = limits("type: string\nminLength: 1\nmaxLength: 20\nformat: uuid");
        assert_eq!(
            (s.min_length, s.max_length, s.format.as_deref()),
            (Some(1), Some(20), Some("uuid"))
        );
        let i = limits("type: integer\nminimum: 0\nmaximum: 100\nformat: int32");
        assert_eq!(
            (i.minimum, i.maximum, i.format.as_deref()),
            (Some(0.0), Some(100.0), Some("int32"))
        );
        let n = limits("type: number\nmaximum: 1.5\nformat: float");
        assert_eq!((n.maximum, n.format.as_deref()), (Some(1.5), Some("float")));
        let a = limits("type: array\nminItems: 1\nmaxItems: 3\nitems: {type: string}");
        assert_eq!((a.min_items, a.max_items), (Some(1), Some(3)));
        assert!(limits("type: boolean").is_empty());
        assert!(limits("type: object").is_empty());
    }
}
