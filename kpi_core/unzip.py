"""Reading a zip's members with their decompressed size and compression ratio capped while they inflate."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

_CHUNK = 64 * 1024  # decompressed bytes asked for at a time: what a member may hold in memory beyond its cap


@dataclass(frozen=True)
class UnzipLimits:
    """Caps for one archive: decompressed bytes per member and in all, and decompressed bytes per compressed byte.

    The ratio is checked once a member has given `ratio_from` bytes: small parts (styles, a manifest) compress
    far better than data and cannot harm anyone, while a zip bomb's whole point is a ratio near 1000.
    """

    member_bytes: int
    total_bytes: int
    ratio: float
    ratio_from: int = 1 << 20


class UnzipError(Exception):
    """A member that cannot be read within the limits (subclasses say why); `member` names it."""

    reason = "broken"

    def __init__(self, member: str, limit: float | None = None) -> None:
        super().__init__(f"{member}: {self.reason}" + (f" (limit {limit})" if limit is not None else ""))
        self.member = member
        self.limit = limit


class TooLarge(UnzipError):
    """More decompressed bytes than `limit` in one member, or in all members together (`limit` is that cap)."""

    reason = "too_large"


class TooCompressed(UnzipError):
    """A member giving more than `limit` decompressed bytes per compressed byte read: a zip bomb's signature."""

    reason = "too_compressed"


class BrokenZip(UnzipError):
    """Not a zip, or a member that is damaged, encrypted or compressed in a way the standard library cannot read."""


class _Counted(io.BytesIO):
    """The archive's bytes, counting how many were read: the compressed bytes a member really consumed."""

    consumed = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.consumed += len(data)
        return data


def stream_members(data: bytes, limits: UnzipLimits, names: Iterable[str] | None = None) -> Iterator[tuple[str, bytes]]:
    """(member name, chunk) for the members named (every member when None), in archive order, as they inflate.

    Nothing the archive declares about sizes is trusted: bytes are counted as they come out, a member is read
    `_CHUNK` bytes at a time and never past one byte over a cap (TooLarge), and a member that has given more than
    `limits.ratio` bytes per compressed byte read so far is stopped there (TooCompressed). Each member ends with
    an empty chunk, so a reader of the stream knows where one member stops (an empty member gives only that).
    """
    source = _Counted(data)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise BrokenZip("") from error
    wanted = None if names is None else set(names)
    total = 0
    with archive:
        for info in archive.infolist():
            if (wanted is not None and info.filename not in wanted) or info.is_dir():
                continue
            produced = 0
            try:
                with archive.open(info) as member:
                    start = source.consumed  # the local header is read by open(): count compressed data only
                    while True:
                        room = min(limits.member_bytes - produced, limits.total_bytes - total) + 1
                        chunk = member.read(min(_CHUNK, room))
                        if not chunk:
                            break
                        produced += len(chunk)
                        total += len(chunk)
                        if produced > limits.member_bytes:
                            raise TooLarge(info.filename, limits.member_bytes)
                        if total > limits.total_bytes:
                            raise TooLarge(info.filename, limits.total_bytes)
                        if produced >= limits.ratio_from and produced > limits.ratio * (source.consumed - start):
                            raise TooCompressed(info.filename, limits.ratio)
                        yield info.filename, chunk
            except UnzipError:
                raise
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError,
                    OSError) as error:  # a bad CRC, a cut stream, a password, an unknown compression method
                raise BrokenZip(info.filename) from error
            yield info.filename, b""


def read_members(data: bytes, limits: UnzipLimits, names: Iterable[str] | None = None) -> dict[str, bytes]:
    """The members named (every member when None) by name, read through `stream_members` and its limits."""
    members: dict[str, bytes] = {}
    chunks: list[bytes] = []
    for name, chunk in stream_members(data, limits, names):
        if chunk:
            chunks.append(chunk)
        else:  # a member's end; a name twice in one archive: the later one wins, as zipfile.getinfo has it
            members[name], chunks = b"".join(chunks), []
    return members
