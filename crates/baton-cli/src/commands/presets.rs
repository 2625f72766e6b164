//! `baton presets`: the provider presets, listed or shown one at a time.

use std::fmt::Write;

use baton_core::preset::{ActorSupport, Preset};

use crate::cli::PresetsArgs;
use crate::error::{CliError, usage};

pub fn run(args: &PresetsArgs) -> Result<(), CliError> {
    let text = match &args.id {
        None if args.json => serde_json::to_string_pretty(Preset::all())
            .map(|j| j + "\n")
            .map_err(|e| usage(e.to_string()))?,
        None => list(),
        Some(id) => {
            let preset = Preset::get(id).map_err(|e| usage(e.to_string()))?;
            if args.json {
                serde_json::to_string_pretty(preset)
                    .map(|j| j + "\n")
                    .map_err(|e| usage(e.to_string()))?
            } else {
                show(preset)
            }
        }
    };
    print!("{text}");
    Ok(())
}

fn list() -> String {
    let mut out = String::new();
    let width = Preset::all().iter().map(|p| p.id.len()).max().unwrap_or(0);
    for preset in Preset::all() {
        let params: Vec<&str> = preset.parameters.iter().map(|p| p.name.as_str()).collect();
        let _ = writeln!(
            out,
            "{:width$}  {}  [{}]",
            preset.id,
            preset.name,
            params.join(", ")
        );
    }
    out.push_str(
        "\nShow one with `baton presets ID`. Presets follow each provider's documentation; none is verified against the real service.\n",
    );
    out
}

fn show(preset: &Preset) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({})\n{}\n",
        preset.name, preset.id, preset.description
    );
    out.push_str("Parameters (--preset-param NAME=VALUE):\n");
    for p in &preset.parameters {
        let _ = writeln!(out, "  {}  {} (e.g. {})", p.name, p.description, p.example);
    }
    out.push_str("\nEndpoints:\n");
    for (name, template) in preset.endpoints.templates() {
        let _ = writeln!(out, "  {name:13} {template}");
    }
    let rules = &preset.rules;
    out.push_str("\nRules:\n");
    let _ = writeln!(out, "  grant_type    {}", rules.grant_type);
    if let Some(note) = &rules.grant_note {
        let _ = writeln!(out, "                {note}");
    }
    for r in &rules.required {
        let value = r
            .value
            .as_deref()
            .map(|v| format!("={v}"))
            .unwrap_or_default();
        let _ = writeln!(out, "  required      {}{value}: {}", r.param, r.why);
    }
    for f in &rules.forbidden {
        let _ = writeln!(out, "  forbidden     {}: {}", f.param, f.why);
    }
    for f in &rules.forbidden_values {
        let _ = writeln!(out, "  forbidden     {}={}: {}", f.param, f.value, f.why);
    }
    for f in &rules.forbidden_prefixes {
        let _ = writeln!(
            out,
            "  forbidden     {} starting with {}: {}",
            f.param,
            f.prefixes.join(", "),
            f.why
        );
    }
    for (label, types) in [
        ("subject types", &rules.subject_token_types),
        ("requested", &rules.requested_token_types),
    ] {
        for t in types {
            let needs = if t.needs_actor {
                " (with an actor token)"
            } else {
                ""
            };
            let note = t
                .note
                .as_deref()
                .map(|n| format!(": {n}"))
                .unwrap_or_default();
            let _ = writeln!(out, "  {label:13} {}{needs}{note}", t.uri);
        }
    }
    let methods: Vec<&str> = rules.auth_methods.iter().map(|m| m.as_str()).collect();
    let _ = writeln!(
        out,
        "  client auth   {}{}",
        if methods.is_empty() {
            "not documented".to_string()
        } else {
            methods.join(", ")
        },
        rules
            .auth_note
            .as_deref()
            .map(|n| format!(": {n}"))
            .unwrap_or_default()
    );
    let actor = match rules.actor {
        ActorSupport::Supported => "supported",
        ActorSupport::NotSupported => "not supported",
        ActorSupport::Undocumented => "not documented",
    };
    let act = match rules.issues_act {
        Some(true) => "; issued tokens carry act",
        Some(false) => "; issued tokens carry no act",
        None => "",
    };
    let _ = writeln!(
        out,
        "  actor_token   {actor}{act}{}",
        rules
            .actor_note
            .as_deref()
            .map(|n| format!(": {n}"))
            .unwrap_or_default()
    );
    if !rules.extensions.is_empty() {
        out.push_str("\nNon-standard parameters:\n");
        for e in &rules.extensions {
            let _ = writeln!(out, "  {}: {}", e.param, e.meaning);
        }
    }
    if !preset.errors.is_empty() {
        out.push_str("\nKnown errors:\n");
        for e in &preset.errors {
            let mut matcher = e.error.clone();
            if let Some(c) = &e.description_contains {
                let _ = write!(matcher, " \"{c}\"");
            }
            if let Some(r) = &e.description_regex {
                let _ = write!(matcher, " /{r}/");
            }
            let _ = writeln!(out, "  {matcher}\n    → {}", e.advice);
        }
    }
    out.push_str("\nSources:\n");
    for s in &preset.sources {
        let _ = writeln!(out, "  {s}");
    }
    if !preset.verified_against_real_service {
        out.push_str("\nTaken from the documentation; not verified against the real service.\n");
    }
    out
}
