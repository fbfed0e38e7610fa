from critbench.cli import main

main()
