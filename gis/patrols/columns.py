"""The columns of raw track points, as every track reader returns them."""

from __future__ import annotations

#: One row per recorded point: where it came from (file, track, segment, its name), whose
#: patrol it is (chief, patrol_ref), its order and time as written, and its position as
#: recorded. A reader may add ``coords`` (the system each point was recorded in).
RAW_COLUMNS = [
    "file",
    "track",
    "segment",
    "track_name",
    "chief",
    "patrol_ref",
    "point",
    "time_text",
    "lon",
    "lat",
]
