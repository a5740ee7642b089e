"""The sheet options of printed maps, in a module of their own so the command line lists
them without loading the drawing libraries."""

#: Paper sizes in millimetres (portrait).
PAPERS = {"A4": (210, 297), "A3": (297, 420)}
ORIENTATIONS = ("landscape", "portrait")
#: What a sheet is of; "view" is an extent in degrees (the app's map as it was on screen).
SCOPES = ("river", "township", "county", "view")
