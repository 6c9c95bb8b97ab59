"""Shared pytest set-up: fixture modules are registered here."""

pytest_plugins = ["deluge_fixtures", "httpserver"]
