"""`legality cache path | clear`: the per-user cache of compiled rule packs and parser tables.

Why a command: the cache is safe to delete at any time (every entry is rebuilt when missing), and an
operator who wants the disk space back, or to rule the cache out while chasing a problem, should not
have to know where it lives (`LEGALITY_CACHE_DIR`, else `$XDG_CACHE_HOME/legality`, else
`~/.cache/legality`).
"""

from __future__ import annotations

import click

from ..i18n import _
from ._inputs import fail


@click.group("cache")
def cache_group() -> None:
    """Per-user cache of compiled rule packs and parser tables: path, clear."""


@cache_group.command("path")
def path_cmd() -> None:
    """Print the cache folder (LEGALITY_CACHE_DIR, else $XDG_CACHE_HOME/legality, else ~/.cache/legality)."""
    from ..cache import default_dir

    click.echo(str(default_dir()))


@cache_group.command("clear")
def clear_cmd() -> None:
    """Remove every cached entry; the next run compiles the rule pack again and stores it.

    Only files the cache wrote are removed. Exit 2 when the folder is not this user's private folder.
    """
    import os
    import stat

    from ..cache import Cache, default_dir
    from ..report.text import safe_text

    root = default_dir()
    if not root.exists() and not root.is_symlink():
        click.echo(_("legality: кэш пуст: папки {folder} нет").format(folder=safe_text(str(root))), err=True)
        return
    st = os.lstat(root)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        fail(_("папка кэша {root} — не личная папка этого пользователя (чужая, доступна другим на запись или не "
             "папка); ничего не удалено").format(root=root))
    removed, freed = Cache(root).clear()
    click.echo(_("legality: удалено записей кэша: {removed} ({mb} МБ) из {folder}").format(
        removed=removed, mb=_mb(freed), folder=safe_text(str(root))), err=True)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}".replace(".", ",")


COMMANDS = [cache_group]
