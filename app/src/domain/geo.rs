//! Distances on the Earth's surface, for "missions near me" and the daily broadcast.

use serde::{Deserialize, Serialize};

const EARTH_RADIUS_KM: f64 = 6371.0;

/// The farthest a trainer may declare to travel for an on-site mission.
pub const MAX_MOBILITY_KM: i64 = 200;

/// A point in WGS84 degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub latitude: f64,
    pub longitude: f64,
}

impl Point {
    pub fn new(latitude: f64, longitude: f64) -> Self {
        Self { latitude, longitude }
    }

    /// Great-circle distance in kilometres (haversine).
    pub fn distance_km(self, other: Point) -> f64 {
        let (lat1, lat2) = (self.latitude.to_radians(), other.latitude.to_radians());
        let dlat = lat2 - lat1;
        let dlon = (other.longitude - self.longitude).to_radians();
        let a = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
    }

    /// A latitude/longitude box containing every point within `radius_km`: a cheap SQL
    /// prefilter (index range), refined by the exact distance.
    pub fn bounding_box(self, radius_km: f64) -> BoundingBox {
        let dlat = (radius_km / EARTH_RADIUS_KM).to_degrees();
        let cos = self.latitude.to_radians().cos().abs().max(0.01);
        let dlon = (radius_km / (EARTH_RADIUS_KM * cos)).to_degrees().min(180.0);
        BoundingBox {
            min_latitude: self.latitude - dlat,
            max_latitude: self.latitude + dlat,
            min_longitude: self.longitude - dlon,
            max_longitude: self.longitude + dlon,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BoundingBox {
    pub min_latitude: f64,
    pub max_latitude: f64,
    pub min_longitude: f64,
    pub max_longitude: f64,
}

impl BoundingBox {
    pub fn contains(&self, p: Point) -> bool {
        (self.min_latitude..=self.max_latitude).contains(&p.latitude)
            && (self.min_longitude..=self.max_longitude).contains(&p.longitude)
    }
}

/// "à 12 km", "à moins d'1 km".
pub fn distance_label(km: f64) -> String {
    if km < 1.0 {
        "à moins d'1 km".into()
    } else {
        format!("à {} km", km.round() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LYON: Point = Point { latitude: 45.7640, longitude: 4.8357 };
    const PARIS: Point = Point { latitude: 48.8566, longitude: 2.3522 };
    const VILLEURBANNE: Point = Point { latitude: 45.7719, longitude: 4.8902 };

    #[test]
    fn distances_match_known_values() {
        let d = LYON.distance_km(PARIS);
        assert!((d - 392.0).abs() < 3.0, "{d}");
        let near = LYON.distance_km(VILLEURBANNE);
        assert!((near - 4.3).abs() < 0.5, "{near}");
        assert_eq!(LYON.distance_km(LYON), 0.0);
    }

    #[test]
    fn the_bounding_box_contains_every_point_in_range() {
        let bbox = LYON.bounding_box(30.0);
        assert!(bbox.contains(VILLEURBANNE));
        assert!(!bbox.contains(PARIS));
        // Points exactly at the radius, in the four directions, are inside.
        for (dlat, dlon) in [(0.2695, 0.0), (-0.2695, 0.0), (0.0, 0.385), (0.0, -0.385)] {
            let p = Point::new(LYON.latitude + dlat, LYON.longitude + dlon);
            assert!(LYON.distance_km(p) <= 30.0 + 0.1, "{p:?}");
            assert!(bbox.contains(p), "{p:?}");
        }
        assert_eq!(distance_label(0.4), "à moins d'1 km");
        assert_eq!(distance_label(12.4), "à 12 km");
    }
}
