"""The `gridbase` command: serve, migrate, and manage users."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import typer
from rich.console import Console

from gridbase.config import load_settings
from gridbase.handlers.users import create_user
from gridbase.storage.engine import Database
from gridbase.storage.migrate import migrate as run_migrations

app = typer.Typer(help="gridbase: an API-first no-code database.", no_args_is_help=True)
user_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
app.add_typer(user_app, name="user")
console = Console()


async def _migrate() -> None:
    db = Database(load_settings().database_url)
    try:
        await run_migrations(db)
    finally:
        await db.dispose()


@app.command()
def migrate() -> None:
    """Create or upgrade the metadata tables to the newest schema."""
    asyncio.run(_migrate())
    console.print("[green]database is up to date[/green]")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    no_migrate: bool = typer.Option(False, "--no-migrate", help="Skip migrating on start."),
    workers: int = typer.Option(1, "--workers", min=1,
                                help="Worker processes; more than one needs GRIDBASE_REDIS_URL."),
    tls_cert: str | None = typer.Option(None, "--tls-cert", help="PEM certificate: serve HTTPS."),
    tls_key: str | None = typer.Option(None, "--tls-key", help="PEM private key of --tls-cert."),
    tls_self_signed: bool = typer.Option(
        False, "--tls-self-signed", help="Serve HTTPS with a development certificate."),
    access_log: bool = typer.Option(
        True, "--access-log/--no-access-log", envvar="GRIDBASE_ACCESS_LOG",
        help="Log a line per request (turn it off behind a proxy that logs them)."),
) -> None:
    """Serve the API (and web page) with uvicorn, migrating the database first."""
    import uvicorn

    from gridbase.serving import ACCESS_LOG_VARIABLE

    if workers > 1 and not load_settings().redis_url:
        # Each worker has its own memory hub: live updates would reach only a fraction
        # of the clients, so refuse rather than half-work.
        console.print("[red]--workers > 1 needs GRIDBASE_REDIS_URL: workers share live "
                      "updates through Redis.[/red]")
        raise typer.Exit(code=2)
    if not no_migrate:
        asyncio.run(_migrate())
    tls = _tls_files(tls_cert, tls_key, tls_self_signed)
    scheme = "https" if tls else "http"
    console.print(f"gridbase on [bold]{scheme}://{host}:{port}[/bold]")
    # The app writes the access log itself (gridbase.access_log), in every worker.
    os.environ[ACCESS_LOG_VARIABLE] = "true" if access_log else "false"
    options: dict[str, Any] = {"host": host, "port": port, "log_level": "info",
                               "proxy_headers": False, "access_log": False}
    if tls:
        options.update(ssl_certfile=tls[0], ssl_keyfile=tls[1])
    uvicorn.run("gridbase.serving:served_app", factory=True, workers=workers, **options)


def _tls_files(cert: str | None, key: str | None, self_signed: bool) -> tuple[str, str] | None:
    """Certificate and key paths for HTTPS, or None for plain HTTP."""
    if self_signed:
        from gridbase.tls import self_signed_certificate

        made = self_signed_certificate(load_settings().data_dir / "tls")
        return str(made[0]), str(made[1])
    if bool(cert) != bool(key):
        console.print("[red]--tls-cert and --tls-key go together.[/red]")
        raise typer.Exit(code=2)
    return (str(cert), str(key)) if cert and key else None


@user_app.command("create")
def user_create(
    email: str = typer.Option(..., help="Login email."),
    name: str = typer.Option(..., help="Display name."),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    staff: bool = typer.Option(False, help="Make the user instance staff."),
) -> None:
    """Create a user account from the command line."""

    async def create() -> int:
        db = Database(load_settings().database_url)
        try:
            await run_migrations(db)
            async with db.write() as conn:
                user = await create_user(conn, name=name, email=email, password=password,
                                         is_staff=staff)
            return int(user["id"])
        finally:
            await db.dispose()

    user_id = asyncio.run(create())
    console.print(f"created user [bold]{email}[/bold] (id {user_id})")


if __name__ == "__main__":
    app()
