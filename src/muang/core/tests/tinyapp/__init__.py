"""A tiny app that exists only in the test suite, installed by `test_adding_an_app.py` with one line in
INSTALLED_APPS: the worked example of docs/adding-an-app.md, without a model (so it needs no migration)."""
