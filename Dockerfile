# Image for Fresco's own processes in docker-compose.yml (agents, archiver, serving, control plane).
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir .
ENV FRESCO_HOME=/data/fresco
CMD ["fresco", "--help"]
