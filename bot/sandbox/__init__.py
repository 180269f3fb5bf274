"""The local Discord emulator and the interactive sandbox. Allowed to import discord: it is the
part of the process that stands in for Discord itself."""
