"""`python -m bilat` runs the command line, like the `bilat` script."""
from bilat.cli import main

main()
