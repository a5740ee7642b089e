"""Write the README walkthrough's example files into ``examples/your_county/``.

They are made from real public data (USGS NHDPlusV2, Walker Creek, CC0-1.0, from
DOI-USGS/hydroloom; ``../shared/realdata/nhdplus/``) moved into China by a pure longitude
shift, by the same builder the own-county test uses (``tests/real_county.py``), so that the
shipped files can be made again byte for byte: ``python scripts/make_examples.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "examples" / "your_county"


def main() -> int:
    """Build the files; print each with its size."""
    sys.path.insert(0, str(ROOT / "tests"))
    import real_county

    if not real_county.REALDATA.exists():
        print(f"the real data is not at {real_county.REALDATA}", file=sys.stderr)
        return 2
    for path in real_county.build(OUT).values():
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
