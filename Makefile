# Plateforme SPIE. Sans aucune variable d'environnement : SQLite, cache mémoire, tâches immédiates,
# e-mails dans la console. Voir README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installe
PORT ?= 8000

.PHONY: install run demo test e2e pannes bench charge quality fix worker beat migrate clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py charger_demo

# La démonstration locale coupe le second facteur (bandeau « démonstration » sur chaque page).
run: demo
	SPIE_MFA_OBLIGATOIRE=$${SPIE_MFA_OBLIGATOIRE:-0} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Les tests tournent en parallèle, un processus par cœur (TEST_PROCESSUS=0 : un seul processus, pour déboguer).
TEST_PROCESSUS ?= auto
test: install
	$(BIN)/python -m pytest -n $(TEST_PROCESSUS) $(PYTEST_ARGS)

# Parcours navigateur : Chromium de Debian, gunicorn + worker Celery, PostgreSQL et Redis locaux.
E2E_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/spie_e2e
E2E_REDIS_URL ?= redis://127.0.0.1:6379/6
node_modules/.installe: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch node_modules/.installe

e2e: install node_modules/.installe
	rm -rf artefacts/e2e
	DATABASE_URL=$(E2E_DATABASE_URL) REDIS_URL=$(E2E_REDIS_URL) \
		$(BIN)/python -m pytest tests/e2e -p no:cacheprovider -o addopts="--strict-markers" $(PYTEST_ARGS)

# Pannes provoquées (worker Celery tué en pleine production de PDF ; Redis arrêté 60 s et PostgreSQL redémarré sous
# charge, sur un redis-server et un cluster PostgreSQL démarrés par les tests, jamais ceux des ports 6379 et 5432) ;
# un seul processus de test, les workers démarrés par les tests prennent les deux cœurs ; chaque test affiche son bilan.
PANNES_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/spie_pannes
PANNES_REDIS_URL ?= redis://127.0.0.1:6379/7
pannes: install
	SPIE_TESTS_PANNE=1 DATABASE_URL=$(PANNES_DATABASE_URL) REDIS_URL=$(PANNES_REDIS_URL) \
		$(BIN)/python -m pytest tests/pannes -m panne -n 0 -p no:randomly -s -q $(PYTEST_ARGS)

# Mesures de performance sur PostgreSQL (base dédiée, créée au besoin), chiffres dans docs/BENCHMARKS.md.
# DEBUG coupé comme en production ; la commande ne laisse rien en base (transaction annulée).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/spie_bench
bench: install
	$(BIN)/python -m pip install --quiet ".[dev,bench]"
	createdb -h 127.0.0.1 -U postgres spie_bench 2>/dev/null || true
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py migrate --noinput
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_DEBUG=0 \
		$(BIN)/python manage.py mesurer_recherche_rome --expliquer $(BENCH_ARGS)
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_DEBUG=0 \
		$(BIN)/python manage.py mesurer_import_personnes $(BENCH_IMPORT_ARGS)
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_DEBUG=0 \
		$(BIN)/python manage.py mesurer_recherche_offre --expliquer $(BENCH_OFFRE_ARGS)
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_DEBUG=0 \
		$(BIN)/python manage.py mesurer_compte_rendu $(BENCH_COMPTE_RENDU_ARGS)
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_DEBUG=0 \
		$(BIN)/python manage.py mesurer_indicateurs $(BENCH_INDICATEURS_ARGS)

# Tests de charge (gunicorn + locust) sur une base remplie par generer_donnees_bench : 20 utilisateurs, par scénario
# 120 s avec temps de réflexion (budgets) puis 30 s sans attente (saturation, × plancher), environ 18 min ; rapide :
# CHARGE_ARGS="--duree 20 --duree-saturation 10". Rapport et JSON dans artefacts/bench/. Voir docs/BENCHMARKS.md.
CHARGE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/spie_charge
CHARGE_REDIS_URL ?= redis://127.0.0.1:6379/8
charge: install
	$(BIN)/python -m pip install --quiet ".[dev,bench]"
	DATABASE_URL=$(CHARGE_DATABASE_URL) REDIS_URL=$(CHARGE_REDIS_URL) \
		$(BIN)/python manage.py mesurer_charge $(CHARGE_ARGS)

quality: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/djlint templates */templates --lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

fix: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

worker: install
	$(BIN)/celery -A spie worker --loglevel=info

beat: install
	$(BIN)/celery -A spie beat --loglevel=info

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles artefacts
