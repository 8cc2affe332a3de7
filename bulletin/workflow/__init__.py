"""Workflow: the commands of the people who make the bulletin, and the whole path of a build.

Takes a command line (build.py, through ./run); gives builds, checks and reports, with exit
codes an editor or a scheduler can act on. `publishing.publish_issue` is the whole path of a
build, which every command that builds goes through; `building.build_issue` makes a delivery
from an issue's YAML files, one call per stage; the other modules are the commands around it.

    cli           the command line: parse arguments, run a command, turn errors into exit codes
    publishing    the whole path of a build: the lock, the nothing-changed answer, previews
    building      the making of a delivery, one call per stage
    commands      validate, status, confirm, catalogs, new: the commands that render nothing
    status        what is left to translate, per language
    confirmation  confirming translations against the current source texts
    next_issue    a new issue started from the previous one
    watching      building again whenever a source changes
    preview       a picture of every page and a contact sheet per language
    softproof     a print file's pages as the press prints them, through its output profile
    schedule      the unattended build of the issue that is due
    dispatch      send: the bureau's package sent, by hand or after a scheduled run, and the editors told
    verification  verify: signed editions checked, for readers and archivists
"""

from ..util.exports import lazy_exports

__all__ = ["main", "publish_issue", "scheduled_run"]
__getattr__ = lazy_exports(__name__, {"main": ".cli", "publish_issue": ".publishing", "scheduled_run": ".schedule"})
