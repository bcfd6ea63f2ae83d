"""Fixtures shared with other test folders: the real SMTP server and the API client."""
from tests.api.conftest import api_as, token_for  # noqa: F401  (re-exported as fixtures)
from tests.mail.conftest import smtp_server  # noqa: F401
