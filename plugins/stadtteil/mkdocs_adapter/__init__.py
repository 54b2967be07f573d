"""The thin layer that plugs the engine-agnostic core into mkdocs. Nothing else imports mkdocs."""
