"""WSGI entry point for any WSGI server (``mindthegap serve`` uses waitress).

The store is opened the one way every command opens it, :func:`mindthegap.store.database.open_store`: Django
set up from ``MINDTHEGAP_DATABASE_URL``, the connection checked and a newer schema refused. A WSGI server does not
migrate; ``mindthegap serve`` has already done so.
"""

from django.core.handlers.wsgi import WSGIHandler

from mindthegap.store.database import open_store

open_store(migrate=False)
application = WSGIHandler()
