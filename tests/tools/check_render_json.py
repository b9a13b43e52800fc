#!/usr/bin/env python3
"""Checks what a render shows, from the JSON that render_scar.py / render_fields.py --describe
write beside the PNG (read back from ParaView's view objects), and that the PNG agrees:

  check_render_json.py FILE.json [--view NAME [--bar TITLE] [--time-label TEXT]
                                  [--background R,G,B] [--camera PRESET] [--title-has TEXT]]...

Every view, named or not, must have: the background set on the view (not the palette's), no
orientation axes, at least one colour bar whose title ends in a [unit] and whose tick labels
(at least 3) share one format, a time label, and a scale bar whose label is a length in µm or
mm with both ends inside the view. The PNG: the view's most common colour is its background,
and the scale bar is drawn there in the contrasting ink (black on light, white on dark) along
the line its ends give. The options after --view NAME check that view: its colour bar titled
TITLE exactly, the time label, the background, the camera preset, a text in its title.
Prints each check; exit 1 when one fails, 2 for a missing or unreadable file.
"""
import json
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_png import read_png  # noqa: E402  (the PNG reader of the pixel checks)


def parse(argv):
    if not argv or argv[0].startswith("-"):
        print(__doc__)
        sys.exit(2)
    path, wants, cur = argv[0], {}, None
    i = 1
    while i < len(argv):
        opt = argv[i]
        if opt == "--view":
            cur = wants.setdefault(argv[i + 1], {})
        elif opt in ("--bar", "--time-label", "--background", "--camera", "--title-has"):
            if cur is None:
                sys.exit(f"check_render_json: {opt} before --view")
            cur[opt[2:]] = argv[i + 1]
        else:
            sys.exit(f"check_render_json: unknown option {opt}")
        i += 2
    return path, wants


def main(argv):
    path, wants = parse(argv)
    try:
        doc = json.load(open(path, encoding="utf-8"))
        img = read_png(doc["file"])
    except (OSError, ValueError, KeyError) as e:
        print(f"check_render_json: {path}: {e}")
        return 2
    ok = True

    def check(cond, what):
        nonlocal ok
        print(f"check_render_json: {'ok:  ' if cond else 'FAIL:'} {what}")
        ok = ok and bool(cond)

    H, W = img.shape[:2]
    views = doc["views"]
    names = [v["name"] for v in views]
    for name in wants:
        check(name in names, f"view '{name}' described (views: {', '.join(names)})")
    # Side by side, left to right; the last one ends at the picture's right edge.
    offsets, x = [], W
    for v in reversed(views):
        x -= v["size"][0]
        offsets.insert(0, max(x, 0))
    offsets[0] = 0
    for v, x0 in zip(views, offsets):
        n = v["name"]
        want = wants.get(n, {})
        w, h = v["size"]
        panel = img[H - h:, x0:x0 + w]
        bg = np.array(v["background"], float)
        check(not v["background_from_palette"] and not v["orientation_axes"],
              f"{n}: its own background {v['background']}, no orientation axes")
        q = (panel * 255).round().astype(np.uint8).reshape(-1, 3)
        colours, counts = np.unique(q, axis=0, return_counts=True)
        common = colours[counts.argmax()].astype(float) / 255
        check(np.abs(common - bg).max() < 0.02,
              f"{n}: the panel's most common colour rgb{tuple(int(c) for c in colours[counts.argmax()])}"
              f" is its background ({100 * counts.max() / counts.sum():.0f}% of the pixels)")
        if "background" in want:
            exp = [float(c) for c in want["background"].split(",")]
            check(np.allclose(bg, exp, atol=1e-3), f"{n}: background {list(bg)} (want {exp})")
        bars = v["colour_bars"]
        check(len(bars) >= 1, f"{n}: {len(bars)} colour bar(s)")
        for b in bars:
            check(re.search(r"\[[^\]]+\]$", b["title"]) is not None,
                  f"{n}: colour bar '{b['title']}' has a [unit]")
            same = len({(len(s.split("e")[0].split(".")[1]) if "." in s else 0, "e" in s)
                        for s in b["labels"]}) == 1
            check(len(b["labels"]) >= 3 and same and not b["range_labels"],
                  f"{n}: tick labels {b['labels']} in one format ({b['label_format']}), no "
                  "extra range labels")
        if "bar" in want:
            titles = [b["title"] for b in bars]
            check(want["bar"] in titles, f"{n}: colour bar titled '{want['bar']}' ({titles})")
        check(bool(v["time_label"]), f"{n}: time label '{v['time_label']}'")
        if "time-label" in want:
            check(v["time_label"] == want["time-label"],
                  f"{n}: time label '{v['time_label']}' (want '{want['time-label']}')")
        if "title-has" in want:
            check(want["title-has"] in v["title"], f"{n}: title {v['title']!r} has "
                  f"'{want['title-has']}'")
        if "camera" in want:
            check(v["camera"]["preset"] == want["camera"] and v["camera"]["parallel_projection"],
                  f"{n}: camera {v['camera']['preset']} (want {want['camera']}), orthographic")
        s = v["scale_bar"]
        check(s.get("shown") and re.fullmatch(r"\d+(\.\d+)? (µm|mm)", s.get("label", "")),
              f"{n}: scale bar '{s.get('label')}' ({s.get('length_um')} µm)")
        if not s.get("shown"):
            continue
        check(s["inside_view"], f"{n}: scale bar ends {s['ends_on_screen']} inside the view")
        # The bar in the pixels: ink along its line.
        ink = np.zeros(3) if bg.mean() >= 0.5 else np.ones(3)
        (xa, ya), (xb, yb) = s["ends_on_screen"]
        row = int(round((1 - ya) * h))
        c0, c1 = int(round(xa * w)) + 2, int(round(xb * w)) - 2
        band = panel[max(row - 3, 0):row + 4, c0:c1]
        inked = (np.abs(band - ink).max(axis=2) < 0.35).any(axis=0)
        check(c1 - c0 > 5 and inked.mean() > 0.9,
              f"{n}: scale bar drawn in ink along row {row}, columns {c0}..{c1} of the panel: "
              f"{100 * inked.mean():.0f}% of the columns (> 90%)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
