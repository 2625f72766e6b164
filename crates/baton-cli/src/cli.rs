//! The command line: every command, its options, and an example for each.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "baton",
    version,
    about = "Explore and test OAuth 2.0 Token Exchange (RFC 8693)",
    after_help = "Exit codes: 0 success; 1 the server refused (OAuth error), sent an unreadable response, or a token failed verification; 2 bad command line or input; 3 the server could not be reached, timed out, or TLS failed; 4 findings reached the severity --fail-on names.\n\nSecrets (client secrets, passwords, refresh tokens) are read from environment variables named with --*-env, or prompted for on a terminal; they are never taken from the command line and never printed."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the lab token service on 127.0.0.1 until Ctrl-C.
    #[command(
        after_help = "Examples:\n  baton sts\n  baton sts --port 8787 --deterministic\n  baton sts --policy my-lab.toml\n  baton sts --fault slow=800 --fault flaky=0.5     # fail on purpose: see the [faults] of the policy"
    )]
    Sts(StsArgs),
    /// Obtain a first token: client credentials, password, refresh token, a user's sign-in
    /// (authorization code with PKCE), a device approval, or a JWT grant (on-behalf-of).
    #[command(
        mut_arg("server", |a| a.required_unless_present_any(["issuer", "preset"])),
        after_help = "Examples (against `baton sts --port 8787`):\n  export WEB_APP_SECRET=web-app-secret ALICE_PASSWORD=alice-password\n  baton token --server http://127.0.0.1:8787/token --client-id web-app --client-secret-env WEB_APP_SECRET \\\n      --grant password --username alice --password-env ALICE_PASSWORD --scope 'orders:read payments:charge'\n  SUBJECT=$(baton token ... --print-token)\n\n  # a user signs in through the browser (authorization code + PKCE, loopback redirect):\n  baton token --issuer http://127.0.0.1:8787 --client-id signin-app --grant authorization-code --scope 'openid orders:read'\n  # no browser here: print the address, or use the device grant\n  baton token --issuer http://127.0.0.1:8787 --client-id signin-app --grant authorization-code --no-browser\n  baton token --issuer http://127.0.0.1:8787 --client-id signin-app --grant device-code --scope orders:read\n  # Entra ID's on-behalf-of, from its preset:\n  baton token --preset entra --preset-param tenant=contoso.onmicrosoft.com --client-id API_ID --client-secret-env API_SECRET \\\n      --auth post --grant jwt-bearer --assertion \"$TOKEN_A\" --requested-token-use on_behalf_of --scope https://graph.microsoft.com/user.read\n  # a DPoP-bound token (RFC 9449):\n  baton token --issuer http://127.0.0.1:8787 --client-id dpop-app --client-secret-env DPOP_APP_SECRET --dpop"
    )]
    Token(TokenArgs),
    /// Perform one token exchange (RFC 8693) and show the response, the issued token and findings.
    #[command(
        mut_arg("server", |a| a.required_unless_present_any(["issuer", "preset"])),
        after_help = "Example (delegation: order-service acts for alice):\n  export ORDER_SERVICE_SECRET=order-service-secret\n  baton exchange --issuer http://127.0.0.1:8787 --client-id order-service --client-secret-env ORDER_SERVICE_SECRET \\\n      --subject-token \"$SUBJECT\" --subject-token-type access_token \\\n      --actor-token \"$ACTOR\" --actor-token-type access_token \\\n      --audience payments-api --scope payments:charge\n\nToken types take the registered URIs or their aliases: access_token, refresh_token, id_token, jwt, saml1, saml2, id-jag.\nWith --curl the request is printed as a curl command (secrets masked) instead of being sent.\n\nWith --preset NAME (see `baton presets`) the provider's endpoints are filled from --preset-param NAME=VALUE, the request is checked against the provider's rules before it is sent, and a known error gets the provider's advice:\n  baton exchange --preset keycloak --preset-param base_url=https://sso.example.com --preset-param realm=acme \\\n      --client-id requester --client-secret-env REQUESTER_SECRET --subject-token \"$SUBJECT\" --audience target-client"
    )]
    Exchange(ExchangeArgs),
    /// List the provider presets, or show one: its parameters, endpoints, rules and known errors.
    #[command(
        after_help = "Examples:\n  baton presets\n  baton presets keycloak\n  baton presets entra --json\n\nPresets are taken from each provider's documentation and have not been verified against the real services."
    )]
    Presets(PresetsArgs),
    /// Decode a token without trusting it; verify it against a JWKS if one is given.
    #[command(
        after_help = "Examples:\n  baton inspect eyJhbGciOi...\n  pbpaste | baton inspect -\n  baton inspect \"$TOKEN\" --jwks http://127.0.0.1:8787/jwks --issuer http://127.0.0.1:8787"
    )]
    Inspect(InspectArgs),
    /// Run the scenarios of a collection file, a folder of them, or a collection in the store.
    #[command(
        after_help = "Examples:\n  baton run examples --sts                       # the demo collection against an in-process lab\n  baton run examples --sts --junit junit.xml --json run.json\n  baton run examples --sts --json shared.json --redact-tokens   # a report to share: no usable token, claims kept\n  baton run my-flows.baton.toml --env staging --filter 'refus'\n  baton run \"Baton demo\"                         # a collection saved in the store\n\nSecrets: {{secret.NAME}} comes from the environment variable BATON_SECRET_NAME (upper case, `-` and `.` as `_`), then the OS keyring (secrets the app put there), then the store's secret table, then (with --sts) the lab's demo credentials.\nExit codes: 0 every scenario passed; 1 a step or an assertion failed; 2 a collection could not be read or a reference does not resolve (nothing is sent); 4 every scenario passed but findings reached the severity --fail-on names."
    )]
    Run(RunArgs),
    /// Probe a token service: deliberate requests it must refuse or answer right, and a report card.
    #[command(
        after_help = "Examples:\n  baton probe examples/demo.baton.toml --sts        # the demo's [probe] against an in-process lab\n  baton probe my.baton.toml --env staging --var client_id=dyn-1234 --junit probes.xml\n  baton probe my.baton.toml --only chain --only response.token-type --markdown card.md\n  baton probe my.baton.toml --json probes.json --redact-tokens  # no usable token in the report\n  baton probe --list                                 # the catalogue; nothing is sent\n\nThe collection's [probe] section names the server, the clients whose roles the probes play and how the subject token is obtained (docs/collection-format.md). Secrets are found as for `baton run`.\nExit codes: 0 no error-severity probe failed; 1 one did; 2 the file, its [probe], the roles, a --var or an --only name is unusable (nothing is probed)."
    )]
    Probe(ProbeArgs),
    /// Draw the delegation graph of a JSON run report as SVG, PNG, Graphviz DOT or Mermaid.
    #[command(
        after_help = "Examples:\n  baton graph run.json > chain.svg\n  baton graph run.json --png -o chain.png\n  baton graph run.json --dot | dot -Tpng > chain.png\n  baton graph run.json --mermaid --filter agent-chain"
    )]
    Graph(GraphArgs),
    /// Show what changed between two JSON reports: run reports (claims, findings, assertion
    /// outcomes) or probe reports (the probes whose outcome changed).
    #[command(
        after_help = "Example:\n  baton run examples --sts --sts-port 8693 --json before.json\n  baton run examples --sts --sts-port 8693 --json after.json\n  baton diff before.json after.json\n\n  baton probe my.baton.toml --json monday.json\n  baton probe my.baton.toml --json tuesday.json\n  baton diff monday.json tuesday.json\n\nRun reports: timings are ignored; exit code 0 when nothing changed, 1 when something did.\nProbe reports: regressions (pass → fail) first, then fixes, then the rest; exit code 1 when a probe regressed, else 0."
    )]
    Diff(DiffArgs),
    /// Import a collection file into the store (replacing a collection of the same name).
    #[command(after_help = "Example:\n  baton import examples/demo.baton.toml")]
    Import(ImportArgs),
    /// Export a collection from the store as a plain file (secrets stay references).
    #[command(
        after_help = "Examples:\n  baton export \"Baton demo\" -o demo.baton.toml\n  baton export --list"
    )]
    Export(ExportArgs),
    /// Start the lab token service and walk through delegation and impersonation against it.
    #[command(
        after_help = "Example:\n  baton demo          # runs the demo, then keeps the lab running until Ctrl-C\n  baton demo --exit   # runs the demo and stops"
    )]
    Demo(DemoArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// A collection file (*.baton.toml), a folder of them, or the name of a collection in the store.
    pub target: String,
    /// The environment to resolve {{env.NAME}} from; the collection's first if not given.
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// Set a variable on top of the environment (repeatable), e.g. --var lab=http://127.0.0.1:8693.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Start the lab token service (deterministic) for the run; {{env.lab}} points at it.
    #[arg(long)]
    pub sts: bool,
    /// The lab's port with --sts; 0 picks a free one. Fix it to compare runs with `baton diff`.
    #[arg(long, default_value_t = 0, value_name = "PORT")]
    pub sts_port: u16,
    /// With --sts: the lab serves HTTPS with its own CA (which this run trusts) and mutual TLS;
    /// {{secret.mtls-app.certificate}} and {{secret.mtls-app.certificate_key}} are a client
    /// certificate for its mtls-app.
    #[arg(long, requires = "sts")]
    pub sts_tls: bool,
    /// Write a JUnit XML report (one test case per scenario).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write a JSON report: every run record and its graph.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Run only scenarios whose id or name matches this pattern (a case-insensitive regex).
    #[arg(long, value_name = "PATTERN")]
    pub filter: Option<String>,
    /// The store (SQLite); default: $BATON_STORE, else the app's data directory.
    #[arg(long, value_name = "FILE")]
    pub store: Option<PathBuf>,
    /// For steps that sign a user in: print the address instead of opening a browser.
    #[arg(long)]
    pub no_browser: bool,
    /// Also fail (exit code 4) when any step's findings reach this severity, even where every
    /// assertion passed: a check of a server's answers without writing assertions.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<crate::fail_on::FailOn>,
    /// Mask every token (access, issued, subject, actor, introspected) in the reports and the
    /// summary, in the raw HTTP and the token fields; decoded headers and claims stay readable.
    /// Refresh tokens are always masked. Runs saved in the store keep their tokens.
    #[arg(long)]
    pub redact_tokens: bool,
    /// Run this many scenarios at once (1–256). A scenario's steps stay in order; the output
    /// and the reports keep the collection's order, as if run one by one. Scenarios with a `lab`
    /// step or a user's sign-in run alone.
    #[arg(long, default_value_t = 1, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: u16,
    /// Run the scenarios once per row of this file: CSV with a header line, or a JSON array of
    /// objects. {{data.NAME}} is the row's NAME column; each run is reported with its row.
    #[arg(long, value_name = "FILE")]
    pub iteration_data: Option<PathBuf>,
    /// Stop at the first scenario that fails: no further scenario is started (those already
    /// running with --jobs finish and are reported).
    #[arg(long)]
    pub bail: bool,
    /// How long each request may take before it counts as no answer: 30, 30s or 500ms.
    #[arg(long, default_value = "30s", value_parser = duration, value_name = "DURATION")]
    pub timeout: std::time::Duration,
}

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// A collection file (*.baton.toml) with a [probe] section, a folder holding one, or the name
    /// of a collection in the store.
    #[arg(required_unless_present = "list")]
    pub target: Option<String>,
    /// The environment to resolve {{env.NAME}} from; the collection's first if not given.
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// Set a variable on top of the environment (repeatable), e.g. a client id a server
    /// registered dynamically: --var client_id=dyn-1234.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Run only this group (e.g. chain) or probe (e.g. chain.upstream-splice); repeatable.
    #[arg(long, value_name = "GROUP|ID")]
    pub only: Vec<String>,
    /// Write the JSON report (every probe with its outcome, reason and exchanges).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write a JUnit XML report (a test suite per group, a test case per probe).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write the report card as Markdown.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// List the probes (id, severity, title, RFC section) and exit; nothing is sent.
    #[arg(long)]
    pub list: bool,
    /// Start the lab token service for the run; {{env.lab}} points at it.
    #[arg(long)]
    pub sts: bool,
    /// The lab's port with --sts; 0 picks a free one.
    #[arg(long, default_value_t = 0, value_name = "PORT")]
    pub sts_port: u16,
    /// The store (SQLite); default: $BATON_STORE, else the app's data directory.
    #[arg(long, value_name = "FILE")]
    pub store: Option<PathBuf>,
    /// Mask every token the probes sent or received in the reports (the raw requests and
    /// responses). Refresh tokens are always masked. Probe runs saved in the store keep theirs.
    #[arg(long)]
    pub redact_tokens: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum GraphFormat {
    Svg,
    Dot,
    Mermaid,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// A JSON report written by `baton run --json`.
    pub report: PathBuf,
    /// Graphviz DOT instead of SVG.
    #[arg(long, conflicts_with_all = ["svg", "mermaid", "png"])]
    pub dot: bool,
    /// A Mermaid flowchart instead of SVG.
    #[arg(long, conflicts_with_all = ["svg", "dot", "png"])]
    pub mermaid: bool,
    /// The SVG drawing as a PNG image, at twice its size. Binary: give -o FILE or redirect
    /// standard output.
    #[arg(long, conflicts_with_all = ["svg", "dot", "mermaid"])]
    pub png: bool,
    /// SVG (the default).
    #[arg(long)]
    pub svg: bool,
    /// Where to write it; standard output if not given.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Only scenarios whose id or name matches this pattern (a case-insensitive regex).
    #[arg(long, value_name = "PATTERN")]
    pub filter: Option<String>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier JSON report (`baton run --json` or `baton probe --json`).
    pub before: PathBuf,
    /// The later JSON report, of the same kind.
    pub after: PathBuf,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The collection file (*.baton.toml).
    pub file: PathBuf,
    #[arg(long, value_name = "FILE")]
    pub store: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The collection's name.
    #[arg(required_unless_present = "list")]
    pub name: Option<String>,
    /// Where to write it; standard output if not given.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// List the store's collections instead.
    #[arg(long)]
    pub list: bool,
    #[arg(long, value_name = "FILE")]
    pub store: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct StsArgs {
    /// A policy file (TOML); the built-in demo policy if not given.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// The port to listen on (127.0.0.1 only); 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Fixed keys and a frozen clock, so the same requests always give the same tokens.
    #[arg(long)]
    pub deterministic: bool,
    /// Print the built-in policy (TOML) and exit, as a starting point for your own.
    #[arg(long)]
    pub print_policy: bool,
    /// Serve HTTPS with a certificate from a CA the lab makes at start, and accept client
    /// certificates (mutual TLS, RFC 8705). Its CA and a client certificate for mtls-app are
    /// written to --tls-dir.
    #[arg(long)]
    pub tls: bool,
    /// Where --tls writes ca.pem, mtls-app.pem and mtls-app-key.pem.
    #[arg(
        long,
        value_name = "DIR",
        default_value = "baton-lab-tls",
        requires = "tls"
    )]
    pub tls_dir: PathBuf,
    /// Fail on purpose (repeatable): `down` (connections refused), `slow=MS` (latency before
    /// every answer), `503=SECS` (every request 503 with Retry-After), `flaky=RATE` (that share
    /// of requests 503, 0 to 1), `skew=SECS` (the lab's clock ahead, or behind if negative).
    #[arg(long = "fault", value_name = "FAULT", allow_hyphen_values = true)]
    pub faults: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuthArg {
    /// client_secret_basic: id and secret in the Authorization header.
    Basic,
    /// client_secret_post: id and secret in the form body.
    Post,
    /// private_key_jwt (RFC 7523): an assertion signed with --private-key.
    PrivateKeyJwt,
    /// tls_client_auth (RFC 8705 §2.1): --client-cert from a CA the server trusts.
    Tls,
    /// self_signed_tls_client_auth (RFC 8705 §2.2): a self-signed --client-cert registered there.
    SelfSignedTls,
    /// A public client: client_id only.
    None,
}

