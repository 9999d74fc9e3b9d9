"""La continuité du parcours : changements de statut, sortie et suivi dans l'emploi, point de situation."""
