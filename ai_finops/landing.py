"""The landing zone: one folder per (provider, source kind, billing account, billing period), holding
exactly one current delivery as Parquet plus its `_delivery.json`.

    <raw_root>/<provider>/<source_kind>/billing_account=<id>/billing_period=<YYYY-MM>/delivery=<id>/

A new delivery for a key replaces the current one as a whole: every period of one manifest (or file) is
written to a temporary folder first, then swapped in with renames; the superseded folders move to the
archive. If anything fails before the swap, nothing in the landing zone changes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ai_finops.errors import LandingError


@dataclass(frozen=True)
class LandingKey:
    provider: str
    source_kind: str
    billing_account: str
    billing_period: str  # YYYY-MM

    def period_dir(self, root: Path) -> Path:
        return (
            root
            / self.provider
            / self.source_kind
            / f"billing_account={folder_safe(self.billing_account)}"
            / f"billing_period={self.billing_period}"
        )


def folder_safe(value: str) -> str:
    """A billing account id as one folder name: `%`, `/` and `\\` percent-encoded (Azure's FOCUS
    BillingAccountId is an ARM path, `/providers/Microsoft.Billing/billingAccounts/123`); numeric AWS
    payer ids and GCP billing account ids are unchanged."""
    out = value.replace("%", "%25").replace("/", "%2F").replace("\\", "%5C")
    return "%2E" + out[1:] if out.startswith(".") else out


def landed_under_other_source_kinds(key: LandingKey, raw_root: Path) -> list[LandingKey]:
    """The keys of the same provider x billing account x billing period that hold a current delivery under a
    source kind other than `key.source_kind` (the overlapping-sources rule, runner.overlapping_sources)."""
    provider_dir = raw_root / key.provider
    if not provider_dir.is_dir():
        return []
    others = []
    for kind_dir in sorted(provider_dir.iterdir()):
        if not kind_dir.is_dir() or kind_dir.name.startswith(".") or kind_dir.name == key.source_kind:
            continue
        other = LandingKey(key.provider, kind_dir.name, key.billing_account, key.billing_period)
        period_dir = other.period_dir(raw_root)
        if period_dir.is_dir() and any(period_dir.glob("delivery=*")):
            others.append(other)
    return others


@dataclass
class StagedDelivery:
    """A delivery written to a temporary folder, waiting to be swapped in."""

    key: LandingKey
    delivery_id: str
    folder: Path
    metadata: dict = field(default_factory=dict)
    # Keys of other source kinds this delivery supersedes (`ingest --supersede`): their current delivery
    # moves to the archive in the same swap.
    supersedes: list[LandingKey] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def new_delivery_id(loaded_at: datetime, source_hashes: Iterable[str]) -> str:
    joined = hashlib.sha256("".join(sorted(source_hashes)).encode()).hexdigest()[:10]
    return f"{loaded_at.strftime('%Y%m%dT%H%M%S%fZ')}-{joined}"


def utc_now() -> datetime:
    return datetime.now(UTC)


def staging_area(raw_root: Path) -> Path:
    """A scratch folder on the same file system as the landing zone, so the final step is a rename."""
    folder = raw_root / ".staging" / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=False)
    return folder


def write_delivery_json(staged: StagedDelivery) -> None:
    (staged.folder / "_delivery.json").write_text(json.dumps(staged.metadata, indent=2, sort_keys=True))


def swap_in(staged: list[StagedDelivery], raw_root: Path, archive_root: Path) -> list[Path]:
    """Place every staged delivery, replacing the current delivery of its key. All or nothing."""
    keys = [item.key for item in staged]
    if len(set(keys)) != len(keys):
        dupes = sorted({f"{k.billing_account}/{k.billing_period}" for k in keys if keys.count(k) > 1})
        raise LandingError(f"one load holds the same billing account/period twice: {', '.join(dupes)}")

    moved_out: list[tuple[Path, Path]] = []  # (original, parked)
    placed: list[Path] = []
    park = raw_root / ".staging" / f"superseded-{uuid.uuid4().hex}"
    try:
        for item in staged:
            for old_key in (item.key, *item.supersedes):
                old_dir = old_key.period_dir(raw_root)
                if old_dir.exists():
                    parked = park / old_dir.relative_to(raw_root)
                    parked.parent.mkdir(parents=True, exist_ok=True)
                    old_dir.rename(parked)
                    moved_out.append((old_dir, parked))
            period_dir = item.key.period_dir(raw_root)
            period_dir.mkdir(parents=True, exist_ok=True)
            target = period_dir / f"delivery={item.delivery_id}"
            item.folder.rename(target)
            placed.append(target)
    except OSError as exc:
        for target in placed:
            shutil.rmtree(target.parent, ignore_errors=True)
        for original, parked in reversed(moved_out):
            original.parent.mkdir(parents=True, exist_ok=True)
            parked.rename(original)
        raise LandingError(f"could not place the delivery, nothing changed: {exc}") from exc

    for original, parked in moved_out:
        for old in parked.iterdir():
            destination = archive_root / original.relative_to(raw_root) / old.name
            destination.parent.mkdir(parents=True, exist_ok=True)
            if destination.exists():
                shutil.rmtree(destination)
            shutil.move(str(old), str(destination))
    shutil.rmtree(park, ignore_errors=True)
    return placed


def quarantine(
    files: Iterable[Path], reason: str, quarantine_root: Path, problems: list[str] | None = None
) -> Path:
    """Copy refused files aside with a reason report; the originals are left where they were.

    `reason` is the message the user saw; `problems` every problem found by the failing check stage.
    """
    stamp = utc_now().strftime("%Y%m%dT%H%M%S%fZ")
    folder = quarantine_root / stamp
    folder.mkdir(parents=True, exist_ok=True)
    listed = []
    for path in files:
        if path.is_file():
            shutil.copy2(path, folder / path.name)
            listed.append(str(path))
    (folder / "REASON.json").write_text(
        json.dumps(
            {"refused_at": stamp, "reason": reason, "problems": problems or [reason], "files": listed},
            indent=2,
        )
    )
    return folder
