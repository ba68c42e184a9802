"""Developer tool: draw the application icon (resources/icons/app.png and app.ico) with
Pillow and the bundled font, so the icon is made by the project, not downloaded.

    uv run python tools/make_icon.py
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1] / "resources"


def draw(size: int) -> Image.Image:
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    r = size // 6
    d.rounded_rectangle((0, 0, size - 1, size - 1), radius=r, fill=(21, 101, 192, 255))
    # a speech bubble tail: a complaint being heard
    d.polygon([(size * 0.22, size * 0.78), (size * 0.22, size * 0.97), (size * 0.45, size * 0.78)],
              fill=(21, 101, 192, 255))
    font = ImageFont.truetype(str(ROOT / "fonts" / "wqy-microhei.ttc"), int(size * 0.62), index=0)
    text = "诉"
    box = d.textbbox((0, 0), text, font=font)
    w, h = box[2] - box[0], box[3] - box[1]
    d.text(((size - w) / 2 - box[0], (size - h) / 2 - box[1] - size * 0.03), text, font=font,
           fill=(255, 255, 255, 255))
    return img


def main() -> None:
    out = ROOT / "icons"
    out.mkdir(parents=True, exist_ok=True)
    big = draw(256)
    big.save(out / "app.png")
    big.save(out / "app.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128),
                                     (256, 256)])
    print("written", out)


if __name__ == "__main__":
    main()
