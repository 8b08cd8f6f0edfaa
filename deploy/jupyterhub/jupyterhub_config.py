"""JupyterHub for a class on one server (`make hub`): the lessons as `make app` shows them.

Every setting comes from the environment, so `make hub`, the tests and an instructor's own
server use this one file (docs/hub.md):

    APP_STORE        the class's answers: a PostgreSQL URL (postgresql+psycopg://...), shared
                     by every learner's server and the instructor's view (required)
    CLASS_CODE       what learners type to join, with a nickname (required)
    INSTRUCTOR_CODE  what instructors type to log in as the hub's admins (required)
    APP_INSTRUCTOR_TOKEN  the instructor's view's token (random when unset)
    HUB_IP, HUB_PORT where the class connects (127.0.0.1, 8000; 0.0.0.0 for a classroom network)
    HUB_RUN_DIR      the hub's own state: its database, cookie secret, learners' home folders
    HUB_APP_DIR      the app copies of the lessons (lessons/build.py --app; build/app)
    HUB_PROXY        configurable-http-proxy's command (the Makefile installs it in build/)
    HUB_API_PORT, HUB_PROXY_API_PORT, HUB_SERVICE_PORT  the hub's internal ports
    HUB_CULL_IDLE    seconds a learner's server may sit idle before it is stopped (1200)
    HUB_LEARNER_MB   memory one learner may use (sizes their lesson kernels; see docs/hub.md)
    HUB_KERNEL_MB    one lesson kernel's memory, measured (benchmarks/hub.py)
    HUB_MAX_LEARNERS servers running at once (default: 80 % of this machine's memory at ~340 MB,
                     a server with one lesson open)
    HUB_WARM         warm kernels in each learner's server, LESSON=KERNELS (01=1)
    HUB_TAG          a label every process of this hub carries in its environment (the tests
                     and benchmarks/hub.py find and stop them by it)
"""

import os
import secrets
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from classroom_auth import ClassCodeAuthenticator  # noqa: E402

from exposure_kit._app._seats import machine_memory_mb  # noqa: E402
from exposure_kit._app._store import open_store  # noqa: E402

c = get_config()  # noqa: F821 (JupyterHub's config loader provides it)
env = os.environ
python = sys.executable
run_dir = Path(env.get("HUB_RUN_DIR", "build/hub")).resolve()
app_dir = str(Path(env.get("HUB_APP_DIR", "build/app")).resolve())
store = env["APP_STORE"]
instructor_token = env.get("APP_INSTRUCTOR_TOKEN") or secrets.token_urlsafe(18)
run_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
tagged = {"HUB_TAG": env["HUB_TAG"]} if env.get("HUB_TAG") else {}
# the store's tables and first session made once here, not raced by forty servers starting
open_store(store).close()

# ----- the hub and its proxy --------------------------------------------------------------------
c.JupyterHub.ip = env.get("HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(env.get("HUB_PORT", "8000"))
c.JupyterHub.hub_port = int(env.get("HUB_API_PORT", "8081"))
c.JupyterHub.db_url = f"sqlite:///{run_dir / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(run_dir / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(run_dir / "jupyterhub.pid")
c.JupyterHub.template_paths = [str(HERE / "templates")]
c.ConfigurableHTTPProxy.command = [env.get("HUB_PROXY", "configurable-http-proxy")]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env.get('HUB_PROXY_API_PORT', '8001')}"
c.ConfigurableHTTPProxy.pid_file = str(run_dir / "proxy.pid")
c.ConfigurableHTTPProxy.debug = False

# ----- who gets in: a class code and a nickname ---------------------------------------------------
c.JupyterHub.authenticator_class = ClassCodeAuthenticator
c.ClassCodeAuthenticator.class_code = env["CLASS_CODE"]
c.ClassCodeAuthenticator.instructor_code = env["INSTRUCTOR_CODE"]

