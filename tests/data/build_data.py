#!/usr/bin/env python3
"""Writes the fake-GitHub data sets under tests/data/ (the JSON there is generated).

    python3 tests/data/build_data.py          # rewrite the JSON files
    python3 tests/data/build_data.py --check  # exit 1 if a JSON file is out of date

The notable pull requests are written out by hand below; the bulk of old pull requests
that only make listings long ("filler") is generated deterministically.  Edit this file,
not the JSON.  The format is documented in tests/fake_github/server.py.

Data sets:
  rust-osdev-2023-08/  the rust-osdev sections of "This Month in Rust OSDev: August 2023"
  paginated/           example/big (250 PRs merged in 2023-08), example/quiet, example/messy,
                       example/broken
  hostile/             hostile-org/inject: hostile logins, titles and description
"""

import hashlib
import json
import os
import sys
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
DEPS = ["dependencies"]
BOT = "dependabot[bot]"


def ts(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def at(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def h(*parts):
    return int(hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()[:8], 16)


def pr(number, title, user, created, merged=None, closed=None, updated=None, assoc=None,
       labels=None, body=None, **extra):
    """One pull request's facts.  merged implies closed = merged unless given."""
    bot = user.endswith("[bot]")
    closed = closed or merged
    if updated is None:
        updated = ts(at(closed or created) + timedelta(seconds=1 + h(user, number) % 90))
    p = {"number": number, "title": title, "user": user}
    if bot:
        p["user_type"] = "Bot"
    p.update(created_at=created, updated_at=updated, closed_at=closed, merged_at=merged,
             labels=labels if labels is not None else (DEPS if bot else []),
             author_association=assoc or ("CONTRIBUTOR" if bot else "MEMBER"),
             body=body if body is not None else default_body(title, user))
    p.update(extra)
    return p


def default_body(title, user):
    if user == BOT and title.startswith("build(deps): bump "):
        name = title.split()[2]
        return (f"Bumps [{name}](https://github.com/{name if '/' in name else 'rust-lang/crates.io-index'})"
                f" {' '.join(title.split()[3:])}.\n\nDependabot will resolve any conflicts with this PR as "
                "long as you don't alter it yourself.")
    if user.endswith("[bot]"):
        return "This PR contains the following updates.\n\n---\n\nConfiguration: Renovate Bot."
    return None if h(title) % 4 == 0 else f"{title}.\n\nChecklist\n- [x] Sensible git history\n- [x] Update the changelog"


def filler(numbers, start, end, people, titles, seed, bumps=(), merged_share=0.75):
    """Old PRs, created between start and end (by number), all closed and updated before
    `end` + 5 days; a share of them merged, some by dependabot."""
    numbers = list(numbers)
    nums = [n for n in numbers if h(seed, n) % 10 < 7]
    t0, t1, lo, hi = at(start), at(end), numbers[0], numbers[-1]
    out = []
    for n in nums:
        created = t0 + (t1 - t0) * (n - lo) / max(1, hi - lo)
        created = created.replace(microsecond=0)
        close = created + timedelta(hours=2 + h(seed, n, "c") % 90)
        if close > t1 + timedelta(days=5):
            close = t1 + timedelta(days=5)
        k = h(seed, n, "k")
        if bumps and k % 10 < 3:
            name, a = bumps[k % len(bumps)]
            title = f"build(deps): bump {name} from {a}.{k % 9} to {a}.{k % 9 + 1}"
            user = BOT
        else:
            user = people[k % len(people)]
            title = titles[k % len(titles)].format(n=n, v=10 + k % 30)
        merged = ts(close) if (k >> 8) % 100 < merged_share * 100 else None
        assoc = None if user == BOT else ("MEMBER" if k % 3 else "CONTRIBUTOR")
        out.append(pr(n, title, user, ts(created), merged=merged, closed=ts(close), assoc=assoc))
    return out


UEFI_TITLES = [
    "uefi: Add more `DevicePath` node types", "Fix clippy lints in uefi-services", "xtask: Update OVMF download",
    "test-runner: Check the memory map in more detail", "uefi-raw: Add more GUIDs", "Release uefi-0.{v}.0",
    "Improve the documentation of `BootServices::locate_handle_buffer`", "CI: Run miri on more tests",
    "uefi-macros: Simplify the entry macro", "Use `core::ffi::c_void` everywhere", "Add `CStr16::as_bytes`",
    "Fix a typo in the changelog", "book: Describe how to build for aarch64",
]
UEFI_BUMPS = [("crate-ci/typos", "1.15"), ("actions/checkout", "3.5"), ("syn", "2.0"), ("clap", "4.2")]


def uefi_rs():
    # The ten listed PRs and nine dependency bumps of August 2023, in merge order; the
    # first is merged exactly at the start of the month and the last at its last second.
    aug = [
        pr(906, "Drop `memmove` and `set_mem` from boot services", "nicholasbishop",
           "2023-07-29T15:02:11Z", merged="2023-08-01T00:00:00Z", updated="2023-08-22T09:14:03Z"),
        pr(908, "build(deps): bump crate-ci/typos from 1.16.1 to 1.16.2", BOT,
           "2023-07-31T07:02:33Z", merged="2023-08-01T04:18:40Z"),
        pr(909, "Add block I/O protocol to `uefi-raw` and use it in `uefi`", "nicholasbishop",
           "2023-07-31T20:11:50Z", merged="2023-08-02T16:40:12Z"),
        pr(911, "uefi-raw: Rename BlockIo to BlockIoProtocol", "nicholasbishop",
           "2023-08-02T17:05:44Z", merged="2023-08-03T02:31:08Z"),
        pr(912, "build(deps): bump crate-ci/typos from 1.16.2 to 1.16.3", BOT,
           "2023-08-07T06:58:01Z", merged="2023-08-07T13:22:45Z"),
        pr(896, "Add raw memory protection protocol and use in `uefi`", "nicholasbishop",
           "2023-07-19T03:44:20Z", merged="2023-08-08T01:56:37Z", updated="2023-09-03T11:20:00Z"),
        pr(913, "Use workspace.dependencies to declare shared dependencies", "cmoylan",
           "2023-08-07T22:10:05Z", merged="2023-08-09T14:02:51Z", assoc="CONTRIBUTOR"),
        pr(910, "Add component name protocol to uefi-raw and use from uefi", "nicholasbishop",
           "2023-08-02T03:17:29Z", merged="2023-08-10T00:45:19Z"),
        pr(916, "Implement core::error::Error for all error types", "julic20s",
           "2023-08-10T21:33:48Z", merged="2023-08-13T18:07:26Z", assoc="FIRST_TIME_CONTRIBUTOR"),
        pr(919, "build(deps): bump crate-ci/typos from 1.16.3 to 1.16.5", BOT,
           "2023-08-14T06:59:12Z", merged="2023-08-14T15:30:00Z"),
        pr(923, "build(deps): bump crate-ci/typos from 1.16.5 to 1.16.7", BOT,
           "2023-08-21T07:01:40Z", merged="2023-08-21T12:44:58Z"),
        pr(924, "build(deps): bump crate-ci/typos from 1.16.7 to 1.16.8", BOT,
           "2023-08-22T06:57:19Z", merged="2023-08-22T10:03:31Z"),
        pr(926, "build(deps): bump rustls-webpki from 0.100.1 to 0.100.2", BOT,
           "2023-08-22T21:20:14Z", merged="2023-08-23T03:15:09Z"),
        pr(927, "build(deps): bump clap from 4.3.0 to 4.4.0", BOT,
           "2023-08-28T06:55:02Z", merged="2023-08-28T13:48:27Z"),
        pr(928, "Fix 1.72 lints", "nicholasbishop",
           "2023-08-28T16:12:33Z", merged="2023-08-28T19:40:10Z"),
        pr(929, "build(deps): bump nix from 0.26.2 to 0.27.1", BOT,
           "2023-08-28T21:08:44Z", merged="2023-08-29T02:26:51Z"),
        pr(851, "Derive `Debug` in more places (requires Rust 1.70)", "phip1611",
           "2023-06-08T18:21:00Z", merged="2023-08-29T17:55:42Z", updated="2023-08-29T17:56:10Z"),
        pr(930, "build(deps): bump crate-ci/typos from 1.16.8 to 1.16.9", BOT,
           "2023-08-29T06:58:55Z", merged="2023-08-30T05:12:16Z"),
        pr(915, "Memory map change", "phip1611",
           "2023-08-09T15:40:02Z", merged="2023-08-31T23:59:59Z", updated="2023-09-01T08:12:40Z"),
    ]
    noise = [
        # Merged in July; #900 was commented on in August, so it sorts among August by update.
        pr(897, "uefi: Add `SimpleNetwork` protocol docs", "phip1611", "2023-07-20T08:00:00Z",
           merged="2023-07-24T09:30:00Z"),
        pr(898, "build(deps): bump crate-ci/typos from 1.16.0 to 1.16.1", BOT, "2023-07-24T06:58:00Z",
           merged="2023-07-24T12:00:00Z"),
        pr(900, "Add `ResetNotification` protocol", "nicholasbishop", "2023-07-25T10:00:00Z",
           merged="2023-07-28T16:45:00Z", updated="2023-08-10T07:33:21Z"),
        pr(901, "uefi-services: Remove the panic handler feature", "GabrielMajeri", "2023-07-26T11:00:00Z",
           merged="2023-07-29T10:00:00Z"),
        pr(902, "Rewrite the allocator on top of `AllocatePool`", "an-outsider", "2023-07-26T18:00:00Z",
           closed="2023-07-30T09:00:00Z", assoc="NONE"),
        pr(903, "xtask: Enable the `unstable` feature in CI", "nicholasbishop", "2023-07-27T09:00:00Z",
           merged="2023-07-31T14:20:00Z", updated="2023-08-04T16:00:00Z"),
        pr(905, "Release uefi-0.24.0", "nicholasbishop", "2023-07-27T20:00:00Z",
           merged="2023-07-31T23:59:59Z", updated="2023-07-31T23:59:59Z"),
        # Closed without merging in August, open, draft.
        pr(914, "Experimental: new memory allocation API", "a-random-contributor", "2023-08-08T12:00:00Z",
           closed="2023-08-15T10:00:00Z", assoc="CONTRIBUTOR"),
        pr(917, "build(deps): bump crate-ci/typos from 1.16.3 to 1.16.4", BOT, "2023-08-11T06:59:30Z",
           closed="2023-08-14T06:59:20Z",
           body="Superseded by #919."),
        pr(918, "Add `LoadedImageDevicePath` protocol", "phip1611", "2023-08-12T10:00:00Z",
           updated="2023-08-30T10:00:00Z"),
        pr(920, "uefi: Make `MemoryMap` own its buffer", "phip1611", "2023-08-15T09:00:00Z",
           updated="2023-09-02T13:00:00Z"),
        pr(921, "Add a `Shell` protocol wrapper", "some-newcomer", "2023-08-16T14:00:00Z",
           assoc="FIRST_TIME_CONTRIBUTOR"),
        pr(922, "Fix build on i686", "another-contributor", "2023-08-18T08:00:00Z",
           closed="2023-08-20T08:30:00Z", assoc="CONTRIBUTOR"),
        pr(925, "WIP: Reorganize the test runner", "nicholasbishop", "2023-08-22T15:00:00Z",
           updated="2023-08-24T15:00:00Z", draft=True),
        # After the month: #931 is merged at exactly the first second of September.
        pr(931, "uefi: Add `BootServices::install_configuration_table`", "nicholasbishop",
           "2023-08-30T09:00:00Z", merged="2023-09-01T00:00:00Z"),
        pr(932, "build(deps): bump crate-ci/typos from 1.16.9 to 1.16.10", BOT, "2023-08-31T10:00:00Z",
           merged="2023-09-02T10:00:00Z"),
        pr(933, "Release uefi-0.25.0", "nicholasbishop", "2023-09-03T10:00:00Z"),
        # Old and stale: open since 2022, last touched before August.
        pr(700, "Add support for the `HII` protocols", "GabrielMajeri", "2023-01-23T12:00:00Z",
           updated="2023-02-11T10:00:00Z"),
    ]
    explicit = {p["number"] for p in aug + noise}
    old = filler([n for n in range(540, 896) if n not in explicit], "2022-09-01T10:00:00Z",
                 "2023-07-18T10:00:00Z", ["nicholasbishop", "phip1611", "GabrielMajeri", "YtvwlD",
                                          "JarlEvanson", "medhefgo", "raccog"],
                 UEFI_TITLES, "uefi-rs", bumps=UEFI_BUMPS)
    # #851 is old (created in June) but merged in August: put it among the filler by number.
    return {"id": 73567386, "description": "Rusty wrapper for the Unified Extensible Firmware "
            "Interface (UEFI). This crate makes it easy to develop Rust software that leverages "
            "safe, convenient, and performant abstractions for UEFI functionality.",
            "archived": False, "fork": False, "created_at": "2016-11-13T14:21:35Z",
            "pushed_at": "2023-09-05T18:21:07Z", "default_branch": "main",
            # release tags on the commits of #905 and #928 (committer time = merged_at)
            "refs": {"uefi-v0.24.0": "2023-07-31T23:59:59Z", "uefi-v0.25.0-rc1": "2023-08-28T19:40:10Z",
                     "main": "2023-09-02T10:00:00Z"},
            "pulls": aug + noise + old}


def bootloader():
    pulls = [
        pr(346, "kernel image fields & zero out rbp", "frisoft", "2023-03-08T14:05:00Z",
           merged="2023-08-05T11:24:37Z", updated="2023-08-25T17:40:00Z", assoc="CONTRIBUTOR"),
        pr(390, "`RacyCell<T>`: Data race allowed on T", "devsnek", "2023-08-06T19:12:00Z",
           merged="2023-08-14T08:31:02Z", assoc="CONTRIBUTOR"),
        pr(391, "Update license field following SPDX 2.1 license expression standard",
           "kuzeyardabulut", "2023-08-17T06:40:00Z", merged="2023-08-20T09:18:44Z",
           assoc="FIRST_TIME_CONTRIBUTOR"),
        pr(385, "Release `v0.11.4`", "phil-opp", "2023-07-02T10:00:00Z", merged="2023-07-05T08:00:00Z"),
        pr(386, "Fix loading of kernels with a `.tbss` section", "phil-opp", "2023-07-10T10:00:00Z",
           merged="2023-07-12T12:00:00Z", updated="2023-08-11T09:00:00Z"),
        pr(387, "Document the `map-physical-memory` config option", "Wasabi375", "2023-07-20T10:00:00Z",
           merged="2023-07-31T22:10:00Z", assoc="CONTRIBUTOR"),
        pr(388, "Add support for kernels in the UEFI partition", "Freax13", "2023-07-25T10:00:00Z",
           updated="2023-08-28T10:00:00Z", assoc="COLLABORATOR"),
        pr(389, "Load ramdisk at a fixed address", "someone-else", "2023-08-01T08:00:00Z",
           closed="2023-08-10T08:00:00Z", assoc="NONE"),
        pr(392, "Fix CI on latest nightly", "phil-opp", "2023-09-02T10:00:00Z", merged="2023-09-04T10:00:00Z"),
        pr(393, "build(deps): bump rustix from 0.37.19 to 0.37.25", BOT, "2023-09-03T10:00:00Z"),
    ]
    explicit = {p["number"] for p in pulls}
    pulls += filler([n for n in range(300, 385) if n not in explicit], "2022-11-01T10:00:00Z",
                    "2023-06-25T10:00:00Z", ["phil-opp", "Freax13", "asensio-project", "jasoncouture"],
                    ["Fix wrong page table flags for the stack", "Release `v0.11.{v}`", "Update the README",
                     "Add a `--ramdisk` option to the disk image builder", "Improve the boot info docs"],
                    "bootloader", bumps=[("serde", "1.0")])
    return {"id": 135236106, "description": "An experimental pure-Rust x86 bootloader", "archived": False,
            "fork": False, "created_at": "2018-05-28T21:19:09Z", "pushed_at": "2023-09-04T10:00:00Z",
            "default_branch": "main", "pulls": pulls}


def x86_64():
    pulls = [
        pr(430, "Add `inline` attribute to segment functions", "tsoutsman", "2023-07-28T03:00:00Z",
           merged="2023-08-05T09:00:00Z", updated="2023-08-18T09:00:00Z", assoc="CONTRIBUTOR"),
        pr(431, "Add the `iretq` function to the `InterruptStackFrameValue` struct.", "NathanKolpa",
           "2023-08-09T12:00:00Z", merged="2023-08-15T20:30:00Z", assoc="FIRST_TIME_CONTRIBUTOR"),
        pr(432, "Fix misc doc typos", "xzmeng", "2023-08-20T02:00:00Z",
           merged="2023-08-31T23:59:59Z", updated="2023-08-31T23:59:59Z", assoc="CONTRIBUTOR"),
        pr(427, "Release v0.14.10", "Freax13", "2023-07-01T10:00:00Z", merged="2023-07-03T10:00:00Z"),
        pr(428, "Use `asm_const` for the GDT", "Freax13", "2023-07-09T10:00:00Z",
           merged="2023-07-12T10:00:00Z", updated="2023-08-03T10:00:00Z"),
        pr(429, "Add `Cr3::read_raw` variant", "a-contributor", "2023-07-20T10:00:00Z",
           closed="2023-08-02T10:00:00Z", assoc="NONE"),
        pr(433, "Release v0.14.11", "Freax13", "2023-08-31T12:00:00Z", merged="2023-09-01T00:00:00Z"),
        pr(434, "Add `PageTable::iter_mut`", "josephlr", "2023-09-02T10:00:00Z"),
    ]
    explicit = {p["number"] for p in pulls}
    pulls += filler([n for n in range(380, 427) if n not in explicit], "2022-10-01T10:00:00Z",
                    "2023-06-28T10:00:00Z", ["phil-opp", "josephlr", "Freax13", "mkroening"],
                    ["Add more MSR definitions", "Fix docs of `PageTableFlags`", "Release v0.14.{v}",
                     "Make more functions `const`"], "x86_64")
    return {"id": 94338567, "description": "Library to program x86_64 hardware.", "archived": False,
            "fork": False, "created_at": "2017-06-14T12:14:23Z", "pushed_at": "2023-09-02T10:00:00Z",
            "default_branch": "master", "pulls": pulls}


def acpi():
    pulls = [
        pr(189, "AML: `DefSizeOf` implementation", "alnyan", "2023-08-04T10:00:00Z",
           merged="2023-08-09T18:00:00Z", assoc="CONTRIBUTOR"),
        pr(190, "AML: Fix `DefIfElse` parser returning `UnexpectedEndOfStream` when `If (...) {}` is "
                "not followed by anything", "alnyan", "2023-08-10T10:00:00Z",
           merged="2023-08-16T19:00:00Z", updated="2023-08-16T19:00:30Z", assoc="CONTRIBUTOR"),
        pr(186, "Support the `MADT` LocalX2Apic entries", "IsaacWoods", "2023-06-28T10:00:00Z",
           merged="2023-07-02T10:00:00Z"),
        pr(187, "AML: Implement `DefMatch`", "rcerc", "2023-06-30T10:00:00Z",
           updated="2023-08-20T10:00:00Z", assoc="CONTRIBUTOR"),
        pr(188, "Allow `Rsdp` to be created from a raw pointer", "someone-new", "2023-07-30T10:00:00Z",
           closed="2023-08-03T10:00:00Z", assoc="NONE"),
        pr(191, "Release acpi v5.0.0", "IsaacWoods", "2023-09-05T10:00:00Z", merged="2023-09-05T11:00:00Z"),
    ]
    pulls += filler(range(150, 186), "2022-06-01T10:00:00Z", "2023-06-20T10:00:00Z",
                    ["IsaacWoods", "rcerc", "alnyan"], ["AML: Fix parsing of `DefBuffer`", "Update the docs",
                                                        "Parse the `HPET` table"], "acpi")
    return {"id": 96367404, "description": "Rust library for parsing ACPI tables – data structures that "
            "the firmware of modern computers use to relay information about the hardware to the OS",
            "archived": False, "fork": False, "created_at": "2017-07-06T00:14:13Z",
            "pushed_at": "2023-09-05T11:00:00Z", "default_branch": "main", "pulls": pulls}


def uart_16550():
    return {"id": 132573930, "description": "Minimal support for uart_16550 serial output.",
            "archived": False, "fork": False, "created_at": "2018-05-08T08:37:51Z",
            "pushed_at": "2023-09-04T12:00:00Z", "default_branch": "master", "pulls": [
                pr(26, "Update to x86_64 v0.14", "phil-opp", "2022-10-02T10:00:00Z",
                   merged="2022-10-03T10:00:00Z"),
                pr(27, "Add `SerialPort::try_receive`", "Freax13", "2023-03-01T10:00:00Z",
                   merged="2023-03-05T10:00:00Z", assoc="COLLABORATOR"),
                pr(28, "Support memory-mapped UARTs on aarch64", "hobbyist-os", "2023-05-02T10:00:00Z",
                   updated="2023-08-12T10:00:00Z", assoc="CONTRIBUTOR"),
                pr(29, "x86: crate finally builds with x86 and x86_64", "phip1611", "2023-07-25T10:00:00Z",
                   merged="2023-08-23T14:10:00Z", assoc="CONTRIBUTOR"),
                pr(30, "Release v0.3.0", "phil-opp", "2023-09-04T10:00:00Z", merged="2023-09-04T12:00:00Z"),
            ]}


def quiet(rid, desc, prs, pushed, archived=False, fork=False, branch="main"):
    return {"id": rid, "description": desc, "archived": archived, "fork": fork,
            "pushed_at": pushed, "default_branch": branch, "pulls": prs}


def quiet_repos():
    """Repositories that merged nothing in August 2023 (some activity around it)."""
    return {
        "multiboot2": quiet(153488214, "Rust library for parsing and building Multiboot2 structures, "
                            "including boot information and the Multiboot2 header.", [
            pr(180, "multiboot2: Add `EFIMemoryMapTag::new`", "phip1611", "2023-07-10T10:00:00Z",
               merged="2023-07-20T10:00:00Z"),
            pr(181, "build(deps): bump uefi-raw from 0.3.0 to 0.4.0", BOT, "2023-08-05T10:00:00Z",
               closed="2023-08-12T10:00:00Z"),
            pr(182, "multiboot2-header: Builder improvements", "phip1611", "2023-08-14T10:00:00Z",
               updated="2023-08-29T10:00:00Z"),
            pr(183, "Release multiboot2 v0.17.0", "phip1611", "2023-09-01T10:00:00Z",
               merged="2023-09-03T10:00:00Z"),
        ], "2023-09-03T10:00:00Z"),
        "ovmf-prebuilt": quiet(331112213, "Prebuilt OVMF firmware images for running UEFI "
                               "applications in QEMU", [
            pr(3, "Build edk2-stable202305", "nicholasbishop", "2023-06-01T10:00:00Z",
               merged="2023-06-02T10:00:00Z"),
        ], "2023-06-02T10:00:00Z"),
        "vga": quiet(227458470, "Library to program vga hardware.", [
            pr(31, "Add 640x480x16 graphics mode", "RKennedy9064", "2022-11-01T10:00:00Z",
               merged="2022-11-05T10:00:00Z"),
            pr(32, "Update x86_64 to 0.14.10", "RKennedy9064", "2023-03-01T10:00:00Z",
               merged="2023-03-02T10:00:00Z"),
        ], "2023-03-02T10:00:00Z"),
        "pic8259": quiet(277394617, "Abstractions for the 8259 and 8259A programmable interrupt "
                         "controllers", [
            pr(8, "Make `ChainedPics::new` const", "phil-opp", "2023-05-01T10:00:00Z",
               merged="2023-05-02T10:00:00Z"),
            pr(9, "Add `disable` method", "an-os-dev", "2023-07-01T10:00:00Z",
               updated="2023-08-09T10:00:00Z", assoc="NONE"),
        ], "2023-05-02T10:00:00Z"),
        "linked-list-allocator": quiet(56463466, "Simple allocator usable for no_std systems. It "
                                       "builds a linked list from the freed blocks and thus needs "
                                       "no additional data structures.", [
            pr(78, "Fix potential out-of-bounds write in `Hole::split_current`", "jamesmunns",
               "2023-07-25T10:00:00Z", merged="2023-07-31T20:00:00Z", assoc="COLLABORATOR"),
            pr(79, "Release v0.10.6", "phil-opp", "2023-09-01T10:00:00Z", merged="2023-09-02T10:00:00Z"),
        ], "2023-09-02T10:00:00Z"),
        "spinning_top": quiet(204063720, "A simple spinlock crate based on the abstractions provided "
                              "by `lock_api`.", [
            pr(14, "Add `RwSpinlock`", "mkroening", "2023-04-01T10:00:00Z",
               merged="2023-04-10T10:00:00Z", assoc="CONTRIBUTOR"),
        ], "2023-04-10T10:00:00Z"),
        "volatile": quiet(132470128, "Provides volatile wrapper types for raw pointers.", [
            pr(28, "New design based on raw pointers", "phil-opp", "2022-09-01T10:00:00Z",
               merged="2023-06-24T10:00:00Z"),
            pr(33, "Add `VolatilePtr::map_array`", "mkroening", "2023-07-02T10:00:00Z",
               updated="2023-08-19T10:00:00Z", assoc="CONTRIBUTOR"),
        ], "2023-06-24T10:00:00Z"),
        "cargo-xbuild": quiet(140932104, "Automatically cross-compiles the sysroot crates core, "
                              "compiler_builtins, and alloc.", [
            pr(110, "Fix build on latest nightly", "phil-opp", "2021-10-01T10:00:00Z",
               merged="2021-10-02T10:00:00Z"),
        ], "2021-10-02T10:00:00Z", branch="master"),
        "bootimage": quiet(137613937, "Tool to create bootable disk images from a Rust OS kernel.", [
            pr(83, "Release v0.10.3", "phil-opp", "2021-04-01T10:00:00Z", merged="2021-04-02T10:00:00Z"),
        ], "2022-01-15T10:00:00Z", archived=True, branch="master"),
        "ps2-mouse": quiet(214720000, "A PS/2 mouse driver for x86_64 OS development in Rust.", [
            pr(6, "Update x86_64 to 0.14", "Ruddle", "2021-05-01T10:00:00Z",
               merged="2021-05-02T10:00:00Z", assoc="CONTRIBUTOR"),
        ], "2021-05-02T10:00:00Z", branch="master"),
        "pci_types": quiet(254770133, "Types for accessing and configuring PCI devices from Rust "
                           "operating systems", [
            pr(20, "Add `Bar::unwrap_mem`", "IsaacWoods", "2023-07-15T10:00:00Z",
               merged="2023-07-20T10:00:00Z"),
            pr(21, "build(deps): bump bit_field from 0.10.1 to 0.10.2", BOT, "2023-08-01T10:00:00Z",
               closed="2023-08-21T10:00:00Z"),
            pr(22, "Add capability iterator docs", "IsaacWoods", "2023-09-01T10:00:00Z",
               merged="2023-09-03T10:00:00Z"),
        ], "2023-09-03T10:00:00Z"),
        "homepage": quiet(237004460, "The rust-osdev.com website, including the \"This Month in "
                          "Rust OSDev\" posts.", [
            pr(140, "This Month in Rust OSDev: June 2023", "phil-opp", "2023-06-28T10:00:00Z",
               merged="2023-07-06T10:00:00Z"),
            pr(145, "This Month in Rust OSDev: August 2023", "phil-opp", "2023-08-01T10:00:00Z",
               merged="2023-09-05T19:00:00Z"),
        ], "2023-09-05T19:00:00Z"),
        "about": quiet(136011116, "Information about the rust-osdev organization", [
            pr(12, "Add a code of conduct", "phil-opp", "2023-02-01T10:00:00Z",
               merged="2023-02-02T10:00:00Z"),
        ], "2023-02-02T10:00:00Z", branch="master"),
        "xmas-elf": quiet(143112345, "A library for parsing and navigating ELF data; zero-allocation, "
                          "type-safe.", [
            pr(70, "Update zero dependency", "nrc-fork-maintainer", "2023-01-10T10:00:00Z",
               merged="2023-01-11T10:00:00Z", assoc="CONTRIBUTOR"),
        ], "2023-01-11T10:00:00Z", fork=True),
    }


def rust_osdev():
    repos = {"uefi-rs": uefi_rs(), "bootloader": bootloader(), "x86_64": x86_64(), "acpi": acpi(),
             "uart_16550": uart_16550()}
    repos.update(quiet_repos())
    return {f"repos/rust-osdev/{name}.json": facts for name, facts in repos.items()}


# ----------------------------------------------------------------------------- paginated

PEOPLE = ["alice-dev", "bob-builder", "carol-k", "dmitri", "erin-zh", "femi-o"]


def big():
    pulls = []
    start = at("2023-08-01T00:30:00Z")
    for i in range(250):
        n = 101 + i
        created = ts(at("2023-07-01T00:00:00Z") + timedelta(hours=2 * i, minutes=i % 60))
        # Merge order is a permutation of the number order.
        slot = (i * 97) % 250
        merged = start + timedelta(seconds=slot * 10_000 + h("big", n) % 600)
        if i % 10 == 9:
            user, title, assoc = "renovate[bot]", f"chore(deps): update rust crate serde to v1.0.{100 + i}", None
        else:
            user, title = PEOPLE[i % len(PEOPLE)], f"Change {n}"
            assoc = "MEMBER" if user == "alice-dev" else "CONTRIBUTOR"
        upd = ts(merged + timedelta(hours=(i % 5) * 9))
        pulls.append(pr(n, title, user, created, merged=ts(merged), updated=upd, assoc=assoc,
                        labels=["dependencies"] if user.endswith("[bot]") else []))
    # Two PRs merged in the same second: ties are broken by number.
    by_n = {p["number"]: p for p in pulls}
    by_n[201]["merged_at"] = by_n[201]["closed_at"] = by_n[200]["merged_at"]
    by_n[201]["updated_at"] = max(by_n[201]["updated_at"], by_n[200]["merged_at"])
    for n in range(1, 101):  # merged earlier in 2023
        created = at("2023-01-02T10:00:00Z") + timedelta(hours=40 * n)
        pulls.append(pr(n, f"Change {n}", PEOPLE[n % len(PEOPLE)], ts(created),
                        merged=ts(created + timedelta(hours=20)),
                        assoc="MEMBER" if n % len(PEOPLE) == 0 else "CONTRIBUTOR"))
    for n in range(351, 356):  # open
        pulls.append(pr(n, f"Change {n}", PEOPLE[n % len(PEOPLE)], f"2023-08-2{n - 350}T10:00:00Z",
                        assoc="CONTRIBUTOR"))
    for n in range(356, 361):  # closed in August without merging
        pulls.append(pr(n, f"Rejected change {n}", PEOPLE[n % len(PEOPLE)], f"2023-08-{n - 330}T12:00:00Z",
                        closed=f"2023-08-{n - 329}T12:00:00Z", assoc="CONTRIBUTOR"))
    return {"id": 500001, "description": "A big repository: 250 pull requests merged in August 2023.",
            "archived": False, "fork": False, "created_at": "2020-01-01T00:00:00Z",
            "pushed_at": "2023-09-01T00:00:00Z", "default_branch": "main", "pulls": pulls}


def quiet_example():
    return {"id": 500002, "description": "A repository without merges in August 2023.", "archived": False,
            "fork": False, "created_at": "2020-01-02T00:00:00Z", "pushed_at": "2023-09-03T00:00:00Z",
            "default_branch": "main", "pulls": [
                pr(1, "Merged in July", "alice-dev", "2023-07-01T10:00:00Z", merged="2023-07-31T23:59:59Z",
                   updated="2023-08-15T10:00:00Z"),
                pr(2, "Closed in August", "bob-builder", "2023-08-01T10:00:00Z",
                   closed="2023-08-10T10:00:00Z", assoc="CONTRIBUTOR"),
                pr(3, "Open in August", "carol-k", "2023-08-02T10:00:00Z", updated="2023-08-30T10:00:00Z",
                   assoc="CONTRIBUTOR"),
                pr(4, "Merged in September", "alice-dev", "2023-08-20T10:00:00Z",
                   merged="2023-09-01T00:00:00Z"),
            ]}


MESSY_TITLES = [
    ("Handle ]odd[ brackets in [link] text", "bracket-fan"),
    ("Escape <script>alert(1)</script> and compare a < b", "xss-tester"),
    ("Stop the comment early --> oops", "comment-closer"),
    ("Fix\nthings", "newline-person"),
    ("Überarbeitung – naïve café 日本", "unicode-user"),
    ("Handle \\ backslash and *stars* and _underscores_", "markdown-fan"),
    ("🚀 Launch the `rocket` | pipes & ampersands", "emoji-lover"),
]


def messy():
    pulls = [pr(i + 1, title, user, f"2023-08-0{i + 1}T08:00:00Z", merged=f"2023-08-1{i}T12:00:00Z",
                assoc="CONTRIBUTOR") for i, (title, user) in enumerate(MESSY_TITLES)]
    pulls.append(pr(20, "Plain maintainer change", "messy-maint", "2023-08-20T08:00:00Z",
                    merged="2023-08-21T08:00:00Z"))
    # a bump whose title would end the bump comment early, and one that would open another
    pulls.append(pr(21, "chore(deps): update rust crate evil --> v2 --!> <!-- [x]", "renovate[bot]",
                    "2023-08-22T08:00:00Z", merged="2023-08-23T08:00:00Z"))
    return {"id": 500003, "description": "Titles that need escaping <b>&</b> [x] --> done", "archived": False,
            "fork": False, "created_at": "2020-01-03T00:00:00Z", "pushed_at": "2023-08-21T08:00:00Z",
            "default_branch": "main", "pulls": pulls}


def broken():
    return {"id": 500004, "description": "A repository whose data is broken.", "archived": False,
            "fork": False, "created_at": "2020-01-04T00:00:00Z", "pushed_at": "2023-08-21T08:00:00Z",
            "default_branch": "main", "pulls": [
                pr(1, "Fine change", "alice-dev", "2023-08-01T08:00:00Z", merged="2023-08-02T08:00:00Z"),
                pr(2, "Author account deleted", "ghost-user", "2023-08-03T08:00:00Z",
                   merged="2023-08-04T08:00:00Z", assoc="CONTRIBUTOR", raw={"user": None}),
            ]}


def hostile():
    """Logins and titles from a hostile API: markup, entities, bidi overrides, newlines."""
    pulls = [
        pr(1, "Show &lt; and &#60; literally, keep A & B", "x)<img src=x onerror=alert(1)>",
           "2023-08-01T08:00:00Z", merged="2023-08-02T08:00:00Z", assoc="CONTRIBUTOR"),
        pr(2, "Reverse \u202eevil\u202c text and \u2066isolate\u2069", "evil\n## Injected heading",
           "2023-08-03T08:00:00Z", merged="2023-08-04T08:00:00Z", assoc="CONTRIBUTOR"),
        pr(3, "A [link](javascript:alert(1)) and <b>bold</b>", "fine-login",
           "2023-08-05T08:00:00Z", merged="2023-08-06T08:00:00Z", assoc="CONTRIBUTOR"),
        pr(4, "Double hyphen author", "bad--login", "2023-08-07T08:00:00Z",
           merged="2023-08-08T08:00:00Z", assoc="CONTRIBUTOR"),
    ]
    return {"id": 500005, "description": "# Not a heading\n- <img src=x onerror=alert(1)> [x](javascript:y) &amp;",
            "archived": False, "fork": False, "created_at": "2020-01-05T00:00:00Z",
            "pushed_at": "2023-08-21T08:00:00Z", "default_branch": "main", "pulls": pulls}


def paginated():
    return {"repos/example/big.json": big(), "repos/example/quiet.json": quiet_example(),
            "repos/example/messy.json": messy(), "repos/example/broken.json": broken()}


# ----------------------------------------------------------------------------- output

def render(facts):
    """Readable JSON: top-level keys one per line, one pull request per line."""
    facts = dict(facts)
    pulls = sorted(facts.pop("pulls"), key=lambda p: -p["number"])
    lines = ["{"]
    for k, v in facts.items():
        lines.append(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},")
    lines.append('  "pulls": [')
    lines += [f"    {json.dumps(p, ensure_ascii=False)}," for p in pulls]
    if pulls:
        lines[-1] = lines[-1][:-1]
    lines += ["  ]", "}"]
    return "\n".join(lines) + "\n"


def validate(rel, facts):
    """Pull request numbers grow with creation time, as on GitHub."""
    pulls = sorted(facts["pulls"], key=lambda p: p["number"])
    for a, b in zip(pulls, pulls[1:]):
        if a["created_at"] >= b["created_at"]:
            raise SystemExit(f"{rel}: #{a['number']} created {a['created_at']} is not before "
                             f"#{b['number']} created {b['created_at']}")


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    for dataset, files in (("rust-osdev-2023-08", rust_osdev()), ("paginated", paginated()),
                           ("hostile", {"repos/hostile-org/inject.json": hostile()})):
        for rel, facts in files.items():
            validate(rel, facts)
            path = os.path.join(HERE, dataset, rel)
            text = render(facts)
            try:
                with open(path, encoding="utf-8") as f:
                    current = f.read()
            except FileNotFoundError:
                current = None
            if current != text:
                stale.append(path)
                if not check:
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    with open(path, "w", encoding="utf-8") as f:
                        f.write(text)
    if check and stale:
        print("out of date (run tests/data/build_data.py):", *stale, sep="\n  ")
        return 1
    if not check:
        print(f"wrote {len(stale)} file(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
