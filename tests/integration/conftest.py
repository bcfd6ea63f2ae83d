"""Fixtures of the integration tests: the real SMTP server of the mail tests."""
from tests.mail.conftest import smtp_server  # noqa: F401  (re-exported as a fixture)
