//! Every probe against the lab (which must pass it) and against the lab behind a fault made to
//! fail it, one fault per probe.

mod harness;
