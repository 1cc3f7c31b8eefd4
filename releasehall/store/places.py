"""Where a build keeps its own files inside the site folder: the one place that spells `.cache/releasehall/`."""

from __future__ import annotations

from pathlib import Path

CACHE_ROOT = Path(".cache")  # the site's cache folder: never an output, never followed when it is a link
CACHE_DIR = CACHE_ROOT / "releasehall"  # everything the build keeps between builds (`store/cache`)
CACHE_FILE = "build.msgpack"
OUTPUTS_FOLDER = "outputs"  # the outputs by digest (`write.Stager.reuse`): an empty output is filled from it
SEARCH_FOLDER = "search"  # the search index's bundles, by digest (`search.Store`)
SEARCH_PAGES = "search-pages"  # where Pagefind read the pages, before the hall's own index: removed by a build
UNCHANGED_FILE = "unchanged.json"  # the last build's inputs and output, fingerprinted (`pipeline/unchanged`)
IMAGES_FOLDER = "images"  # resized and stripped images, one folder per source (`media/pictures`)
SERVE_OUTPUT = CACHE_ROOT / "serve"  # `serve` builds in memory; this is only the output folder its settings name
