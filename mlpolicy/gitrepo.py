"""Repository operations of the commands other than ``check``, through GitPython.

SPEC sections 2 and 11: GitPython is the library for repository operations where it helps
(refs, config, the hooks directory, a path's last commit), and this is the only module that
imports it (``git``). ``check`` never imports this module: GitPython costs ~40 ms of
imports and a ``git version`` probe, so a check talks to git through the batched plumbing
of :mod:`mlpolicy.gitscope` instead (a test keeps ``git`` out of a check's imports).

Every git process GitPython starts here, its own ``cat-file`` readers included, runs with
the options :func:`mlpolicy.gitprocess.command` gives the check's processes:
``--no-optional-locks``, ``core.fsmonitor`` off, hooks pointed at ``/dev/null`` (so the
repository's config cannot make mlpolicy run a program; SPEC section 12), and in the C
locale (GitPython sets ``LC_ALL`` and ``LANGUAGE`` itself). Diffs run with
``--no-ext-diff --no-textconv``. A git that is missing or fails is a :class:`GitError` or a
:class:`~mlpolicy.errors.UsageError` with git's own words, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from mlpolicy import gitprocess
from mlpolicy.errors import UsageError
from mlpolicy.gitprocess import GitError as GitError

if TYPE_CHECKING:
    import git


class GitRepo:
    """The git work tree at ``root``, opened with GitPython; close it (or use ``with``) to
    stop the processes GitPython keeps open."""

    def __init__(self, root: Path) -> None:
        self.root = root
        module = _gitpython()
        try:
            self._repo: git.Repo = module.Repo(root)
        except Exception as exc:
            raise _translated(exc, f"the repository at {root}") from None
        _harden(self._repo.git, hooks=False)

    def __enter__(self) -> GitRepo:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the git processes GitPython keeps open (its ``cat-file`` readers)."""
        self._repo.close()

    def hooks_dir(self) -> Path:
        """Where git runs hooks from: ``core.hooksPath`` honoured (from any config file,
        relative to the work tree), and the common git directory in a linked worktree.

        git itself resolves the path (``rev-parse --git-path hooks``), since only git reads
        every config file the way git does; this one command keeps the configured hooks
        path, which it only prints.
        """
        _harden(self._repo.git, hooks=True)
        try:
            out = self._call("rev_parse", "--git-path", "hooks")
        finally:
            _harden(self._repo.git, hooks=False)
        return self.root / out.decode("utf-8", "surrogateescape").strip()

    def head_commit(self) -> str | None:
        """The commit HEAD points at, or None in a repository without commits."""
        try:
            return str(self._repo.head.commit.hexsha)
        except ValueError:  # GitPython's word for an unborn branch (or a dangling HEAD)
            return None
        except Exception as exc:
            raise _translated(exc, "HEAD") from None

    def differs_from_head(self, ignore: Iterable[str] = ()) -> bool:
        """Whether tracked files (staged or not) differ from HEAD, the ``ignore`` paths aside.

        For ``mlpolicy log`` in the user's own checkout, not for ``check``: comparing file
        contents may run the repository's clean filters, as ``git status`` does.
        """
        excluded = [f":(top,exclude,literal){path}" for path in ignore]
        args = ("--quiet", "--no-ext-diff", "--no-textconv", "HEAD", "--", ":(top)", *excluded)
        status, _, err = self._execute("diff", args)
        if status == 1:  # --quiet: 1 means "there are differences"
            return True
        if status:
            raise GitError(_said(err) or "git diff failed", status)
        return False

    def last_commit(self, path: str) -> Commit | None:
        """The newest commit in HEAD's history (in date order) whose own change touches
        ``path`` (a file, or anything under a folder; ``.`` for the whole tree), merges
        aside: the commit ``GitScope.last_commits`` names. None when no commit does.
        """
        if self.head_commit() is None:
            return None
        paths = [] if path in ("", ".") else [f":(literal){path.strip('/')}"]
        options: dict[str, Any] = {
            "max_count": 1,
            "date_order": True,
            "full_history": True,
            "no_merges": True,
        }
        try:
            found = list(self._repo.iter_commits("HEAD", paths, **options))
            if not found:
                return None
            return Commit(str(found[0].hexsha), int(found[0].committed_date))
        except Exception as exc:
            raise _translated(exc, f"the history of {path}") from None

    def _call(self, method: str, *args: str) -> bytes:
        status, out, err = self._execute(method, args)
        if status:
            raise GitError(_said(err) or f"git {method} failed", status)
        return out

    def _execute(self, method: str, args: Iterable[str]) -> tuple[int, bytes, str]:
        """(exit status, stdout, stderr) of one git command through GitPython."""
        command = getattr(self._repo.git, method)
        try:
            status, out, err = command(
                *args, with_extended_output=True, with_exceptions=False, stdout_as_string=False
            )
        except Exception as exc:
            raise _translated(exc, f"git {method}") from None
        return int(status), bytes(out), str(err)


@dataclass(frozen=True, slots=True)
class Commit:
    """A commit's sha and committer time (seconds since the epoch)."""

    sha: str
    timestamp: int


def _gitpython() -> ModuleType:
    """GitPython, imported on first use. A git that is missing, or that cannot even say its
    version (GitPython asks at import), is a clear error, not an ImportError."""
    try:
        import git
    except ModuleNotFoundError as exc:
        if exc.name != "git":
            raise
        raise UsageError("GitPython is not installed: reinstall mlpolicy with pip") from None
    except ImportError as exc:  # GitPython wraps what went wrong running `git version`
        cause = exc.__cause__
        if cause is None or isinstance(cause, ImportError | PermissionError | FileNotFoundError):
            raise UsageError(gitprocess.GIT_MISSING) from None
        said = _said(getattr(cause, "stderr", ""))
        raise GitError(said or f"git cannot be run: {cause}") from None
    return git


def _translated(error: Exception, what: str) -> Exception:
    """What GitPython raised, as the error mlpolicy shows (git's own words where it has
    some); an error of mlpolicy's own, or one not GitPython's, is left as it is."""
    module = _gitpython()
    if isinstance(error, module.GitCommandNotFound | FileNotFoundError):
        return UsageError(gitprocess.GIT_MISSING)
    if isinstance(error, module.GitCommandError):
        status = error.status if isinstance(error.status, int) else None
        return GitError(_said(error.stderr) or f"git failed reading {what}", status)
    if isinstance(error, module.InvalidGitRepositoryError | module.NoSuchPathError):
        return GitError(f"{what} is not a git repository")
    if isinstance(error, OSError):
        return UsageError(f"git cannot be run: {error.strerror or error}")
    if isinstance(error, ValueError | module.GitError):  # unreadable refs or objects
        return GitError(f"git cannot read {what}: {error}")
    return error


def _harden(command: git.Git, hooks: bool) -> None:
    """Give every git process ``command`` starts the options the check's processes get
    (``hooks`` keeps the configured hooks path, for the one command that prints it)."""
    options = gitprocess.command((), hooks)[1:]
    configs = [options[i + 1] for i, option in enumerate(options) if option == "-c"]
    flags: dict[str, Any] = {
        option[2:].replace("-", "_"): True for option in options if option.startswith("--")
    }
    command.set_persistent_git_options(**flags, c=configs)


def _said(stderr: object) -> str:
    """git's own message, from stderr as GitPython hands it over (raw, or quoted as
    ``stderr: '...'`` inside an exception)."""
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else str(stderr)
    text = text.strip()
    if text.startswith("stderr: '") and text.endswith("'"):
        text = text[len("stderr: '") : -1].strip()
    return text
