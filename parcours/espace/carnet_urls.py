"""À écrire."""

urlpatterns = []
