//! Rule settings edited by staff (turnover ceilings, test parameters).
