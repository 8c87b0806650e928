"""``python -m fitgap`` runs the CLI."""

from fitgap.cli import main

if __name__ == "__main__":
    main()
