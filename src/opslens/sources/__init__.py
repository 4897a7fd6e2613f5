"""Sources: reading native tool outputs into `Event`s (one reader module per format)."""
