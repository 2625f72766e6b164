//! The TypeScript bindings (ts-rs, `ui/src/bindings`) describe the JSON serde writes: checked
//! here on the types whose JSON is not their Rust shape (`Step`, `Assertion`), on tagged unions
//! and string enums, and for numbers that ts-rs would otherwise type as `bigint`.

use std::any::TypeId;
use std::collections::BTreeSet;

use regex::Regex;
use serde::Serialize;
use serde_json::json;
use ts_rs::{Config, TS, TypeVisitor};

use crate::auth::AuthMethod;
use crate::connection::ConnectionReport;
use crate::discovery::{Discovery, MetadataSource};
use crate::findings::Severity;
use crate::jwt::decode;
use crate::report::diff::RunDiff;
use crate::response::{BodyProblem, Outcome};
use crate::scenario::graph::Graph;
use crate::scenario::model::{
    Action, Assertion, ClaimCheck, Collection, ExchangeStep, FirstGrant, InspectStep,
    IntrospectStep, Step, TokenStep,
};
use crate::scenario::record::{RunRecord, StepStatus};
use crate::scenario::token_diff::TokenDiff;

/// The declaration of `T` as exported, comments removed.
fn declaration<T: TS>() -> String {
    let comments = Regex::new(r"(?s)/\*\*.*?\*/").expect("a valid pattern");
    comments
        .replace_all(&T::decl(&Config::new()), "")
        .into_owned()
}

/// The fields of an object type's declaration: name, and whether it may be left out (`name?:`).
fn ts_fields(declaration: &str) -> Vec<(String, bool)> {
    let field = Regex::new(r"[{,]\s*(\w+)(\??):").expect("a valid pattern");
    field
        .captures_iter(declaration)
        .map(|c| (c[1].to_string(), !c[2].is_empty()))
        .collect()
}

/// Every key of `value`'s JSON is a field of `T`'s TypeScript, and every field TypeScript
/// requires is there.
fn assert_same_keys<T: TS + Serialize>(value: &T) {
    let decl = declaration::<T>();
    let fields = ts_fields(&decl);
    let json = serde_json::to_value(value).expect("serializes");
    let keys: BTreeSet<&str> = json
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    for key in &keys {
        assert!(
            fields.iter().any(|(name, _)| name == key),
            "{json} has `{key}`, which the TypeScript lacks: {decl}"
        );
    }
    for (name, _) in fields.iter().filter(|(_, optional)| !optional) {
        assert!(
            keys.contains(name.as_str()),
            "the TypeScript requires `{name}`, which {json} lacks: {decl}"
        );
    }
}

/// The string `value` serializes to is one of the literals of `T`'s TypeScript.
fn assert_literal<T: TS + Serialize>(value: &T, tag: Option<&str>) {
    let decl = declaration::<T>();
    let json = serde_json::to_value(value).expect("serializes");
    let (text, literal) = match tag {
        Some(tag) => {
            let v = json[tag].as_str().expect("a tag").to_string();
            (v.clone(), format!("\"{tag}\": \"{v}\""))
        }
        None => {
            let v = json.as_str().expect("a string").to_string();
            (v.clone(), format!("\"{v}\""))
        }
    };
    assert!(decl.contains(&literal), "{text:?} is not in {decl}");
}

fn steps() -> Vec<Step> {
    let step = |id: &str, action: Action, assertions: Vec<Assertion>| Step {
        id: id.into(),
        name: format!("step {id}"),
        notes: (id == "token").then(|| "why this step".to_string()),
        action,
        assertions,
        retry: None,
        cache: None,
        cache_margin_secs: None,
        repeat: None,
    };
    vec![
        step(
            "token",
            Action::Token(TokenStep {
                client: "web-app".into(),
                grant: FirstGrant::Password,
                username: Some("alice".into()),
                password: Some("{{secret.alice}}".into()),
                refresh_token: None,
                assertion: None,
                requested_token_use: None,
                audience: vec!["orders-api".into()],
                resource: Vec::new(),
                scope: Some("orders:read".into()),
                params: Default::default(),
                omit: Vec::new(),
            }),
            vec![Assertion::Status(200)],
        ),
        step(
            "exchange",
            Action::Exchange(ExchangeStep {
                client: "order-service".into(),
                subject_token: "{{steps.token.access_token}}".into(),
                subject_token_type: "access_token".into(),
                actor_token: None,
                actor_token_type: None,
                requested_token_type: None,
                audience: Vec::new(),
                resource: Vec::new(),
                scope: None,
                params: Default::default(),
                omit: Vec::new(),
            }),
            Vec::new(),
        ),
        step(
            "introspect",
            Action::Introspect(IntrospectStep {
                client: "order-service".into(),
                token: "{{steps.exchange.access_token}}".into(),
                token_type_hint: None,
            }),
            Vec::new(),
        ),
        step(
            "inspect",
            Action::Inspect(InspectStep {
                token: "{{steps.exchange.access_token}}".into(),
                server: None,
            }),
            Vec::new(),
        ),
    ]
}

