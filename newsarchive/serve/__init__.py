"""datasette: the plugin and the metadata it supplies."""
