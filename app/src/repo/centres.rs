//! Partner centres, their pay grids and their accounts.
