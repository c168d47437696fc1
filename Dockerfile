# One image for every Python process (web, backtest, live, scheduler, migrate); compose picks the
# command. The UI has its own image (ui/Dockerfile).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /srv/weaver

COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir -r requirements/base.txt

COPY pyproject.toml alembic.ini ./
COPY app app
COPY workers workers
COPY scheduler scheduler
COPY migrations migrations
RUN pip install --no-cache-dir --no-deps -e . && useradd --create-home weaver
USER weaver

EXPOSE 8000
CMD ["weaver", "web", "--port", "8000"]
