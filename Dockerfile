# Casework production image: gunicorn (web), celery worker and beat, one-shot migrate.
# Configuration comes only from the environment (see .env.example).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CASEWORK_VAR_DIR=/app/var \
    DJANGO_STATIC_ROOT=/app/staticfiles

WORKDIR /app

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Collect static files at build time under production settings with throwaway
# values: nothing here reaches a database or a broker, and no secret is baked in.
RUN DJANGO_DEBUG=false \
    DJANGO_SECRET_KEY=build-only-collectstatic-not-a-secret-0123456789abcdefghijkl \
    DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    CELERY_BROKER_URL=memory:// \
    python manage.py collectstatic --noinput \
    && rm -f /tmp/build.sqlite3

# Run as an unprivileged user; var/ (uploaded evidence, outbox) is its only writable place.
RUN useradd --system --uid 10001 --no-create-home --home-dir /app casework \
    && mkdir -p /app/var \
    && chown casework:casework /app/var
USER casework

EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
