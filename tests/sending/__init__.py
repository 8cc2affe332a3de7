"""Tests of bulletin.sending: the package sent to real SFTP servers and folders, and the notices mailed by SMTP."""
