"""The contact sheet: eight personas (rows) in six emotions (columns), labelled, so a reviewer
can see at a glance that each persona keeps its identity and each emotion reads in the face.

    python -m ai_worker.avatar.contact_sheet                  # docs/img/avatar_contact_sheet.png
    python -m ai_worker.avatar.contact_sheet --cell 96 --out /tmp/sheet.png
"""

from __future__ import annotations

from pathlib import Path

import click
from PIL import Image, ImageDraw

from ai_worker.emotions import EMOTIONS

from .fonts import font
from .look import look_from_spec
from .rig import AvatarRig
from .samples import CAST

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "docs" / "img" / "avatar_contact_sheet.png"


def contact_sheet(cell: int = 192, render_size: int = 512, personas: int | None = None) -> Image.Image:
    """The sheet image: each cell rendered at render_size and downscaled to `cell` pixels."""
    cast = CAST[: personas or len(CAST)]
    label_w, head_h = max(110, cell), max(28, cell // 6)
    sheet = Image.new("RGB", (label_w + cell * len(EMOTIONS), head_h + cell * len(cast)), (250, 250, 248))
    draw = ImageDraw.Draw(sheet)
    f_head, f_name, f_small = font(max(11, cell // 12)), font(max(11, cell // 13)), font(max(9, cell // 17))
    for j, emotion in enumerate(EMOTIONS):
        draw.text((label_w + j * cell + cell / 2, head_h / 2), emotion, fill=(40, 40, 48), font=f_head, anchor="mm")
    for i, (spec, overrides) in enumerate(cast):
        look = look_from_spec(spec, overrides=overrides)
        rig = AvatarRig(look)
        y = head_h + i * cell
        draw.text((10, y + cell / 2 - cell // 10), spec["name"], fill=(30, 30, 36), font=f_name, anchor="lm")
        detail = f"MST {look.skin_tone} · {look.hair_style}"
        draw.text((10, y + cell / 2 + cell // 14), detail, fill=(110, 110, 120), font=f_small, anchor="lm")
        for j, emotion in enumerate(EMOTIONS):
            img = rig.render_emotion(emotion, size=render_size)
            if cell != render_size:
                img = img.resize((cell, cell), Image.Resampling.LANCZOS)
            sheet.paste(img, (label_w + j * cell, y))
    return sheet


@click.command("contact-sheet")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True)
@click.option("--cell", type=click.IntRange(48, 512), default=192, show_default=True, help="Cell side in pixels.")
@click.option("--render-size", type=click.IntRange(64, 2048), default=512, show_default=True)
@click.option("--personas", type=click.IntRange(1, len(CAST)), default=None, help="Only the first N personas.")
def main(out: Path, cell: int, render_size: int, personas: int | None) -> None:
    """Write the avatar contact sheet (personas x emotions) as a PNG."""
    out.parent.mkdir(parents=True, exist_ok=True)
    contact_sheet(cell, render_size, personas).save(out, optimize=True)
    click.echo(f"wrote {out} ({out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
