"""The fixtures of the sending stage's tests: the real SMTP servers of `mailserver`."""

from sending.mailserver import mail_server, plain_mail_server  # noqa: F401 (fixtures, found by their names)
