"""The `veritasad` command. Each module in this package adds its commands to `app`."""

from veritasad.cli.main import app
from veritasad.cli import analysis as _analysis  # noqa: F401  analyze, eval
from veritasad.cli import dataset as _dataset  # noqa: F401  dataset sponsorblock
from veritasad.cli import platform as _platform  # noqa: F401  serve, worker, beat, db, user, apikey

__all__ = ["app"]
