"""Add-on plumbing behind the operators: the Generate run, worker process, dependency installer, downloads."""
