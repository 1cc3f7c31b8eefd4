"""What the build keeps on disk: the output folder (stage, commit, prune), the build cache and its signature."""
