"""The prefix every personal API token starts with (accounts/tokens.py makes and checks them).

A module of its own so that the log filter (console/log_redaction.py), set up with logging on every cold start,
can spot tokens without importing the token and user models (three dataclasses, ~3 ms of a cold start).
"""

TOKEN_PREFIX = "nc_"
