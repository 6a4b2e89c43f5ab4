"""The API's URLs, each declared as reached by token (the access middleware leaves them to the API)."""

from django.urls import URLPattern

from haven.accounts.access import api_token
from haven.api.v1 import api

app_name = "api"
urlpatterns, _app_name, _namespace = api.urls
for pattern in urlpatterns:
    assert isinstance(pattern, URLPattern) and pattern.callback is not None
    api_token(pattern.callback)
