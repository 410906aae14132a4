"""Django settings for Notes Console.

One settings module for every stage: everything that differs comes from the environment
(see README "Configuration"). There is no relational database: notes, users and sessions
live in DynamoDB.
"""

from __future__ import annotations

from pathlib import Path

from console.env import LOCAL_BUCKET_NAME, LOCAL_TABLE_NAME, env_bool, env_float, env_int, env_list, env_str, on_lambda
from console.secret_key import load_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
ON_LAMBDA = on_lambda()

LOCAL_DATA_DIR = Path(env_str("LOCAL_DATA_DIR", str(BASE_DIR / ".local")))

DEBUG = env_bool("DJANGO_DEBUG", default=not ON_LAMBDA)
# Under DEBUG a missing page is still the site's 404 page; 1 shows Django's debug page (every URL pattern).
DEBUG_404_DETAILS = env_bool("DJANGO_DEBUG_404", default=False)
SECRET_KEY = load_secret_key(on_lambda=ON_LAMBDA, local_dir=LOCAL_DATA_DIR)

# On Lambda: API Gateway's <api-id>.execute-api.<region>.amazonaws.com and function URLs'
# <url-id>.lambda-url.<region>.on.aws (the region sits between, so ".execute-api.amazonaws.com" matches nothing).
_REGION = env_str("AWS_REGION", env_str("AWS_DEFAULT_REGION", "us-east-1"))
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS",
    [f".execute-api.{_REGION}.amazonaws.com", f".lambda-url.{_REGION}.on.aws"]
    if ON_LAMBDA
    else ["127.0.0.1", "localhost", "[::1]", "testserver"],
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "console",  # before staticfiles, so console's runserver (which announces the local admin) wins
    "django.contrib.staticfiles",
    "django_htmx",
    "accounts",
    "notes",
]

MIDDLEWARE = [
    "console.observability.RequestLogMiddleware",  # first: times everything, sets the correlation id
    "console.aws.deadline.RequestDeadlineMiddleware",  # AWS calls below keep to the request's deadline
    "console.web.lambda_http.head_without_body",
    "django.middleware.security.SecurityMiddleware",
    "console.security.ContentSecurityPolicyMiddleware",
    "console.web.static_files.StaticFilesMiddleware",  # WhiteNoise, built on the first static file asked for
    "accounts.session_middleware.SessionMiddleware",  # Django's; the store is made when a request first uses it
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.auth.AuthenticationMiddleware",
    "console.security.PageCacheMiddleware",  # signed-in pages: private, no-store; HTML varies on HX-Request
    "console.web.reader_time_zone.ReaderTimeZoneMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "console.errors.SiteNotFoundMiddleware",  # under DEBUG too, a missing page is the site's own 404
    "console.errors.StoreUnavailableMiddleware",  # last: sees a view's StoreUnavailable first
]

ROOT_URLCONF = "console.urls"
WSGI_APPLICATION = "console.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "console.web.template_engine.DjangoTemplates",  # tag libraries load on first use
        "NAME": "django",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
            ],
        },
    },
]

# No relational database anywhere: Lambda's disk is read-only and ephemeral.
DATABASES: dict = {}

# Sessions are server-side in DynamoDB (with a TTL), so signing out really ends them.
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600)
# A user's concurrent sessions: past this, signing in ends the least recently used ones (accounts/sessions.py).
SESSIONS_PER_USER = env_int("SESSIONS_PER_USER", 100)
LOGIN_URL = "signin"  # a URL name, so it carries the stage prefix
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["username"]},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = ON_LAMBDA
CSRF_COOKIE_SECURE = ON_LAMBDA
CSRF_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

# Both unset normally: on Lambda, page and static URLs follow each request's stage prefix (see STORAGES below).
FORCE_SCRIPT_NAME = env_str("FORCE_SCRIPT_NAME") or None
STATIC_URL = env_str("STATIC_URL", "/static/")
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# The site's own static folder, and of the apps' static files only the one django-htmx file the site uses.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "console.web.static_files.HtmxFinder",
]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- AWS -------------------------------------------------------------------------------
AWS_REGION = env_str("AWS_REGION", env_str("AWS_DEFAULT_REGION", "us-east-1"))
DYNAMODB_TABLE = env_str("DYNAMODB_TABLE", LOCAL_TABLE_NAME)
# Unset locally: an embedded endpoint (moto's server) is started by manage.py.
DYNAMODB_ENDPOINT_URL = env_str("DYNAMODB_ENDPOINT_URL") or None
AWS_CONNECT_TIMEOUT = env_float("AWS_CONNECT_TIMEOUT", 2.0)
AWS_READ_TIMEOUT = env_float("AWS_READ_TIMEOUT", 5.0)
AWS_MAX_ATTEMPTS = env_int("AWS_MAX_ATTEMPTS", 3)
# Each request's deadline (console/aws/deadline.py): Lambda's remaining time, or this budget off Lambda (the
# stage's timeout), less a reserve in which the app still answers with its own 503 before the timeout.
REQUEST_TIME_BUDGET_SECONDS = env_float("REQUEST_TIME_BUDGET_SECONDS", 28.0)
REQUEST_DEADLINE_RESERVE_SECONDS = env_float("REQUEST_DEADLINE_RESERVE_SECONDS", 1.5)