# ----- each learner's server: the classroom server, as `make app` runs it ------------------------
# measured by benchmarks/hub.py (docs/hub.md): a learner's server ~190 MB resident (155 PSS),
# a lesson kernel ~150 MB resident (~100 PSS); 640 MB holds the server and three lessons open
SERVER_MB = 190
kernel_mb = float(env.get("HUB_KERNEL_MB", "150"))
learner_mb = float(env.get("HUB_LEARNER_MB", "640"))
kernels_each = max(1, int((learner_mb - SERVER_MB) // kernel_mb))
voila = ["--VoilaConfiguration.strip_sources=True", "--VoilaConfiguration.show_tracebacks=False",
         "--VoilaConfiguration.preheat_kernel=True", "--VoilaConfiguration.default_pool_size=0",
         "--MappingKernelManager.cull_interval=60", "--MappingKernelManager.cull_idle_timeout=600",
         "--ClassroomVoila.abandon_grace=30",
         # a zygote per learner's server pays for itself only from two kernels up: one learner
         # mostly holds one lesson kernel, so each starts as a fresh interpreter here
         "--ClassroomVoila.fork_kernels=False"]
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = str(run_dir / "home" / "{username}")
c.Spawner.cmd = [python, "-m", "exposure_kit._app._hub", app_dir]
c.Spawner.args = voila + [f"--ClassroomVoila.class_pool={env.get('HUB_WARM', '01=1')}",
                          f"--ClassroomVoila.max_kernels={kernels_each}",
                          "--ClassroomVoila.max_kernels_per_client=0"]
c.Spawner.environment = {"APP_STORE": store, "JUPYTER_PLATFORM_DIRS": "1", **tagged}
c.Spawner.env_keep = ["PATH", "LANG", "LC_ALL", "VIRTUAL_ENV", "OPENBLAS_CORETYPE",
                      "OPENBLAS_L2_SIZE"]
# enforced by Kubernetes (z2jh-values.yaml); local processes get it as MEM_LIMIT and the
# server holds at most `kernels_each` lesson kernels at once
c.Spawner.mem_limit = f"{int(learner_mb)}M"
# a classroom server (Voila) stops on SIGTERM, not SIGINT: do not wait 10 s on each at shutdown
c.LocalProcessSpawner.interrupt_timeout = 2
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
# a learner typically holds their server and one lesson: ~340 MB resident
c.JupyterHub.active_server_limit = int(env.get("HUB_MAX_LEARNERS", "0")) or max(
    1, int(machine_memory_mb() * 0.8 // (SERVER_MB + kernel_mb)))

# ----- the instructor's view: a hub service only the hub's admins may open -----------------------
service_port = int(env.get("HUB_SERVICE_PORT", "8082"))
c.JupyterHub.services = [
    {"name": "class", "url": f"http://127.0.0.1:{service_port}", "oauth_no_confirm": True,
     "display": True,
     "command": [python, "-m", "exposure_kit._app._hub", app_dir,
                 "--VoilaConfiguration.preheat_kernel=False", "--ClassroomVoila.max_kernels=1",
                 "--ClassroomVoila.fork_kernels=False"],
     "environment": {"APP_INSTRUCTOR_TOKEN": instructor_token, "APP_STORE": store,
                     "JUPYTER_PLATFORM_DIRS": "1", "HOME": str(run_dir / "instructor"), **tagged}},
    {"name": "idle-culler",
     "command": [python, "-m", "jupyterhub_idle_culler",
                 f"--timeout={int(env.get('HUB_CULL_IDLE', '1200'))}", "--cull-every=60"],
     "environment": tagged},
]
c.JupyterHub.load_roles = [
    {"name": "idle-culler", "services": ["idle-culler"],
     "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]},
]
(run_dir / "instructor").mkdir(exist_ok=True)
(run_dir / "instructor-link").write_text(
    f"http://{c.JupyterHub.ip}:{c.JupyterHub.port}/services/class/instructor"
    f"?token={instructor_token}\n")
(run_dir / "instructor-link").chmod(0o600)
