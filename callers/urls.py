app_name = "callers"

urlpatterns: list = []
