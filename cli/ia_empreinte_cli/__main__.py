from ia_empreinte_cli.app import main

main()
