"""Les URL (voir le paquet)."""

urlpatterns = []
