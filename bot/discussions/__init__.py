"""Film discussion threads, in plain Python.

model.py holds the data (a discussion, a server's options, the spoiler policies) and the
validators; rules.py the rules and texts (names, who may open, what the bot needs, list pages);
service.py the `Discussions` service the cogs use, which owns the repositories.
"""
