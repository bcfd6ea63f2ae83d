"""Who is who: organizations (kinds, parents), users (roles, languages, time zones), passwords,
sign-up with confirmation, signed account links and their mail, API tokens.

May import: core, mail."""
from liaison.accounts import models  # noqa: F401  (mapped with the rest: liaison.load)