/// Where to send the request and who Baton is there.
#[derive(Debug, Args)]
pub struct ServerArgs {
    /// The token endpoint URL.
    #[arg(
        long,
        value_name = "TOKEN_URL",
        required_unless_present = "issuer",
        conflicts_with = "issuer"
    )]
    pub server: Option<String>,
    /// The issuer URL: the token endpoint and JWKS are discovered (RFC 8414, then OpenID Connect).
    #[arg(long, value_name = "URL")]
    pub issuer: Option<String>,
    /// The client id Baton authenticates as.
    #[arg(long, value_name = "ID")]
    pub client_id: String,
    /// The environment variable holding the client secret (prompted for if needed and not given).
    #[arg(long, value_name = "VAR")]
    pub client_secret_env: Option<String>,
    /// Client authentication; by default basic with a secret, private-key-jwt with a key, else none.
    #[arg(long, value_enum)]
    pub auth: Option<AuthArg>,
    /// A PEM private key (RSA, P-256 or Ed25519) for private-key-jwt.
    #[arg(long, value_name = "FILE")]
    pub private_key: Option<PathBuf>,
    /// The kid to put in the client assertion's header.
    #[arg(long, value_name = "KID")]
    pub key_id: Option<String>,
    /// Seconds to wait for the server.
    #[arg(long, default_value_t = 30, value_name = "SECS")]
    pub timeout: u64,
    /// An extra CA certificate (PEM) to trust for this server. A self-signed server certificate
    /// named here is trusted as it is, even when it is marked as a CA.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// The largest response body Baton reads (bytes, or with KiB, MiB, GiB); a larger one is an
    /// error, and no more than this is held in memory.
    #[arg(long, default_value = "16MiB", value_parser = byte_size, value_name = "SIZE")]
    pub max_response_bytes: u64,
    /// A client certificate (PEM) for mutual TLS (RFC 8705); --client-key is its private key.
    #[arg(long, value_name = "FILE", requires = "client_key")]
    pub client_cert: Option<PathBuf>,
    /// The private key (PEM) of --client-cert.
    #[arg(long, value_name = "FILE", requires = "client_cert")]
    pub client_key: Option<PathBuf>,
    /// Send a DPoP proof (RFC 9449) with each request, with a key made for this command.
    #[arg(long)]
    pub dpop: bool,
    /// Send DPoP proofs with this P-256 private key (PEM) instead.
    #[arg(long, value_name = "FILE")]
    pub dpop_key: Option<PathBuf>,
}

