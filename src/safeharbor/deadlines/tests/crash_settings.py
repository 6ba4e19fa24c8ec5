"""Settings for the crash tests' subprocesses: the project's, with a file-based e-mail outbox, and the
task queue under a name of the test's own (so a drill on a shared Redis touches no one else's keys)."""

import os

from safeharbor.settings import *  # noqa: F403
from safeharbor.settings import HUEY

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["SAFEHARBOR_TEST_OUTBOX"]

if os.environ.get("SAFEHARBOR_TEST_HUEY_NAME"):
    HUEY = {**HUEY, "name": os.environ["SAFEHARBOR_TEST_HUEY_NAME"]}
