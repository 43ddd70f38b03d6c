"""Gunicorn settings of the Procfile's ``web`` process (``make demo`` passes the same on its
command line): as many web processes as ``WEB_CONCURRENCY`` says, else cores + 1."""

from saas_platform.devstack import web_workers

workers = web_workers()
threads = 1  # see devstack.web_workers: measured
