# One checking service for the whole class (docs/jupyterhub/README.md, "One checking service for the class").
# A jupyterhub_config.py fragment: on the Littlest JupyterHub, copy it to
# /opt/tljh/config/jupyterhub_config.d/check_service.py and run `sudo tljh-config reload hub`.
# tests/hub/test_check_service_on_hub.py loads this file, with its own python in place of TLJH's.
CHECKS_PORT = 10101  # on 127.0.0.1, beside the hub
CHECKS_SCOPE = "access:services!service=identify-checks"

c.JupyterHub.services.append({  # noqa: F821 (c is the hub's configuration)
    "name": "identify-checks",
    "url": f"http://127.0.0.1:{CHECKS_PORT}",
    # the user environment's python, which has the package and finds its Chromium; --parallel: checklists at
    # once, each keeps about two cores busy for 1-3 s
    "command": ["/opt/tljh/user/bin/python", "-m", "autograder", "check-service", "--parallel", "2"],
})
# Every learner may use the service, and their server's token (which their kernels inherit) says so.
c.JupyterHub.load_roles.append({"name": "user", "scopes": ["self", CHECKS_SCOPE]})  # noqa: F821
c.Spawner.server_token_scopes = ["users:activity!user", "access:servers!server", CHECKS_SCOPE]  # noqa: F821
c.Spawner.environment.update({"AUTOGRADER_CHECK_SERVICE_URL": f"http://127.0.0.1:{CHECKS_PORT}"})  # noqa: F821
