"""What the notebooks in `analyses/notebooks/` use: the published views as DataFrames, and their runner."""

from parebrick.analyses.published import PublishedViewError, read_view

__all__ = ["PublishedViewError", "read_view"]
