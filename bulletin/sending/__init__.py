"""Sending stage: the bureau receives an issue's package, and the editors hear of every unattended run.

Takes a delivered issue's package (the zip and its checksum in output/<issue>/, as the delivery
stage left them) and a destination; gives the package at the bureau, whole or not at all, under
a temporary name until it is checked there, and recorded in output/<issue>/sent.json. Also
gives the editors a plain-text notice of what a scheduled run did, by SMTP.

    destinations  where a package goes: an sftp:// or file:// address read, and told without secrets
    folder        a local or mounted folder (a hot folder): a temporary name, checked, then renamed
    sftp          an SFTP server (paramiko): the host key checked, a temporary name, read back, renamed
    ledger        sent.json: what was sent where, under which name (a revision), and when
    transfer      a package sent: once per destination, retried with backoff, recorded
    mail          the editors' mail settings, and a message sent by SMTP with STARTTLS and authentication
    notices       the notice of a run, in the source language and in English
"""

from ..util.exports import lazy_exports

__all__ = ["send_package", "compose_notice", "mail_notice"]
__getattr__ = lazy_exports(
    __name__,
    {
        "send_package": ".transfer",
        "compose_notice": ".notices",
        "mail_notice": ".mail",
    },
)