fn assertions() -> Vec<Assertion> {
    let claim = |check| Assertion::Claim {
        path: "act.sub".into(),
        check,
    };
    vec![
        Assertion::Status(400),
        Assertion::Error("invalid_target".into()),
        claim(ClaimCheck::Equals(json!("order-service"))),
        claim(ClaimCheck::Contains(json!(["a"]))),
        claim(ClaimCheck::Matches("^o".into())),
        claim(ClaimCheck::Exists),
        claim(ClaimCheck::Absent),
        Assertion::ScopeSubsetOf(vec!["a".into()]),
        Assertion::ScopeSubsetOfSubject,
        Assertion::AudContains("payments-api".into()),
        Assertion::SubPreserved,
        Assertion::ActChain(vec!["b".into(), "a".into()]),
        Assertion::ActDepth(2),
        Assertion::NoFindingsAtOrAbove(Severity::Warning),
    ]
}

#[test]
fn a_step_is_typed_as_the_fields_it_is_written_with() {
    for step in steps() {
        assert_same_keys(&step);
    }
    let json = serde_json::to_value(&steps()[0]).expect("serializes");
    assert_eq!(
        json,
        json!({"id": "token", "name": "step token", "notes": "why this step",
            "token": {"client": "web-app", "grant": "password", "username": "alice",
                "password": "{{secret.alice}}", "audience": ["orders-api"], "scope": "orders:read"},
            "assert": [{"status": 200}]})
    );
    let decl = declaration::<Step>();
    assert!(decl.contains("assert?: Array<Assertion>"), "{decl}");
    assert!(decl.contains("exchange?: ExchangeStep | null"), "{decl}");
}

#[test]
fn an_assertion_is_typed_as_the_table_it_is_written_as() {
    for assertion in assertions() {
        assert_same_keys(&assertion);
    }
    let decl = declaration::<Assertion>();
    assert!(decl.contains("equals?: JsonValue | null"), "{decl}");
    assert!(decl.contains("act_depth?: number | null"), "{decl}");
}

#[test]
fn tagged_unions_and_string_enums_use_the_serialized_names() {
    assert_literal(&decode("opaque-token"), Some("kind"));
    assert_literal(&decode("eyJhbGciOiJub25lIn0.e30."), Some("kind"));
    assert_literal(
        &Outcome::Unreadable {
            problem: BodyProblem::NoErrorMember,
            preview: String::new(),
            detail: None,
        },
        Some("kind"),
    );
    assert_literal(&BodyProblem::NoErrorMember, None);
    for source in [MetadataSource::Rfc8414, MetadataSource::OpenIdConnect] {
        assert_literal(&source, None);
    }
    for method in [AuthMethod::ClientSecretBasic, AuthMethod::PrivateKeyJwt] {
        assert_literal(&method, None);
    }
    assert_literal(&StepStatus::Skipped, None);
    assert_literal(&Severity::Warning, None);
}

/// Collects the declaration of every exported type reachable from a root.
struct Declarations {
    seen: BTreeSet<TypeId>,
    found: Vec<(String, String)>,
}

impl TypeVisitor for Declarations {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        if T::output_path().is_some() {
            let cfg = Config::new();
            self.found.push((T::name(&cfg), T::decl(&cfg)));
        }
        T::visit_dependencies(self);
    }
}

#[test]
fn no_binding_types_a_json_number_as_bigint() {
    let mut visitor = Declarations {
        seen: BTreeSet::new(),
        found: Vec::new(),
    };
    visitor.visit::<Collection>();
    visitor.visit::<RunRecord>();
    visitor.visit::<Graph>();
    visitor.visit::<TokenDiff>();
    visitor.visit::<RunDiff>();
    visitor.visit::<Discovery>();
    visitor.visit::<ConnectionReport>();
    let names: Vec<&str> = visitor.found.iter().map(|(n, _)| n.as_str()).collect();
    for expected in [
        "Step",
        "Assertion",
        "StepRecord",
        "Jwt",
        "Outcome",
        "JsonValue",
        "ConnectionCheck",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} not reached: {names:?}"
        );
    }
    for (name, decl) in &visitor.found {
        assert!(
            !decl.contains("bigint"),
            "{name} has a bigint; JSON gives a number, so annotate the field \
             #[ts(type = \"number\")]: {decl}"
        );
    }
}
