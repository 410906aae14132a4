"""Every validator in AUTH_PASSWORD_VALIDATORS works with the project's User and refuses as a field error, on
sign-up, password change and `manage.py createuser`; never a 500.

The outside test found `johnsmith` / `johnsmith1` crashed all three: UserAttributeSimilarityValidator reads
`user._meta`, which the project's User lacked. A validator added to settings without a sample here fails
`test_every_configured_validator_has_a_sample`.
"""

from __future__ import annotations

import html
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from accounts.services import user_authenticate, user_create
from accounts.users import User
from tests.conftest import PASSWORD

USERNAME = "johnsmith"
# validator -> a password it refuses for USERNAME, and the words of its message
SAMPLES = {
    "UserAttributeSimilarityValidator": ("johnsmith1", "too similar to the username"),
    "MinimumLengthValidator": ("x7!k", "too short"),
    "CommonPasswordValidator": ("password", "too common"),
    "NumericPasswordValidator": ("83729164019", "entirely numeric"),
}


def _validator_names() -> list[str]:
    return [entry["NAME"].rsplit(".", 1)[-1] for entry in settings.AUTH_PASSWORD_VALIDATORS]


def test_every_configured_validator_has_a_sample():
    assert sorted(_validator_names()) == sorted(SAMPLES)


def test_the_user_answers_what_the_similarity_validator_asks():
    from django.contrib.auth.password_validation import UserAttributeSimilarityValidator

    with pytest.raises(Exception, match="too similar to the username"):
        UserAttributeSimilarityValidator(user_attributes=["username"]).validate(
            "johnsmith1", User(id="1", username=USERNAME)
        )


@pytest.mark.parametrize(("validator", "password", "says"), [(k, *v) for k, v in SAMPLES.items()])
def test_sign_up_shows_each_rule_as_a_field_error(aws, validator, password, says):
    response = Client().post("/accounts/signup/", {"username": USERNAME, "password": password, "password2": password})

    assert response.status_code == 400, validator
    page = response.content.decode()
    assert says in html.unescape(page) and 'id="err_password"' in page
    assert f'value="{USERNAME}"' in page  # what was typed is kept


@pytest.mark.parametrize(("validator", "password", "says"), [(k, *v) for k, v in SAMPLES.items()])
def test_password_change_shows_each_rule_as_a_field_error(aws, client_for, steady_clock, validator, password, says):
    user = user_create(username=USERNAME, password=PASSWORD)
    response = client_for(user).post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": password, "new_password2": password}
    )

    assert response.status_code == 400, validator
    page = response.content.decode()
    assert says in html.unescape(page) and 'id="err_new_password1"' in page
    assert user_authenticate(username=USERNAME, password=PASSWORD).id == user.id


@pytest.mark.parametrize(("validator", "password", "says"), [(k, *v) for k, v in SAMPLES.items()])
def test_createuser_refuses_each_rule_with_its_message(aws, validator, password, says):
    with pytest.raises(CommandError, match=says):
        call_command(
            "createuser", USERNAME, "--password-stdin", stdin=io.StringIO(password + "\n"), stdout=io.StringIO()
        )
