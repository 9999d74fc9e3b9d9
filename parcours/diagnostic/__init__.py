"""Le diagnostic socio-professionnel partagé : règles (barème d'orientation, objectifs suggérés), comparaison
des versions, correspondance avec France Travail, services d'écriture, vues et formulaires."""
