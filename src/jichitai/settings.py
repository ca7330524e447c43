"""Django settings: wiring only. Every value comes from :mod:`jichitai.config`, validated at start."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from jichitai import config as _config

CONFIG = _config.load()
if not CONFIG.is_production:
    CONFIG.var_dir.mkdir(parents=True, exist_ok=True)
BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = CONFIG.secret_key
DEBUG = False
ALLOWED_HOSTS = list(CONFIG.allowed_hosts)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # /api/docs serves Swagger UI from django-ninja's own static files, not a CDN
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # one-use recovery codes (accounts.twofactor.issue_recovery_codes)
    "django_prometheus",
    "jichitai.accounts",
    "jichitai.audit",
    "jichitai.registry",
    "jichitai.tax",
    "jichitai.hub",
    "jichitai.jutogai",
    "jichitai.togo",
    "jichitai.lake",
    "jichitai.declarations",
    "jichitai.lounge",
    "jichitai.dr",
    "jichitai.synth",
    "jichitai.rotation",
]
if CONFIG.oidc_enabled:
    INSTALLED_APPS.append("mozilla_django_oidc")

MIDDLEWARE = [
    "jichitai.probes.ProbeMiddleware",  # /healthz, /readyz, /metrics: before host validation and the HTTPS redirect
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jichitai.accounts.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the second factor (django-otp's, the device checked with the staff row)
    "jichitai.accounts.twofactor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "jichitai.accounts.inputguard.InputGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jichitai.accounts.middleware.ErrorMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "jichitai.urls"
WSGI_APPLICATION = "jichitai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jichitai.accounts.navigation.context",
            ],
        },
    },
]

# Form widgets rendered by Jinja2, the admin's by Django's engine (jichitai.form_rendering: why)
FORM_RENDERER = "jichitai.form_rendering.FormRenderer"

DATABASES = {"default": dj_database_url.parse(CONFIG.database_url, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 30, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.Staff"
AUTHENTICATION_BACKENDS = ["jichitai.accounts.backends.LockoutBackend"]
if CONFIG.oidc_enabled:
    AUTHENTICATION_BACKENDS.append("jichitai.accounts.backends.StaffOIDCBackend")
    OIDC_RP_CLIENT_ID = CONFIG.oidc_client_id
    OIDC_RP_CLIENT_SECRET = CONFIG.oidc_client_secret
    OIDC_OP_AUTHORIZATION_ENDPOINT = f"{CONFIG.oidc_issuer}/authorize"
    OIDC_OP_TOKEN_ENDPOINT = f"{CONFIG.oidc_issuer}/token"
    OIDC_OP_USER_ENDPOINT = f"{CONFIG.oidc_issuer}/userinfo"
    OIDC_OP_JWKS_ENDPOINT = f"{CONFIG.oidc_issuer}/jwks"
    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_CREATE_USER = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
OTP_TOTP_ISSUER = "jichitai"
LOGIN_REDIRECT_URL = "accounts:home"

LANGUAGE_CODE = "ja"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = CONFIG.var_dir / "static"
# whitenoise serves the static files from every process: in production the collected, hashed and compressed
# files (`jichitai collectstatic`, run by the web unit before it starts); elsewhere straight from the apps.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "jichitai.static_storage.StaticStorage" if CONFIG.is_production
                    else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = not CONFIG.is_production
if not CONFIG.is_production:
    STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise looks there too; empty until someone runs collectstatic
MEDIA_ROOT = CONFIG.var_dir / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if CONFIG.is_production:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
