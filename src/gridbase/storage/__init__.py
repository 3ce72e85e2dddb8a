"""Storage: the SQL layer. Nothing above it writes SQL."""
