"""Pages of liaison.accounts: log-in, sign-up and passwords (`auth`), one's own account, feed
and API tokens (`account`), organizations and users for administrators (`admin`)."""
