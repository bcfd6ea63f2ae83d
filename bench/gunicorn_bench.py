"""gunicorn settings for the benchmarks: everything else comes from the command line
(bench/common.py), so the project's gunicorn.conf.py (environment-driven) is not read."""
accesslog = None
errorlog = "-"
timeout = 120
graceful_timeout = 10
keepalive = 5
