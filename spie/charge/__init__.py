"""Tests de charge reproductibles (`manage.py mesurer_charge`) : sessions connectées préparées en base, gunicorn comme
en production, locust sans interface, puis un tableau par scénario (centiles, débit, erreurs, rapport au plancher,
mémoire des workers). Rien ici n'importe une application du projet au niveau du module ; locust n'est importé que par
`locustfile.py`, lancé dans un processus à part (extra `bench` de pyproject.toml)."""
