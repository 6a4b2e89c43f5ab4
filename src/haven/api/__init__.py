"""
Haven's JSON API under ``/api/v1/``, for organisations that already run other tools.

A member calls it with a personal access token they made after a fresh second factor. Each token
is scoped, expires, can be revoked and is stored only as a digest. The API asks the same selectors
and services as the web pages, so it answers 404 for whatever the member could not open in the
browser, and every call leaves an audit event.
"""
