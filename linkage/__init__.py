"""The pipeline over Arrow: source specs, readers, standardization, blocking, scoring, clustering."""
