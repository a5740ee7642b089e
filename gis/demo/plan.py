"""The demo county's plan: the seed report's inventory and the county's identity."""

GK_EPSG = 4544
COUNTY_CODE, COUNTY_NAME = "512099", "示范县"
N_REGISTER, N_COUNTY_RIVERS = 71, 24
N_TOWNSHIP_CHIEFS, N_PATROLLERS = 329, 1784
N_SOURCES = {
    "river": (28, 21),
    "reservoir": (26, 20),
    "groundwater": (18, 12),
}  # (total, with zone)
N_TOWNSHIP_BOARDS = 469
AS_OF = "2026-10-01"
