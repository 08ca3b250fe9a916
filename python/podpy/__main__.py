from podpy.cli.main import entry

entry()
