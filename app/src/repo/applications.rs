//! Applications to missions: applying, withdrawing, the applicants of a mission.
