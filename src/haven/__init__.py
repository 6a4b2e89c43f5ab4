"""Haven: case management and decision support for organisations protecting human rights defenders."""

__version__ = "0.1.0"
