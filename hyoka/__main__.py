"""`python -m hyoka …` is the `hyoka` command."""

from hyoka.pipeline.cli import main

if __name__ == "__main__":
    main()
