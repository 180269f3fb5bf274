"""Moderation core: cases, durations, the escalation ladder, expiry, rules and texts.

Plain Python without Discord; a thin cog gathers plain facts and calls these modules.
"""
