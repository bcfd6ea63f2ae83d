"""DATABASE_URL as hosting platforms hand it out still reaches PostgreSQL through psycopg 3."""
import pytest

from config import _database_url


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u:p@db/liaison", "postgresql+psycopg://u:p@db/liaison"),
        ("postgresql://u@db:5433/liaison", "postgresql+psycopg://u@db:5433/liaison"),
        ("postgresql+psycopg://u@db/liaison", "postgresql+psycopg://u@db/liaison"),
        ("sqlite:///liaison.sqlite", "sqlite:///liaison.sqlite"),
    ],
)
def test_postgres_urls_use_psycopg3(given, used):
    assert _database_url(given) == used
