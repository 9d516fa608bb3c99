"""The ``mindthegap`` command line: thin Typer commands over the library."""
