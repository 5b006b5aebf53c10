# The app for a container host (compose.yaml runs it beside PostgreSQL). Build: docker build -t kpi-coach .
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md app.py ./
COPY kpi_core kpi_core
COPY pages pages
COPY personas personas
RUN pip install . && rm -rf /src

# Not root: the app needs no privileges. Its secrets (sign-in, database) are mounted at
# /home/coach/.streamlit/secrets.toml, where Streamlit reads them (compose.yaml).
RUN useradd --create-home --uid 10001 coach
USER coach
WORKDIR /home/coach

# A shared server: guests keep their data in their session only; signed-in people's data is in the database.
# Streamlit listens on every interface inside the container; publish the port behind an HTTPS proxy. An error
# shows visitors its type only: no message or traceback naming the database, its queries or another's data.
ENV KPI_COACH_HOSTED=1 STREAMLIT_SERVER_ADDRESS=0.0.0.0 STREAMLIT_SERVER_PORT=8501 \
    STREAMLIT_CLIENT_SHOW_ERROR_DETAILS=type
EXPOSE 8501
# Wait for the database (it may still be starting), bring its tables up to this version, then serve.
CMD ["sh", "-c", "kpi-coach migrate --wait 60 && exec kpi-coach app"]
