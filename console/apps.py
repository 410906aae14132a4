from __future__ import annotations

import os

from django.apps import AppConfig
from django.conf import settings


class ConsoleConfig(AppConfig):
    name = "console"
    verbose_name = "Notes Console"

    def ready(self) -> None:
        # On Lambda (Zappa's handler sets up Django in the init phase): record a new deploy, off the request path.
        # AWS_LAMBDA_RUNTIME_API is set in every real execution environment, never by a test that plays one.
        function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        if function_name and os.environ.get("AWS_LAMBDA_RUNTIME_API") and getattr(settings, "DEPLOY_RECORD", True):
            from console.health.deploy_record import record_in_background

            record_in_background(function_name, settings.BASE_DIR)
