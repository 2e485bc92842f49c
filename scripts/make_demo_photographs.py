"""Draw the demo's photographs once: flat-colour head-and-shoulders silhouettes with DEMO across
them, so no demo record carries anything that could be taken for a real person's picture.

Run from the project root with the venv's Pillow (a one-off; the PNGs are committed):
    .venv/bin/python scripts/make_demo_photographs.py
It writes resources/demo_photographs/demo_1.png ... demo_8.png; the same drawing every run.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "demo_photographs"
FONT = ROOT / "resources" / "fonts" / "DejaVuSans-Bold.ttf"
WIDTH, HEIGHT = 240, 300  # a passport-like 4:5 portrait, small enough for the record header

# (background, silhouette): muted backgrounds, each figure darker than its background.
COLOURS = (
    ("#c9d6e3", "#44546a"), ("#e3d3c9", "#6a4c44"), ("#d3e3c9", "#4c6a44"), ("#e0dcea", "#50466e"),
    ("#eadfc0", "#6e5a2a"), ("#c9e3df", "#2f5f58"), ("#e6cbd3", "#6e3a4a"), ("#d9d9d9", "#4a4a4a"),
)
LIMIT = 30 * 1024


def draw(background: str, figure: str) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), background)
    pen = ImageDraw.Draw(image)
    cx = WIDTH // 2
    # Shoulders: the top of a wide ellipse running off the bottom edge; then neck and head.
    pen.ellipse((cx - 118, 212, cx + 118, 212 + 230), fill=figure)
    pen.rectangle((cx - 22, 170, cx + 22, 226), fill=figure)
    pen.ellipse((cx - 52, 62, cx + 52, 192), fill=figure)
    # DEMO across the picture, white with a dark edge so it reads on any background.
    font = ImageFont.truetype(str(FONT), 64)
    text = "DEMO"
    left, top, right, bottom = pen.textbbox((0, 0), text, font=font)
    x, y = (WIDTH - (right - left)) // 2 - left, (HEIGHT - (bottom - top)) // 2 - top + 20
    pen.text((x, y), text, font=font, fill="#ffffff", stroke_width=3, stroke_fill="#1f1f1f")
    pen.text((10, HEIGHT - 22), "Synthetic image: not a person", font=ImageFont.truetype(str(FONT), 12),
             fill="#ffffff", stroke_width=1, stroke_fill="#1f1f1f")
    # A small palette keeps each file a few kilobytes.
    return image.quantize(colors=32, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for n, (background, figure) in enumerate(COLOURS, start=1):
        path = OUT / f"demo_{n}.png"
        draw(background, figure).save(path, format="PNG", optimize=True)
        size = path.stat().st_size
        if size >= LIMIT:
            raise SystemExit(f"{path.name} is {size} bytes; the demo's photographs stay under {LIMIT}.")
        print(f"{path.relative_to(ROOT)}: {size} bytes")


if __name__ == "__main__":
    main()
