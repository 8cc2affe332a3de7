"""The fixtures of the sending stage's tests: the real SMTP servers of `mailserver`."""

import logging

from sending.mailserver import mail_server, plain_mail_server  # noqa: F401 (fixtures, found by their names)

# As the command line has it (cli.configure_logging): paramiko's thread logs a dropped connection with its traceback,
# which the tests that call the sending stage directly would leave to a handler pytest may have closed.
logging.getLogger("paramiko").setLevel(logging.CRITICAL)
