"""The published hall: records cross-referenced once as of "now", then only read."""
