"""`flask --app app backup PATH`: a consistent copy of the database while the site runs."""
from __future__ import annotations

import click

from extensions import db
from liaison.core.backup import BackupError, backup

from . import bp


@bp.cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=True, file_okay=True))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
def backup_command(path: str, force: bool) -> None:
    """Back up the database to PATH (a file, or a directory for a dated file).

    SQLite: the online backup API, safe while the app writes. PostgreSQL: pg_dump in its
    custom format (restore with pg_restore); needs pg_dump on this host."""
    try:
        result = backup(db.engine.url, path, overwrite=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up to {result.path} ({result.method}, {result.size} bytes)")
