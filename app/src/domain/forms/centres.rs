//! Typed forms of the centres area.
