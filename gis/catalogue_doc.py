"""Render the layer catalogue as ``layers/README.md`` (bilingual, one example row each)."""

from __future__ import annotations

from gis import catalogue

HEADER = """# 图层目录 / Layer catalogue

本文件由 `riverchief layers --markdown > layers/README.md` 从 `gis/catalogue.py` 生成，请勿手改。
This file is generated from `gis/catalogue.py` by `riverchief layers --markdown > layers/README.md`; do not edit by hand.

每个县一个 GeoPackage，坐标系 CGCS2000 (EPSG:4490)；量算在对应的 3 度带高斯-克吕格投影中进行。
One GeoPackage per county, stored in CGCS2000 (EPSG:4490); lengths and areas are measured in the matching
3-degree Gauss-Krüger zone. Tables without geometry (chiefs, assignments) live in the same file.

Chainage (桩号) is metres along the river from its source (the start of the line); `K5+064` means 5064 m.
"""  # noqa: E501 -- the lines of layers/README.md as published


def to_markdown() -> str:
    """The catalogue as Markdown: one section per layer with a table of its fields.

    Returns
    -------
    str
        The text of ``layers/README.md`` (a test holds the two equal).
    """
    out = [HEADER]
    for layer in catalogue.LAYERS:
        geom = layer.geometry or "无几何 / table"
        out.append(f"\n## `{layer.name}` — {layer.zh} / {layer.en}\n")
        out.append(f"几何类型 / geometry: **{geom}** · 主键 / key: `{layer.key}`\n")
        out.append("| 字段 field | 类型 type | 必填 required | 中文 | English | 代码表 code list |")
        out.append("|---|---|---|---|---|---|")
        for f in layer.fields:
            codes = "; ".join(f"`{c}` {zh}" for c, (zh, _en) in f.codes.items()) if f.codes else ""
            out.append(
                f"| `{f.name}` | {f.dtype} | {'是 yes' if f.required else '否 no'} | {f.zh} | "
                f"{f.en} | {codes} |"
            )
        example = ", ".join(f"{k}={v!r}" for k, v in layer.example.items())
        out.append(f"\n示例 / example: `{example}`\n")
    return "\n".join(out)
