"""Text analytics as pure functions and scikit-learn-style estimators. No Django here."""
