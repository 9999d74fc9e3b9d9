"""Tâches Celery de la partie seances (enregistrées par gouvernance/tasks.py)."""
