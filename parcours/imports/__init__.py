"""Import de personnes depuis un fichier CSV ou XLSX : correspondance des colonnes, aperçu, import confirmé."""