/// What every token request shares: targets, scope, extra parameters and output.
#[derive(Debug, Args)]
pub struct RequestArgs {
    /// An audience (repeatable).
    #[arg(long, value_name = "A")]
    pub audience: Vec<String>,
    /// A resource URI (repeatable).
    #[arg(long, value_name = "URI")]
    pub resource: Vec<String>,
    /// The requested scope (space-separated).
    #[arg(long, value_name = "SCOPE")]
    pub scope: Option<String>,
    /// An extra form parameter, sent as given (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Print the request as a curl command instead of sending it.
    #[arg(long)]
    pub curl: bool,
    /// With --curl: include the secrets instead of masking them.
    #[arg(long, requires = "curl")]
    pub reveal_secrets: bool,
    /// Print the whole result as JSON.
    #[arg(long)]
    pub json: bool,
    /// Verify the issued token against this JWKS (URL or file); with --issuer the server's own.
    #[arg(long, value_name = "URL|FILE")]
    pub jwks: Option<String>,
    /// Exit with code 4 when the response (or, with --issuer, discovery) has findings of this
    /// severity or worse, though the request succeeded.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<crate::fail_on::FailOn>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GrantArg {
    ClientCredentials,
    Password,
    RefreshToken,
    /// A user signs in through the browser (authorization code with PKCE, RFC 7636).
    AuthorizationCode,
    /// The user approves on another device (RFC 8628).
    DeviceCode,
    /// A JWT as the grant (RFC 7523); Entra's on-behalf-of with --requested-token-use.
    JwtBearer,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    #[arg(long, value_enum, default_value = "client-credentials")]
    pub grant: GrantArg,
    /// The user, for the password grant.
    #[arg(long, required_if_eq("grant", "password"))]
    pub username: Option<String>,
    /// The environment variable holding the user's password (prompted for if not given).
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,
    /// The environment variable holding the refresh token (prompted for if not given).
    #[arg(long, value_name = "VAR")]
    pub refresh_token_env: Option<String>,
    /// The JWT presented by --grant jwt-bearer; `-` reads it from standard input.
    #[arg(long, value_name = "JWT", required_if_eq("grant", "jwt-bearer"))]
    pub assertion: Option<String>,
    /// With --grant jwt-bearer: requested_token_use, e.g. on_behalf_of (Entra ID).
    #[arg(long, value_name = "USE")]
    pub requested_token_use: Option<String>,
    /// With --grant authorization-code: print the sign-in address instead of opening a browser.
    #[arg(long)]
    pub no_browser: bool,
    /// Where users sign in; read from the issuer's metadata with --issuer.
    #[arg(long, value_name = "URL")]
    pub authorization_endpoint: Option<String>,
    /// RFC 8628's endpoint; read from the issuer's metadata with --issuer.
    #[arg(long, value_name = "URL")]
    pub device_authorization_endpoint: Option<String>,
    /// The loopback port for the sign-in redirect (http://127.0.0.1:PORT/callback); 0 picks a
    /// free one. Fix it for a server that registers the port.
    #[arg(long, default_value_t = 0, value_name = "PORT")]
    pub redirect_port: u16,
    /// Seconds to wait for the user to sign in or approve.
    #[arg(long, default_value_t = 300, value_name = "SECS")]
    pub sign_in_timeout: u64,
    #[command(flatten)]
    pub request: RequestArgs,
    /// Print only the issued token, for use in scripts.
    #[arg(long, conflicts_with = "json")]
    pub print_token: bool,
    /// A provider preset (`baton presets` lists them): fills the server's endpoints from
    /// --preset-param and checks the request against the provider's rules before sending.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["server", "issuer"])]
    pub preset: Option<String>,
    /// A preset's parameter (repeatable), e.g. --preset-param tenant=contoso.onmicrosoft.com.
    #[arg(long = "preset-param", value_name = "NAME=VALUE", requires = "preset")]
    pub preset_params: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ExchangeArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    /// The subject token; `-` reads it from standard input.
    #[arg(long, value_name = "TOKEN")]
    pub subject_token: String,
    /// The subject token's type (URI or alias).
    #[arg(long, value_name = "URI", default_value = "access_token")]
    pub subject_token_type: String,
    /// The actor token (delegation); `-` reads it from standard input.
    #[arg(long, value_name = "TOKEN")]
    pub actor_token: Option<String>,
    /// The actor token's type (URI or alias); access_token if an actor token is given without it.
    #[arg(long, value_name = "URI")]
    pub actor_token_type: Option<String>,
    /// The type of token wanted back (URI or alias).
    #[arg(long, value_name = "URI")]
    pub requested_token_type: Option<String>,
    #[command(flatten)]
    pub request: RequestArgs,
    /// Print only the issued token, for use in scripts.
    #[arg(long, conflicts_with = "json")]
    pub print_token: bool,
    /// A provider preset (`baton presets` lists them): fills the server's endpoints from
    /// --preset-param and checks the request against the provider's rules before sending.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["server", "issuer"])]
    pub preset: Option<String>,
    /// A preset's parameter (repeatable), e.g. --preset-param realm=acme.
    #[arg(long = "preset-param", value_name = "NAME=VALUE", requires = "preset")]
    pub preset_params: Vec<String>,
}

