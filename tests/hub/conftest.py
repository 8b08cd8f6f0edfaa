"""The hub's tests start PostgreSQL and JupyterHub on this machine (marker ``server``)."""


def pytest_configure(config):
    config.addinivalue_line("markers", "server: starts servers on loopback")
