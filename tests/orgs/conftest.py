"""Fixtures of issue 16's tests; the API client comes from tests/api."""
from __future__ import annotations

from tests.api.conftest import api_as, token_for  # noqa: F401  (fixtures, used by name)
