FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# Bibliothèques de WeasyPrint (Pango, HarfBuzz) et polices pour les PDF.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
       fonts-dejavu-core fonts-liberation \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir .
COPY . .
# Les variables ci-dessous ne servent qu'à collecter les fichiers statiques (aucune connexion).
RUN SPIE_ENV=production DJANGO_SECRET_KEY=collecte-des-fichiers-statiques-uniquement-sans-secret-0000 \
    DATABASE_URL=postgres://collecte@localhost/collecte REDIS_URL=redis://localhost:6379/0 EMAIL_HOST=localhost \
    python manage.py collectstatic --noinput
RUN useradd --create-home spie && chown -R spie /app
USER spie
EXPOSE 8000
CMD ["gunicorn", "spie.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
