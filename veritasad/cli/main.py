"""The root Typer app; command modules register on it."""

import typer

app = typer.Typer(help="VeritasAd: find advertising in videos and check its disclosure.", no_args_is_help=True)
