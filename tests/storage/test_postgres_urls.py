"""PostgreSQL URLs as hosting platforms give them: `postgres://`, no driver, libpq parameters."""

from __future__ import annotations

import ssl

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from infra.db.engine import DatabaseUrlError, create_engine, postgres_url, ssl_argument
from infra.db.migrate import upgrade_to_head
from tests.support.databases import new_postgres_database
from tests.support.postgres import PostgresServer


def test_sslmode_disable_turns_tls_off() -> None:
    assert ssl_argument("disable") is False


def test_sslmode_require_encrypts_without_checking_the_certificate() -> None:
    context = ssl_argument("require")
    assert isinstance(context, ssl.SSLContext)
    assert (context.verify_mode, context.check_hostname) == (ssl.CERT_NONE, False)


def test_sslmode_verify_full_checks_certificate_and_host_name() -> None:
    context = ssl_argument("verify-full")
    assert isinstance(context, ssl.SSLContext)
    assert (context.verify_mode, context.check_hostname) == (ssl.CERT_REQUIRED, True)


def test_sslmode_verify_ca_checks_the_certificate_only() -> None:
    context = ssl_argument("verify-ca")
    assert isinstance(context, ssl.SSLContext)
    assert (context.verify_mode, context.check_hostname) == (ssl.CERT_REQUIRED, False)


@pytest.mark.parametrize("mode", ["allow", "prefer"])
def test_sslmodes_with_fallback_are_left_to_asyncpg(mode: str) -> None:
    assert ssl_argument(mode) == mode


def test_an_unknown_sslmode_is_refused_by_name() -> None:
    with pytest.raises(DatabaseUrlError, match="sslmode='sometimes'"):
        ssl_argument("sometimes")


@pytest.mark.parametrize(
    "given",
    [
        "postgres://u:p@db.example:6543/loyalty",
        "postgresql://u:p@db.example:6543/loyalty",
        "postgresql+asyncpg://u:p@db.example:6543/loyalty",
    ],
)
def test_every_postgres_scheme_gets_the_asyncpg_driver(given: str) -> None:
    url, connect_args = postgres_url(make_url(given))
    assert url.drivername == "postgresql+asyncpg"
    assert (url.host, url.port, url.database, url.password) == ("db.example", 6543, "loyalty", "p")
    assert connect_args == {}


def test_libpq_parameters_become_asyncpg_connect_arguments() -> None:
    url, connect_args = postgres_url(
        make_url(
            "postgres://u@h/db?sslmode=disable&connect_timeout=10&application_name=x"
            "&prepared_statement_cache_size=0"
        )
    )
    assert dict(url.query) == {"prepared_statement_cache_size": "0"}  # asyncpg's own: kept
    assert connect_args == {
        "ssl": False,
        "timeout": 10.0,
        "server_settings": {"application_name": "x"},
    }


def test_connect_timeout_zero_means_no_limit_as_in_libpq() -> None:
    assert postgres_url(make_url("postgres://u@h/db?connect_timeout=0"))[1] == {}


def test_a_connect_timeout_that_is_no_number_is_refused_by_name() -> None:
    with pytest.raises(DatabaseUrlError, match="connect_timeout='soon'"):
        postgres_url(make_url("postgres://u@h/db?connect_timeout=soon"))


def _platform_form(sqlalchemy_url: str, scheme: str, query: str) -> str:
    return scheme + "://" + sqlalchemy_url.split("://", 1)[1] + query


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("scheme", "query"),
    [
        ("postgres", ""),
        ("postgresql", "?sslmode=disable"),
        ("postgres", "?sslmode=prefer&connect_timeout=10&application_name=loyalty-test"),
    ],
)
async def test_platform_urls_connect_and_migrate(
    postgres_server: PostgresServer, scheme: str, query: str
) -> None:
    url = _platform_form(await new_postgres_database(postgres_server), scheme, query)
    engine = create_engine(url)
    try:
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            name = await connection.scalar(text("SELECT current_setting('application_name')"))
            version = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        await engine.dispose()
    assert version
    if "application_name" in query:
        assert name == "loyalty-test"


@pytest.mark.postgres
async def test_sslmode_require_refuses_a_server_without_tls(
    postgres_server: PostgresServer,
) -> None:
    """The test server has no TLS: require must not quietly fall back to plain text."""
    database = await new_postgres_database(postgres_server)
    url = _platform_form(database, "postgres", "?sslmode=require")
    engine = create_engine(url)
    try:
        with pytest.raises(ConnectionError, match="rejected SSL"):
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
    finally:
        await engine.dispose()