#[derive(Debug, Args)]
pub struct PresetsArgs {
    /// A preset's id; without it, every preset is listed.
    pub id: Option<String>,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The token; `-` reads it from standard input.
    pub token: String,
    /// Verify against this JWKS: a URL or a file.
    #[arg(long, value_name = "URL|FILE")]
    pub jwks: Option<String>,
    /// Verify a SAML 2.0 assertion against this certificate (PEM): a URL, such as the lab's
    /// /saml/certificate, or a file.
    #[arg(long, value_name = "URL|FILE")]
    pub saml_certificate: Option<String>,
    /// With --jwks: the issuer the token must name.
    #[arg(long, value_name = "ISS")]
    pub issuer: Option<String>,
    /// With --jwks or --saml-certificate: an audience the token must name.
    #[arg(long, value_name = "AUD")]
    pub audience: Option<String>,
    /// Clock skew tolerated on exp and nbf, in seconds.
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    pub leeway: i64,
    /// Check the token as an access token (RFC 9068 profile).
    #[arg(long)]
    pub access_token: bool,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Stop the lab when the demo has run instead of keeping it up.
    #[arg(long)]
    pub exit: bool,
    /// The port for the lab (127.0.0.1 only); 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
}

/// `16MiB`, `64 KiB`, `1000`: a byte count with an optional binary unit (K, M and G read as
/// KiB, MiB and GiB).
pub fn byte_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let bad = || format!("{text:?} is not a size like 16MiB, 512KiB or 1000000");
    let n: u64 = number.parse().map_err(|_| bad())?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1024,
        "m" | "mib" => 1024 * 1024,
        "g" | "gib" => 1024 * 1024 * 1024,
        _ => return Err(bad()),
    };
    let bytes = n
        .checked_mul(scale)
        .ok_or_else(|| format!("{text:?} is more bytes than Baton can count"))?;
    if bytes == 0 {
        return Err("a response of 0 bytes cannot be read; give a size like 16MiB".into());
    }
    Ok(bytes)
}

