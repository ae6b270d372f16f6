//! Typed forms of the profile area.
