"""A reset link made through the function itself (Zappa's `manage` event), then used on the dev stage."""

from __future__ import annotations

import re

from accounts.services import user_authenticate

BASE = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/dev"


def test_the_manage_event_prints_a_link_that_works_on_the_stage(aws, lambda_app, alice, capsys):
    lambda_app.invoke({"manage": f"password_reset_link alice --base-url {BASE}"})

    printed = capsys.readouterr().out
    match = re.search(rf"^{re.escape(BASE)}(/accounts/reset/\?key=([A-Za-z0-9_-]+))$", printed, re.M)
    assert match, printed
    moved = lambda_app.get(f"/dev{match.group(1)}")  # the secret moves into the session, out of the URL
    assert moved.status == 302 and moved.header("Location") == "/dev/accounts/reset/"
    page = lambda_app.get("/dev/accounts/reset/")
    assert page.status == 200 and 'action="/dev/accounts/reset/"' in page.text
    assert match.group(2) not in page.text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    done = lambda_app.post(
        "/dev/accounts/reset/",
        form={
            "csrfmiddlewaretoken": token,
            "new_password1": "set through the stage",
            "new_password2": "set through the stage",
        },
    )

    assert done.status == 302 and done.header("Location") == "/dev/accounts/reset/done/"
    assert user_authenticate(username="alice", password="set through the stage")
