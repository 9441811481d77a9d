"""The demo `make run` shows: every feature, with data. Like the home page and the URLs, the
demo gathers from both apps (callers, and dmts, which builds on it).
"""
