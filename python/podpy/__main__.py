from podpy.cli.main import main

main()
