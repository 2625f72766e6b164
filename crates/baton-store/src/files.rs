//! Plain-file import and export of collections.
