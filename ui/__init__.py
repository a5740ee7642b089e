"""Streamlit helpers shared by the app's pages (the only place besides the pages that
imports streamlit; all analysis stays in ``gis``)."""
