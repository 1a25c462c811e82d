//! `ir::Event`s -> `events.rs`: one enum of every webhook event, keyed by Wix's event type
//! string, with a variant that keeps an event this version does not know.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, Docs};
use super::types::{ident, rust_type};
use crate::ir;

pub(crate) fn emit_events(api: &ir::Api, docs: &Docs) -> TokenStream {
    let variants = api.events.iter().map(|e| {
        let name = ident(&e.name);
        let ty = rust_type(&e.payload);
        let mut lines = if e.doc.is_empty() {
            vec![format!("The `{}` event.", e.event_type)]
        } else {
            e.doc.clone()
        };
        lines.push(String::new());
        lines.push(format!(
            "Event type `{}` (entity `{}`, slug `{}`).",
            e.event_type, e.entity_fqdn, e.slug
        ));
        let doc = doc_attrs(docs, &lines);
        quote! {
            #doc
            #name(#ty),
        }
    });
    let types = api.events.iter().map(|e| e.event_type.as_str());
    let type_arms = api.events.iter().map(|e| {
        let name = ident(&e.name);
        let event_type = &e.event_type;
        quote!(Self::#name(_) => #event_type,)
    });
    let decode_arms = api.events.iter().map(|e| {
        let name = ident(&e.name);
        let event_type = &e.event_type;
        quote!(#event_type => serde_json::from_value(body).map(Self::#name),)
    });
    let derives = docs.derives(&["Clone", "Debug"], &[]);
    quote! {
        //! Webhook events of the API, keyed by Wix's event type string.
        use super::types::*;
        use crate::runtime::prelude::*;

        /// A webhook event's payload, by event type.
        ///
        /// An event type this version does not know is delivered as `Unrecognized` with its raw
        /// JSON, never as an error; add it to the spec and run `cargo xtask regen` to type it.
        #derives
        #[non_exhaustive]
        pub enum Event {
            #(#variants)*
            /// An event type this version of the client does not know yet.
            Unrecognized {
                /// Wix's event type string, as delivered.
                event_type: String,
                /// The event's payload, undecoded.
                body: Value,
            },
        }

        impl Event {
            /// Every event type string this version knows.
            pub const EVENT_TYPES: &'static [&'static str] = &[#(#types),*];

            /// Wix's event type string of this event.
            pub fn event_type(&self) -> &str {
                match self {
                    #(#type_arms)*
                    Self::Unrecognized { event_type, .. } => event_type,
                }
            }

            /// Decodes the payload `body` of an event of type `event_type`.
            ///
            /// Older deliveries spell event types with `-` where newer ones use `_`; both match.
            /// Fails only when a known event's payload does not fit its type.
            pub fn from_body(event_type: &str, body: Value) -> Result<Self, serde_json::Error> {
                let normalized = event_type.replace('-', "_");
                match normalized.as_str() {
                    #(#decode_arms)*
                    _ => Ok(Self::Unrecognized { event_type: event_type.to_owned(), body }),
                }
            }
        }
    }
}
