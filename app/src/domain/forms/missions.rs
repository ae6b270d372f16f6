//! Typed forms of the missions area.
