"""Tâches Celery de la partie comptes_rendus (enregistrées par gouvernance/tasks.py)."""
