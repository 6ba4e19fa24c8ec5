"""Settings for the crash test's subprocesses: the project's, with a file-based e-mail outbox."""

import os

from safeharbor.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["SAFEHARBOR_TEST_OUTBOX"]
