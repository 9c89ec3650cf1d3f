"""Running notebooks and publishing the reader site: runner, execution cache, site build, templates."""
