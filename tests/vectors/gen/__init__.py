"""Independent Python generator of the golden corpus (see tests/vectors/README.md)."""
