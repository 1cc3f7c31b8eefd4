"""Release Hall (发布厅): a static-site generator for a government information-release hall."""

__version__ = "0.1.0"
