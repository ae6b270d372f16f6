//! Offline geocoding of French postal codes: the communes each code serves, with coordinates,
//! from the open dataset shipped in `app/data/communes.csv` (see `scripts/build-communes.sh`).

use std::collections::HashMap;
use std::sync::OnceLock;

/// A commune served by a postal code.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Commune {
    pub insee: &'static str,
    pub name: &'static str,
    pub latitude: f64,
    pub longitude: f64,
}

const DATA: &str = include_str!("../../data/communes.csv");

fn index() -> &'static HashMap<&'static str, Vec<Commune>> {
    static INDEX: OnceLock<HashMap<&'static str, Vec<Commune>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut map: HashMap<&'static str, Vec<Commune>> = HashMap::new();
        for line in DATA.lines().skip(1) {
            let mut parts = line.split(',');
            let (Some(postal), Some(insee), Some(name), Some(lat), Some(lon)) =
                (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let (Ok(latitude), Ok(longitude)) = (lat.parse(), lon.parse()) else { continue };
            map.entry(postal).or_default().push(Commune { insee, name, latitude, longitude });
        }
        for communes in map.values_mut() {
            communes.sort_by(|a, b| a.name.cmp(b.name));
        }
        map
    })
}

/// The communes of a postal code (empty when the code is unknown).
pub fn communes(postal_code: &str) -> &'static [Commune] {
    index().get(postal_code).map(Vec::as_slice).unwrap_or(&[])
}

/// Every (postal code, commune) pair, for generating realistic data.
pub fn all() -> Vec<(&'static str, Commune)> {
    let mut out: Vec<(&'static str, Commune)> = index().iter().flat_map(|(code, communes)| communes.iter().map(move |c| (*code, *c))).collect();
    out.sort_by(|a, b| a.0.cmp(b.0).then(a.1.insee.cmp(b.1.insee)));
    out
}

/// Number of postal codes known, for diagnostics.
pub fn postal_code_count() -> usize {
    index().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postal_codes_resolve_to_communes_with_coordinates() {
        let lyon = communes("69003");
        assert_eq!(lyon.len(), 1);
        assert!(lyon[0].name.starts_with("Lyon"));
        assert!((lyon[0].latitude - 45.76).abs() < 0.1 && (lyon[0].longitude - 4.85).abs() < 0.1);
        // One code, several communes.
        assert!(communes("01400").len() > 1);
        assert!(communes("00000").is_empty());
        assert!(postal_code_count() > 6000);
    }
}
