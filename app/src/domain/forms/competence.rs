//! Typed forms of the competence area.
