"""Frameworks and instruments as data: YAML files in ``data/`` with loaders that validate them.

Nothing here imports the rest of mindthegap; the files hold structure and the project's own short labels,
never third-party item wording (users load full wording from their own file).
"""
