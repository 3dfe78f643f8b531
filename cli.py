from genoassoc.cli import main

main()
