# Loss Landscape Lab: one app process per container, as a non-root user, with the app's requirements only
# (requirements.txt; the test tools stay out). Several containers behind a balancer serve a larger class:
# deploy/compose.yaml (HAProxy, one machine) and deploy/kubernetes/ (several machines).
#
#   docker build -t loss-landscape-lab .
#   docker run --rm -p 8501:8501 loss-landscape-lab
FROM python:3.11-slim-bookworm

# Chromium: the Export tab's PNG and SVG images (Kaleido). Their Korean labels use the app's own font
# (assets/fonts, copied with the code), so no Korean font package is needed.
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 lab

WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
# The code (what .dockerignore leaves), owned by root: the app cannot change it. plotly.js goes into the
# app's static folder now, since the app, running as another user, cannot write it there.
COPY . ./
RUN python -m ui.assets

USER lab
RUN mkdir -p /home/lab/.cache/loss-landscape-lab/jax
# JAX's compiled programs; mount a volume here to keep them across restarts and share them between
# the containers of one machine.
ENV LOSS_LAB_JAX_CACHE=/home/lab/.cache/loss-landscape-lab/jax \
    PYTHONUNBUFFERED=1
EXPOSE 8501
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=3)"]
# .streamlit/config.toml holds the classroom settings; the address makes the port reachable from outside the
# container. server.cookieSecret must be the same in every container behind one balancer: set
# STREAMLIT_SERVER_COOKIE_SECRET.
CMD ["python", "-m", "streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501"]
