"""One module per command; each registers itself on `opslens.cli.app.app`."""
