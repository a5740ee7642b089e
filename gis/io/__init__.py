"""Reading and validating what county offices bring: vector files, registers, archives."""

from gis.io.importer import ImportReport, import_file

__all__ = ["ImportReport", "import_file"]
