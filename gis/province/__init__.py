"""Province runs: one analysis over many county stores, one dask task per county.

:mod:`gis.province.run` finds the county stores and runs a task per county on
dask.distributed; :mod:`gis.province.analyses` says what a county's task returns;
:mod:`gis.province.report` merges the results, each county's part exactly what the county's
own run gives.
"""

from gis.province.analyses import (
    county_assess,
    county_gaps,
    county_patrols,
    county_zones,
    merge_gaps,
    province_assess,
    province_gaps,
    province_patrols,
    province_zones,
)
from gis.province.report import FAILED_COLUMNS, ProvinceGaps, ProvinceReport, merge
from gis.province.run import (
    DEFAULT_WORKERS,
    County,
    county_store,
    county_stores,
    dask_client,
    run_counties,
)

__all__ = [
    "DEFAULT_WORKERS",
    "FAILED_COLUMNS",
    "County",
    "county_assess",
    "county_patrols",
    "ProvinceGaps",
    "ProvinceReport",
    "county_gaps",
    "county_store",
    "county_stores",
    "county_zones",
    "dask_client",
    "merge",
    "merge_gaps",
    "province_assess",
    "province_gaps",
    "province_patrols",
    "province_zones",
    "run_counties",
]
