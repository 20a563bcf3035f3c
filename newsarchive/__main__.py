from newsarchive.cli import cli

cli(prog_name="newsarchive")
