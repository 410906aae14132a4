"""What the session holds about its user: the keys, shared by the session store (accounts/sessions.py) and the
sign-in state (accounts/auth.py) without either importing the other's machinery."""

from __future__ import annotations

USER_ID_KEY = "_uid"
# The generation of the user's credentials the session signed in under (User.credentials_since), also kept on
# the item as `credentials`, so a password change's clean-up can spare the sessions signed in since.
CREDENTIALS_KEY = "_credentials"
USERNAME_KEY = "_username"
ADMIN_KEY = "_admin"
