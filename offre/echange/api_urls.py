"""L'API de lecture au format data·inclusion v1 (espace de noms « api »), montée sous /api/v1/."""

app_name = "api"

urlpatterns = []
