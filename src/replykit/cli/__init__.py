"""The command line: argv in, one call into the core, bytes out."""
