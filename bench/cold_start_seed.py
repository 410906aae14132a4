"""The data a signed-in cold start reads (run by bench_cold_start.py in a child process, before the runs).

Against the bench's moto server: creates the stage's table, a user with a signed-in session and 30 notes,
then serves that user's GET /notes/ once in process, recording the DynamoDB calls it makes (operation and
parameters, from a botocore hook). Prints one JSON line: the session cookie, and those calls, which the
hello baseline's DynamoDB view replays as they are (same keys, same items, same sizes).

Environment: DJANGO_SETTINGS_MODULE=console.settings, DJANGO_SECRET_KEY (the one the app reads from SSM, so
the session it signs is valid there), DYNAMODB_ENDPOINT_URL, DYNAMODB_TABLE, dummy AWS credentials.
"""

from __future__ import annotations

import json
import uuid


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from accounts.auth import store_user_in_session
    from accounts.services import user_create
    from accounts.sessions import SessionStore, remember_user_session
    from console.aws import dynamodb
    from notes import services

    dynamodb.create_table()
    user = user_create(username="coldstart", password=f"bench {uuid.uuid4().hex}")
    for i in range(30):
        services.note_create(user_id=user.id, data={"title": f"Note {i}", "content": "milk, eggs, a plan " * 8})
    session = SessionStore()
    store_user_in_session(session, user)
    session.save()
    remember_user_session(user_id=user.id, session_key=session.session_key)

    calls: list[dict] = []

    def record(params: dict, model, **_: object) -> None:
        calls.append({"operation": model.name, "params": dict(params)})

    dynamodb.client().meta.events.register("provide-client-params.dynamodb.*", record)
    page = Client(HTTP_HOST="testserver")
    page.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    response = page.get("/notes/")
    if response.status_code != 200:
        raise SystemExit(f"GET /notes/ answered {response.status_code}")
    print(json.dumps({"cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}", "calls": calls}))


if __name__ == "__main__":
    main()
