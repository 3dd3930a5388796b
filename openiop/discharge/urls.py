app_name = "discharge"
urlpatterns: list = []
