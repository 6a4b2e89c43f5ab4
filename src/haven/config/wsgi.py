"""The WSGI entry point for gunicorn: ``gunicorn haven.config.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.config.settings.production")
application = get_wsgi_application()
