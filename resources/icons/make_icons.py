#!/usr/bin/env python3
"""Writes the Distillery application icon as SVG and as PNGs from one geometry, so they cannot drift apart.

Pure standard library (no PIL or SVG renderer on the build machines): shapes are rasterised with 8x8
supersampling. Run from anywhere; the files land beside this script. The design, on a 128-unit canvas:
three passage bars narrowing like a funnel (the corpus being distilled) above an amber drop (the model).
"""
import math
import pathlib
import struct
import zlib

APP_ID = "io.github.distillery.Distillery"
PNG_SIZES = (16, 32, 48, 64, 128, 256)
HERE = pathlib.Path(__file__).resolve().parent

NAVY = (0x1F, 0x3A, 0x5F)
WHITE = (0xFF, 0xFF, 0xFF)
AMBER = (0xF2, 0xA9, 0x00)

# (x0, y0, x1, y1, corner radius, colour, opacity)
BACKGROUND = (8, 8, 120, 120, 24, NAVY, 1.0)
BARS = [
    (26, 26, 102, 38, 6, WHITE, 1.0),
    (37, 45, 91, 57, 6, WHITE, 0.85),
    (48, 64, 80, 76, 6, WHITE, 0.7),
]
DROP_CENTRE, DROP_RADIUS, DROP_APEX = (64.0, 99.0), 13.0, (64.0, 78.0)


def drop_tangents():
    """The two points where lines from the apex touch the drop's circle."""
    cx, cy = DROP_CENTRE
    ax, ay = DROP_APEX
    d = math.hypot(cx - ax, cy - ay)
    base = math.atan2(ay - cy, ax - cx)
    spread = math.acos(DROP_RADIUS / d)
    return [(cx + DROP_RADIUS * math.cos(base + s), cy + DROP_RADIUS * math.sin(base + s)) for s in (spread, -spread)]


def in_round_rect(x, y, rect):
    x0, y0, x1, y1, r = rect[:5]
    if not (x0 <= x <= x1 and y0 <= y <= y1):
        return False
    dx = max(x0 + r - x, 0, x - (x1 - r))
    dy = max(y0 + r - y, 0, y - (y1 - r))
    return dx * dx + dy * dy <= r * r


def in_triangle(x, y, a, b, c):
    def side(p, q):
        return (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0])
    s1, s2, s3 = side(a, b), side(b, c), side(c, a)
    return (s1 >= 0 and s2 >= 0 and s3 >= 0) or (s1 <= 0 and s2 <= 0 and s3 <= 0)


def in_drop(x, y, tangents):
    cx, cy = DROP_CENTRE
    if (x - cx) ** 2 + (y - cy) ** 2 <= DROP_RADIUS ** 2:
        return True
    return in_triangle(x, y, DROP_APEX, tangents[0], tangents[1])


def layers():
    """Painting order: (inside-test, colour, opacity)."""
    tangents = drop_tangents()
    result = [(lambda x, y, r=BACKGROUND: in_round_rect(x, y, r), BACKGROUND[5], BACKGROUND[6])]
    result += [(lambda x, y, r=bar: in_round_rect(x, y, r), bar[5], bar[6]) for bar in BARS]
    result.append((lambda x, y: in_drop(x, y, tangents), AMBER, 1.0))
    return result


def render_png(size, samples=8):
    scale = 128.0 / size
    paint = layers()
    rows = []
    for py in range(size):
        row = bytearray([0])  # PNG filter type 0 (none)
        for px in range(size):
            # Premultiplied accumulation over the sub-samples.
            acc = [0.0, 0.0, 0.0, 0.0]
            for sy in range(samples):
                y = (py + (sy + 0.5) / samples) * scale
                for sx in range(samples):
                    x = (px + (sx + 0.5) / samples) * scale
                    r = g = b = a = 0.0
                    for inside, colour, opacity in paint:
                        if inside(x, y):
                            r = colour[0] * opacity + r * (1 - opacity)
                            g = colour[1] * opacity + g * (1 - opacity)
                            b = colour[2] * opacity + b * (1 - opacity)
                            a = opacity + a * (1 - opacity)
                    acc[0] += r
                    acc[1] += g
                    acc[2] += b
                    acc[3] += a
            n = samples * samples
            alpha = acc[3] / n
            if alpha > 0:
                row += bytes(round(min(255, acc[i] / n / alpha)) for i in range(3))
            else:
                row += b"\0\0\0"
            row.append(round(alpha * 255))
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))


def svg():
    def colour(c):
        return "#%02x%02x%02x" % c

    def rect(spec):
        x0, y0, x1, y1, r, c, o = spec
        opacity = "" if o == 1.0 else f' fill-opacity="{o:g}"'
        return f'  <rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" rx="{r}" fill="{colour(c)}"{opacity}/>\n'

    (t1x, t1y), (t2x, t2y) = drop_tangents()
    ax, ay = DROP_APEX
    drop = (f'  <path d="M {ax:g} {ay:g} L {t1x:.2f} {t1y:.2f} A {DROP_RADIUS:g} {DROP_RADIUS:g} 0 1 1 {t2x:.2f} {t2y:.2f} Z" '
            f'fill="{colour(AMBER)}"/>\n')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">\n'
            '  <title>Distillery</title>\n'
            + rect(BACKGROUND) + "".join(rect(b) for b in BARS) + drop + "</svg>\n")


def main():
    (HERE / f"{APP_ID}.svg").write_text(svg())
    for size in PNG_SIZES:
        (HERE / f"{APP_ID}-{size}.png").write_bytes(render_png(size))


if __name__ == "__main__":
    main()
