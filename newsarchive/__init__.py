"""newsarchive: a crawler and searchable archive of Kazakhstan's Russian-language news."""

__version__ = "0.1.0"
