"""The Textual application. Everything that decides lives in the core (``mydia_tui``); this
package only shows it and forwards the user's actions."""
