"""WSGI entry point for any WSGI server (``mindthegap serve`` uses waitress)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mindthegap.store.settings")
application = get_wsgi_application()
