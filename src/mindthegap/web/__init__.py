"""The web app: study dashboards, report downloads and exports behind Django's auth, per-study access."""
