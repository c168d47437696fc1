"""The embedded default: all of Weaver in one process on a SQLite file (`weaver standalone`)."""