/// `30`, `30s`, `500ms`: a request timeout, from 1 ms to an hour (seconds when no unit).
pub fn duration(text: &str) -> Result<std::time::Duration, String> {
    let t = text.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let bad = || format!("{text:?} is not a duration like 30, 30s or 500ms");
    let n: u64 = number.parse().map_err(|_| bad())?;
    let ms = match unit.trim() {
        "" | "s" => n.checked_mul(1000),
        "ms" => Some(n),
        _ => return Err(bad()),
    };
    match ms {
        Some(0) => {
            Err("a timeout of 0 would refuse every answer; give one like 30s or 500ms".into())
        }
        Some(ms) if ms <= 3_600_000 => Ok(std::time::Duration::from_millis(ms)),
        _ => Err(format!(
            "{text:?} is longer than an hour, the longest timeout Baton waits"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::{byte_size, duration};
    use std::time::Duration;

    #[test]
    fn durations_in_seconds_or_milliseconds() {
        assert_eq!(duration("30"), Ok(Duration::from_secs(30)));
        assert_eq!(duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(duration("500ms"), Ok(Duration::from_millis(500)));
        assert!(duration("0").unwrap_err().contains("refuse every answer"));
        assert!(duration("5m").unwrap_err().contains("not a duration"));
        assert!(
            duration("3601s")
                .unwrap_err()
                .contains("longer than an hour")
        );
        assert!(
            duration("99999999999999999999")
                .unwrap_err()
                .contains("not a duration")
        );
    }

    #[test]
    fn byte_sizes_with_units() {
        assert_eq!(byte_size("16MiB"), Ok(16 * 1024 * 1024));
        assert_eq!(byte_size("64 KiB"), Ok(64 * 1024));
        assert_eq!(byte_size("1000"), Ok(1000));
        assert_eq!(byte_size("2g"), Ok(2 * 1024 * 1024 * 1024));
        assert!(byte_size("16MB").unwrap_err().contains("not a size"));
        assert!(byte_size("0").is_err());
        assert!(
            byte_size("18446744073709551615GiB")
                .unwrap_err()
                .contains("more bytes")
        );
    }
}
