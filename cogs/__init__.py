"""Thin Discord adapters: parse the event or command, call the core, render the reply.

Every module or package here that does not start with `_` is loaded as an extension."""
