# Downhill in a container: slim Python, a non-root user, production settings, a health check.
#   docker build -t downhill . && docker run --rm -p 8501:8501 downhill
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt && useradd --create-home --uid 10001 downhill
# The code belongs to root and is read-only to the user that runs it: a hole in the app cannot
# rewrite the app (whatever modes the build machine's checkout had, readable but never writable)
COPY . .
RUN chown -R root:root /app && chmod -R u=rwX,go=rX /app
USER downhill

EXPOSE 8501
# /_stcore/health answers "ok" once the server is up (curl is not in the slim image: Python is)
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() != b'ok')"]
# Production: no file watcher, no usage statistics, no uploads (the app has no uploader), errors
# shown by type only (.streamlit/config.toml holds the same; the flags make the image self-evident)
CMD ["streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501", "--server.headless=true", \
     "--server.fileWatcherType=none", "--server.runOnSave=false", "--server.maxUploadSize=1", \
     "--browser.gatherUsageStats=false", "--client.showErrorDetails=type", "--client.toolbarMode=minimal"]