# --- Notes ------------------------------------------------------------------------------
NOTES_PAGE_SIZE = env_int("NOTES_PAGE_SIZE", 20)

# --- Attachments (one private S3 bucket per stage; console/aws/s3.py) ------------------------
ATTACHMENTS_BUCKET = env_str("ATTACHMENTS_BUCKET", LOCAL_BUCKET_NAME)
# Unset locally: manage.py points it at the embedded endpoint (which serves S3 as well as DynamoDB).
S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL") or None
ATTACHMENTS_QUOTA_BYTES = env_int("ATTACHMENTS_QUOTA_BYTES", 1024**3)  # per user
ATTACHMENTS_UPLOAD_EXPIRES_SECONDS = env_int("ATTACHMENTS_UPLOAD_EXPIRES_SECONDS", 5 * 60)
ATTACHMENTS_URL_EXPIRES_SECONDS = env_int("ATTACHMENTS_URL_EXPIRES_SECONDS", 2 * 60)
# Where the browser reaches the bucket (presigned POST and GET URLs): the CSP allows it and nothing else.
ATTACHMENTS_ORIGIN = (
    S3_ENDPOINT_URL.rstrip("/")
    if S3_ENDPOINT_URL
    else f"https://{ATTACHMENTS_BUCKET}.s3.{env_str('AWS_REGION', env_str('AWS_DEFAULT_REGION', 'us-east-1'))}.amazonaws.com"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line is JSON (LOG_FORMAT=text for a terminal) and carries the request's correlation id.
    # No line carries a secret (a reset link's key, an API token): console/log_redaction.py.
    "filters": {
        "correlation": {"()": "console.observability.CorrelationIdFilter"},
        "secrets": {"()": "console.log_redaction.RedactSecretsFilter"},
    },
    "formatters": {
        "json": {"()": "console.observability.JsonFormatter"},
        "text": {"()": "console.observability.TextFormatter"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["secrets", "correlation"],
            "formatter": "text" if env_str("LOG_FORMAT", "json") == "text" else "json",
        },
        "recent": {"class": "console.observability.MemoryLogHandler", "filters": ["secrets", "correlation"]},
        # runserver's request lines, as Django's default logging writes them, less the secrets in their URLs
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server", "filters": ["secrets"]},
    },
    "root": {"handlers": ["console", "recent"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handler for these (a plain line under DEBUG) would repeat what the root logs as JSON.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "botocore": {"level": "WARNING"},
        "werkzeug": {"level": "WARNING"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

# --- Function-health console (console/health) --------------------------------------------
# "aws" reads the function through Lambda/CloudWatch/Logs; "local" shows this process (requests
# recorded in memory, the stage's settings from zappa_settings.json). Empty: aws on Lambda, else local.
HEALTH_GATEWAY = env_str("HEALTH_GATEWAY", "")
HEALTH_FUNCTION_NAME = env_str("HEALTH_FUNCTION_NAME", env_str("AWS_LAMBDA_FUNCTION_NAME"))
HEALTH_ZAPPA_SETTINGS = Path(env_str("HEALTH_ZAPPA_SETTINGS", str(BASE_DIR / "zappa_settings.json")))
HEALTH_STAGE = env_str("HEALTH_STAGE", "")  # empty: the stage whose function name matches, else the first
HEALTH_PRICE_GB_SECOND = {
    "x86_64": env_float("HEALTH_PRICE_GB_SECOND_X86_64", 0.0000166667),
    "arm64": env_float("HEALTH_PRICE_GB_SECOND_ARM64", 0.0000133334),
}
HEALTH_PRICE_PER_MILLION_REQUESTS = env_float("HEALTH_PRICE_PER_MILLION_REQUESTS", 0.20)
HEALTH_PERCENTILES = env_list("HEALTH_PERCENTILES", ["p50", "p90", "p99"])  # Duration statistics asked of CloudWatch
HEALTH_LOCAL_MAX_REQUESTS = env_int("HEALTH_LOCAL_MAX_REQUESTS", 1000)
HEALTH_LOCAL_MAX_LOG_LINES = env_int("HEALTH_LOCAL_MAX_LOG_LINES", 2000)
# `manage.py wire_stream`: SQS queue or SNS topic ARN that Lambda tells about stream batches it gave up.
STREAM_ON_FAILURE_DESTINATION = env_str("STREAM_ON_FAILURE_DESTINATION", "")

# --- Accounts ---------------------------------------------------------------------------
SIGNUP_ENABLED = env_bool("SIGNUP_ENABLED", True)
LOGIN_REDIRECT_URL = "home"
SIGNIN_THROTTLE_ATTEMPTS = env_int("SIGNIN_THROTTLE_ATTEMPTS", 5)  # failed sign-ins per username and address
SIGNIN_THROTTLE_WINDOW = env_int("SIGNIN_THROTTLE_WINDOW", 15 * 60)  # seconds
# Failed sign-ins per account across every address (accounts/throttle.py), sparing the owner's recent addresses.
SIGNIN_ACCOUNT_ATTEMPTS = env_int("SIGNIN_ACCOUNT_ATTEMPTS", 20)
SIGNIN_ACCOUNT_WINDOW = env_int("SIGNIN_ACCOUNT_WINDOW", 60 * 60)
SIGNIN_KNOWN_ADDRESS_DAYS = env_int("SIGNIN_KNOWN_ADDRESS_DAYS", 30)

# --- Email: address checks and "Forgot password?" links (accounts/email_views.py) ------------------------
# On Lambda through Amazon SES (console/aws/ses.py), from the stage's EMAIL_FROM (zappa_settings.json; the
# stage policy grants ses:SendEmail on that identity only); locally Django's console backend prints the mail
# in the `make run` terminal; tests use locmem (pytest-django).
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "console.aws.ses.SesEmailBackend" if ON_LAMBDA else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("EMAIL_FROM", "notes@localhost")
EMAIL_VERIFY_HOURS = env_int("EMAIL_VERIFY_HOURS", 24)  # how long an address check link works
# "Forgot password?" requests: per address asked for, and per account (a throttled account's answer is the
# same page, so neither says whether the address is known).
RESET_EMAIL_PER_ADDRESS = env_int("RESET_EMAIL_PER_ADDRESS", 3)
RESET_EMAIL_PER_ACCOUNT = env_int("RESET_EMAIL_PER_ACCOUNT", 3)
RESET_EMAIL_WINDOW = env_int("RESET_EMAIL_WINDOW", 60 * 60)  # seconds
EMAIL_CHANGES_PER_ACCOUNT = env_int("EMAIL_CHANGES_PER_ACCOUNT", 5)  # address checks sent, per RESET_EMAIL_WINDOW

# --- Security headers and HTTPS -----------------------------------------------------------
# The CSP is set by console.security; the rest by Django's SecurityMiddleware and XFrameOptionsMiddleware.
# The attachments bucket's origin: images shown inline, uploads posted to it (fetch, or the plain form).
CONTENT_SECURITY_POLICY = (
    f"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: {ATTACHMENTS_ORIGIN}; "
    f"connect-src 'self' {ATTACHMENTS_ORIGIN}; object-src 'none'; "
    f"base-uri 'self'; form-action 'self' {ATTACHMENTS_ORIGIN}; frame-ancestors 'none'"
)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "console.errors.csrf_failure"
# On Lambda every request comes through API Gateway (or a function URL), which speaks only HTTPS and sets
# X-Forwarded-Proto itself, so the header can be trusted there and nowhere else.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if ON_LAMBDA else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", ON_LAMBDA)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if ON_LAMBDA else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", ON_LAMBDA)
# Preloading is a promise made for a whole registrable domain (impossible for *.execute-api.amazonaws.com);
# turn it on only for a custom domain whose owner means it.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# --- JSON API ---------------------------------------------------------------------------
# Larger request bodies get a 413 before they are read. 1 MiB holds any valid note in any JSON
# spelling (content is at most 100 KB of UTF-8, and an escaped character takes at most 6 bytes per byte).
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 1024 * 1024)
API_IDEMPOTENCY_TTL_SECONDS = env_int("API_IDEMPOTENCY_TTL_SECONDS", 24 * 3600)
API_TOKENS_PER_USER = env_int("API_TOKENS_PER_USER", 20)
# --- Lambda (zappa_settings.json; README "Deploy") ----------------------------------------
# Static URLs follow each request's stage prefix (/dev/static/... on execute-api hosts, /static/... on a
# custom domain), so FORCE_SCRIPT_NAME and STATIC_URL need not be set per stage.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "console.web.static_files.StagePrefixedStaticFilesStorage"},
}
if ON_LAMBDA:
    # WhiteNoise serves the package's static files through the finders (WHITENOISE_USE_FINDERS); nothing is
    # collected into STATIC_ROOT, and WhiteNoise would warn about the missing folder at every cold start.
    STATIC_ROOT = None
