"""The `gridbase` command: serve, migrate, and manage users."""

from __future__ import annotations

import asyncio

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
) -> None:
    """Serve the API (and web page) with uvicorn, migrating the database first."""
    import uvicorn

    from gridbase.app import create_app

    if not no_migrate:
        asyncio.run(_migrate())
    console.print(f"gridbase on [bold]http://{host}:{port}[/bold]")
    uvicorn.run(create_app(), host=host, port=port, log_level="info", proxy_headers=False)


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
