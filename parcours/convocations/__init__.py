"""Convocations aux rendez-vous (courriel, lettre PDF, réponse par lien signé), rappels et relances."""
